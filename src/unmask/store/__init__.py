"""Knowledge base: every analysis folded into one picture per actor.

::

    import unmask.store
    kb = unmask.store.open()                      # UNMASK_DB, else SQLite in the user data dir
    kb.add_analysis(unmask.analyze(unmask.read("report.pdf")), tlp="green")
    profile = kb.actor_profile("G0094")           # or any name the store has seen
    hits = kb.search('"spear phishing" kimsuky')
    kb.find_indicator("evil[.]example")

SQLite by default; PostgreSQL with ``postgresql+psycopg://user@host/db``. The schema
is created and upgraded by the Alembic migrations shipped in the package, on open.
See docs/knowledge-base.md.
"""

from __future__ import annotations

from typing import Any

from unmask.store.engine import default_url, resolve_url
from unmask.store.kb import KnowledgeBase, open_existing, open_kb
from unmask.store.results import (
    ActorProfile,
    ActorSummary,
    AddResult,
    AliasLearned,
    Evidence,
    IndicatorSighting,
    IndicatorStat,
    IocResult,
    NamedStat,
    ReportRef,
    SearchHit,
    TechniqueStat,
    TimelineEntry,
)
from unmask.store.write import TLP_LEVELS, check_tlp

__all__ = [
    "TLP_LEVELS",
    "ActorProfile",
    "ActorSummary",
    "AddResult",
    "AliasLearned",
    "Evidence",
    "IndicatorSighting",
    "IndicatorStat",
    "IocResult",
    "KnowledgeBase",
    "NamedStat",
    "ReportRef",
    "SearchHit",
    "TechniqueStat",
    "TimelineEntry",
    "check_tlp",
    "default_url",
    "open",
    "open_existing",
    "resolve_url",
]


def open(db_url: str | None = None, **kwargs: Any) -> KnowledgeBase:
    """Open (creating or upgrading) the knowledge base; see :func:`unmask.store.kb.open_kb`."""
    return open_kb(db_url, **kwargs)
