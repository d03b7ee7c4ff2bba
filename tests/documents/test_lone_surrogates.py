"""A lone surrogate code point in a document (review, session 10): JSON may escape one
("\\ud800") and Python keeps it in a str, but it has no UTF-8 form, so the compiled core,
the exports and the store failed on the whole document. The document replaces each by
U+FFFD (one code point for one: offsets stay right) and says so in its warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unmask
from unmask.documents import parse_bytes
from unmask.model import Document

pytestmark = pytest.mark.filterwarnings("error")


def test_a_text_with_a_lone_surrogate_is_analysed() -> None:
    analysis = unmask.analyze("The relay evil-relay.example.org \ud800 took the stolen files.")
    assert "evil-relay.example.org" in {o.value for o in analysis.observables}
    start = next(o.span.start for o in analysis.observables if o.value == "evil-relay.example.org")
    assert start == len("The relay ")


def test_a_stix_string_escaping_one_is_read_and_said() -> None:
    event = {"Event": {"info": "Relay \\ud800 hosts", "date": "2025-04-30", "Attribute": [
        {"type": "domain", "category": "Network activity", "value": "relay.badzone.example", "to_ids": True}]}}
    data = json.dumps(event).replace("\\\\ud800", "\\ud800").encode()
    doc = parse_bytes(data, source="m.json")
    assert "\ufffd" in doc.text  # replaced where the JSON is decoded
    doc.text.encode("utf-8")


def test_a_clean_text_is_kept_as_it_is() -> None:
    text = "Plain text, ünïcödé and 中文 too."
    assert Document(text=text, source="s", format="text", sha256="0" * 64).text is text


def test_a_stix_bundle_with_one_in_names_is_stored(tmp_path: Path) -> None:
    # review MEDIUM-4: the document's text was cleaned, but the title and the structured
    # findings kept the surrogate and the store failed on the file
    from unmask.ingest import ingest
    from unmask.store import open_kb

    bundle = ('{"type": "bundle", "id": "bundle--5b1d7e2a-9c4f-4a8b-8e3d-2f6a1c0b9d44", "objects": ['
              '{"type": "report", "spec_version": "2.1", "id": "report--6c2e8f3b-0d5a-4b9c-9f4e-3a7b2d1c0e55",'
              ' "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z", "name": "Relay \\ud800 notes",'
              ' "published": "2025-01-01T00:00:00Z", "object_refs": ["malware--7d3f9a4c-1e6b-4c0d-8a5f-4b8c3e2d1f66"]},'
              '{"type": "malware", "spec_version": "2.1", "id": "malware--7d3f9a4c-1e6b-4c0d-8a5f-4b8c3e2d1f66",'
              ' "created": "2025-01-01T00:00:00Z", "modified": "2025-01-01T00:00:00Z", "name": "Bad\\ud800Family",'
              ' "is_family": true}]}')
    path = tmp_path / "bundle.json"
    path.write_text(bundle, encoding="ascii")
    doc = parse_bytes(path.read_bytes(), source=str(path))
    assert doc.metadata.title == "Relay \ufffd notes"
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        result = ingest(kb, [str(path)])
    assert [e.status for e in result.events] == ["added"], result.events
