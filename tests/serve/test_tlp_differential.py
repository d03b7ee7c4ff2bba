"""TLP side doors: reports above the ceiling must change no answer at all.

Two bases get the same visible reports in the same order (and the same clock); one
also holds TLP:RED reports that name the same actors, teach an alias only they know,
hold words, indicators and an actor of their own, and are published later (so they
would give an actor its display name). Served at TLP:GREEN, every route the app has
(REST, TAXII, web pages), asked with every name, value, report and collection either
base knows, must give the same status, type and body from both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import FIXTURES
from unmask.store import KnowledgeBase

from .conftest import GREEN_APT29, GREEN_DOMAIN, GREEN_URL, HOSTILE_HTML, LOCAL

pytestmark = pytest.mark.filterwarnings("error")

RED_ALIAS = "Frostquill Panda"
RED_DOMAIN = "red-only-relay.xyz"
RED_WORD = "glyptodont"

RED_APT29 = f"""Red note on APT29, 12 May 2025

Analysts said APT29, also known as {RED_ALIAS}, staged implants on embassies again and
beaconed to {RED_DOMAIN.replace('.', '[.]')}. PowerShell ran the second stage; the codename
{RED_WORD} names the operation. {GREEN_DOMAIN.replace('.', '[.]')} served the loader.
"""

RED_APT41 = f"""Red note on APT41 and Sandworm, 20 May 2025

Wicked Panda (APT41) exploited a VPN appliance and used PowerShell. Sandworm staged a
wiper with the codename {RED_WORD}; both used {RED_DOMAIN.replace('.', '[.]')}.
"""

_CLOCK = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
_ACCEPT = {"Accept": "application/taxii+json;version=2.1"}


def _texts() -> list[tuple[str, str, str]]:
    """(source, text, tlp) in ingest order."""
    out = []
    for name, tlp in (("apt41-campaign", "clear"), ("lazarus-crypto-report", "green"),
                      ("volt-typhoon-advisory", "green")):
        text = (FIXTURES / "articles" / f"{name}.txt").read_text(encoding="utf-8")
        out.append((f"articles/{name}.txt", text, tlp))
    out.insert(1, ("notes/red-apt29.txt", RED_APT29, "red"))
    out.append(("notes/green-apt29.txt", GREEN_APT29, "green"))
    out.append(("notes/red-apt41.txt", RED_APT41, "red"))
    out.append(("web/hostile.html", HOSTILE_HTML, "green"))
    return out


@contextlib.contextmanager
def _urls(backend: str, folder: Path) -> Iterator[tuple[str, str]]:
    """Two empty knowledge base URLs on ``backend`` (PostgreSQL: two fresh schemas)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'with-red.sqlite'}", f"sqlite:///{folder / 'without.sqlite'}"
        return
    base = os.environ.get("UNMASK_TEST_POSTGRES")
    if not base:
        pytest.skip("PostgreSQL tests need UNMASK_TEST_POSTGRES=postgresql+psycopg://user@host:port/db")
    from sqlalchemy import create_engine, text

    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    schemas = [f"d_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.connect() as conn:
        for schema in schemas:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield tuple(f"{base}{sep}options=-csearch_path%3D{schema}" for schema in schemas)  # type: ignore[misc]
    finally:
        with admin.connect() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bases(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeBase, KnowledgeBase]]:
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze
    from unmask.store import open_kb

    folder = tmp_path_factory.mktemp("differential")
    analyses = [(analyze(parse_bytes(text.encode(), source=source)), tlp)
                for source, text, tlp in _texts()]
    with (_urls(request.param, folder) as (red_url, plain_url),
          open_kb(red_url, clock=lambda: _CLOCK) as with_red,
          open_kb(plain_url, clock=lambda: _CLOCK) as without):
        for analysis, tlp in analyses:
            with_red.add_analysis(analysis, tlp=tlp)
            if tlp != "red":
                without.add_analysis(analysis, tlp=tlp)
        yield with_red, without


def _client(kb: KnowledgeBase) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, max_tlp="green", recheck=0), base_url=LOCAL)


