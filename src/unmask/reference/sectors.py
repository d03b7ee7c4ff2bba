"""One vocabulary of targeted sectors: the MISP ``sector`` galaxy, plus the ways
reports name them ("think tanks", "research centers", "news media outlets",
"journalists" ...).

A sector's identifier is its MISP galaxy value ("Think Tanks", "News - Media"), so
exports can tag ``misp-galaxy:sector="..."`` directly.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.phrase_index import PHRASE_INDEX_FORMAT, PhraseIndex
from unmask.reference.sources import galaxy_clusters_dir

__all__ = ["Sector", "SectorVocabulary", "sector_vocabulary", "sectors_of_name"]

#: Changes whenever this module (its curated tables or its build) changes.
_FORMAT_VERSION = zlib.crc32(Path(__file__).read_bytes(), PHRASE_INDEX_FORMAT)


@dataclass(frozen=True, slots=True)
class Sector:
    """A sector of the MISP galaxy: ``value`` is its identifier, ``synonyms`` its galaxy synonyms."""

    value: str
    description: str = ""
    synonyms: tuple[str, ...] = ()


# Surface forms reports use -> MISP sector value. Plurals are listed as written.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "Government, Administration": (
        "government", "governments", "government agencies", "government agency",
        "government entities", "government organizations", "government organisations",
        "government institutions", "government departments", "government bodies",
        "governmental", "public sector", "public administration", "federal agencies",
        "state agencies", "local government", "local governments", "municipalities", "municipality",
        "councils", "local councils", "borough councils", "county councils", "local authorities",
        "ministries", "government networks", "government officials", "policymakers",
        "policy makers", "state institutions", "lawmakers", "legislators", "parliamentarians", "politicians",
        "civil servants", "former officials", "senior officials", "parliament", "parliaments",
        "legislature",
    ),
    "Think Tanks": ("think tank", "think tanks", "think-tank", "think-tanks", "policy institutes",
                    "policy institute", "policy experts", "policy analysts", "policy researchers"),
    "Research - Innovation": (
        "research centers", "research centres", "research center", "research centre",
        "research institutes", "research institute", "research institutions",
        "research organizations", "research organisations", "research facilities", "research labs",
        "research laboratories", "research laboratory", "research lab",
    ),
    "Academia - University": (
        "academia", "academic", "academics", "academic institutions", "academic institution",
        "universities", "university", "colleges", "scholars", "academic researchers",
        "university researchers",
    ),
    "Higher education": ("higher education", "higher-education"),
    "Education": ("education", "educational institutions", "education sector", "schools", "school", "K-12", "school district",
                  "school districts", "school trust", "school trusts", "academy trust", "academy trusts"),
    "News - Media": (
        "media", "news media", "media outlets", "media outlet", "news outlets", "news outlet",
        "news organizations", "news organisations", "media organizations", "media organisations",
        "news media organizations", "news media organisations", "news media outlets",
        "media companies", "broadcasters", "newspapers", "newspaper", "news agencies", "news sites",
    ),
    "Journalist": ("journalists", "journalist", "reporters", "broadcast writers", "correspondents"),
    "Diplomacy": (
        "diplomatic", "diplomats", "diplomatic entities", "diplomatic missions", "embassies",
        "foreign ministries", "foreign affairs ministries", "ministries of foreign affairs",
        "consulates", "foreign ministry", "foreign office", "foreign affairs ministry",
    ),
    "Defense": (
        "defense", "defence", "defense contractors", "defence contractors", "defense industry",
        "defence industry", "defense industrial base", "defense sector", "defence sector",
        "defense companies", "arms manufacturers", "arms makers", "defence ministries", "defense ministries",
    ),
    "Military": ("military", "armed forces", "militaries", "military personnel"),
    "Finance": (
        "financial", "finance", "financial institutions", "financial services", "financial sector",
        "fintech", "cryptocurrency exchanges", "cryptocurrency companies", "crypto exchanges",
        "cryptocurrency firms", "blockchain companies", "financial organizations",
        "cryptocurrency exchange", "crypto exchange", "pension funds", "pension fund", "credit unions",
        "credit union",
    ),
    "Bank": ("banks", "banking", "bank", "banking sector"),
    "Investment": ("investment firms", "investors", "venture capital firms"),
    "Insurance": ("insurance", "insurers", "insurer", "insurance companies"),
    "Health": ("healthcare", "health care", "hospitals", "hospital", "health sector", "medical",
               "healthcare providers", "health organizations"),
    "Pharmacy": ("pharmaceutical", "pharmaceuticals", "pharmaceutical companies", "drugmakers", "pharmacies", "pharmacy chains",
                 "pharmacy chain"),
    "Life science": ("life sciences", "biotech", "biotechnology"),
    "Energy": ("energy", "energy sector", "energy companies", "utilities", "nuclear", "power plants",
               "power grid", "nuclear power"),
    "Oil": ("oil", "oil and gas", "petroleum"),
    "Electric": ("electric utilities", "electricity", "electric grid", "electricity providers", "power companies",
                 "electricity distributor", "electricity distributors", "power company"),
    "Telecoms": ("telecommunications", "communications", "telecom", "telecoms", "telcos", "telecommunication",
                 "mobile operators", "telecom providers", "telecommunications companies", "mobile operator",
                 "telecommunications providers", "telecommunications provider", "telecom operators", "telecom operator"),
    "IT - ISP": ("internet service providers", "ISPs"),
    "IT": ("information technology", "IT companies", "IT sector", "IT service providers",
           "software companies", "software company", "software developers", "software vendors",
           "software vendor", "tech companies", "IT service provider", "software maker", "software makers",
           "software firm", "software firms"),
    "Technology": ("technology", "technology companies", "high-tech", "tech sector", "technology sector"),
    "Managed Services Provider": ("managed service providers", "managed services providers", "MSPs", "MSP",
                                  "managed service provider", "managed services provider"),
    "IT - Security": ("security researchers", "cybersecurity companies", "security vendors",
                      "cybersecurity researchers"),
    "Aerospace": ("aerospace", "aviation industry"),
    "Civil Aviation": ("aviation", "airlines", "airports", "airline", "air carrier", "air carriers"),
    "Transport": ("transportation", "transport", "transport sector", "transport firms", "transport companies"),
    "Logistic": ("logistics", "freight forwarder", "freight forwarders", "freight forwarding", "freight forwarding companies"),
    "Shipping": ("shipping",),
    "Maritime": ("maritime", "port operators", "port operator", "port authorities", "port authority",
                 "container terminal operator", "terminal operators"),
    "Manufacturing": ("manufacturing", "manufacturers", "industrial manufacturing"),
    "Industrial": ("industrial control systems", "ICS", "critical manufacturing"),
    "Infrastructure": ("critical infrastructure", "infrastructure sector"),
    "Water": ("water utilities", "water sector", "wastewater", "water treatment plants", "water treatment plant",
              "water treatment"),
    "Chemical": ("chemical", "chemical companies", "chemicals"),
    "Agriculture": ("agriculture", "agricultural"),
    "Food": ("food", "food manufacturers", "food companies", "food processing", "food producers"),
    "Construction": ("construction",),
    "Engineering": ("engineering", "engineering firms"),
    "Mining": ("mining",),
    "Automotive": ("automotive", "automakers"),
    "Semi-conductors": ("semiconductor", "semiconductors", "chipmakers"),
    "Retail": ("retail", "retailers", "retailer", "supermarkets", "supermarket chain", "supermarket chains", "supermarket",
               "grocery chain", "grocery stores", "department store chain", "department store chains",
               "department stores"),
    "Hospitality": ("hospitality",),
    "Hotels": ("hotels", "hotel chain", "hotel chains", "hotel"),
    "Game": ("gaming", "video game companies", "game developers"),
    "Entertainment": ("entertainment",),
    "Legal": ("legal", "law firms", "law firm", "legal sector"),
    "Consulting": ("consulting", "consultancies", "consulting firms"),
    "Police - Law enforcement": ("law enforcement", "police", "police department", "police departments", "police force",
                                 "police forces", "sheriff's office", "sheriff's offices", "sheriff’s office",
                                 "sheriff’s offices", "sheriff's department", "sheriff’s department"),
    "Justice": ("judiciary", "courts"),
    "NGO": ("NGOs", "NGO", "non-governmental organizations", "non-governmental organisations",
            "nongovernmental organizations"),
    "Non-profit organisation": ("non-profit organizations", "nonprofits", "non-profits", "charities",
                                "nonprofit organizations"),
    "Sport": ("sports organisation", "sports organisations", "sports organization", "sports organizations",
              "sports bodies", "sports federations", "sporting bodies", "sports clubs", "sports governing body"),
    "Civil society": ("civil society", "human rights organizations", "human rights groups",
                      "human rights activists"),
    "Activists": ("activists",),
    "Lawyers": ("lawyers", "lawyer", "attorneys"),
    "Dissidents": ("dissidents", "dissident groups", "dissident organizations", "dissident organisations",
                   "dissident communities"),
    "Opposition": ("opposition",),
    "Political party": ("political parties", "political party", "political campaigns", "political campaign staff",
                        "campaign staff", "campaign staffers"),
    "Social networks": ("social media", "social networks"),
    "eCommerce": ("e-commerce", "ecommerce", "online retailers", "online retailer"),
    "Space": ("space",),
    "Satellite navigation": ("satellite",),
    "Casino": ("casinos", "casino operators", "casino operator"),
    "Payment": ("payment providers", "payment provider", "payment processors", "payment processor"),
    "Marketing": ("marketing",),
    "Advertising": ("advertising",),
    "Accounting": ("accounting firms", "accountants", "accounting practice", "accounting practices",
                   "accounting firm", "accountancies", "accountancy firms", "accountancy firm", "accountancy practices"),
    "Publishing industry": ("publishers", "publishing"),
    "Tourism": ("tourism", "tour operators"),
    "Travel": ("travel agencies", "travel agency", "travel companies", "travel firms"),
    "Railway": ("railways", "railway", "rail"),
    "Steel": ("steel",),
    "Metal": ("metals",),
    "Petrochemical": ("petrochemical", "petrochemicals"),
    "Intelligence": ("intelligence agencies", "intelligence services"),
    "Immigration": ("immigration",),
    "Citizens": ("citizens", "individuals"),
    "Veterinary": ("veterinary chain", "veterinary chains", "veterinary practice", "veterinary practices",
                   "veterinary clinic", "veterinary clinics", "vet practice", "vet practices", "vet clinic",
                   "vet clinics"),
}

# The business nouns a description or an apposition gives an organisation ("a London-based
# stockbroker", "a haulier in Kent", "a ferry operator", "a children's clinic") name its
# sector as the sector words do: they are added to the synonyms above.
_BUSINESS_NOUNS: dict[str, tuple[str, ...]] = {
    "Finance": ("stockbroker", "stockbrokers", "online broker", "online brokers", "brokerage", "brokerages",
                "brokerage firm", "brokerage firms", "wealth manager", "wealth managers", "asset manager",
                "asset managers", "lender", "lenders", "remittance firm", "remittance firms"),
    "Health": ("clinic", "clinics", "medical practice", "medical practices", "dental practice", "dental practices",
               "dental clinic", "dental clinics", "care home", "care homes", "nursing home", "nursing homes",
               "GP practice", "GP practices", "health system", "health systems", "hospital group", "hospital trust",
               "dialysis unit", "dialysis centre", "dialysis center", "pathology lab", "pathology laboratory",
               "children's clinic", "children’s clinic"),
    "Logistic": ("haulier", "hauliers", "haulage firm", "haulage company", "trucking company", "trucking companies",
                 "trucking firm", "parcel carrier", "parcel carriers", "courier firm", "courier company",
                 "logistics firm", "logistics firms", "logistics company", "logistics companies", "logistics provider",
                 "logistics providers", "freight company", "freight firm", "freight operator", "warehouse operator"),
    "Maritime": ("ferry operator", "ferry operators", "ferry line", "ferry lines", "ferry company", "shipowner",
                 "shipowners", "ship operator", "ship operators", "tanker operator", "tanker operators",
                 "dry-bulk operator", "container terminal", "container terminals"),
    "Transport": ("transit authority", "transit agency", "transit operator", "bus operator", "bus operators",
                  "public transport operator", "transport authority"),
    "Legal": ("law practice", "law practices"),
    "Non-profit organisation": ("charity", "nonprofit", "non-profit"),
}
#: Every business noun, lower-cased.
_BUSINESS_NOUN_KEYS = frozenset(noun.lower() for nouns in _BUSINESS_NOUNS.values() for noun in nouns)
for _sector, _nouns in _BUSINESS_NOUNS.items():
    _SYNONYMS[_sector] = (*_SYNONYMS[_sector], *_nouns)

# Surfaces matched only as written (they are also ordinary words or acronyms).
_CASE_SENSITIVE = frozenset(["IT", "ICS", "ISPs", "MSPs", "MSP", "NGO", "NGOs", "K-12", "GP practice", "GP practices"])

# Surfaces so generic they only count next to a sector noun ("the space sector").
_NEEDS_SECTOR_NOUN = frozenset(
    ["it", "communications", "space", "food", "legal", "retail", "construction", "mining", "shipping", "marketing",
     "advertising", "steel", "rail", "transport", "energy", "technology", "opposition", "oil",
     "chemical", "satellite", "entertainment", "publishing", "consulting", "engineering",
     "immigration", "nuclear", "medical", "financial", "defense", "defence", "military",
     "diplomatic", "academic", "governmental", "education", "individuals", "citizens",
     "hospitality", "tourism", "agriculture", "agricultural", "automotive", "maritime",
     "gaming", "insurance", "manufacturing", "finance", "transportation", "logistics", "bank",
     "aviation", "aerospace", "semiconductor", "telecommunication", "university", "electricity",
     "petroleum", "chemicals", "railway", "metals", "telecom", "news", "intelligence", "arts",
     "culture", "development", "environment", "trade", "travel", "electronic", "employment", "game",
     "sport", "payment", "gas", "water", "justice", "infrastructure", "health", "research",
     "digital services", "security service", "security actors", "security systems", "industrial",
     "opposition", "turbine", "video sharing", "programming", "investment", "separatists", "hotel"]
)

#: Surfaces of _NEEDS_SECTOR_NOUN that are countable nouns themselves: written alone as the
#: head of a noun phrase ("targeted a bank", "staff of a small university"), they name the sector.
_COUNT_NOUNS = frozenset(["bank", "university", "hotel"])


#: What an organisation's own name says it is: the head nouns of a name ("University of
#: Eastbrook", "St. Aldric Regional Medical Center", "Severnside Learning Trust") with the
#: sectors they place it in. Read only for an organisation already found to be a victim or
#: a target, so a victim's sector need not be said a second time.
_ORG_HEAD_SECTORS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), sectors)
    for pattern, sectors in (
        (r"\b(?:University|Universit[yé]t?|College|Polytechnic)\b", ("Academia - University",)),
        (r"\b(?:Hospitals?|Medical\s+(?:Cent(?:er|re)|Group|Practice)|Clinics?|Health(?:care)?\s+(?:System|Trust|Services?|Board)|Infirmary)\b",
         ("Health",)),
        (r"\b(?:Schools?|Academy|Learning\s+Trust|(?:Multi-)?Academy\s+Trust|School\s+District|Kindergarten)\b", ("Education",)),
        (r"\b(?:Ministry|Department|Secretariat)\s+(?:of|for)\s+(?:the\s+)?(?:Foreign|European\s+and\s+International|International|External)\s+Affairs\b|"
         r"\bForeign\s+(?:Ministry|Office)\b|\bEmbassy\b|\bConsulate\b", ("Diplomacy",)),
        (r"\b(?:Ministry|Municipality|City\s+Council|County\s+Council|Borough\s+Council|Parliament|Senate)\b",
         ("Government, Administration",)),
        (r"\bBank\b", ("Bank",)),
        (r"\b(?:Insurance|Insurers?|Assurance)\b", ("Insurance",)),
        (r"\bAirports?\b|\bAirlines\b|\bAirways\b", ("Civil Aviation",)),
        (r"\b(?:Law\s+Firm|Solicitors|Attorneys|Chambers)\b", ("Legal",)),
        (r"\b(?:Water\s+(?:Utility|Authority|Board|Company|Services))\b", ("Water",)),
        (r"\bPort\s+(?:of|Authority)\b|\bHarbou?r\s+(?:Authority|Board)\b", ("Maritime",)),
        (r"\b(?:Telecom|Telekom|Telecommunications)\b", ("Telecoms",)),
        (r"\bRail(?:ways?)?\b", ("Railway",)),
    )
)


def sectors_of_name(name: str) -> tuple[str, ...]:
    """The sectors an organisation's name places it in by its head nouns, or ``()``."""
    out: list[str] = []
    for pattern, sectors in _ORG_HEAD_SECTORS:
        if pattern.search(name):
            out.extend(s for s in sectors if s not in out)
            if "Diplomacy" in out:
                break  # a foreign ministry is a diplomatic body, not counted again as a plain ministry
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SectorVocabulary:
    """Sectors by value, and every surface form with the sector it names."""

    sectors: dict[str, Sector]
    surfaces: dict[str, str]
    #: Every surface in :attr:`surfaces`, compiled (and cached) with the vocabulary.
    phrases: PhraseIndex

    def index(self) -> PhraseIndex:
        return self.phrases

    def lookup(self, surface: str) -> str | None:
        """The sector value a surface names (case-insensitive), or None."""
        if surface in self.surfaces:
            return self.surfaces[surface]
        return self.surfaces.get(surface.lower())

    @staticmethod
    def is_case_sensitive(surface: str) -> bool:
        return surface in _CASE_SENSITIVE

    @staticmethod
    def needs_sector_noun(surface: str) -> bool:
        """Whether a bare adjective-like surface ("energy") needs a noun such as "sector"."""
        return surface.lower() in _NEEDS_SECTOR_NOUN

    @staticmethod
    def is_business_noun(surface: str) -> bool:
        """Whether a surface is a business noun ("haulier", "clinic"): capitalised after a
        capitalised word, it ends a name ("Brisco Family Clinic"), not a sector phrase."""
        return surface.lower() in _BUSINESS_NOUN_KEYS

    @staticmethod
    def is_count_noun(surface: str) -> bool:
        """Whether such a surface is a countable noun that may head its own phrase ("a bank")."""
        return surface in _COUNT_NOUNS


