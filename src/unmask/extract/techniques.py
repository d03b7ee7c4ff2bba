"""ATT&CK technique mentions, one evidence sentence each.

The stage works sentence by sentence, then decides per report:

1. **Segmentation** (:func:`technique_units`): the document's structure
   (:mod:`unmask.model.structure`, read through :mod:`unmask.extract.sentences`);
   headings, table rows and advice passages (recommendations, mitigations: "Use
   multi-factor authentication" is no evidence of T1556.006) are skipped, list items
   that read as prose are kept. Table rows that write a technique id
   (:func:`table_id_units`) are explicit evidence of it.
2. **Per sentence** three signals, each a ``method``:
   ``id`` (an explicit ``T1566.001``), ``name`` (a technique name or a well-known
   synonym, e.g. "spear-phishing", "posing as", "schtasks") and ``classifier`` (a
   sparse linear model over word uni/bi-grams and the name/synonym hits, trained by
   ``scripts/train_techniques.py`` on ATT&CK's own text and TRAM 2's annotated
   reports). Its raw score is turned into a probability per sentence.
3. **Per report** (:func:`aggregate`): for every technique, the best sentence score,
   how many sentences support it and whether it was named or cited become one
   calibrated probability (a small logistic model fitted on out-of-fold predictions);
   techniques above the calibrated threshold are reported, each with its supporting
   sentences.

Inference needs numpy only; the model is a ~ few-MB ``.npz`` shipped in the wheel and
loads in well under half a second.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import unmask._core as _core
from unmask.errors import ReferenceDataError
from unmask.extract import senses
from unmask.extract.sentences import split_sentences, structure_of
from unmask.extract.techniques_regex import to_rust
from unmask.model import ExtractContext, Span, TechniqueMention
from unmask.model.structure import Structure
from unmask.reference.attack import ATTACK_DEPENDS, ATTACK_FORMAT, AttackData, attack_data
from unmask.reference.cache import load_compiled
from unmask.reference.regexes import compile_cached

__all__ = [
    "DOC_FEATURES",
    "MODEL_FILE",
    "TechniqueModel",
    "Unit",
    "Vocabulary",
    "aggregate",
    "extract_techniques",
    "load_model",
    "name_hits",
    "names_in",
    "sentence_features",
    "table_id_units",
    "technique_units",
]

#: Changes whenever this module changes (its synonym tables, features or model
#: layout): the cached name index and model are rebuilt.
_SOURCE_VERSION = zlib.crc32(Path(__file__).read_bytes() + Path(senses.__file__).read_bytes())

#: The shipped model, relative to the ``unmask`` package.
MODEL_FILE = "data/techniques.npz"
MODEL_FORMAT = 1
#: Bump when sentence features change (sentence_features, name_hits, with_context):
#: models trained before no longer fit.
FEATURES_VERSION = 1

FloatArray = npt.NDArray[np.float32]

# --------------------------------------------------------------------------- features

_EXPLICIT_ID = compile_cached(r"(?<![A-Za-z0-9])T(1\d{3})(?:[./](\d{3}))?(?![0-9])")


def sentence_features(text: str, hits: Iterable[str] = ()) -> list[str]:
    r"""The sparse features of one sentence: words, word pairs, file extensions and
    ``syn:<id>`` for each technique named in it (see :func:`name_hits`).

    Words are the tokens of ``[a-z][a-z0-9_]*(?:[.\-][a-z0-9_]+)*|\d+`` over the
    lower-cased sentence (longer than 30 characters dropped, numbers written ``0``),
    computed in unmask's compiled core (``rust/src/features.rs``).
    """
    return _core.sentence_features([text], [list(hits)])[0]


# ---------------------------------------------------------------- names and synonyms

# Technique names that are ordinary words in reports: matched only next to their parent's
# name ("Phishing: Spearphishing Attachment") or not at all.
_GENERIC_WORDS = frozenset(
    [
        "server", "malware", "tool", "tools", "domains", "dns", "botnet", "web services",
        "exploits", "code repositories", "threat intel vendors", "email accounts",
        "social media", "scan databases", "search engines", "websites", "web protocols",
        "mail protocols", "file transfer protocols", "ssh", "rdp", "proxy", "local account",
        "domain account", "cloud account", "cloud accounts", "local accounts",
        "domain accounts", "default accounts", "network devices", "reflection amplification",
        "digital certificates", "standard encoding", "junk data", "protocol impersonation",
        "dynamic resolution", "steganography", "symmetric cryptography",
        "asymmetric cryptography", "internal proxy", "external proxy", "multi-hop proxy",
        "domain fronting", "services", "compile after delivery", "archive via utility",
        "archive via library", "impersonation", "data staged", "automated collection",
        "vulnerabilities", "software", "ip addresses", "dns server", "virtual private server",
        "serverless", "email addresses", "employee names", "credentials",
        "client configurations", "hardware", "firmware", "business relationships",
        "spearphishing service", "upload malware", "upload tool", "link target",
        "install digital certificate", "drive-by target", "acquire access", "emond",
        "compromise accounts", "develop capabilities", "establish accounts",
        "obtain capabilities", "stage capabilities", "scripting", "cron", "at", "launchd",
        "systemd timers", "container orchestration job", "scheduled task", "python",
        "javascript", "visual basic", "unix shell", "applescript", "rootkit",
    ]
)

# Well-known ways reports name a technique, beyond ATT&CK's own name. Regexes over
# lower-cased text; each names the most specific technique the wording implies.
_SYNONYMS: tuple[tuple[str, str], ...] = (  # noqa: RUF005 (the senses table joins it)
    ("T1566", r"(?:spear[\s-]?)?phishing(?! attachment| link)|malspam|phishing e-?mails?|lure e-?mails?"),
    ("T1566.001", r"malicious (?:e-?mail )?attachments?|spear[\s-]?phishing attachments?|weaponi[sz]ed (?:word |office |excel )?(?:documents?|attachments?)"),
    ("T1566.002", r"spear[\s-]?phishing links?|malicious links? (?:in|within) (?:the |an )?e-?mails?"),
    ("T1566.003", r"phishing (?:via|through) (?:a )?(?:third-party )?services?|(?:linkedin|whatsapp|social media) messages?"),
    ("T1656", r"impersonat\w+|posing as|posed as|poses as|pretend(?:ed|ing|s)? to be|masquerad\w+ as (?:a |an |the )?(?:journalist|recruiter|employee|official|researcher|representative|support)|spoof(?:ed|ing)? (?:real |legitimate )?(?:journalists?|officials?|persons?|individuals?|people|identities|senders?)"),
    ("T1583.001", r"(?:register(?:ed|s|ing)?|bought|purchas\w+|acquir\w+|spoofed|look-?alike|typo-?squatt\w+|fake|attacker-controlled|actor-controlled) (?:\w+ ){0,2}domains?|domain registration|domain names? (?:were |was )?registered|domains? (?:were |was )?registered"),
    ("T1583.003", r"(?:rent(?:ed|s|ing)?|leased?|purchas\w+) (?:\w+ ){0,2}(?:vps|virtual private servers?)"),
    ("T1585.001", r"(?:fake|fictitious|fraudulent|sock-?puppet) (?:\w+ ){0,2}(?:personas?|profiles?|social media accounts?)"),
    ("T1585.002", r"(?:created|registered|set up|establish\w*) (?:\w+ ){0,2}e-?mail accounts?"),
    ("T1059.001", r"powershell(?:\.exe)?"),
    ("T1059.003", r"cmd(?:\.exe)?\b|command[\s-]prompt|windows command shell|batch (?:files?|scripts?)|\.bat\b"),
    ("T1059.005", r"vbscript|\.vbs\b|vba macros?|visual basic"),
    ("T1059.007", r"javascript|jscript|\.js\b"),
    ("T1059.006", r"python scripts?|\.py\b"),
    ("T1059.004", r"bash|/bin/sh|unix shell|shell scripts?"),
    ("T1053.005", r"scheduled tasks?|schtasks(?:\.exe)?|task scheduler"),
    ("T1003.001", r"lsass(?:\.exe)?(?: process)?(?: memory)?|mimikatz|sekurlsa"),
    ("T1003", r"credential dump\w*|dump(?:ed|s|ing)? (?:\w+ )?credentials"),
    ("T1218.011", r"rundll32(?:\.exe)?"),
    ("T1218.010", r"regsvr32(?:\.exe)?"),
    ("T1218.005", r"mshta(?:\.exe)?"),
    ("T1047", r"wmi\b|wmic(?:\.exe)?|windows management instrumentation"),
    ("T1056.001", r"key-?loggers?|key-?logging|keystrokes?"),
    ("T1113", r"screen-?shots?|screen captures?|captur\w+ (?:the )?screen"),
    ("T1125", r"webcams?|web[\s-]cam(?:era)?s?\b"),
    ("T1547.001", r"run keys?|currentversion\\\\run|startup folder|\\\\run\b"),
    ("T1112", r"modif\w+ (?:the )?(?:windows )?registry|registry (?:keys? )?(?:modification|changes?)|reg(?:\.exe)? add"),
    ("T1140", r"decod(?:e|es|ed|ing)|decrypt(?:s|ed|ing)?|deobfuscat\w+|unpack(?:s|ed|ing)?"),
    ("T1027", r"obfuscat\w+|encrypted (?:payload|strings?|configuration)|xor(?:-?encoded|-?encrypted)?\b"),
    ("T1027.002", r"packers?|packed with|upx|themida|vmprotect"),
    ("T1105", r"download(?:s|ed|ing)? (?:\w+ ){0,3}(?:payloads?|files?|tools?|malware|stages?|executables?|modules?)|ingress tool transfer"),
    ("T1071.001", r"https? (?:requests?|traffic|protocol|communication|post|get)|over https?\b|web protocols?"),
    ("T1071.004", r"dns (?:tunnel\w*|requests?|queries|traffic)"),
    ("T1041", r"exfiltrat\w+ (?:\w+ ){0,4}(?:over|via|through) (?:the |its )?(?:c2|c&c|command[\s-]and[\s-]control)"),
    ("T1082", r"system information|os version|computer name|hostname|systeminfo"),
    ("T1083", r"(?:enumerat\w+|list\w*|search\w*) (?:\w+ ){0,2}(?:files|directories|folders|drives)"),
    ("T1057", r"(?:running|list of) processes|process (?:list|discovery|enumeration)|tasklist"),
    ("T1033", r"whoami|user ?name|logged[\s-]on users?|current user"),
    ("T1016", r"ipconfig|network (?:configuration|adapters?|interfaces?)|mac address"),
    ("T1049", r"netstat|network connections"),
    ("T1018", r"remote systems? discovery|net view|ping sweep"),
    ("T1518.001", r"(?:check|detect|enumerat|identif|look|query|queri|search|scan|list|discover|determin|find|gather|collect)\w*"
                  r"(?: \w+){0,5} (?:installed )?(?:antivirus|anti-virus|security (?:products?|software|solutions?)|av products?|edr)"
                  r"|(?:antivirus|anti-virus|security (?:products?|software)|av products?|edr)(?: \w+){0,2} (?:is|are) (?:installed|running|present)"),
    ("T1562.001", r"disabl\w+ (?:\w+ ){0,3}(?:antivirus|anti-virus|defender|security|edr|av\b|firewall|logging)"),
    ("T1070.004", r"delet\w+ (?:\w+ ){0,3}(?:itself|files?|traces|artifacts|dropper|executables?)|self-?delet\w+"),
    ("T1070.001", r"clear\w* (?:the )?(?:windows )?event logs?|wevtutil"),
    ("T1055", r"process injection|inject\w* (?:\w+ ){0,3}(?:into|in) (?:\w+ ){0,2}process(?:es)?"),
    ("T1055.012", r"process hollowing|hollow\w* process"),
    ("T1055.001", r"dll injection|reflective(?:ly)? dll (?:load\w*|inject\w*)"),
    ("T1620", r"reflective(?:ly)?[\s-](?:code |pe |image )?load\w*|load\w* (?:\w+ ){0,4}reflectively|reflective (?:pe )?loaders?"
              r"|load\w* (?:\w+ ){0,3}(?:directly )?into (?:its own |process )?memory,? (?:\S+ ){0,8}(?:execut\w+|launch\w*|runs?|run\w+)"),
    ("T1574.001", r"dll (?:search[\s-]order )?hijack\w*|dll side-?loading|side-?load\w*"),
    ("T1574.002", r"dll side-?loading"),
    ("T1036.005", r"masquerad\w+ as (?:a )?legitimate|disguis\w+ as (?:a )?legitimate|legitimate[\s-]looking (?:file ?)?names?"),
    ("T1036", r"masquerad\w+|disguis\w+"),
    ("T1204.002", r"(?:victim|user|target)s? (?:\w+ ){0,2}(?:open|opens|opened|click|clicks|clicked|enable|enables|enabled)"),
    ("T1204.001", r"click\w* (?:on )?(?:a |the )?(?:malicious )?links?"),
    ("T1190", r"exploit\w* (?:\w+ ){0,4}(?:public-facing|internet-facing|web server|vpn|exchange server|vulnerabilit\w+ in)|cve-\d{4}-\d+"),
    ("T1133", r"external remote services?|vpn access|citrix|remote access (?:services?|gateways?)"),
    ("T1078", r"valid accounts?|legitimate credentials|stolen credentials|compromised credentials"),
    ("T1110", r"brute[\s-]?forc\w+|password spray\w*|credential stuffing"),
    ("T1110.003", r"password spray\w*"),
    ("T1021.001", r"remote desktop|rdp\b|mstsc"),
    ("T1021.002", r"smb\b|admin\$|windows admin shares?"),
    ("T1021.004", r"\bssh\b"),
    ("T1569.002", r"psexec|service execution|sc(?:\.exe)? (?:create|start)"),
    ("T1543.003", r"(?:creat\w+|install\w*|register\w*) (?:\w+ ){0,3}(?:windows )?services?"),
    ("T1548.002", r"(?:uac|user account control) bypass|bypass\w* (?:the )?(?:uac|user account control)"),
    ("T1090", r"\bprox(?:y|ies)\b"),
    ("T1090.003", r"\btor\b|onion routing|multi-hop prox\w+"),
    ("T1573", r"encrypted (?:c2|c&c|channel|communications?)"),
    ("T1573.001", r"(?:aes|rc4|xor|des)[\s-](?:encrypted|encryption)"),
    ("T1095", r"raw tcp|custom (?:binary |tcp )?protocol|non-application layer protocol|\budp\b|\bicmp\b"),
    ("T1132.001", r"base64"),
    ("T1560", r"(?:archiv|compress)\w* (?:\w+ ){0,3}(?:data|files)|\brar\b|7-?zip|winrar"),
    ("T1005", r"(?:collect|steal|stole|gather)\w* (?:\w+ ){0,3}(?:files|documents|data) from (?:the )?(?:local|infected|compromised|victim)"),
    ("T1119", r"automated collection"),
    ("T1074.001", r"stag\w+ (?:\w+ ){0,3}(?:data|files|archives?)"),
    ("T1486", r"ransomware|encrypt\w+ (?:the )?(?:victim'?s? )?files|data encrypted for impact"),
    ("T1490", r"shadow copies|vssadmin|inhibit system recovery"),
    ("T1498", r"ddos|denial[\s-]of[\s-]service"),
    ("T1498.001", r"(?:syn|udp|icmp|ack|ping) floods?"),
    ("T1498.002", r"(?:dns|ntp|memcached|ssdp|cldap|chargen|snmp|udp|reflection) amplification|amplification (?:attacks?|ddos|floods?)|reflection (?:ddos|attacks?|floods?)"),
    ("T1219", r"remote (?:access|administration|desktop) (?:tools?|software)|anydesk|teamviewer|screenconnect|atera"),
    ("T1102", r"(?:dropbox|google drive|onedrive|github|pastebin|telegram|discord)\b"),
    ("T1567", r"exfiltrat\w+ (?:\w+ ){0,4}(?:to|via) (?:\w+ ){0,2}(?:cloud|dropbox|google drive|onedrive|mega|web service)"),
    ("T1588.002", r"(?:publicly available|open[\s-]source|off-the-shelf|commodity) (?:\w+ ){0,2}tools?|cobalt strike"),
    ("T1587.001", r"develop\w* (?:\w+ ){0,3}(?:malware|backdoors?|implants?|tools?)|custom (?:malware|backdoor|implants?)"),
    ("T1608", r"host\w* (?:\w+ ){0,3}(?:payloads?|malware|files) on"),
    ("T1195.002", r"supply[\s-]chain (?:attack|compromise)|trojani[sz]ed (?:software|installer|update)"),
    ("T1199", r"trusted relationships?|managed service providers?|\bmsps?\b"),
    ("T1598", r"phishing for information|credential phishing|credential harvesting"),
    ("T1589.002", r"(?:collect|gather|harvest)\w* (?:\w+ ){0,2}e-?mail addresses"),
    ("T1591", r"(?:research|reconnaissance) (?:on|of|into) (?:the )?(?:targets?|victims?|organi[sz]ations?)"),
    ("T1071", r"command[\s-]and[\s-]control (?:server|channel|traffic|communications?)|\bc2 (?:server|channel|traffic)"),
    ("T1497", r"sandbox (?:evasion|detection)|anti-?(?:vm|sandbox)|virtual machine detection"),
    ("T1622", r"anti-?debug\w*|debugger detection|isdebuggerpresent"),
    ("T1106", r"(?:windows )?api (?:calls?|functions?)|createprocess\w*|virtualalloc\w*|native api"),
    ("T1012", r"query\w* (?:the )?registry|reg(?:\.exe)? query"),
    ("T1518", r"installed (?:software|applications|programs)"),
    ("T1087", r"account discovery|(?:list|enumerat)\w* (?:\w+ ){0,2}(?:user )?accounts|net user"),
    ("T1069", r"(?:list|enumerat)\w* (?:\w+ ){0,2}groups|net group|net localgroup"),
    ("T1482", r"domain trusts?|nltest"),
    ("T1570", r"lateral tool transfer|(?:cop|transferr?)\w* (?:\w+ ){0,3}to (?:other|remote) (?:systems|hosts|machines)"),
    ("T1021", r"lateral(?:ly)? mov\w+|lateral movement"),
    ("T1068", r"privilege escalation (?:exploit|vulnerabilit\w+)|exploit\w* (?:\w+ ){0,3}(?:to )?(?:escalate|elevate) privileges"),
    ("T1203", r"exploit\w* (?:\w+ ){0,3}(?:in )?(?:microsoft office|word|adobe|browser|flash|internet explorer)"),
    ("T1189", r"watering[\s-]hole|drive-by (?:download|compromise)|strategic web compromise|(?:hidden|malicious|injected|invisible|rogue) iframes?"
              r"|(?:infect|redirect|exploit|compromis|target)\w* (?:\w+ ){0,2}(?:site |website |web ?site's |their |its |the )?visitors"
              r"|visitors (?:to|of) (?:\S+ ){0,10}(?:were|are|was|is|being|get|got) (?:\w+ )?(?:redirected|infected|served|exploited|compromised)"),
    ("T1071.003", r"(?:send|sent|transmit|report|upload|exfiltrat|forward|deliver|return)\w* (?:\S+ ){0,6}(?:via|as|in|through) (?:e-?mail )?attachments"
                  r"|attached to (?:an? |the )?e-?mails? (?:and )?(?:then )?sent"
                  r"|(?:commands?|instructions|tasks|orders) (?:\w+ ){0,3}(?:from|in|via|through|over) (?:an? |the |its |incoming )?(?:webmail|e-?mail|mail|inbox|mailbox)"
                  r"|(?:c2|c&c|command[\s-]and[\s-]control) (?:\w+ ){0,3}(?:over|via|through|using) (?:the )?(?:smtp|pop3|imap|webmail|e-?mail)\b"
                  r"|(?:webmail|e-?mail|mail) (?:accounts?|inbox\w*|servers?|boxes) (?:as|for) (?:its |a |the )?(?:c2|c&c|command)"),
    ("T1546.001", r"(?:chang|alter|modif|replac|hijack|redirect|overwrit|rewrit)\w* (?:\w+ ){0,3}(?:file|program|default) (?:type )?associations?"
                  r"|(?:file|program) associations? (?:\w+ ){0,3}(?:chang|alter|modif|replac|hijack|redirect|overwrit|rewrit)\w*"),
    ("T1584.001", r"compromised (?:legitimate )?domains?|hijack\w* domains?"),
    ("T1584", r"compromised (?:legitimate )?(?:web ?sites?|servers|infrastructure|wordpress)"),
    ("T1583", r"(?:acquir|rent|purchas|bought|set up)\w* (?:\w+ ){0,3}infrastructure"),
    ("T1557", r"adversary-in-the-middle|man-in-the-middle|\bmitm\b"),
    ("T1539", r"(?:steal|stole|theft of)\w* (?:\w+ ){0,2}(?:session )?cookies"),
    ("T1555.003", r"(?:credentials|passwords) (?:stored )?(?:in|from) (?:\w+ ){0,2}browsers?|browser (?:credentials|passwords)"),
    ("T1552.001", r"credentials in files|passwords? (?:stored )?in (?:plain ?text|configuration) files"),
    ("T1114", r"(?:collect|access|steal|read)\w* (?:\w+ ){0,2}e-?mails?\b|mailbox(?:es)?"),
    ("T1020", r"automated exfiltration"),
    ("T1048", r"exfiltrat\w+ (?:\w+ ){0,3}over (?:ftp|dns|smtp|alternative protocol)"),
) + senses.SYNONYMS  # wordings kept with the word senses (extract/senses.py)


#: Techniques whose names/synonyms are broad wording ("antivirus", "lateral movement",
#: "Base64", "Cobalt Strike", "CVE-…", product names that are sub-technique names):
#: a classifier feature, but not enough on their own to report the technique.
WEAK_NAMES = frozenset(
    [
        "T1518.001", "T1518", "T1033", "T1190", "T1102", "T1132.001", "T1021", "T1588.002",
        "T1090", "T1598", "T1498", "T1133", "T1584", "T1584.001", "T1560", "T1087", "T1069",
        "T1012", "T1218.011", "T1213", "T1213.001", "T1213.002", "T1213.003", "T1213.004",
        "T1213.005", "T1003", "T1583", "T1071", "T1095", "T1005", "T1114",
    ]
)


@dataclass(frozen=True, slots=True)
class _NameRule:
    technique_id: str
    #: A Python pattern (the table's own syntax; tests try it with ``re``).
    pattern: str
    needs: str | None


def _name_pattern(name: str) -> str:
    return r"(?<![a-z0-9])" + re.escape(name.lower()).replace(r"\ ", r"[\s\-]+") + r"(?![a-z0-9])"


_REGEX_NOISE = compile_cached(r"\\.|\[[^\]]*\]|\(\?<?[=!:]|.\?|\{[^}]*\}")


def _triggers(pattern: str) -> set[str]:
    """Literal pieces of a rule's regex; every match contains at least one of them
    (checked by tests/techniques against every rule tried with re), so a rule is only
    tried on a sentence that contains one of its triggers. Taken per alternative of the
    pattern: an alternative whose pieces are all short or common words ("\\.js\\b")
    keeps them, or it would never be tried."""
    out: set[str] = set()
    for branch in _top_level_branches(pattern):
        runs = set(re.findall(r"[a-z0-9]{2,}", _REGEX_NOISE.sub(" ", branch)))
        useful = {r for r in runs if len(r) >= 3 and r not in _STOP}
        out |= useful or runs
    return out


def _top_level_branches(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` outside any group or class."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # a literal ] first in a class
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


_STOP = frozenset(
    ["the", "and", "for", "with", "from", "via", "into", "over", "its", "their", "any", "all", "ing", "was", "were", "are", "has", "had", "can", "may", "not", "has", "one", "two", "use", "used", "using"]
)


@dataclass(frozen=True, slots=True)
class _NameIndex:
    """The rules, their triggers and their patterns as the compiled core reads them."""

    rules: tuple[_NameRule, ...]
    #: (folded word, rules it is the whole name of, rules it is a word of).
    triggers: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]
    #: Per rule: (pattern, needs) in the Rust ``regex`` crate's syntax, and its group.
    compiled: tuple[tuple[str, str | None, int], ...]
    #: The techniques the rules name, sorted: a group is an index here.
    groups: tuple[str, ...]


@functools.cache
def _name_index() -> _NameIndex:
    """The name/synonym rules, their triggers and translations (built once, then cached)."""
    return load_compiled(
        "technique-names",
        _build_name_index,
        depends=ATTACK_DEPENDS,
        format_version=zlib.crc32(str(ATTACK_FORMAT).encode(), _SOURCE_VERSION),
    )


def _build_name_index() -> _NameIndex:
    data = attack_data()
    active = {t.id: t for t in data.active()}
    counts: dict[str, int] = {}
    for tech in active.values():
        counts[tech.name.lower()] = counts.get(tech.name.lower(), 0) + 1
    rules: list[_NameRule] = []
    sources: list[str] = []
    for tid, tech in active.items():
        name = tech.name.lower()
        generic = name in _GENERIC_WORDS or len(name) < 5 or counts[name] > 1
        needs: str | None = None
        if generic:
            par = active.get(tech.parent) if tech.parent is not None else None
            if par is None:
                continue
            needs = _name_pattern(par.name)
        rules.append(_NameRule(tid, _name_pattern(name), needs))
        # A name's trigger is the whole name with its blanks and hyphens folded as
        # the core folds the text: every match of its pattern folds to it.
        sources.append(_core.TechniqueNames.fold(name))
    for tid, pattern in _SYNONYMS:
        if tid in active:
            rules.append(_NameRule(tid, r"(?<![a-z0-9])(?:" + pattern + ")", None))
            sources.append(pattern)
    # trigger -> (rules whose whole name it is, rules with it among their words)
    by_trigger: dict[str, tuple[set[int], set[int]]] = {}
    for i, (rule, src) in enumerate(zip(rules, sources, strict=True)):
        if rule.pattern.startswith(r"(?<![a-z0-9])(?:"):
            # A synonym's triggers are runs of letters and digits, which folding keeps.
            for word in _triggers(src):
                by_trigger.setdefault(word, (set(), set()))[1].add(i)
        else:
            by_trigger.setdefault(src, (set(), set()))[0].add(i)
    triggers = tuple(
        (word, tuple(sorted(whole)), tuple(sorted(inner))) for word, (whole, inner) in sorted(by_trigger.items())
    )
    groups = tuple(sorted({rule.technique_id for rule in rules}))
    group_of = {tid: k for k, tid in enumerate(groups)}
    compiled = tuple(
        (to_rust(rule.pattern), to_rust(rule.needs) if rule.needs is not None else None, group_of[rule.technique_id])
        for rule in rules
    )
    return _NameIndex(tuple(rules), triggers, compiled, groups)


@functools.cache
def _name_matcher() -> _core.TechniqueNames:
    """The compiled core's matcher of the name index (built once per process)."""
    index = _name_index()
    return _core.TechniqueNames(
        [(w, list(whole), list(inner)) for w, whole, inner in index.triggers],
        list(index.compiled),
        len(index.groups),
    )


