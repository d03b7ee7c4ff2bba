"""The FastAPI application: REST under /api/v1, TAXII 2.1 under /taxii2, web pages at /.

Every path except ``/static/`` needs the token when one is set: ``Authorization:
Bearer <token>``, or HTTP Basic with the token as the password (any user name; TAXII
clients send Basic). Without a token only the loopback names (and the configured
``allowed_hosts``) are answered in the ``Host`` header, so a web page whose name was
rebound to 127.0.0.1 cannot read the base (DNS rebinding).

Errors take the shape of the part asked: the JSON error shape under /api, TAXII error
messages under /taxii2, a small HTML page elsewhere; every answer, errors and crashes
included, carries the security headers and ``Cache-Control: no-store``. ``HEAD`` is
answered wherever ``GET`` is. Error messages never name the database URL or a path
of the server: the details of a store failure or a crash go to the server's log.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hmac
import logging
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from unmask.errors import StoreError, UnmaskError
from unmask.serve.limits import (
    AnalysisPool,
    Busy,
    Limits,
    RateLimiter,
    check_proxy_header,
    client_address,
    proxy_networks,
    retry_after,
)
from unmask.serve.rest import DEFAULT_MAX_TEXT, ApiError, error_body
from unmask.serve.session import (
    COOKIE,
    DEFAULT_IDLE,
    DEFAULT_LIFETIME,
    Session,
    SessionStore,
    csrf_for_token,
    same_origin,
    server_tag,
    shown_to,
)
from unmask.serve.taxii import MEDIA_TYPE, TaxiiError, accepts_taxii
from unmask.serve.view import NotVisible, View, clearance
from unmask.store import KnowledgeBase
from unmask.store.access import Reader
from unmask.store.accounts import (
    AuditEntry,
    AuditLog,
    Principal,
    TokenChecker,
    key_id_of,
    restricted,
)
from unmask.store.search import QueryLimitError, SearchTimeoutError

__all__ = ["DEFAULT_MAX_UPLOAD", "LIMITED_PATHS", "LOOPBACK_HOSTS", "PUBLIC_PATHS", "SERVER_TOKEN_NAME",
           "create_app", "credential", "host_name", "limited", "needed_role", "token_matches"]

_log = logging.getLogger(__name__)

#: Host names a server without a token answers (plus its ``allowed_hosts``).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")

#: Largest body POST /api/v1/analyze takes (bytes), also TAXII's max_content_length.
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024


def credential(header: str | None) -> str | None:
    """The token an Authorization header carries (Bearer, or the Basic password)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def token_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries ``token`` (Bearer, or Basic password)."""
    given = credential(header)
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


#: Methods that only read: a reader may use them; every other one needs an analyst.
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Name the audit trail gives the ``--token`` of the server.
SERVER_TOKEN_NAME = "(server token)"  # noqa: S105 - a display name, not a secret


def needed_role(method: str, path: str) -> str:
    """The least role a request needs: admin for ``/api/v1/admin``, analyst for any
    request that is not a read (``POST /logout`` aside), reader otherwise."""
    if path == "/api/v1/admin" or path.startswith("/api/v1/admin/"):
        return "admin"
    if path == "/logout":  # signing out changes nothing but the caller's own session
        return "reader"
    return "reader" if method in _READS else "analyst"


#: Paths answered without a token (the sign-in form; ``/static/`` too).
PUBLIC_PATHS = frozenset({"/login"})
#: POST paths that analyse or store what is sent: rate-limited per caller and run in the
#: bounded analysis pool (TAXII pushes: ``/taxii2/<root>/collections/<id>/objects/``).
LIMITED_PATHS = ("/api/v1/analyze", "/upload/analyze", "/upload/ingest")


def limited(method: str, path: str) -> bool:
    """Whether a request is rate-limited and pooled (see :data:`LIMITED_PATHS`)."""
    if method != "POST":
        return False
    if path in LIMITED_PATHS:
        return True
    return path.startswith("/taxii2/") and "/collections/" in path and path.endswith("/objects/")


#: What a 401 asks for: the token as a Bearer token or as an HTTP Basic password.
_CHALLENGES = ('Basic realm="unmask"', "Bearer")


def host_name(header: str | None) -> str:
    """The host of a ``Host`` header, lower-case, without port or trailing dot
    (``[::1]:8400`` -> ``[::1]``); ``""`` when there is none."""
    value = (header or "").strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else ""
    if value.count(":") > 1:  # a bare IPv6 address
        return f"[{value}]"
    return value.partition(":")[0].rstrip(".")


def _allowed_set(names: Iterable[str]) -> frozenset[str]:
    return frozenset(host_name(name) for name in names if name.strip())


class _HeadAsGet:
    """ASGI wrapper: a ``HEAD`` request runs as ``GET`` and the body is dropped, so HEAD
    is answered wherever GET is, with the same status and headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or scope.get("method") != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Any) -> None:
            if message.get("type") == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def _area(path: str) -> str:
    if path == "/api" or path.startswith("/api/"):
        return "api"
    if path == "/taxii2" or path.startswith("/taxii2/"):
        return "taxii"
    return "web"


