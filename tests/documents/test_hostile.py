"""Hostile input: whatever the bytes, the readers raise only UnmaskError, and fast."""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.documents.conftest import DOCS
from tests.documents.pdfs import make_pdf
from unmask.documents import parse_bytes
from unmask.errors import DocumentError, UnmaskError
from unmask.model import Document

FIXTURES = sorted(p.read_bytes() for p in DOCS.iterdir() if p.is_file())
SMALL_PDF = make_pdf(["Kimsuky page one", "APT43 page two"], info={"Title": "t"})

PREFIXES = [
    b"", b"%PDF-1.7\n", b"<!DOCTYPE html><html><body>", b"<?xml version='1.0'?>",
    b"<stix:STIX_Package xmlns:stix='http://stix.mitre.org/stix-1'>",
    b"<ioc xmlns='http://schemas.mandiant.com/2010/ioc'>", b'{"type": "bundle", "objects": [',
    b'{"Event": {"info": "x", "Attribute": [', b"From: a@b.example\nMessage-ID: <x@y>\n",
    b"From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\n",
    b"\xef\xbb\xbf", b"\xff\xfe", b"# Title\n",
]

#: Examples per property; raise it for a longer fuzzing run (3,000 each passes).
EXAMPLES = int(os.environ.get("UNMASK_FUZZ_EXAMPLES", "120"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _check(data: bytes) -> None:
    try:
        doc = parse_bytes(data, source="fuzz")
    except UnmaskError:
        return
    assert isinstance(doc, Document)
    assert isinstance(doc.text, str)
    for page in doc.pages:
        assert 0 <= page.start <= page.end <= len(doc.text)


@SETTINGS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data: bytes) -> None:
    _check(data)


@SETTINGS
@given(st.sampled_from(PREFIXES), st.binary(max_size=2048))
def test_arbitrary_bytes_after_a_format_prefix(prefix: bytes, data: bytes) -> None:
    _check(prefix + data)


@SETTINGS
@given(st.sampled_from([*FIXTURES, SMALL_PDF]), st.data())
def test_mutated_fixtures(original: bytes, data: st.DataObject) -> None:
    buf = bytearray(original)
    for _ in range(data.draw(st.integers(0, 8), label="edits")):
        if not buf:
            break
        at = data.draw(st.integers(0, len(buf) - 1), label="at")
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "truncate"]), label="action")
        if action == "flip":
            buf[at] = data.draw(st.integers(0, 255), label="byte")
        elif action == "cut":
            del buf[at:at + data.draw(st.integers(1, 64), label="n")]
        elif action == "insert":
            buf[at:at] = data.draw(st.binary(min_size=1, max_size=32), label="ins")
        else:
            del buf[at:]
    _check(bytes(buf))


HOSTILE = {
    "nul bytes in text": b"Kimsuky\x00 report\x00 " * 200,
    "one 5 MB line": b"a" * 5_000_000,
    "one long HTML line": b"<html><body><p>" + b"APT43 " * 200_000 + b"</p></body></html>",
    "deeply nested HTML": b"<html><body>" + b"<div>" * 50_000 + b"x" + b"</div>" * 50_000,
    "deeply nested JSON": b"[" * 200_000 + b"]" * 200_000,
    "deeply nested MIME": b"From: a@b\nMessage-ID: <x@y>\nContent-Type: multipart/mixed; boundary=b0\n\n"
                          + b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1)
                                     for i in range(400)) + b"a line of text\n" * 100_000,
    "nested MIME under the limit": b"From: a@b\nMessage-ID: <x@y>\nContent-Type: multipart/mixed; boundary=b0\n\n"
                                   + b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n"
                                              % (i, i + 1) for i in range(45)),
    "unclosed script tags": b"<html><body>" + b"<script>" * 100_000 + b"hidden",
    "truncated PDF": SMALL_PDF[: len(SMALL_PDF) * 2 // 3],
    "PDF header only": b"%PDF-1.4",
    "XML entity bomb": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                       + b"".join(b'<!ENTITY %s "%s">' % (b"a" * (i + 2), (b"&" + b"a" * (i + 1) + b";") * 10)
                                  for i in range(8))
                       + b']><ioc xmlns="http://schemas.mandiant.com/2010/ioc"><description>&aaaaaaaaa;'
                       + b"</description></ioc>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_finish_fast_with_a_document_or_a_document_error(name: str) -> None:
    started = time.perf_counter()
    try:
        doc = parse_bytes(HOSTILE[name], source=name)
    except DocumentError as exc:
        assert str(exc).startswith(f"{name}: ")
    else:
        assert isinstance(doc.text, str)
    assert time.perf_counter() - started < 30, "a reader is too slow on hostile input"


def test_deep_mime_nesting_is_refused_before_parsing() -> None:
    with pytest.raises(DocumentError, match="nests about 401 MIME levels"):
        parse_bytes(HOSTILE["deeply nested MIME"], source="bomb.eml")


def test_deeply_nested_html_keeps_its_text() -> None:
    assert parse_bytes(HOSTILE["deeply nested HTML"], source="deep.html").text == "x"


def test_analyze_of_a_folder_streams_each_analysis(tmp_path: pytest.TempPathFactory,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``unmask analyze FOLDER -f jsonl`` writes each analysis before it reads the next
    document, so no folder is held in memory at once."""
    from pathlib import Path

    from typer.testing import CliRunner

    import unmask.pipeline
    from unmask.cli import app

    root = Path(str(tmp_path))
    folder = root / "in"
    folder.mkdir()
    for k in range(4):
        (folder / f"r{k}.txt").write_text(f"Report {k}: APT28 used 203.0.113.{k} in 2024.",
                                          encoding="utf-8")
    output = root / "out.jsonl"
    real = unmask.pipeline.analyze
    written_before: list[int] = []

    def spying(*args, **kwargs):  # type: ignore[no-untyped-def]
        written_before.append(len(output.read_text().splitlines()) if output.exists() else 0)
        return real(*args, **kwargs)

    monkeypatch.setattr(unmask.pipeline, "analyze", spying)
    result = CliRunner().invoke(app, ["analyze", str(folder), "-f", "jsonl", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert written_before == [0, 1, 2, 3]
    assert len(output.read_text().splitlines()) == 4
