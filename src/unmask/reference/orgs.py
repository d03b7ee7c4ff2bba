"""Named organisations reports mention: security vendors (the MISP ``producer``
galaxy), news media, government bodies, international organisations and the
intelligence services that sponsor threat actors (the MISP
``intelligence-agencies`` galaxy plus the usual short forms: RGB, GRU, MSS, IRGC).

Each :class:`Organization` has a ``category`` that tells the target extractor what
role it is likely to play (a vendor or a newspaper is usually a *source*, an
intelligence service a *sponsor*) and, where known, its country (ISO 3166-1).
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from unmask.errors import ReferenceDataError
from unmask.reference.actor_names import english_words
from unmask.reference.cache import load_compiled
from unmask.reference.geo import threat_names
from unmask.reference.phrase_index import PHRASE_INDEX_FORMAT, PhraseIndex
from unmask.reference.sources import galaxy_clusters_dir

__all__ = ["CATEGORIES", "OrgGazetteer", "Organization", "org_gazetteer"]

#: Changes whenever this module (its curated tables or its build) changes.
_FORMAT_VERSION = zlib.crc32(Path(__file__).read_bytes(), PHRASE_INDEX_FORMAT)

CATEGORIES = ("vendor", "media", "government", "international", "intelligence", "company")


@dataclass(frozen=True, slots=True)
class Organization:
    """A named organisation: canonical ``name``, ``category`` and ISO ``country``."""

    name: str
    category: str
    country: str = ""


# (canonical name, category, country, surfaces)
_CURATED: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # Sponsors: intelligence and military organisations behind state actors.
    ("Reconnaissance General Bureau", "intelligence", "KP",
     ("Reconnaissance General Bureau", "RGB", "General Reconnaissance Bureau")),
    ("Bureau 121", "intelligence", "KP", ("Bureau 121",)),
    ("Lab 110", "intelligence", "KP", ("Lab 110",)),
    ("Munitions Industry Department", "intelligence", "KP", ("Munitions Industry Department",)),
    ("Ministry of State Security (China)", "intelligence", "CN",
     ("Ministry of State Security", "MSS", "China's Ministry of State Security")),
    ("People's Liberation Army", "intelligence", "CN",
     ("People's Liberation Army", "PLA", "PLA Strategic Support Force", "Strategic Support Force")),
    ("PLA Unit 61398", "intelligence", "CN", ("Unit 61398", "PLA Unit 61398")),
    ("PLA Unit 61486", "intelligence", "CN", ("Unit 61486", "PLA Unit 61486")),
    ("Ministry of Public Security (China)", "intelligence", "CN", ("Ministry of Public Security",)),
    ("GRU", "intelligence", "RU",
     ("GRU", "Main Intelligence Directorate", "Main Directorate of the General Staff",
      "GRU Unit 26165", "GRU Unit 74455")),
    ("GRU Unit 26165", "intelligence", "RU", ("Unit 26165", "Military Unit 26165")),
    ("GRU Unit 74455", "intelligence", "RU", ("Unit 74455", "Military Unit 74455")),
    ("GRU Unit 29155", "intelligence", "RU", ("Unit 29155", "Military Unit 29155")),
    ("Federal Security Service (Russia)", "intelligence", "RU", ("FSB", "Federal Security Service")),
    ("Foreign Intelligence Service (Russia)", "intelligence", "RU",
     ("SVR", "Foreign Intelligence Service", "Russian Foreign Intelligence Service")),
    ("Islamic Revolutionary Guard Corps", "intelligence", "IR",
     ("Islamic Revolutionary Guard Corps", "IRGC", "Revolutionary Guards", "IRGC-CEC",
      "IRGC Cyber-Electronic Command")),
    ("Ministry of Intelligence and Security (Iran)", "intelligence", "IR",
     ("Ministry of Intelligence and Security", "MOIS", "Ministry of Intelligence")),
    ("Unit 8200", "intelligence", "IL", ("Unit 8200",)),
    ("Chinese Communist Party", "government", "CN", ("Chinese Communist Party", "CCP", "Communist Party of China")),
    ("Kremlin", "government", "RU", ("Kremlin", "the Kremlin")),
    # United States government.
    ("U.S. Department of the Treasury", "government", "US",
     ("Treasury Department", "Department of the Treasury", "U.S. Treasury Department", "U.S. Treasury",
      "US Treasury", "Treasury", "Treasury's Office of Foreign Assets Control")),
    ("Office of Foreign Assets Control", "government", "US", ("Office of Foreign Assets Control", "OFAC")),
    ("U.S. Department of State", "government", "US",
     ("State Department", "U.S. State Department", "Department of State", "US State Department")),
    ("U.S. Department of Justice", "government", "US",
     ("Justice Department", "Department of Justice", "DOJ", "DoJ", "U.S. Justice Department",
      "U.S. Department of Justice")),
    ("Federal Bureau of Investigation", "government", "US", ("FBI", "Federal Bureau of Investigation")),
    ("National Security Agency", "government", "US", ("NSA", "National Security Agency")),
    ("Cybersecurity and Infrastructure Security Agency", "government", "US",
     ("CISA", "Cybersecurity and Infrastructure Security Agency")),
    ("U.S. Department of Homeland Security", "government", "US",
     ("DHS", "Department of Homeland Security", "Homeland Security")),
    ("U.S. Department of Defense", "government", "US",
     ("Department of Defense", "DoD", "DOD", "Pentagon", "the Pentagon", "Defense Department")),
    ("U.S. Cyber Command", "government", "US", ("Cyber Command", "USCYBERCOM", "U.S. Cyber Command")),
    ("White House", "government", "US", ("White House", "the White House")),
    ("U.S. Secret Service", "government", "US", ("Secret Service", "U.S. Secret Service")),
    ("U.S. Attorney's Office", "government", "US", ("U.S. Attorney's Office",)),
    ("Central Intelligence Agency", "government", "US", ("CIA", "Central Intelligence Agency")),
    # Other governments.
    ("National Cyber Security Centre (UK)", "government", "GB", ("NCSC", "National Cyber Security Centre")),
    ("GCHQ", "government", "GB", ("GCHQ",)),
    ("UK Foreign Office", "government", "GB",
     ("Foreign Office", "Foreign, Commonwealth and Development Office", "FCDO")),
    ("National Crime Agency", "government", "GB", ("National Crime Agency", "NCA")),
    ("Australian Cyber Security Centre", "government", "AU", ("Australian Cyber Security Centre", "ACSC")),
    ("Canadian Centre for Cyber Security", "government", "CA", ("Canadian Centre for Cyber Security",)),
    ("BSI", "government", "DE", ("BSI", "Federal Office for Information Security")),
    ("ANSSI", "government", "FR", ("ANSSI",)),
    ("National Intelligence Service (South Korea)", "government", "KR", ("National Intelligence Service", "NIS")),
    ("Korea Internet & Security Agency", "government", "KR", ("KISA", "Korea Internet & Security Agency")),
    ("CERT-UA", "government", "UA", ("CERT-UA",)),
    ("SBU", "government", "UA", ("SBU", "Security Service of Ukraine")),
    ("JPCERT/CC", "government", "JP", ("JPCERT", "JPCERT/CC")),
    # International organisations.
    ("United Nations", "international", "",
     ("United Nations", "U.N.", "UN", "U.N", "UN Security Council", "U.N. Security Council",
      "United Nations Security Council")),
    ("NATO", "international", "", ("NATO", "North Atlantic Treaty Organization")),
    ("European Union", "international", "", ("European Union", "EU")),
    ("Europol", "international", "", ("Europol",)),
    ("Interpol", "international", "", ("Interpol", "INTERPOL")),
    ("International Atomic Energy Agency", "international", "", ("IAEA", "International Atomic Energy Agency")),
    ("World Health Organization", "international", "", ("World Health Organization", "WHO")),
    ("OSCE", "international", "", ("OSCE",)),
    ("SWIFT", "international", "", ("SWIFT",)),
    ("World Bank", "international", "", ("World Bank",)),
    ("International Monetary Fund", "international", "", ("International Monetary Fund", "IMF")),
    ("African Union", "international", "", ("African Union",)),
    ("Association of Southeast Asian Nations", "international", "", ("ASEAN",)),
    ("Organization of American States", "international", "", ("Organization of American States",)),
    ("Council of Europe", "international", "", ("Council of Europe",)),
    # Security vendors and research teams not (or differently) in the producer galaxy.
    ("SentinelOne", "vendor", "US", ("SentinelOne",)),
    ("SentinelLabs", "vendor", "US", ("SentinelLabs", "SentinelOne SentinelLabs")),
    ("Microsoft", "vendor", "US",
     ("Microsoft", "Microsoft Threat Intelligence", "MSTIC", "Microsoft Threat Intelligence Center")),
    ("Google", "vendor", "US",
     ("Google", "Google TAG", "Threat Analysis Group", "Google's Threat Analysis Group", "Google Cloud")),
    ("Mandiant", "vendor", "US", ("Mandiant", "FireEye", "Google Mandiant")),
    ("Palo Alto Networks", "vendor", "US", ("Palo Alto Networks", "Unit 42", "Palo Alto")),
    ("Cisco Talos", "vendor", "US", ("Cisco Talos", "Talos", "Cisco")),
    ("Check Point", "vendor", "IL", ("Check Point", "Check Point Research")),
    ("Secureworks", "vendor", "US", ("Secureworks", "SecureWorks", "Counter Threat Unit")),
    ("Positive Technologies", "vendor", "RU", ("Positive Technologies",)),
    ("Genians", "vendor", "KR", ("Genians",)),
    ("Citizen Lab", "vendor", "CA", ("Citizen Lab", "the Citizen Lab")),
    ("Lookout", "vendor", "US", ("Lookout",)),
    ("QiAnXin", "vendor", "CN", ("QiAnXin", "Qi An Xin")),
    ("Red Canary", "vendor", "US", ("Red Canary",)),
    ("Recorded Future", "vendor", "US", ("Recorded Future", "Insikt Group")),
    ("NCC Group", "vendor", "GB", ("NCC Group", "Fox-IT")),
    ("Accenture", "vendor", "US", ("Accenture",)),
    ("Deloitte", "vendor", "GB", ("Deloitte",)),
    ("Nozomi Networks", "vendor", "US", ("Nozomi Networks",)),
    ("Claroty", "vendor", "US", ("Claroty",)),
    ("Darktrace", "vendor", "GB", ("Darktrace",)),
    ("Chainalysis", "vendor", "US", ("Chainalysis",)),
    ("Elliptic", "vendor", "GB", ("Elliptic",)),
    ("TRM Labs", "vendor", "US", ("TRM Labs",)),
    ("Kaspersky", "vendor", "RU", ("Kaspersky", "Kaspersky Lab", "Kaspersky GReAT")),
    # News media.
    ("CyberScoop", "media", "US", ("CyberScoop",)),
    ("ZDNet", "media", "US", ("ZDNet", "ZDNET")),
    ("NK News", "media", "KR", ("NK News", "NK Pro")),
    ("Reuters", "media", "GB", ("Reuters",)),
    ("Associated Press", "media", "US", ("Associated Press", "AP")),
    ("Agence France-Presse", "media", "FR", ("AFP", "Agence France-Presse")),
    ("Bloomberg", "media", "US", ("Bloomberg",)),
    ("The Record", "media", "US", ("The Record", "Recorded Future News")),
    ("BleepingComputer", "media", "US", ("BleepingComputer", "Bleeping Computer")),
    ("Wired", "media", "US", ("Wired", "WIRED")),
    ("The New York Times", "media", "US", ("New York Times", "The New York Times", "NYT")),
    ("The Washington Post", "media", "US", ("Washington Post", "The Washington Post")),
    ("The Wall Street Journal", "media", "US", ("Wall Street Journal", "The Wall Street Journal", "WSJ")),
    ("Financial Times", "media", "GB", ("Financial Times",)),
    ("BBC", "media", "GB", ("BBC",)),
    ("CNN", "media", "US", ("CNN",)),
    ("Yonhap", "media", "KR", ("Yonhap", "Yonhap News Agency")),
    ("The Hacker News", "media", "US", ("The Hacker News",)),
    ("SecurityWeek", "media", "US", ("SecurityWeek",)),
    ("Dark Reading", "media", "US", ("Dark Reading",)),
    ("TechCrunch", "media", "US", ("TechCrunch",)),
    ("Ars Technica", "media", "US", ("Ars Technica",)),
    ("Krebs on Security", "media", "US", ("KrebsOnSecurity", "Krebs on Security")),
    ("Politico", "media", "US", ("Politico", "POLITICO")),
    ("The Guardian", "media", "GB", ("The Guardian",)),
    ("Axios", "media", "US", ("Axios",)),
    ("Getty Images", "media", "US", ("Getty Images",)),
    ("Daily NK", "media", "KR", ("Daily NK",)),
    ("Voice of America", "media", "US", ("Voice of America", "VOA")),
    ("Radio Free Asia", "media", "US", ("Radio Free Asia",)),
    # Well-known organisations reports name as victims whose names carry no organisation
    # word ("AT&T", "NASA"): large telecommunications carriers, space agencies, legislatures.
    ("AT&T", "company", "US", ("AT&T",)),
    ("Verizon", "company", "US", ("Verizon", "Verizon Communications")),
    ("T-Mobile", "company", "US", ("T-Mobile", "T-Mobile US")),
    ("Charter Communications", "company", "US", ("Charter Communications",)),
    ("Vodafone", "company", "GB", ("Vodafone",)),
    ("Deutsche Telekom", "company", "DE", ("Deutsche Telekom",)),
    ("Telefónica", "company", "ES", ("Telefónica", "Telefonica")),
    ("Telstra", "company", "AU", ("Telstra",)),
    ("Optus", "company", "AU", ("Optus",)),
    ("Singtel", "company", "SG", ("Singtel", "SingTel")),
    ("SK Telecom", "company", "KR", ("SK Telecom",)),
    ("Kyivstar", "company", "UA", ("Kyivstar",)),
    ("NASA", "government", "US", ("NASA",)),
    ("European Space Agency", "international", "", ("European Space Agency",)),
    ("Japan Aerospace Exploration Agency", "government", "JP", ("Japan Aerospace Exploration Agency", "JAXA")),
    ("European Parliament", "international", "", ("European Parliament",)),
    ("European Commission", "international", "", ("European Commission",)),
    ("Bundestag", "government", "DE", ("Bundestag", "German Bundestag")),
    ("Inter-Parliamentary Alliance on China", "international", "", ("Inter-Parliamentary Alliance on China", "IPAC")),
)

_PRODUCER_SKIP = frozenset(
    ["Arctic", "Medium", "Elastic", "Lumen", "Feedly", "NetSec", "Telindus", "TeleSec",
     "Palo Alto", "Cisco Talos Intelligence Group", "Mandiant", "Microsoft", "Kaspersky",
     "SentinelOne", "Check Point", "Europol", "CISA", "CERT-UA", "JPCERT", "Google Cloud Blog"]
)



@dataclass(frozen=True, slots=True)
class OrgGazetteer:
    """Organisations by canonical name, and every surface with the names it can mean."""

    orgs: dict[str, Organization]
    surfaces: dict[str, tuple[str, ...]]
    #: Every surface in :attr:`surfaces`, compiled (and cached) with the gazetteer.
    phrases: PhraseIndex
    #: Lower-cased names of threat actors, malware and tools (MISP galaxies): a capitalised
    #: name the target stage finds by its place in a sentence is no organisation if it is one.
    threat_names: frozenset[str] = frozenset()

    def index(self) -> PhraseIndex:
        return self.phrases


def _galaxy(name: str) -> list[dict[str, object]]:
    try:
        path = galaxy_clusters_dir() / f"{name}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"cannot read the MISP {name} galaxy: {exc}; reinstall pymispgalaxies (or, after an update, run 'unmask data reset --source galaxies')"
        ) from exc
    values: list[dict[str, object]] = data["values"]
    return values


def _generic(name: str, english: frozenset[str]) -> bool:
    """Whether every word of ``name`` is an ordinary English word ("National Security Bureau")."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", name)]
    return bool(words) and all(w in english for w in words)


