"""A lone surrogate code point in a document (review, session 10): JSON may escape one
("\\ud800") and Python keeps it in a str, but it has no UTF-8 form, so the compiled core,
the exports and the store failed on the whole document. The document replaces each by
U+FFFD (one code point for one: offsets stay right) and says so in its warnings."""

from __future__ import annotations

import json

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
    assert "\ufffd" in doc.text and any("surrogate" in w for w in doc.warnings)
    doc.text.encode("utf-8")


def test_a_clean_text_is_kept_as_it_is() -> None:
    text = "Plain text, ünïcödé and 中文 too."
    assert Document(text=text, source="s", format="text", sha256="0" * 64).text is text
