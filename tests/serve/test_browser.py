"""The web UI in a real headless Chromium (Playwright driving the system's Chromium).

The server runs under uvicorn on loopback over a copy of the serve tests' knowledge
base plus hostile and TLP:RED reports added here. Every page the browser opens is
watched for console errors, uncaught page errors, CSP violations (the
``securitypolicyviolation`` event and Chromium's console report), dialogs, failed
requests and requests leaving the origin (those are aborted: the tests never reach
the network).

Skipped, with the reason, when Playwright or a Chromium executable is missing;
``UNMASK_REQUIRE_BROWSER=1`` (set by CI) turns that skip into a failure. The browser
is found through ``UNMASK_CHROMIUM`` or on ``PATH`` (``chromium``, Debian's package).
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import os
import shutil
import sqlite3
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urldefrag, urlsplit

import pytest

from unmask.documents import parse_bytes
from unmask.pipeline import analyze
from unmask.store import KnowledgeBase, open_kb

from .conftest import GREEN_DOMAIN, SECRET_DOMAIN, SECRET_WORD, TOKEN, Base, running_server

REQUIRE = os.environ.get("UNMASK_REQUIRE_BROWSER", "") not in ("", "0")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# --- hostile and hidden reports added to the copied knowledge base --------------------
XSS_TITLE = """<script>alert("title")</script><img src=x onerror=alert("img")> APT28 <a href="javascript:alert('link')">notes</a>"""
XSS_BODY = [
    "APT28, also known as Fancy Bear, sent phishing e-mails to defence ministries in May 2024.",
    '<img src=x onerror=alert("body")> was pasted into the lure, next to <svg onload=alert("svg")>.',
    "The lure linked to javascript:alert(document.domain) and <a href=\"javascript:alert('a')\">this</a>.",
    "Stage two came from hxxp://evil-update[.]top/a'onmouseover='alert(1)'x over HTTP.",
    "Operators used PowerShell and Mimikatz; the closing tag was </p><script>alert('end')</script>.",
]
XSS_URL = "http://evil-update.top/a'onmouseover='alert(1)'x"
XSS_SOURCE = "web/<img src=x onerror=alert('source')>.html"
XSS_TEXT = f"""{XSS_TITLE}

APT28 reused a lure "><script>alert('text')</script> against energy firms in 2024 and
contacted login-portal[.]top from a PowerShell stager.
"""
RED_WORD = "zygodactyl"
RED_DOMAIN = "red-only-relay.xyz"
RED_TEXT = f"""Red-only APT28 relay

APT28 operators staged implants on {RED_DOMAIN.replace('.', '[.]')} under the codename {RED_WORD}.
"""
SECRETS = (SECRET_DOMAIN, SECRET_WORD, RED_DOMAIN, RED_WORD)

WATCH_JS = """
window.__unmaskCsp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__unmaskCsp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""
HEADING_JS = """() => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)
  / parseFloat(getComputedStyle(document.body).fontSize)"""
#: Every link's absolute URL (an SVG link's ``href`` is no string: read the attribute).
LINKS_JS = "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
INJECTED_JS = """() => {
  const found = [];
  // our own charts are SVG drawn on the server (class "chart"), holding shapes, text and links only
  for (const el of document.querySelectorAll('script, iframe, object, embed, svg:not(.chart), svg svg, base, foreignObject')) found.push(el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`);
      if (['href', 'src', 'action', 'formaction'].includes(attr.name)
          && attr.value.trim().toLowerCase().startsWith('javascript:')) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const img of document.querySelectorAll('img')) found.push(`img ${img.getAttribute('src')}`);
  return found;
}"""


