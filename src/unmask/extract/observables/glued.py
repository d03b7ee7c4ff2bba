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

from unmask.reference.regexes import compile_cached

__all__ = ["glued_paths", "may_be_glued"]

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
