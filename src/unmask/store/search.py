"""Full-text search over report text: bounded queries, snippets for the page only,
and (for a TLP view) ranks that only visible reports decide.

A query is words, ``"quoted phrases"``, ``OR`` between two of them and ``-excluded``
ones (:func:`parse_query`). It is refused (:class:`QueryLimitError`) past
:data:`MAX_QUERY_CHARS` characters, :data:`MAX_QUERY_PHRASES` distinct phrases or
:data:`MAX_QUERY_WORDS` words; a phrase given twice counts once. A search that runs
past its time budget stops (:class:`SearchTimeoutError`): SQLite through a progress
handler, PostgreSQL through ``statement_timeout``.

Snippets (the costly part of a match) are made only for the hits returned.

**Ranks at a TLP ceiling.** SQLite's ``bm25()`` weighs a phrase by how many rows of the
whole index hold it and normalises by the average row length of the whole index, so
reports hidden above a ceiling would move the ranks and order of visible ones. With
``tlp`` given the rank is BM25 (k1 1.2, b 0.75, the title weighing 4) over the visible
rows only: each phrase's frequency in a row is read back from FTS5's own per-phrase
``bm25()`` (it is an integer, so it comes back exactly), and the row count, average
length and phrase document frequencies are those of the visible rows (row lengths
from FTS5's ``docsize`` table). The same visible reports give the same ranks, whatever
else the base holds. PostgreSQL's ``ts_rank_cd`` depends on the row alone; there the
TLP filter only goes into the query, so the newest-2,000 cut counts visible rows.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from unmask.errors import StoreError

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_PHRASES",
    "MAX_QUERY_WORDS",
    "SEARCH_BUDGET",
    "ParsedQuery",
    "QueryLimitError",
    "SearchTimeoutError",
    "fts5_query",
    "parse_query",
    "search_rows",
]

#: Longest query accepted (characters).
MAX_QUERY_CHARS = 1000
#: Most distinct phrases (words and quoted phrases, excluded ones included).
MAX_QUERY_PHRASES = 16
#: Most words in all phrases together.
MAX_QUERY_WORDS = 64
#: Seconds one search may take.
SEARCH_BUDGET = 5.0

_K1 = 1.2
_B = 0.75
_WEIGHTS = (4.0, 1.0)  # title, text
_HL = ("\u27e6", "\u27e7")


class QueryLimitError(StoreError):
    """A search query over the limits (length, phrases, words)."""


class SearchTimeoutError(StoreError):
    """A search ran past its time budget and was stopped."""


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as phrases: ``groups`` ANDed (each an OR of phrases), ``negatives`` excluded.

    A phrase is its words joined by one space.
    """

    groups: tuple[tuple[str, ...], ...]
    negatives: tuple[str, ...]

    def fts5(self) -> str:
        """The FTS5 expression (every phrase quoted, so no user text is syntax)."""
        if not self.groups:
            return ""
        parts = []
        for group in self.groups:
            quoted = [f'"{p}"' for p in group]
            parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
        expression = " AND ".join(parts)
        for phrase in self.negatives:
            expression = f'({expression}) NOT "{phrase}"'
        return expression

    def phrases(self) -> list[str]:
        """The distinct phrases that must or may match (not the excluded ones)."""
        return list(dict.fromkeys(p for group in self.groups for p in group))


_TOKEN = re.compile(r'-?"[^"]*"|\S+')


