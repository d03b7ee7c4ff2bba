"""KnowledgeBase.iter_indicators: every distinct indicator with reports, dates and actors."""

from __future__ import annotations

import datetime as dt

from tests.store.builders import build
from unmask.store import KnowledgeBase


def _fill(kb: KnowledgeBase) -> None:
    kb.add_analysis(build(
        "Kimsuky used evil-news.example and 203.0.113.9; google.com is benign.",
        source="a.txt", published=dt.date(2024, 5, 1),
        actors=[("G0094", "Kimsuky", "Kimsuky")],
        observables=[("domain", "evil-news.example", "evil-news.example"),
                     ("ipv4", "203.0.113.9", "203.0.113.9")],
        benign=[("domain", "google.com", "google.com", "warninglist:alexa")],
    ))  # fmt: skip
    kb.add_analysis(build(
        "APT43 and Lazarus again at evil-news.example (twice: evil-news.example).",
        source="b.txt", published=dt.date(2023, 1, 2),
        actors=[("G0094", "Kimsuky", "APT43"), ("G0032", "Lazarus Group", "Lazarus")],
        observables=[("domain", "evil-news.example", "evil-news.example")],
    ))  # fmt: skip
    kb.add_analysis(build(
        "Undated note naming b4d.example only.", source="c.txt",
        observables=[("domain", "b4d.example", "b4d.example")],
    ))  # fmt: skip


def test_streams_each_indicator_once_with_its_intelligence(kb: KnowledgeBase) -> None:
    _fill(kb)
    records = {(r.value, r.type): r for r in kb.iter_indicators(batch=2)}
    assert set(records) == {("evil-news.example", "domain"), ("203.0.113.9", "ipv4"),
                            ("b4d.example", "domain")}
    evil = records["evil-news.example", "domain"]
    assert evil.reports == 2
    assert evil.first_seen == dt.date(2023, 1, 2)
    assert evil.last_seen == dt.date(2024, 5, 1)
    assert evil.actors == (("G0032", "Lazarus Group"), ("G0094", "Kimsuky"))
    ip = records["203.0.113.9", "ipv4"]
    assert (ip.reports, ip.actors) == (1, (("G0094", "Kimsuky"),))
    undated = records["b4d.example", "domain"]
    assert (undated.reports, undated.last_seen, undated.actors) == (1, None, ())
    assert evil.to_dict()["actors"][1] == {"id": "G0094", "name": "Kimsuky"}


def test_type_filter_and_empty_base(kb: KnowledgeBase) -> None:
    assert list(kb.iter_indicators()) == []
    _fill(kb)
    assert [r.value for r in kb.iter_indicators(types=["ipv4"])] == ["203.0.113.9"]
    assert list(kb.iter_indicators(types=[])) == []
