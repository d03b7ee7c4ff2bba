"""Sign-in sessions and upload holds live in the knowledge base: two server instances
over one base (two workers of ``unmask serve --workers 2``) share them (issue 20).

A session opened on one is honoured by the other, a sign-out on either ends it on
both, the base keeps only the SHA-256 of a session id, and an upload analysed on one
is ingested through the other. SQLite, and PostgreSQL with UNMASK_TEST_POSTGRES.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from unmask.serve.session import COOKIE
from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import add_token, revoke_token
from unmask.store.schema import ServeSessionRow, table_of

from .conftest import LOCAL
from .test_tlp_differential import _urls

pytestmark = pytest.mark.filterwarnings("error")

HTML = {"Accept": "text/html,application/xhtml+xml"}
NOTE = "APT29 operators staged their loader on shared-sync-relay[.]top this spring."


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    with _urls(request.param, tmp_path) as (url, _), open_kb(url) as first, open_kb(url) as second:
        yield first, second


def _client(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    options.setdefault("accounts", True)
    return TestClient(create_app(kb, max_tlp="amber", recheck=0, **options), base_url=LOCAL,
                      follow_redirects=False)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:400]
    return found.group(1)


def _sign_in(client: Any, secret: str) -> str:
    form = client.get("/login")
    done = client.post("/login", data={"token": secret, "csrf": _csrf(form.text), "next": "/"})
    assert done.status_code == 303, done.text
    return str(done.cookies[COOKIE])


def test_a_session_opened_on_one_worker_holds_on_the_other(two: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    first, second = two
    secret, _ = add_token(first, "ana", role="analyst", max_tlp="amber")
    with _client(first) as a, _client(second) as b:
        sid = _sign_in(a, secret)
        b.cookies.set(COOKIE, sid)
        assert b.get("/", headers=HTML).status_code == 200  # before: 303 to /login
        with first.engine.connect() as conn:
            stored = list(conn.execute(select(table_of(ServeSessionRow).c.sid_hash)).scalars())
        assert stored == [hashlib.sha256(sid.encode()).hexdigest()]  # never the id itself
        # The forms of the other worker take the session's CSRF token.
        page = b.get("/logout", headers=HTML)
        assert page.status_code == 200
        out = b.post("/logout", data={"csrf": _csrf(page.text)})
        assert out.status_code == 303
        a.cookies.set(COOKIE, sid)
        assert a.get("/", headers=HTML).status_code == 303  # signed out everywhere
        # Revoking the token ends its sessions on every worker.
        sid = _sign_in(a, secret)
        b.cookies.set(COOKIE, sid)
        assert b.get("/", headers=HTML).status_code == 200
        assert revoke_token(first, "ana") == 1
        assert b.get("/", headers=HTML).status_code == 303


def test_the_server_token_signs_in_on_every_worker_with_it(two: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    first, second = two
    with _client(first, token="one-user") as a, _client(second, token="one-user") as b, \
            _client(second, token="another") as c:
        sid = _sign_in(a, "one-user")
        b.cookies.set(COOKIE, sid)
        c.cookies.set(COOKIE, sid)
        assert b.get("/", headers=HTML).status_code == 200
        assert c.get("/", headers=HTML).status_code == 303  # a server with another token


def test_header_csrf_and_upload_holds_are_shared(two: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    first, second = two
    secret, _ = add_token(first, "ana", role="analyst", max_tlp="amber")
    auth = {"Authorization": f"Bearer {secret}"}
    with _client(first) as a, _client(second) as b:
        form = a.get("/upload", headers=auth)
        assert _csrf(form.text) == _csrf(b.get("/upload", headers=auth).text)
        shown = a.post("/upload/analyze", headers=auth, data={"csrf": _csrf(form.text), "text": NOTE})
        assert shown.status_code == 200, shown.text
        held = re.search(r'name="id" value="([^"]+)"', shown.text)
        assert held
        done = b.post("/upload/ingest", headers=auth,
                      data={"csrf": _csrf(form.text), "id": held.group(1), "tlp": "green"})
        assert done.status_code == 303, done.text  # before: 404, the analysis was in a's memory
        assert done.headers["location"].startswith("/reports/")
        again = a.post("/upload/ingest", headers=auth,
                       data={"csrf": _csrf(form.text), "id": held.group(1), "tlp": "green"})
        assert again.status_code == 404  # taken once


def test_a_reader_may_sign_out(two: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    first, _ = two
    secret, _ = add_token(first, "rita", role="reader", max_tlp="green")
    with _client(first) as a:
        _sign_in(a, secret)
        page = a.get("/logout", headers=HTML)
        assert a.post("/logout", data={"csrf": _csrf(page.text)}).status_code == 303  # before: 403
        assert a.get("/", headers=HTML).status_code == 303