def name_hits(text: str) -> list[str]:
    """Technique ids whose name or a well-known synonym occurs in ``text`` (sorted)."""
    return names_in([text])[0]


def names_in(texts: Sequence[str]) -> list[list[str]]:
    """:func:`name_hits` of each text, in one call to the compiled core.

    Per text (lower-cased), the core folds blanks and hyphens, finds the rules'
    triggers in one automaton pass (each technique name whole, each synonym's literal
    words) and tries only the rules a trigger names, with their own patterns: a text
    naming no technique costs no regular-expression search."""
    groups = _name_index().groups
    return [[groups[g] for g in row] for row in _name_matcher().hits([text.lower() for text in texts])]


def explicit_ids(text: str) -> list[str]:
    """Technique ids written out in ``text`` ("T1566.001", "T1059/003"), resolved to
    the current ATT&CK version; unknown ids are dropped."""
    data = attack_data()
    out: set[str] = set()
    for match in _EXPLICIT_ID.finditer(text):
        raw = "T" + match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
        resolved = data.resolve(raw)
        if resolved is not None:
            out.add(resolved)
    return sorted(out)


# ------------------------------------------------------------------------------ model


class Vocabulary(Mapping[str, int]):
    """Feature -> weight row, held as one sorted numpy byte-string array.

    It loads from the reference cache as two flat buffers, where a dict of ~100,000
    strings took longer to unpickle than the rest of the model. Look-ups go through
    the compiled core's table (:meth:`core`), built from those buffers on first use in
    a process and not pickled.
    """

    __slots__ = ("_core", "_rows", "_words")

    def __init__(self, words: Sequence[str]) -> None:
        encoded = np.array([w.encode("utf-8", "surrogatepass") for w in words], dtype=bytes)
        order = np.argsort(encoded, kind="stable")
        self._words = encoded[order]
        self._rows = order.astype(np.int64)
        self._core: _core.TechniqueFeatures | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_restore_vocabulary, (self._words, self._rows))

    def core(self) -> _core.TechniqueFeatures:
        """The compiled look-up table of this vocabulary (built once)."""
        if self._core is None:
            self._core = _core.TechniqueFeatures.from_fixed(
                self._words.tobytes(), self._words.dtype.itemsize, self._rows.astype("<i8").tobytes()
            )
        return self._core

    def words(self) -> list[str]:
        """Every feature, in row order."""
        by_row = np.empty_like(self._words)
        by_row[self._rows] = self._words
        return [w.decode("utf-8", "surrogatepass") for w in by_row.tolist()]

    def __getitem__(self, feature: str) -> int:
        row = self.core().row(feature)
        if row is None:
            raise KeyError(feature)
        return row

    def __contains__(self, feature: object) -> bool:
        return isinstance(feature, str) and self.core().row(feature) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.words())

    def __len__(self) -> int:
        return len(self._words)


