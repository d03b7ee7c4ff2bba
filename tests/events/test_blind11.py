"""Blind set 11 (issue 17, the honest unseen figure): 20 texts in everyday styles that the
earlier blind sets use little (see its README), written and annotated in full before any run on
them.

Scored once on the code as it was at bb2a1e0 (the start of the session that wrote it, before
any of its fixes), with the set and ``--blind11`` copied in
(``python -m tests.targets.golden --blind11 -v -e``; ``--truth-published`` for the annotated
dates):

- publication date read from the text: 15/20 (two wrong, three not read);
- events kind+date: P 0.53 R 0.44 F1 0.48 with the reader's dates (36 of 68 found right, 81
  annotated), P 0.54 R 0.49 F1 0.52 with the annotated ones; the right date whatever the kind:
  48/81 and 54/81;
- headline actions with their date: 7/21 (8/21 with the annotated dates);
- events dated by page furniture: 7;
- targets (role target/victim): P 0.96 R 0.55;
- attributions: P 0.80 R 0.77 F1 0.78 (sponsors and sponsor countries alone: P 0.79 R 0.94;
  motivations P 0.83 R 0.50).

The floors sit about 0.05 under these figures: they fail when a change breaks a class, not on
one article. Do not tune on this set; when it has been used to fix errors, say so here and write
a new one for the next honest figure.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.targets.golden import BLIND11, event_checks, load, names, published_of, run, score

KINDS = {
    "sanction", "indictment", "conviction", "arrest", "takedown", "advisory", "report",
    "activity-start", "activity-end", "campaign",
}
PRECISIONS = {"day": 10, "month": 7, "year": 4, "approximate": None}


def _totals(use_truth_date: bool) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for name in names(BLIND11):
        text, expected = load(name, BLIND11)
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
    assert len(names(BLIND11)) == 20
    for name in names(BLIND11):
        text, expected = load(name, BLIND11)
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
    assert _f1(read_dates["events"]) >= 0.43, read_dates["events"]
    assert _f1(truth_dates["events"]) >= 0.47, truth_dates["events"]


@pytest.mark.slow
def test_headline_actions_and_furniture(
    read_dates: dict[str, list[int]], truth_dates: dict[str, list[int]]
) -> None:
    assert truth_dates["headline"][0] >= 7, truth_dates["headline"]
    assert read_dates["headline"][0] >= 6, read_dates["headline"]
    assert truth_dates["furniture"][1] <= 9, truth_dates["furniture"]
    assert read_dates["furniture"][1] <= 9, read_dates["furniture"]


@pytest.mark.slow
def test_publication_dates_from_the_text(read_dates: dict[str, list[int]]) -> None:
    assert read_dates["published"][0] >= 14, read_dates["published"]


@pytest.mark.slow
def test_targets_and_attributions(truth_dates: dict[str, list[int]]) -> None:
    tp, fp, fn = truth_dates["targets"]
    assert tp >= 0.91 * (tp + fp) and tp >= 0.50 * (tp + fn), truth_dates["targets"]
    # Attributions are floored on F1 (0.78 when first scored): 26 annotated items make a
    # recall floor two items wide.
    tp, fp, fn = truth_dates["attributions"]
    assert 2 * tp >= 0.73 * (2 * tp + fp + fn), truth_dates["attributions"]
