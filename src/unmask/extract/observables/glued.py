"""Windows paths whose backslashes a PDF text layer lost.

Old PDF reports often drop the backslashes of a path, so ``C:\\Windows\\System32\\vcmon.exe``
reads ``C:WindowsSystem32vcmon.exe`` and ``%windir%\\system32\\auto.dll`` reads
``%windir%system32auto.dll``; the main pass then sees one file name
``WindowsSystem32vcmon.exe``. A drive or an environment variable followed directly
by a letter is the sign: the well-known folder names after it are peeled off one by
one (longest first) and the rest is the file name, so the path is rebuilt with its
separators. Only these folder names are peeled, so a path whose folders are not
well-known is left as the main pass found it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from unmask.extract.observables.validate import domain_ok
from unmask.model import Observable, Span
from unmask.reference.regexes import compile_cached
from unmask.reference.suffixes import load_suffixes

__all__ = ["glued_paths", "layout_tokens", "may_be_glued", "with_layout_tokens"]

#: Folder names every Windows system has (the words a glued path is made of), longest
#: first. These are rarely the start of a file name, so the next letter may be lower case.
_FOLDERS = (
    r"Documents\s+and\s+Settings", r"Program\s+Files\s+\(x86\)", r"Program\s+Files", r"Common\s+Files",
    r"Application\s+Data", r"All\s+Users", r"Start\s+Menu", r"Ole\s+DB", "ProgramData", "System32", "SysWOW64",
    "Windows", "AppData", "Roaming", "Microsoft", "Startup",
)  # fmt: skip
#: Folder names that also start ordinary file names ("Systeminfo.exe", "Templates.dot"):
#: peeled only before a capital ("SystemOle DB", "TempUpdate.exe").
_CAPPED = ("System", "Users", "Local", "Temp", "Public", "Programs")
_GLUED = compile_cached(
    r"(?P<root>(?<![\w\\/%])[A-Za-z]:|%(?i:windir|systemroot|temp|tmp|appdata|localappdata|programdata|"
    r"userprofile|programfiles|public|allusersprofile)%)"
    r"(?P<folders>(?:(?:(?i:" + "|".join(_FOLDERS) + r")|(?i:" + "|".join(_CAPPED) + r")(?=[A-Z~]))\s?)*)"
    r"(?P<name>~?[\w$-]+(?: [A-Z][\w-]*)?\.[A-Za-z0-9]{2,4})(?![\w\\/]|\.\w)"
)
_FOLDER = compile_cached(r"(?i:" + "|".join(_FOLDERS) + r")|(?i:" + "|".join(_CAPPED) + r")(?=[A-Z~])")
_SPACES = compile_cached(r"\s+")
#: How far before a name the main pass found a glued path's root may stand.
_REACH = 160


#: How a name the main pass found inside a glued path begins: a folder glued to it
#: ("WindowsSystem32vcmon.exe", "system32auto.dll", "DBoledvbs.inc" of "Ole DB").
_GLUED_STARTS = ("windows", "system", "program", "documents", "users", "appdata", "temp", "db", "common",
                 "microsoft", "roaming", "startup", "application", "syswow64", "public", "local")  # fmt: skip


def may_be_glued(text: str, start: int, value: str) -> bool:
    """Whether the name ``value`` found at ``start`` may end a glued path (the cheap test)."""
    return text[start - 1 : start] in (":", "%", "~") or value[:11].lower().startswith(_GLUED_STARTS)


def glued_paths(text: str, ends: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, path)`` of each glued Windows path in ``text``, separators restored.

    ``ends`` are the ``(start, end)`` spans of the names the main pass found (a glued
    path always ends in one: ``WindowsSystem32vcmon.exe``); only the text before each,
    back to its line's drive or variable, is read, so the cost follows the names found.
    """
    out: list[tuple[int, int, str]] = []
    taken = -1
    for name_start, name_end in ends:
        if name_start <= taken:
            continue
        low = max(0, name_start - _REACH)
        colon = text.rfind(":", low, name_start)
        percent = text.rfind("%", low, name_start)
        for root in (colon - 1, text.rfind("%", low, percent) if percent > 0 else -1):
            if root < 0:
                continue
            m = _GLUED.match(text, root, name_end)
            if m is None or m.end() != name_end:
                continue
            if not m.group("folders") and not m.group("root").startswith("%"):
                continue
            folders = [_SPACES.sub(" ", f.group()) for f in _FOLDER.finditer(m.group("folders"))]
            out.append((m.start(), m.end(), "\\".join([m.group("root"), *folders, m.group("name")])))
            taken = name_end
            break
    return out


