"""Threat-actor mentions and alias statements.

:func:`extract_actors` finds every actor name in a text with the gazetteer of
:mod:`unmask.reference.actor_names` and resolves it to one actor of the graph of
:mod:`unmask.reference.actors`. A name's *risk* decides the evidence it needs:

* coined names (Kimsuky, APT43) count wherever they appear, in any case and spacing;
* short acronyms (RTM) only in capitals;
* ordinary words (Silence, Equation, ZINC) not in lower case, and only in a sentence
  that speaks of threats (element names written in capitals stand alone);
* names that are also ATT&CK software (Carbanak, AppleJeus) only with explicit actor
  context: "the group Carbanak", "Akira operations", "Akira have used", "X is a threat
  group"; software context ("Carbanak malware", "Carbanak can ...") vetoes.

Alias statements ("tracked variously as A, B and C", "also known as", "a.k.a.",
"(aka ...)", "which Microsoft tracks as X", "overlaps with") become
:class:`~unmask.model.AliasStatement` findings; every name in a same-as statement is
resolved to the one actor most of its names mean — names the reference data does not
know are learned for this text, and their later mentions are found too.

Pure: reference data comes from the cache or is passed in (``graph=``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from unmask.extract.sentences import structure_of
from unmask.model import ActorMention, AliasStatement, ExtractContext, Skipped, Span
from unmask.model.structure import Structure
from unmask.reference.actor_names import (
    ActorGazetteer,
    NameEntry,
    build_actor_gazetteer,
    load_actor_gazetteer,
)
from unmask.reference.actors import ActorGraph, Candidate, load_actor_graph, name_key
from unmask.reference.detection_names import detection_names
from unmask.reference.malware import malware_gazetteer
from unmask.reference.regexes import compile_cached
from unmask.reference.vendors import vendor_of

__all__ = ["ActorFindings", "established_actor_name", "extract_actors", "find_actors"]


@dataclass(frozen=True, slots=True)
class ActorFindings:
    """Mentions, alias statements and a per-actor summary for one text."""

    mentions: tuple[ActorMention, ...] = ()
    alias_statements: tuple[AliasStatement, ...] = ()
    summary: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    #: Names the text says someone else wears as a mask ("criminals posing as Lazarus
    #: Group"): named, but not the actor of anything in the text, so the pipeline leaves
    #: them out of the findings (``skipped`` says why); :func:`find_actors` lists them.
    impersonated: tuple[ActorMention, ...] = ()
    skipped: tuple[Skipped, ...] = ()


# --------------------------------------------------------------------------- impersonation

#: Words that say the name that follows is worn by someone else: extortionists "posing
#: as" a famous group, a false flag, a copycat. Within the same sentence, at most six
#: words before the name.
_IMPERSONATION = compile_cached(
    r"\b(?:pos(?:e|es|ed|ing)\s+as|pretend(?:s|ed|ing)?\s+to\s+be|"
    r"claim(?:s|ed|ing)?\s+to\s+(?:be|represent|belong\s+to|speak\s+for|work\s+for)|"
    r"impersonat(?:e|es|ed|ing|ion\s+of)|masquerad(?:e|es|ed|ing)\s+as|"
    r"purport(?:s|ed|ing)?\s+to\s+(?:be|come\s+from)|"
    r"copycats?\s+of|false[\s-]+flags?(?:\s+\w+)?\s+(?:as|pointing\s+to|implicating|to\s+implicate|blaming)|"
    r"trying\s+to\s+pass\s+(?:itself|themselves)\s+off\s+as)"
    r"(?:[^\w.!?;'’-]+[\w'’-]+){0,6}?[^\w.!?;'’-]*$",
    re.IGNORECASE,
)
#: A name listed right after a masked one ("claiming to be Fancy Bear and Armada
#: Collective") is masked too.
_LIST_JOINT = compile_cached(r"\s*(?:,|,?\s+(?:and|or))\s*(?:the\s+)?[\"“']?\s*$", re.IGNORECASE)
_IMPERSONATION_WINDOW = 120


def _masked(text: str, mentions: Sequence[ActorMention]) -> set[int]:
    """Indexes of the mentions that the text says are someone else's mask."""
    masked: set[int] = set()
    previous_end = -1
    for i, mention in enumerate(mentions):
        start = mention.span.start
        before = text[max(0, start - _IMPERSONATION_WINDOW):start]
        listed_after_mask = (i - 1) in masked and previous_end >= 0 and \
            _LIST_JOINT.fullmatch(text[previous_end:start]) is not None
        if listed_after_mask or _IMPERSONATION.search(before) is not None:
            masked.add(i)
        previous_end = mention.span.end
    return masked


# --------------------------------------------------------------------------- context rules

