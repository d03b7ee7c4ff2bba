"""OpenCTI's ``*.*`` TAXII poll re-enacted against an ingest of ../shared/corpus: every
object of every collection imported exactly once, and a second poll imports none.

The corpus is ingested once per module into a temporary base (skipped without
../shared); the poll is :func:`tests.serve.test_taxii_polling._poll_everything`
(``added_after`` per collection from the run before, cut to milliseconds as OpenCTI
keeps dates, ``next`` followed while ``more``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_path
from unmask.store import open_kb

from .test_taxii_polling import ACCEPT, _get, _poll_everything

pytestmark = pytest.mark.shared

#: Objects per page asked by the re-enacted connector (OpenCTI's own default is 100).
PAGE = 100


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from unmask.ingest import ingest
    from unmask.serve import create_app

    corpus = shared_path("corpus")
    files = [str(corpus / json.loads(line)["file"])
             for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    path: Path = tmp_path_factory.mktemp("corpus-poll") / "kb.sqlite"
    with open_kb(f"sqlite:///{path}") as kb:
        report = ingest(kb, files, tlp="green", jobs=2)
        assert sum(e.status == "added" for e in report.events) >= 50, report.events[:5]
        with TestClient(create_app(kb, recheck=0), base_url="http://localhost") as client:
            yield client


def _everything(client: Any, cid: str) -> list[str]:
    """A collection's object ids, read in pages of the largest size."""
    ids: list[str] = []
    params: dict[str, str] = {}
    while True:
        body = _get(client, f"{cid}/objects/", limit=1000, **params).json()
        ids += [o["id"] for o in body.get("objects", [])]
        if not body.get("more"):
            return ids
        params = {"next": body["next"]}


def test_opencti_poll_of_the_corpus_imports_every_object_once(corpus_server: Any) -> None:
    listed = corpus_server.get("/taxii2/api/collections/", headers=ACCEPT).json()["collections"]
    everything = {c["id"]: _everything(corpus_server, c["id"]) for c in listed}
    state: dict[str, str] = {}
    first = _poll_everything(corpus_server, state, limit=PAGE)
    counts = {cid: len(ids) for cid, ids in first.items()}
    print(f"\ncorpus poll: {len(listed)} collections, {sum(counts.values())} objects imported, "
          f"{sum(len(v) for v in everything.values())} served, "
          f"{sum(len(v) - len(set(v)) for v in first.values())} duplicates")
    assert len(listed) >= 20
    assert first == everything  # every object of every collection, in the collection's order
    assert all(len(ids) == len(set(ids)) for ids in first.values())  # each once
    second = _poll_everything(corpus_server, state, limit=PAGE)
    assert second == {cid: [] for cid in everything}
    print(f"second poll: {sum(len(v) for v in second.values())} objects")
