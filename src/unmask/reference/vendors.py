"""Vendor naming schemes for threat actors.

Every security vendor names the groups it tracks after its own scheme: Microsoft
after weather (``Emerald Sleet``, ``Storm-0501``) and before 2023 after chemical
elements (``THALLIUM``), CrowdStrike after an animal per country (``Velvet
Chollima``), Mandiant with numbers (``APT43``, ``UNC2452``, ``FIN7``), Proofpoint
``TA406`` and so on. :func:`vendor_of` tells, from the shape of a name alone, which
scheme it follows; :func:`vendor_of_url` tells which vendor published a reference.
Both are pure functions over the rules below; the rules are data, so a new scheme is
one more line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from unmask.reference.regexes import compile_cached

__all__ = ["VENDOR_DOMAINS", "NamingScheme", "scheme_of", "vendor_of", "vendor_of_url"]


@dataclass(frozen=True, slots=True)
class NamingScheme:
    """A vendor's naming scheme: ``vendor`` (who) and ``scheme`` (which pattern)."""

    vendor: str
    scheme: str
    pattern: re.Pattern[str]
    #: what the scheme's words say (e.g. ``Sleet`` -> North Korea), when they say it
    hint: str = ""


_ELEMENTS = ["hydrogen", "helium", "lithium", "beryllium", "boron", "carbon", "nitrogen", "oxygen", "fluorine", "neon", "sodium", "magnesium", "aluminum", "aluminium", "silicon", "phosphorus", "sulfur", "sulphur", "chlorine", "argon", "potassium", "calcium", "scandium", "titanium", "vanadium", "chromium", "manganese", "iron", "cobalt", "nickel", "copper", "zinc", "gallium", "germanium", "arsenic", "selenium", "bromine", "krypton", "rubidium", "strontium", "yttrium", "zirconium", "niobium", "molybdenum", "technetium", "ruthenium", "rhodium", "palladium", "silver", "cadmium", "indium", "tin", "antimony", "tellurium", "iodine", "xenon", "cesium", "caesium", "barium", "lanthanum", "cerium", "praseodymium", "neodymium", "promethium", "samarium", "europium", "gadolinium", "terbium", "dysprosium", "holmium", "erbium", "thulium", "ytterbium", "lutetium", "hafnium", "tantalum", "tungsten", "rhenium", "osmium", "iridium", "platinum", "gold", "mercury", "thallium", "lead", "bismuth", "polonium", "astatine", "radon", "francium", "radium", "actinium", "thorium", "protactinium", "uranium", "neptunium", "plutonium", "americium", "curium", "berkelium", "californium", "einsteinium", "fermium", "mendelevium", "nobelium", "lawrencium", "rutherfordium", "dubnium", "seaborgium", "bohrium", "hassium", "meitnerium", "darmstadtium", "roentgenium", "copernicium", "nihonium", "flerovium", "moscovium", "livermorium", "tennessine", "oganesson"]