_W = r"[\w-]+"
#: words that only cyber-threat writing uses (not "attack", "campaign", "victim", "Trojan":
#: dictionary glosses use those too)
_THREAT = compile_cached(
    r"\b(?:threat actors?|threat groups?|apt\d*|malware|attackers?|cyber\w*|espionage|hack\w*|"
    r"phish\w*|spearphish\w*|exploit\w*|compromis\w*|backdoors?|c2|c&c|command and control|"
    r"payloads?|ransomware|intrusions?|credentials?|vulnerab\w*|implants?|exfiltrat\w*|"
    r"lateral movement|persistence|powershell|vbscript|javascript|dlls?|registry|web ?shells?|"
    r"state-sponsored|nation-state|adversar\w*|spyware|obfuscat\w*|malicious|weaponi[sz]ed|"
    r"dns|vpn|command-line|reconnaissance|cve-\d+|databases?|firewalls?|wmi|rdp|"
    r"anti-?virus|passwords?|login|logon|usb|firmware|sql|privilege\w*|api|https?|ftp|"
    r"macros?|cmd|python|binar(?:y|ies)|executables?|linux|macos|android|active directory|"
    r"ldap|smb|ssh|vnc|keylog\w*|screenshots?|social media|linkedin|watering hole|"
    r"supply chain|zero-day|0-day|edr|wipers?|botnets?|cryptocurrenc\w*|ccTLDs?|registrars?|"
    r"servers|domains|email\w*|spear-phishing|infosec|security researchers?|threat intelligence|"
    r"encrypt\w*|decrypt\w*|base64|aes|rc4|xor|scheduled tasks?|mimikatz|cobalt strike)\b",
    re.I,
)
#: the subject of a present-perfect clause ("Leviathan has used WMI"): a doer, not a word
#: (dictionary glosses and examples rarely put a capitalised word there)
_PERFECT_AFTER = compile_cached(
    r"^\s+(?:has|have)\s+(?:also\s+|reportedly\s+|previously\s+)?"
    r"(?:[a-z]+ed|used|sent|stolen|built|run|made|taken|begun|sought|written|set up)\b"
)
_ACTOR_AFTER = compile_cached(
    r"^(?:\s*['’]s)?\s+(?:group|gang|actors?|threat actors?|threat group|team|apt|operators?|"
    r"crew|hackers?|cluster|intrusion set|adversar(?:y|ies)|operations?|campaigns?|members|"
    r"affiliates|activity)\b",
    re.I,
)
_ACTOR_PLURAL = compile_cached(r"^\s+(?:have|are|were)\s+(?!been\s+(?:used|seen|observed|found|deployed))")
_ACTOR_POSSESSES = compile_cached(
    rf"^['’]s\s+(?:{_W}\s+){{0,2}}(?:backdoor|malware|tools?|implants?|toolset|arsenal|"
    r"infrastructure|trojan|rat|loader|payloads?|operators?|members|activit(?:y|ies)|tactics|"
    r"ttps|targets|victims|campaigns?)\b",
    re.I,
)
_ACTOR_VERB = compile_cached(
    r"^\s+(?:(?:has|have|had)\s+)?(?:also\s+|reportedly\s+|likely\s+|previously\s+)?"
    r"(?:targeted|compromised|conducted|gained access|purchased|lured|operated|recruited|posed|"
    r"impersonated|demand(?:s|ed)|threatened|extorted|been active|is active|was active|"
    r"attacked|hacked|breached|infiltrated|spearphished|used spearphishing|obtained access|"
    r"claimed|"
    r"is (?:a|an|the) (?:[\w-]+ ){0,5}?(?:group|actor|gang|adversary|collective|crew|team)|"
    r"was (?:a|an|the) (?:[\w-]+ ){0,5}?(?:group|actor|gang|adversary|collective|crew|team)|"
    r"is (?:believed|thought|assessed|suspected|likely) to (?:be|have)|is attributed|"
    r"is (?:a |an )?(?:[\w-]+ )?(?:state-sponsored|nation-state|financially motivated|"
    r"cyber ?espionage|espionage))\b",
    re.I,
)
_ACTOR_BEFORE = compile_cached(
    r"\b(?:group|gang|actors?|threat actor|apt|adversary|attributed to|tracked as|known as|aka|"
    r"a\.k\.a\.?|operators of|members of|linked to|associated with|affiliated with|such as|"
    # a naming of a group, its noun a few words before: "an adversary they are calling X",
    # "a crew that operates under the name X", "the attackers were given the name X"
    r"(?:group|gang|crew|actors?|adversary|apt|intruders?|attackers?|hackers?)\b[^.;:\n]{0,40}?"
    r"\b(?:calling|call|calls|called|named|dubbed|(?:under|by|with)\s+the\s+names?|given\s+the\s+names?))"
    r"\s*[:,]?\s*(?:the\s+)?[\"'“‘]?$",
    re.I,
)
_ACTOR_DURING = compile_cached(r"(?:^|[.;]\s*)(?:during|in)\s+(?:the\s+)?[^,.;]{3,80},\s*$", re.I)
_SOFTWARE_AFTER = compile_cached(
    r"^(?:\s*['’]s)?\s+(?:ransomware|malware|backdoors?|trojans?|rat|loaders?|droppers?|"
    r"stealers?|implants?|payloads?|samples?|variants?|binar(?:y|ies)|family|strain|modules?|"
    r"components?|executables?|dlls?|builder|botnet|worm|virus|infostealer|keylogger|spyware|"
    r"toolkit|beacons?|can|will|would|could|may|might|is capable|is able|was able|"
    r"has the (?:ability|capability)|has been (?:distributed|delivered|signed|packed|compiled|"
    r"observed|deployed|installed|detected|spread|written|developed|updated|found|used)|uses|"
    r"contains|creates|downloads|encrypts|decrypts|obtains|collects|gathers|steals|sends|"
    r"executes|injects|verifies|checks|deletes|communicates|reports|is written|was written|"
    r"infect\w*|is a (?:[\w-]+ ){0,3}(?:malware|backdoor|trojan|tool|ransomware|rat|loader))\b",
    re.I,
)
_SOFTWARE_BEFORE = compile_cached(
    r"\b(?:malware|backdoor|trojan|ransomware|variants? of|versions? of|samples? of|"
    r"components? of|copies of|instances? of|deploy(?:s|ed|ing)?|dropp?(?:s|ed|ing)?|"
    r"install(?:s|ed|ing)?|execut(?:e|es|ed|ing)|using|use of|uses|used|via|infected with)"
    r"\s+(?:the\s+)?$",
    re.I,
)
#: A software or campaign noun the name modifies: "the DarkSeoul malware", "a Winnti
#: sample", "the MiniDionis campaign" (not "DarkSeoul's malware": the owner is the actor).
_SOFTWARE_HEAD_AFTER = compile_cached(
    r"^\s+(?:ransomware|malware|backdoors?|trojans?|rat|loaders?|droppers?|stealers?|implants?|"
    r"payloads?|samples?|variants?|binar(?:y|ies)|family|strain|modules?|components?|executables?|"
    r"dlls?|builder|botnet|worm|virus|infostealer|keylogger|spyware|toolkit|beacons?)\b",
    re.I,
)
#: A campaign named after a piece of software ("the MiniDionis campaign"): only a name
#: the malware gazetteer knows ("the Moldy Pisces campaign" is the actor's).
CAMPAIGN_AFTER = compile_cached(r"^\s+campaigns?\b", re.I)
#: The top reading's score from which a name is an actor's established name (ATT&CK's or
#: several sources' own); below it the name is one a source or two file under the actor,
#: often the name of its malware or of one campaign.
_ESTABLISHED = 50.0
_LONGER_NAME = compile_cached(
    r"^[ ](?!(?:Group|Team|APT|Gang|Actors?|Threat|Operators?|Campaign|Crew|Hackers?)\b)"
    r"[A-Z][a-z]+"
)


#: Threat words in the scripts actor names are listed in (Chinese, Japanese, Korean,
#: Russian/Ukrainian, Arabic, Persian), matched without word boundaries (CJK has none;
#: Cyrillic stems take endings).
_SCRIPT_THREAT = compile_cached(
    r"(?<![A-Za-z])APT(?![A-Za-z])|攻击|攻撃|组织|組織|团伙|黑客|ハッカー|间谍|間諜|钓鱼|恶意|木马|威胁|脅威|漏洞|后门|"
    r"网络安全|グループ|マルウェア|標的型|サイバー|해킹|해커|공격|조직|그룹|악성|위협|사이버|"
    r"хакер|атак|группировк|угруповання|кибер|кібер|вредонос|шкідлив|угроз|загроз|шпион|шпигун|фишинг|"
    r"قراصنة|هجوم|هجمات|اختراق|تهديد|مجموعة|خبيث|تجسس|هکر|حمله|بدافزار",
    re.IGNORECASE,
)


