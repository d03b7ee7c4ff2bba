"""Web sign-in: a token exchanged for a server-side session, and CSRF tokens for forms.

``POST /login`` checks the token as the ``Authorization`` header would be checked and
opens a :class:`Session`: a random id sent as the ``unmask_session`` cookie (HttpOnly,
SameSite=Strict, Path=/, Secure when the request came over https or the server is
told it sits behind a TLS proxy). Sessions are kept in the knowledge base
(``serve_sessions``: the SHA-256 of the id, never the id or the token), so every
worker of ``unmask serve --workers N`` knows them. A session names its token by key
id (or, for the server's own ``--token``, by a scrypt tag of it), and every request
made with the cookie checks that token's row again as a request with the header is
checked: a revoked token's sessions stop working within the recheck interval, an
expired one at once. Sessions end after ``idle`` seconds without a request or
``lifetime`` seconds after sign-in, and at ``POST /logout`` in every process.

The cookie is honoured on the web pages only; ``/api`` and ``/taxii2`` keep needing the
``Authorization`` header, so no API write can be driven by a cookie.

Every form carries a CSRF token and every web POST checks it (:func:`check_csrf`):
the session's own, an HMAC of the base's shared key (``serve_keys``) over the session
id (only its SHA-256 is stored: the row keeps a hash of the CSRF token, never the
token, so a copy of the base lets no one forge a session's form), or for a caller
authenticated by the header an HMAC of the shared key over the token's digest; the sign-in form, before any session, uses a
double-submitted cookie. A POST whose ``Origin`` names another site is refused too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from unmask.errors import StoreError
from unmask.store.schema import ServeKeyRow, ServeSessionRow, table_of

if TYPE_CHECKING:
    from unmask.store import KnowledgeBase

__all__ = ["COOKIE", "LOGIN_COOKIE", "Session", "SessionStore", "account", "check_csrf",
           "csrf_for_token", "safe_next", "same_origin", "server_tag", "shown_to"]

#: The session cookie's name.
COOKIE = "unmask_session"
#: The cookie the sign-in form double-submits its CSRF token with.
LOGIN_COOKIE = "unmask_login"
#: Sessions end after this long without a request (seconds), and this long after sign-in.
DEFAULT_IDLE = 30 * 60.0
DEFAULT_LIFETIME = 12 * 3600.0


@dataclass(slots=True)
class Session:
    """One signed-in browser: whose token it is (a stored token's key id, or the
    server's own ``--token`` by its tag), never the token itself."""

    sid: str
    key_id: str | None
    server_tag: str | None
    csrf: str
    name: str
    opened: float
    seen: float = field(default=0.0)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _seconds(moment: Any) -> float:
    value = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(str(moment))
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()


def server_tag(token: str) -> str:
    """What a session of the server's own ``--token`` is stored under: a scrypt of it
    (the same in every process given the same token; a new token ends old sessions)."""
    return hashlib.scrypt(token.encode(), salt=b"unmask-serve-session", n=2**14, r=8, p=1,
                          dklen=32).hex()


class SessionStore:
    """The open sessions, kept in the knowledge base (``serve_sessions``) so that every
    server process over it knows them: a sign-in on one worker holds on the others, a
    sign-out ends the session everywhere (seen within ``recheck`` seconds; at once in
    the process that signed out). Only the SHA-256 of a session id is stored. A
    session's row is read at most once per ``recheck`` seconds per process, and its
    last use written at most once per ``idle``/10 seconds (at most a minute). ``clock``:
    seconds since the epoch (injectable for tests)."""

    def __init__(self, kb: KnowledgeBase, *, idle: float = DEFAULT_IDLE, lifetime: float = DEFAULT_LIFETIME,
                 recheck: float = 1.0, clock: Callable[[], float] = time.time) -> None:
        self.kb = kb
        self.idle = idle
        self.lifetime = lifetime
        self.recheck = recheck
        self.clock = clock
        self._touch = min(60.0, idle / 10)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Session]] = {}  # sid hash -> (read at, session)
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The CSRF key every process over the base shares (made by the first one)."""
        if self._key is None:
            self._key = _shared_key(self.kb, "csrf")
        return self._key

    def csrf_of(self, sid: str) -> str:
        """The CSRF token of the session ``sid``: derived from its id (which is never
        stored) with the shared key, so every process gives the same one."""
        return hmac.new(self.key, b"session-csrf:" + sid.encode(), hashlib.sha256).hexdigest()

    def open(self, *, name: str, key_id: str | None, server: str | None = None) -> Session:
        """A new session for a checked token: ``key_id`` of a stored one, or ``server``
        (its :func:`server_tag`) for the server's own."""
        now = self.clock()
        sid = secrets.token_urlsafe(32)
        session = Session(sid, key_id, server, self.csrf_of(sid), name, now, now)
        t = table_of(ServeSessionRow)
        key = _hash(session.sid)
        row = {"sid_hash": key, "key_id": key_id, "server_tag": server,
               "name": name[:100], "csrf": _hash(session.csrf), "opened_at": _moment(now),
               "seen_at": _moment(now), "expires_at": _moment(now + self.lifetime)}
        self._write("opening a session", lambda conn: (
            conn.execute(delete(t).where(t.c.expires_at < _moment(now))),
            conn.execute(insert(t), [row])))
        with self._lock:
            self._cache[key] = (time.monotonic(), session)
        return session

    def get(self, sid: str | None) -> Session | None:
        """The live session of a cookie value, or None (unknown, signed out, idle too
        long, too old); a live one counts as used now."""
        if not sid or len(sid) > 100:
            return None
        key = _hash(sid)
        now = self.clock()
        with self._lock:
            held = self._cache.get(key)
        if held is None or time.monotonic() - held[0] >= self.recheck:
            session = self._read(sid, key)
            if session is None:
                with self._lock:
                    self._cache.pop(key, None)
                return None
            with self._lock:
                self._cache[key] = (time.monotonic(), session)
        else:
            session = held[1]
        if now - session.seen >= self.idle or now - session.opened >= self.lifetime:
            self.close(sid)
            return None
        if now - session.seen >= self._touch:
            t = table_of(ServeSessionRow)
            self._write("using a session", lambda conn: conn.execute(
                update(t).where(t.c.sid_hash == key).values(seen_at=_moment(now))))
            session.seen = now
        return session

    def _read(self, sid: str, key: str) -> Session | None:
        c = table_of(ServeSessionRow).c
        try:
            with self.kb.engine.connect() as conn:
                row = conn.execute(select(c.key_id, c.server_tag, c.csrf, c.name, c.opened_at,
                                          c.seen_at).where(c.sid_hash == key)).first()
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: reading a session failed: {exc}") from exc
        if row is None:
            return None
        csrf = self.csrf_of(sid)
        if not hmac.compare_digest(_hash(csrf), str(row.csrf)):
            return None  # opened under another key, or a row from before hashing: sign in again
        return Session(sid, row.key_id, row.server_tag, csrf, row.name, _seconds(row.opened_at),
                       _seconds(row.seen_at))

    def _write(self, what: str, work: Callable[[Any], Any]) -> None:
        try:
            with self.kb.engine.begin() as conn:
                work(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"knowledge base {self.kb.url}: {what} failed: {exc}") from exc

    def close(self, sid: str | None) -> bool:
        """End a session everywhere; whether there was one."""
        if not sid or len(sid) > 100:
            return False
        key = _hash(sid)
        with self._lock:
            self._cache.pop(key, None)
        t = table_of(ServeSessionRow)
        done: list[int] = []
        self._write("closing a session", lambda conn: done.append(
            int(conn.execute(delete(t).where(t.c.sid_hash == key)).rowcount or 0)))
        return bool(done and done[0])

    def count(self) -> int:
        """Sessions stored and not past their lifetime."""
        c = table_of(ServeSessionRow).c
        with self.kb.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table_of(ServeSessionRow))
                                    .where(c.expires_at >= _moment(self.clock()))).scalar_one())