def _unavailable(reason: str) -> NoReturn:
    if REQUIRE:
        pytest.fail(f"UNMASK_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str | None:
    """UNMASK_CHROMIUM, else the first Chromium on PATH."""
    if configured := os.environ.get("UNMASK_CHROMIUM"):
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


# --- the server ------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Site:
    origin: str
    hashes: dict[str, str]


def _add(kb: KnowledgeBase, data: bytes, source: str, tlp: str) -> str:
    return kb.add_analysis(analyze(parse_bytes(data, source=source)), tlp=tlp).sha256


def _fill(url: str, base: Base) -> dict[str, str]:
    hashes = dict(base.hashes)
    with open_kb(url) as kb:
        page = (f"<html><head><title>{html.escape(XSS_TITLE)}</title></head><body>"
                + "".join(f"<p>{html.escape(p)}</p>" for p in XSS_BODY) + "</body></html>")
        hashes["xss-html"] = _add(kb, page.encode(), XSS_SOURCE, "green")
        hashes["xss-text"] = _add(kb, XSS_TEXT.encode(), "notes/xss-probe.txt", "clear")
        hashes["red"] = _add(kb, RED_TEXT.encode(), "notes/red-relay.txt", "red")
    return hashes


@contextlib.contextmanager
def _serve(url: str, **options: Any) -> Iterator[str]:
    """The server over the base at ``url``, serving ``create_app(kb, **options)``."""
    from unmask.serve import create_app

    with open_kb(url) as kb, running_server(create_app(kb, **options)) as origin:
        yield origin


@pytest.fixture(scope="module")
def filled(base: Base, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, str]]:
    """A copy of the serve tests' base with the hostile and TLP:RED reports added."""
    copy = tmp_path_factory.mktemp("browser") / "kb.sqlite"
    source = sqlite3.connect(base.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    url = f"sqlite:///{copy}"
    return url, _fill(url, base)


@pytest.fixture(scope="module")
def site(filled: tuple[str, dict[str, str]]) -> Iterator[Site]:
    url, hashes = filled
    with _serve(url, max_tlp="green") as origin:
        yield Site(origin, hashes)


# --- the browser -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install playwright)")
    executable = chromium_executable()
    if executable is None:
        _unavailable("no Chromium found (apt-get install chromium, or set UNMASK_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, headless=True)
        except Error as exc:
            _unavailable(f"Chromium at {executable} did not start: {exc.message.splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


@dataclasses.dataclass
class Watch:
    """What went wrong in the browser since the last ``take()``."""

    origin: str
    problems: list[str] = dataclasses.field(default_factory=list)
    dialogs: list[str] = dataclasses.field(default_factory=list)
    outside: list[str] = dataclasses.field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning", "assert"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Any) -> None:
        if request.url.startswith(self.origin):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url == self.origin:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def take(self, page: Any) -> list[str]:
        """Every problem so far, with the CSP violations the page saw."""
        csp = page.evaluate("() => window.__unmaskCsp || ['watch script did not run']")
        found = self.problems + [f"CSP: {v}" for v in csp] + [f"dialog {d}" for d in self.dialogs]
        found += [f"request leaving the origin: {u}" for u in self.outside]
        self.problems.clear()
        self.dialogs.clear()
        self.outside.clear()
        return found


@dataclasses.dataclass
class Tab:
    page: Any
    watch: Watch
    origin: str

    def open(self, path: str, status: int = 200) -> Any:
        response = self.page.goto(self.origin + path)
        assert response is not None and response.status == status, (path, response and response.status)
        assert response.headers["content-type"].startswith("text/html"), path
        return response

    def clean(self) -> None:
        problems = self.watch.take(self.page)
        assert problems == [], f"{self.page.url}: {problems}"

    def injected(self) -> list[str]:
        found: list[str] = self.page.evaluate(INJECTED_JS)
        return found

    def text(self) -> str:
        return str(self.page.inner_text("body"))

    def keep(self, name: str) -> None:
        """A full-page screenshot into UNMASK_SCREENSHOT_DIR, when set (for a human to look at)."""
        if folder := os.environ.get("UNMASK_SCREENSHOT_DIR"):
            self.page.screenshot(path=str(Path(folder) / name), full_page=True)

    def follow(self, selector: str) -> None:
        """Click the link and check the page it leads to rendered cleanly."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response = navigation.value
        assert response is not None and response.status == 200, (selector, self.page.url)
        self.clean()


@contextlib.contextmanager
def _tab(browser: Any, origin: str, **options: Any) -> Iterator[Tab]:
    """A fresh browser context (no shared cookies or cache) with one watched page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    watch = Watch(origin)
    context.route("**/*", watch.route)
    context.add_init_script(WATCH_JS)
    context.set_default_timeout(20_000)
    page = context.new_page()
    watch.attach(page)
    try:
        yield Tab(page, watch, origin)
    finally:
        context.close()


@pytest.fixture
def tab(browser: Any, site: Site) -> Iterator[Tab]:
    with _tab(browser, site.origin) as opened:
        yield opened


# --- the tests -------------------------------------------------------------------------
@pytest.mark.browser
def test_the_watch_sees_csp_violations_dialogs_and_outside_requests(tab: Tab) -> None:
    """The harness itself: a page breaking the rules is caught (else the rest proves nothing)."""
    from unmask.serve.web import CSP

    def fake(route: Any) -> None:
        locked = "csp" in route.request.url
        route.fulfill(status=200, content_type="text/html",
                      headers={"Content-Security-Policy": CSP} if locked else {},
                      body='<p style="color:red">x</p><script>alert("fired")</script>'
                           '<img src="https://cdn.example.invalid/x.png">')

    tab.page.route(f"{tab.origin}/__probe/**", fake)
    tab.page.goto(f"{tab.origin}/__probe/csp")
    problems = tab.watch.take(tab.page)
    assert any(p.startswith("CSP: script-src") for p in problems), problems
    assert any(p.startswith("CSP: style-src") for p in problems), problems
    assert any("Content Security Policy" in p for p in problems if p.startswith("console")), problems
    assert not any(p.startswith("dialog") for p in problems), problems
    tab.page.goto(f"{tab.origin}/__probe/open")
    problems = tab.watch.take(tab.page)
    assert 'dialog alert: fired' in problems, problems
    assert "request leaving the origin: https://cdn.example.invalid/x.png" in problems, problems


@pytest.mark.browser
def test_crawl_from_home_to_depth_two(tab: Tab, site: Site) -> None:
    """Every same-origin link within two clicks of the home page answers, and every
    HTML page among them renders with its style sheet and no error of any kind."""
    seen = {f"{site.origin}/": 0}
    queue = deque(seen.items())
    failures: list[str] = []
    pages = others = 0
    while queue:
        url, depth = queue.popleft()
        path = url.removeprefix(site.origin)
        if path.startswith(("/api/", "/taxii2/")):
            # JSON, exports and the OpenAPI page (Swagger UI loads from a CDN: not ours to check)
            response = tab.page.context.request.get(url)
            others += 1
            if not response.ok:
                failures.append(f"{path} -> {response.status}")
            elif any(s in response.text() for s in SECRETS):
                failures.append(f"{path} shows a report above the ceiling")
            response.dispose()
            continue
        pages += 1
        response = tab.page.goto(url)
        if response is None or response.status != 200:
            failures.append(f"{path} -> {response and response.status}")
            continue
        problems = tab.watch.take(tab.page)
        failures += [f"{path}: {p}" for p in problems]
        styled = tab.page.evaluate("() => document.styleSheets.length && document.styleSheets[0].cssRules.length")
        if not styled:
            failures.append(f"{path}: style sheet not applied")
        elif tab.page.evaluate(HEADING_JS) < 1.3:
            failures.append(f"{path}: the h1 is hardly larger than the text")
        if any(s in tab.page.content() for s in SECRETS):
            failures.append(f"{path} shows a report above the ceiling")
        if injected := tab.injected():
            failures.append(f"{path}: injected elements {injected}")
        if depth < 2:
            for link in tab.page.eval_on_selector_all("a[href]", LINKS_JS):
                target = urldefrag(link)[0]
                if urlsplit(target).netloc == urlsplit(site.origin).netloc and target not in seen:
                    seen[target] = depth + 1
                    queue.append((target, depth + 1))
    assert failures == []
    # the crawl reached every kind of page
    kinds = {urlsplit(u).path.split("/")[1] for u in seen}
    assert {"actors", "reports", "indicators", "api", "taxii2"} <= kinds, kinds
    assert pages >= 15 and others >= 10, (pages, others)


@pytest.mark.browser
def test_analyst_journey(tab: Tab, site: Site) -> None:
    """Home -> search for an actor's name -> actor page -> a report -> an indicator."""
    tab.open("/")
    tab.clean()
    assert tab.page.inner_text("footer").strip().endswith("TLP:GREEN")
    tab.page.fill("header input[name=q]", "Cozy Bear")
    with tab.page.expect_navigation():
        tab.page.press("header input[name=q]", "Enter")
    assert urlsplit(tab.page.url).path == "/search"
    tab.keep("search.png")
    assert tab.page.input_value("header input[name=q]") == "Cozy Bear"
    tab.clean()
    assert tab.page.locator("mark").first.inner_text() in ("Cozy", "Bear", "Cozy Bear")
    tab.follow("main a[href='/actors/G0016']")
    assert tab.page.inner_text("h1").startswith("APT29")
    # a plain-text report has no title: the table shows its source
    # a report's file name, not the folders it was ingested from (KnowledgeBase.sharing)
    tab.follow(f"main table a[href='/reports/{site.hashes['green-apt29']}']:text-is('green-apt29.txt')")
    assert tab.page.inner_text("h1") == "green-apt29.txt"
    assert "T1059.001" in tab.text()
    tab.follow("main a:text-is('JSON')")  # the REST answer, shown by the browser
    assert json.loads(tab.text())["report"]["sha256"] == site.hashes["green-apt29"]
    tab.page.go_back()
    tab.follow(f"main a[href='/indicators/{quote(GREEN_DOMAIN, safe='')}']")
    assert tab.page.inner_text("h1") == GREEN_DOMAIN
    assert "domain" in tab.text() and "APT29" in tab.text()
    tab.keep("indicator.png")
    tab.follow("main a[href='/actors/G0096']")
    assert tab.page.inner_text("h1").startswith("APT41")
    tab.page.go_back()
    assert tab.page.inner_text("h1") == GREEN_DOMAIN
    tab.follow("header a:text-is('TAXII')")
    assert "unmask TAXII 2.1 server" in tab.text()
    tab.page.go_back()
    tab.follow("header a[href='/']")
    assert tab.page.inner_text("h1") == "Knowledge base"
    tab.keep("home.png")
    tab.follow("main table a:has-text('Volt Typhoon')")
    assert tab.page.inner_text("h1").startswith("Volt Typhoon")


@pytest.mark.browser
def test_search_forms(tab: Tab) -> None:
    """The home page's search box, the search page's own form, a query language
    query, an empty query and a hostile query all come back as clean pages."""
    tab.open("/")
    tab.page.fill("main input[name=q]", '"spear-phishing emails" -Sandworm')
    with tab.page.expect_navigation():
        tab.page.click("main button[type=submit]")
    tab.clean()
    assert tab.page.locator("main h2 a").count() >= 1
    assert "spear-phishing emails" in " ".join(tab.page.locator("mark").all_inner_texts())

    tab.page.fill("main input[name=q]", "PowerShell OR Mimikatz")
    with tab.page.expect_navigation():
        tab.page.click("main button[type=submit]")
    tab.clean()
    marked = set(tab.page.locator("mark").all_inner_texts())
    assert {"PowerShell", "Mimikatz"} <= marked, marked

    hostile = "\"><script>alert('q')</script><img src=x onerror=alert('q')>"
    tab.page.fill("main input[name=q]", hostile)
    with tab.page.expect_navigation():
        tab.page.click("main button[type=submit]")
    tab.clean()
    assert tab.page.input_value("main input[name=q]") == hostile
    assert tab.injected() == []

    tab.page.fill("main input[name=q]", "")
    with tab.page.expect_navigation():
        tab.page.click("main button[type=submit]")
    tab.clean()
    assert tab.page.locator("mark").count() == 0 and "Nothing matches" not in tab.text()


@pytest.mark.browser
def test_hostile_report_text_stays_text(tab: Tab, site: Site) -> None:
    """Payloads in a report's title, source, body and an indicator's value are shown as
    text: no dialog opens, no script/handler/javascript: link exists in any page."""
    tab.open(f"/reports/{site.hashes['xss-html']}")
    tab.clean()
    assert tab.injected() == []
    assert tab.page.inner_text("h1") == XSS_TITLE
    tab.keep("hostile-report.png")
    assert tab.page.title() == f"{XSS_TITLE} · unmask"
    body = tab.text()
    assert XSS_SOURCE.rpartition("/")[2] in body and '<svg onload=alert("svg")>' in body and "javascript:alert(document.domain)" in body
    # the indicator whose value carries quotes and an event handler: its link leads to it
    # (the side list: the value jumps to its span in the text, the arrow opens its page)
    assert tab.page.locator(f"aside a.jump:text-is(\"{XSS_URL}\")").count() == 1
    tab.follow(f"aside a.go[href='/indicators/{quote(XSS_URL, safe='')}']")
    assert tab.page.inner_text("h1") == XSS_URL
    assert tab.injected() == []
    for path in (f"/reports/{site.hashes['xss-text']}", f"/reports/{site.hashes['hostile']}",
                 "/actors/APT28", "/actors/APT41", "/search?q=alert", "/search?q=onerror",
                 f"/indicators/{quote(XSS_URL, safe='')}", "/"):
        tab.open(path)
        tab.clean()
        assert tab.injected() == [], path
    tab.open(f"/reports/{site.hashes['xss-text']}")
    assert "\"><script>alert('text')</script>" in tab.text()


@pytest.mark.browser
def test_reports_above_the_ceiling_are_invisible(tab: Tab, site: Site) -> None:
    """The server runs at TLP:GREEN: the amber and red reports exist in the base but no
    page shows them, their words find nothing, their addresses are 404 pages."""
    for word in (RED_WORD, SECRET_WORD, RED_DOMAIN, SECRET_DOMAIN):
        tab.open("/")
        tab.page.fill("header input[name=q]", word)
        with tab.page.expect_navigation():
            tab.page.press("header input[name=q]", "Enter")
        tab.clean()
        assert "Nothing matches." in tab.text(), word
    for path in (f"/reports/{site.hashes['red']}", f"/reports/{site.hashes['amber-apt29']}",
                 f"/reports/{site.hashes['amber-sandworm'][:12]}", "/actors/Sandworm",
                 f"/indicators/{RED_DOMAIN}", f"/indicators/{SECRET_DOMAIN}"):
        tab.open(path, 404)
        assert tab.page.inner_text("h1") == "404 Not found", path
        problems = tab.watch.take(tab.page)
        # Chromium reports the 404 document itself on the console; nothing else may show
        assert all("status of 404" in p for p in problems), (path, problems)
        # the 404 message names what was asked for, nothing more
        assert not any(s in tab.page.content() for s in SECRETS if s not in path), path
    tab.open("/actors/APT28")
    tab.clean()
    text = tab.text()
    assert "evil-update.top" in text and RED_DOMAIN not in text and "Red-only" not in text
    assert "TLP:RED" not in text and "TLP:AMBER" not in text


@pytest.mark.browser
def test_actor_page_screenshot(tab: Tab, tmp_path: Path) -> None:
    tab.open("/actors/APT29")
    tab.clean()
    shot = tmp_path / "actor-apt29.png"
    tab.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if folder := os.environ.get("UNMASK_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(folder) / shot.name)
    # the page is laid out as the style sheet says: header bar, tables, no overflow
    width = tab.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 1280, width
    header = tab.page.locator("header").bounding_box()
    assert header is not None and header["y"] == 0 and header["height"] > 20
    assert tab.page.locator("main table").count() >= 3


@pytest.mark.browser
def test_token_protected_server(browser: Any, filled: tuple[str, dict[str, str]]) -> None:
    """With --token the browser answers the Basic challenge with the analyst's password
    (Chromium sends credentials only for a challenge it understood): a wrong one gets
    the 401 page, still styled (the style sheet is not guarded); the token browses."""
    url, _ = filled
    with _serve(url, max_tlp="green", token=TOKEN) as origin:
        with _tab(browser, origin, http_credentials={"username": "analyst", "password": "guess"}) as wrong:
            wrong.open("/", 401)
            assert wrong.page.inner_text("h1") == "401 Unauthorized"
            assert wrong.page.evaluate("() => document.styleSheets[0].cssRules.length") > 0
            problems = wrong.watch.take(wrong.page)
            assert all("status of 401" in p for p in problems), problems
            assert "APT29" not in wrong.text()
        with _tab(browser, origin, http_credentials={"username": "analyst", "password": TOKEN}) as tab:
            tab.open("/")
            tab.clean()
            tab.follow("main table a:has-text('APT29')")
            assert tab.page.inner_text("h1").startswith("APT29")
            tab.follow("main a:text-is('stix')")
            assert '"type": "bundle"' in tab.text() or '"type":"bundle"' in tab.text()


# --- the workbench views -----------------------------------------------------------------
TARGET_JS = """() => {
  const t = document.querySelector(':target');
  if (!t) return null;
  const text = document.querySelector('article.report-text');
  let next = t.nextElementSibling;  // anchors of spans starting at the same offset stand together
  while (next && next.classList.contains('anchor')) next = next.nextElementSibling;
  let after = null;
  if (text && text.contains(t)) {
    const range = document.createRange();
    range.setStartAfter(t);
    range.setEnd(text, text.childNodes.length);
    after = range.toString().slice(0, 300);
  }
  return {id: t.id, tag: t.tagName, inText: !!(text && text.contains(t)), after,
          mark: next && next.tagName === 'MARK' ? next.textContent : null,
          rowText: t.tagName === 'TR' ? t.innerText : null};
}"""
VISIBLE_JS = """(selector) => {
  const el = document.querySelector(selector);
  const box = el.getBoundingClientRect();
  const holder = el.closest('article') || document.documentElement;
  const frame = holder === document.documentElement ? {top: 0, bottom: innerHeight} : holder.getBoundingClientRect();
  return box.bottom > frame.top && box.top < frame.bottom;
}"""


def _shoot(tab: Tab, name: str, selector: str | None = None, height: int = 900) -> None:
    """A screenshot of the viewport (scrolled to ``selector``; its top ``height`` pixels)
    into UNMASK_SCREENSHOT_DIR."""
    folder = os.environ.get("UNMASK_SCREENSHOT_DIR")
    if not folder:
        return
    if selector:
        tab.page.locator(selector).scroll_into_view_if_needed()
        tab.page.evaluate("(s) => document.querySelector(s).scrollIntoView({block: 'start'})", selector)
    tab.page.screenshot(path=str(Path(folder) / name),
                        clip={"x": 0, "y": 0, "width": 1280, "height": height})


@pytest.mark.browser
def test_matrix_cells_lead_to_the_evidence_in_the_report(tab: Tab, site: Site) -> None:
    """Actor page: a matrix cell jumps to its technique's evidence row; the row's quote
    opens the report with that very span marked and scrolled into view."""
    tab.open("/actors/APT29")
    tab.clean()
    assert tab.injected() == []
    assert tab.page.locator(".matrix .tactic").count() == 14
    tab.page.click(".matrix a.cell[href='#t-T1059.001']")
    target = tab.page.evaluate(TARGET_JS)
    assert target is not None and target["id"] == "t-T1059.001" and "PowerShell" in target["rowText"]
    assert tab.page.evaluate(VISIBLE_JS, "tr:target")
    tab.follow("tr:target a[href*='#span-']")
    assert urlsplit(tab.page.url).path.startswith("/reports/")
    _shoot(tab, "report-jump.png")
    target = tab.page.evaluate(TARGET_JS)
    assert target is not None and target["inText"] and target["id"].startswith("span-")
    assert target["mark"] is not None and target["after"].startswith(target["mark"])
    assert "PowerShell" in target["after"]  # the quoted evidence follows the anchor
    assert tab.page.evaluate(VISIBLE_JS, ":target")
    tab.clean()
    # the full matrix: every technique of each tactic, the ones seen coloured and linked
    tab.open("/actors/APT29?matrix=all")
    tab.clean()
    assert tab.page.locator(".matrix span.cell.heat-0").count() > 150
    # APT29's green report: spear-phishing attachments (T1566, T1566.001), PowerShell, web C2
    # (its wrapped lines are read as one paragraph since the structure's heading rule, c661648)
    assert tab.page.locator(".matrix a.cell").count() == 4
    _shoot(tab, "actor-matrix-full.png", "#matrix", height=640)


@pytest.mark.browser
def test_navigator_layer_download(tab: Tab) -> None:
    tab.open("/actors/APT41")
    with tab.page.expect_download() as download:
        tab.page.click("a:text-is('Download the Navigator layer')")
    saved = download.value
    assert saved.suggested_filename == "G0096-navigator-layer.json"
    layer = json.loads(Path(saved.path()).read_text(encoding="utf-8"))
    cells = set(tab.page.eval_on_selector_all(
        ".matrix a.cell", "els => els.map(e => e.getAttribute('href').slice(3))"))
    assert {t["techniqueID"] for t in layer["techniques"]} == cells
    tab.clean()


@pytest.mark.browser
def test_timeline_names_and_targets_charts(tab: Tab, site: Site) -> None:
    """The SVG charts draw (a real size, no overflow), and a timeline mark is a link."""
    tab.open("/actors/APT41")
    tab.clean()
    for selector in ("svg.timeline", "svg.names"):
        box = tab.page.locator(selector).bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 50, selector
    assert tab.page.locator("svg.names g.contested").count() >= 1  # Winnti
    assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    _shoot(tab, "actor-timeline-names.png", "#timeline")
    tab.open("/actors/Volt%20Typhoon")
    assert tab.page.locator("svg.bars rect.bar").count() >= 1
    _shoot(tab, "actor-matrix.png")
    _shoot(tab, "actor-targets.png", "#targets")
    tab.open("/actors/APT41")
    tab.follow("svg.timeline a >> nth=0")
    assert urlsplit(tab.page.url).path.startswith("/reports/")


@pytest.mark.browser
def test_report_highlights_and_the_side_list(tab: Tab, site: Site) -> None:
    """Report page: every finding of the side list jumps to a marked span in the text;
    the kind filter keeps one kind; hostile text stays text while highlighted."""
    tab.open(f"/reports/{site.hashes['green-apt29']}")
    tab.clean()
    jumps = tab.page.locator("aside.findings a.jump")
    assert jumps.count() >= 5
    _shoot(tab, "report-highlights.png")
    for i in range(jumps.count()):
        link = jumps.nth(i)
        anchor = str(link.get_attribute("href"))
        link.click()
        target = tab.page.evaluate(TARGET_JS)
        assert target is not None and target["id"] == anchor[1:] and target["inText"], anchor
        assert target["mark"], anchor
    assert tab.page.evaluate(VISIBLE_JS, ":target")
    tab.follow("nav.filters a:has-text('Techniques')")
    kinds = set(tab.page.eval_on_selector_all("article mark", "els => els.map(e => e.className)"))
    assert kinds == {"k-technique"}
    tab.open(f"/reports/{site.hashes['xss-html']}")
    tab.clean()
    assert tab.injected() == []
    assert tab.page.locator("article.report-text mark").count() >= 3
    assert '<svg onload=alert("svg")>' in tab.page.inner_text("article.report-text")


@pytest.mark.browser
def test_compare_from_the_actor_page(tab: Tab) -> None:
    tab.open("/actors/APT29")
    tab.page.fill("form.compare input[name=b]", "APT41")
    with tab.page.expect_navigation():
        tab.page.click("form.compare button[type=submit]")
    tab.clean()
    assert tab.page.inner_text("h1") == "Compare actors"
    text = tab.text()
    assert "T1059.001" in text and GREEN_DOMAIN in text and SECRET_DOMAIN not in text
    _shoot(tab, "compare.png")
    tab.follow(f"#infrastructure ~ table a[href='/indicators/{quote(GREEN_DOMAIN, safe='')}']")
    assert tab.page.inner_text("h1") == GREEN_DOMAIN
