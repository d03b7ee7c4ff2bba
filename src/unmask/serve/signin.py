"""The sign-in pages: ``GET/POST /login`` and ``GET/POST /logout`` (see
:mod:`unmask.serve.session` for the session and CSRF rules).

``/login`` is answered without a token. Its form double-submits a CSRF value (a cookie
of its own, path ``/login``, and a hidden field); a wrong token is counted against
the client's address as every other check is (429 with ``Retry-After`` past the
failure limit). Sign-ins, failed ones included, go to the
audit trail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from unmask.serve import web
from unmask.serve.limits import retry_after
from unmask.serve.session import (
    COOKIE,
    LOGIN_COOKIE,
    account,
    check_csrf,
    safe_next,
)
from unmask.serve.view import View
from unmask.store.accounts import AuditEntry

__all__ = ["render", "router"]


def render(request: Request, view: View, template: str, status: int = 200,
           headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    """One of this part's pages (the site's layout and escaping, see :mod:`unmask.serve.web`)."""
    values.setdefault("query", "")
    html = web.environment().get_template(template).render(max_tlp=view.max_tlp, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def secure(request: Request) -> bool:
    """Whether cookies are marked Secure: the request came over https, or the server
    was told a TLS proxy is in front of it."""
    return request.url.scheme == "https" or bool(getattr(request.app.state, "tls_proxy", False))


def _audit(request: Request, name: str, role: str, status: int) -> None:
    if not request.app.state.guarded:
        return
    request.app.state.audit_log.add(AuditEntry(
        at=dt.datetime.now(dt.UTC), token=name, role=role, method=request.method,
        route=request.url.path, status=status, tlp=None,
        client=request.app.state.client_of(request)))


def router(view: View) -> APIRouter:
    pages = APIRouter(include_in_schema=False)
    web.environment().globals["account"] = account

    def form(request: Request, next_page: str, status: int = 200, problem: str | None = None,
             headers: dict[str, str] | None = None) -> HTMLResponse:
        sessions = request.app.state.sessions
        value = request.cookies.get(LOGIN_COOKIE)
        if not value or len(value) > 100:
            value = secrets.token_urlsafe(32)
        page = render(request, view, "login.html", status, headers, signed_in=None, csrf=value,
                      next=safe_next(next_page), problem=problem,
                      idle=round(sessions.idle / 60), lifetime=round(sessions.lifetime / 3600))
        page.set_cookie(LOGIN_COOKIE, value, max_age=3600, path="/login", httponly=True,
                        samesite="strict", secure=secure(request))
        return page

    @pages.get("/login")
    def login_page(request: Request, next: str = Query("/", max_length=2000)) -> Response:
        if not request.app.state.guarded:
            return Response(status_code=303, headers={"Location": "/"})
        return form(request, next)

    @pages.post("/login")
    async def login(request: Request, token: str = Form("", max_length=300),
                    csrf: str = Form("", max_length=100),
                    next: str = Form("/", max_length=2000)) -> Response:
        state = request.app.state
        if not state.guarded:
            return Response(status_code=303, headers={"Location": "/"})
        if not check_csrf(request.cookies.get(LOGIN_COOKIE), csrf):
            return form(request, next, 403, "The form had expired: sign in again.")
        client = state.client_of(request)
        principal, wait = await state.authenticate(token.strip() or None, client)
        if wait:
            return form(request, next, 429, "Too many wrong tokens lately: wait a little and "
                        "try again.", headers={"Retry-After": retry_after(wait)})
        if principal is None:
            _audit(request, "(sign-in failed)", "-", 401)
            return form(request, next, 401, "That token is not valid here (unknown, revoked or "
                        "expired).", headers={"WWW-Authenticate": "Bearer"})
        def opened() -> Any:  # in a thread: the server token's tag is a scrypt the first time
            return state.sessions.open(name=principal.name, key_id=principal.key_id,
                                       server=None if principal.key_id is not None else state.token_tag())

        session = await run_in_threadpool(opened)
        _audit(request, principal.name, principal.role, 303)
        done = Response(status_code=303, headers={"Location": safe_next(next)})
        done.set_cookie(COOKIE, session.sid, path="/", httponly=True, samesite="strict",
                        secure=secure(request), max_age=int(state.sessions.lifetime))
        done.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True, samesite="strict",
                           secure=secure(request))
        return done

    @pages.get("/logout")
    def logout_page(request: Request) -> Response:
        session = request.state.session
        if session is None:
            return Response(status_code=303, headers={"Location": "/"})
        return render(request, view, "login.html", signed_in=session.name, csrf=request.state.csrf)

    @pages.post("/logout")
    async def logout(request: Request, csrf: str = Form("", max_length=100)) -> Response:
        if not check_csrf(request.state.csrf, csrf):
            return web.error_page(request, 403, "the form had expired: open the page again")
        session = request.state.session
        if session is not None:
            await run_in_threadpool(request.app.state.sessions.close, session.sid)
        done = Response(status_code=303, headers={"Location": "/login"})
        done.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure(request))
        return done

    return pages
