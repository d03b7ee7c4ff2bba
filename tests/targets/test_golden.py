"""Golden articles: exact regression output plus precision/recall against hand truth."""

from __future__ import annotations

import pytest

from tests.targets.golden import load, names, run, score


@pytest.mark.parametrize("name", names())
def test_golden_findings(name: str) -> None:
    text, expected = load(name)
    findings = run(text, expected.get("published"))
    for group in ("targets", "attributions", "malware"):
        for item in findings[group]:
            start, end = item["span"]
            assert text[start:end] == item["surface"], (group, item)
    for event in findings["events"]:
        start, end = event["span"]
        assert event["date_surface"] in text[start:end]
    assert findings == expected["findings"], (
        f"{name}: output changed; review and run `python -m tests.targets.golden --regen`"
    )


def test_golden_set_precision_and_recall() -> None:
    totals: dict[str, list[int]] = {}
    for name in names():
        text, expected = load(name)
        for key, counts in score(run(text, expected.get("published")), expected["truth"]).items():
            total = totals.setdefault(key, [0, 0, 0])
            for i, count in enumerate(counts):
                total[i] += count
    floors = {"events": (0.85, 0.85), "targets": (0.9, 0.9), "attributions": (0.85, 0.9), "malware": (0.8, 0.9)}
    for key, (p_floor, r_floor) in floors.items():
        tp, fp, fn = totals[key]
        assert tp / (tp + fp) >= p_floor, (key, totals[key])
        assert tp / (tp + fn) >= r_floor, (key, totals[key])
