"""The observable patterns, compiled once.

Every pattern starts by consuming one *boundary* character (white space or
punctuation that may precede an observable). That gives Python's regex engine a
first-character set to skip over quickly, and keeps a match from starting in the
middle of a word. Repetitions are bounded and unambiguous, so matching stays linear.
"""

from __future__ import annotations

import re

from unmask.reference.regexes import compile_cached
from unmask.reference.values import SCHEMES as _SCHEMES

__all__ = ["ATOMS", "EXTENSION_ALTERNATION", "FILE_EXTENSIONS", "INNER", "RANGE_END", "SCHEMES"]

#: Defanged and real URL schemes -> the canonical scheme (one table for every normaliser).
SCHEMES = _SCHEMES

#: File extensions that make ``name.ext`` a file name.
FILE_EXTENSIONS = frozenset(
    ["exe", "dll", "sys", "scr", "bat", "cmd", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "msi", "msp", "jar", "apk", "dmg", "iso", "img", "vhd", "vhdx", "doc", "docx", "docm", "dot", "dotm", "xls", "xlsx", "xlsm", "xlsb", "xll", "ppt", "pptx", "pptm", "pdf", "rtf", "txt", "log", "csv", "xml", "html", "htm", "mht", "php", "asp", "aspx", "jsp", "py", "pyc", "zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "cab", "dat", "bin", "tmp", "ini", "cfg", "conf", "json", "yaml", "yml", "elf", "so", "dylib", "plist", "sh", "pl", "rb", "c", "cpp", "cs", "java", "class", "swf", "eml", "msg", "one", "chm", "cpl", "ocx", "drv", "efi", "ko", "inc", "lua", "iqy", "slk", "sct", "inf", "reg", "svg", "png", "jpg", "jpeg", "gif", "bmp", "ico", "mp4", "mov", "mp3", "wav",
     # Office shows, templates and add-ins, OpenDocument, Hangul, metafiles, more media and scripts
     "pps", "ppsx", "ppsm", "potx", "potm", "ppam", "dotx", "xlt", "xltx", "xltm", "xla", "xlam", "wll", "odt", "ods", "odp", "hwp", "hwpx", "wmf", "emf", "avi", "wmv", "flv", "mkv", "ps2", "wsc", "psc1", "scf", "mdb", "accdb", "vba", "bas", "vhdx", "cmdline",
     # indicator and detection-rule files (OpenIOC, YARA) shipped beside a report
     "ioc", "yar", "yara"]
)

# The cheap look-ahead for a possible first character comes before the look-behind
# (both are zero-width: the order only changes how soon most positions are rejected).
# (Typographic quotes and brackets are made ASCII before the pattern pass: see
# ``scan.plain_punctuation``. A non-Latin-1 character here would slow every position down.)
_B = (
    r"[\s\x00\x02-\x08\x0e-\x1f\"'(\[{<>=,;|*:/\\!?`@&#+^~%)\]}.]"
    r"(?=[A-Za-z0-9~%/:]|\\\\(?:[A-Za-z0-9]|\.\\))(?<![\w\-\s\x01]\.)"
)
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}+)"
_TLD = r"(?:[A-Za-z][A-Za-z0-9-]{1,62}+)"
_DOMAIN = rf"(?:{_LABEL}\.){{1,30}}{_TLD}"
_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_PATH = r"[!-;=?-\[\]-{}~]"  # printable ASCII except space < > \ |
_SCHEME = r"(?i:h[xt]{2,3}ps?|hxxxs|hxttps?|h__ps?|httx|fxps?|ftx|meows?|https?|s?ftps?|tcp|udp|wss?|smb)"
_SEP = r"(?::/{1,3}|:\\\\|:__|__)"


def _trie(words: frozenset[str]) -> str:
    """An alternation of ``words`` factored by common prefixes, longest match first.

    ``doc(?:(?:m|x))?`` instead of ``docx|docm|doc``: the engine tries one branch per
    first letter instead of every word, which matters where a dotted run is tried
    as a file name at every position.
    """
    if "" in words and len(words) == 1:
        return ""
    groups: dict[str, set[str]] = {}
    for word in words:
        if word:
            groups.setdefault(word[0], set()).add(word[1:])
    branches = [re.escape(first) + _trie(frozenset(rest)) for first, rest in sorted(groups.items())]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in words else body


_EXT = _trie(FILE_EXTENSIONS)
#: The file extensions as one regex alternation (a trie), for other modules' patterns.
EXTENSION_ALTERNATION = _EXT

