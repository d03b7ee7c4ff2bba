"""A server shows a report's file name, or its URL without credentials, never the folders
of the machine it was ingested on (KnowledgeBase.sharing; the CLI keeps the full path)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from unmask.documents import parse_bytes
from unmask.pipeline import analyze
from unmask.store import open_kb
from unmask.store.kb import shared_source

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from unmask.serve import create_app

NOTE = b"Kimsuky sent spear-phishing mail to a think tank in Seoul in March 2024.\n"


@pytest.mark.parametrize(("stored", "shown"), [
    ("/home/analyst/cases/client-x/report.pdf", "report.pdf"),
    ("C:\\Users\\analyst\\cases\\memo.docx", "memo.docx"),
    ("notes/green.txt", "green.txt"),
    ("report.txt", "report.txt"),
    ("https://reader:hunter2@feeds.example.org/path/item?key=abc#frag", "https://feeds.example.org/path/item"),
    ("http://blog.example.net/2024/05/post.html", "http://blog.example.net/2024/05/post.html"),
    ("request body", "request body"),
    ("/", "/"),
])
def test_shared_source(stored: str, shown: str) -> None:
    assert shared_source(stored) == shown


def test_the_server_answers_file_names_and_the_cli_keeps_the_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    folder = "/srv/casework/victim-org-2024"
    with open_kb(url) as kb:
        sha = kb.add_analysis(analyze(parse_bytes(NOTE, source=f"{folder}/note.txt")), tlp="clear").sha256
        assert kb.get_report(sha).source == f"{folder}/note.txt"  # the local view keeps it
        with TestClient(create_app(kb, max_tlp="clear"), base_url="http://localhost") as client:
            listed = client.get("/api/v1/reports").json()["reports"]
            assert [r["source"] for r in listed] == ["note.txt"]
            one = client.get(f"/api/v1/reports/{sha[:12]}").json()
            assert one["report"]["source"] == "note.txt"
            assert one["analysis"]["document"]["source"] == "note.txt"
            hits = client.get("/api/v1/search", params={"q": "spear"}).json()["hits"]
            assert [h["report"]["source"] for h in hits] == ["note.txt"]
            # the file name still finds it
            assert client.get("/api/v1/reports/note.txt").status_code == 200
            # a fetched document's URL, kept in its metadata, loses its credentials too
            secret = "https://u:pw@feeds.example.org/x?key=SECRET"
            fetched = parse_bytes(NOTE.replace(b"March", b"April"), source=secret)
            fetched = dataclasses.replace(fetched, metadata=dataclasses.replace(fetched.metadata, url=secret))
            kb.add_analysis(analyze(fetched), tlp="clear")
            assert "SECRET" not in client.get("/api/v1/reports").text
            for ref in client.get("/api/v1/reports").json()["reports"]:
                shown = client.get(f"/api/v1/reports/{ref['sha256']}").text
                assert "SECRET" not in shown and "pw@" not in shown
            for route in ("/api/v1/reports", f"/api/v1/reports/{sha}", "/api/v1/actors/Kimsuky",
                          f"/reports/{sha}", "/actors/Kimsuky"):
                assert "casework" not in client.get(route).text, route
