"""Countries (ISO 3166-1) and regions, with every way a text names them.

Country names, ISO codes and capitals come from the MISP ``country`` galaxy
(pymispgalaxies); short names, abbreviations ("U.S.", "DPRK"), demonyms
("South Korean") and regions ("the Korean peninsula", "Southeast Asia") are kept
here. Every surface maps to a :class:`GeoName` that says which place it names and
how (``name``, ``abbreviation``, ``demonym``, ``capital``), so an extractor can
treat "Pyongyang's efforts" (a capital standing for its country) differently from
"in South Korea" (a place).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.phrase_index import PHRASE_INDEX_FORMAT, PhraseIndex
from unmask.reference.sources import galaxy_clusters_dir

__all__ = ["Gazetteer", "GeoName", "Place", "geo_gazetteer", "place"]

#: Changes whenever this module (its curated tables or its build) changes.
_FORMAT_VERSION = zlib.crc32(Path(__file__).read_bytes(), PHRASE_INDEX_FORMAT)

FORMS = ("name", "abbreviation", "demonym", "capital")


@dataclass(frozen=True, slots=True)
class Place:
    """A country (``code`` is ISO 3166-1 alpha-2) or a region (``code`` is a slug)."""

    code: str
    name: str
    kind: str  # "country" | "region"
    iso3: str = ""
    capital: str = ""
    #: For regions: the ISO codes of the countries in it (may be empty).
    members: tuple[str, ...] = ()
    #: For regions: the UN M49 code when the region is an M49 area.
    m49: str = ""


@dataclass(frozen=True, slots=True)
class GeoName:
    """One way of naming a place: ``form`` is name, abbreviation, demonym or capital.

    ``case_sensitive`` names must be written exactly ("US" but not "us", "Chad"
    but not "chad").
    """

    code: str
    form: str
    case_sensitive: bool


# Extra names and abbreviations (ISO code -> names). Abbreviations are matched
# exactly as written.
_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "the United States", "America", "United States of America"),
    "GB": ("Britain", "Great Britain", "United Kingdom", "England", "Scotland", "Wales"),
    "KP": ("North Korea", "Democratic People's Republic of Korea"),
    "KR": ("South Korea", "Republic of Korea"),
    "RU": ("Russia", "Russian Federation"),
    "CN": ("China", "People's Republic of China", "mainland China"),
    "TW": ("Taiwan", "Republic of China"),
    "IR": ("Iran", "Islamic Republic of Iran"),
    "SY": ("Syria",),
    "VN": ("Vietnam", "Viet Nam"),
    "CZ": ("Czech Republic", "Czechia"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "MM": ("Myanmar", "Burma"),
    "NL": ("the Netherlands", "Holland"),
    "AE": ("United Arab Emirates",),
    "VA": ("Vatican City", "Holy See"),
    "PS": ("Palestine", "Palestinian territories", "Gaza", "West Bank"),
    "MK": ("North Macedonia", "Macedonia"),
    "CD": ("DR Congo", "Democratic Republic of Congo"),
    "LA": ("Laos",),
    "BN": ("Brunei",),
    "MD": ("Moldova",),
    "UA": ("Ukraine",),
    "SA": ("Saudi Arabia",),
}

_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "US": ("U.S.", "U.S", "US", "USA", "U.S.A.", "U.S.A"),
    "GB": ("UK", "U.K.", "U.K"),
    "KP": ("DPRK", "D.P.R.K.", "N. Korea"),
    "KR": ("ROK", "S. Korea"),
    "CN": ("PRC", "P.R.C."),
    "AE": ("UAE", "U.A.E."),
    "SA": ("KSA",),
    "CD": ("DRC",),
}

# Demonyms and adjectives; "North Korean" as well as "North Korea-based" are handled
# by the extractor (the latter is the name followed by a hyphen).
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "US": ("American", "Americans"),
    "GB": ("British", "English", "Scottish", "Welsh"),
    "KP": ("North Korean", "North Koreans"),
    "KR": ("South Korean", "South Koreans"),
    "RU": ("Russian", "Russians", "Russian-speaking"),
    "CN": ("Chinese",),
    "TW": ("Taiwanese",),
    "IR": ("Iranian", "Iranians"),
    "IL": ("Israeli", "Israelis"),
    "UA": ("Ukrainian", "Ukrainians"),
    "BY": ("Belarusian", "Belarusians"),
    "DE": ("German", "Germans"),
    "FR": ("French",),
    "IT": ("Italian", "Italians"),
    "ES": ("Spanish",),
    "PT": ("Portuguese",),
    "NL": ("Dutch",),
    "BE": ("Belgian",),
    "CH": ("Swiss",),
    "AT": ("Austrian",),
    "PL": ("Polish",),
    "CZ": ("Czech",),
    "SK": ("Slovak",),
    "HU": ("Hungarian",),
    "RO": ("Romanian",),
    "BG": ("Bulgarian",),
    "GR": ("Greek",),
    "TR": ("Turkish",),
    "SE": ("Swedish",),
    "NO": ("Norwegian",),
    "DK": ("Danish",),
    "FI": ("Finnish",),
    "EE": ("Estonian",),
    "LV": ("Latvian",),
    "LT": ("Lithuanian",),
    "IE": ("Irish",),
    "RS": ("Serbian",),
    "HR": ("Croatian",),
    "GE": ("Georgian",),
    "AM": ("Armenian",),
    "AZ": ("Azerbaijani",),
    "KZ": ("Kazakh", "Kazakhstani"),
    "UZ": ("Uzbek",),
    "JP": ("Japanese",),
    "IN": ("Indian",),
    "PK": ("Pakistani",),
    "AF": ("Afghan",),
    "BD": ("Bangladeshi",),
    "LK": ("Sri Lankan",),
    "NP": ("Nepalese", "Nepali"),
    "VN": ("Vietnamese",),
    "TH": ("Thai",),
    "MY": ("Malaysian",),
    "SG": ("Singaporean",),
    "ID": ("Indonesian",),
    "PH": ("Philippine", "Filipino"),
    "MN": ("Mongolian",),
    "KH": ("Cambodian",),
    "MM": ("Burmese",),
    "HK": ("Hongkonger",),
    "AU": ("Australian", "Australians"),
    "NZ": ("New Zealander",),
    "CA": ("Canadian", "Canadians"),
    "MX": ("Mexican",),
    "BR": ("Brazilian",),
    "AR": ("Argentine", "Argentinian"),
    "CL": ("Chilean",),
    "CO": ("Colombian",),
    "VE": ("Venezuelan",),
    "PE": ("Peruvian",),
    "EC": ("Ecuadorian",),
    "CU": ("Cuban",),
    "SA": ("Saudi", "Saudi Arabian"),
    "AE": ("Emirati",),
    "QA": ("Qatari",),
    "KW": ("Kuwaiti",),
    "BH": ("Bahraini",),
    "OM": ("Omani",),
    "YE": ("Yemeni",),
    "IQ": ("Iraqi",),
    "SY": ("Syrian",),
    "LB": ("Lebanese",),
    "JO": ("Jordanian",),
    "EG": ("Egyptian",),
    "LY": ("Libyan",),
    "TN": ("Tunisian",),
    "DZ": ("Algerian",),
    "MA": ("Moroccan",),
    "NG": ("Nigerian",),
    "KE": ("Kenyan",),
    "ZA": ("South African",),
    "ET": ("Ethiopian",),
    "PS": ("Palestinian",),
}

# Capitals that stand for their country ("Pyongyang's efforts", "Moscow denied").
# Only capitals rarely meaning anything else are used.
_METONYM_CAPITALS = frozenset(
    [
        "Pyongyang", "Seoul", "Beijing", "Moscow", "Tehran", "Kyiv", "Kiev", "Minsk", "Tokyo", "Taipei",
        "Hanoi", "Islamabad", "New Delhi", "Riyadh", "Ankara", "Damascus", "Baghdad", "Kabul", "Caracas",
        "Havana", "Berlin", "Paris", "London", "Tel Aviv", "Jerusalem", "Canberra", "Ottawa", "Brussels",
        "Warsaw", "Tbilisi", "Yerevan", "Baku", "Beirut", "Cairo", "Abu Dhabi", "Doha", "Bangkok", "Jakarta",
        "Manila", "Kuala Lumpur", "Dhaka", "Tallinn", "Riga", "Vilnius", "Budapest", "Bucharest", "Prague",
        "Vienna", "Rome", "Madrid", "Lisbon", "Athens", "Stockholm", "Oslo", "Helsinki", "Copenhagen",
        "Amsterdam",
    ]
)
_CAPITAL_EXTRA = {"IL": "Tel Aviv", "UA": "Kiev", "US": "Washington, D.C."}

# Country names that are also ordinary words or given names: matched only as written.
_CASE_SENSITIVE_NAMES = frozenset(
    ["chad", "jordan", "turkey", "georgia", "guinea", "niger", "jersey", "man", "reunion",
     "dominica", "mali", "china", "oman", "peru", "cuba", "togo", "samoa", "palau", "nauru",
     "tonga", "bermuda", "jamaica", "malta", "monaco", "gambia", "america"]
)

# Regions: slug -> (name, M49 code, member ISO codes, surfaces).
_REGIONS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "korean-peninsula": ("Korean Peninsula", "", ("KP", "KR"),
                         ("Korean peninsula", "Korean Peninsula", "the Koreas", "two Koreas")),
    "middle-east": ("Middle East", "", (), ("Middle East", "Middle Eastern", "Mideast")),
    "mena": ("Middle East and North Africa", "", (), ("MENA", "Middle East and North Africa")),
    "gulf": ("Persian Gulf", "", ("SA", "AE", "QA", "KW", "BH", "OM"),
             ("Persian Gulf", "Gulf states", "Gulf region", "GCC countries", "Gulf Cooperation Council")),
    "east-asia": ("Eastern Asia", "030", ("CN", "JP", "KP", "KR", "MN", "TW", "HK", "MO"),
                  ("East Asia", "Eastern Asia", "East Asian", "Far East")),
    "southeast-asia": ("South-eastern Asia", "035", ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"),
                       ("Southeast Asia", "South-east Asia", "South-eastern Asia", "Southeast Asian",
                        "South East Asia", "ASEAN")),
    "south-asia": ("Southern Asia", "034", ("AF", "BD", "BT", "IN", "IR", "LK", "MV", "NP", "PK"),
                   ("South Asia", "Southern Asia", "South Asian", "Indian subcontinent")),
    "central-asia": ("Central Asia", "143", ("KZ", "KG", "TJ", "TM", "UZ"), ("Central Asia", "Central Asian")),
    "asia-pacific": ("Asia-Pacific", "", (), ("Asia-Pacific", "Asia Pacific", "APAC", "Indo-Pacific")),
    "asia": ("Asia", "142", (), ("Asia", "Asian")),
    "europe": ("Europe", "150", (), ("Europe", "European")),
    "eastern-europe": ("Eastern Europe", "151", (), ("Eastern Europe", "Eastern European", "Central and Eastern Europe")),
    "western-europe": ("Western Europe", "155", (), ("Western Europe", "Western European")),
    "northern-europe": ("Northern Europe", "154", (), ("Northern Europe", "Scandinavia", "Nordic countries", "Nordics")),
    "southern-europe": ("Southern Europe", "039", (), ("Southern Europe",)),
    "baltics": ("Baltic states", "", ("EE", "LV", "LT"), ("Baltic states", "the Baltics", "Baltic countries")),
    "balkans": ("Balkans", "", (), ("Balkans", "the Balkans", "Western Balkans")),
    "caucasus": ("Caucasus", "", ("AM", "AZ", "GE"), ("Caucasus", "South Caucasus")),
    "africa": ("Africa", "002", (), ("Africa", "African")),
    "north-africa": ("Northern Africa", "015", (), ("North Africa", "Northern Africa", "North African")),
    "sub-saharan-africa": ("Sub-Saharan Africa", "202", (), ("Sub-Saharan Africa", "sub-Saharan Africa")),
    "west-africa": ("Western Africa", "011", (), ("West Africa", "Western Africa")),
    "east-africa": ("Eastern Africa", "014", (), ("East Africa", "Eastern Africa")),
    "americas": ("Americas", "019", (), ("the Americas",)),
    "north-america": ("Northern America", "021", ("US", "CA"), ("North America", "North American")),
    "latin-america": ("Latin America and the Caribbean", "419", (),
                      ("Latin America", "Latin American", "LATAM", "LatAm", "South America",
                       "South American", "Central America", "Caribbean")),
    "oceania": ("Oceania", "009", (), ("Oceania", "Australia and New Zealand")),
    "worldwide": ("World", "001", (), ("worldwide", "around the world", "across the globe", "globally")),
}

# Region surfaces that must be written as given (common words).
_CASE_SENSITIVE_REGIONS = frozenset(["ASEAN", "APAC", "MENA", "LATAM", "LatAm"])


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """All places and every surface that names one."""

    places: dict[str, Place]
    names: dict[str, tuple[GeoName, ...]]
    #: Every surface in :attr:`names`, compiled (and cached) with the gazetteer.
    phrases: PhraseIndex

    def index(self) -> PhraseIndex:
        return self.phrases


def _read_countries() -> list[dict[str, object]]:
    try:
        path = galaxy_clusters_dir() / "country.json"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"cannot read the MISP country galaxy: {exc}; reinstall pymispgalaxies (or, after an update, run 'unmask data reset --source galaxies')"
        ) from exc
    values: list[dict[str, object]] = data["values"]
    return values


def _build() -> Gazetteer:
    places: dict[str, Place] = {}
    names: dict[str, list[GeoName]] = {}

    def add(surface: str, code: str, form: str, case_sensitive: bool) -> None:
        bucket = names.setdefault(surface, [])
        entry = GeoName(code, form, case_sensitive)
        if entry not in bucket:
            bucket.append(entry)

    for value in _read_countries():
        meta = value.get("meta")
        if not isinstance(meta, dict):
            continue
        code = str(meta.get("ISO", "")).upper()
        if len(code) != 2 or code in ("CS", "AN"):
            continue
        name = str(value.get("description") or value.get("value") or code)
        capital = str(meta.get("Capital", "")).strip()
        places[code] = Place(code, name, "country", str(meta.get("ISO3", "")), capital)
        add(name, code, "name", name.lower() in _CASE_SENSITIVE_NAMES)
        if capital in _METONYM_CAPITALS:
            add(capital, code, "capital", True)
    for code, capital in _CAPITAL_EXTRA.items():
        if code in places:
            add(capital, code, "capital", True)
    add("Washington", "US", "capital", True)
    for code, extra in _EXTRA_NAMES.items():
        if code not in places:
            continue
        for surface in extra:
            add(surface, code, "name", surface.lower() in _CASE_SENSITIVE_NAMES)
    for code, abbreviations in _ABBREVIATIONS.items():
        for surface in abbreviations:
            add(surface, code, "abbreviation", True)
    for code, demonyms in _DEMONYMS.items():
        for surface in demonyms:
            add(surface, code, "demonym", True)
    for slug, (name, m49, members, surfaces) in _REGIONS.items():
        places[slug] = Place(slug, name, "region", members=members, m49=m49)
        for surface in surfaces:
            add(surface, slug, "name", surface in _CASE_SENSITIVE_REGIONS or surface[0].isupper())
    return Gazetteer(
        places, {s: tuple(v) for s, v in names.items()}, PhraseIndex({surface: (surface,) for surface in names})
    )


def geo_gazetteer() -> Gazetteer:
    """The compiled geography gazetteer (cached on disk)."""
    return load_compiled("geo", _build, depends=["pymispgalaxies"], format_version=_FORMAT_VERSION)


def place(code: str) -> Place | None:
    """The country or region with this ISO code or slug."""
    return geo_gazetteer().places.get(code)
