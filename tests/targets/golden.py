"""Golden articles for targets, attribution, malware and events.

Each ``tests/fixtures/articles/NAME.txt`` (synthetic, written for these tests) has a
``NAME.expected.json`` with two parts:

- ``truth``: hand annotations written before running the extractors — the events
  (kind, date, precision), targets (kind, value; role target or victim),
  attributions and malware surfaces an analyst expects;
- ``findings``: the extractors' exact output (sorted, spans included), the
  regression golden. Regenerate it deliberately and review the diff::

      python -m tests.targets.golden --regen

``python -m tests.targets.golden`` prints precision and recall against the truth;
``--blind`` scores ``tests/fixtures/articles_blind`` instead (``--blind2``:
``articles_blind2``, written after tuning on the first; ``--blind3``: ``articles_blind3``,
written after tuning on the first two): reports written and
annotated (targets only) before the extractor was run on them, to measure how target
extraction does on text it was not tuned on. ``--blind4`` scores ``articles_blind4``: news
articles and report excerpts annotated in full (events, headline actions, furniture dates,
targets, attributions, the publication date) before the extractors were run on them; its
publication date is read from the text by the reader (``parse_text``) unless the expected
file gives one, as ``--published`` would (``--truth-published``: the annotated date, to score
the events alone). ``--blind5`` scores ``articles_blind5`` the same way: 20 texts in other
styles, written and annotated after the tuning on ``articles_blind4``; ``--blind6``
``articles_blind6``: 15 in styles neither uses, after the tuning on both; ``--blind7``
``articles_blind7``: 15 more in other styles, after the tuning on all three. ``--blind8``
``articles_blind8``: 15 more in styles none of those uses; ``--blind9`` ``articles_blind9``: 12
more in everyday news and report styles; ``--blind10`` ``articles_blind10``: 15 more in everyday
news, government, vendor and victim styles; ``--blind11`` ``articles_blind11``: 20 more in
everyday styles those sets use little; ``--blind12`` ``articles_blind12``: 20 more in styles
those sets use little again; ``--blind13`` ``articles_blind13``: 20 more, mostly everyday news.
``-v`` lists each article's misses and
false alarms.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from unmask.documents.text import parse_text
from unmask.extract.events import extract_events
from unmask.extract.malware import extract_malware
from unmask.extract.targets import extract_attributions, extract_targets
from unmask.model import ExtractContext

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
BLIND = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind"
#: Five more blind reports, written after the rules were tuned on BLIND and scored once.
BLIND2 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind2"
#: Five more, written after the rules were tuned on BLIND2 too, and scored once.
BLIND3 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind3"
#: 21 news articles and report excerpts, annotated in full (events too) and scored once.
BLIND4 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind4"
#: 20 more in other styles, written after tuning on BLIND4, annotated in full and scored once.
BLIND5 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind5"
#: 15 more in styles neither uses, written after tuning on BLIND4 and BLIND5, scored once.
BLIND6 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind6"
#: 15 more in other styles again, written after tuning on BLIND4-6, scored once.
BLIND7 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind7"
#: 15 more in styles none of BLIND4-7 uses, written while BLIND7's errors were being fixed.
BLIND8 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind8"
#: 12 more in everyday news and report styles, written and annotated before any run on them.
BLIND9 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind9"
#: 15 more in everyday news, government, vendor and victim styles, annotated before any run.
BLIND10 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind10"
#: 20 more in everyday styles BLIND4-10 use little, annotated before any run on them.
BLIND11 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind11"
#: 20 more in styles BLIND4-11 use little, annotated in full before any run on them.
BLIND12 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind12"
#: 20 more, mostly everyday news and a few formats BLIND4-12 use little, annotated before any run.
BLIND13 = Path(__file__).resolve().parent.parent / "fixtures" / "articles_blind13"
TARGET_ROLES = ("target", "victim")


def names(directory: Path = ARTICLES) -> list[str]:
    return sorted(p.name[: -len(".expected.json")] for p in directory.glob("*.expected.json"))


def load(name: str, directory: Path = ARTICLES) -> tuple[str, dict[str, Any]]:
    text = (directory / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((directory / f"{name}.expected.json").read_text(encoding="utf-8"))
    return text, expected


def run(text: str, published: str | None) -> dict[str, Any]:
    """The findings of this feature's extractors (no actor mentions, so only this code counts)."""
    context = ExtractContext(published=dt.date.fromisoformat(published) if published else None)
    targets = extract_targets(text, context=context)
    attributions = extract_attributions(text, context=context)
    malware = extract_malware(text, context=context)
    events = extract_events(text, context=context, targets=targets)
    return {
        "targets": [
            {"kind": t.kind, "value": t.value, "surface": t.surface, "role": t.role,
             "span": [t.span.start, t.span.end]}
            for t in targets
        ],
        "attributions": [
            {"kind": a.kind, "value": a.value, "surface": a.surface, "span": [a.span.start, a.span.end]}
            for a in attributions
        ],
        "malware": [
            {"malware_id": m.malware_id, "name": m.name, "kind": m.kind, "surface": m.surface,
             "span": [m.span.start, m.span.end]}
            for m in malware
        ],
        "events": [
            {"kind": e.kind, "date": e.date, "precision": e.precision, "resolved": e.resolved,
             "date_surface": e.date_surface, "span": [e.span.start, e.span.end],
             "target_values": list(e.target_values)}
            for e in events
        ],
    }


