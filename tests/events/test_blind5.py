"""Blind set 5 (issue 17 validation): 20 news texts and report excerpts in styles that
``articles_blind4`` does not use, written and annotated in full after the tuning on that set.

Scored once, with main at d93636a, before anything was tuned on it (``python -m
tests.targets.golden --blind5 -v -e``; ``--truth-published`` for the annotated dates):

- publication date read from the text: 8/20;
- events kind+date with the reader's dates: P 0.71 R 0.43 F1 0.54 (annotated dates:
  P 0.77 R 0.67 F1 0.71); the right date whatever the kind: 52/90 (75/90);
- headline actions with their date: 4/21 (13/21 with the annotated dates);
- events dated by page furniture: 1 (0 with the annotated dates);
- targets (role target/victim): P 0.89 R 0.56.

The set was then used to fix classes of error (issue 17, one mechanism per class, each tested
with sentences of its own). After that tuning, so no longer a blind estimate:

- publication date read from the text: 20/20;
- events kind+date: P 0.98 R 0.98 F1 0.98 with the reader's dates and with the annotated ones;
- headline actions with their date: 21/21; events dated by page furniture: 0;
- targets (role target/victim): P 0.91 R 0.70.

The floors sit a little under the after-tuning figures: they catch a regression. An honest
estimate for unseen text needs a new blind set.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.targets.golden import BLIND5, event_checks, load, names, published_of, run, score

KINDS = {
    "sanction", "indictment", "conviction", "arrest", "takedown", "advisory", "report",
    "activity-start", "activity-end", "campaign",
}
PRECISIONS = {"day": 10, "month": 7, "year": 4, "approximate": None}


def _totals(use_truth_date: bool) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for name in names(BLIND5):
        text, expected = load(name, BLIND5)
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
    assert len(names(BLIND5)) == 20
    for name in names(BLIND5):
        text, expected = load(name, BLIND5)
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
    assert _f1(read_dates["events"]) >= 0.92, read_dates["events"]
    assert _f1(truth_dates["events"]) >= 0.92, truth_dates["events"]


@pytest.mark.slow
def test_headline_actions_and_furniture(
    read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]
) -> None:
    assert truth_dates["headline"][0] >= 20, truth_dates["headline"]
    assert read_dates["headline"][0] >= 20, read_dates["headline"]
    assert truth_dates["furniture"][1] == 0, truth_dates["furniture"]
    assert read_dates["furniture"][1] == 0, read_dates["furniture"]


@pytest.mark.slow
def test_publication_dates_from_the_text(read_dates: dict[str, list[int]]) -> None:
    assert read_dates["published"][0] >= 19, read_dates["published"]


@pytest.mark.slow
def test_targets(truth_dates: dict[str, list[int]]) -> None:
    tp, fp, fn = truth_dates["targets"]
    assert tp >= 0.86 * (tp + fp) and tp >= 0.64 * (tp + fn), truth_dates["targets"]