def parse_query(query: str) -> ParsedQuery:
    """``query`` as phrases; :class:`QueryLimitError` past the limits."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryLimitError(
            f"the search query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}")
    groups: list[list[str]] = []
    negatives: list[str] = []
    pending_or = False
    for token in _TOKEN.findall(query):
        if token == "OR":  # noqa: S105 - the OR operator, not a password
            pending_or = bool(groups)
            continue
        negate = token.startswith("-") and len(token) > 1
        body = token[1:] if negate else token
        words = re.findall(r"\w+", body.strip('"'))
        if not words:
            continue
        phrase = " ".join(words)
        if negate:
            negatives.append(phrase)
        elif pending_or and groups:
            groups[-1].append(phrase)
        else:
            groups.append([phrase])
        pending_or = False
    unique_groups = tuple(dict.fromkeys(tuple(dict.fromkeys(g)) for g in groups))
    unique_negatives = tuple(dict.fromkeys(negatives))
    phrases = {p for g in unique_groups for p in g} | set(unique_negatives)
    if len(phrases) > MAX_QUERY_PHRASES:
        raise QueryLimitError(
            f"the search query has {len(phrases)} different words or phrases; the limit is "
            f"{MAX_QUERY_PHRASES} (search for fewer at once)")
    word_count = sum(len(p.split()) for p in phrases)
    if word_count > MAX_QUERY_WORDS:
        raise QueryLimitError(
            f"the search query has {word_count} words; the limit is {MAX_QUERY_WORDS}")
    return ParsedQuery(unique_groups, unique_negatives)


def fts5_query(query: str) -> str:
    """A user query as a safe FTS5 expression: words and "phrases" ANDed, OR, -excluded."""
    return parse_query(query).fts5()


# -- time budget ---------------------------------------------------------------------------


@contextlib.contextmanager
def _budget(conn: Connection, seconds: float) -> Iterator[Any]:
    """Stop the statements run on ``conn`` inside the block after ``seconds``."""
    deadline = time.monotonic() + seconds
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        assert raw is not None

        def over() -> int:
            return 1 if time.monotonic() > deadline else 0

        raw.set_progress_handler(over, 5_000)
        try:
            yield deadline
        finally:
            raw.set_progress_handler(None, 0)
        return
    conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                 {"ms": str(max(1, int(seconds * 1000)))})
    yield deadline


def _timed_out(exc: SQLAlchemyError, deadline: float) -> bool:
    if time.monotonic() > deadline:
        return True
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "57014"  # query_canceled


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SearchTimeoutError("the search took longer than its time budget "
                                 f"({SEARCH_BUDGET:g} s); search for rarer words or a phrase")


# -- SQLite ----------------------------------------------------------------------------------

_RANKED = text(
    "SELECT rowid AS id, bm25(documents_fts, 4.0, 1.0) AS rank FROM documents_fts "
    "WHERE documents_fts MATCH :q ORDER BY rank, rowid LIMIT :limit"
)
_VISIBLE_MATCHES = text(
    "SELECT documents_fts.rowid AS id, d.sha256 AS sha256 FROM documents_fts "
    "JOIN documents d ON d.id = documents_fts.rowid "
    "WHERE documents_fts MATCH :q AND d.tlp IN :levels"
).bindparams(bindparam("levels", expanding=True))
_PHRASE_SCORES = text(
    "SELECT rowid AS id, bm25(documents_fts, 4.0, 1.0) AS score FROM documents_fts "
    "WHERE documents_fts MATCH :q"
)
_SNIPPETS = text(
    "SELECT rowid AS id, snippet(documents_fts, 1, '\u27e6', '\u27e7', '…', 24) AS snippet "
    "FROM documents_fts WHERE documents_fts MATCH :q AND rowid IN :ids"
).bindparams(bindparam("ids", expanding=True))
_DOCUMENTS = text(
    "SELECT d.id, d.sha256, d.source, d.title, d.published, d.tlp, d.format, d.ingested_at "
    "FROM documents d WHERE d.id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_SIZES = text(
    "SELECT s.id, s.sz, d.sha256 FROM documents_fts_docsize s JOIN documents d ON d.id = s.id "
    "WHERE d.tlp IN :levels"
).bindparams(bindparam("levels", expanding=True))
_FINGERPRINT = text(
    "SELECT tlp, count(*), max(id), max(ingested_at) FROM documents GROUP BY tlp ORDER BY tlp"
)


def _varints(blob: bytes) -> list[int]:
    """SQLite's varints (FTS5 ``docsize`` and ``averages`` records)."""
    out: list[int] = []
    at = 0
    while at < len(blob):
        value = 0
        for i in range(9):
            byte = blob[at]
            at += 1
            if i == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


