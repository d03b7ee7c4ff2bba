from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import unmask
from tests.conftest import REPO
from unmask.extract import techniques as tech
from unmask.extract.techniques import extract_techniques

REPORT = """Operation Paper Lantern

The intrusion began with spearphishing emails carrying a malicious Word attachment.
When the victim enabled macros, a VBA macro launched powershell.exe with a Base64-encoded command.
The PowerShell script downloaded a second-stage payload from the C2 server over HTTPS.
The backdoor created a scheduled task named "UpdateCheck" with schtasks to run at every logon.
It then dumped credentials from LSASS memory using Mimikatz and moved laterally over RDP.
Collected files were compressed with RAR and exfiltrated over the existing C2 channel.

| Indicator | Type |
|-----------|------|
| evil.example | domain |
"""


def test_model_file_is_small_and_shipped() -> None:
    path = REPO / "src" / "unmask" / tech.MODEL_FILE
    assert path.is_file()
    assert path.stat().st_size <= 25_000_000


def test_mentions_have_sentence_spans_and_fields() -> None:
    mentions = extract_techniques(REPORT)
    ids = {m.technique_id for m in mentions}
    assert {"T1566.001", "T1059.001", "T1053.005", "T1003.001"} <= ids
    for m in mentions:
        sentence = m.span.of(REPORT)
        assert "\n" not in sentence and "|" not in sentence
        assert m.method in {"id", "name", "classifier"}
        assert 0.0 < m.confidence <= 1.0
        assert m.tactics, m
        assert m.name
    by_id = {m.technique_id: m for m in mentions}
    assert "schtasks" in by_id["T1053.005"].span.of(REPORT)
    assert by_id["T1053.005"].tactics == ("execution", "persistence", "privilege-escalation")


def test_explicit_ids_are_reported_with_method_id() -> None:
    text = "The report maps the lure to T1566.002 and the loader to T1086."
    mentions = extract_techniques(text)
    got = {(m.technique_id, m.method) for m in mentions}
    assert ("T1566.002", "id") in got
    assert ("T1059.001", "id") in got  # revoked id resolved to its successor


def test_unrelated_text_yields_nothing() -> None:
    text = (
        "The city council met on Tuesday to discuss the new bus timetable. "
        "Residents asked for more frequent services in the evening. "
        "The mayor promised a decision before the summer holidays."
    )
    assert extract_techniques(text) == []


def test_empty_and_headings_only() -> None:
    assert extract_techniques("") == []
    assert extract_techniques("Technical Analysis\n\nIndicators of Compromise\n") == []


def test_top_level_export() -> None:
    assert unmask.extract_techniques is extract_techniques


def test_scores_match_dense_computation() -> None:
    model = tech.load_model()
    texts = ("The malware injects code into explorer.exe.", "", "It runs schtasks to persist.")
    feats = tech.with_context([tech.sentence_features(s) for s in texts])
    got = model.scores(feats)
    for row, fl in enumerate(feats):
        counts: dict[int, int] = {}
        for f in fl:
            if f in model.vocab:
                counts[model.vocab[f]] = counts.get(model.vocab[f], 0) + 1
        x = {j: (1 + np.log(c)) * float(model.idf[j]) for j, c in counts.items()}
        norm = np.sqrt(sum(v * v for v in x.values())) or 1.0
        expected = model.bias.astype(np.float64).copy()
        for j, v in x.items():
            lo, hi = model.ptr[j], model.ptr[j + 1]
            expected[model.cols[lo:hi]] += v / norm * model.vals[lo:hi]
        np.testing.assert_allclose(got[row], expected, rtol=1e-4, atol=1e-4)


def test_model_round_trip(tmp_path: Path) -> None:
    model = tech.load_model()
    out = tmp_path / "m.npz"
    tech.save_model(model, out)
    again = tech.read_model(out)
    assert again.labels == model.labels
    assert again.threshold == pytest.approx(model.threshold)
    feats = [tech.sentence_features("Adversaries used rundll32.exe to load the DLL.")]
    np.testing.assert_allclose(again.scores(feats), model.scores(feats), rtol=1e-3, atol=1e-3)


def test_inference_does_not_import_training_libraries() -> None:
    # Load time is measured by benchmarks/techniques.py, not asserted here.
    code = (
        "import sys, time\n"
        "from unmask.extract.techniques import load_model, _name_index\n"
        "from unmask.reference.attack import attack_data\n"
        "attack_data()\n"
        "t = time.perf_counter()\n"
        "load_model(); _name_index()\n"
        "print(time.perf_counter() - t)\n"
        "print(any(m.split('.')[0] in ('sklearn', 'scipy', 'torch') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    _seconds, heavy = out.stdout.split()
    assert heavy == "False"


@pytest.mark.shared
def test_seed_article(seed_text: str) -> None:
    mentions = extract_techniques(seed_text)
    by_id: dict[str, list[str]] = {}
    for m in mentions:
        by_id.setdefault(m.technique_id, []).append(m.span.of(seed_text))
    assert any("spearphishing" in s for s in by_id.get("T1566", [])), by_id.keys()
    assert any("posing as" in s for s in by_id.get("T1656", [])), by_id.keys()
    assert any("spoofed domains" in s for s in by_id.get("T1583.001", [])), by_id.keys()