def _values(plain: Any, full: Any, kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every path parameter value worth asking, by parameter name."""
    names = {RED_ALIAS, "Sandworm", "Wicked Panda", "Cozy Bear", "APT29", "nobody-at-all"}
    for actor in plain.get("/api/v1/actors", params={"limit": 500}).json()["actors"]:
        names.update({actor["actor_id"], actor["name"]})
    for actor in full.get("/api/v1/actors", params={"limit": 500}).json()["actors"]:
        names.update({actor["actor_id"], actor["name"]})
    refs: set[str] = {"notes/red-apt29.txt", "ffffffffffff"}
    for report in kb.find_reports(limit=500):
        refs.update({report.sha256, report.sha256[:12], report.source})
    collections = {c["id"] for c in plain.get("/taxii2/api/collections/", headers=_ACCEPT).json()
                   .get("collections", [])}
    collections.add("6d3b1e8a-0000-5000-8000-000000000000")
    from unmask.serve.view import collection_id

    collections.update(collection_id(a) for a in ("G0034", "G0016", "G0096"))
    object_ids: set[str] = {"indicator--00000000-0000-4000-8000-000000000000"}
    for collection in sorted(collections):
        answer = plain.get(f"/taxii2/api/collections/{collection}/objects/", headers=_ACCEPT)
        if answer.status_code == 200:
            object_ids.update(o["id"] for o in answer.json().get("objects", [])[:12])
    return {
        "name": sorted(names),
        "value": [GREEN_DOMAIN, RED_DOMAIN, GREEN_URL, "45.77.12.9", "never.example"],
        "ref": sorted(refs),
        "collection": sorted(collections),
        "object_id": sorted(object_ids),
        "status_id": ["00000000-0000-4000-8000-000000000000"],  # TAXII push status: none pushed
    }


_QUERIES = {
    "/api/v1/actors": [{}, {"limit": 2, "offset": 1}],
    "/api/v1/actors/{name}/export": [{"format": f} for f in ("stix", "misp", "navigator", "markdown", "csv")],
    "/api/v1/search": [{"q": q} for q in ("PowerShell", "APT29", RED_WORD, RED_ALIAS, "embassies",
                                          "PowerShell OR wiper", "phishing -embassies", "VPN appliance")],
    "/search": [{"q": q} for q in ("PowerShell", RED_WORD, "embassies VPN")],
    "/api/v1/reports": [{}, {"actor": "APT29"}, {"actor": RED_ALIAS}, {"actor": "Wicked Panda"},
                        {"since": "2020-01-01"}],
    "/": [{}, {"offset": 1}],
    "/actors/{name}": [{}, {"matrix": "all"}, {"type": "domain"}, {"type": "url", "offset": 1}],
    "/reports/{ref}": [{}, {"kind": "actor"}, {"kind": "indicator"}],
    "/actors/compare": [{}, *({"a": a, "b": b} for a, b in (
        ("APT29", "APT41"), ("Cozy Bear", RED_ALIAS), ("Wicked Panda", "Sandworm"),
        ("APT29", "APT29"), ("APT41", "Lazarus Group")))],
    "/taxii2/api/collections/{collection}/objects/": [{}, {"limit": 3}, {"match[type]": "indicator"}],
    "/taxii2/api/collections/{collection}/manifest/": [{}, {"limit": 2}],
}

def _get_paths(app: Any) -> list[str]:
    """The path templates of every GET route (routers included, any FastAPI version)."""
    from starlette.routing import Route

    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # FastAPI >= 0.16x keeps included routers whole
            out += [c.path for c in contexts() if "GET" in (c.methods or ())]
        elif isinstance(route, Route) and "GET" in (route.methods or ()):
            out.append(route.path)
    return out


def _requests(app: Any, values: dict[str, list[str]]) -> tuple[list[tuple[str, dict[str, Any]]], set[str]]:
    out: list[tuple[str, dict[str, Any]]] = []
    covered: set[str] = set()
    for template in _get_paths(app):
        path = re.sub(r"{(\w+):\w+}", r"{\1}", template)
        params = re.findall(r"{(\w+)(?::\w+)?}", path)
        concrete = [path]
        for param in params:
            concrete = [re.sub(r"{" + param + r"(?::\w+)?}", quote(v, safe=""), c)
                        for c in concrete for v in values[param]]
        for url in concrete:
            for query in _QUERIES.get(path, [{}]):
                out.append((url, query))
        covered.add(path)
    return out, covered


def _unsigned(page: str) -> str:
    """A page without its forms' CSRF tokens (each server process signs its own)."""
    return re.sub(r'name="csrf" value="[^"]*"', 'name="csrf" value=""', page)


def test_hidden_reports_change_no_answer(bases: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    with_red, without = bases
    with _client(with_red) as full, _client(without) as plain:
        values = _values(plain, full, with_red)
        requests, covered = _requests(full.app, values)
        assert {"/api/v1/actors/{name}", "/taxii2/api/collections/{collection}/objects/{object_id}/",
                "/reports/{ref}", "/api/v1/indicators/{value}", "/actors/compare"} <= covered
        differences = []
        for url, query in requests:
            headers = _ACCEPT if url.startswith("/taxii2") else {}
            a = full.get(url, params=query, headers=headers)
            b = plain.get(url, params=query, headers=headers)
            same = (a.status_code == b.status_code
                    and a.headers.get("content-type") == b.headers.get("content-type")
                    and _unsigned(a.text) == _unsigned(b.text)
                    and a.headers.get("x-taxii-date-added-last") == b.headers.get("x-taxii-date-added-last"))
            if not same:
                differences.append(f"{url} {query}: {a.status_code} vs {b.status_code}")
        assert len(requests) > 300
        assert differences == [], "\n".join(differences[:40])
        assert full.get(f"/api/v1/actors/{quote(RED_ALIAS)}").status_code == 404


def test_red_alias_resolves_at_red(bases: tuple[KnowledgeBase, KnowledgeBase]) -> None:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    with TestClient(create_app(bases[0], max_tlp="red"), base_url=LOCAL) as red:
        assert red.get(f"/api/v1/actors/{quote(RED_ALIAS)}").json()["actor_id"] == "G0016"

