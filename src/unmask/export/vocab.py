"""Mapping unmask's values onto the vocabularies STIX and MISP expect.

Countries become ISO 3166-1 alpha-2 codes (from the MISP ``country`` galaxy shipped
in pymispgalaxies, compiled once into the reference cache); sectors map onto STIX's
``industry-sector-ov``; motivations onto ``attack-motivation-ov``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.sources import galaxy_clusters_dir

__all__ = ["country_code", "country_name", "misp_sector", "motivation", "region", "sector"]

_FORMAT_VERSION = 1

#: STIX 2.1 industry-sector-ov.
INDUSTRY_SECTORS = frozenset(
    ["aerospace", "agriculture", "automotive", "chemical", "commercial", "communications", "construction", "dams", "defense", "education", "emergency-services", "energy", "entertainment", "financial-services", "government", "government-local", "government-national", "government-public-services", "government-regional", "healthcare", "hospitality-leisure", "infrastructure", "insurance", "manufacturing", "mining", "non-profit", "nuclear", "pharmaceuticals", "retail", "technology", "telecommunications", "transportation", "utilities", "water"]
)

#: STIX 2.1 region-ov, and common names for its regions.
REGIONS = frozenset(
    ["africa", "americas", "antarctica", "asia", "australia-new-zealand", "caribbean", "central-america", "central-asia", "eastern-africa", "eastern-asia", "eastern-europe", "europe", "latin-america-caribbean", "melanesia", "micronesia", "middle-africa", "northern-africa", "northern-america", "northern-europe", "oceania", "polynesia", "south-america", "south-eastern-asia", "southern-africa", "southern-asia", "southern-europe", "western-africa", "western-asia", "western-europe"]
)
_REGION_NAMES = {
    "middle-east": "western-asia", "near-east": "western-asia", "gulf": "western-asia",
    "east-asia": "eastern-asia", "southeast-asia": "south-eastern-asia",
    "south-east-asia": "south-eastern-asia", "south-asia": "southern-asia",
    "north-america": "northern-america", "latin-america": "latin-america-caribbean",
    "west-africa": "western-africa", "east-africa": "eastern-africa",
    "north-africa": "northern-africa", "southern-africa": "southern-africa",
    "western-europe": "western-europe", "eastern-europe": "eastern-europe",
    "central-europe": "europe", "scandinavia": "northern-europe", "nordics": "northern-europe",
    "asia-pacific": "asia", "apac": "asia", "emea": "europe", "australia": "australia-new-zealand",
    "european-union": "europe", "eu": "europe",
}

_SECTOR_WORDS: tuple[tuple[str, str], ...] = (
    ("think tank", "non-profit"),
    ("think-tank", "non-profit"),
    ("ngo", "non-profit"),
    ("non-governmental", "non-profit"),
    ("nonprofit", "non-profit"),
    ("non-profit", "non-profit"),
    ("charit", "non-profit"),
    ("universit", "education"),
    ("academ", "education"),
    ("education", "education"),
    ("research", "education"),
    ("school", "education"),
    ("bank", "financial-services"),
    ("financ", "financial-services"),
    ("cryptocurrenc", "financial-services"),
    ("fintech", "financial-services"),
    ("insur", "insurance"),
    ("defen", "defense"),
    ("military", "defense"),
    ("aerospace", "aerospace"),
    ("aviation", "transportation"),
    ("airline", "transportation"),
    ("telecom", "telecommunications"),
    ("health", "healthcare"),
    ("hospital", "healthcare"),
    ("medical", "healthcare"),
    ("pharma", "pharmaceuticals"),
    ("energy", "energy"),
    ("oil", "energy"),
    ("gas", "energy"),
    ("nuclear", "nuclear"),
    ("water", "water"),
    ("utilit", "utilities"),
    ("government", "government"),
    ("ministr", "government-national"),
    ("diplomat", "government-national"),
    ("embass", "government-national"),
    ("manufactur", "manufacturing"),
    ("automotive", "automotive"),
    ("chemical", "chemical"),
    ("retail", "retail"),
    ("hospitality", "hospitality-leisure"),
    ("hotel", "hospitality-leisure"),
    ("transport", "transportation"),
    ("logistic", "transportation"),
    ("shipping", "transportation"),
    ("media", "communications"),
    ("journalis", "communications"),
    ("news", "communications"),
    ("technolog", "technology"),
    ("software", "technology"),
    ("it ", "technology"),
    ("construction", "construction"),
    ("mining", "mining"),
    ("agricultur", "agriculture"),
    ("entertainment", "entertainment"),
    ("gaming", "entertainment"),
)

#: STIX 2.1 attack-motivation-ov and the words that mean each.
_MOTIVATIONS: tuple[tuple[str, str], ...] = (
    ("espionage", "organizational-gain"),
    ("intelligence", "organizational-gain"),
    ("financ", "personal-gain"),
    ("money", "personal-gain"),
    ("profit", "personal-gain"),
    ("crime", "personal-gain"),
    ("ideolog", "ideology"),
    ("hacktiv", "ideology"),
    ("political", "ideology"),
    ("sabotage", "dominance"),
    ("destruct", "dominance"),
    ("disrupt", "dominance"),
    ("notoriety", "notoriety"),
    ("revenge", "revenge"),
    ("coercion", "coercion"),
)
MOTIVATIONS = frozenset(
    ["accidental", "coercion", "dominance", "ideology", "notoriety", "organizational-gain", "personal-gain", "personal-satisfaction", "revenge", "unpredictable"]
)


def _norm(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", value.casefold()).strip()


def _build_countries() -> dict[str, tuple[str, str]]:
    try:
        data: dict[str, Any] = json.loads((galaxy_clusters_dir() / "country.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"cannot read the MISP country galaxy: {exc}"
        ) from exc
    table: dict[str, tuple[str, str]] = {}
    for value in data.get("values", []):
        meta = value.get("meta") or {}
        iso = str(meta.get("ISO", "")).upper()
        if len(iso) != 2:
            continue
        name = str(value.get("description") or value.get("value") or iso)
        entry = (iso, name)
        table.setdefault(iso.casefold(), entry)
        iso3 = str(meta.get("ISO3", ""))
        if iso3:
            table.setdefault(iso3.casefold(), entry)
        for label in (value.get("value", ""), value.get("description", ""), *value.get("synonyms", [])):
            if label:
                table.setdefault(_norm(str(label)), entry)
    extra = {
        "south korea": "KR", "republic of korea": "KR", "rok": "KR", "korea": "KR",
        "north korea": "KP", "dprk": "KP", "democratic people s republic of korea": "KP",
        "russia": "RU", "russian federation": "RU", "iran": "IR", "usa": "US", "us": "US",
        "u s": "US", "united states": "US", "united states of america": "US", "america": "US",
        "uk": "GB", "u k": "GB", "united kingdom": "GB", "britain": "GB", "great britain": "GB",
        "china": "CN", "prc": "CN", "taiwan": "TW", "vietnam": "VN", "syria": "SY",
        "czech republic": "CZ", "czechia": "CZ", "turkey": "TR", "turkiye": "TR",
    }
    by_iso = {iso: entry for iso, entry in ((e[0], e) for e in table.values())}
    for label, iso in extra.items():
        if iso in by_iso:
            table[_norm(label)] = by_iso[iso]
    return table


def _countries() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = load_compiled(
        "export-countries", _build_countries, depends=["pymispgalaxies"], format_version=_FORMAT_VERSION
    )
    return table


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country code or name, or None if unknown."""
    value = value.strip()
    if len(value) == 2 and value.isalpha():
        found = _countries().get(value.casefold())
        return found[0] if found else None
    found = _countries().get(_norm(value)) or _countries().get(value.casefold())
    return found[0] if found else None


