"""Accounts of ``unmask serve``: API tokens with a role and a TLP clearance, and the audit trail.

A token reads ``um_<key id>_<secret>``. The knowledge base keeps the key id (public:
it names the row), a random per-token salt and the scrypt hash of the secret, never
the secret; :func:`add_token` returns it once. :class:`TokenChecker` verifies a
presented token: the scrypt hash is computed only the first time a process sees a
token, then a SHA-256 of it is compared in constant time; the row (revoked or not) is
read again once ``recheck`` seconds have passed since the last read (0: on every
check), so a revocation reaches every server process over the base within that time,
and an expiry is checked on every request.

Roles, each one including the ones before: ``reader`` (read up to its clearance),
``analyst`` (also analyse, push, record sightings: every request that is not a read),
``admin`` (also the token and audit routes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from unmask.errors import StoreError
from unmask.store.kb import KnowledgeBase
from unmask.store.schema import ServeAuditRow, ServeTokenRow, table_of
from unmask.store.write import TLP_LEVELS, check_tlp

__all__ = ["MAX_AUDIT_OBJECTS", "ROLES", "AuditEntry", "AuditLog", "Principal", "TokenChecker", "TokenInfo",
           "add_token", "audit_count", "audit_entries", "key_id_of", "prune_audit", "record_audit",
           "restricted",
           "revoke_token", "role_allows", "tlp_min", "tokens"]

_log = logging.getLogger(__name__)

ROLES = ("reader", "analyst", "admin")
_PREFIX = "um_"
#: scrypt cost: 16 MiB and 0.1-0.15 s per hash on the shared test machine.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
#: Most report or actor ids kept in one audit entry (the count is kept too).
MAX_AUDIT_OBJECTS = 100


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` includes ``needed`` (reader < analyst < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)


def tlp_min(a: str, b: str) -> str:
    """The stricter-for-the-reader (lower) of two TLP levels."""
    return a if TLP_LEVELS.index(a) <= TLP_LEVELS.index(b) else b


def _check_role(role: str) -> str:
    value = role.strip().lower()
    if value not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    return value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _hash(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT).hex()  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request comes from: a token's name, role and TLP clearance."""

    name: str
    role: str
    max_tlp: str
    key_id: str | None = None
    #: The token's organisation (None: the server's own).
    org: str | None = None

    def may(self, needed: str) -> bool:
        return role_allows(self.role, needed)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A stored token as ``unmask token list`` shows it (never its secret)."""

    key_id: str
    name: str
    role: str
    max_tlp: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    org: str | None = None

    def state(self, now: dt.datetime | None = None) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and (now or _now()) >= self.expires_at:
            return "expired"
        return "active"

    def to_dict(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "name": self.name, "role": self.role,
                "max_tlp": self.max_tlp, "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
                "state": self.state(), "org": self.org}


def _info(row: Any) -> TokenInfo:
    created = _utc(row.created_at)
    assert created is not None
    return TokenInfo(row.key_id, row.name, row.role, row.max_tlp, created,
                     _utc(row.expires_at), _utc(row.revoked_at), row.org)


def _guard(kb: KnowledgeBase, what: str, work: Callable[[], Any]) -> Any:
    try:
        return work()
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: {what} failed: {exc}") from exc


def add_token(kb: KnowledgeBase, name: str, *, role: str, max_tlp: str,
              expires: dt.datetime | None = None,
              org: str | None = None) -> tuple[str, TokenInfo]:
    """Store a new token; returns ``(token, info)``. The token is not kept anywhere:
    whoever asked must keep it. A name of an active token cannot be given again.
    ``org``: its organisation (None: the server's own; see :mod:`unmask.store.access`)."""
    name = name.strip()
    if not name or len(name) > 100 or any(ord(ch) < 32 for ch in name):
        raise ValueError("a token name is 1 to 100 printable characters")
    org = (org or "").strip() or None
    if org is not None and (len(org) > 100 or any(ord(ch) < 32 for ch in org)):
        raise ValueError("an organisation is 1 to 100 printable characters")
    role = _check_role(role)
    level = check_tlp(max_tlp)
    if expires is not None:
        expires = _utc(expires)
    if any(t.name == name and t.state() == "active" for t in tokens(kb)):
        raise ValueError(f"an active token is already named {name!r} (revoke it first)")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    created = _now()
    row = {"key_id": key_id, "name": name, "role": role, "max_tlp": level, "salt": salt.hex(),
           "secret_hash": _hash(secret, salt), "created_at": created, "expires_at": expires,
           "revoked_at": None, "org": org}

    def write() -> None:
        with kb.engine.begin() as conn:
            conn.execute(insert(table_of(ServeTokenRow)), [row])

    _guard(kb, "storing a token", write)
    return (f"{_PREFIX}{key_id}_{secret}",
            TokenInfo(key_id, name, role, level, created, expires, None, org))


def tokens(kb: KnowledgeBase) -> list[TokenInfo]:
    """Every stored token (revoked and expired ones too), oldest first."""
    c = table_of(ServeTokenRow).c

    def read() -> list[TokenInfo]:
        with kb.engine.connect() as conn:
            rows = conn.execute(select(c.key_id, c.name, c.role, c.max_tlp, c.created_at,
                                       c.expires_at, c.revoked_at, c.org)
                                .order_by(c.created_at, c.key_id))
            return [_info(r) for r in rows]

    result: list[TokenInfo] = _guard(kb, "listing tokens", read)
    return result


def revoke_token(kb: KnowledgeBase, name_or_key: str) -> int:
    """Revoke the active tokens of that name (or that key id); how many were revoked."""
    table = table_of(ServeTokenRow)
    c = table.c

    def write() -> int:
        with kb.engine.begin() as conn:
            done = conn.execute(update(table).where(
                ((c.name == name_or_key) | (c.key_id == name_or_key)) & c.revoked_at.is_(None)
            ).values(revoked_at=_now()))
            return int(done.rowcount or 0)

    result: int = _guard(kb, "revoking a token", write)
    return result


def key_id_of(token: str) -> str | None:
    """The public key id a token names (``um_<key id>_<secret>``), or None when it is
    not shaped like a stored token."""
    parts = _split(token)
    return parts[0] if parts else None


def _split(token: str) -> tuple[str, str] | None:
    if not token.startswith(_PREFIX):
        return None
    key_id, sep, secret = token[len(_PREFIX):].partition("_")
    if not sep or not key_id or not secret or len(key_id) > 32 or len(secret) > 200:
        return None
    return key_id, secret


class TokenChecker:
    """Verifies presented tokens against the knowledge base (see the module's text).

    ``recheck``: seconds a token's row, once read, is trusted before it is read again
    (0: read on every check). A revocation by another process is seen within that
    time; an expiry is checked on every request whatever it is.
    """

    def __init__(self, kb: KnowledgeBase, *, recheck: float = 0.0) -> None:
        self.kb = kb
        self.recheck = recheck
        self._lock = threading.Lock()
        self._verified: dict[str, bytes] = {}  # key id -> SHA-256 of the token that passed
        self._rows: dict[str, tuple[float, Principal | None, dt.datetime | None]] = {}

    def any_active(self) -> bool:
        """Whether the base holds a token that is neither revoked nor expired."""
        try:
            return any(t.state() == "active" for t in tokens(self.kb))
        except StoreError:
            return False

    def cached(self, token: str) -> tuple[bool, Principal | None]:
        """``(True, principal or None)`` when the answer needs no look at the base
        (a malformed token, or one verified and read less than ``recheck`` seconds
        ago), else ``(False, None)``: then call :meth:`check`."""
        parts = _split(token)
        if parts is None:
            return True, None
        key_id = parts[0]
        with self._lock:
            row = self._rows.get(key_id)
            known = self._verified.get(key_id)
        if row is None or known is None or time.monotonic() - row[0] >= self.recheck:
            return False, None
        if not hmac.compare_digest(known, hashlib.sha256(token.encode()).digest()):
            return False, None
        principal, expires = row[1], row[2]
        if principal is None or (expires is not None and _now() >= expires):
            return True, None
        return True, principal

    def verified(self, token: str) -> bool:
        """Whether this very token passed a check in this process (checking it again
        reads its row but costs no scrypt)."""
        parts = _split(token)
        if parts is None:
            return False
        with self._lock:
            known = self._verified.get(parts[0])
        return known is not None and hmac.compare_digest(known, hashlib.sha256(token.encode()).digest())

    def principal_of(self, key_id: str) -> Principal | None:
        """The principal of the stored token ``key_id`` as its row says now (read at most
        once per ``recheck`` seconds), None when it is unknown, revoked or expired: a
        sign-in session's token, whose secret was checked when the session opened."""
        with self._lock:
            row = self._rows.get(key_id)
        if row is None or time.monotonic() - row[0] >= self.recheck:
            c = table_of(ServeTokenRow).c
            try:
                with self.kb.engine.connect() as conn:
                    found = conn.execute(select(c.name, c.role, c.max_tlp, c.expires_at, c.revoked_at, c.org)
                                         .where(c.key_id == key_id)).first()
            except SQLAlchemyError as exc:
                raise StoreError(f"knowledge base {self.kb.url}: checking a token failed: {exc}") from exc
            if found is None:
                return None
            principal = None if found.revoked_at is not None else Principal(
                found.name, found.role, found.max_tlp, key_id, found.org)
            row = (time.monotonic(), principal, _utc(found.expires_at))
            with self._lock:
                self._rows[key_id] = row
        principal, expires = row[1], row[2]
        if principal is None or (expires is not None and _now() >= expires):
            return None
        return principal

    def check(self, token: str) -> Principal | None:
        """The principal of ``token``, or None (unknown, wrong, revoked, expired)."""
        parts = _split(token)
        if parts is None:
            return None
        key_id, secret = parts
        c = table_of(ServeTokenRow).c
        try:
            with self.kb.engine.connect() as conn:
                row = conn.execute(select(c.name, c.role, c.max_tlp, c.salt, c.secret_hash,
                                          c.expires_at, c.revoked_at, c.org)
                                   .where(c.key_id == key_id)).first()
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: checking a token failed: {exc}") from exc
        if row is None:
            return None
        expires = _utc(row.expires_at)
        if row.revoked_at is not None:  # no scrypt for a dead token
            with self._lock:
                self._rows[key_id] = (time.monotonic(), None, expires)
            return None
        seen = hashlib.sha256(token.encode()).digest()
        with self._lock:
            known = self._verified.get(key_id)
        if known is None or not hmac.compare_digest(known, seen):
            if not hmac.compare_digest(_hash(secret, bytes.fromhex(row.salt)).encode(),
                                       str(row.secret_hash).encode()):
                return None
            with self._lock:
                self._verified[key_id] = seen
        principal = Principal(row.name, row.role, row.max_tlp, key_id, row.org)
        with self._lock:
            self._rows[key_id] = (time.monotonic(), principal, expires)
        if expires is not None and _now() >= expires:
            return None
        return principal


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited request."""

    at: dt.datetime
    token: str
    role: str
    method: str
    route: str
    status: int
    tlp: str | None
    objects: tuple[str, ...] = field(default=())
    client: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "token": self.token, "role": self.role,
                "method": self.method, "route": self.route, "status": self.status,
                "tlp": self.tlp, "objects": list(self.objects), "client": self.client}


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    objects = list(entry.objects[:MAX_AUDIT_OBJECTS])
    if len(entry.objects) > MAX_AUDIT_OBJECTS:
        objects.append(f"... {len(entry.objects) - MAX_AUDIT_OBJECTS} more")
    return {"at": entry.at, "token": entry.token[:100], "role": entry.role,
            "method": entry.method[:16], "route": entry.route[:500], "status": entry.status,
            "tlp": entry.tlp, "objects": objects,
            "client": (entry.client or None) and entry.client[:64]}


def record_audit(kb: KnowledgeBase, entries: AuditEntry | Iterable[AuditEntry]) -> None:
    """Append entries in one transaction (the server only ever inserts)."""
    rows = [_audit_row(e) for e in ([entries] if isinstance(entries, AuditEntry) else entries)]
    if not rows:
        return

    def write() -> None:
        with kb.engine.begin() as conn:
            conn.execute(insert(table_of(ServeAuditRow)), rows)

    _guard(kb, "writing the audit trail", write)


class AuditLog:
    """Audit entries written behind the answers: kept in memory and appended in one
    transaction per ``interval`` seconds (or per ``batch`` entries) by a thread of
    its own, so that a read of a restricted report does not wait for a commit.
    :meth:`flush` writes what is pending now; :meth:`close` flushes and stops. At most
    ``limit`` entries wait (a base that cannot be written to): past it the oldest
    are dropped, and counted in the warning that says so."""

    def __init__(self, kb: KnowledgeBase, *, interval: float = 1.0, batch: int = 500,
                 limit: int = 100_000) -> None:
        self.kb = kb
        self.interval = interval
        self.batch = batch
        self.limit = limit
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._pending: list[AuditEntry] = []
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def add(self, entry: AuditEntry) -> None:
        with self._lock:
            self._pending.append(entry)
            if len(self._pending) > self.limit:
                extra = len(self._pending) - self.limit
                del self._pending[:extra]
                self.dropped += extra
            if self._thread is None and not self._stop:
                self._thread = threading.Thread(target=self._run, name="unmask-audit", daemon=True)
                self._thread.start()
            if len(self._pending) >= self.batch:
                self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()
            with self._lock:
                if self._stop:
                    return

    def flush(self) -> None:
        """Write every pending entry now (a failure is logged; the entries are kept
        for the next attempt, up to ``limit``)."""
        with self._flushing:
            with self._lock:
                taken, self._pending = self._pending, []
            if not taken:
                return
            try:
                record_audit(self.kb, taken)
            except StoreError as exc:
                _log.warning("audit trail: %d entries not written yet (%s)", len(taken), exc)
                with self._lock:
                    self._pending[:0] = taken
                    if len(self._pending) > self.limit:
                        extra = len(self._pending) - self.limit
                        del self._pending[:extra]
                        self.dropped += extra
                        _log.warning("audit trail: %d entries dropped in all", self.dropped)

    def close(self) -> None:
        with self._lock:
            self._stop = True
            thread = self._thread
        self._wake.set()
        if thread is not None:
            thread.join(10)
        self.flush()


def audit_entries(kb: KnowledgeBase, *, since: dt.datetime | None = None,
                  token: str | None = None, limit: int = 1000, until: dt.datetime | None = None,
                  route: str | None = None, status: int | None = None,
                  writes: bool = False) -> list[AuditEntry]:
    """Audit entries, oldest first (the newest ``limit`` of them): from ``since``, before
    ``until``, of the token named ``token``, on routes starting with ``route``, answered
    ``status``, and (``writes``) only requests that are not reads."""
    c = table_of(ServeAuditRow).c
    query = select(c.at, c.token, c.role, c.method, c.route, c.status, c.tlp, c.objects, c.client)
    if since is not None:
        query = query.where(c.at >= _utc(since))
    if until is not None:
        query = query.where(c.at < _utc(until))
    if token is not None:
        query = query.where(c.token == token)
    if route is not None:
        query = query.where(c.route.startswith(route, autoescape=True))
    if status is not None:
        query = query.where(c.status == status)
    if writes:
        query = query.where(c.method.not_in(("GET", "HEAD", "OPTIONS")))
    query = query.order_by(c.at.desc(), c.id.desc()).limit(limit)

    def read() -> list[AuditEntry]:
        with kb.engine.connect() as conn:
            rows = list(conn.execute(query))
        out = []
        for r in reversed(rows):
            at = _utc(r.at)
            assert at is not None
            out.append(AuditEntry(at, r.token, r.role, r.method, r.route, r.status, r.tlp,
                                  tuple(str(o) for o in (r.objects or ())), r.client))
        return out

    result: list[AuditEntry] = _guard(kb, "reading the audit trail", read)
    return result


def prune_audit(kb: KnowledgeBase, before: dt.datetime, *, who: str = "(cli)") -> int:
    """Delete the audit entries older than ``before`` (retention; the server never
    deletes); how many. The pruning itself is appended as an entry (``DELETE audit``)
    naming ``who`` and the count, in the same transaction."""
    table = table_of(ServeAuditRow)
    moment = _utc(before)

    def write() -> int:
        with kb.engine.begin() as conn:
            done = int(conn.execute(delete(table).where(table.c.at < moment)).rowcount or 0)
            conn.execute(insert(table), [_audit_row(AuditEntry(
                at=_now(), token=who, role="admin", method="DELETE", route="audit", status=200,
                tlp=None, objects=(f"{done} entries before {moment.isoformat() if moment else ''}",)))])
            return done

    result: int = _guard(kb, "pruning the audit trail", write)
    return result


def audit_count(kb: KnowledgeBase) -> int:
    """How many entries the audit trail holds."""
    c = table_of(ServeAuditRow).c

    def read() -> int:
        with kb.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table_of(ServeAuditRow))
                                    .where(c.id.is_not(None))).scalar_one())

    result: int = _guard(kb, "counting the audit trail", read)
    return result


def restricted(levels: Iterable[str]) -> str | None:
    """The highest of ``levels`` above TLP:CLEAR, or None when all are CLEAR."""
    top = max((TLP_LEVELS.index(x) for x in levels if x in TLP_LEVELS), default=0)
    return TLP_LEVELS[top] if top > 0 else None