def published_of(text: str, expected: dict[str, Any]) -> str | None:
    """The publication date the analysis uses: the one given, else the reader's from the text."""
    if expected.get("published") or "published" not in expected.get("truth", {}):
        return expected.get("published")
    document = parse_text(text.encode("utf-8"), source="article.txt", sha256="0" * 64)
    return document.metadata.published.isoformat() if document.metadata.published else None


def event_checks(findings: dict[str, Any], truth: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Headline actions found with their date (tp, 0, fn); events dated by page furniture (0, fp, 0)."""
    found = {(e["kind"], e["date"], e["precision"]) for e in findings["events"]}
    out = {}
    if "headline" in truth:
        headline = {tuple(e) for e in truth["headline"]}
        out["headline"] = (len(headline & found), 0, len(headline - found))
    if "furniture_dates" in truth:
        furniture = set(truth["furniture_dates"])
        out["furniture"] = (0, sum(1 for e in findings["events"] if e["date"] in furniture), 0)
    return out


def target_sets(findings: dict[str, Any], truth: dict[str, Any]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(found, true) targets as (kind, value): found counts roles target and victim."""
    found = {(t["kind"], t["value"]) for t in findings["targets"] if t["role"] in TARGET_ROLES}
    return found, {(t[0], t[1]) for t in truth["targets"]}


def score(findings: dict[str, Any], truth: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per category the truth annotates
    (the blind set annotates targets only), plus ``targets/KIND`` per target kind."""
    found_events = {(e["kind"], e["date"], e["precision"]) for e in findings["events"]}
    true_events = {tuple(e) for e in truth.get("events", ())}
    found_targets, true_targets = target_sets(findings, truth)
    found_attr = {(a["kind"], a["value"]) for a in findings["attributions"]}
    true_attr = {tuple(a) for a in truth.get("attributions", ())}
    found_malware = {m["surface"].casefold() for m in findings["malware"]}
    true_malware = {m.casefold() for m in truth.get("malware", ())}
    out = {}
    pairs: list[tuple[str, set[Any], set[Any]]] = [
        ("events", found_events, true_events),
        ("targets", found_targets, true_targets),
        ("attributions", found_attr, true_attr),
        ("malware", found_malware, true_malware),
    ]
    for kind in ("sector", "country", "region", "organization"):
        pairs.append((
            f"targets/{kind}",
            {t for t in found_targets if t[0] == kind},
            {t for t in true_targets if t[0] == kind},
        ))
    # Per attribution kind too: the blind5-7 annotators wrote sponsors and sponsor countries
    # only (no motivation), so "attributions/sponsor+country" is the figure to compare there;
    # "attributions" counts every kind, a found motivation included.
    pairs.append((
        "attributions/sponsor+country",
        {a for a in found_attr if a[0] in ("sponsor", "country")},
        {a for a in true_attr if a[0] in ("sponsor", "country")},
    ))
    pairs.append((
        "attributions/motivation", {a for a in found_attr if a[0] == "motivation"}, {a for a in true_attr if a[0] == "motivation"}
    ))
    for key, found, true in pairs:
        if key.split("/")[0] in truth:
            out[key] = (len(found & true), len(found - true), len(true - found))
    return out


def dump(expected: dict[str, Any]) -> str:
    return json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    directory = (
        BLIND13 if "--blind13" in argv else BLIND12 if "--blind12" in argv else BLIND11 if "--blind11" in argv else BLIND10 if "--blind10" in argv else BLIND9 if "--blind9" in argv else BLIND8 if "--blind8" in argv else BLIND7 if "--blind7" in argv else BLIND6 if "--blind6" in argv else BLIND5 if "--blind5" in argv else BLIND4 if "--blind4" in argv else BLIND3 if "--blind3" in argv else BLIND2 if "--blind2" in argv else BLIND if "--blind" in argv else ARTICLES
    )
    totals: dict[str, list[int]] = {}
    for name in names(directory):
        text, expected = load(name, directory)
        published = (
            expected["truth"]["published"] if "--truth-published" in argv else published_of(text, expected)
        )
        findings = run(text, published)
        if "--regen" in argv:
            expected["findings"] = findings
            (directory / f"{name}.expected.json").write_text(dump(expected), encoding="utf-8")
        scores = score(findings, expected["truth"])
        scores.update(event_checks(findings, expected["truth"]))
        if "published" in expected["truth"]:
            right = published == expected["truth"]["published"]
            scores["published"] = (int(right), int(not right and published is not None), int(not right))
        for key, (tp, fp, fn) in scores.items():
            total = totals.setdefault(key, [0, 0, 0])
            total[0] += tp
            total[1] += fp
            total[2] += fn
            if "-v" in argv and (fp or fn) and "/" not in key:
                print(f"{name} {key}: tp={tp} fp={fp} fn={fn}")
        if "-v" in argv:
            found, true = target_sets(findings, expected["truth"])
            for item in sorted(true - found):
                print(f"  missed {item}")
            for item in sorted(found - true):
                print(f"  false  {item}")
            if "-e" in argv:
                found_events = {(e["kind"], e["date"], e["precision"]) for e in findings["events"]}
                true_events = {tuple(e) for e in expected["truth"].get("events", ())}
                for item in sorted(true_events - found_events):
                    print(f"  missed event {item}")
                for item in sorted(found_events - true_events):
                    print(f"  false  event {item}")
                if published != expected["truth"].get("published", published):
                    print(f"  published {published} (truth {expected['truth']['published']})")
    for key, (tp, fp, fn) in totals.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if key == "furniture":
            print(f"{key:21} {fp} events dated by page furniture")
            continue
        print(f"{key:21} precision {precision:.2f} ({tp}/{tp + fp})  recall {recall:.2f} ({tp}/{tp + fn})  F1 {f1:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
