"""Regular expressions compiled once per installation instead of once per process.

CPython turns a pattern into engine code in pure Python (``re._parser`` then
``re._compiler``); the extractors hold several hundred patterns, and compiling them
was a tenth of a second of every ``unmask`` command. :func:`compile_cached` keeps the
generated code in the reference cache directory and, on later runs, hands it straight
to the engine (``_sre.compile``, the last step of ``re.compile``), which validates it.
The result is an ordinary :class:`re.Pattern`, identical to ``re.compile``'s.

The file is keyed by the interpreter (``sys.implementation.cache_tag`` and the exact
Python version) and the engine's code version (``_sre.MAGIC``, ``_sre.CODESIZE``);
patterns first met in a process are added to it when the process exits. An
unreadable, foreign or missing file only means compiling as ``re.compile`` does.
"""

from __future__ import annotations

import atexit
import os
import pickle
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import AnyStr

from unmask.reference.cache import cache_dir, load_pickle

__all__ = ["compile_cached"]

try:  # CPython's engine and compiler; any other implementation compiles with re.compile
    import _sre  # type: ignore[import-not-found]  # no stubs: the engine is private
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - not CPython
    _sre = None

#: (flags as compiled, code, groups, groupindex, indexgroup): ``_sre.compile``'s arguments.
_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_lock = threading.Lock()
_codes: dict[tuple[str | bytes, int], _Entry] | None = None
_path: Path | None = None
_added = 0


def _file() -> Path:
    micro = ".".join(map(str, sys.version_info[:3]))
    tag = f"{sys.implementation.cache_tag}-{micro}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return cache_dir() / f"regex-{tag}.pickle"


def _read(path: Path) -> dict[tuple[str | bytes, int], _Entry]:
    try:
        value = load_pickle(path)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _table() -> dict[tuple[str | bytes, int], _Entry]:
    global _codes, _path
    if _codes is None:
        _path = _file()
        _codes = _read(_path)
    return _codes


def _generate(pattern: str | bytes, flags: int) -> _Entry:
    """What ``re._compiler.compile`` passes to ``_sre.compile``."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # opcodes are int subclasses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def compile_cached(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, with the compiled code kept across processes.

    For the fixed patterns of a module (its tables and rules), not for patterns built
    from input text: every distinct pattern is kept in the file.
    """
    flags = int(flags)
    if _sre is None or flags & re.DEBUG:  # pragma: no cover - not CPython / debugging
        return re.compile(pattern, flags)
    key = (pattern, flags)
    with _lock:
        codes = _table()
        entry = codes.get(key)
    if entry is not None:
        try:
            compiled: re.Pattern[AnyStr] = _sre.compile(pattern, *entry)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # a damaged entry: compile afresh
            pass
        else:
            return compiled
    try:
        entry = _generate(pattern, flags)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - a CPython whose compiler differs
        return re.compile(pattern, flags)
    with _lock:
        global _added
        if key not in codes:
            _added += 1
        codes[key] = entry
    compiled = _sre.compile(pattern, *entry)
    return compiled


@atexit.register
def _save() -> None:
    """Write the patterns first compiled in this process (merged with the file's)."""
    global _added
    with _lock:
        if not _added or _codes is None or _path is None:
            return
        _added = 0
        merged = {**_read(_path), **_codes}
        tmp: str | None = None
        try:
            _path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=_path.parent, prefix=".regex-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(merged, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _path)
        except (OSError, pickle.PicklingError):  # no cache only means compiling again next time
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def _forget() -> None:
    """Drop the in-memory table: the next call reads the file again (for tests)."""
    global _codes, _path, _added
    with _lock:
        _codes, _path, _added = None, None, 0
