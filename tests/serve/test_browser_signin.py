"""Sign in, upload, analyse, ingest and sign out in a real headless Chromium.

The browser helpers (Chromium lookup and skip rules, the watch for console errors,
CSP violations, dialogs and requests leaving the origin) are those of test_browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import add_token

from .conftest import running_server
from .test_browser import WATCH_JS, Watch, browser  # noqa: F401 - browser: the fixture

pytestmark = [pytest.mark.filterwarnings("error"), pytest.mark.browser]

PASTED = """Relay notes

APT29 operators sent spear-phishing links to hxxp://upload-relay[.]top/stage2 and ran
PowerShell (T1059.001) on the hosts they reached.
"""


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[tuple[KnowledgeBase, str]]:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        secret, _ = add_token(kb, "analyst-one", role="analyst", max_tlp="amber")
        yield kb, secret


def _clean(page: Any, watch: Watch) -> None:
    problems = watch.take(page)
    assert problems == [], f"{page.url}: {problems}"


def test_sign_in_upload_ingest_sign_out(browser: Any, guarded: tuple[KnowledgeBase, str]) -> None:  # noqa: F811
    from unmask.serve import create_app

    kb, secret = guarded
    with running_server(create_app(kb, max_tlp="amber", accounts=True, recheck=0)) as origin:
        context = browser.new_context()
        try:
            watch = Watch(origin)
            context.route("**/*", watch.route)
            context.add_init_script(WATCH_JS)
            page = context.new_page()
            watch.attach(page)

            # No credential: the browser is sent to the sign-in form, not a Basic prompt.
            page.goto(origin + "/")
            assert page.url == origin + "/login?next=%2F"
            assert page.inner_text("h1") == "Sign in"
            _clean(page, watch)
            page.fill("#token", secret)
            with page.expect_navigation():
                page.click("form.signin button")
            assert page.url == origin + "/", page.inner_text("main")
            _clean(page, watch)
            cookie = next(c for c in context.cookies() if c["name"] == "unmask_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]

            # Upload: paste a text, see what was found.
            with page.expect_navigation():
                page.click("header a:text-is('Upload')")
            assert page.inner_text("h1") == "Upload and analyse"
            page.fill("#text", PASTED)
            with page.expect_navigation():
                page.click("form.upload button")
            findings = page.inner_text("section.analysis")
            assert "APT29" in findings and "T1059.001" in findings
            assert "upload-relay.top" in findings
            _clean(page, watch)
            assert kb.find_reports() == []  # nothing stored before Ingest

            # Ingest at GREEN (the select offers up to the token's AMBER, nothing above).
            offered = page.eval_on_selector_all("#tlp option", "o => o.map(x => x.value)")
            assert offered == ["clear", "green", "amber"]
            page.select_option("#tlp", "green")
            with page.expect_navigation():
                page.click("form.ingest button")
            stored = kb.find_reports()
            assert [r.tlp for r in stored] == ["green"] and stored[0].source == "pasted text"
            assert page.url == f"{origin}/reports/{stored[0].sha256}"
            assert "upload-relay" in page.inner_text("main")
            _clean(page, watch)

            # Sign out: the session ends, the next page asks to sign in again.
            with page.expect_navigation():
                page.click("header a:text-is('Sign out')")
            with page.expect_navigation():
                page.click("form.signin button")
            assert page.url == origin + "/login"
            _clean(page, watch)
            page.goto(origin + "/actors/APT29")
            assert page.url.startswith(origin + "/login?next=")
            assert not [c for c in context.cookies() if c["name"] == "unmask_session"]
            _clean(page, watch)
        finally:
            context.close()
