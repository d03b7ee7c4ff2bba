"""Held uploads are capped per token, under a global ceiling (issue 20): one client
uploading again and again pushes out only its own oldest held analyses, never another
caller's; when others fill every place a new upload is refused (503), nothing evicted."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from unmask.documents import parse_bytes
from unmask.model import Analysis
from unmask.serve import upload
from unmask.serve.limits import Limits
from unmask.store import open_kb
from unmask.store.accounts import add_token

from .conftest import LOCAL

pytestmark = pytest.mark.filterwarnings("error")


def _analysis(n: int) -> Analysis:
    return Analysis(document=parse_bytes(f"note {n}".encode(), source=f"n{n}.txt"))


def test_one_owner_pushes_out_only_its_own_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "KEEP_PER_OWNER", 2)
    monkeypatch.setattr(upload, "KEEP", 5)
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}") as kb:
        held = upload._Held(kb)
        bea = held.put("bea", _analysis(0), b"bea's", "b.txt")
        flood = [held.put("mal", _analysis(n), b"m", "m.txt") for n in range(1, 30)]
        # mal keeps its two newest; bea's upload is still there for bea (and only bea)
        assert held.take("mal", bea) is None
        taken = held.take("bea", bea)
        assert taken is not None and taken[1] == b"bea's"
        assert [held.take("mal", k) is not None for k in flood[-3:]] == [False, True, True]


def test_when_others_fill_every_place_a_new_upload_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "KEEP_PER_OWNER", 2)
    monkeypatch.setattr(upload, "KEEP", 4)
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}") as kb:
        held = upload._Held(kb)
        kept = [held.put(owner, _analysis(n), b"x", "x.txt")
                for n, owner in enumerate(["a", "a", "b", "b"])]
        with pytest.raises(upload.Full):
            held.put("c", _analysis(9), b"c", "c.txt")
        # a caller already holding some makes room from its own
        again = held.put("a", _analysis(10), b"a2", "a.txt")
        assert held.take("a", kept[0]) is None
        assert all(held.take(o, k) is not None for o, k in (("a", kept[1]), ("b", kept[2]),
                                                             ("b", kept[3]), ("a", again)))


def test_the_upload_page_answers_503_when_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    monkeypatch.setattr(upload, "KEEP_PER_OWNER", 1)
    monkeypatch.setattr(upload, "KEEP", 2)
    with open_kb(f"sqlite:///{tmp_path / 'kb.db'}") as kb:
        secrets = {name: add_token(kb, name, role="analyst", max_tlp="green")[0]
                   for name in ("ann", "ben", "cat")}
        app = create_app(kb, recheck=0, accounts=True, limits=Limits(analyze_burst=20))
        codes: dict[str, int] = {}
        with TestClient(app, base_url=LOCAL, follow_redirects=False) as client:
            for name, secret in secrets.items():
                auth = {"Authorization": f"Bearer {secret}"}
                form = client.get("/upload", headers=auth).text
                csrf = re.search(r'name="csrf" value="([^"]+)"', form)
                assert csrf
                answer: Any = client.post("/upload/analyze", headers=auth, data={
                    "csrf": csrf.group(1), "text": f"APT29 sent a lure to {name} at the embassy."})
                codes[name] = answer.status_code
        assert codes == {"ann": 200, "ben": 200, "cat": 503}
        assert "Too many uploads" in answer.text and answer.headers["retry-after"] == "60"
