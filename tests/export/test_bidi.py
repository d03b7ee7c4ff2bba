"""Bidirectional controls in report text are shown as ``<U+XXXX>`` in the prose of STIX
and MISP exports (descriptions, notes, comments), as the server's pages show them;
values and indicator patterns stay exact."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tests.export.conftest import TEXT, build_analysis
from unmask.export.misp import to_misp_json
from unmask.export.stix import to_stix_json
from unmask.model import Analysis, Observable, Span
from unmask.store.display import BIDI_CONTROLS

RLO, LRI = "\u202e", "\u2066"
#: A lure name that displays as "invoiceexe.pdf" when the override is honoured.
LURE = f"invoice{RLO}fdp.exe"


def _hostile() -> Analysis:
    text = (TEXT.replace("It beacons to", f"It {LRI}beacons to")
            + f"The lure was saved as {LURE} on the desktop.\n")
    analysis = build_analysis(text)
    at = text.index(LURE)
    lure = Observable("file_name", LURE, LURE, Span(at, at + len(LURE)))
    metadata = dataclasses.replace(analysis.document.metadata, title=f"Operation {RLO}Glass Harbor",
                                   authors=(f"A. {RLO}Analyst",))
    document = dataclasses.replace(analysis.document, metadata=metadata)
    return dataclasses.replace(analysis, document=document,
                               observables=(*analysis.observables, lure))


def _raw(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)


def _strings(node: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _strings(v, k)]
    if isinstance(node, list):
        return [p for v in node for p in _strings(v, key)]
    return [(key, node)] if isinstance(node, str) else []


def test_stix_prose_shows_controls_and_keeps_values_exact() -> None:
    objects = json.loads(to_stix_json(_hostile()))["objects"]
    prose = [(k, v) for o in objects for k, v in _strings(o) if k in ("description", "content", "abstract")]
    assert prose and not [v for _, v in prose if _raw(v)]
    shown = "\n".join(v for _, v in prose)
    assert "<U+2066>beacons" in shown  # a technique's evidence quote
    assert "invoice<U+202E>fdp.exe" in shown  # the lure's indicator description
    assert "By A. <U+202E>Analyst" in shown
    indicator = next(o for o in objects if o["type"] == "indicator" and "file:name" in o["pattern"])
    assert indicator["pattern"] == f"[file:name = '{LURE}']"
    assert any(o["type"] == "file" and o.get("name") == LURE for o in objects)


def test_misp_comments_show_controls_and_keep_values_exact() -> None:
    event = json.loads(to_misp_json(_hostile()))["Event"]
    attributes = {a["value"]: a for a in event["Attribute"]}
    assert LURE in attributes  # the value itself, as written
    comments = [a["comment"] for a in event["Attribute"]]
    assert not [c for c in comments if _raw(c)]
    assert any("<U+202E>" in c for c in comments)
    assert "<U+202E>" in attributes[LURE]["comment"]
    summary = next(a["value"] for o in event["Object"] for a in o["Attribute"] if a["object_relation"] == "summary")
    assert not _raw(summary)
    assert event["info"] == "Operation <U+202E>Glass Harbor"


def test_text_without_controls_is_unchanged() -> None:
    # The plain fixture has no control: its exports are what they were.
    plain = build_analysis()
    assert "<U+" not in to_stix_json(plain) and "<U+" not in to_misp_json(plain)
