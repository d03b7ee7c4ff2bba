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

__all__ = ["glued_paths"]

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
#: Where a glued path can start: after a drive's colon or a variable's closing "%".
_NEEDLES = (":", "%")


def glued_paths(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, path)`` of each glued Windows path in ``text``, separators restored."""
    out: list[tuple[int, int, str]] = []
    for needle in _NEEDLES:
        i = text.find(needle)
        while i >= 0:
            nxt = text[i + 1 : i + 2]
            if nxt.isalpha() or nxt == "~":
                begin = i - 1 if needle == ":" else text.rfind("%", max(0, i - 20), i)
                if begin >= 0:
                    m = _GLUED.match(text, begin)
                    if m is not None and (m.group("folders") or needle == "%"):
                        folders = [_SPACES.sub(" ", f.group()) for f in _FOLDER.finditer(m.group("folders"))]
                        path = "\\".join([m.group("root"), *folders, m.group("name")])
                        out.append((m.start(), m.end(), path))
            i = text.find(needle, i + 1)
    out.sort()
    return out