@dataclass(frozen=True, slots=True)
class _Sizes:
    """Row lengths in tokens (all columns) of the visible rows, and their totals."""

    rows: dict[int, int]
    count: int
    tokens: int


_SIZES_CACHE: dict[tuple[str, tuple[str, ...], frozenset[str]], tuple[Any, _Sizes]] = {}
_SIZES_LOCK = threading.Lock()


def _visible_sizes(conn: Connection, levels: tuple[str, ...],
                   excluded: frozenset[str] = frozenset()) -> _Sizes:
    fingerprint = tuple(tuple(str(v) for v in row) for row in conn.execute(_FINGERPRINT))
    key = (conn.engine.url.render_as_string(hide_password=True), levels, excluded)
    with _SIZES_LOCK:
        held = _SIZES_CACHE.get(key)
    if held is not None and held[0] == fingerprint:
        return held[1]
    rows = {int(r.id): sum(_varints(bytes(r.sz))) for r in conn.execute(_SIZES, {"levels": list(levels)})
            if r.sha256 not in excluded}
    sizes = _Sizes(rows, len(rows), sum(rows.values()))
    with _SIZES_LOCK:
        if len(_SIZES_CACHE) > 16:
            _SIZES_CACHE.clear()
        _SIZES_CACHE[key] = (fingerprint, sizes)
    return sizes


def _index_totals(conn: Connection) -> tuple[int, int]:
    """FTS5's own row count and token total (its ``averages`` record)."""
    block = conn.execute(text("SELECT block FROM documents_fts_data WHERE id = 1")).scalar()
    values = _varints(bytes(block or b""))
    return (values[0], sum(values[1:])) if values else (0, 0)


def _idf(rows: int, hits: int) -> float:
    value = math.log((rows - hits + 0.5) / (hits + 0.5)) if rows else 0.0
    return value if value > 0 else 1e-6


def _norm(length: int, average: float) -> float:
    return _K1 * (1 - _B + _B * length / average) if average > 0 else _K1


def _visible_ranks(conn: Connection, parsed: ParsedQuery, candidates: dict[int, str],
                   levels: tuple[str, ...], deadline: float,
                   excluded: frozenset[str] = frozenset()) -> dict[int, float]:
    """BM25 of each candidate row over the visible rows only (see the module docstring)."""
    sizes = _visible_sizes(conn, levels, excluded)
    all_rows, all_tokens = _index_totals(conn)
    all_average = all_tokens / all_rows if all_rows else 0.0
    visible_average = sizes.tokens / sizes.count if sizes.count else 0.0
    scores = dict.fromkeys(candidates, 0.0)
    for phrase in parsed.phrases():
        found = [(int(r.id), -float(r.score)) for r in conn.execute(_PHRASE_SCORES, {"q": f'"{phrase}"'})]
        _check(deadline)
        idf_all = _idf(all_rows, len(found))
        idf_visible = _idf(sizes.count, sum(1 for row, _ in found if row in sizes.rows))
        for row, score in found:
            if row not in candidates:
                continue
            length = sizes.rows.get(row, 0)
            k = _norm(length, all_average)
            # score = idf * f (k1 + 1) / (f + k): f is a weighted count, a whole number.
            denominator = idf_all * (_K1 + 1) - score
            frequency = float(round(score * k / denominator)) if denominator > 0 else 0.0
            if frequency > 0:
                scores[row] += idf_visible * frequency * (_K1 + 1) / (
                    frequency + _norm(length, visible_average))
    return scores


def _sqlite_hits(conn: Connection, parsed: ParsedQuery, limit: int,
                 levels: tuple[str, ...] | None, deadline: float,
                 excluded: frozenset[str] = frozenset()) -> list[tuple[int, float]]:
    match = parsed.fts5()
    if levels is None:
        ranked = [(int(r.id), -float(r.rank)) for r in conn.execute(_RANKED, {"q": match, "limit": limit})]
        _check(deadline)
        return ranked
    candidates = {int(r.id): str(r.sha256)
                  for r in conn.execute(_VISIBLE_MATCHES, {"q": match, "levels": list(levels)})
                  if r.sha256 not in excluded}
    _check(deadline)
    if not candidates:
        return []
    scores = _visible_ranks(conn, parsed, candidates, levels, deadline, excluded)
    ordered = sorted(candidates, key=lambda row: (-scores[row], candidates[row]))
    return [(row, scores[row]) for row in ordered[:limit]]