# -- tokens a PDF text layer split or glued ------------------------------------------

#: A blank (or a line break) a PDF text layer put before a host's last label
#: ("www.example.com .tw/a.exe", "10.20.30 .40", "host .net/x"): after a letter or digit,
#: a dot, then a lower-case label or a number. Prose never starts a word with a dot and a
#: lower-case letter (".NET" is capitalised).
_SPLIT = compile_cached(r"(?<=[A-Za-z0-9]) ?\n? ?(?=\.[a-z0-9])")
#: What follows the dot of a split: the last labels (lower case or digits), then what
#: shows the layout cut one token, not a sentence: a path, a port or query, or the end of
#: the line (a table cell). "http://example.com .org and more" is prose.
_LAST_LABEL = compile_cached(r"\.([a-z0-9][a-z0-9-]{0,62})(?:\.[a-z0-9][a-z0-9-]{0,62})*(?=[/:?#]|[ \t]*(?:\n|$))")
#: Where two table cells ran together: a file name's extension, then the next cell's
#: "www." or scheme ("…/diff.exewww.example.com").
_GLUED_CELL = compile_cached(
    r"\.(?:exe|dll|jar|zip|rar|doc|docx|xls|xlsx|pdf|rtf|scr|js|vbs|hta|php|html?|aspx?|bin|dat|gif|jpe?g|png)"
    r"(?=www\.|https?://|hxxps?://)"
)
#: Two host cells glued where the author defanged only the dot before each top-level label
#: ("h.example[.]comu.example[.]com" is "h.example[.]com" and "u.example[.]com"): after a
#: plain-dotted name, the defanged top-level label, then a name of the same form (its own
#: plain dot, then a defanged dot). A name defanged at every dot ("www[.]company[.]com")
#: has no plain dot before its first mark and is left whole.
_GLUED_DEFANG = compile_cached(
    r"(?<=[a-z0-9-]\.)[a-z0-9-]+\[\.\](?:com|net|org|info|biz|gov|edu)"
    r"(?=[a-z0-9][a-z0-9-]*\.[a-z0-9-]+\[\.\][a-z])"
)
_TOKEN_END = compile_cached(r"\S*")
#: What the main pass may read across two glued cells.
_GLUE_TYPES = frozenset({"domain", "url", "file_name", "file_path"})
_HOST_PART = compile_cached(r"[A-Za-z0-9][A-Za-z0-9.-]*")
#: The numbers after a split inside an address ("10.20.30 .40", "10.20 .30.40").
_NUMBERS = compile_cached(r"(?:\.\d{1,3}){1,3}(?![\d.]*[\w])")
#: A table cell glued to a host name's first label, seen when a split follows it:
#: "…/diff.exeuyghurweb .net/…" (the extension ends the cell).
_GLUED_TAIL = compile_cached(
    r"/[\w.-]*\.(?:exe|dll|jar|zip|rar|doc|docx|xls|xlsx|pdf|rtf|scr|js|vbs|hta|php|html?|aspx?|bin|dat)"
    r"(?=[a-z0-9-]+$)"
)
#: Labels that are also file extensions: a split before one needs a path after it to be a host's.
_FILE_LABELS = frozenset({"zip", "mov", "exe", "doc", "app", "py", "sh", "pl", "md", "rs", "one", "ps", "cs", "so"})
#: The longest token rebuilt (a URL's length in practice).
_MAX_TOKEN = 2048

