"""Mapping unmask's values onto the vocabularies STIX and MISP expect.

Countries become ISO 3166-1 alpha-2 codes (from the MISP ``country`` galaxy shipped
in pymispgalaxies, compiled once into the reference cache); sectors map onto STIX's
``industry-sector-ov``; motivations onto ``attack-motivation-ov``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from unmask.errors import ExportError, ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.sources import galaxy_clusters_dir

__all__ = [
    "country_code",
    "country_name",
    "misp_actor",
    "misp_country",
    "misp_sector",
    "misp_software",
    "misp_technique",
    "motivation",
    "region",
    "sector",
    "tlp_label",
]

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


# --- MISP galaxy clusters a tag can link to ---------------------------------------
#
# MISP links a ``misp-galaxy:TYPE="VALUE"`` tag to a cluster only when VALUE is the
# cluster's value exactly, so each name is looked up in the galaxies pymispgalaxies
# ships and written as the galaxy writes it: by ATT&CK id where there is one
# ("Web Protocols - T1071.001", "Mimikatz - S0002"), else by name or synonym, value
# matches before synonym matches (a synonym may be shared by several clusters).

_GALAXY_FORMAT = 2
_PLATFORM = re.compile(r"\s+\((?:Windows|ELF|OS X|Android|iOS)\)$")
_KIND_WORD = re.compile(r"\s+(?:ransomware|rat|backdoor|malware|trojan)$", re.IGNORECASE)
_ATTACK_SUFFIX = re.compile(r"\s+-\s+([TSG]\d{4}(?:\.\d{3})?)$")


def _galaxy_values(name: str) -> list[dict[str, Any]]:
    try:
        data: dict[str, Any] = json.loads((galaxy_clusters_dir() / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"cannot read the MISP {name} galaxy: {exc}; reinstall pymispgalaxies"
        ) from exc
    return [v for v in data.get("values", []) if isinstance(v, dict) and isinstance(v.get("value"), str)]


def _by_name(values: list[dict[str, Any]], galaxy: str, table: dict[str, tuple[str, str]]) -> None:
    """Index ``values`` by casefolded value (its ATT&CK suffix stripped), then synonyms."""
    for value in values:
        name = _ATTACK_SUFFIX.sub("", value["value"])
        table.setdefault(name.casefold(), (galaxy, value["value"]))
    for value in values:
        for synonym in (value.get("meta") or {}).get("synonyms") or ():
            if isinstance(synonym, str) and not re.fullmatch(r"[TSG]\d{4}(?:\.\d{3})?", synonym):
                table.setdefault(synonym.casefold(), (galaxy, value["value"]))


def _by_attack_id(values: list[dict[str, Any]], galaxy: str, table: dict[str, tuple[str, str]]) -> None:
    for value in values:
        found = _ATTACK_SUFFIX.search(value["value"])
        ident = str((value.get("meta") or {}).get("external_id") or (found.group(1) if found else ""))
        if ident:
            table.setdefault(ident.upper(), (galaxy, value["value"]))


def _build_galaxy_index() -> dict[str, dict[str, tuple[str, str]]]:
    techniques: dict[str, tuple[str, str]] = {}
    _by_attack_id(_galaxy_values("mitre-attack-pattern"), "mitre-attack-pattern", techniques)
    software_ids: dict[str, tuple[str, str]] = {}
    software_names: dict[str, tuple[str, str]] = {}
    for galaxy in ("mitre-malware", "mitre-tool"):
        values = _galaxy_values(galaxy)
        _by_attack_id(values, galaxy, software_ids)
        _by_name(values, galaxy, software_names)
    malpedia: dict[str, tuple[str, str]] = {}
    families = _galaxy_values("malpedia")
    _by_name(families, "malpedia", malpedia)
    # "Winnti (Windows)" is the family "Winnti" reports name; Windows first.
    for value in sorted(families, key=lambda v: "(Windows)" not in v["value"]):
        bare = _PLATFORM.sub("", value["value"])
        if bare != value["value"]:
            malpedia.setdefault(bare.casefold(), ("malpedia", value["value"]))
    actors: dict[str, tuple[str, str]] = {}
    _by_name(_galaxy_values("threat-actor"), "threat-actor", actors)
    groups: dict[str, tuple[str, str]] = {}
    intrusion_sets = _galaxy_values("mitre-intrusion-set")
    _by_attack_id(intrusion_sets, "mitre-intrusion-set", groups)
    group_names: dict[str, tuple[str, str]] = {}
    _by_name(intrusion_sets, "mitre-intrusion-set", group_names)
    countries: dict[str, tuple[str, str]] = {}
    for value in _galaxy_values("target-information"):
        meta = value.get("meta") or {}
        for code in meta.get("iso-code") or ():
            if isinstance(code, str) and len(code) == 2:
                countries.setdefault(code.upper(), ("target-information", value["value"]))
    return {
        "technique": techniques, "software-id": software_ids, "software-name": software_names,
        "malpedia": malpedia, "actor": actors, "group-id": groups, "group-name": group_names,
        "country": countries,
    }


def _galaxies() -> dict[str, dict[str, tuple[str, str]]]:
    index: dict[str, dict[str, tuple[str, str]]] = load_compiled(
        "export-misp-galaxies", _build_galaxy_index, depends=["pymispgalaxies"], format_version=_GALAXY_FORMAT
    )
    return index


def misp_technique(technique_id: str) -> str | None:
    """The ``mitre-attack-pattern`` cluster value for an ATT&CK technique id, or None."""
    found = _galaxies()["technique"].get(technique_id.upper())
    return found[1] if found else None


def misp_software(attack_id: str | None, name: str, kind: str = "malware") -> tuple[str, str] | None:
    """(galaxy, cluster value) for a piece of software: the ATT&CK galaxy that holds its
    id (``mitre-malware`` or ``mitre-tool``, whatever ``kind`` says), else its name in
    those galaxies, else its name in ``malpedia`` (malware only); None when none has it."""
    index = _galaxies()
    if attack_id:
        found = index["software-id"].get(attack_id.upper())
        if found:
            return found
    keys = list(dict.fromkeys([name.strip().casefold(), _KIND_WORD.sub("", name.strip()).casefold()]))
    for key in keys:
        found = index["software-name"].get(key)
        if found:
            return found
    if kind != "malware":
        return None
    return next((index["malpedia"][k] for k in keys if k in index["malpedia"]), None)


def misp_actor(actor_id: str | None, names: list[str]) -> tuple[str, str] | None:
    """(galaxy, cluster value) for an actor: ``threat-actor`` by its name, then by each
    other name; else the ATT&CK ``mitre-intrusion-set`` cluster of its group id or name."""
    index = _galaxies()
    keys = [n.strip().casefold() for n in names if n.strip()]
    for key in keys:
        found = index["actor"].get(key)
        if found:
            return found
    if actor_id:
        found = index["group-id"].get(actor_id.upper())
        if found:
            return found
    for key in keys:
        found = index["group-name"].get(key)
        if found:
            return found
    return None


def misp_country(code: str) -> str | None:
    """The ``target-information`` cluster value for an ISO 3166-1 alpha-2 code, or None."""
    found = _galaxies()["country"].get(code.upper())
    return found[1] if found else None


#: TLP 2.0 levels, from most to least shareable.
TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")
_TLP_ALIASES = {"white": "clear", "amber-strict": "amber+strict", "amber_strict": "amber+strict"}


def tlp_label(level: str) -> str:
    """The TLP 2.0 label for a level ("amber+strict" -> "TLP:AMBER+STRICT"); raises
    :class:`ExportError` for anything else."""
    key = level.strip().casefold().removeprefix("tlp:")
    key = _TLP_ALIASES.get(key, key)
    if key not in TLP_ORDER:
        raise ExportError(f"unknown TLP level {level!r}; choose one of {', '.join(TLP_ORDER)}")
    return f"TLP:{key.upper()}"