def _first_characters(pattern: re.Pattern[str]) -> str:
    """The characters a match of ``pattern`` can start with, for a pattern that is an
    alternation of literals (each may open with a negative look-behind)."""
    firsts = set()
    for alternative in pattern.pattern.split("|"):
        literal = re.sub(r"^\(\?<![^)]*\)", "", alternative)
        if not literal or literal[0] in "\\[](){}.^$*+?|":
            raise ValueError(f"not a literal alternative: {alternative!r}")
        firsts.add(literal[0])
    return "".join(sorted(firsts))


#: Whether a stretch of text can hold a threat word at all: one character class scan
#: (with the same case folding) instead of two alternations tried at every position.
#: Every match of _THREAT starts with a letter or digit (after its ``\b``).
_THREAT_START = compile_cached(
    "[a-z0-9" + re.escape(_first_characters(_SCRIPT_THREAT)) + "]", re.IGNORECASE)


#: sentence ends: a line break, ". ", "! ", "? " and the full-width stops of CJK text
_SENTENCE_MARKS = ("\n", ". ", "! ", "? ", "。", "！", "？")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end): cut at ". ", "! ", "? " or a line break, 300 max."""
    lo = max(0, start - 300)
    hi = min(len(text), end + 300)
    left = lo
    for mark in _SENTENCE_MARKS:
        found = text.rfind(mark, lo, start)
        if found >= 0:
            left = max(left, found + len(mark))
    right = hi
    for mark in _SENTENCE_MARKS:
        found = text.find(mark, end, right)
        if found >= 0:
            right = found + 1
    return left, right


#: Characters that join a name into an identifier, file name or placeholder.
_IDENTIFIER_EDGE = frozenset("_%")


def _accept(text: str, start: int, end: int, entry: NameEntry) -> tuple[bool, str, float]:
    """Whether a gazetteer hit is an actor mention: (ok, method, confidence)."""
    surface = text[start:end]
    if "_" in surface or text[start - 1 : start] in _IDENTIFIER_EDGE or text[end : end + 1] in _IDENTIFIER_EDGE:
        return False, "", 0.0  # part of an identifier: "%CNC_DEFINED%", "APT_1.png"
    lowered = surface == surface.lower() and any(c.isalpha() for c in surface)
    if entry.caps_name and lowered:
        return False, "", 0.0
    if entry.risk == "script":
        # a name in another script (海莲花 is also "sea lotus", 方程式 "equation"): threat
        # words in its sentence, in that script or in English
        left, right = _sentence_bounds(text, start, end)
        if _THREAT_START.search(text, left, right) is None:
            return False, "", 0.0  # no character a threat word could start with
        sentence = text[left:right]
        if _SCRIPT_THREAT.search(sentence) or _THREAT.search(sentence):
            return True, "gazetteer+context", 0.8
        return False, "", 0.0
    if entry.risk == "coined":
        if lowered and any(c.isspace() for c in surface):
            return False, "", 0.0  # "tag\n53" is not TAG-53 (a solid "apt28" still is APT28)
        if entry.caps_name and not surface.isupper():
            # A name only ever written in capitals (ELECTRUM), written otherwise: the
            # Electrum wallet, not the group, unless the words around say "group".
            left, right = _sentence_bounds(text, start, end)
            return _actor_context(text[left:start], text[end:right])
        return True, "gazetteer", 0.95
    if entry.risk == "acronym":
        return surface.isupper(), "gazetteer", 0.9
    if entry.upper_only and not surface.isupper():
        return False, "", 0.0
    if lowered:
        return False, "", 0.0
    left, right = _sentence_bounds(text, start, end)
    before, after = text[left:start], text[end:right]
    if _LONGER_NAME.match(after):
        return False, "", 0.0  # part of a longer proper name: "Cobalt Strike"
    tokens = surface.split()
    if entry.risk == "word":
        if entry.upper_only and len(surface) >= 4:
            return True, "gazetteer", 0.85
        if entry.attested and len(tokens) > 1 and all(t[:1].isupper() for t in tokens):
            return True, "gazetteer", 0.85
        if not entry.attested:
            # an ordinary word only one non-ATT&CK source calls an actor: explicit context
            return _actor_context(before, after)
        if _THREAT.search(before) or _THREAT.search(after) or _PERFECT_AFTER.match(after):
            return True, "gazetteer+context", 0.75
        if _FILLER_AFTER.match(after):  # "the Lazarus gang", "the Patchwork crew"
            return True, "gazetteer+context", 0.75
        if entry.attested and _LONE_BEFORE.search(before):
            return False, _LONE, 0.0  # may still count: see _lone_names
        return False, "", 0.0
    return _actor_context(before, after)


#: A rejected word-risk name that may count by the document (:func:`_lone_names`).
_LONE = "lone"
#: a word before the name in its sentence (a capital there says nothing, at the start)
#: and not a capitalised one ("Fancy Lazarus" is another name)
_LONE_BEFORE = compile_cached(r"(?:(?<![\w'’-])[a-z0-9][\w'’-]*[,;:)]?|[,;:)])\s+$")
#: this many threat words in a document make it one about threats
_THREAT_DOCUMENT = 3


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` as a whole word (str.find: no regex scan)."""
    pos = text.find(word)
    while pos >= 0:
        before = text[pos - 1] if pos else " "
        after = text[pos + len(word)] if pos + len(word) < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            return True
        pos = text.find(word, pos + 1)
    return False


def _lone_names(
    text: str, lone: Sequence[tuple[int, int, NameEntry]], graph: ActorGraph, named: bool
) -> list[tuple[int, int, NameEntry]]:
    """The lone well-known names that count: an ATT&CK-attested or doubly sourced name
    that is an ordinary word too ("Lazarus", "Sandworm"), capitalised after another
    word of its sentence, one actor's name only, in a document about threats (an actor
    already named with evidence, or threat words), which never writes the word in lower
    case (then it is a word there: "the silence", "a patchwork of")."""
    if not lone:
        return []
    if not named:
        for count, _ in enumerate(_THREAT.finditer(text), 1):
            if count >= _THREAT_DOCUMENT:
                break
        else:
            return []
    out = []
    single: dict[str, bool] = {}
    as_word: dict[str, bool] = {}  # one search of the text per distinct word
    for start, end, entry in lone:
        if entry.form not in single:
            single[entry.form] = len(graph.lookup(entry.form).candidates) == 1
        word = text[start:end].lower()
        if word not in as_word:
            as_word[word] = _has_word(text, word)
        if single[entry.form] and not as_word[word]:
            out.append((start, end, entry))
    return out


