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

from unmask.model import Observable, Span
from unmask.reference.regexes import compile_cached

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
            if blank is None or blank.end() == end or end - start > _MAX_TOKEN:
                break
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
