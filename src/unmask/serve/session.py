"""Web sign-in: a token exchanged for a server-side session, and CSRF tokens for forms.

``POST /login`` checks the token as the ``Authorization`` header would be checked and
opens a :class:`Session`: a random id sent as the ``unmask_session`` cookie (HttpOnly,
SameSite=Strict, Path=/, Secure when the request came over https or the server is
told it sits behind a TLS proxy). The session keeps the token in the server's memory
only, and every request made with the cookie checks that token again exactly as a
request with the header is checked: a revoked token's sessions stop working within
the recheck interval, an expired one at once. Sessions end after ``idle`` seconds
without a request or ``lifetime`` seconds after sign-in, at ``POST /logout``, and at a
restart (they are not stored).

The cookie is honoured on the web pages only; ``/api`` and ``/taxii2`` keep needing the
``Authorization`` header, so no API write can be driven by a cookie.

Every form carries a CSRF token and every web POST checks it (:func:`check_csrf`):
the session's own random token, or for a caller authenticated by the header an HMAC of
the server's key over the token's digest; the sign-in form, before any session, uses a
double-submitted cookie. A POST whose ``Origin`` names another site is refused too.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

__all__ = ["COOKIE", "LOGIN_COOKIE", "Session", "SessionStore", "account", "check_csrf",
           "csrf_for_token", "safe_next", "same_origin", "shown_to"]

#: The session cookie's name.
COOKIE = "unmask_session"
#: The cookie the sign-in form double-submits its CSRF token with.
LOGIN_COOKIE = "unmask_login"
#: Sessions end after this long without a request (seconds), and this long after sign-in.
DEFAULT_IDLE = 30 * 60.0
DEFAULT_LIFETIME = 12 * 3600.0
#: Most sessions kept at once (the oldest are closed past it).
DEFAULT_LIMIT = 10_000


@dataclass(slots=True)
class Session:
    """One signed-in browser: the token it signed in with (kept in memory only)."""

    sid: str
    token: str
    csrf: str
    name: str
    opened: float
    seen: float = field(default=0.0)


class SessionStore:
    """The open sessions of one server process (see the module's text)."""

    def __init__(self, *, idle: float = DEFAULT_IDLE, lifetime: float = DEFAULT_LIFETIME,
                 limit: int = DEFAULT_LIMIT, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.lifetime = lifetime
        self.limit = limit
        self.clock = clock
        self.key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def open(self, token: str, name: str) -> Session:
        """A new session for ``token`` (already checked by the caller)."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), token, secrets.token_urlsafe(32), name, now, now)
        with self._lock:
            self._sessions[session.sid] = session
            while len(self._sessions) > self.limit:
                self._sessions.popitem(last=False)
        return session

    def get(self, sid: str | None) -> Session | None:
        """The live session of a cookie value, or None (unknown, idle too long, too old);
        a live one counts as used now."""
        if not sid or len(sid) > 100:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if now - session.seen >= self.idle or now - session.opened >= self.lifetime:
                del self._sessions[sid]
                return None
            session.seen = now
            self._sessions.move_to_end(sid)
            return session

    def close(self, sid: str | None) -> bool:
        """End a session; whether there was one."""
        with self._lock:
            return self._sessions.pop(sid or "", None) is not None

    def count(self) -> int:
        with self._lock:
            return len(self._sessions)


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
