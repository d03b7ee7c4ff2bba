"""Blind set 8 (issue 17, the honest unseen figure): 15 texts in styles none of
``articles_blind4`` to ``articles_blind7`` uses (see its README), written and annotated in full
while the error classes of ``articles_blind7`` were being fixed, before any run on them.

Scored once on the code as it was at 249dc6c (the start of that session, before any of its
fixes), with the set and ``--blind8`` copied in (``python -m tests.targets.golden --blind8 -v -e``;
``--truth-published`` for the annotated dates):

- publication date read from the text: 10/15 (1 wrong, 4 none);
- events kind+date with the reader's dates: P 0.65 R 0.51 F1 0.57 (annotated dates:
  P 0.68 R 0.59 F1 0.63); the right date whatever the kind: 52/81 (58/81);
- headline actions with their date: 9/16 (10/16 with the annotated dates);
- events dated by page furniture: 5 (5);
- targets (role target/victim): P 0.88 R 0.56;
- attributions: P 0.71 R 0.92 (sponsors and sponsor countries alone: P 0.84 R 0.91).

Scored once more on the working tree at eb11e45 (that session's fixes of blind7's classes
in, never tuned on this set by its author): events F1 0.59 (P 0.66 R 0.54; annotated dates
F1 0.65, P 0.66 R 0.63), date right 54/81 (60/81), headline 9/16 (10/16), furniture-dated 6 (6),
publication dates 10/15, targets and attributions unchanged. Two commits of that session
(3fa9d9f, 03512dc) added rules and fixtures for forms this set uses (a written answer's
"Answered on", an encyclopedia's "last edited on", an ad hoc disclosure's heading and dateline)
after the set was committed; only the 249dc6c figure is certainly blind.

The floors sit about 0.05 under the first figures: they fail when a change breaks a class, not on one
article. Do not tune on this set; when it has been used to fix errors, say so here and write a
new one for the next honest figure.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.targets.golden import BLIND8, event_checks, load, names, published_of, run, score

KINDS = {
    "sanction", "indictment", "conviction", "arrest", "takedown", "advisory", "report",
    "activity-start", "activity-end", "campaign",
}
PRECISIONS = {"day": 10, "month": 7, "year": 4, "approximate": None}


def _totals(use_truth_date: bool) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for name in names(BLIND8):
        text, expected = load(name, BLIND8)
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
    assert len(names(BLIND8)) == 15
    for name in names(BLIND8):
        text, expected = load(name, BLIND8)
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
    assert _f1(read_dates["events"]) >= 0.52, read_dates["events"]
    assert _f1(truth_dates["events"]) >= 0.58, truth_dates["events"]


@pytest.mark.slow
def test_headline_actions_and_furniture(
    read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]
) -> None:
    assert truth_dates["headline"][0] >= 8, truth_dates["headline"]
    assert read_dates["headline"][0] >= 7, read_dates["headline"]
    assert truth_dates["furniture"][1] <= 8, truth_dates["furniture"]
    assert read_dates["furniture"][1] <= 8, read_dates["furniture"]


@pytest.mark.slow
def test_publication_dates_from_the_text(read_dates: dict[str, list[int]]) -> None:
    assert read_dates["published"][0] >= 9, read_dates["published"]


@pytest.mark.slow
def test_targets_and_sponsors(truth_dates: dict[str, list[int]]) -> None:
    tp, fp, fn = truth_dates["targets"]
    assert tp >= 0.82 * (tp + fp) and tp >= 0.50 * (tp + fn), truth_dates["targets"]
    tp, fp, fn = truth_dates["attributions"]
    assert tp >= 0.64 * (tp + fp) and tp >= 0.85 * (tp + fn), truth_dates["attributions"]
