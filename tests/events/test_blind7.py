"""Blind set 7 (issue 17, the honest unseen figure): 15 texts in styles none of
``articles_blind4``, ``articles_blind5`` and ``articles_blind6`` uses (see its README), written
and annotated in full after the event and target extractors had been tuned on all three.

Scored once, with main at 42bc9f2 (the commit that added the set, before any run on it),
before anything was tuned on it (``python -m tests.targets.golden --blind7 -v -e``;
``--truth-published`` for the annotated dates):

- publication date read from the text: 12/15 (1 wrong, 2 none);
- events kind+date with the reader's dates: P 0.66 R 0.59 F1 0.63 (annotated dates:
  P 0.65 R 0.59 F1 0.62); the right date whatever the kind: 53/69 (55/69);
- headline actions with their date: 12/19 (12/19 with the annotated dates);
- events dated by page furniture: 4 (4);
- targets (role target/victim): P 1.00 R 0.49;
- attributions: P 0.60 R 0.80 (sponsors and sponsor countries alone: P 0.83 R 0.77).

Scored once more at the end of the session that tuned on blind6 (never tuned on this set):
events F1 0.65 (P 0.67 R 0.64), headline 12/19, furniture-dated 6, publication dates 12/15,
targets P 1.00 R 0.52. The floors sit about 0.05 under these (a review found the first ones
let a 30 % drop pass): they fail when a change breaks a class, not on one article.

USED TO FIX ERRORS (session 8, helper W1, issue 17): blind7's errors were read and their
classes fixed, one mechanism each, with fixtures of our own words
(``tests/fixtures/events_classes``, ``tests/events/test_event_classes.py``). After:
events F1 0.95 (P 0.93 R 0.97; 0.95 with the annotated dates), headline 19/19,
furniture-dated 2, publication dates 15/15. These figures are tuned figures now, not
honest ones: ``articles_blind8`` (written while this was done) gives the next honest figure.
The floors below sit about 0.05 under the tuned figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.targets.golden import BLIND7, event_checks, load, names, published_of, run, score

KINDS = {
    "sanction", "indictment", "conviction", "arrest", "takedown", "advisory", "report",
    "activity-start", "activity-end", "campaign",
}
PRECISIONS = {"day": 10, "month": 7, "year": 4, "approximate": None}


def _totals(use_truth_date: bool) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for name in names(BLIND7):
        text, expected = load(name, BLIND7)
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
    assert len(names(BLIND7)) == 15
    for name in names(BLIND7):
        text, expected = load(name, BLIND7)
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
    assert _f1(read_dates["events"]) >= 0.90, read_dates["events"]
    assert _f1(truth_dates["events"]) >= 0.90, truth_dates["events"]


@pytest.mark.slow
def test_headline_actions_and_furniture(
    read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]
) -> None:
    assert truth_dates["headline"][0] >= 18, truth_dates["headline"]
    assert read_dates["headline"][0] >= 18, read_dates["headline"]
    assert truth_dates["furniture"][1] <= 3, truth_dates["furniture"]
    assert read_dates["furniture"][1] <= 3, read_dates["furniture"]


@pytest.mark.slow
def test_publication_dates_from_the_text(read_dates: dict[str, list[int]]) -> None:
    assert read_dates["published"][0] >= 14, read_dates["published"]


@pytest.mark.slow
def test_targets_and_sponsors(truth_dates: dict[str, list[int]]) -> None:
    tp, fp, fn = truth_dates["targets"]
    assert tp >= 0.90 * (tp + fp) and tp >= 0.46 * (tp + fn), truth_dates["targets"]
    tp, fp, fn = truth_dates["attributions"]
    assert tp >= 0.50 * (tp + fp) and tp >= 0.70 * (tp + fn), truth_dates["attributions"]
