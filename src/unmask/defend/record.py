"""Recording what a sweep found as sightings: one per indicator, log and day, with counts.

::

    recorder = SweepRecorder(now=kb.now(), who="ana")
    for hit in sweep_file("proxy.log", indicators):
        recorder.add(hit)
    recorder.write(kb)        # one transaction, one row per (indicator, log, day)

Hits are counted in memory (a dict lookup per hit) and written once at the end, so
recording costs the sweep next to nothing however many hits there are. The sighting's
time is the sweep's (``now``): the log lines' own timestamps are not parsed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from unmask.documents.sightings import Sighting

if TYPE_CHECKING:
    from unmask.defend.sweep import SweepHit
    from unmask.store.kb import KnowledgeBase

__all__ = ["SweepRecorder"]


class SweepRecorder:
    """Counts hits per (type, value, log source) and writes them as ``seen`` sightings."""

    def __init__(self, *, now: dt.datetime, who: str | None = None) -> None:
        self.now = now if now.tzinfo else now.replace(tzinfo=dt.UTC)
        self.who = who
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, hit: SweepHit) -> None:
        ind = hit.indicator
        self.counts[(ind.type, ind.value, hit.source)] += 1

    def sightings(self) -> list[Sighting]:
        return [
            Sighting(type_, value, "seen", f"sweep:{source}", self.now, self.now,
                     count=min(count, 999_999_999), who=self.who)
            for (type_, value, source), count in sorted(self.counts.items())
        ]

    def write(self, kb: KnowledgeBase) -> int:
        """Record the counted hits in ``kb`` (one transaction); returns how many rows."""
        from unmask.store.sightings import add_sightings

        return add_sightings(kb, self.sightings()) if self.counts else 0