def create_app(
    kb: KnowledgeBase,
    *,
    max_tlp: str = "green",
    token: str | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    max_text: int = DEFAULT_MAX_TEXT,
    recheck: float = 1.0,
    allowed_hosts: Iterable[str] | None = None,
    accounts: bool | None = None,
    limits: Limits | None = None,
    tls_proxy: bool = False,
    session_idle: float | None = None,
    session_lifetime: float | None = None,
    org: str | None = None,
    prewarm: bool = False,
    allow_anonymous_writes: bool = False,
    trusted_proxies: Iterable[str] = (),
    trusted_proxy_header: str = "x-forwarded-for",
) -> FastAPI:
    """The server over ``kb``: nothing above ``max_tlp`` is shown; ``token`` guards it.

    ``recheck``: seconds between two looks at whether the store changed (caches are
    dropped when it did) and at a stored token's row (a revocation by another process
    is seen within that time; an expiry at once). ``max_text``: most characters of text ``POST /api/v1/analyze``
    analyses (413 past it, however few bytes were sent). ``allowed_hosts``: the names the ``Host`` header may give
    besides :data:`LOOPBACK_HOSTS`; without a token only those are answered (421
    otherwise), with a token only when some are given (``["*"]``: any).

    ``accounts``: whether the tokens stored in the knowledge base (``unmask token add``)
    are accepted; None (default): when the base holds an active one at start. With
    accounts or ``token`` every request needs a token; each is answered at the lower of
    ``max_tlp`` and the token's clearance, needs the role its method and path ask for
    (:func:`needed_role`; ``token`` is an admin), and reads of reports above TLP:CLEAR
    and every other request are written to the audit trail.

    Browsers may sign in at ``/login`` instead (:mod:`unmask.serve.session`): the
    session cookie is honoured on the web pages only, marked Secure when the request
    came over https or ``tls_proxy`` says a TLS proxy is in front; ``session_idle`` and
    ``session_lifetime`` (seconds) end sessions. ``limits``
    (:class:`~unmask.serve.limits.Limits`): the per-caller rate limits of the
    requests that analyse or store (:func:`limited`), of wrong secrets, and the
    bounded analysis pool.

    ``org``: the server's own organisation, that of every report ingested and every
    token added without one. A stored token sees AMBER+STRICT reports of its own
    organisation only and RED reports whose audience (if any) names it
    (:mod:`unmask.store.access`); ``token`` and a server without tokens see all.
    ``prewarm``: build the profiles that hidden reports make the server rebuild before
    the first request and after each change of the store, in a thread (``unmask serve``
    does), so the time of a profile does not tell whether a hidden report names its actor.
    ``allow_anonymous_writes``: a server without tokens takes requests that are not
    reads (analyse, upload, ingest, TAXII push) from anyone who reaches it; without it
    (default) it answers them 403 and only reads are open.

    Wrong secrets are counted per source (the client's address): past the failure
    limit a source's tokens are answered 429 without being checked, except a token this
    process has already verified (a cheap hash comparison); a correct token from
    another source is never held up by someone else's failures. ``trusted_proxies``
    (addresses or CIDRs): the reverse proxies whose ``trusted_proxy_header``
    (``x-forwarded-for``, default, or ``forwarded``: the one they write; the other is
    never read) names the source (:func:`~unmask.serve.limits.client_address`); any
    other peer's headers are ignored.
    """
    from unmask.serve import models, rest, signin, taxii, upload, web

    view = View(kb, max_tlp=max_tlp, recheck=recheck, org=org, prewarm=prewarm)
    view.start_warming()  # ``prewarm``: restricted profiles built before the first request
    checker = TokenChecker(kb, recheck=recheck)
    audit_log = AuditLog(kb)
    bounds = limits or Limits()
    sessions = SessionStore(kb, idle=DEFAULT_IDLE if session_idle is None else session_idle,
                            lifetime=DEFAULT_LIFETIME if session_lifetime is None else session_lifetime,
                            recheck=recheck)
    tag_of_token: list[str] = []  # the server token's session tag, made at its first use

    def token_tag() -> str:
        if not tag_of_token:
            tag_of_token.append(server_tag(token or ""))
        return tag_of_token[0]
    proxies = proxy_networks(trusted_proxies)
    proxy_header = check_proxy_header(trusted_proxy_header)

    def client_of(request: Request) -> str:
        return client_address(request.client.host if request.client else None, request.headers, proxies,
                              proxy_header)
    rates = RateLimiter(bounds.analyze_rate, bounds.analyze_burst)
    failures = RateLimiter(bounds.failure_rate, bounds.failure_burst)
    pool = AnalysisPool(bounds.workers, per_caller=bounds.per_caller, queue=bounds.queue)
    use_accounts = checker.any_active() if accounts is None else accounts
    guarded = token is not None or use_accounts
    extra_hosts = list(allowed_hosts or ())
    hosts: frozenset[str] | None = None
    if "*" not in extra_hosts and (not guarded or extra_hosts):
        hosts = _allowed_set([*LOOPBACK_HOSTS, *extra_hosts])

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            audit_log.close()
            view.close()

    app = FastAPI(
        lifespan=lifespan,
        title="unmask",
        summary="Threat-actor knowledge base: REST API (the TAXII 2.1 server is at /taxii2/)",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.view = view
    app.state.allowed_hosts = hosts
    app.state.guarded = guarded
    app.state.audit_log = audit_log
    app.state.sessions = sessions
    app.state.failures = failures
    app.state.pool = pool
    app.state.tls_proxy = tls_proxy
    app.state.accounts = use_accounts
    app.state.client_of = client_of

    def error(request: Request, status: int, kind: str, message: str,
              source: str | None = None, headers: dict[str, str] | None = None) -> Response:
        area = _area(request.url.path)
        if area == "taxii":
            body = TaxiiError(status, kind, message).body()
            return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)
        if area == "api":
            return JSONResponse(error_body(kind, message, source), status_code=status,
                                headers=headers)
        return web.error_page(request, status, message, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error(request, exc.status, exc.kind, exc.message, exc.source)

    @app.exception_handler(TaxiiError)
    async def taxii_error(request: Request, exc: TaxiiError) -> Response:
        return error(request, exc.status, exc.title, exc.description)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return error(request, 400, "ValidationError", problems or "invalid request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return error(request, exc.status_code, kind, str(exc.detail),
                     headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(NotVisible)
    async def not_visible(request: Request, exc: NotVisible) -> Response:
        return error(request, 404, "NotFound", str(exc))

    @app.exception_handler(QueryLimitError)
    async def query_limit(request: Request, exc: QueryLimitError) -> Response:
        return error(request, 400, "QueryLimitError", str(exc))

    @app.exception_handler(SearchTimeoutError)
    async def search_timeout(request: Request, exc: SearchTimeoutError) -> Response:
        return error(request, 503, "SearchTimeoutError", str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        # The store's messages name the database URL and paths: those stay in the log.
        _log.error("%s %s: %s", request.method, request.url.path, exc)
        return error(request, 503, type(exc).__name__,
                     "the knowledge base could not answer (the server log has the details)")

    @app.exception_handler(UnmaskError)
    async def unmask_error(request: Request, exc: UnmaskError) -> Response:
        _log.error("%s %s: %s", request.method, request.url.path, exc)
        return error(request, 500, type(exc).__name__,
                     "the server failed on this request (the server log has the details)")

    def secured(path: str, response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not path.startswith("/static/"):
            # Answers hold TLP-marked knowledge (and need the token when one is set):
            # no browser or proxy cache keeps them.
            response.headers.setdefault("Cache-Control", "no-store")
        if _area(path) == "web":
            response.headers.setdefault("Content-Security-Policy", web.CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    async def authenticate(given: str | None, source: str) -> tuple[Principal | None, float]:
        """The principal of a presented token, and 0.0; or (None, seconds to wait) when
        ``source`` (a client address) has sent too many wrong tokens lately (each cost a
        look at the base and a scrypt): answered 429 without checking. Only failures
        count, per source: a token this process verified before is always accepted, and
        a source is never held up by another's failures (before, failures were counted
        per key id, so anyone could hold a known token at 429 in a process that had not
        verified it yet)."""
        if given is None:
            return None, 0.0
        bucket = "failed:" + source
        if use_accounts:
            known, principal = checker.cached(given)
            if known and principal is not None:
                return principal, 0.0
            if checker.verified(given):  # verified here before: a row read, no scrypt
                principal = await run_in_threadpool(checker.check, given)
                return principal, 0.0
        wait = failures.wait(bucket)
        if wait:
            return None, wait
        if token is not None and hmac.compare_digest(given.encode(), token.encode()):
            return Principal(SERVER_TOKEN_NAME, "admin", view.ceiling), 0.0
        principal = None
        if use_accounts and key_id_of(given) is not None:
            principal = await run_in_threadpool(checker.check, given)
        if principal is None:
            failures.take(bucket)
        return principal, 0.0

    app.state.authenticate = authenticate
    app.state.token_tag = token_tag

    async def session_principal(session: Session) -> Principal | None:
        """Who a sign-in session is: its stored token as the row says now, or the
        server's own token (while the server still has that token)."""
        if session.key_id is not None:
            return await run_in_threadpool(checker.principal_of, session.key_id) if use_accounts else None
        if token is not None and session.server_tag is not None and hmac.compare_digest(
                session.server_tag, await run_in_threadpool(token_tag)):
            return Principal(SERVER_TOKEN_NAME, "admin", view.ceiling)
        return None

    def too_many(request: Request, wait: float, message: str) -> Response:
        return error(request, 429, "TooManyRequests", message,
                     headers={"Retry-After": retry_after(wait)})

    async def answer(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        if hosts is not None and host_name(request.headers.get("host")) not in hosts:
            return error(request, 421, "MisdirectedRequest",
                         "this server does not answer for the host name in the Host header "
                         "(start it with --allowed-host NAME to add one)")
        area = _area(path)
        client = client_of(request)
        request.state.session = None
        principal: Principal | None = None
        given: str | None = None
        if area == "web" and request.method not in _READS:
            schemes = ("http", "https") if tls_proxy else (request.url.scheme,)
            if not same_origin(request.headers.get("origin"), request.headers.get("host"), schemes,
                               request.headers.get("sec-fetch-site")):
                return error(request, 403, "Forbidden",
                             "this form was sent from another site's page (its Origin header)")
        if not guarded or path.startswith("/static/") or path in PUBLIC_PATHS:
            # Without tokens anyone may read; writes only when the operator said so.
            writes = guarded or allow_anonymous_writes or path in PUBLIC_PATHS
            principal = Principal("(no token)", "admin" if writes else "reader", view.ceiling)
            given = "(no token)"
        else:
            header = request.headers.get("authorization")
            given = credential(header)
            wait = 0.0
            if given is None and header is None and area == "web" and request.cookies.get(COOKIE):
                session = await run_in_threadpool(sessions.get, request.cookies.get(COOKIE))
                if session is not None:
                    request.state.session = session
                    principal = await session_principal(session)
            if request.state.session is None:
                principal, wait = await authenticate(given, client)
            if wait:
                return too_many(request, wait, "too many wrong tokens lately: wait before trying "
                                "again")
            if principal is None and request.state.session is not None:
                await run_in_threadpool(sessions.close, request.state.session.sid)  # revoked or expired
                request.state.session = None
            if (principal is None and header is None and use_accounts and area == "web"
                    and request.method in _READS and "text/html" in request.headers.get("accept", "")):
                # A browser with no credential: the sign-in form, not a Basic prompt.
                target = path + (f"?{request.url.query}" if request.url.query else "")
                return Response(status_code=303, headers={
                    "Location": "/login?" + urllib.parse.urlencode({"next": target})})
        if principal is None:
            denied = error(request, 401, "Unauthorized",
                           "this server needs a token: Authorization: Bearer <token> "
                           "(or HTTP Basic with the token as the password)"
                           + ("; browsers can sign in at /login" if area == "web" else ""))
            # One challenge per header line: Chromium ignores a Basic challenge followed
            # by another in the same header, and would never ask for the password.
            for challenge in _CHALLENGES:
                denied.headers.append("WWW-Authenticate", challenge)
            return denied
        request.state.csrf = (request.state.session.csrf if request.state.session is not None
                              else csrf_for_token(sessions.key, given or ""))
        needed = needed_role(request.method, path)
        if not principal.may(needed):
            refused = error(request, 403, "Forbidden",
                            f"this token's role ({principal.role}) may not do this: it needs "
                            f"the {needed} role" if guarded else
                            "this server takes no writes without a token: start it with --token "
                            "(or add tokens with unmask token add), or with "
                            "--allow-anonymous-writes")
            if guarded:
                audit(request, principal, refused.status_code, [])
            return refused
        if area == "taxii" and not accepts_taxii(request.headers.get("accept")):
            return error(request, 406, "Not Acceptable",
                         f"this server answers {MEDIA_TYPE}; the Accept header allows neither it "
                         "nor application/taxii+json")
        caller = principal.key_id or (principal.name if guarded else "client:" + client)
        pooled = limited(request.method, path)
        if pooled:
            wait = rates.take(caller)
            if wait:
                refused = too_many(request, wait, "too many analyses or uploads from this token "
                                   "lately: wait before sending more")
                if guarded:
                    audit(request, principal, refused.status_code, [])
                return refused
        seen: list[tuple[str, str]] = []
        try:
            request.state.principal = principal  # for TAXII can_write (the caller may write)
            public = guarded and (path in PUBLIC_PATHS or path.startswith("/static/"))
            reader = Reader(principal.org, principal.name) if principal.key_id else None
            with clearance(principal.max_tlp, seen, reader), shown_to(
                    None if public else principal.name, session=request.state.session is not None,
                    analyst=principal.may("analyst")):
                if pooled:
                    async with pool.slot(caller):
                        response = await call_next(request)
                else:
                    response = await call_next(request)
        except Busy as exc:
            response = error(request, exc.status, "TooManyRequests" if exc.status == 429 else
                             "ServiceUnavailable", exc.message,
                             headers={"Retry-After": str(exc.retry_after)})
        except Exception:  # noqa: BLE001 - the server's top level: a crash is a 500, logged
            _log.exception("%s %s failed", request.method, path)
            response = error(request, 500, "InternalError",
                             "the server failed on this request (the server log has the details)")
        if guarded and (request.method not in _READS or restricted(t for _, t in seen)) \
                and path not in PUBLIC_PATHS:
            audit(request, principal, response.status_code, seen)
        return response

    def audit(request: Request, principal: Principal, status: int,
              seen: list[tuple[str, str]]) -> None:
        """Append who did what to the audit trail (written behind the answer, see
        :class:`~unmask.store.accounts.AuditLog`): every request that is not a read or
        was refused, and reads that showed a report above TLP:CLEAR (with those reports
        and actors)."""
        shown = [key for key, level in dict.fromkeys(seen) if level != "clear"]
        audit_log.add(AuditEntry(
            at=dt.datetime.now(dt.UTC), token=principal.name, role=principal.role,
            method=request.method, route=request.url.path, status=status,
            tlp=restricted(level for _, level in seen), objects=tuple(dict.fromkeys(shown)),
            client=client_of(request)))

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        return secured(request.url.path, await answer(request, call_next))

    app.include_router(rest.router(view, max_upload=max_upload, max_text=max_text), prefix="/api/v1")
    app.include_router(taxii.router(view, max_content_length=max_upload), prefix="/taxii2")
    app.include_router(signin.router(view))
    app.include_router(upload.router(view, max_upload=max_upload, max_text=max_text))
    app.include_router(web.router(view))
    app.add_middleware(_HeadAsGet)
    models.install_openapi(app, guarded=guarded)

    return app