#: ``_PATH`` without "," and ";", which end a URL when another one follows at once
#: ("https://a.com/x,https://b.com/y" is two URLs).
_PATH_NC = r"[!-+\--:=?-\[\]-{}~]"
_NEXT_URL = r"(?!(?i:h[xt]{2,3}ps?|hxxxs|h__ps?|fxps?|s?ftps?)(?::|\[:\])//)"
_URL = rf"""(?P<url>(?P<scheme>{_SCHEME})(?P<sep>{_SEP})
    (?P<uhost>(?:[^\s/?#@<>"'\x01\\]{{1,128}}@)?(?:\[[0-9A-Fa-f:.]{{2,45}}\]|[A-Za-z0-9_.-]{{1,253}}))
    (?::\d{{1,5}})?(?:[/?#]{_PATH_NC}{{0,4096}}+(?:[,;]{_NEXT_URL}{_PATH_NC}{{0,4096}}+){{0,256}}+)?)"""
_SURL = rf"""(?P<surl>(?P<shost>{_DOMAIN}|{_IPV4})(?::\d{{1,5}})?/{_PATH}{{1,4096}})"""
_EMAIL = rf"""(?P<email>[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{{0,63}}+@(?P<ehost>{_DOMAIN}|\[{_IPV4}\]))(?![A-Za-z0-9_-])"""
# An address followed by a path ("1.2.3.4/x/y.sh", "1.2.3.4:8080/gate") is left to
# the scheme-less URL pattern; "/24" is a CIDR prefix.
_IP = rf"""(?P<ipv4>{_IPV4})(?:/(?P<cidr>\d{{1,2}})(?!\d))?(?![\w]|\.\d|(?::\d{{1,5}})?/(?!\d{{1,2}}(?!\d)){_PATH})"""
_MAC = r"""(?P<mac>[0-9A-Fa-f]{2}(?P<macsep>[:-])(?:[0-9A-Fa-f]{2}(?P=macsep)){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.\w)"""
_FNAME = rf"""(?P<fname>[A-Za-z0-9_-]{{1,100}}+(?:\.[A-Za-z0-9_-]{{1,40}}+){{0,3}}\.(?i:{_EXT}))(?![\w-]|\.[A-Za-z0-9])"""
_DOM = rf"""(?P<domain>{_DOMAIN})\.?(?![\w-]|\.[A-Za-z0-9])"""
_HIVE = r"(?:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG|HKLM|HKCU|HKCR|HKCC|HKU)"
_SEG = r"""[^\\\s"<>|\x01]+"""
# A key's name may hold blanks ("Windows NT", "User Shell Folders", "Session Manager"). Inside
# the key any word may follow a blank (no drive letter: "...\\Depend or drop C:\\temp" is prose);
# in its last name each word after a blank starts with a capital or a digit and the words are
# taken only when the key ends there (a quote, a bracket, the end of a line or a sentence):
# "...\\User Shell Folders</code>", but "...\\Shell Extensions registry key" is not sure.
_REG_INNER = r"""\ (?!HK)[^\\\s"<>|:\x01]+"""
_REG_LAST = r"""\ (?!HK)[A-Z0-9][^\\\s"<>|\x01]*"""
_REG_END = r"""[<>"'`)\]|]|[.,;:]?(?:\n|$)|[.,;]\s"""
_REG = rf"""(?P<reg>{_HIVE}(?:\\{{1,2}}{_SEG}(?:{_REG_INNER}){{0,8}}(?=\\)){{0,64}}(?:\\{{1,2}}{_SEG}(?:(?:{_REG_LAST}){{1,4}}(?={_REG_END}))?)?)"""
#: An environment variable as a path's root ("%TEMP%"); a name may hold digits after its
#: first character ("%System32%", "%ProgramW6432%"), a format conversion ("%08x%") may not.
_ENV = r"%[A-Za-z_][A-Za-z0-9_]{1,29}%"
_WSEG = r"""[^\\/:*?"<>|\s\x01]+"""
_WPATH = rf"""(?P<wpath>(?:[A-Za-z]:|{_ENV}|\\\\[A-Za-z0-9_.$-]{{1,63}}(?=\\))\\{{1,2}}(?:{_WSEG}(?:\ {_WSEG}){{0,8}}\\{{1,2}}){{0,64}}{_WSEG}
    |[A-Za-z]:/(?:{_WSEG}(?:\ {_WSEG}){{0,8}}/){{0,64}}{_WSEG})"""
