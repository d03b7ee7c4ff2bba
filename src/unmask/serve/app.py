"""The FastAPI application: REST under /api/v1, TAXII 2.1 under /taxii2, web pages at /.

Every path except ``/static/`` needs the token when one is set: ``Authorization:
Bearer <token>``, or HTTP Basic with the token as the password (any user name; TAXII
clients send Basic). Errors take the shape of the part asked: the JSON error shape
under /api, TAXII error messages under /taxii2, a small HTML page elsewhere.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from unmask.errors import StoreError, UnmaskError
from unmask.serve.rest import ApiError, error_body
from unmask.serve.taxii import MEDIA_TYPE, TaxiiError, accepts_taxii
from unmask.serve.view import NotVisible, View
from unmask.store import KnowledgeBase

__all__ = ["DEFAULT_MAX_UPLOAD", "create_app"]

#: Largest body POST /api/v1/analyze takes (bytes), also TAXII's max_content_length.
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024


def token_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries ``token`` (Bearer, or Basic password)."""
    if not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return hmac.compare_digest(value.encode(), token.encode())
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        _, _, password = decoded.partition(":")
        return hmac.compare_digest(password.encode(), token.encode())
    return False


#: What a 401 asks for: the token as a Bearer token or as an HTTP Basic password.
_CHALLENGES = ('Basic realm="unmask"', "Bearer")


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
    recheck: float = 1.0,
) -> FastAPI:
    """The server over ``kb``: nothing above ``max_tlp`` is shown; ``token`` guards it.

    ``recheck``: seconds between two looks at whether the store changed (caches are
    dropped when it did).
    """
    from unmask.serve import rest, taxii, web

    view = View(kb, max_tlp=max_tlp, recheck=recheck)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            view.close()

    app = FastAPI(
        lifespan=lifespan,
        title="unmask",
        summary="Threat-actor knowledge base: REST API (the TAXII 2.1 server is at /taxii2/)",
        docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.view = view

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

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return error(request, 503, type(exc).__name__, str(exc))

    @app.exception_handler(UnmaskError)
    async def unmask_error(request: Request, exc: UnmaskError) -> Response:
        return error(request, 500, type(exc).__name__, str(exc))

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        path = request.url.path
        if (token is not None and not path.startswith("/static/")
                and not token_matches(request.headers.get("authorization"), token)):
            denied = error(request, 401, "Unauthorized",
                           "this server needs its token: Authorization: Bearer <token> "
                           "(or HTTP Basic with the token as the password)")
            # One challenge per header line: Chromium ignores a Basic challenge followed
            # by another in the same header, and would never ask for the password.
            for challenge in _CHALLENGES:
                denied.headers.append("WWW-Authenticate", challenge)
            return denied
        if _area(path) == "taxii" and not accepts_taxii(request.headers.get("accept")):
            return error(request, 406, "Not Acceptable",
                         f"this server answers {MEDIA_TYPE}; the Accept header allows neither it "
                         "nor application/taxii+json")
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if _area(path) == "web":
            response.headers.setdefault("Content-Security-Policy", web.CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.include_router(rest.router(view, max_upload=max_upload), prefix="/api/v1")
    app.include_router(taxii.router(view, max_content_length=max_upload), prefix="/taxii2")
    app.include_router(web.router(view))

    return app
