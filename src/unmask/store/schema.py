"""Tables of the knowledge base (SQLAlchemy 2 declarative models).

One row per document (its content hash is its identity), one typed table per finding
kind (each row keeps its span and its position in the analysis), and three tables
kept up to date by the writer so that per-actor questions stay fast at scale:

- ``document_actors``: which resolved actors a document is about (with its date);
- ``actor_stats``: per actor, how many reports name each technique, target,
  indicator, malware, attribution, surface name and learned alias (incremented and
  decremented in the same transaction as the findings they summarise);
- ``event_actors``: which actors each dated event involves.

``taxii_added`` belongs to the server: when each version of each object was first
served in a TAXII collection at a TLP ceiling (its ``date_added``); so do
``serve_tokens`` and ``serve_audit`` (its accounts and audit trail, see
``unmask.store.accounts``), and ``serve_sessions``, ``serve_uploads`` and ``serve_keys``
(web sign-in sessions, uploads waiting for their ingest button, the CSRF key: shared by
every server process over the base, see ``unmask.serve.session``). ``sightings`` holds what was learned about indicators after
they were reported (seen by a sweep, reported as false positives, expired), apart from
the documents so that it survives their re-ingest (see ``unmask.store.sightings``).

The schema itself is created and upgraded by the Alembic migrations in
``unmask/store/migrations``; these models describe it for queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ActorMentionRow",
    "ActorRow",
    "ActorStatRow",
    "AliasClaimRow",
    "AttributionRow",
    "Base",
    "DocumentActorRow",
    "DocumentRow",
    "EventActorRow",
    "EventRow",
    "MalwareRow",
    "ObservableRow",
    "ReportAccessRow",
    "ServeAuditRow",
    "ServeKeyRow",
    "ServeSessionRow",
    "ServeTokenRow",
    "ServeUploadRow",
    "SightingRow",
    "TargetRow",
    "TaxiiAddedRow",
    "TechniqueRow",
    "table_of",
]

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The Core table of a model (typed as a Table, for insert/update/delete)."""
    return cast(Table, model.__table__)


def _doc_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


class DocumentRow(Base):
    """One stored document; ``sha256`` of its raw content is its identity."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=True
    )
    source: Mapped[str] = mapped_column(Text, nullable=False)
    format: Mapped[str] = mapped_column(String(32), nullable=False)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    tlp: Mapped[str] = mapped_column(String(16), nullable=False)
    #: Metadata.to_dict() plus pages, attachments and reader warnings.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, nullable=False)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    analyzed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    analysis_schema: Mapped[int] = mapped_column(Integer, nullable=False)
    analyzer: Mapped[str] = mapped_column(String(64), nullable=False)
    reference_versions: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    actor_summary: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    skipped: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    #: Last, so that reading the other columns never walks a long text (SQLite).
    text: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (
        Index(None, "published"),
        Index(None, "parent_id"),
        Index(None, "source"),
    )


class _Finding:
    """Columns every finding row has: its document, position and span."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    span_start: Mapped[int] = mapped_column(Integer, nullable=False)
    span_end: Mapped[int] = mapped_column(Integer, nullable=False)


class ActorMentionRow(_Finding, Base):
    __tablename__ = "actor_mentions"

    document_id: Mapped[int] = _doc_fk()
    actor_id: Mapped[str] = mapped_column(String(128), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)
    norm: Mapped[str] = mapped_column(String(256), nullable=False)
    method: Mapped[str] = mapped_column(String(64), nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    candidates: Mapped[list[Any]] = mapped_column(JSON, nullable=False)

    __table_args__ = (Index(None, "document_id"), Index(None, "norm", "actor_id"))


class ActorRow(Base):
    """A resolved actor the store has reports about, kept current by the writer."""

    __tablename__ = "actors"

    actor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    reports: Mapped[int] = mapped_column(Integer, nullable=False)
    first_seen: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_seen: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    #: Distinct indicators in its reports (kept by triggers on ``actor_stats``).
    indicators: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")

    __table_args__ = (Index(None, "reports"),)


class DocumentActorRow(Base):
    """A resolved actor a document is about: one row per (document, actor)."""

    __tablename__ = "document_actors"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    norm: Mapped[str] = mapped_column(String(256), nullable=False)
    mentions: Mapped[int] = mapped_column(Integer, nullable=False)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index(None, "actor_id", "published"), Index(None, "norm", "actor_id"))