def _read_galaxy() -> list[dict[str, object]]:
    try:
        path = galaxy_clusters_dir() / "sector.json"
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, ModuleNotFoundError) as exc:
        raise ReferenceDataError(
            f"cannot read the MISP sector galaxy: {exc}; reinstall pymispgalaxies (or, after an update, run 'unmask data reset --source galaxies')"
        ) from exc
    values: list[dict[str, object]] = data["values"]
    return values


def _build() -> SectorVocabulary:
    sectors: dict[str, Sector] = {}
    surfaces: dict[str, str] = {}
    for value in _read_galaxy():
        name = str(value.get("value", "")).strip()
        if not name or name in ("Unknown", "Other", "Country", "Multi-sector"):
            continue
        meta = value.get("meta")
        synonyms: tuple[str, ...] = ()
        if isinstance(meta, dict):
            synonyms = tuple(str(s) for s in meta.get("synonyms", []) or [])
        sectors[name] = Sector(name, str(value.get("description", "") or ""), synonyms)
        for surface in (name, *synonyms):
            if " - " in surface or "," in surface:
                continue
            key = surface if surface in _CASE_SENSITIVE else surface.lower()
            surfaces.setdefault(key, name)
    for name, forms in _SYNONYMS.items():
        if name not in sectors:
            raise ReferenceDataError(
                f"sector {name!r} is not in the installed MISP sector galaxy; update unmask's synonyms"
            )
        for surface in forms:
            key = surface if surface in _CASE_SENSITIVE else surface.lower()
            surfaces[key] = name
    return SectorVocabulary(sectors, surfaces, PhraseIndex({s: (s,) for s in surfaces}))


def sector_vocabulary() -> SectorVocabulary:
    """The compiled sector vocabulary (cached on disk)."""
    return load_compiled("sectors", _build, depends=["pymispgalaxies"], format_version=_FORMAT_VERSION)
