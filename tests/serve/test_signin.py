"""Web sign-in: token -> server-side session cookie, CSRF on every form, sign-out,
expiry, revocation, and the cookie honoured on web pages only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unmask.serve.session import SessionStore, safe_next, same_origin
from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import add_token, revoke_token

from .conftest import GREEN_APT29, LOCAL

pytestmark = pytest.mark.filterwarnings("error")

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as base:
        doc = parse_bytes(GREEN_APT29.encode(), source="notes/green.txt")
        base.add_analysis(analyze(doc), tlp="green")
        yield base


def _client(kb: KnowledgeBase, base_url: str = LOCAL, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    options.setdefault("accounts", True)
    return TestClient(create_app(kb, max_tlp="green", recheck=0, **options), base_url=base_url,
                      follow_redirects=False)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _sign_in(client: Any, secret: str, next_page: str = "/") -> Any:
    form = client.get("/login", params={"next": next_page})
    assert form.status_code == 200
    return client.post("/login", data={"token": secret, "csrf": _csrf(form.text), "next": next_page})


def test_sign_in_opens_a_strict_http_only_session_for_the_pages_only(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    with _client(kb) as client:
        assert client.get("/").status_code == 401  # no credential, not a browser: as before
        redirect = client.get("/actors/APT29", headers=HTML)
        assert redirect.status_code == 303
        assert redirect.headers["location"] == "/login?next=%2Factors%2FAPT29"
        done = _sign_in(client, secret, "/actors/APT29")
        assert done.status_code == 303 and done.headers["location"] == "/actors/APT29"
        cookie = next(c for c in done.headers.get_list("set-cookie") if c.startswith("unmask_session="))
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/"} <= flags
        assert "secure" not in flags  # plain http, no TLS proxy configured
        page = client.get("/actors/APT29", headers=HTML)
        assert page.status_code == 200 and "APT29" in page.text
        assert 'href="/logout"' in page.text
        # The cookie is not a credential for the API or TAXII: only the header is.
        assert client.get("/api/v1/stats").status_code == 401
        assert client.get("/taxii2/", headers={"Accept": "application/taxii+json;version=2.1"}
                          ).status_code == 401


def _flags(response: Any, name: str) -> set[str]:
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(name + "="))
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_the_cookies_are_secure_over_tls_or_behind_a_tls_proxy(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="reader", max_tlp="green")
    with _client(kb, "https://127.0.0.1") as client:
        done = _sign_in(client, secret)
        assert {"secure", "httponly", "samesite=strict"} <= _flags(done, "unmask_session")
    with _client(kb, tls_proxy=True) as client:
        # Plain http to the server, https to the browser: every cookie is Secure (so an
        # http client, as here, does not even send the form's cookie back).
        assert "secure" in _flags(client.get("/login"), "unmask_login")


def test_forms_need_their_csrf_token(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    with _client(kb) as client:
        form = client.get("/login")
        assert client.post("/login", data={"token": secret}).status_code == 403
        assert client.post("/login", data={"token": secret, "csrf": "forged"}).status_code == 403
        client.cookies.clear()  # a forged page cannot send the double-submitted cookie
        assert client.post("/login", data={"token": secret, "csrf": _csrf(form.text)}).status_code == 403
        assert _sign_in(client, secret).status_code == 303
        page = client.get("/logout")
        assert page.status_code == 200 and "Sign out" in page.text
        assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert client.get("/", headers=HTML).status_code == 200  # still signed in
        out = client.post("/logout", data={"csrf": _csrf(page.text)})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert 'unmask_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    # The closed session is dead on the server even if the browser kept the cookie.
    with _client(kb) as client:
        assert _sign_in(client, secret).status_code == 303
        sid = client.cookies.get("unmask_session")
        page = client.get("/logout")
        client.post("/logout", data={"csrf": _csrf(page.text)})
        client.cookies.set("unmask_session", sid)
        assert client.get("/", headers=HTML).status_code == 303


def _post_paths(app: Any) -> set[str]:
    """The path of every POST route (routers included, any FastAPI version)."""
    from starlette.routing import Route

    while not hasattr(app, "routes"):  # under the HEAD wrapper
        app = app.app
    out: set[str] = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            out.update(c.path for c in contexts() if "POST" in (c.methods or ()))
        elif isinstance(route, Route) and "POST" in (route.methods or ()):
            out.add(route.path)
    return out


def test_every_web_post_checks_the_csrf_token(kb: KnowledgeBase) -> None:
    """Every POST route outside /api and /taxii2 refuses a form without its CSRF token,
    even from a caller that sent a valid token in the header."""
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    with _client(kb) as client:
        posts = sorted(p for p in _post_paths(client.app) if not p.startswith(("/api", "/taxii2")))
        assert {"/login", "/logout", "/upload/analyze", "/upload/ingest"} <= set(posts)
        for path in posts:
            answer = client.post(path, data={"text": "APT29", "token": secret, "tlp": "clear"},
                                 files={"file": ("a.txt", b"APT29 used T1059")} if "analyze" in path else None,
                                 headers={"Authorization": f"Bearer {secret}"})
            assert answer.status_code == 403, (path, answer.status_code)


def test_a_post_from_another_site_is_refused(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    with _client(kb) as client:
        form = client.get("/login")
        evil = client.post("/login", data={"token": secret, "csrf": _csrf(form.text)},
                           headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403
        same = client.post("/login", data={"token": secret, "csrf": _csrf(form.text)},
                           headers={"Origin": LOCAL})
        assert same.status_code == 303
        other = client.post("/login", data={"token": secret, "csrf": _csrf(form.text)},
                            headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
        assert other.status_code == 403
    host = "127.0.0.1:8400"
    assert same_origin(None, host, ["http"]) and same_origin("http://127.0.0.1:8400", host, ["http"])
    assert same_origin("null", host, ["http"], "same-origin")  # Chromium, Referrer-Policy no-referrer
    assert not same_origin("null", host, ["http"], "cross-site")
    assert not same_origin(None, host, ["http"], "same-site")
    assert not same_origin("https://127.0.0.1:8400", host, ["http"])


def test_a_revoked_token_ends_its_sessions(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "leaky", role="reader", max_tlp="green")
    with _client(kb) as client:
        assert _sign_in(client, secret).status_code == 303
        assert client.get("/", headers=HTML).status_code == 200
        assert revoke_token(kb, "leaky") == 1  # recheck 0: seen at the next request
        assert client.get("/", headers=HTML).status_code == 303
        assert client.app.state.sessions.count() == 0


def test_a_wrong_token_is_refused_and_counted(kb: KnowledgeBase) -> None:
    from unmask.serve.limits import Limits

    secret, _ = add_token(kb, "ana", role="reader", max_tlp="green")
    with _client(kb, limits=Limits(failure_burst=3, failure_rate=0.01)) as client:
        form = client.get("/login")
        codes = [client.post("/login", data={"token": f"{secret}x{i}", "csrf": _csrf(form.text)}
                             ).status_code for i in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        refused = client.post("/login", data={"token": secret, "csrf": _csrf(form.text)})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "That token is not valid" not in refused.text


def test_sessions_end_when_idle_or_old(kb: KnowledgeBase) -> None:
    now = [1e9]
    store = SessionStore(kb, idle=60, lifetime=300, recheck=0, clock=lambda: now[0])
    one = store.open(name="ana", key_id="k1")
    now[0] += 59
    assert store.get(one.sid).sid == one.sid
    now[0] += 59
    assert store.get(one.sid) is not None  # used 59 s before: idle 59 s
    now[0] += 61
    assert store.get(one.sid) is None  # idle 61 s
    start = now[0]
    two = store.open(name="ana", key_id="k1")
    for t in range(50, 300, 50):
        now[0] = start + t
        assert store.get(two.sid) is not None
    now[0] = start + 300
    assert store.get(two.sid) is None  # 300 s after sign-in, however busy
    assert store.get("") is None and store.get("x" * 200) is None


def test_safe_next_stays_on_this_server() -> None:
    assert safe_next("/actors/APT29?matrix=all") == "/actors/APT29?matrix=all"
    for bad in ("//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                "", None, "/a\nLocation: x"):
        assert safe_next(bad) == "/"


def test_a_server_without_tokens_needs_no_sign_in(kb: KnowledgeBase) -> None:
    with _client(kb, accounts=False) as client:
        assert client.get("/login").status_code == 303
        assert client.get("/", headers=HTML).status_code == 200