_MS_FAMILIES = {
    "Typhoon": "China",
    "Sandstorm": "Iran",
    "Blizzard": "Russia",
    "Sleet": "North Korea",
    "Hail": "South Korea",
    "Dust": "Turkey",
    "Rain": "Lebanon",
    "Cyclone": "Vietnam",
    "Tempest": "financially motivated",
    "Tsunami": "private-sector offensive actor",
    "Flood": "influence operations",
    "Gust": "United Arab Emirates",
    "Squall": "Singapore",
    "Lightning": "",
}
_CS_ANIMALS = {
    "Panda": "China",
    "Bear": "Russia",
    "Kitten": "Iran",
    "Chollima": "North Korea",
    "Spider": "eCrime",
    "Tiger": "India",
    "Leopard": "Pakistan",
    "Buffalo": "Vietnam",
    "Crane": "South Korea",
    "Jackal": "hacktivist",
    "Ocelot": "Colombia",
    "Wolf": "Turkey",
    "Lynx": "Georgia",
    "Hawk": "Syria",
    "Saiga": "Kazakhstan",
    "Kangaroo": "Australia",
    "Mantis": "Palestine",
    "Eagle": "United States",
    "Viking": "Nordic",
    "Bull": "Belarus",
}
_U42_CONSTELLATIONS = {
    "Pisces": "North Korea",
    "Taurus": "China",
    "Ursa": "Russia",
    "Serpens": "Iran",
    "Boreas": "Belarus",
    "Draco": "Pakistan",
    "Aries": "Vietnam",
    "Libra": "financially motivated",
    "Scorpius": "ransomware",
    "Orion": "",
    "Lynx": "",
    "Cetus": "cryptojacking",
    "Pegasus": "",
    "Hydra": "",
}
_SW_METALS = {
    "BRONZE": "China",
    "IRON": "Russia",
    "COBALT": "Iran",
    "NICKEL": "North Korea",
    "TUNGSTEN": "South Korea",
    "COPPER": "Vietnam",
    "PLATINUM": "Pakistan",
    "ZINC": "Turkey",
    "CARBON": "",
    "GOLD": "eCrime",
    "TIN": "hacktivist",
    "SILVER": "",
    "MAGNESIUM": "",
}
_GREEK = (
    "Alpha|Bravo|Charlie|Delta|Echo|Foxtrot|Golf|Hotel|India|Juliet|Kilo|Lima|Mike|"
    "November|Oscar|Papa|Quebec|Romeo|Sierra|Tango|Uniform|Victor|Whiskey|X-?ray|Yankee|Zulu"
)


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in words)


def _scheme(vendor: str, scheme: str, pattern: str, hint: str = "", flags: int = 0) -> NamingScheme:
    return NamingScheme(vendor, scheme, compile_cached(pattern, flags), hint)


#: Ordered: the first scheme whose pattern matches the whole name wins.
SCHEMES: tuple[NamingScheme, ...] = (
    _scheme("MITRE", "ATT&CK group id", r"G\d{4}"),
    _scheme("Microsoft", "weather family", rf"[A-Z][a-z]+ ({_alt(_MS_FAMILIES)})"),
    _scheme("Microsoft", "Storm-NNNN", r"Storm-\d{3,4}", flags=re.I),
    _scheme("Microsoft", "DEV-NNNN", r"DEV-\d{3,4}", flags=re.I),
    _scheme("Microsoft", "chemical element (pre-2023)", rf"({_alt(_ELEMENTS)})", flags=re.I),
    _scheme("CrowdStrike", "adversary animal", rf"[A-Z][A-Za-z]+ ({_alt(_CS_ANIMALS)})"),
    _scheme("Mandiant", "APTnn", r"APT ?-?\d{1,3}", flags=re.I),
    _scheme("Mandiant", "UNCnnnn", r"UNC ?-?\d{2,5}", flags=re.I),
    _scheme("Mandiant", "FINnn", r"FIN ?-?\d{1,3}", flags=re.I),
    _scheme("Mandiant", "TEMP.name", r"TEMP\.[A-Za-z]+", flags=re.I),
    _scheme("Proofpoint", "TAnnn", r"TA ?-?\d{3,4}", flags=re.I),
    _scheme("Palo Alto Unit 42", "constellation", rf"[A-Z][a-z]+ ({_alt(_U42_CONSTELLATIONS)})"),
    _scheme("Palo Alto Unit 42", "CL-XXX-NNNN cluster", r"CL-[A-Z]{3}-\d{3,4}"),
    _scheme("Secureworks", "metal + word", rf"({_alt(_SW_METALS)}) [A-Z][A-Za-z]+", flags=re.I),
    _scheme("Secureworks", "TG-NNNN / CTG-NNNN", r"(C?TG-|Threat Group-?|Threat Group )\d{3,4}", flags=re.I),
    _scheme("Trend Micro", "Earth/Water/Void + word", r"(Earth|Water|Void) [A-Z][a-z]+"),
    _scheme("Recorded Future", "colour + NATO letter", rf"(Red|Blue|Green|Purple|Tag)({_GREEK})"),
    _scheme("Recorded Future", "TAG-NN", r"TAG-\d{2,3}", flags=re.I),
    _scheme("PwC", "colour + mythical name", r"(Red|Blue|White|Black|Yellow|Orange) [A-Z][a-z]+"),
    _scheme("IBM X-Force", "ITGnn / HiveNNNN", r"(ITG\d{1,3}|Hive\d{3,4})", flags=re.I),
    _scheme("CERT-UA", "UAC-NNNN", r"UAC-\d{3,4}", flags=re.I),
    _scheme("Qihoo 360", "APT-C-nn", r"APT-C-\d{1,3}", flags=re.I),
    _scheme("QiAnXin", "APT-Q-nn", r"APT-Q-\d{1,3}", flags=re.I),
    _scheme("Tencent", "T-APT-nn", r"T-APT-\d{1,3}", flags=re.I),
    _scheme("Thales", "ATKnn", r"ATK ?\d{1,3}", flags=re.I),
    _scheme("Cisco Talos", "Group nn", r"Group ?\d{1,3}", flags=re.I),
    _scheme("Symantec", "SIGnn", r"SIG\d{1,3}"),
    _scheme("Check Point", "Check Point Group", r"[A-Z][a-z]+ Werewolf|Cyber Av3ngers"),
    _scheme("Dragos", "mineral (all caps)", r"(XENOTIME|CHRYSENE|ELECTRUM|ALLANITE|DYMALLOY|"
            r"KAMACITE|WASSONITE|MAGNALLIUM|RASPITE|PARISITE|HEXANE|ERYTHRITE|STIBNITE|"
            r"VANADINITE|BAUXITE|CHERNOVITE|KOSTOVITE|PETROVITE|COVELLITE|GRAPHITE|VOLTZITE|"
            r"ELECTRUM|TALONITE|BENTONITE|GYPSUM)"),
)