def _restore_vocabulary(words: npt.NDArray[np.bytes_], rows: npt.NDArray[np.int64]) -> Vocabulary:
    vocab = Vocabulary.__new__(Vocabulary)
    vocab._words, vocab._rows, vocab._core = words, rows, None
    return vocab


def _counter(vocab: Mapping[str, int]) -> _core.TechniqueFeatures:
    """The compiled look-up table of a vocabulary (a plain dict's is built per call)."""
    if isinstance(vocab, Vocabulary):
        return vocab.core()
    return _core.TechniqueFeatures(_vocab_words(vocab))


def _vocab_words(vocab: Mapping[str, int]) -> list[str]:
    if isinstance(vocab, Vocabulary):
        return vocab.words()
    return sorted(vocab, key=vocab.__getitem__)


@dataclass(frozen=True, slots=True)
class TechniqueModel:
    """A sparse linear one-vs-rest model with its calibration.

    ``weights`` is stored by feature (CSR): the entries of feature ``f`` are
    ``cols[ptr[f]:ptr[f+1]]`` (label indices) and ``vals[...]``.
    """

    labels: tuple[str, ...]
    vocab: Mapping[str, int]
    idf: FloatArray
    ptr: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int32]
    vals: FloatArray
    bias: FloatArray
    #: Sentence probability = sigmoid(sent_a * score + sent_b).
    sent_a: float
    sent_b: float
    #: Report-level logistic model over :data:`DOC_FEATURES` (one row per label).
    doc_coef: FloatArray
    #: Share of training reports that describe each technique (its prior).
    label_prior: FloatArray
    #: Report-level acceptance threshold on the calibrated probability.
    threshold: float
    #: A sentence supports an accepted technique when its probability reaches this.
    support: float
    #: Confidence of a technique accepted only because the text names it: the share of
    #: such named-but-below-threshold techniques that annotators confirmed (out of fold).
    name_confidence: float
    attack_version: str

    def scores(self, feature_lists: Sequence[Sequence[str]]) -> FloatArray:
        """Raw linear scores, one row per sentence, one column per label."""
        counted = _counter(self.vocab).count_lists([list(fl) for fl in feature_lists])
        return self.scores_of_counts(*counted)

    def scores_of_counts(self, ptr_le: bytes, ids_le: bytes, counts_le: bytes) -> FloatArray:
        """Raw linear scores from feature counts as the compiled core gives them.

        ``ptr`` (int64, one more than the sentences) indexes ``ids`` (weight rows) and
        ``counts``. The compiled core (``rust/src/scores.rs``) weighs each sentence's
        features by TF-IDF, normalises them and adds up their weight rows in float64,
        sentence by sentence: a sentence's scores do not depend on its neighbours.
        """
        counts = np.frombuffer(counts_le, dtype="<i8")
        # ln(tf) for every count, as numpy computes float32 logarithms (the weights
        # stay those the model was trained with).
        logs = np.log(np.arange(1, int(counts.max(initial=1)) + 1, dtype=np.float32))
        raw = _core.technique_scores(
            ptr_le, ids_le, counts_le, logs,
            np.ascontiguousarray(self.idf, dtype=np.float32),
            np.ascontiguousarray(self.ptr, dtype=np.int64),
            np.ascontiguousarray(self.cols, dtype=np.int32),
            np.ascontiguousarray(self.vals, dtype=np.float32),
            np.ascontiguousarray(self.bias, dtype=np.float32),
        )  # fmt: skip
        scores: FloatArray = np.frombuffer(raw, dtype="<f4").reshape(len(ptr_le) // 8 - 1, len(self.labels))
        return scores

    def probabilities(self, feature_lists: Sequence[Sequence[str]]) -> FloatArray:
        return _sigmoid(self.scores(feature_lists) * self.sent_a + self.sent_b)


def _sigmoid(z: npt.NDArray[np.floating[Any]]) -> FloatArray:
    out: FloatArray = (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).astype(np.float32)
    return out


def save_model(model: TechniqueModel, path: Path) -> None:
    """Write ``model`` as an ``.npz`` (used by the training script)."""
    vocab = _vocab_words(model.vocab)
    np.savez(  # uncompressed: loads in a fraction of the time (the wheel is zipped anyway)
        path,
        format=np.array([MODEL_FORMAT]),
        labels=np.frombuffer("\n".join(model.labels).encode(), dtype=np.uint8),
        vocab=np.frombuffer("\n".join(vocab).encode(), dtype=np.uint8),
        idf=model.idf.astype(np.float16),
        ptr=model.ptr.astype(np.int32),
        cols=model.cols.astype(np.int16),
        vals=model.vals.astype(np.float16),
        bias=model.bias.astype(np.float32),
        sent=np.array(
            [model.sent_a, model.sent_b, model.threshold, model.support, model.name_confidence],
            dtype=np.float64,
        ),
        doc_coef=model.doc_coef.astype(np.float32),
        label_prior=model.label_prior.astype(np.float32),
        attack_version=np.frombuffer(model.attack_version.encode(), dtype=np.uint8),
    )


def read_model(path: Path) -> TechniqueModel:
    """Read a model written by :func:`save_model`."""
    try:
        with np.load(path) as npz:
            if int(npz["format"][0]) != MODEL_FORMAT:
                raise ReferenceDataError(f"technique model {path} has an unknown format")
            vocab_words = npz["vocab"].tobytes().decode().split("\n")
            sent = npz["sent"]
            return TechniqueModel(
                labels=tuple(npz["labels"].tobytes().decode().split("\n")),
                vocab=Vocabulary(vocab_words),
                idf=npz["idf"].astype(np.float32),
                ptr=npz["ptr"].astype(np.int64),
                cols=npz["cols"].astype(np.int32),
                vals=npz["vals"].astype(np.float32),
                bias=npz["bias"].astype(np.float32),
                sent_a=float(sent[0]),
                sent_b=float(sent[1]),
                threshold=float(sent[2]),
                support=float(sent[3]),
                name_confidence=float(sent[4]),
                doc_coef=npz["doc_coef"].astype(np.float32),
                label_prior=npz["label_prior"].astype(np.float32),
                attack_version=npz["attack_version"].tobytes().decode(),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise ReferenceDataError(f"cannot read the technique model {path}: {exc}") from exc


@functools.cache
def load_model() -> TechniqueModel:
    """The technique model shipped with unmask.

    Read from the ``.npz`` once, then from the reference cache, where its arrays are
    stored ready to use (no zip CRC, no float16 conversion): a new model file (size or
    modification time) or a change to this module makes a new entry.
    """
    path = Path(str(resources.files("unmask") / MODEL_FILE))
    if not path.is_file():
        raise ReferenceDataError(
            f"the technique model {MODEL_FILE} is missing; rebuild it with scripts/train_techniques.py"
        )
    stat = path.stat()
    stamp = zlib.crc32(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode(), _SOURCE_VERSION)
    return load_compiled("technique-model", lambda: read_model(path), format_version=stamp)


# --------------------------------------------------------------------- segmentation


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence (or prose list item) the technique stage scores."""

    span: Span
    text: str


_MIN_WORDS = 3
_MAX_CHARS = 1200


#: A heading that is one to three words and a word for a part of a program.
_MODULE_HEADING = compile_cached(
    r"\W*(?:[\w\-]+\s){1,3}(?:modules?|plug-?ins?|components?)\W*\Z", re.IGNORECASE
)

#: Passages whose words say what a defender should do, not what the adversary did.
#: (Code blocks stay evidence: the structure reads long runs of a text as code when a
#: fence is left open or lines are indented, and a block often holds the adversary's
#: own commands.)
_NOT_EVIDENCE = frozenset(["advice"])


def technique_units(text: str, structure: Structure | None = None) -> list[Unit]:
    """Sentences and prose list items of ``text``; headings, table rows and advice
    (recommendations, mitigations) are skipped."""
    structure = structure_of(text, structure=structure)
    starts = [s for s, _e, _k in structure.opaque]
    units: list[Unit] = []
    for sent, passage in zip(split_sentences(text, structure), structure.passages, strict=True):
        if passage.kinds & _NOT_EVIDENCE:
            continue
        piece = sent.text(text)
        if sent.kind not in ("sentence", "list"):
            # A heading naming a part of the malware by what it does ("Keylogger
            # module", an IoC file's section per component) says the malware does it.
            if sent.kind != "heading" or not _MODULE_HEADING.match(piece):
                continue
        elif len(piece.split(None, _MIN_WORDS - 1)) < _MIN_WORDS:  # (stops at the third word)
            continue
        start, end = sent.span.start, sent.span.end
        if end - start > _MAX_CHARS:
            end = start + _MAX_CHARS
            piece = text[start:end]
        units.append(Unit(Span(start, end), mask_opaque(piece, start, structure.opaque, starts)))
    return units


#: Opaque kinds (:mod:`unmask.model.opaque`) whose words are never a technique's name:
#: an address, a link's target, a mailbox, a hash. A path and a registry key keep their
#: words (a Run key, a tool's file in System32 are the technique), and so does a file name.
_OPAQUE_BLANKED = frozenset(["url", "link-target", "email", "hash"])
#: The last part of a dotted name that makes it a file, not a host: a file names its tool
#: ("rundll32.exe"), a host name's words name nothing ("wmi.example.org").
_FILE_SUFFIXES = frozenset(
    [
        "exe", "dll", "sys", "bat", "cmd", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "wsf",
        "wsh", "hta", "lnk", "scr", "cpl", "msi", "msc", "jar", "py", "pyc", "sh", "elf", "so", "dylib",
        "plist", "apk", "dmg", "pkg", "deb", "rpm", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx",
        "xlsm", "ppt", "pptx", "pptm", "rtf", "pdf", "hwp", "txt", "log", "ini", "cfg", "conf", "dat",
        "bin", "tmp", "inc", "cnt", "ocx", "drv", "iso", "img", "vhd", "zip", "rar", "7z", "gz", "tar",
        "cab", "php", "asp", "aspx", "jsp", "html", "htm", "xml", "json", "yml", "yaml", "reg", "db",
        "sqlite"
    ]
)
#: A placeholder inside a path or registry key ("[username]", "<user>"): a gap the
#: writer left, not a word of the adversary's deed.
_PLACEHOLDER = compile_cached(r"\[[^\]\\/\s]{1,40}\]|<[^>\\/\s]{1,40}>")


def mask_opaque(
    piece: str, start: int, spans: Sequence[tuple[int, int, str]], starts: Sequence[int]
) -> str:
    """``piece`` (the text at ``start``; ``spans`` a structure's opaque spans, ``starts``
    their starts) with the words no name rule may read blanked,
    offsets kept: the opaque spans of :data:`_OPAQUE_BLANKED` kinds, host names (not
    file names) and the placeholders inside paths and registry keys."""
    if not spans:
        return piece
    end = start + len(piece)
    first = bisect.bisect_right(starts, start) - 1
    # Most sentences hold no opaque span: the last span starting at or before the piece
    # ends before it, and the next one starts after it.
    if (first < 0 or spans[first][1] <= start) and (first + 1 >= len(spans) or spans[first + 1][0] >= end):
        return piece
    chars: list[str] | None = None
    for k in range(max(first, 0), len(spans)):
        s, e, kind = spans[k]
        if s >= end:
            break
        if e <= start:
            continue
        lo, hi = max(s, start) - start, min(e, end) - start
        cut: list[tuple[int, int]] = []
        if kind in _OPAQUE_BLANKED:
            cut.append((lo, hi))
        elif kind == "domain":
            name = piece[lo:hi].rstrip("]).")
            suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix and suffix not in _FILE_SUFFIXES:
                cut.append((lo, hi))
        elif kind in ("path", "registry-key"):
            cut.extend(m.span() for m in _PLACEHOLDER.finditer(piece, lo, hi))
        for a, b in cut:
            if chars is None:
                chars = list(piece)
            chars[a:b] = " " * (b - a)
    return piece if chars is None else "".join(chars)


# ------------------------------------------------------------------------ aggregation


@dataclass(frozen=True, slots=True)
class SentenceEvidence:
    """Per-sentence signals for the sentences of one report."""

    #: Raw classifier scores, one row per sentence.
    scores: FloatArray
    named: list[list[str]]
    cited: list[list[str]]
    #: Per sentence, why it is no plain statement of the adversary's deed (extract/agency.py).
    stances: list[str | None] | None = None


def sentence_evidence(model: TechniqueModel, texts: Sequence[str]) -> SentenceEvidence:
    """Score the consecutive sentences of one report: classifier scores plus name and id hits."""
    cited = [explicit_ids(t) if "T1" in t else [] for t in texts]
    # Keywords in another sense blanked, sentences not stating the adversary's deed gated.
    read = senses.gate(texts, names_in(texts), names_in)
    # Features, context and look-up in one call to the compiled core.
    counted = _counter(model.vocab).sentence_counts(read.texts, read.named, CONTEXT)
    # (the scores are this call's own array: lowered where they are)
    scores = senses.lower_scores(
        model.scores_of_counts(*counted), read.stances, read.dropped, model.labels, in_place=True
    )
    return SentenceEvidence(scores, read.named, cited, read.stances)


#: Whether a sentence's features include its neighbours' words (prefixed "<" and ">").
CONTEXT = True


def with_context(feats: Sequence[list[str]]) -> list[list[str]]:
    """Add the previous and next sentence's single words to each sentence's features."""
    if not CONTEXT:
        return list(feats)
    return _core.with_context([list(fl) for fl in feats])


#: Report-level features of one technique, in the order of ``TechniqueModel.doc_coef``.
DOC_FEATURES = (
    "best",  # best sentence score
    "second",  # second-best sentence score
    "top3",  # mean of the three best
    "n_weak",  # log1p(sentences scoring > -0.5)
    "n_strong",  # log1p(sentences scoring > 0)
    "n_named",  # log1p(sentences naming it)
    "n_sentences",  # log(sentences in the report)
    "prior",  # log(share of training reports with it + 0.01)
    "technical",  # mean best score of the report's ten best techniques
    "best_if_named",  # best score when named, else 0
    "cited",  # an explicit id
    "bias",
)


#: Sentences read at a time for the per-label statistics: a block of the score matrix
#: stays in the cache (a long document's matrix is hundreds of MB; a pass over all of it
#: per statistic, each with a temporary copy, cost seconds).
_BLOCK = 2048


def _column_stats(z: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per label (column) of ``z``: the three best scores (or all of them, when there are
    three or fewer; in no order), how many exceed -0.5 and how many exceed 0.

    Read block by block: the three best of a column are among the three best of its
    blocks, so a partition of each block's transposed rows (contiguous) and one of the
    pooled candidates give the same values as a partition of the whole column."""
    n, labels = z.shape
    weak = np.zeros(labels, dtype=np.int64)
    strong = np.zeros(labels, dtype=np.int64)
    pooled: list[FloatArray] = []
    for lo in range(0, n, _BLOCK):
        block = z[lo : lo + _BLOCK]
        weak += (block > -0.5).sum(axis=0)
        strong += (block > 0.0).sum(axis=0)
        rows = np.ascontiguousarray(block.T)
        pooled.append(np.partition(rows, len(block) - 3, axis=1)[:, -3:] if len(block) > 3 else rows)
    pool = pooled[0] if len(pooled) == 1 else np.concatenate(pooled, axis=1)
    if pool.shape[1] > 3:
        pool = np.partition(pool, pool.shape[1] - 3, axis=1)[:, -3:]
    return pool.T, weak, strong


def doc_features(model: TechniqueModel, ev: SentenceEvidence) -> FloatArray:
    """Report-level features per label (rows) over :data:`DOC_FEATURES` (columns)."""
    n_labels = len(model.labels)
    feats = np.zeros((n_labels, len(DOC_FEATURES)), dtype=np.float32)
    feats[:, 11] = 1.0
    feats[:, 7] = np.log(model.label_prior + 0.01)
    z = ev.scores
    if len(z) == 0:
        feats[:, 0:3] = -2.0
        return feats
    best3, weak, strong = _column_stats(z)
    top = -np.sort(-best3, axis=0)
    feats[:, 0] = top[0]
    feats[:, 1] = top[1] if len(top) > 1 else top[0] - 1.0
    feats[:, 2] = top.mean(axis=0)
    feats[:, 3] = np.log1p(weak)
    feats[:, 4] = np.log1p(strong)
    feats[:, 6] = math.log(len(z))
    feats[:, 8] = float(np.sort(top[0])[-10:].mean())
    index = {label: i for i, label in enumerate(model.labels)}
    named = np.zeros(n_labels, dtype=np.float32)
    for hits in ev.named:
        for tid in hits:
            j = index.get(tid)
            if j is not None:
                named[j] += 1.0
    feats[:, 5] = np.log1p(named)
    feats[:, 9] = np.where(named > 0, top[0], 0.0)
    for hits in ev.cited:
        for tid in hits:
            j = index.get(tid)
            if j is not None:
                feats[j, 10] = 1.0
    return feats


def doc_probabilities(model: TechniqueModel, ev: SentenceEvidence) -> FloatArray:
    """Calibrated probability, per label, that the report describes the technique."""
    return _sigmoid(doc_features(model, ev) @ model.doc_coef)


@dataclass(frozen=True, slots=True)
class Decision:
    """One accepted technique: its report-level confidence and supporting sentences."""

    technique_id: str
    confidence: float
    #: (sentence index, method, sentence confidence), best first.
    evidence: tuple[tuple[int, str, float], ...]


def aggregate(model: TechniqueModel, ev: SentenceEvidence, *, max_evidence: int = 3) -> list[Decision]:
    """Report-level decisions: techniques whose calibrated probability passes the threshold.

    Explicit ids and named techniques (ATT&CK names, well-known synonyms; not those in
    :data:`WEAK_NAMES`) are always accepted; a technique accepted only by name gets ``model.name_confidence`` when its
    calibrated probability is lower. Each accepted technique keeps up to
    ``max_evidence`` sentences: those that cite it, name it, or score at least
    ``model.support``, always including its best sentence.
    """
    n = len(ev.scores)
    if n == 0:
        return []
    dprob = doc_probabilities(model, ev)
    index = {label: i for i, label in enumerate(model.labels)}
    cited_at: dict[str, list[int]] = {}
    named_at: dict[str, list[int]] = {}
    for i, hits in enumerate(ev.cited):
        for tid in hits:
            cited_at.setdefault(tid, []).append(i)
    for i, hits in enumerate(ev.named):
        for tid in hits:
            named_at.setdefault(tid, []).append(i)
    decisions: list[Decision] = []
    candidates = {model.labels[j] for j in np.flatnonzero(dprob >= model.threshold)}
    candidates |= set(cited_at) | {t for t in named_at if t not in WEAK_NAMES}
    # Sentence probabilities of the candidates' columns only (elementwise: the values the
    # whole matrix would give; the columns are copied out contiguous first).
    columns = sorted({j for tid in candidates if (j := index.get(tid)) is not None})
    sprob = _sigmoid(ev.scores[:, columns] * model.sent_a + model.sent_b)
    at_column = {j: k for k, j in enumerate(columns)}
    for tid in sorted(candidates):
        j = index.get(tid)
        col = sprob[:, at_column[j]] if j is not None else np.zeros(n, dtype=np.float32)
        conf = float(dprob[j]) if j is not None else 0.0
        if tid in named_at and conf < model.threshold:
            conf = max(conf, model.name_confidence)
        items: dict[int, tuple[str, float]] = {}
        for i in cited_at.get(tid, []):
            items[i] = ("id", max(0.95, float(col[i])))
            conf = max(conf, 0.95)
        for i in named_at.get(tid, []):
            if i not in items:
                items[i] = ("name", float(col[i]))
        for k in np.flatnonzero(col >= model.support).tolist():
            if k not in items:
                items[k] = ("classifier", float(col[k]))
        best = int(np.argmax(col))
        if not items:
            items[best] = ("classifier", float(col[best]))
        ranked = sorted(items.items(), key=lambda kv: (kv[1][0] != "id", -kv[1][1], kv[0]))
        chosen = ranked[:max_evidence]
        decisions.append(
            Decision(tid, min(1.0, conf), tuple((i, m, min(1.0, c)) for i, (m, c) in chosen))
        )
    return decisions


# -------------------------------------------------------------------------- the stage


def mentions_from(
    decisions: Sequence[Decision],
    units: Sequence[Unit],
    data: AttackData,
    stances: Sequence[str | None] | None = None,
) -> list[TechniqueMention]:
    """TechniqueMentions, one per (technique, evidence sentence), in text order; a
    sentence with a stance (extract/agency.py) keeps it as the mention's reason."""
    out: list[TechniqueMention] = []
    for dec in decisions:
        tech = data.get(dec.technique_id)
        name = data.display_name(dec.technique_id)
        tactics = tech.tactics if tech is not None else ()
        for i, method, _sent_conf in dec.evidence:
            out.append(
                TechniqueMention(
                    technique_id=dec.technique_id,
                    name=name,
                    span=units[i].span,
                    method=method,
                    confidence=round(dec.confidence, 4),
                    tactics=tactics,
                    reasons=(stance,) if stances is not None and (stance := stances[i]) else (),
                )
            )
    out.sort(key=lambda m: (m.span.start, m.technique_id))
    return out


def table_id_units(text: str, structure: Structure | None = None) -> list[Unit]:
    """Table rows that write a technique id ("| T1055 | Process Injection |"), outside
    advice: a table of the techniques seen is a statement of them, row by row."""
    structure = structure_of(text, structure=structure)
    return [
        Unit(passage.span, passage.text(text))
        for passage in structure.of_kind("table")
        if not passage.inline
        and passage.layout != "prose"  # a row read as prose is a sentence unit already
        and not passage.kinds & _NOT_EVIDENCE
        and "T1" in passage.text(text)
    ]


def _row_mentions(rows: Sequence[Unit], found: Sequence[TechniqueMention], data: AttackData) -> list[TechniqueMention]:
    """One ``id`` mention per (technique, row) for the ids written in table rows."""
    seen = {(m.technique_id, m.span.start) for m in found}
    out: list[TechniqueMention] = []
    for row in rows:
        for tid in explicit_ids(row.text):
            if (tid, row.span.start) in seen:
                continue
            seen.add((tid, row.span.start))
            tech = data.get(tid)
            out.append(
                TechniqueMention(
                    technique_id=tid,
                    name=data.display_name(tid),
                    span=row.span,
                    method="id",
                    confidence=0.95,
                    tactics=tech.tactics if tech is not None else (),
                )
            )
    return out


def extract_techniques(
    text: str, *, context: ExtractContext | None = None
) -> list[TechniqueMention]:
    """ATT&CK techniques the text describes, each with its evidence sentence(s).

    Sentences are scored for the report-level decision; ids written in table rows are
    explicit and accepted as they stand. Advice passages are no evidence.
    ``confidence`` is the calibrated report-level probability of the technique
    (0.95 at least for an explicit id).
    """
    structure = structure_of(text, context)
    units = technique_units(text, structure)
    rows = table_id_units(text, structure)
    if not units and not rows:
        return []
    data = attack_data()
    found: list[TechniqueMention] = []
    if units:
        model = load_model()
        ev = sentence_evidence(model, [u.text for u in units])
        found = mentions_from(aggregate(model, ev), units, data, ev.stances)
    if rows:
        found.extend(_row_mentions(rows, found, data))
        found.sort(key=lambda m: (m.span.start, m.technique_id))
    return found
