"""Timing side channel: the first profile of an actor must not cost more because a
hidden report names it.

The code path is asserted, not wall time: a name only hidden reports use is refused
with the queries an unknown name takes, and a view that built its restricted profiles
ahead (``prewarm``, what ``unmask serve`` does) builds no scratch base at the first
request and asks the store what it asks for an actor no hidden report names (its
profile, asked and dropped) and the list of the actor's visible reports.
``benchmarks/timing_channel.py`` measures the times.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from unmask.serve.view import LevelView, NotVisible, View
from unmask.store import KnowledgeBase

pytestmark = pytest.mark.filterwarnings("error")

TOUCHED = "APT29"  # named by a green and an amber report
UNTOUCHED = "APT41"  # named by visible reports only
HIDDEN_ONLY = "Sandworm"  # named by an amber report only
UNKNOWN = "Nobody Bear"


class _Queries:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.engine = kb.engine
        self.count = 0

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> _Queries:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _queries(kb: KnowledgeBase, call: Callable[[], Any]) -> int:
    with _Queries(kb) as seen, contextlib.suppress(NotVisible):
        call()
    return seen.count


@pytest.fixture()
def view(kb: KnowledgeBase) -> Iterator[View]:
    opened = View(kb, max_tlp="green", recheck=60)
    opened.at()._actor_table()  # the per-state table, built once whatever is asked first
    yield opened
    opened.close()


def test_a_name_only_hidden_reports_use_costs_what_an_unknown_name_costs(
        kb: KnowledgeBase, view: View) -> None:
    for name in (HIDDEN_ONLY, UNKNOWN):
        with pytest.raises(NotVisible):
            view.profile(name)
    hidden_only = _queries(kb, lambda: view.profile(HIDDEN_ONLY))
    unknown = _queries(kb, lambda: view.profile(UNKNOWN))
    assert hidden_only == unknown > 0


def test_without_warming_the_first_profile_builds_a_scratch_base(
        kb: KnowledgeBase, view: View, monkeypatch: pytest.MonkeyPatch) -> None:
    # What the side channel was: the first request pays for the scratch base.
    fills: list[int] = []
    original = LevelView._fill_scratch
    monkeypatch.setattr(LevelView, "_fill_scratch",
                        lambda self, path, refs: (fills.append(len(refs)), original(self, path, refs))[1])
    view.profile(TOUCHED)
    assert fills


def test_a_warmed_view_builds_nothing_at_the_first_profile(
        kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    warmed = View(kb, max_tlp="green", recheck=60, prewarm=True)
    try:
        level = warmed.at()
        assert level.warm() >= 1  # APT29, the one actor named by visible and hidden reports
        cold = View(kb, max_tlp="green", recheck=60)
        expected = cold.profile(TOUCHED)
        cold.close()

        def refuse(*_: Any) -> None:
            raise AssertionError("a scratch base was built at the request")

        monkeypatch.setattr(LevelView, "_fill_scratch", refuse)
        actor_id = level.resolve_actor(TOUCHED)
        resolving = _queries(kb, lambda: level.resolve_actor(TOUCHED))
        own = _queries(kb, lambda: kb.actor_profile(actor_id, tlp=level.scope()))  # the store's profile
        listing = _queries(kb, lambda: list(level._all_reports(actor=actor_id)))
        def look() -> None:  # the fresh look at the store's state after every answer
            level._checked = (-1e9, ())
            level.fingerprint()

        looking = _queries(kb, look)
        touched = _queries(kb, lambda: warmed.profile(TOUCHED))
        # The store's own profile is asked (and dropped) as for an actor no hidden report
        # names, so the ready answer is not the faster one; plus the visible reports' list
        # and the look at whether the store changed meanwhile.
        assert touched == resolving + own + listing + looking
        assert warmed.profile(TOUCHED) == expected  # the same answer as built at the request
    finally:
        warmed.close()


def test_prewarm_starts_in_a_thread_and_close_waits_for_it(kb: KnowledgeBase) -> None:
    warmed = View(kb, max_tlp="green", recheck=60, prewarm=True)
    try:
        warmed.start_warming()
        level = warmed.at()
        thread = level._warmer
        assert thread is not None
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert level._built  # the default-limit profile is ready
    finally:
        warmed.close()


def test_views_do_not_warm_unless_asked(kb: KnowledgeBase) -> None:
    plain = View(kb, max_tlp="green", recheck=60)
    try:
        plain.start_warming()
        plain.profile(UNTOUCHED)
        assert plain.at()._warmer is None
    finally:
        plain.close()
