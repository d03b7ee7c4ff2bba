"""A web sign-in on one ``unmask serve`` process holds on another over the same
PostgreSQL base, and a sign-out on either ends it on both (real processes; needs
UNMASK_TEST_POSTGRES). Before migration 0010 the session lived in one process's memory."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from .test_workers import pg_url, reader, two  # noqa: F401 - the module's fixtures

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.postgres]

HTML = {"Accept": "text/html"}


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:400]
    return found.group(1)


def test_a_sign_in_holds_on_the_other_process(two: tuple[str, str], reader: str) -> None:  # noqa: F811
    a, b = two
    with httpx.Client(base_url=a, follow_redirects=False, timeout=30) as first:
        form = first.get("/login")
        done = first.post("/login", data={"token": reader, "csrf": _csrf(form.text), "next": "/"})
        assert done.status_code == 303, done.text
        sid = done.cookies["unmask_session"]
    with httpx.Client(base_url=b, follow_redirects=False, timeout=30,
                      cookies={"unmask_session": sid}) as second:
        assert second.get("/", headers=HTML).status_code == 200  # before: 303 to /login
        page = second.get("/logout", headers=HTML)
        assert second.post("/logout", data={"csrf": _csrf(page.text)}).status_code == 303
    time.sleep(1.5)  # the other process rereads a session's row once per recheck interval
    with httpx.Client(base_url=a, follow_redirects=False, timeout=30,
                      cookies={"unmask_session": sid}) as first:
        assert first.get("/", headers=HTML).status_code == 303
