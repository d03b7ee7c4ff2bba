from __future__ import annotations

import dataclasses
import json

from tests.export.checks import layer_problems
from tests.export.conftest import TEXT, build_analysis
from unmask.export.navigator import DEFAULT_ATTACK_VERSION, to_navigator, to_navigator_json
from unmask.model import Analysis


def test_layer_validates_against_the_4_5_format(analysis: Analysis) -> None:
    layer = json.loads(to_navigator_json(analysis))
    assert layer_problems(layer) == []
    assert layer["versions"] == {"attack": "18", "navigator": layer["versions"]["navigator"], "layer": "4.5"}
    assert layer["domain"] == "enterprise-attack"
    assert layer["gradient"]["maxValue"] > layer["gradient"]["minValue"]


def test_schema_catches_a_broken_layer(analysis: Analysis) -> None:
    layer = json.loads(to_navigator_json(analysis))
    layer["techniques"][0]["techniqueID"] = "1059"
    del layer["domain"]
    assert len(layer_problems(layer)) == 2


def test_scores_from_confidence_and_comments_with_evidence(analysis: Analysis) -> None:
    layer = to_navigator(analysis)[0]
    by_id = {t["techniqueID"]: t for t in layer["techniques"]}
    assert by_id["T1059.001"]["score"] == 80
    assert by_id["T1071.001"]["score"] == 60
    start = TEXT.index("Victims open")
    assert f"(chars {start}-" in by_id["T1059.001"]["comment"]
    assert "PowerShell script" in by_id["T1059.001"]["comment"]


def test_default_attack_version(analysis: Analysis) -> None:
    layer = to_navigator(dataclasses.replace(analysis, reference_versions={}))[0]
    assert layer["versions"]["attack"] == DEFAULT_ATTACK_VERSION


def test_several_reports_one_layer_each_or_frequency(analysis: Analysis) -> None:
    other = dataclasses.replace(build_analysis(TEXT + "\nmore\n"), techniques=analysis.techniques[:1])
    layers = json.loads(to_navigator_json([analysis, other]))
    assert isinstance(layers, list) and len(layers) == 2
    merged = to_navigator([analysis, other], per_report=False)[0]
    scores = {t["techniqueID"]: t["score"] for t in merged["techniques"]}
    assert scores == {"T1059.001": 100, "T1071.001": 50}
    for layer in [*layers, merged]:
        assert layer_problems(layer) == []