# -- a value whose rest is on the next line ----------------------------------------------
#
# A PDF (or any text wrapped to a width) breaks a long value where the line is full: a
# cited URL goes on at the start of the next line, often indented ("…/library/report/\n
# 2008/2008-prc-…htm", "http://www.pop\n sci.com/…", "<http://…&docid=\n101387269&…>"),
# and so do a CVE id ("CVE-2017-\n11882") and a long hash. The next line's first token is
# the value's rest when the value cannot end where the line does: a URL opened with "<"
# and not closed, a host with no real top-level domain yet or ending in a dot, a path
# ending in a separator ("/", "-", "_", "=", "&", "?") whose rest reads as a path's tail
# and not as a host of its own, a CVE id without its number, a hex run that makes a hash
# length only with the next line's. Except inside angle brackets, the value's line must be
# full (a line of a list is often short, and its next line is the next value).

#: The line break between a value and its rest (blanks either side, the next line's indent).
_LINE_BREAK = compile_cached(r"[ \t\xa0]*\r?\n[ \t\xa0]*")
#: Where a URL starts inside a token.
_URL_START = compile_cached(r"(?i:[a-z][a-z0-9+.-]{1,9})://|(?i:www)\.")
#: The host at the start of a URL's rest: labels, then a path, a port, a query or the end.
_HOST_REST = compile_cached(r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9][A-Za-z0-9-]*)*(?=[/:?#]|[.,;>)\]]?$)")
#: A path's tail on the next line: no scheme, no blank, path characters only.
_PATH_REST = compile_cached(r"[A-Za-z0-9_%~.+/-][A-Za-z0-9_%~.+=&?#/:;,!$'*()@-]*")
#: What a path's tail holds that a word does not: a separator, a query or an extension.
_PATH_SHAPE = compile_cached(r"[/=&?]|\.[A-Za-z0-9]{1,5}(?:[>)\].,;]*$|[?#/])")
#: Separators a path is not written to end with before a line break.
_PATH_OPEN = frozenset("/-_=&?%~+")
_CVE_OPEN = compile_cached(r"(?i:cve)-\d{4}-$")
_CVE_REST = compile_cached(r"\d{4,7}(?![\w-])")
_HEX_TAIL = compile_cached(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{8,127}$")
_HEX_HEAD = compile_cached(r"[0-9A-Fa-f]{4,120}(?![0-9A-Za-z])")
_HASH_LENGTHS = frozenset({32, 40, 64, 128})
#: A line shorter than this holds all of its value (a list row, not a wrapped line).
_FULL_LINE = 45


def _line_is_full(text: str, end: int) -> bool:
    """Whether the line ending at ``end`` is long enough to have been wrapped."""
    low = end - _FULL_LINE
    return low >= 0 and text.rfind("\n", low, end) < 0


def _url_part(left: str) -> tuple[int, bool] | None:
    """Where the URL of the token ``left`` starts, and whether a "<" opens it unclosed."""
    at = -1
    for m in _URL_START.finditer(left):
        # the last URL of the token is the one the line break cuts; a "www." counts only
        # where a URL may start (not in a path: "…/www.example.org")
        if m.group()[-1] == "/" or not m.start() or left[m.start() - 1] in "<(\"'":
            at = m.start()
    if at < 0:
        return None
    return at, "<" in left[:at] and ">" not in left[at:]


def _rest_of_url(left: str, url_at: int, opened: bool, rest: str, *, indented: bool, whole: bool) -> bool:
    """Whether ``rest`` (the next line's first token) goes on with the URL of ``left``;
    ``indented``: the next line starts with a blank, ``whole``: the token is all of its
    line. A URL may end in "/" (then the next line's first token is its rest only when
    set apart by one of these) or in a path's word (only when set apart by both, as a
    reference list's hanging indent does: "…/tech-secur\n   ity-report.html.")."""
    if "://" in rest or rest[:4].lower() == "www." or rest[0] in "<(":
        return False
    if opened:
        return _PATH_REST.match(rest) is not None  # inside "<…>": anything until the ">"
    url = left[url_at:]
    after_scheme = url.partition("://")[2] if "://" in url else url
    suffixes = load_suffixes()
    if "/" not in after_scheme and "?" not in after_scheme:
        # The line ends in the host: its rest starts the next line ("www.pop" "sci.com/…",
        # "news.bbc." "co.uk/…"), when the host is not whole without it.
        host = after_scheme.rpartition("@")[2].lower()
        head = _HOST_REST.match(rest)
        if not host or head is None or not rest.startswith("/", head.end()):
            return False
        if host.endswith(".") or not domain_ok(host, suffixes):
            return domain_ok(host + head.group().lower(), suffixes)
        return False
    if url[-1] == "/":
        if rest[0] == "/" or not (indented or whole):
            return False
    elif url[-1] not in _PATH_OPEN and not (indented and whole):
        return False
    tail = _PATH_REST.match(rest)
    if tail is None or tail.end() != len(rest) or _PATH_SHAPE.search(rest) is None:
        return False
    first = rest.split("/", 1)[0].rstrip(".,;)>]").lower()
    # a name of its own on the next line ("…/\nexample.org/x") is not the path's rest
    return "." not in first or not domain_ok(first, suffixes)


def _continuation(text: str, left: str, end: int) -> int | None:
    """Where the rest of the value ending the token ``left`` (at ``end``) starts on the next
    line, or None when the value is whole."""
    brk = _LINE_BREAK.match(text, end)
    if brk is None or "\n" not in brk.group():
        return None
    at = brk.end()
    tok = _TOKEN_END.match(text, at)
    rest = tok.group() if tok is not None else ""
    if not rest:
        return None
    full = _line_is_full(text, end)
    if full:
        # Rows of a list that start alike ("Item/URL is https://…/" twice) are two values.
        line_start = text.rfind("\n", end - _MAX_TOKEN if end > _MAX_TOKEN else 0, end) + 1
        head = _TOKEN_END.match(text, line_start)
        if head is not None and head.group() == rest:
            return None
    url = _url_part(left)
    if url is not None:
        indented = brk.group()[-1] in " \t\xa0"
        whole = at + len(rest) == len(text) or _LINE_BREAK.match(text, at + len(rest)) is not None
        if (url[1] or full) and _rest_of_url(left, url[0], url[1], rest, indented=indented, whole=whole):
            return at
        return None
    if not full:
        return None
    if left[-1] == "-" and _CVE_OPEN.search(left[-10:]) and _CVE_REST.match(rest):
        return at
    hex_tail = _HEX_TAIL.search(left[-127:])
    if hex_tail is not None and len(hex_tail.group()) not in _HASH_LENGTHS:
        head = _HEX_HEAD.match(rest)
        if head is not None and len(hex_tail.group()) + len(head.group()) in _HASH_LENGTHS:
            return at
    return None


#: A Windows folder whose name has blanks, cut at a line end after its first word
#: ("C:\\Program" / "Files\\Symantec\\…", "C:\\DOCUMENTS" / "AND SETTINGS\\…"): the rest of
#: its name on the next line, by its first word.
_FOLDER_RESTS = {
    "program": compile_cached(r"(?i:files)(?:[ \t]+\((?i:x86)\))?(?=[\\/\"'”’\s]|$)"),
    "documents": compile_cached(r"(?i:and)(?:[ \t\xa0]+|[ \t\xa0]*\r?\n[ \t\xa0]*)(?i:settings)(?=[\\/\"'”’\s]|$)"),
    "common": compile_cached(r"(?i:files)(?=[\\/\"'”’\s]|$)"),
    "application": compile_cached(r"(?i:data)(?=[\\/\"'”’\s]|$)"),
    "all": compile_cached(r"(?i:users)(?=[\\/\"'”’\s]|$)"),
    "start": compile_cached(r"(?i:menu)(?=[\\/\"'”’\s]|$)"),
    "local": compile_cached(r"(?i:settings)(?=[\\/\"'”’\s]|$)"),
}
#: A Windows path's start: a drive, an environment variable or a share.
_PATH_ROOT = compile_cached(r"[\"'“‘(]?(?:[A-Za-z]:\\|%\w+%\\|\\\\)")


#: What stands between a folder name's words in a path being joined: a line break (the
#: path's line was full) or, further on, a blank ("…\\LOCAL SETTINGS\\Temp").
_FOLDER_GAP = compile_cached(r"[ \t\xa0]*(?:\r?\n)?[ \t\xa0]*")


def _folder_rest(text: str, left: str, end: int) -> int | None:
    """Where the rest of a folder name cut after ``left`` (at a line end, or at a blank
    further on in a path being joined) ends (see :data:`_FOLDER_RESTS`), or None."""
    cut = left.rfind("\\")
    if cut < 0 or not _PATH_ROOT.match(left):
        return None
    rest = _FOLDER_RESTS.get(left[cut + 1 :].lower())
    if rest is None:
        return None
    brk = _FOLDER_GAP.match(text, end)
    if brk is None or brk.end() == end:
        return None
    m = rest.match(text, brk.end())
    return m.end() if m is not None else None


def _line_candidates(text: str) -> list[int]:
    """Offsets of tokens that end a line holding a URL, a CVE id's year or a hex run
    (each token looked at once)."""
    out: list[int] = []
    seen = -1
    for needle in ("://", "www.", "www.".upper(), "CVE-", "cve-", ":\\", "%\\"):
        i = text.find(needle)
        while i >= 0:
            if i >= seen:
                tok = _TOKEN_END.match(text, i)
                end = tok.end() if tok is not None else i
                seen = max(seen, end)
                brk = _LINE_BREAK.match(text, end)
                if (brk is not None and "\n" in brk.group()) or (needle[0] in ":%" and _WORD_THEN_BREAK.match(text, end)):
                    out.append(i)
            i = text.find(needle, i + 1)
        seen = -1
    for m in _HEX_LINE_END.finditer(text):
        out.append(m.start())
    return out


#: One word, then the line's end: a path's folder name may be cut after its second word
#: ("C:\\Documents and" / "Settings\\…").
_WORD_THEN_BREAK = compile_cached(r"[ \t\xa0]+[A-Za-z]+[ \t\xa0]*\r?\n")
#: A hex run (not a hash length of its own, checked later) that ends its line.
_HEX_LINE_END = compile_cached(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{8,127}(?=[ \t]*\r?\n[ \t]*[0-9A-Fa-f]{4})")


def _token_start(text: str, at: int) -> int:
    """Where the token holding ``at`` starts (after the blank before it)."""
    low = max(0, at - _MAX_TOKEN)
    return max(text.rfind(" ", low, at), text.rfind("\n", low, at), text.rfind("\t", low, at), low - 1) + 1


def _split_ok(left: str, text: str, dot: int) -> bool:
    """Whether the blank before ``text[dot:]`` split one token: the numbers on both sides
    make the four of an IPv4 address, or the labels after it end a host where a path,
    a port or the line's end follows, and the left part is a dotted name (or the labels go
    on into a path: "uyghurweb .net/player/x.jar")."""
    if not left or not left[-1].isalnum():
        return False
    host = left.rpartition("://")[2]
    if _HOST_PART.fullmatch(host) is None:
        return False  # the blank is in a path, not a host ("a.com/x .y"), or in no name (".text:1018")
    numbers = _NUMBERS.match(text, dot)
    if numbers is not None:
        parts = host.split(".")
        return all(p.isdigit() and len(p) <= 3 for p in parts) and len(parts) + numbers.group().count(".") == 4
    m = _LAST_LABEL.match(text, dot)
    if m is None:
        return False
    follows_path = text.startswith("/", m.end())
    if m.group(1) in _FILE_LABELS and not follows_path:
        return False
    return "." in host or follows_path


def layout_tokens(text: str, glued_at: Iterable[int] = ()) -> list[tuple[int, str, list[int]]]:
    """``(start, repaired, index)`` of each token a PDF text layer split before a host's
    last label or glued to the next table cell: ``repaired`` is the token with those
    blanks taken out and a blank put between glued cells, ``index[i]`` the offset in
    ``text`` of ``repaired[i]``. Splits are found with ``str.find`` on " ." and a line
    starting with a dot (linear in the text); glued cells at ``glued_at``, the offsets of
    values the main pass read across them (``diff.exewww.example.com``)."""
    candidates: list[int] = []
    for needle in (" .", "\n."):
        i = text.find(needle)
        while i >= 0:
            # after a letter or digit, before a lower-case label or a number
            if i and text[i - 1].isalnum() and text[i + 2 : i + 3].isalnum() and not text[i + 2].isupper():
                candidates.append(i)
            i = text.find(needle, i + 2)
    for at in glued_at:
        candidates.append(at)
    candidates.extend(_line_candidates(text))
    if not candidates:
        return []
    candidates.sort()
    out: list[tuple[int, str, list[int]]] = []
    taken = -1
    for at in candidates:
        if at < taken:
            continue
        start = _token_start(text, at)
        chars: list[str] = []
        index: list[int] = []
        pos = start
        changed = False
        while True:
            tok = _TOKEN_END.match(text, pos)
            end = tok.end() if tok is not None else pos
            glue = [g.end() for g in _GLUED_CELL.finditer(text, pos, end)]
            if "[" in text[pos:end]:
                glue = sorted(glue + [g.end() for g in _GLUED_DEFANG.finditer(text, pos, end)])
            for offset in range(pos, end):
                if glue and offset == glue[0]:
                    glue.pop(0)
                    chars.append(" ")
                    index.append(offset)
                    changed = True
                chars.append(text[offset])
                index.append(offset)
            blank = _SPLIT.match(text, end)
            if end - start > _MAX_TOKEN:
                break
            if blank is None or blank.end() == end:
                # no split before a host's last label: perhaps a value's rest on the next line
                whole = "".join(chars) if end > pos else ""
                left = whole.rpartition(" ")[2]
                folder = _folder_rest(text, whole, end) if left else None
                if folder is not None:
                    # a folder name with blanks: a blank stands for the line break
                    brk_end = _FOLDER_GAP.match(text, end).end()  # type: ignore[union-attr]
                    chars.append(" ")
                    index.append(brk_end)
                    for offset in range(brk_end, folder):
                        if not text[offset].isspace():
                            chars.append(text[offset])
                            index.append(offset)
                        elif not text[offset - 1].isspace():
                            chars.append(" ")  # the blanks and line break between its words: one blank
                            index.append(offset)
                    changed = changed or "\n" in text[end:folder]
                    pos = folder
                    continue
                rest = _continuation(text, left, end) if left else None
                if rest is None:
                    break
                pos = rest
                changed = True
                continue
            dot = blank.end()
            left = "".join(chars).rpartition(" ")[2]
            if not _split_ok(left, text, dot):
                tail = _GLUED_TAIL.search(left)
                if tail is None or not _split_ok(left[tail.end() :], text, dot):
                    break
                at = len(chars) - len(left) + tail.end()
                chars.insert(at, " ")
                index.insert(at, index[at])
            pos = dot
            changed = True
        if changed:
            out.append((start, "".join(chars), index))
        taken = end
    return out


def with_layout_tokens(found: list[Observable], text: str, extract: Callable[[str], list[Observable]]) -> list[Observable]:
    """``found`` with each token :func:`layout_tokens` repairs read again as repaired: what
    the main pass found inside such a token is replaced by what ``extract`` finds in the
    repaired token (all tokens in one call), with spans and surfaces in ``text``."""
    glued = [
        o.span.start
        for o in found
        if o.type in _GLUE_TYPES
        and (_GLUED_CELL.search(o.value) or ("[" in o.surface and _GLUED_DEFANG.search(o.surface)))
    ]
    tokens = layout_tokens(text, glued)
    if not tokens:
        return found
    repaired = "\n".join(r for _, r, _ in tokens)
    bases: list[int] = []
    at = 0
    for _, r, _ in tokens:
        bases.append(at)
        at += len(r) + 1
    spans = [(index[0], index[-1] + 1) for _, _, index in tokens]
    new: list[Observable] = []
    i = 0
    for obs in extract(repaired):  # in order of appearance
        while i + 1 < len(bases) and obs.span.start >= bases[i + 1]:
            i += 1
        index = tokens[i][2]
        s, e = obs.span.start - bases[i], obs.span.end - bases[i]
        if e <= s or e > len(index):
            continue
        start, end = index[s], index[e - 1] + 1
        new.append(replace(obs, surface=text[start:end], span=Span(start, end)))
    kept = []
    j = 0
    for obs in found:  # in order of appearance
        while j < len(spans) and spans[j][1] <= obs.span.start:
            j += 1
        if j < len(spans) and spans[j][0] <= obs.span.start and obs.span.end <= spans[j][1]:
            continue
        kept.append(obs)
    return sorted(kept + new, key=lambda o: (o.span.start, o.span.end, o.type))
