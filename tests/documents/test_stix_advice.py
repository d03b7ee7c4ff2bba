"""A STIX course of action is a defender's guidance: the reader gives its paragraph to
the document structure as advice, so the technique stage reads no technique from it
(a firewall setting about "decoders" is no deobfuscation), while the report's own
words keep theirs."""

from __future__ import annotations

import json

import pytest

import unmask
from unmask.documents import parse_bytes
from unmask.documents.structure import structure_of_document

pytestmark = pytest.mark.filterwarnings("error")

_TS = "2022-06-01T00:00:00.000Z"


def _obj(kind: str, n: int, **fields: object) -> dict[str, object]:
    return {"type": kind, "spec_version": "2.1", "id": f"{kind}--3c1f0a52-8e4b-4d7a-9f26-{n:012d}",
            "created": _TS, "modified": _TS, **fields}


def _bundle(*, with_advice: bool = True) -> bytes:
    tool = _obj("malware", 1, name="Quillpen", is_family=True,
                description="Quillpen decrypts its second stage with a single-byte key before it runs it.")
    advice = _obj("course-of-action", 2,
                  name="Set every decoder of the mail gateway to reset both ends of a session",
                  description=("Configure the gateway so that each decoder resets the session when a file "
                               "is flagged, and schedule a weekly task that unpacks the quarantine folder."))
    objects = [tool, advice] if with_advice else [tool]
    report = _obj("report", 3, name="Quillpen notes", published=_TS,
                  object_refs=[o["id"] for o in objects])
    return json.dumps({"type": "bundle", "id": "bundle--3c1f0a52-8e4b-4d7a-9f26-000000000009",
                       "objects": [report, *objects]}).encode()


def _read(data: bytes) -> unmask.Document:
    return parse_bytes(data, source="bundle.json")


def test_the_course_of_action_paragraph_is_advice_and_the_rest_is_not() -> None:
    doc = _read(_bundle())
    structure = structure_of_document(doc)
    start = doc.text.index("Course of action:")
    end = doc.text.index("quarantine folder.") + len("quarantine folder.")
    inside = [p for p in structure.passages if start <= p.span.start < end]
    assert inside and all("advice" in p.kinds for p in inside)
    outside = [p for p in structure.passages if not start <= p.span.start < end]
    assert outside and not any("advice" in p.kinds for p in outside)


def test_no_technique_is_read_from_the_guidance() -> None:
    doc = _read(_bundle())
    found = unmask.analyze(doc).techniques
    advice_start = doc.text.index("Course of action:")
    assert all(m.span.start < advice_start for m in found), [(m.technique_id, m.span) for m in found]
    # the malware's own description still names its deobfuscation
    assert "T1140" in {m.technique_id for m in found}


def test_a_bundle_without_a_course_of_action_keeps_the_plain_structure() -> None:
    doc = _read(_bundle(with_advice=False))
    assert doc.structure is None
    assert not any("advice" in p.kinds for p in structure_of_document(doc).passages)