#: Reference domains -> vendor, to tag a name by who published the report naming it.
VENDOR_DOMAINS: dict[str, str] = {
    "microsoft.com": "Microsoft",
    "crowdstrike.com": "CrowdStrike",
    "mandiant.com": "Mandiant",
    "fireeye.com": "Mandiant",
    "proofpoint.com": "Proofpoint",
    "paloaltonetworks.com": "Palo Alto Unit 42",
    "secureworks.com": "Secureworks",
    "symantec.com": "Symantec",
    "broadcom.com": "Symantec",
    "security.com": "Symantec",
    "securelist.com": "Kaspersky",
    "kaspersky.com": "Kaspersky",
    "welivesecurity.com": "ESET",
    "eset.com": "ESET",
    "talosintelligence.com": "Cisco Talos",
    "recordedfuture.com": "Recorded Future",
    "trendmicro.com": "Trend Micro",
    "checkpoint.com": "Check Point",
    "sentinelone.com": "SentinelOne",
    "mcafee.com": "McAfee",
    "trellix.com": "Trellix",
    "dragos.com": "Dragos",
    "clearskysec.com": "ClearSky",
    "pwc.co.uk": "PwC",
    "pwc.com": "PwC",
    "group-ib.com": "Group-IB",
    "ptsecurity.com": "Positive Technologies",
    "blog.google": "Google TAG",
    "cloud.google.com": "Google Mandiant",
    "volexity.com": "Volexity",
    "cert.gov.ua": "CERT-UA",
    "ibm.com": "IBM X-Force",
    "securityintelligence.com": "IBM X-Force",
    "360.net": "Qihoo 360",
    "qianxin.com": "QiAnXin",
    "bitdefender.com": "Bitdefender",
    "fortinet.com": "Fortinet",
    "zscaler.com": "Zscaler",
    "cybereason.com": "Cybereason",
    "sophos.com": "Sophos",
    "kaspersky.co.uk": "Kaspersky",
}


def scheme_of(name: str) -> NamingScheme | None:
    """The naming scheme a name's shape follows, or None when it follows none."""
    text = " ".join(name.split())
    for scheme in SCHEMES:
        if scheme.pattern.fullmatch(text):
            return scheme
    return None


def vendor_of(name: str) -> str | None:
    """The vendor whose naming scheme ``name`` follows (``Emerald Sleet`` -> Microsoft)."""
    scheme = scheme_of(name)
    return scheme.vendor if scheme else None


def vendor_of_url(url: str) -> str | None:
    """The vendor that publishes at ``url`` (by domain), or None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    while host:
        if host in VENDOR_DOMAINS:
            return VENDOR_DOMAINS[host]
        _, _, host = host.partition(".")
    return None