_USEG = r"[A-Za-z0-9._-]+"
_UPATH = rf"""(?P<upath>(?<=[\s"'`\x01])~?/(?:{_USEG}(?:\ {_USEG}){{0,8}}/){{1,64}}{_USEG})"""
_HEX = r"""(?P<hex>(?:0x)?[0-9A-Fa-f]{32,128})(?![0-9A-Za-z])"""
_SSDEEP = r"""(?P<ssdeep>\d{1,10}:[A-Za-z0-9/+]{3,64}:[A-Za-z0-9/+]{3,64})(?![A-Za-z0-9/+:])"""
_IPV6 = r"""(?P<ipv6>(?:[0-9A-Fa-f]{0,4}:){2,7}+(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?)(?![\w:]|\.\w)"""
#: Hyphens as word processors write them: U+2010-U+2015 (non-breaking, en and em
#: dashes …) and the minus sign.
_DASH = "-\u2010-\u2015\u2212"
_CVE = rf"""(?P<cve>(?i:cve)[{_DASH}_ ]?(?P<cvey>\d{{4}})[{_DASH}_ ](?P<cven>\d{{4,7}}))(?!\d)"""
_ASN = r"""(?P<asn>(?:ASN?|asn|Asn)\ ?(?P<asnum>\d{1,10})|[Aa]s(?P<asnum2>\d{1,10}))(?![\w])"""
_XMR = r"""(?P<xmr>[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?)(?![A-Za-z0-9])"""
_BTC = r"""(?P<btc>[13][1-9A-HJ-NP-Za-km-z]{25,34}|(?i:bc1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71})(?![A-Za-z0-9])"""
# Internet Explorer 11's ends with a bare "like Gecko".
_UA = r"""(?P<ua>Mozilla/\d\.\d\ \([^()\n\x01]{1,200}\)(?:\ (?!Mozilla/)(?:[A-Za-z][\w.-]*/[\w.+-]+|\([^()\n\x01]{1,160}\)|like\ Gecko\b|[A-Z][A-Za-z]*(?=\ [A-Za-z][\w.-]*/\d)))*)"""

#: The second address of a range ("1.2.3.4-1.2.3.9"), tried after the first.
RANGE_END = compile_cached(rf"-(?P<ipv4>{_IPV4})(?![\w]|\.\d)")

_ORDER_MAIN = [_URL, _EMAIL, _IP, _SURL, _MAC, _FNAME, _DOM, _REG, _WPATH, _UPATH, _UA, _CVE,
               _ASN, _SSDEEP, _HEX, _XMR, _BTC, _IPV6]
# Inside a URL's path an address is one part of it ("/ip-address/1.2.3.4/info").
_IP_INNER = rf"""(?P<ipv4>{_IPV4})(?:/(?P<cidr>\d{{1,2}})(?!\d))?(?![\w]|\.\d)"""
_ORDER_INNER = [_EMAIL, _IP_INNER, _DOM, _HEX, _CVE]

# Every observable has, near its start, a '.', ':' or '@' (before any '/', '\\' or
# bracket), or is a long alphanumeric run (hashes, wallets), a CVE or AS number, a
# registry key, a %VAR% path, a dashed MAC address, a path or a user agent: this
# look-ahead rejects most positions before the alternatives are tried.
_GUARD = (
    r"(?!(?<=\d:)\d{1,4}:)"  # inside "1:2:3…" (IPv6, times): not a start
    # "[.:@] within 80 characters of the token": a possessive scan up to the first
    # character outside the class, which must be one of them (the same as a lazy
    # scan for the first [.:@], without its per-character cost).
    # An "@" first can only start an e-mail address, whose host has a dot (or is an
    # [IPv4]) right after its first label.
    r"(?=[^\s\x01/\[\](){}<>\"',;|\\.:@]{0,80}+(?:[.:]|@(?:[A-Za-z0-9_-]{1,63}\.|\[))"
    r"|[A-Za-z0-9]{25}|[Cc][Vv][Ee]|[Aa][Ss]"
    r"|HK|" + _ENV + r"|\\\\(?:[A-Za-z0-9]|\.\\)|[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-|[~/]|Mozilla/)"
)
ATOMS = compile_cached(_B + _GUARD + "(?:" + "|".join(_ORDER_MAIN) + ")", re.VERBOSE)
INNER = compile_cached(_B + _GUARD + "(?:" + "|".join(_ORDER_INNER) + ")", re.VERBOSE)