def _shared_key(kb: KnowledgeBase, name: str) -> bytes:
    """The random key ``name`` of ``serve_keys``, made by the first process that asks
    (the others read the one that won)."""
    t = table_of(ServeKeyRow)
    try:
        with kb.engine.connect() as conn:
            found = conn.execute(select(t.c.value).where(t.c.name == name)).scalar()
        if found is None:
            try:
                with kb.engine.begin() as conn:
                    conn.execute(insert(t), [{"name": name, "value": secrets.token_hex(32)}])
            except IntegrityError:
                pass  # another process made it first
            with kb.engine.connect() as conn:
                found = conn.execute(select(t.c.value).where(t.c.name == name)).scalar_one()
    except SQLAlchemyError as exc:
        raise StoreError(f"knowledge base {kb.url}: reading the server key failed: {exc}") from exc
    return bytes.fromhex(str(found))


def csrf_for_token(key: bytes, token: str) -> str:
    """The CSRF token of the forms shown to a caller authenticated by the header."""
    digest = hashlib.sha256(token.encode()).digest()
    return hmac.new(key, b"csrf:" + digest, hashlib.sha256).hexdigest()


def check_csrf(expected: str | None, given: str | None) -> bool:
    """Whether a form's CSRF field matches what the caller was given (constant time)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(origin: str | None, host: str | None, schemes: Iterable[str],
                fetch_site: str | None = None) -> bool:
    """Whether a request comes from this server's own pages, as far as the browser
    says: its ``Origin`` header (when sent and not ``null``, which Chromium sends for
    forms of pages with ``Referrer-Policy: no-referrer``) names ``host`` over one of
    ``schemes``, and its ``Sec-Fetch-Site`` (when sent) is ``same-origin`` or ``none``.
    A POST from another site's page is refused whatever its form holds; the CSRF token
    is checked besides."""
    if fetch_site is not None and fetch_site.strip().lower() not in ("same-origin", "none"):
        return False
    if origin is None or origin.strip().lower() == "null":
        return True
    if not host:
        return False
    return origin.strip().lower() in {f"{s}://{host.strip().lower()}" for s in schemes}


#: Who the page being rendered is for: (name, signed in with a session, may analyse).
_ACCOUNT: ContextVar[tuple[str, bool, bool] | None] = ContextVar("unmask_serve_account", default=None)


@contextlib.contextmanager
def shown_to(name: str | None, *, session: bool, analyst: bool) -> Iterator[None]:
    """Pages rendered inside show ``name``'s header links (see :func:`account`)."""
    mark = _ACCOUNT.set(None if name is None else (name, session, analyst))
    try:
        yield
    finally:
        _ACCOUNT.reset(mark)


def account() -> dict[str, Any] | None:
    """The caller of the page being rendered, for its header: ``name``, ``session``
    (signed in with the form: a sign-out link) and ``analyst`` (may upload); None for a
    page rendered outside a request."""
    held = _ACCOUNT.get()
    if held is None:
        return None
    return {"name": held[0], "session": held[1], "analyst": held[2]}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this server, else ``/`` (never another
    site: ``//host``, ``/\\host`` and schemes are refused)."""
    value = (target or "").strip()
    if (not value.startswith("/") or value.startswith("//") or "\\" in value
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in value) or len(value) > 2000):
        return "/"
    return value
