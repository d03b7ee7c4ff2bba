"""Every export format carries the TLP 2.0 label of the most restricted report in it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pymisp import MISPEvent

from tests.export.checks import layer_problems
from tests.export.conftest import TEXT, build_analysis
from unmask.errors import ExportError
from unmask.export.csv import to_csv
from unmask.export.knowledge import KB_FORMATS, export_knowledge, query_knowledge
from unmask.export.markdown import to_markdown
from unmask.export.navigator import to_navigator
from unmask.export.stix import TLP_LEVELS
from unmask.model import Analysis
from unmask.store import open as open_kb


def _layer_marking(layer: dict) -> tuple[str, str]:
    meta = {m["name"]: m["value"] for m in layer["metadata"]}
    return layer["description"].splitlines()[0], meta["TLP"]


def test_navigator_layer_carries_its_tlp(analysis: Analysis) -> None:
    (layer,) = to_navigator(analysis, tlp="red")
    assert _layer_marking(layer) == ("TLP:RED", "TLP:RED")
    assert layer_problems(layer) == []
    (plain,) = to_navigator(analysis)
    assert _layer_marking(plain) == ("TLP:CLEAR", "TLP:CLEAR")


def test_markdown_banner_opens_and_closes_the_brief(analysis: Analysis) -> None:
    lines = to_markdown(analysis, tlp="amber+strict").splitlines()
    assert lines[0] == lines[-1] == "**TLP:AMBER+STRICT**"
    assert lines[2].startswith("# Operation Glass Harbor")


def test_csv_has_a_tlp_column_on_every_row(analysis: Analysis) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(analysis, tlp="tlp:red"))))
    assert rows and {r["tlp"] for r in rows} == {"TLP:RED"}
    assert rows[0]["kind"] == "observable"  # the older columns are where they were


@pytest.mark.parametrize("writer", [to_markdown, to_csv])
def test_an_unknown_level_is_refused(analysis: Analysis, writer: object) -> None:
    with pytest.raises(ExportError):
        writer(analysis, tlp="blue")  # type: ignore[operator]


def _red_and_clear(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(db) as kb:
        kb.add_analysis(build_analysis(), tlp="clear")
        kb.add_analysis(build_analysis(TEXT + "\nA second, restricted sighting.\n", url=None), tlp="red")
    return db


@pytest.mark.parametrize("fmt", sorted(KB_FORMATS))
def test_knowledge_exports_carry_the_strictest_report_tlp(tmp_path: Path, fmt: str) -> None:
    with open_kb(_red_and_clear(tmp_path)) as kb:
        selection = query_knowledge(kb, actor="Kimsuky")
        text = export_knowledge(selection, fmt)
    assert selection.tlp == "red"
    if fmt == "stix":
        objects = json.loads(text)["objects"]
        marked = [o for o in objects if o["type"] != "marking-definition"]
        assert {tuple(o["object_marking_refs"]) for o in marked} == {(TLP_LEVELS["red"],)}
    elif fmt == "misp":
        event = MISPEvent()
        event.load(text)
        assert [t.name for t in event.tags if t.name.startswith("tlp:")] == ["tlp:red"]
    elif fmt == "navigator":
        assert _layer_marking(json.loads(text)) == ("TLP:RED", "TLP:RED")
    elif fmt == "markdown":
        assert text.startswith("**TLP:RED**\n") and text.endswith("\n**TLP:RED**")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 2 * len(to_csv(build_analysis()).splitlines()[1:])  # both reports
        assert {r["tlp"] for r in rows} == {"TLP:RED"}