def country_name(code: str) -> str:
    """A readable name for an ISO alpha-2 code (the code itself if unknown)."""
    found = _countries().get(code.casefold())
    return found[1] if found else code


def sector(value: str) -> str | None:
    """The STIX industry-sector-ov value for a sector name, or None."""
    slug = re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")
    if slug in INDUSTRY_SECTORS:
        return slug
    text = f" {_norm(value)} "
    for word, mapped in _SECTOR_WORDS:
        if re.search(r"\b" + re.escape(word), text) and mapped in INDUSTRY_SECTORS:
            return mapped
    return None


def region(value: str) -> str | None:
    """The STIX region-ov value for a region name ("Middle East" -> "western-asia"), or None."""
    slug = re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-").removeprefix("the-")
    if slug in REGIONS:
        return slug
    return _REGION_NAMES.get(slug)


def motivation(value: str) -> str | None:
    """The STIX attack-motivation-ov value for a motivation, or None."""
    slug = re.sub(r"[^a-z0-9]+", "-", value.casefold()).strip("-")
    if slug in MOTIVATIONS:
        return slug
    text = _norm(value)
    for word, mapped in _MOTIVATIONS:
        if re.search(r"\b" + re.escape(word), text):
            return mapped
    return None


def _singular(text: str) -> str:
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in text.split()]
    return " ".join(words)


def _build_misp_sectors() -> dict[str, str]:
    try:
        data: dict[str, Any] = json.loads((galaxy_clusters_dir() / "sector.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(f"cannot read the MISP sector galaxy: {exc}") from exc
    table: dict[str, str] = {}
    for value in data.get("values", []):
        name = str(value.get("value", ""))
        meta = value.get("meta") or {}
        for label in (name, *(meta.get("synonyms") or ())):
            for part in [str(label), *str(label).replace(",", " - ").split(" - ")]:
                key = _singular(_norm(part))
                if key:
                    table.setdefault(key, name)
    return table


def misp_sector(value: str) -> str | None:
    """The MISP ``sector`` galaxy cluster for a sector name ("think tanks" -> "Think Tanks")."""
    table: dict[str, str] = load_compiled(
        "export-misp-sectors", _build_misp_sectors, depends=["pymispgalaxies"], format_version=_FORMAT_VERSION
    )
    return table.get(_singular(_norm(value)))
