"""Word senses for the technique stage: when a keyword does not carry its technique.

A name or synonym rule lets one word stand for a whole technique. Most of the time
that is right, but some words have a second sense that reports use as often:

* encryption words on *network* traffic ("an XOR-encoded handshake") are an
  encrypted channel, not obfuscated files;
* "current user" in a place name (the current user's startup folder, registry hive)
  is a location, not user discovery;
* "startup items" outside macOS is the ordinary Windows autostart list, not the
  macOS technique of that name;
* WHOIS records quoted as registration data are the writer's source, not the
  adversary's search of them;
* a screenshot that a figure, a post or a seller *shows* is an illustration, not a
  screen capture;
* stealing legitimate credentials is not yet using valid accounts;
* a lure "masquerading as" a notice is a theme, not a masqueraded file;
* the words of a URL are no prose at all;
* a deed negated by its verb ("did not use PowerShell") or by a determiner before its
  noun ("uses no obfuscation", "hardly any packing", "without persistence") was not done.

Each :class:`Sense` says where the other sense is (a pattern whose ``k*`` groups are
the keyword), which techniques the keyword then does not carry and, when the other
sense is itself a technique, which one it carries instead. :func:`apply_senses` blanks
the keyword (same length, so offsets hold), asks the name rules again and drops a
technique only when the blanked sentence no longer names it: another wording of the
same technique in the sentence keeps it. The classifier reads the blanked text too.

:data:`SYNONYMS` are wordings the base tables miss (the product before
"vulnerability", VNC, sandbox checks, and general phrasings taken from ATT&CK's own
descriptions: rootkits, double extensions, time-based evasion, disk wipes, drive-by
visits, download APIs), appended to the technique stage's rules.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ahocorasick
import numpy as np
import numpy.typing as npt

from unmask.extract.agency import stances as agency_stances
from unmask.reference.regex_anchors import required
from unmask.reference.regexes import compile_cached

__all__ = [
    "SENSES",
    "STANCE_PENALTY",
    "SYNONYMS",
    "GatedReading",
    "Sense",
    "SenseReading",
    "apply_senses",
    "gate",
    "lower_scores",
]

FloatArray = npt.NDArray[np.float32]

_I = re.IGNORECASE

# Client software whose exploitation is Exploitation for Client Execution (T1203);
# servers and appliances (Exchange, VPNs, web servers) are public-facing (T1190).
_CLIENT_APPS = (
    r"(?:microsoft\s+)?(?:office|word|excel|powerpoint|outlook|equation\s+editor|wordpad)"
    r"|adobe(?:\s+(?:acrobat|reader|flash(?:\s+player)?))?|acrobat(?:\s+reader)?|flash(?:\s+player)?"
    r"|internet\s+explorer|(?:web\s+)?browsers?|chrome|firefox|safari|edge\s+browser"
    r"|rtf|hwp|hangul(?:\s+word\s+processor)?|winrar|java(?:\s+runtime)?"
)

#: Extra wordings (technique id, Python pattern over lower-cased text, the tables'
#: syntax); the technique stage appends them to its synonym rules.
SYNONYMS: tuple[tuple[str, str], ...] = (
    # "exploits a <client product> vulnerability", "exploit ... vulnerability in <product>"
    (
        "T1203",
        r"exploit\w*\s(?:an?\s|the\s)?(?:[\w\-]+\s){0,3}(?:"
        + _CLIENT_APPS
        + r")\s(?:[\w\-]+\s)?(?:vulnerabilit\w+|flaws?|bugs?|exploits?)",
    ),
    (
        "T1203",
        r"exploit\w*\s(?:[\w\-]+\s){0,4}(?:vulnerabilit\w+|flaws?|bugs?)\s(?:in|of|affecting)\s(?:[\w\-]+\s){0,2}(?:"
        + _CLIENT_APPS
        + r")(?![a-z0-9])",
    ),
    ("T1021.005", r"vnc(?![a-z0-9])|virtual\snetwork\scomputing"),
    (
        "T1497",
        r"(?:detect|check|determin|identif|verif|test)\w*\s(?:[\w\-]+\s){0,8}(?:sandbox(?:es|ed)?|virtuali[sz]ed\s(?:machines?|environments?)|virtual\smachines?|analysis\senvironments?)",
    ),
    (
        "T1025",
        r"(?:monitor|collect|steal|stole|gather|harvest|search|scan|exfiltrat|grab)\w*\s(?:[\w\-]+\s){0,4}(?:removable|usb)\s(?:media|drives?|devices?|storage|disks?)",
    ),
    (
        "T1091",
        r"(?:spread|propagat|replicat|infect)\w*\s(?:[\w\-]+\s){0,3}(?:via|through|onto|to|using)\s(?:[\w\-]+\s){0,2}(?:removable|usb)\s(?:media|drives?|devices?|storage|disks?)",
    ),
    (
        "T1014",
        r"(?:install\w*|load\w*|deploy\w*|drop\w*|use|uses|used|using)\s(?:[\w\-]+\s){0,3}(?:kernel[\s\-]mode\s)?rootkits?|rootkit\s(?:component|module|driver|functionality|capabilit\w+)",
    ),
    # The wordings below follow ATT&CK's own descriptions of the techniques.
    # Rootkit: "programs that hide the existence of malware"; a rootkit-like part, a
    # kernel/user-mode or firmware rootkit, a rootkit that hides or a part with one.
    (
        "T1014",
        r"rootkit[\s\-](?:like|style|type)|(?:kernel|user|ring[\s\-]?[03]|firmware|uefi|driver)[\s\-](?:mode\s|level\s)?rootkits?"
        r"|rootkits?\s(?:[\w\-']+\s){0,4}(?:hides?|hid|hiding|hidden|conceal\w*|intercept\w*|hook\w*)"
        r"|(?:with|has|have|carr\w+|contain\w*|includ\w*|embed\w*|bundl\w*)\s(?:an?\s|its\s|the\s)?(?:[\w\-]+\s){0,2}rootkits?(?![\w\-])",
    ),
    # Double File Extension: "File.txt.exe may render in some views as just File.txt".
    (
        "T1036.007",
        r"double[\s\-](?:file[\s\-])?extensions?"
        r"|\w*\.(?:doc|docx|xls|xlsx|ppt|pptx|pdf|rtf|txt|jpg|jpeg|png|gif|bmp|mp3|mp4|avi|zip|rar|hwp)\.(?:exe|scr|com|pif|bat|cmd|vbs|vbe|js|jse|wsf|hta|lnk|jar|cpl|msi)(?![a-z0-9])",
    ),
    # Time Based Checks: "delaying malware functionality upon initial execution using
    # programmatic sleep commands" to "avoid virtualization and analysis environments".
    (
        "T1497.003",
        r"time[\s\-]based\s(?:sandbox\s|anti-?analysis\s)?(?:evasion|checks?)"
        r"|(?:sleep|delay|wait|stall)\w*\s(?:[\w\-]+\s){0,8}(?:to|so\sas\sto|in\sorder\sto|and)\s(?:[\w\-]+\s){0,2}(?:evade|avoid|outlast|outwait|bypass|defeat|escape|time\sout|fool|trick)\w*\s(?:[\w\-]+\s){0,3}(?:sandbox\w*|analysis|emulat\w+|automated|dynamic)"
        r"|(?:delay\w*|postpon\w*|defer\w*)\s(?:its\s|the\s|their\s)?(?:malicious\s)?(?:execution|activation|detonation|start|functionality|behaviou?r)"
        r"|(?:sleeps?|slept|sleeping|waits?|waited|waiting)\s(?:for\s)?(?:about\s|around\s|at\sleast\s)?(?:\d+|a|an|one|two|three|five|ten|fifteen|twenty|thirty|several|some)\s(?:[\w\-]+\s)?(?:seconds?|minutes?|hours?|days?)\sbefore\s(?:it\s)?(?:start|run|execut|launch|load|decrypt|unpack|continu|proceed|inject|activat|begin)\w*",
    ),
    # Disk Wipe: "wipe or corrupt raw disk data"; Disk Structure Wipe: "the master
    # boot record (MBR) or partition table".
    (
        "T1561",
        r"(?:disk|drive|hard[\s\-]drive|partition|raw[\s\-]disk)[\s\-]wip(?:er|ers|ing|e|es|ed)(?![a-z0-9])"
        r"|wip(?:e|es|ed|ing)\s(?:out\s)?(?:[\w\-]+\s){0,3}(?:disks?|hard\sdrives?|hard\sdisks?|drives|physical\sdrives?|volumes|partitions?)(?![a-z0-9])",
    ),
    (
        "T1561.002",
        r"(?:corrupt|wip|destroy|eras|damag|trash)\w*\s(?:[\w\-]+\s){0,3}(?:mbr|master\sboot\srecords?|boot\ssectors?|partition\stables?)(?![a-z0-9])"
        # overwriting the boot record to install a loader is a bootkit (T1542.003)
        r"|overwrit\w*\s(?:[\w\-]+\s){0,3}(?:mbr|master\sboot\srecords?|boot\ssectors?|partition\stables?)\s(?:[\w\-]+\s){0,2}with\s(?:[\w\-]+\s)?(?:zeros|zeroes|null|random|junk|garbage)",
    ),
    # Drive-by Compromise: "a user visiting a website over the normal course of
    # browsing ... the user's web browser is typically targeted for exploitation".
    (
        "T1189",
        r"(?:browsers?|visitors?|readers?|users?|victims?|computers?|machines?)\s(?:[\w\-']+\s){0,4}(?:were|was|are|is|get|gets|got|being)\s(?:\w+\s)?(?:exploited|compromised|infected)\s(?:[\w\-]+\s){0,3}(?:when|after|once|as|by|while|upon)\s(?:[\w\-']+\s){0,3}(?:visit\w*|load\w*|brows\w*|open\w*|view\w*|navigat\w*)"
        r"|(?:visit\w*|brows\w*|navigat\w*)\s(?:to\s)?(?:an?\s|the\s)?(?:\w+\s)?(?:compromised|malicious|booby[\s\-]trapped|rigged|infected|poisoned|weaponi[sz]ed|exploit[\s\-]laden)\s(?:web\s?)?(?:sites?|pages?|websites?|webpages?)",
    ),
    # Ingress Tool Transfer: the download APIs and utilities ATT&CK's procedures name.
    (
        "T1105",
        r"urldownloadto(?:cache)?file[aw]?|downloadfile(?:async)?(?![a-z0-9])|invoke-webrequest|start-bitstransfer"
        r"|certutil(?:\.exe)?\s(?:\S+\s){0,3}-urlcache|bitsadmin(?:\.exe)?\s(?:\S+\s){0,3}/transfer",
    ),
)


@dataclass(frozen=True, slots=True)
class Sense:
    """Where a keyword has its other sense, and what that means for the techniques."""

    #: Matches the other sense; its groups named ``k...`` are the keyword to blank.
    pattern: re.Pattern[str]
    #: Techniques the keyword does not carry here; empty: every technique.
    drop: frozenset[str]
    #: The technique the other sense carries, if any.
    carries: str | None
    #: The other sense does not hold when the sentence matches this.
    unless: re.Pattern[str] | None
    #: Recorded with the sentence (e.g. in a mention's reasons).
    reason: str
    #: When given, the sense is tried only on sentences holding one of these (lower-case)
    #: strings, and on every such sentence, whether a rule named a ``drop`` technique or
    #: not (the classifier reads the keyword too); a sense about every technique needs them.
    hints: tuple[str, ...] = ()
    #: A match does not hold when this occurs between its clause's start and the match.
    clause_unless: re.Pattern[str] | None = None


def _sense(
    pattern: str,
    drop: Sequence[str],
    reason: str,
    *,
    carries: str | None = None,
    unless: str | None = None,
    hints: Sequence[str] = (),
    clause_unless: str | None = None,
) -> Sense:
    return Sense(
        compile_cached(pattern, _I),
        frozenset(drop),
        carries,
        compile_cached(unless, _I) if unless is not None else None,
        reason,
        tuple(hints),
        compile_cached(clause_unless, _I) if clause_unless is not None else None,
    )


_CLAUSE_MARK = compile_cached(r"[,;:.(]")


def _in_clause_after(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """Whether ``pattern`` occurs in ``text`` between the start of the clause holding
    ``start`` and ``start``."""
    begin = 0
    for mark in _CLAUSE_MARK.finditer(text, max(0, start - 300), start):
        begin = mark.end()
    return pattern.search(text, begin, start) is not None


#: Words that end a negated noun phrase: a conjunction, a relative, a verb's auxiliary
#: or the article of the next phrase.
_NP_STOP = (
    r"(?:and|but|yet|nor|or\s(?:it|they|he|she)|while|whereas|although|though|instead|which|who|that|so|because|as|since|then|"
    r"is|are|was|were|be|been|being|has|have|had|can|could|will|would|may|might|must|should|did|does|do|"
    # an article or a possessive opens a new phrase: the word before it was a verb
    r"a|an|the|its|their|his|her|this|these|those)"
    r"(?![\w\-])"
)

#: One to four words of a noun phrase ("obfuscation", "persistence mechanism", "string
#: obfuscation routine"): no stop word, no preposition. A phrase after "of" or "to" is
#: joined once ("no sign of lateral movement", "without needing to elevate privileges");
#: one after "on", "in", "at" ... says where, and is not negated ("lack of monitoring on
#: the management servers").
_NP_WORDS = (
    r"(?!" + _NP_STOP + r"|(?:of|to|at|for|in|on)(?![\w\-]))[\w\-'/]+"
    r"(?:\s(?!" + _NP_STOP + r"|(?:of|to|at|for|in|on)(?![\w\-]))[\w\-'/]+){0,3}"
)

_NETWORK = r"(?:handshakes?|packets?|traffic|communications?|beacons?|requests?|responses?|c2|c&c|channels?|protocols?|sessions?|messages?)"

SENSES: tuple[Sense, ...] = (
    _sense(
        r"(?P<k>(?:single[\s\-]byte\s)?(?:xor|rc4)(?:[\s\-]?(?:encrypted|encoded|encryption|obfuscated|based))?)\s(?:[\w\-]+\s){0,2}"
        + _NETWORK
        + r"(?![a-z0-9])"
        r"|"
        + _NETWORK
        + r"\s(?:(?:that|which)\s)?(?:(?:is|are|was|were|gets?|being)\s)?(?P<k2>(?:single[\s\-]byte\s)?(?:xor|rc4)[\s\-]?(?:encrypted|encoded))",
        ("T1027", "T1027.013"),
        "network-encryption",
        carries="T1573.001",
    ),
    _sense(
        r"(?P<k>current[\s\-]user)(?:'s)?\s(?:[\w\-]+\s){0,1}(?:startup|start\smenu|appdata|profile|registry|hive|run\skeys?|autorun|folder|directory|temp|home|desktop|context|privileges?|permissions?|rights)(?![a-z0-9])"
        r"|(?<![a-z0-9])(?:as|under|for|in|with)\s(?:the\s)?(?P<k2>current[\s\-]user)(?![a-z0-9])",
        ("T1033",),
        "location-not-discovery",
    ),
    _sense(
        r"(?<![a-z0-9])(?P<k>startup\sitems?)(?![a-z0-9])",
        ("T1037.005",),
        "not-macos",
        unless=r"mac\s?os|os\s?x|osx|apple|darwin|startupitems",
    ),
    _sense(
        r"(?<![a-z0-9])(?P<k>whois)(?![a-z0-9])",
        ("T1596.002",),
        "registration-record",
        unless=r"(?:search|quer|look|gather|collect|harvest|recon|scrap|min(?:e|ed|ing)\b)\w*\s(?:[\w\-]+\s){0,4}whois|whois\s(?:look-?ups?|quer|search)",
    ),
    _sense(
        r"(?<![a-z0-9])(?P<k>screen-?shots?|screen\scaptures?)(?:\s[\w\-]+){0,4}\s(?:shows?|showed|shown|depicts?|depicted|illustrat\w+|displays?|displayed|reveal\w*|posted|shared|published|provided|below|above)(?![a-z0-9])"
        r"|(?<![a-z0-9])(?:in|see|from|following|below|above)\s(?:the\s|this\s|a\s)?(?P<k2>screen-?shots?)",
        ("T1113",),
        "depiction",
        unless=r"(?<![a-z0-9])(?:take|takes|took|taking|captur\w+|grab\w*|snap\w*|record\w*|steal\w*|exfiltrat\w*|upload\w*)\s(?:[\w\-]+\s){0,3}screen",
    ),
    _sense(
        r"(?:steal|stole|stolen|harvest|phish|captur|collect|obtain|gather|exfiltrat|grab)\w*\s(?:[\w\-]+\s){0,2}(?P<k>(?:legitimate|valid|user|login)\scredentials)",
        ("T1078",),
        "credential-theft",
    ),
    _sense(
        r"(?:lures?|e-?mails?|messages?|decoys?|baits?|themes?)\s(?:[\w\-]+\s){0,2}(?P<k>(?:masquerad|disguis)\w*)\sas(?![a-z0-9])",
        ("T1036", "T1036.005"),
        "lure-theme",
    ),
    _sense(
        r"(?P<k>(?<![a-z0-9])(?:https?://|hxxps?://|www\.)[^\s)\]>\"']+)",
        (),
        "url",
        hints=("http", "hxxp", "www."),
    ),
    # "a remote access tool (RAT)", "a custom remote access trojan": malware, not the
    # legitimate remote-access software of T1219.
    _sense(
        r"(?P<k>remote\s(?:access|administration|control)\s(?:tools?|trojans?|software))\s?\(\s?rats?\s?\)"
        r"|(?:malicious|custom|bespoke|backdoor|its\sown|trojani[sz]ed)\s(?:[\w\-]+\s)?(?P<k2>remote\s(?:access|administration)\s(?:tools?|software))",
        ("T1219",),
        "malware-rat",
    ),
    # "whenever the user opens any document, the malware runs": a hijacked file
    # association, not a user opening a lure.
    _sense(
        r"(?P<k>(?:victim|user|target)s?\s(?:[\w\-]+\s){0,2}open\w*)\s(?:any|every|all)\s(?:[\w.\-]+\s){0,2}(?:documents?|files?)",
        ("T1204.002",),
        "file-association",
        carries="T1546.001",
    ),
    # A cipher applied to a file or collected data: stored data, not a network channel.
    _sense(
        r"(?:files?|data|archives?|logs?|documents?|executables?|payloads?|contents?|notes|records|results)\b,?\s(?:[\w\-]+,?\s){0,8}"
        r"(?:encrypted|encrypts|encrypt|encoded|obfuscated)\s(?:with|using|by|via)\s(?:an?\s|the\s)?(?P<k>(?:rc4|xor|aes|des|3des|blowfish)(?:[\s\-](?:algorithm|cipher|key))?)"
        r"|(?:files?|data|archives?|logs?|documents?|executables?|payloads?)\s(?:[\w\-]+\s){0,2}(?:is|are|was|were|gets?)\s(?:then\s)?(?P<k2>(?:rc4|xor|aes|des)[\s\-](?:encrypted|encoded))",
        ("T1573.001", "T1573"),
        "stored-data-encryption",
        unless=r"(?<![a-z0-9])(?:traffic|packets?|handshakes?|beacons?|c2|c&c|channels?|protocols?|sessions?|communications?)(?![a-z0-9])",
        hints=("rc4", "xor", "aes", " des", "3des", "blowfish"),
    ),
    # Something the malware sends out attached to a mail: its channel, not phishing.
    _sense(
        r"(?:sen[dt]|sending|transmit\w*|upload\w*|exfiltrat\w*|forward\w*|report\w*|mail(?:s|ed)?)\s(?:[\w\-\"]+\s){0,6}(?:as|via|in|through)\s(?:an?\s|the\s)?(?P<k>(?:e-?mail\s)?attachments?)"
        r"|(?P<k2>attached\sto\s(?:an?\s|the\s)?e-?mails?)\s(?:and\s)?(?:then\s)?sent",
        ("T1566.001", "T1566"),
        "mail-channel",
        carries="T1071.003",
        hints=("attach",),
    ),
    # A negated deed ("did not develop a backdoor", "never used PowerShell"): the
    # clause after the negation names nothing the adversary did.
    _sense(
        r"(?<![a-z0-9])(?:(?:did|does|do|has|have|had|was|were|is|are|could|would|can|will)(?:\snot|n't)|can't|won't|cannot|never|no\slonger)"
        # ... and the negated words up to the clause's end or a conjunction ("does not
        # use SSH and talks over HTTPS" keeps HTTPS)
        r"(?!\s(?:only|just|merely|simply)(?![a-z0-9]))\s(?P<k>(?:(?!(?<![a-z0-9])(?:and|but|yet|while|whereas|although|though|instead|which|so|because|as)(?![a-z0-9]))[^,;:.()])+)",
        (),
        "negated",
        hints=(" not ", "n't ", "never ", "cannot ", "no longer "),
        # a condition before the negation in its clause ("if the check does not find a
        # debugger, ...") is the malware's logic
        clause_unless=r"(?<![a-z0-9])(?:if|unless|when|whenever|whether|until|once)(?![a-z0-9])",
    ),
    # A deed negated by a determiner or a preposition before its noun ("uses no
    # obfuscation", "hardly any packing", "little or no encryption", "without
    # persistence", "lacks any anti-analysis"): the noun phrase names what the adversary
    # did not do. Only the phrase itself is blanked (up to four words, and four more
    # after "of" or "to"; no clause word or auxiliary): "no evidence that they used
    # PowerShell" keeps the clause after "that", "no command: runs a batch script" (a
    # list of commands) keeps the script.
    _sense(
        r"(?<![a-z0-9\-])(?:"
        r"no(?!\s(?:longer|matter|doubt|sooner|later|more|less|fewer|one|exception)(?![a-z0-9]))"
        r"|(?:hardly|barely|scarcely|virtually\sno|almost\sno|next\sto\sno)(?:\sany)?"
        r"|(?<!a\s)(?:very\s)?little(?:\s(?:or|to|if)\s(?:no|any))?(?!\s(?:known|endian|snitch|while|time)(?![a-z0-9]))"
        r"|without(?:\s(?:any|an?|the))?"
        r"|(?:lacks?|lacking|lacked|devoid\sof|absence\sof|lack\sof)(?:\s(?:any|an?|the))?"
        r"|neither|nor"
        r")\s"
        r"(?P<k>" + _NP_WORDS + r"(?:\s(?:of|to)\s" + _NP_WORDS + r")?)",
        (),
        "negated",
        hints=("no ", "hardly", "barely", "scarcely", "little", "without", "lack", "devoid", "absence", "neither"),
        # "if no debugger is attached", "checks that no sandbox is present": a check the
        # malware makes, which is the technique
        clause_unless=r"(?<![a-z0-9])(?:if|unless|when|whenever|whether|until|once|check\w*|verif\w*|ensur\w*|make\ssure|confirm\w*|determin\w*|test\w*)(?![a-z0-9])",
    ),
    # A writer's generalisation about a kind of thing ("such samples are most often
    # delivered by ..."): what is usual, not what this adversary did.
    _sense(
        r"(?<![a-z0-9])(?:such|these\skinds?\sof|this\skind\sof)\s(?:[\w\-]+\s)?(?:samples|files|malware|attacks|campaigns|threats|payloads|documents|tools|families|implants|backdoors)\s"
        r"(?:(?:is|are|get|gets)\s)?(?:most\s)?(?:often|usually|typically|commonly|generally|frequently|normally)\s(?P<k>[^,;:.()]+)",
        (),
        "generalisation",
        hints=("such", "kind of", "kinds of"),
    ),
)


#: Every technique some sense may take from a keyword.
_DROPPED = frozenset().union(*(sense.drop for sense in SENSES))
#: Per sense, a search for strings one of which each match of its pattern holds
#: (:func:`unmask.reference.regex_anchors.required`), or None: a sentence without them
#: is not searched with the (slower) pattern itself.
_REQUIRED = tuple(required(sense.pattern) for sense in SENSES)


@functools.cache
def _hint_automaton() -> ahocorasick.Automaton:
    """Every sense's hints in one automaton: each hint maps to the numbers (in
    :data:`SENSES`) of the senses it lets be tried."""
    senses_of: dict[str, set[int]] = {}
    for number, sense in enumerate(SENSES):
        for hint in sense.hints:
            senses_of.setdefault(hint, set()).add(number)
    automaton = ahocorasick.Automaton()
    for hint, numbers in senses_of.items():
        automaton.add_word(hint, frozenset(numbers))
    automaton.make_automaton()
    return automaton


def _hinted(lowered: str) -> set[int]:
    """The senses (numbers in :data:`SENSES`) one of whose hints ``lowered`` holds: one
    pass over the sentence for all of them."""
    found: set[int] = set()
    for _end, numbers in _hint_automaton().iter(lowered):
        found |= numbers
    return found


#: Per technique, the senses without hints that are tried when a rule names it; the
#: senses with neither hints nor techniques (tried on every sentence that is read).
_BY_DROP: dict[str, tuple[int, ...]] = {
    tid: tuple(number for number, sense in enumerate(SENSES) if tid in sense.drop and not sense.hints)
    for tid in sorted(_DROPPED)
}
_ALWAYS = frozenset(number for number, sense in enumerate(SENSES) if not sense.drop and not sense.hints)


def _senses_to_try(lowered: str, hits: Sequence[str]) -> list[int]:
    """The senses tried on a sentence (``lowered``, named ``hits``), in :data:`SENSES`
    order: those whose hint it holds, those without hints about a technique it names
    and, when it is read at all (a hint, or a named technique some sense may drop),
    those about every technique without hints."""
    chosen = _hinted(lowered)
    for tid in hits:
        chosen.update(_BY_DROP.get(tid, ()))
    if _ALWAYS and (chosen or not _DROPPED.isdisjoint(hits)):
        chosen |= _ALWAYS
    return sorted(chosen)


@dataclass(frozen=True, slots=True)
class SenseReading:
    """Sentences after the senses: blanked text, name hits and the reasons, per sentence."""

    texts: list[str]
    named: list[list[str]]
    reasons: list[tuple[str, ...]]
    #: Per sentence, the techniques a keyword of another sense stood for (and no other
    #: wording still names): the classifier's scores for them are lowered too.
    dropped: list[frozenset[str]] = dataclasses.field(default_factory=list)


def _blank(text: str, match: re.Match[str]) -> str:
    spans = [
        match.span(g) for g in match.groupdict() if g.startswith("k") and match.group(g) is not None
    ]
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def apply_senses(
    texts: Sequence[str],
    named: Sequence[Sequence[str]],
    names_in: Callable[[Sequence[str]], list[list[str]]],
) -> SenseReading:
    """Blank the keywords that are used in their other sense and re-read the names.

    ``named`` are the name hits of ``texts`` (by ``names_in``, the technique stage's
    matcher, asked again for the blanked sentences). A technique in a sense's ``drop``
    leaves a sentence only when the blanked sentence no longer names it; a sense's
    ``carries`` technique joins it.
    """
    out_texts = list(texts)
    out_named = [list(h) for h in named]
    reasons: dict[int, list[str]] = {}
    touched: dict[int, tuple[set[str], set[str]]] = {}  # i -> (may drop, carried)
    for i, text in enumerate(texts):
        hits = out_named[i]
        # A sense with hints is tried on the sentences holding one (found for all senses
        # in one pass; the classifier reads the keyword even when no rule names it), one
        # without on those naming a technique it may drop.
        for number in _senses_to_try(text.lower(), hits):
            sense = SENSES[number]
            gate = _REQUIRED[number]
            if gate is not None and gate.search(text) is None:
                continue  # (the pattern cannot match: a string each of its matches holds is absent)
            # Case-insensitive patterns on the text itself: lower() may change lengths.
            matches = list(sense.pattern.finditer(text))
            if sense.clause_unless is not None:
                cond = sense.clause_unless
                matches = [m for m in matches if not _in_clause_after(cond, text, m.start())]
            if not matches or (sense.unless is not None and sense.unless.search(text)):
                continue
            for m in matches:
                out_texts[i] = _blank(out_texts[i], m)
            drop, carried = touched.setdefault(i, (set(), set()))
            drop.update(sense.drop if sense.drop else hits)
            if sense.carries is not None:
                carried.add(sense.carries)
            reasons.setdefault(i, []).append(sense.reason)
    dropped: list[frozenset[str]] = [frozenset()] * len(texts)
    if touched:
        order = sorted(touched)
        again = names_in([out_texts[i] for i in order])
        for i, hits_after in zip(order, again, strict=True):
            drop, carried = touched[i]
            keep = set(hits_after)
            new = {t for t in out_named[i] if t not in drop or t in keep} | carried
            out_named[i] = sorted(new)
            dropped[i] = frozenset(drop - keep - carried)
    return SenseReading(
        out_texts, out_named, [tuple(reasons.get(i, ())) for i in range(len(texts))], dropped
    )


#: How much a sentence whose stance is not the adversary's deed (see
#: :mod:`unmask.extract.agency`) lowers its raw classifier scores: about the gap
#: between a sentence that states a technique and one that does not.
STANCE_PENALTY = 0.5


@dataclass(frozen=True, slots=True)
class GatedReading:
    """The technique stage's reading of a report's sentences."""

    #: The sentences with keywords of another sense blanked (offsets kept).
    texts: list[str]
    #: Name hits per sentence, after the senses and the stance gate.
    named: list[list[str]]
    #: Per sentence, the :func:`unmask.extract.agency.stance` reason, or ``None``.
    stances: list[str | None]
    #: Per sentence, the senses that blanked a keyword.
    senses: list[tuple[str, ...]]
    #: Per sentence, the techniques its blanked keywords stood for (see :class:`SenseReading`).
    dropped: list[frozenset[str]] = dataclasses.field(default_factory=list)


def gate(
    texts: Sequence[str],
    named: Sequence[Sequence[str]],
    names_in: Callable[[Sequence[str]], list[list[str]]],
) -> GatedReading:
    """Apply the word senses, then the agency and mood gate: a sentence whose acting
    subject is not the adversary, or whose mood is no statement of fact, names no
    technique (its classifier scores are lowered by :func:`lower_scores`)."""
    reading = apply_senses(texts, named, names_in)
    stances = agency_stances(reading.texts)
    gated = [[] if s is not None else hits for s, hits in zip(stances, reading.named, strict=True)]
    return GatedReading(reading.texts, gated, stances, reading.reasons, reading.dropped)


def lower_scores(
    scores: FloatArray,
    stances: Sequence[str | None],
    dropped: Sequence[frozenset[str]] = (),
    labels: Sequence[str] = (),
    *,
    in_place: bool = False,
) -> FloatArray:
    """``scores`` (one row per sentence) with the gated sentences' rows lowered by
    :data:`STANCE_PENALTY`, and in each sentence the columns (``labels``) of the
    techniques its senses ``dropped`` lowered by the same. ``in_place``: ``scores``
    itself is lowered (when writable: a long document's matrix is hundreds of MB),
    else a copy."""
    rows = [i for i, s in enumerate(stances) if s is not None]
    cells: list[tuple[int, int]] = []
    if dropped and labels:
        column = {label: j for j, label in enumerate(labels)}
        for i, techniques in enumerate(dropped):
            cells.extend((i, column[t]) for t in techniques if t in column)
    if not rows and not cells:
        return scores
    out = scores if in_place and scores.flags.writeable else scores.copy()
    out[rows] -= STANCE_PENALTY
    for i, j in cells:
        out[i, j] -= STANCE_PENALTY
    return out