def _actor_context(before: str, after: str) -> tuple[bool, str, float]:
    """Explicit actor context around a name, with software context as a veto."""
    actor = 0
    actor += bool(_ACTOR_AFTER.match(after)) * 2
    actor += bool(_ACTOR_PLURAL.match(after))
    actor += bool(_ACTOR_POSSESSES.match(after))
    actor += bool(_ACTOR_VERB.match(after))
    actor += bool(_ACTOR_BEFORE.search(before)) * 2
    actor += bool(_ACTOR_DURING.search(before))
    software = bool(_SOFTWARE_AFTER.match(after)) + bool(_SOFTWARE_BEFORE.search(before))
    if actor > software and actor >= 1:
        return True, "gazetteer+context", 0.7
    return False, "", 0.0


# --------------------------------------------------------------------------- alias statements

_VENDOR = r"(?:[A-Z][\w&.-]*(?:\s+[A-Z0-9][\w&.-]*){0,2})"
_TRIGGER = compile_cached(
    r"(?P<same>\b(?:also\s+|otherwise\s+|publicly\s+|variously\s+|alternatively\s+|commonly\s+|"
    r"collectively\s+|more\s+)?(?:known|tracked|referred\s+to|identified|reported|called|dubbed|"
    r"named|designated|labell?ed|monitored)(?:\s+(?:variously|publicly|internally|also|elsewhere))?"
    rf"(?:\s+by\s+(?P<v1>{_VENDOR}|other\s+(?:vendors|researchers|security\s+firms)|"
    r"(?:security\s+)?(?:researchers|vendors)))?\s+(?:as|under)\b"
    r"|\ba\.k\.a\.?|\baka\b"
    # naming phrases without "as": "they are calling it X", "gave the group the name X, or
    # Y", "(operating) under the name X"
    r"|(?P<namer>\b(?:are|is|were|was|been|started|began)\s+calling(?:\s+(?:it|them|the\s+(?:group|actor|cluster|"
    r"crew|gang)))?"
    r"|\b(?:given|gave)\s+(?:(?:it|them|the\s+(?:group|actor|cluster|crew|gang))\s+)?the\s+names?)"
    r"|\bunder\s+the\s+names?"
    rf"|\b(?:which|whom|that|what|who)\s+(?P<v2>{_VENDOR})\s+(?:tracks|calls|refers\s+to|names|"
    r"identifies|dubbed|tracked|has\s+dubbed|has\s+named|labels|designates)(?:\s+(?:it|them))?"
    r"(?:\s+as)?\b"
    rf"|\b(?P<v3>{_VENDOR})\s+(?:tracks|calls|dubs|refers\s+to)\s+(?:it|them|the\s+(?:group|actor|"
    r"cluster|activity))\s+(?:as\s+)?)"
    r"|(?P<overlap>\b(?:overlaps?|overlapping|overlapped)\s+(?:\w+\s+)?with\b)",
)
_NAME_TOKEN = r"[A-Z0-9][\w@$&.'’-]*"  # noqa: S105 - a regex, not a secret
_NAME = compile_cached(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}")
_NAME_AT_END = compile_cached(rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}})$")
_CAMEL_AT_END = compile_cached(r"([a-z][\w@$&.-]*[A-Z][\w@$&.-]*)$")
_LIST_SEP = compile_cached(r"\s*(?:,\s*(?:and|or)\s+|,|;|/|\band\b|\bor\b|&)\s*")
_STOP = frozenset(
    {"The", "A", "An", "This", "That", "These", "Those", "It", "They", "In", "On", "At", "Its",
     "Their", "Microsoft", "CrowdStrike", "Mandiant", "Proofpoint", "Secureworks", "Google",
     "ESET", "Kaspersky", "Symantec", "Talos", "Unit", "However", "While", "Which", "But",
     "Also", "Internally", "Previously", "Formerly", "Publicly", "Sometimes", "Often", "Commonly"}
)
_SOFTWARE_NOUN = compile_cached(
    r"\b(?:variant|version|malware|backdoor|trojan|tool|toolkit|family|ransomware|rat|loader|"
    r"implant|payload|dropper|stealer|botnet|framework|exploit|vulnerability|technique|app|"
    r"application|service|file|library|extension|module|package|product|platform|kit|protocol|"
    r"format|macro|feature|functionality|hoster|provider|worm|bot|infostealer|software)s?\W*$",
    re.I,
)
_LEAD_WORD = compile_cached(r"^(?:the|by|as|aka|a\.k\.a\.?)\s+", re.I)
_BY_VENDOR = compile_cached(r"\s+(?:by\s+[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)?)$")
_TRAILING_GROUP = compile_cached(r"\s+(?:group|team|gang|actors?)$")
_FILLER_AFTER = compile_cached(r"^\s+(?:gang|crew)\b", re.I)
_LIST_END = compile_cached(
    r"[)\]—–]|\s-\s|[.;:](?=\s|$)|\b(?:which|who|that|is|are|has|have|was|were|in|since|to|for|"
    r"from|with)\b"
)
_SUBJECT_TAIL = compile_cached(
    r"[\s,(\[—–-]*(?:which\s+is|that\s+is|is|was|are|who\s+(?:is|are))?[\s,(\[—–-]*$"
)
_VENDOR_TAIL = compile_cached(r"\s*\((?:by\s+)?[A-Z][\w .&-]{1,30}\)\s*$|\s+\(\s*$")


@dataclass(frozen=True, slots=True)
class _Statement:
    names: tuple[tuple[str, int, int], ...]
    span: Span
    relation: str
    vendor: str | None
    #: the statement names software ("a Gh0st variant known as PCrat")
    software: bool = False


def _clean_name(raw: str) -> str:
    name = _VENDOR_TAIL.sub("", raw).strip(" \"'“”‘’()[]—–-\u00a0")
    name = _LEAD_WORD.sub("", name)
    name = _BY_VENDOR.sub("", name)
    name = _TRAILING_GROUP.sub("", name) if len(name.split()) > 1 and not (
        name.endswith(("Group", "Team"))
    ) else name
    return name.strip(" ,.;:")


