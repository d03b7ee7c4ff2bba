"""Upload and analyse from the browser's forms (role analyst): the findings shown, then
ingest at a chosen TLP up to the caller's clearance, within the REST analyze limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import add_token

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")

TEXT = """Relay notes

APT29 operators sent links to hxxp://upload-relay[.]top/stage2 and ran PowerShell
(T1059.001) on <b>the hosts</b> they reached.
"""


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as base:
        yield base


def _client(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    options.setdefault("max_tlp", "amber")
    return TestClient(create_app(kb, recheck=0, **options), base_url=LOCAL, follow_redirects=False)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def _analysed(client: Any, headers: dict[str, str], **form: Any) -> Any:
    page = client.get("/upload", headers=headers)
    assert page.status_code == 200
    files = form.pop("files", None)
    return client.post("/upload/analyze", data={"csrf": _csrf(page.text), **form}, files=files,
                       headers=headers)


def test_paste_analyse_then_ingest_at_a_chosen_tlp(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    auth = {"Authorization": f"Bearer {secret}"}
    with _client(kb, accounts=True) as client:
        shown = _analysed(client, auth, text=TEXT)
        assert shown.status_code == 200
        assert "APT29" in shown.text and "T1059.001" in shown.text and "upload-relay.top" in shown.text
        # The token is cleared for GREEN on an AMBER server: GREEN is the most it may give.
        assert re.findall(r'<option value="([^"]+)"', shown.text) == ["clear", "green"]
        assert kb.find_reports() == []
        held = re.search(r'name="id" value="([^"]+)"', shown.text)
        assert held
        form = {"csrf": _csrf(shown.text), "id": held.group(1)}
        assert client.post("/upload/ingest", data={**form, "tlp": "amber"}, headers=auth).status_code == 400
        done = client.post("/upload/ingest", data={**form, "tlp": "green"}, headers=auth)
        assert done.status_code == 303
        (stored,) = kb.find_reports()
        assert stored.tlp == "green" and done.headers["location"] == f"/reports/{stored.sha256}"
        assert client.get(done.headers["location"], headers=auth).status_code == 200
        # Once ingested it is no longer held: a second press finds nothing.
        assert client.post("/upload/ingest", data={**form, "tlp": "green"}, headers=auth).status_code == 404


def test_a_file_upload_is_analysed(kb: KnowledgeBase) -> None:
    with _client(kb, allow_anonymous_writes=True) as client:  # no token: the loopback single user
        hostile = '<img src=x onerror=alert(1)>.txt'
        shown = _analysed(client, {}, files={"file": (hostile, TEXT.encode(), "text/plain")})
        assert shown.status_code == 200 and "APT29" in shown.text
        assert "&lt;img src=x onerror=alert(1)&gt;.txt" in shown.text and hostile not in shown.text
        assert _analysed(client, {}).status_code == 400  # neither a file nor text


def test_only_analysts_upload_and_only_their_own_analysis(kb: KnowledgeBase) -> None:
    reader, _ = add_token(kb, "reader", role="reader", max_tlp="green")
    one, _ = add_token(kb, "one", role="analyst", max_tlp="green")
    two, _ = add_token(kb, "two", role="analyst", max_tlp="green")
    with _client(kb, accounts=True) as client:
        page = client.get("/upload", headers={"Authorization": f"Bearer {reader}"})
        assert page.status_code == 403 and "analyst role" in page.text
        shown = _analysed(client, {"Authorization": f"Bearer {one}"}, text=TEXT)
        held = re.search(r'name="id" value="([^"]+)"', shown.text)
        assert held
        theirs = client.get("/upload", headers={"Authorization": f"Bearer {two}"})
        stolen = client.post("/upload/ingest", data={"csrf": _csrf(theirs.text), "id": held.group(1),
                                                     "tlp": "clear"},
                             headers={"Authorization": f"Bearer {two}"})
        assert stolen.status_code == 404 and kb.find_reports() == []


def test_upload_limits_are_those_of_the_analyze_route(kb: KnowledgeBase) -> None:
    with _client(kb, max_upload=2000, max_text=500, allow_anonymous_writes=True) as client:
        too_long = _analysed(client, {}, text="APT29 " * 200)  # 1,200 bytes, 1,200 characters
        assert too_long.status_code == 413 and "at most 500" in too_long.text
        too_big = _analysed(client, {}, files={"file": ("big.txt", b"x" * 5000, "text/plain")})
        assert too_big.status_code == 413


def test_an_uploaded_copy_never_lowers_a_stored_marking(kb: KnowledgeBase) -> None:
    secret, _ = add_token(kb, "ana", role="analyst", max_tlp="green")
    auth = {"Authorization": f"Bearer {secret}"}
    with _client(kb, accounts=True) as client:
        def upload_at_green() -> Any:
            shown = _analysed(client, auth, text=TEXT)
            held = re.search(r'name="id" value="([^"]+)"', shown.text)
            assert held
            return client.post("/upload/ingest", data={"csrf": _csrf(shown.text), "id": held.group(1),
                                                      "tlp": "green"}, headers=auth)

        assert upload_at_green().status_code == 303
        (stored,) = kb.find_reports()
        analysis = kb.get_analysis(stored.sha256)
        assert analysis is not None
        kb.add_analysis(analysis, tlp="red")  # someone marks it RED later
        upload_at_green()  # an analyst cleared to GREEN uploads the same bytes again
        assert kb.marking_of(stored.sha256) == "red"