def _build() -> OrgGazetteer:
    english = english_words()
    orgs: dict[str, Organization] = {}
    surfaces: dict[str, list[str]] = {}

    def add(name: str, category: str, country: str, forms: tuple[str, ...]) -> None:
        orgs.setdefault(name, Organization(name, category, country))
        for surface in (name, *forms):
            bucket = surfaces.setdefault(surface, [])
            if name not in bucket:
                bucket.append(name)

    for name, category, country, forms in _CURATED:
        add(name, category, country, forms)
    for value in _galaxy("producer"):
        name = str(value.get("value", "")).strip()
        meta = value.get("meta")
        if not name or name in _PRODUCER_SKIP or name in orgs or not isinstance(meta, dict):
            continue
        types = " ".join(str(t) for t in meta.get("company-type", []) or [])
        category = "media" if "News" in types or "Media" in types else "vendor"
        country = str(meta.get("country", "") or "").upper().replace("UK", "GB")[:2]
        synonyms = tuple(str(s) for s in meta.get("synonyms", []) or [])
        add(name, category, country, synonyms)
    for value in _galaxy("intelligence-agencies"):
        name = re.sub(r"\[\d+\]$", "", str(value.get("value", ""))).strip()
        meta = value.get("meta")
        if not name or not isinstance(meta, dict):
            continue
        country = str(meta.get("country", "") or "").upper()
        bare = re.sub(r"\s*\([^)]*\)$", "", name).strip()
        if bare in surfaces:
            continue  # already curated under its usual name
        if bare != name and _generic(bare, english):
            # "Military Intelligence (Czech Republic)", "Federal Police (Mexico)": the bare
            # name is every country's; only the qualified name is this one's.
            add(name, "intelligence", country, ())
            continue
        # Abbreviations from the descriptions are not used: too many are ordinary
        # acronyms elsewhere ("VBA", "CSE"); the usual ones are curated above.
        add(name, "intelligence", country, (bare,) if bare != name else ())
    compiled = {s: tuple(v) for s, v in surfaces.items()}
    return OrgGazetteer(orgs, compiled, PhraseIndex(compiled), threat_names())


def org_gazetteer() -> OrgGazetteer:
    """The compiled organisation gazetteer (cached on disk)."""
    return load_compiled("orgs", _build, depends=["pymispgalaxies"], format_version=_FORMAT_VERSION)