class ActorStatRow(Base):
    """How many reports about ``actor_id`` name ``key`` (a technique, indicator …)."""

    __tablename__ = "actor_stats"

    actor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, nullable=False)
    mentions: Mapped[int] = mapped_column(Integer, nullable=False)

    #: Covering: a profile reads an actor's counters from the index alone.
    __table_args__ = (Index(None, "actor_id", "kind", "reports", "key", "mentions"),)


class AliasClaimRow(_Finding, Base):
    """One name of an alias statement, with the actor the analysis resolved it to."""

    __tablename__ = "alias_claims"

    document_id: Mapped[int] = _doc_fk()
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    norm: Mapped[str] = mapped_column(String(256), nullable=False)
    relation: Mapped[str] = mapped_column(String(32), nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    #: The evidence text (the span's text, whitespace folded, cut to 300 characters).
    quote: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (
        Index(None, "document_id"),
        Index(None, "norm", "actor_id"),
        Index(None, "actor_id", "norm", "relation", "document_id"),
        Index(None, "actor_id", "norm", "relation", "name"),
    )


class ObservableRow(_Finding, Base):
    __tablename__ = "observables"

    document_id: Mapped[int] = _doc_fk()
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)
    benign_reasons: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    indicator: Mapped[bool] = mapped_column(Boolean, nullable=False)
    #: indicator / reference / benign and the evidence for it (NULL on rows stored
    #: before revision 0007: the role then follows from ``benign_reasons``).
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reasons: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index(None, "document_id"), Index(None, "value"))


class TechniqueRow(_Finding, Base):
    __tablename__ = "techniques"

    document_id: Mapped[int] = _doc_fk()
    technique_id: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    tactics: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    method: Mapped[str] = mapped_column(String(64), nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    #: The evidence text (the span's text, whitespace folded, cut to 300 characters).
    quote: Mapped[str] = mapped_column(Text, nullable=False)

    #: The first covers the evidence candidates of a report (no read of the quote).
    __table_args__ = (
        Index(None, "document_id", "technique_id", "confidence", "id"),
        Index(None, "technique_id", "document_id"),
    )


class TargetRow(_Finding, Base):
    __tablename__ = "targets"

    document_id: Mapped[int] = _doc_fk()
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)

    __table_args__ = (Index(None, "document_id"),)


class AttributionRow(_Finding, Base):
    __tablename__ = "attributions"

    document_id: Mapped[int] = _doc_fk()
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)
    actor_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False)

    __table_args__ = (Index(None, "document_id"),)