_GENERIC = frozenset(
    ["group", "team", "actor", "actors", "apt", "malware", "ransomware", "backdoor", "trojan", "trojans", "rat", "tool", "tools", "office", "tactics", "techniques", "procedures", "internally", "also", "previously", "formerly", "publicly", "often", "sometimes", "commonly", "collectively", "variously", "elsewhere", "campaign", "operation", "operations", "activity", "cluster", "threat", "threats", "unknown", "north", "south", "korea", "korean", "china", "chinese", "russia", "russian", "iran", "iranian", "microsoft", "google", "windows", "linux", "android"]
)


def _learnable(name: str) -> bool:
    """Whether an unknown name from a statement looks like an actor name worth learning."""
    words = name.split()
    if not words or any(w.lower().strip(".,") in _GENERIC for w in words):
        return False
    if any(ch.isdigit() for ch in name) or vendor_of(name):
        return True
    if len(words) == 1:
        return any(c.isupper() for c in name[1:])  # CamelCase coined name
    return all(w[:1].isupper() for w in words)


def _looks_like_name(name: str, known: bool) -> bool:
    if known:
        return True
    words = name.split()
    if not words or words[0] in _STOP or len(name) > 40:
        return False
    return bool(_NAME.fullmatch(name)) and len(name) >= 3 and not name.isdigit()


def _names_after(text: str, pos: int, limit: int, is_known: Any) -> list[tuple[str, int, int]]:
    """The list of names starting at ``pos`` ("A, B and C"), stopping at the first non-name."""
    out: list[tuple[str, int, int]] = []
    segment_end = limit
    close = _LIST_END.search(text, pos, limit)
    if close:
        segment_end = close.start()
    cursor = pos
    segment = text[pos:segment_end]
    parts = _LIST_SEP.split(segment)
    offset = 0
    for part in parts:
        idx = segment.find(part, offset)
        if idx < 0:
            break
        offset = idx + len(part)
        name = _clean_name(part)
        if not name:
            continue
        start = cursor + idx + part.find(name) if name in part else cursor + idx
        if not _looks_like_name(name, is_known(name)):
            break
        out.append((name, start, start + len(name)))
    return out


def _name_before(text: str, pos: int, floor: int, is_known: Any) -> tuple[str, int, int] | None:
    chunk = text[floor:pos]
    chunk_stripped = _SUBJECT_TAIL.sub("", chunk)
    m = _NAME_AT_END.search(chunk_stripped)
    if not m:
        m = _CAMEL_AT_END.search(chunk_stripped)  # menuPass
        if not m:
            return None
    name = _clean_name(m.group(1))
    words = name.split()
    while words and words[0] in _STOP:
        words = words[1:]
    name = " ".join(words)
    if not name or not _looks_like_name(name, is_known(name)):
        return None
    start = floor + chunk_stripped.rfind(name)
    return name, start, start + len(name)


#: how far from a trigger word a known actor name must be for the statement to be read
_STATEMENT_REACH = 160
_AS_AFTER = compile_cached(r"\W+(?:\w+\W+){0,4}?(?:as|under)\b", re.I)
_ALWAYS = ("aka", "a.k.a", "a k a", "overlap")
#: trigger words of naming phrases that need no "as" ("calling X", "the name X")
_NAMING_WORDS = frozenset({"calling", "given", "gave", "name", "names"})


def _trigger_matches(text: str, anchors: Sequence[tuple[int, int]]) -> list[re.Match[str]]:
    """Full trigger matches around the trigger words the gazetteer pass found."""
    found: dict[int, re.Match[str]] = {}
    for anchor, word_end in anchors:
        word = text[anchor:word_end].lower()
        if (
            not word.startswith(_ALWAYS)
            and word not in _NAMING_WORDS
            and not _AS_AFTER.match(text, word_end, word_end + 60)
        ):
            continue
        left, _ = _sentence_bounds(text, anchor, anchor)
        lo = max(left, anchor - 80)
        for m in _TRIGGER.finditer(text, lo, min(len(text), anchor + 80)):
            if m.start() <= anchor < m.end() + 1:
                found.setdefault(m.start(), m)
    return [found[k] for k in sorted(found)]


def _statements(text: str, anchors: Sequence[tuple[int, int]], is_known: Any) -> list[_Statement]:
    out: list[_Statement] = []
    for m in _trigger_matches(text, anchors):
        left, right = _sentence_bounds(text, m.start(), m.end())
        relation = "overlaps" if m.group("overlap") else "same-as"
        vendor = m.group("v1") or m.group("v2") or m.group("v3")
        if vendor and vendor.split()[0] in ("It", "They", "The", "This", "Researchers"):
            vendor = None
        after = _names_after(text, m.end(), right, is_known)
        # "(aka X)" / "(also known as X)": the subject is right before the parenthesis
        # ("Acme is calling it X", "researchers gave it the name X": who names is no name)
        subject = None if m.group("namer") else _name_before(text, m.start(), left, is_known)
        names = ([subject] if subject else []) + after
        seen: dict[str, tuple[str, int, int]] = {}
        for item in names:
            seen.setdefault(name_key(item[0]), item)
        if len(seen) >= 2:
            start = min(s for _, s, _ in seen.values())
            end = max(e for _, _, e in seen.values())
            software = bool(_SOFTWARE_NOUN.search(text[max(left, m.start() - 40):m.start()]))
            out.append(_Statement(tuple(seen.values()), Span(start, end), relation, vendor, software))
    return out


# --------------------------------------------------------------------------- extraction


