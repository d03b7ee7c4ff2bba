"""Blind set 9 (issue 17, the honest unseen figure): 12 texts in everyday news and report
styles (see its README), written and annotated in full before any run on them.

Scored once on the code as it was at 249dc6c (the start of the session that wrote it, before
any of its fixes), with the set and ``--blind9`` copied in
(``python -m tests.targets.golden --blind9 -v -e``; ``--truth-published`` for the annotated
dates, which here gives the same figures):

- publication date read from the text: 12/12;
- events kind+date: P 0.73 R 0.61 F1 0.67 (30 of 41 found, 49 annotated); the right date
  whatever the kind: 36/49;
- headline actions with their date: 9/14;
- events dated by page furniture: 2;
- targets (role target/victim): P 0.86 R 0.48;
- attributions: P 0.81 R 0.76 (sponsors and sponsor countries alone: P 0.92 R 0.79;
  motivations 2/4 found right, 2/3 annotated found).

The floors sit about 0.05 under these figures: they fail when a change breaks a class, not on
one article. Do not tune on this set; when it has been used to fix errors, say so here and write
a new one for the next honest figure.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.targets.golden import BLIND9, event_checks, load, names, published_of, run, score

KINDS = {
    "sanction", "indictment", "conviction", "arrest", "takedown", "advisory", "report",
    "activity-start", "activity-end", "campaign",
}
PRECISIONS = {"day": 10, "month": 7, "year": 4, "approximate": None}


def _totals(use_truth_date: bool) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for name in names(BLIND9):
        text, expected = load(name, BLIND9)
        truth: dict[str, Any] = expected["truth"]
        published = truth["published"] if use_truth_date else published_of(text, expected)
        findings = run(text, published)
        results = score(findings, truth)
        results.update(event_checks(findings, truth))
        right = published == truth["published"]
        results["published"] = (int(right), 0, int(not right))
        for key, counts in results.items():
            total = totals.setdefault(key, [0, 0, 0])
            for i, value in enumerate(counts):
                total[i] += value
    return totals


@pytest.fixture(scope="module")
def read_dates() -> dict[str, list[int]]:
    return _totals(use_truth_date=False)


@pytest.fixture(scope="module")
def truth_dates() -> dict[str, list[int]]:
    return _totals(use_truth_date=True)


def _f1(counts: list[int]) -> float:
    tp, fp, fn = counts
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def test_the_set_is_whole_and_well_formed() -> None:
    assert len(names(BLIND9)) == 12
    for name in names(BLIND9):
        text, expected = load(name, BLIND9)
        truth = expected["truth"]
        assert "findings" not in expected and expected["published"] is None, name
        assert text.strip() and truth["published"] and truth["events"], name
        for kind, date, precision in truth["events"]:
            assert kind in KINDS and precision in PRECISIONS, (name, kind, precision)
            width = PRECISIONS[precision]
            assert width is None or len(date) == width, (name, date, precision)
            assert date <= truth["published"], (name, date)
        for action in truth.get("headline", ()):
            assert action in truth["events"], (name, action)
        dates = {event[1] for event in truth["events"]}
        assert not dates & set(truth["furniture_dates"]), name
        assert len(truth["event_actors"]) == len(truth["events"]), name


@pytest.mark.slow
def test_events_kind_and_date(read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]) -> None:
    assert _f1(read_dates["events"]) >= 0.62, read_dates["events"]
    assert _f1(truth_dates["events"]) >= 0.62, truth_dates["events"]


@pytest.mark.slow
def test_headline_actions_and_furniture(
    read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]
) -> None:
    assert truth_dates["headline"][0] >= 8, truth_dates["headline"]
    assert read_dates["headline"][0] >= 8, read_dates["headline"]
    assert truth_dates["furniture"][1] <= 4, truth_dates["furniture"]
    assert read_dates["furniture"][1] <= 4, read_dates["furniture"]


@pytest.mark.slow
def test_publication_dates_from_the_text(read_dates: dict[str, list[int]]) -> None:
    assert read_dates["published"][0] >= 11, read_dates["published"]


@pytest.mark.slow
def test_targets_and_sponsors(truth_dates: dict[str, list[int]]) -> None:
    tp, fp, fn = truth_dates["targets"]
    assert tp >= 0.81 * (tp + fp) and tp >= 0.43 * (tp + fn), truth_dates["targets"]
    # Attributions are floored on F1 (0.78 when first scored): 17 annotated items make a
    # recall floor one item wide, and the later rule that a motivation must be stated
    # traded one motive found for three false ones left out (P 0.81 -> 0.92, R 0.76 -> 0.71).
    tp, fp, fn = truth_dates["attributions"]
    assert 2 * tp >= 0.72 * (2 * tp + fp + fn), truth_dates["attributions"]
