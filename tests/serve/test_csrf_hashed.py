"""A session's CSRF token is never stored (issue 20): ``serve_sessions`` keeps a hash
of it, and the token is derived from the session id (itself kept only as a hash), so
a copy of the knowledge base does not let anyone forge a signed-in browser's form."""

from __future__ import annotations

import hashlib
import hmac
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from unmask.serve.session import COOKIE, SessionStore
from unmask.store import open_kb
from unmask.store.accounts import add_token

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")
HTML = {"Accept": "text/html"}


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:400]
    return found.group(1)


def test_a_copy_of_the_base_does_not_forge_a_sessions_form(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    path = tmp_path / "kb.sqlite"
    with open_kb(f"sqlite:///{path}") as kb:
        secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
        with TestClient(create_app(kb, recheck=0, accounts=True), base_url=LOCAL,
                        follow_redirects=False) as client:
            form = client.get("/login")
            done = client.post("/login", data={"token": secret, "csrf": _csrf(form.text), "next": "/"})
            assert done.status_code == 303
            sid = str(done.cookies[COOKIE])
            client.cookies.set(COOKIE, sid)
            real = _csrf(client.get("/logout", headers=HTML).text)
            # everything a dump of the base holds, as text
            with sqlite3.connect(path) as raw:
                dump: Any = "\n".join(raw.iterdump())
                (stored,) = raw.execute("SELECT csrf FROM serve_sessions").fetchone()
                (key,) = raw.execute("SELECT value FROM serve_keys WHERE name = 'csrf'").fetchone()
            assert real not in dump and sid not in dump
            assert stored == hashlib.sha256(real.encode()).hexdigest()
            # what one could make of the dump is refused; the real form's token is taken
            guesses = [stored, hmac.new(bytes.fromhex(key), b"session-csrf:" + stored.encode(),
                                        hashlib.sha256).hexdigest()]
            for guess in guesses:
                assert client.post("/logout", data={"csrf": guess}).status_code == 403
            assert client.post("/logout", data={"csrf": real}).status_code == 303


def test_every_process_derives_the_same_token_and_an_old_plain_row_ends(tmp_path: Path) -> None:
    from sqlalchemy import text

    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        one, two = SessionStore(kb), SessionStore(kb)
        opened = one.open(name="ana", key_id="k1")
        found = two.get(opened.sid)
        assert found is not None and found.csrf == opened.csrf
        # a row that kept the token itself (before hashing) is no session any more
        with kb.engine.begin() as conn:
            conn.execute(text("UPDATE serve_sessions SET csrf = :c"), {"c": opened.csrf[:64]})
        assert SessionStore(kb).get(opened.sid) is None