def _occurrences(text: str, names: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Word-bounded, case-sensitive, non-overlapping occurrences of each of ``names``,
    found in one pass over ``text`` however many names there are (Aho-Corasick)."""
    out: dict[str, list[tuple[int, int]]] = {name: [] for name in names}
    if not out:
        return out
    automaton = ahocorasick.Automaton()
    for name in out:
        automaton.add_word(name, name)
    automaton.make_automaton()
    for last, name in automaton.iter(text):
        pos = last + 1 - len(name)
        found = out[name]
        if found and pos < found[-1][1]:
            continue  # overlaps the name's previous occurrence
        before = text[pos - 1] if pos else " "
        after = text[last + 1] if last + 1 < len(text) else " "
        if not (before.isalnum() or before in "@$_") and not (after.isalnum() or after in "@$_"):
            found.append((pos, last + 1))
    return out

# --------------------------------------------------------------------------- where names do not count

#: A URL, or a host followed by a path ("linux.die.net/man/1/bash"); AsciiDoc and
#: Markdown link text ("...pdf[OceanLotus whitepaper]") is not part of it.
_URL = compile_cached(
    r"\b(?:https?|hxxps?|ftp)://[^\s\[\]<>\"'()]+|\bwww\.[^\s\[\]<>\"'()]+|"
    r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s\[\]<>\"'()]*",
    re.IGNORECASE,
)


#: Characters no URL holds (the ones :data:`_URL` stops at), and what every URL holds.
_URL_STOP = compile_cached(r"[\s\[\]<>\"'()]")
_WWW = compile_cached(r"(?:w|W)(?:w|W)(?:w|W)\.")  # faster than an IGNORECASE "www\."


def _url_spans(text: str) -> list[tuple[int, int]]:
    """The spans of :data:`_URL` in ``text``, in one linear pass: a URL lies inside one
    run of characters between separators and holds a "/" or "www.", so only runs that
    hold one are matched, each once (the scan then goes on after the run)."""
    out: list[tuple[int, int]] = []
    size = len(text)
    webs = [m.start() for m in _WWW.finditer(text)] if "." in text else []
    pos = 0
    while pos < size:
        slash = text.find("/", pos)
        web = webs[i] if (i := bisect.bisect_left(webs, pos)) < len(webs) else -1
        if slash < 0 and web < 0:
            break
        at = min(x for x in (slash, web) if x >= 0)
        back = _URL_STOP.search(text[pos:at][::-1])  # pos is 0 or the last run's separator
        left = at - back.start() if back is not None else pos
        stop = _URL_STOP.search(text, at + 1)
        right = stop.start() if stop is not None else size
        if text.find(".", left, right) >= 0 or text.find("://", left, right) >= 0:  # "and/or" is none
            out.extend(m.span() for m in _URL.finditer(text, left, right))
        pos = max(right, at + 1)
    return out


class _Excluded:
    """Spans where a name is not a mention: reference passages and citations (what
    was cited, not who acted) and URLs (a path word, not a name)."""

    def __init__(self, text: str, structure: Structure) -> None:
        spans = [(p.span.start, p.span.end) for p in structure.of_kind("reference")]
        spans.extend(_url_spans(text))
        # what the structure says is no prose word: a mailbox, a path, a field label ...
        spans.extend((start, end) for start, end, _kind in structure.opaque)
        spans.sort()
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [a for a, _ in merged]
        self._ends = [b for _, b in merged]

    def covers(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and end <= self._ends[index]


def _title_span(structure: Structure) -> tuple[int, int] | None:
    title = structure.title
    return (title.span.start, title.span.end) if title is not None else None


_cache: dict[int, tuple[ActorGraph, ActorGazetteer]] = {}


def _reference(graph: ActorGraph | None) -> tuple[ActorGraph, ActorGazetteer]:
    if graph is None:
        return load_actor_graph(), load_actor_gazetteer()
    hit = _cache.get(id(graph))
    if hit is not None and hit[0] is graph:
        return hit
    from unmask.reference.actor_names import english_words, read_software_names

    gazetteer = build_actor_gazetteer(graph, read_software_names(), english_words())
    _cache.clear()
    _cache[id(graph)] = (graph, gazetteer)
    return graph, gazetteer


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    key: str
    method: str
    confidence: float
    candidates: tuple[Candidate, ...]
    learned_actor: str | None = None


def _scan(
    text: str, gazetteer: ActorGazetteer
) -> tuple[list[tuple[int, int, NameEntry]], list[tuple[int, int]]]:
    """Name hits (longest leftmost, not overlapping) and the offsets of trigger words."""
    raw = gazetteer.scan(text)
    triggers = [(start, end) for start, end, idx in raw if idx < 0]
    names = sorted((h for h in raw if h[2] >= 0), key=lambda h: (h[0], h[0] - h[1]))
    out: list[tuple[int, int, NameEntry]] = []
    last_end = -1
    entries = gazetteer.entries
    for start, end, idx in names:
        if start < last_end:
            continue
        out.append((start, end, entries[idx]))
        last_end = end
    return out, triggers


def _used_as_software(
    text: str, start: int, end: int, entry: NameEntry, graph: ActorGraph,
    looked_up: dict[str, tuple[Candidate, ...]],
) -> bool:
    """Whether the text uses a name as a piece of software's or a campaign's ("the
    DarkSeoul malware", "variants of Winnti", "the MiniDionis campaign" when the malware
    gazetteer knows MiniDionis) and the name
    is no established name of an actor (:data:`_ESTABLISHED`): the software reading
    wins ("the Turla malware" is the group's malware, Turla being the group's name)."""
    left, right = _sentence_bounds(text, start, end)
    after = text[end:right]
    if not (
        _SOFTWARE_HEAD_AFTER.match(after) or _SOFTWARE_BEFORE.search(text[left:start])
        or (CAMPAIGN_AFTER.match(after) and text[start:end] in malware_gazetteer().surfaces)
    ):
        return False
    cands = looked_up.get(entry.form)
    if cands is None:
        cands = looked_up[entry.form] = graph.lookup(entry.form).candidates
    return not cands or cands[0].score < _ESTABLISHED


#: What stands between a name and a known name in parentheses after it: "Winnti Group
#: (APT41)"; the parenthesis must close right after the second name.
_OPEN_PARENTHESIS = compile_cached(r"[ \t]*\([ \t]*")
_CLOSE_PARENTHESIS = compile_cached(r"[ \t]*\)")


def _parenthesised_aliases(
    text: str, hits: Sequence[_Hit], graph: ActorGraph, taken: set[tuple[int, int]]
) -> list[AliasStatement]:
    """The author's alias statements made by a known actor name in parentheses right
    after another ("Winnti Group (APT41)"): the two names are one actor as the author
    writes it. A statement only: the reference decides the mentions' actors."""
    out: list[AliasStatement] = []
    ordered = sorted(hits, key=lambda h: h.start)
    for first, second in itertools.pairwise(ordered):
        if not first.candidates or not second.candidates:
            continue
        if _OPEN_PARENTHESIS.fullmatch(text, first.end, second.start) is None:
            continue
        if _CLOSE_PARENTHESIS.match(text, second.end) is None:
            continue
        span = (first.start, second.end)
        if span in taken:
            continue
        names = (text[first.start:first.end], text[second.start:second.end])
        if name_key(names[0]) == name_key(names[1]):
            continue
        actor_id, _ = _statement_actor([(n, 0, 0) for n in names], graph)
        out.append(AliasStatement(names=names, span=Span(*span), relation="same-as", actor_id=actor_id))
    return out


#: A capitalised word right before a word that says "group" ("the Lazarous group"):
#: where a misspelt actor name is read (:func:`_misspelt_names`).
_BEFORE_GROUP_WORD = compile_cached(r"\b([A-Z][a-z]{5,30})[ \t]+(?:[Gg]roup|[Gg]ang|[Aa]ctors?|[Tt]hreat\s+actors?|APT)\b")
#: The shortest name a one-letter slip is read for.
_MISSPELT_MIN = 6
_deletions: dict[int, tuple[ActorGazetteer, dict[str, tuple[int, ...]]]] = {}


def _one_deletion(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _deletion_index(gazetteer: ActorGazetteer) -> dict[str, tuple[int, ...]]:
    """Every one-letter deletion of the gazetteer's one-word names of at least
    :data:`_MISSPELT_MIN` letters (symmetric-deletion lookup), built once."""
    cached = _deletions.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1]
    index: defaultdict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(gazetteer.entries):
        form = entry.form.lower()
        if len(form) >= _MISSPELT_MIN and form.isalpha() and entry.risk != "script":
            for variant in _one_deletion(form):
                index[variant].append(i)
    out = {k: tuple(v) for k, v in index.items()}
    _deletions.clear()
    _deletions[id(gazetteer)] = (gazetteer, out)
    return out


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one inserted, deleted or replaced letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _misspelt_names(text: str, gazetteer: ActorGazetteer) -> list[tuple[int, int, NameEntry]]:
    """Actor names misspelt by one letter ("the Lazarous group") right before a word
    that says "group": a one-word name of at least :data:`_MISSPELT_MIN` letters, the
    only name one edit away, the slip no English word."""
    if "roup" not in text and "ctor" not in text and "APT" not in text and "ang" not in text:
        return []
    index: dict[str, tuple[int, ...]] | None = None
    english = _english()
    out: list[tuple[int, int, NameEntry]] = []
    for match in _BEFORE_GROUP_WORD.finditer(text):
        word = match.group(1).lower()
        if word in english:
            continue
        if index is None:
            index = _deletion_index(gazetteer)
        near = {i for variant in _one_deletion(word) for i in index.get(variant, ())}
        entries = {gazetteer.entries[i].key: gazetteer.entries[i] for i in near
                   if _one_edit(word, gazetteer.entries[i].form.lower())}
        if len(entries) == 1:
            out.append((match.start(1), match.end(1), next(iter(entries.values()))))
    return out


@functools.cache
def _english() -> frozenset[str]:
    from unmask.reference.actor_names import english_words

    return english_words()


def established_actor_name(name: str, graph: ActorGraph | None = None) -> bool:
    """Whether ``name`` is an actor's established name (its top reading scores at least
    :data:`_ESTABLISHED`), not one a source or two file under an actor."""
    cands = (graph or load_actor_graph()).lookup(name).candidates
    return bool(cands) and cands[0].score >= _ESTABLISHED


def _statement_actor(
    names: Sequence[tuple[str, int, int]], graph: ActorGraph
) -> tuple[str | None, dict[str, tuple[Candidate, ...]]]:
    looked = {n: graph.lookup(n).candidates for n, _, _ in names}
    weights: dict[str, float] = defaultdict(float)
    for cands in looked.values():
        if not cands:
            continue
        weight = 1.0 / len(cands)
        for c in cands:
            weights[c.actor_id] += weight + (0.5 if c is cands[0] else 0.0)
            weights[c.actor_id] += 0.25 if c.actor_id.startswith("G") else 0.0
    if not weights:
        return None, looked
    return max(weights, key=lambda a: (weights[a], a)), looked


def extract_actors(
    text: str,
    *,
    context: ExtractContext | None = None,
    graph: ActorGraph | None = None,
) -> ActorFindings:
    """Actor mentions resolved to one identity each, with the text's alias statements.

    ``graph`` replaces the installed reference data (tests inject a reduced graph).
    """
    graph, gazetteer = _reference(graph)
    structure = structure_of(text, context)
    excluded = _Excluded(text, structure)
    title = _title_span(structure)
    hits: list[_Hit] = []
    found, anchors = _scan(text, gazetteer)
    anchors = [(a, b) for a, b in anchors if not excluded.covers(a, b)]
    looked_up: dict[str, tuple[Candidate, ...]] = {}
    title_hits: list[_Hit] = []
    lone: list[tuple[int, int, NameEntry]] = []

    def add(start: int, end: int, entry: NameEntry, method: str, confidence: float) -> None:
        if entry.tail and text.startswith(entry.tail, end):
            end += len(entry.tail)
        cands = looked_up.get(entry.form)
        if cands is None:
            cands = looked_up[entry.form] = graph.lookup(entry.form).candidates
        if cands:
            hit = _Hit(start, end, entry.key, method, confidence, cands)
            if title is not None and title[0] <= start and end <= title[1] and entry.risk != "coined":
                # A title capitalises every word: an ordinary-word name there needs the
                # rest of the text to name the same actor.
                title_hits.append(hit)
            else:
                hits.append(hit)

    labels = detection_names(text)
    label_starts = [d.start for d in labels]
    software_uses: list[Skipped] = []
    for start, end, entry in found:
        if excluded.covers(start, end):
            continue  # a cited title, a citation, a URL path: not a mention
        at = bisect.bisect_right(label_starts, start) - 1
        if at >= 0 and end <= labels[at].end:
            continue  # the family of a vendor's detection name ("Trojan.Win32.Kimsuky")
        ok, method, confidence = _accept(text, start, end, entry)
        if ok and _used_as_software(text, start, end, entry, graph, looked_up):
            software_uses.append(Skipped(
                "actors", f"named as software or a campaign: {text[start:end]!r} is only a weakly held name of an actor",
                text[start:end], Span(start, end)))
            continue
        if ok:
            add(start, end, entry, method, confidence)
        elif method == _LONE:
            lone.append((start, end, entry))
    taken_spans = [(h.start, h.end) for h in hits]
    for start, end, entry in _misspelt_names(text, gazetteer):
        if any(a < end and start < b for a, b in taken_spans) or excluded.covers(start, end):
            continue
        if entry.risk == "coined" or entry.attested:  # a coined or well-attested name
            add(start, end, entry, "gazetteer+misspelt", 0.5)
    if lone:
        for start, end, entry in _lone_names(text, lone, graph, bool(hits)):
            add(start, end, entry, "gazetteer+document", 0.65)
        hits.sort(key=lambda h: h.start)
    if title_hits:
        named = {c.actor_id for h in hits for c in h.candidates[:1]}
        hits.extend(h for h in title_hits if h.candidates[0].actor_id in named)
        hits.sort(key=lambda h: h.start)

    known_keys = graph.index
    # a statement teaches something only next to a known actor name: other triggers
    # ("a loader known as X") are not parsed at all
    hit_starts = [h.start for h in hits]
    near = [
        (a, b)
        for a, b in anchors
        if (i := bisect.bisect_left(hit_starts, a - _STATEMENT_REACH)) < len(hit_starts)
        and hit_starts[i] <= b + _STATEMENT_REACH
    ]
    statements = _statements(text, near, lambda n: name_key(n) in known_keys)
    alias_statements: list[AliasStatement] = []
    learned: dict[str, str] = {}  # name key -> actor id, for this text
    learned_display: dict[str, str] = {}
    for st in statements:
        actor_id, looked = _statement_actor(st.names, graph)
        if st.relation == "same-as" and actor_id is not None and not st.software:
            for name, _, _ in st.names:
                cands = looked.get(name, ())
                key = name_key(name)
                if cands and cands[0].actor_id == actor_id:
                    if len(cands) > 1:  # pin an ambiguous name to the statement's reading
                        learned.setdefault(key, actor_id)
                        learned_display.setdefault(key, name)
                    continue
                if cands and any(c.actor_id.startswith("G") for c in cands) and not any(
                    c.actor_id == actor_id for c in cands
                ):
                    continue  # ATT&CK says otherwise: the reference wins, the statement stays
                if not cands and not _learnable(name):
                    continue
                learned.setdefault(key, actor_id)
                learned_display.setdefault(key, name)
        alias_statements.append(
            AliasStatement(
                names=tuple(n for n, _, _ in st.names),
                span=st.span,
                relation=st.relation,
                actor_id=actor_id if st.relation == "same-as" else None,
            )
        )

    alias_statements.extend(_parenthesised_aliases(text, hits, graph, {(a.span.start, a.span.end) for a in alias_statements}))

    # names learned from the text: find their mentions too
    covered: set[int] = {i for h in hits for i in range(h.start, h.end)}
    hits_of: defaultdict[str, list[_Hit]] = defaultdict(list)
    for h in hits:
        hits_of[h.key].append(h)
    occurrences = _occurrences(text, [learned_display[k] for k in learned if k not in known_keys])
    for key, actor_id in learned.items():
        display = learned_display[key]
        if key in known_keys:
            # a known name the text says is this actor: its mentions follow the text
            for h in hits_of.get(key, ()):
                if not h.learned_actor:
                    h.learned_actor = actor_id
            continue
        for start, end in occurrences[display]:
            if start in covered or end - 1 in covered or excluded.covers(start, end):
                continue
            hits.append(_Hit(start, end, key, "alias-statement", 0.8, (), actor_id))
            covered.update(range(start, end))

    # ambiguous names: prefer the reading the rest of the text supports
    present: Counter[str] = Counter()
    for h in hits:
        if h.learned_actor:
            present[h.learned_actor] += 1
        elif len(h.candidates) == 1:
            present[h.candidates[0].actor_id] += 1
    mentions: list[ActorMention] = []
    for h in sorted(hits, key=lambda x: x.start):
        candidates: tuple[str, ...] = ()
        confidence = h.confidence
        if h.learned_actor is not None:
            actor_id = h.learned_actor
            if len(h.candidates) > 1:
                candidates = tuple(c.actor_id for c in h.candidates)
        elif h.key in learned and len(h.candidates) > 1:
            actor_id = learned[h.key]
            candidates = tuple(c.actor_id for c in h.candidates)
        elif len(h.candidates) > 1:
            supported = [c for c in h.candidates if present[c.actor_id]]
            default = h.candidates[0]
            chosen = default if default.score >= 50 or present[default.actor_id] else (
                (supported or [default])[0]
            )
            actor_id = chosen.actor_id
            candidates = tuple(c.actor_id for c in h.candidates)
            confidence = min(confidence, 0.6)
        else:
            actor_id = h.candidates[0].actor_id
        actor = graph.get(actor_id)
        mentions.append(
            ActorMention(
                actor_id=actor_id,
                name=actor.name if actor else learned_display.get(h.key, text[h.start:h.end]),
                surface=text[h.start:h.end],
                span=Span(h.start, h.end),
                method=h.method,
                confidence=confidence,
                candidates=candidates,
            )
        )
    masked = _masked(text, mentions)
    skipped = tuple(
        Skipped("actors", f"impersonated: the text says someone else uses the name of {m.name} ({m.actor_id})",
                m.surface, m.span)
        for i, m in enumerate(mentions) if i in masked
    )
    skipped = (*software_uses, *skipped)
    impersonated = tuple(m for i, m in enumerate(mentions) if i in masked)
    mentions = [m for i, m in enumerate(mentions) if i not in masked]
    return ActorFindings(
        mentions=tuple(mentions),
        alias_statements=tuple(alias_statements),
        summary=tuple(_summary(mentions, alias_statements, graph, learned, learned_display)),
        impersonated=impersonated,
        skipped=skipped,
    )


def _summary(
    mentions: Sequence[ActorMention],
    statements: Sequence[AliasStatement],
    graph: ActorGraph,
    learned: Mapping[str, str],
    learned_display: Mapping[str, str],
) -> list[dict[str, Any]]:
    by_actor: dict[str, list[ActorMention]] = defaultdict(list)
    for m in mentions:
        by_actor[m.actor_id].append(m)
    for st in statements:
        if st.actor_id and st.actor_id not in by_actor:
            by_actor[st.actor_id] = []
    out = []
    for actor_id, items in by_actor.items():
        actor = graph.get(actor_id)
        used = list(dict.fromkeys(m.surface for m in items))
        learned_names = sorted(learned_display[k] for k, a in learned.items() if a == actor_id and k not in graph.index)
        out.append(
            {
                "id": actor_id,
                "name": actor.name if actor else (used[0] if used else actor_id),
                "names_used": used,
                "mentions": len(items),
                "aliases": list(actor.names) if actor else [],
                "learned_aliases": learned_names,
                "country": actor.country if actor else None,
                "sponsor": actor.sponsor if actor else None,
                "attack_id": actor.attack_id if actor else None,
                "known": actor is not None,
                "ambiguous_mentions": sum(1 for m in items if m.candidates),
                "first_offset": items[0].span.start if items else None,
            }
        )
    counts = {actor_id: len(items) for actor_id, items in by_actor.items()}
    out.sort(key=lambda d: (-counts[str(d["id"])], str(d["id"])))
    return out


def find_actors(text: str) -> list[ActorMention]:
    """Every actor named in ``text``, including names the text says are worn by someone
    else (those are left out of an analysis's findings; see :class:`ActorFindings`)."""
    found = extract_actors(text)
    return sorted((*found.mentions, *found.impersonated), key=lambda m: m.span.start)