class MalwareRow(_Finding, Base):
    __tablename__ = "malware"

    document_id: Mapped[int] = _doc_fk()
    malware_id: Mapped[str] = mapped_column(String(128), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    surface: Mapped[str] = mapped_column(Text, nullable=False)
    method: Mapped[str] = mapped_column(String(64), nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)

    __table_args__ = (Index(None, "document_id"), Index(None, "malware_id"))


class EventRow(_Finding, Base):
    __tablename__ = "events"

    document_id: Mapped[int] = _doc_fk()
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    date: Mapped[str] = mapped_column(String(10), nullable=False)
    precision: Mapped[str] = mapped_column(String(16), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    date_surface: Mapped[str] = mapped_column(Text, nullable=False)
    resolved: Mapped[bool] = mapped_column(Boolean, nullable=False)
    actor_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    target_values: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    #: The evidence text (the span's text, whitespace folded, cut to 300 characters).
    quote: Mapped[str] = mapped_column(Text, nullable=False)

    __table_args__ = (Index(None, "document_id"),)


class EventActorRow(Base):
    """An actor an event involves (for per-actor timelines)."""

    __tablename__ = "event_actors"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    actor_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    document_id: Mapped[int] = _doc_fk()
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)

    #: Covering: a timeline reads an actor's events in date order from the index alone.
    __table_args__ = (
        Index(None, "actor_id", "start_date", "event_id", "document_id"),
        Index(None, "document_id"),
    )


class TaxiiAddedRow(Base):
    """When the TAXII server first served one version of one object in a collection.

    Keyed by the server's TLP ceiling too: a server at amber serves objects (and
    versions) a server at green never sees. ``version`` is the object's ``modified``
    (else ``created``) as served, or ``""`` for an object with neither (its version is
    then its date added); ``digest`` the SHA-256 of its canonical JSON, so that an
    object whose content changed under the same version counts as newly added.
    """

    __tablename__ = "taxii_added"

    max_tlp: Mapped[str] = mapped_column(String(16), primary_key=True)
    collection: Mapped[str] = mapped_column(String(64), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    date_added: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ServeTokenRow(Base):
    """An API token of ``unmask serve``: only a salted scrypt hash of its secret."""

    __tablename__ = "serve_tokens"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    max_tlp: Mapped[str] = mapped_column(String(16), nullable=False)
    salt: Mapped[str] = mapped_column(String(64), nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(128), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The token's organisation (None: the server's own; see ``unmask.store.access``).
    org: Mapped[str | None] = mapped_column(String(100))


class ReportAccessRow(Base):
    """The owner and RED audience of one report (by sha256, so re-ingests keep them):
    ``org`` None is the server's own organisation, ``audience`` None every reader of
    the organisation cleared for the report's level (see ``unmask.store.access``)."""

    __tablename__ = "report_access"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    org: Mapped[str | None] = mapped_column(String(100))
    audience: Mapped[list[Any] | None] = mapped_column(JSON)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class ServeAuditRow(Base):
    """One audited request: who, when, what (restricted reports read or a write), from where."""

    __tablename__ = "serve_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    token: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    route: Mapped[str] = mapped_column(String(500), nullable=False)
    status: Mapped[int] = mapped_column(Integer, nullable=False)
    tlp: Mapped[str | None] = mapped_column(String(16))
    objects: Mapped[list[Any]] = mapped_column(nullable=False)
    client: Mapped[str | None] = mapped_column(String(64))


class SightingRow(Base):
    """Sightings of one indicator from one source on one day, folded with a count.

    ``kind`` is ``seen``, ``false-positive`` or ``expiration``; ``source`` where it came
    from (``sweep:<log>``, ``stix:<sighting id>``, ``misp:<uuid>``, ``cli``, ``api``);
    ``ref`` an outside id (a STIX sighting id, a MISP sighting uuid; ``""`` when none),
    so that ingesting the same bundle again adds nothing. Not tied to any document.
    ``tlp`` is the marking of the document that reported it (``clear`` for local ones).
    """

    __tablename__ = "sightings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    value: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(300), nullable=False)
    ref: Mapped[str] = mapped_column(String(300), nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    who: Mapped[str | None] = mapped_column(String(200), nullable=True)
    why: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: The TLP of the document that reported it (``clear`` for local ones): a server
    #: shows a sighting only to callers cleared for it.
    tlp: Mapped[str] = mapped_column(String(16), nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: The sha256 of the report that reported it (``""`` for local ones): its owner and
    #: RED audience (``report_access``) decide who sees it, as for the report itself.
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, server_default="")

    __table_args__ = (
        Index("uq_sightings_key", "value", "type", "kind", "source", "ref", "day", "sha256",
              unique=True),
        Index(None, "recorded_at"),
        Index("ix_sightings_scope", "tlp", "sha256"),
    )


class ServeSessionRow(Base):
    """A web sign-in session: the SHA-256 of its id (never the id), whose token it is
    (``key_id`` of a stored token, or ``server_tag`` for the server's own ``--token``)
    and when it ends."""

    __tablename__ = "serve_sessions"

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str | None] = mapped_column(String(32))
    server_tag: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                    index=True)


class ServeUploadRow(Base):
    """An uploaded file waiting for its ingest button: the bytes, for its owner only."""

    __tablename__ = "serve_uploads"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), nullable=False)
    source: Mapped[str] = mapped_column(String(300), nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                    index=True)


class ServeKeyRow(Base):
    """A random key every server process over the base shares (the CSRF key)."""

    __tablename__ = "serve_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128), nullable=False)