# -- PostgreSQL ------------------------------------------------------------------------------


def _postgres_search(tlp_filter: bool, exclude: bool = False) -> Any:
    where = ("d.search @@ q.query" + (" AND d.tlp IN :levels" if tlp_filter else "")
             + (" AND d.sha256 NOT IN :excluded" if exclude else ""))
    statement = text(
        "WITH q AS (SELECT websearch_to_tsquery('english', :q) AS query), "  # noqa: S608 - constant
        "hits AS (SELECT d.id, ts_rank_cd(d.search, q.query) AS rank "
        f"FROM (SELECT d.id, d.search FROM documents d, q WHERE {where} "
        "ORDER BY d.id DESC LIMIT 2000) d, q "
        "ORDER BY rank DESC, d.id LIMIT :limit) "
        "SELECT d.id, d.sha256, d.source, d.title, d.published, d.tlp, "
        "d.format, d.ingested_at, hits.rank, "
        "ts_headline('english', left(d.text, 200000), q.query, "
        "'StartSel=\u27e6, StopSel=\u27e7, MaxWords=30, "
        "MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') "
        "AS snippet FROM hits JOIN documents d ON d.id = hits.id, q "
        "ORDER BY hits.rank DESC, d.id"
    )
    if exclude:
        statement = statement.bindparams(bindparam("excluded", expanding=True))
    return statement.bindparams(bindparam("levels", expanding=True)) if tlp_filter else statement


def _postgres_text(parsed: ParsedQuery) -> str:
    """The parsed query in websearch syntax (phrases quoted, limits already applied)."""
    parts = [" OR ".join(f'"{p}"' for p in group) for group in parsed.groups]
    return " ".join(parts + [f'-"{p}"' for p in parsed.negatives])


# -- entry point -----------------------------------------------------------------------------


def search_rows(conn: Connection, query: str, *, limit: int, tlp: Sequence[str] | None = None,
                budget: float = SEARCH_BUDGET,
                excluded: frozenset[str] = frozenset()) -> list[tuple[Any, float, str]]:
    """(document row, rank (higher is better), snippet with ⟦ ⟧ marks) of the best ``limit``
    reports matching ``query``, among those marked ``tlp`` when given, never those whose
    sha256 is in ``excluded`` (ranked as if they were not stored).

    Raises :class:`QueryLimitError` for a query over the limits and
    :class:`SearchTimeoutError` past ``budget`` seconds; other database failures
    propagate as SQLAlchemy errors.
    """
    parsed = parse_query(query)
    if not parsed.groups:
        return []
    levels = tuple(tlp) if tlp is not None else None
    with _budget(conn, budget) as deadline:
        try:
            if conn.dialect.name != "sqlite":
                params: dict[str, Any] = {"q": _postgres_text(parsed), "limit": limit}
                if levels is not None:
                    params["levels"] = list(levels)
                if excluded:
                    params["excluded"] = sorted(excluded)
                rows = list(conn.execute(_postgres_search(levels is not None, bool(excluded)), params))
                _check(deadline)
                return [(r, float(r.rank), r.snippet or "") for r in rows]
            hits = _sqlite_hits(conn, parsed, limit, levels, deadline, excluded)
            if not hits:
                return []
            ids = [row for row, _ in hits]
            snippets = {int(r.id): r.snippet or "" for r in conn.execute(
                _SNIPPETS, {"q": parsed.fts5(), "ids": ids})}
            documents = {int(r.id): r for r in conn.execute(_DOCUMENTS, {"ids": ids})}
        except OperationalError as exc:
            if _timed_out(exc, deadline):
                raise SearchTimeoutError(
                    f"the search took longer than its time budget ({budget:g} s); search for "
                    "rarer words or a phrase") from exc
            raise
    return [(documents[row], rank, snippets.get(row, "")) for row, rank in hits if row in documents]
