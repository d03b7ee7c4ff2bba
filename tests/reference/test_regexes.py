"""compile_cached: the same patterns as re.compile, cold, from the file, or damaged."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from unmask.reference import regexes
from unmask.reference.regexes import compile_cached

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)(?:-(\d\d))?", 0),
    (r"\b(?:spear[\s-]?phishing|malspam)\b", re.IGNORECASE),
    (r"^\s*[-*•]\s+(.+)$", re.MULTILINE),
    (r"(?<![A-Za-z0-9])T(1\d{3})(?:[./](\d{3}))?(?![0-9])", 0),
    (r"(?x) a \s+ b  # verbose", 0),
    (r"[À-ÿ]+|\U0001F600", re.UNICODE),
    (rb"^<\?xml[^>]*\?>", re.IGNORECASE),
    (r"(a)|(?P<b>b)(?(1)c|d)", re.DOTALL),
]
SAMPLES = ["2024-06-01 and 1999-12", "SPEAR-PHISHING via malspam", " - item\n* two", "T1566.001 xT1059 T1003/001",
           "a   b", "été 😀", "<?XML version='1.0'?>", "abc bd bc"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("UNMASK_CACHE_DIR", str(tmp_path))
    regexes._forget()
    yield tmp_path
    regexes._forget()


def _same(a: re.Pattern[str] | re.Pattern[bytes], b: re.Pattern[str] | re.Pattern[bytes]) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    for sample in SAMPLES:
        text: str | bytes = sample.encode() if isinstance(a.pattern, bytes) else sample
        assert [m.groups() for m in a.finditer(text)] == [m.groups() for m in b.finditer(text)]  # type: ignore[arg-type]
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]  # type: ignore[arg-type]


def test_cold_then_from_the_file(cache: Path) -> None:
    for pattern, flags in PATTERNS:
        _same(compile_cached(pattern, flags), re.compile(pattern, flags))
    regexes._save()
    files = list(cache.glob("regex-*.pickle"))
    assert len(files) == 1
    assert len(pickle.loads(files[0].read_bytes())) == len(PATTERNS)
    regexes._forget()
    for pattern, flags in PATTERNS:
        _same(compile_cached(pattern, flags), re.compile(pattern, flags))
    assert not regexes._added  # all came from the file


def test_damaged_file_and_entries_compile_afresh(cache: Path) -> None:
    pattern, flags = PATTERNS[0]
    compile_cached(pattern, flags)
    regexes._save()
    path = next(cache.glob("regex-*.pickle"))
    table = pickle.loads(path.read_bytes())
    final, _code, groups, groupindex, indexgroup = table[(pattern, flags)]
    table[(pattern, flags)] = (final, [999, 1, 2], groups, groupindex, indexgroup)  # invalid engine code
    path.write_bytes(pickle.dumps(table))
    regexes._forget()
    _same(compile_cached(pattern, flags), re.compile(pattern, flags))
    path.write_bytes(b"not a pickle")
    regexes._forget()
    _same(compile_cached(pattern, flags), re.compile(pattern, flags))


def test_unwritable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("UNMASK_CACHE_DIR", str(blocker / "sub"))
    regexes._forget()
    try:
        _same(compile_cached(r"x+y", 0), re.compile(r"x+y"))
        regexes._save()  # cannot create the directory: silently skipped
    finally:
        regexes._forget()


def test_invalid_patterns_raise_like_re() -> None:
    with pytest.raises(re.error):
        compile_cached(r"(unclosed")
