"""TAXII 2.1: discovery, collections, objects, manifest, versions, filters, paging, errors;
per-object date_added kept in the knowledge base (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.export.checks import stix_problems
from unmask.pipeline import analyze
from unmask.serve.taxii import MEDIA_TYPE, Cursor, Filters, accepts_taxii, page, parse_filters
from unmask.serve.view import collection_id, type_rank
from unmask.store import KnowledgeBase, open_kb

from .conftest import AMBER_APT29, GREEN_APT29, GREEN_DOMAIN, SECRET_DOMAIN, TOKEN

ACCEPT = {"Accept": MEDIA_TYPE}
APT29 = collection_id("G0016")
APT41 = collection_id("G0096")
SANDWORM = collection_id("G0034")


def get(client: Any, path: str, **params: Any) -> Any:
    return client.get("/taxii2/api/collections/" + path, params=params, headers=ACCEPT)


def _taxii_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body = response.json()
    assert body["http_status"] == str(status) and body["title"]
    return dict(body)


def _objects(client: Any, collection: str, **params: Any) -> list[dict[str, Any]]:
    response = get(client, f"{collection}/objects/", **params)
    assert response.status_code == 200, response.text
    return list(response.json().get("objects", []))


def test_discovery_and_api_root(client: Any) -> None:
    discovery = client.get("/taxii2/", headers=ACCEPT)
    assert discovery.status_code == 200 and discovery.headers["content-type"] == MEDIA_TYPE
    body = discovery.json()
    assert body["default"].endswith("/taxii2/api/") and body["api_roots"] == [body["default"]]
    root = client.get("/taxii2/api/", headers=ACCEPT).json()
    assert root["versions"] == [MEDIA_TYPE] and root["max_content_length"] > 0


def test_collections_one_per_visible_actor(client: Any, amber_client: Any) -> None:
    listed = client.get("/taxii2/api/collections/", headers=ACCEPT).json()["collections"]
    ids = {c["id"] for c in listed}
    assert APT29 in ids and APT41 in ids and SANDWORM not in ids
    assert all(c["can_read"] and not c["can_write"] for c in listed)
    assert all(c["media_types"] == ["application/stix+json;version=2.1"] for c in listed)
    one = get(client, f"{APT29}/").json()
    assert one["title"] == "APT29" and "1 report(s)" in one["description"] and "also known as" in one["description"] and "Cozy Bear" in one["description"]
    assert SANDWORM in {c["id"] for c in amber_client.get("/taxii2/api/collections/").json()["collections"]}
    _taxii_error(get(client, f"{SANDWORM}/"), 404)
    _taxii_error(get(client, f"{SANDWORM}/objects/"), 404)
    _taxii_error(get(client, "not-a-collection/objects/"), 404)


def test_collection_objects_are_the_actor_export_at_the_ceiling(client: Any, amber_client: Any) -> None:
    objects = _objects(client, APT29, limit=1000)
    export = json.loads(client.get("/api/v1/actors/APT29/export").text)["objects"]
    assert sorted(o["id"] for o in objects) == sorted(o["id"] for o in export)
    # added at one time: markings, identities, the rest, relationships, then notes and reports
    ranks = [type_rank(o["type"]) for o in objects]
    assert ranks == sorted(ranks) and ranks[0] == 0 and ranks[-1] == 4
    assert [(r, o["id"]) for r, o in zip(ranks, objects, strict=True)] == sorted(
        (r, o["id"]) for r, o in zip(ranks, objects, strict=True))
    text = json.dumps(objects)
    assert GREEN_DOMAIN in text and SECRET_DOMAIN not in text
    assert SECRET_DOMAIN in json.dumps(_objects(amber_client, APT29, limit=1000))
    bundle = {"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objects}
    assert stix_problems(json.dumps(bundle), types=False) == []


def test_paging_walks_every_object_exactly_once(client: Any) -> None:
    everything = [o["id"] for o in _objects(client, APT29, limit=1000)]
    assert len(everything) > 5
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        response = get(client, f"{APT29}/objects/", **params)
        body = response.json()
        page = [o["id"] for o in body["objects"]]
        assert len(page) <= 3
        seen += page
        assert response.headers["X-TAXII-Date-Added-First"] <= response.headers["X-TAXII-Date-Added-Last"]
        if not body["more"]:
            assert "next" not in body
            break
        params = {"limit": 3, "next": body["next"]}
    assert seen == everything


def test_limit_is_capped_and_zero_means_default(client: Any) -> None:
    assert len(_objects(client, APT29, limit=10**6)) == len(_objects(client, APT29, limit=0))


def test_added_after(client: Any) -> None:
    response = get(client, f"{APT29}/objects/")
    added = response.headers["X-TAXII-Date-Added-Last"]
    moment = dt.datetime.fromisoformat(added.replace("Z", "+00:00"))
    before = (moment - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert len(_objects(client, APT29, added_after=before)) == len(response.json()["objects"])
    later = get(client, f"{APT29}/objects/", added_after=added)
    assert later.status_code == 200 and later.json() == {"more": False}
    assert "X-TAXII-Date-Added-First" not in later.headers


def test_match_type_id_and_spec_version(client: Any) -> None:
    everything = _objects(client, APT29, limit=1000)
    sets = _objects(client, APT29, **{"match[type]": "intrusion-set"})
    assert [o["type"] for o in sets] == ["intrusion-set"]
    several = _objects(client, APT29, **{"match[type]": "intrusion-set,report"})
    assert {o["type"] for o in several} == {"intrusion-set", "report"}
    target = everything[3]["id"]
    assert [o["id"] for o in _objects(client, APT29, **{"match[id]": target})] == [target]
    assert len(_objects(client, APT29, **{"match[spec_version]": "2.1"})) == len(everything)
    assert _objects(client, APT29, **{"match[spec_version]": "2.0"}) == []


def test_match_version(client: Any) -> None:
    everything = _objects(client, APT29, limit=1000)
    for keyword in ("last", "first", "all", "first,last"):
        assert len(_objects(client, APT29, limit=1000, **{"match[version]": keyword})) == len(everything)
    dated = next(o for o in everything if o.get("modified"))
    exact = _objects(client, APT29, limit=1000, **{"match[version]": dated["modified"]})
    assert dated["id"] in {o["id"] for o in exact}
    assert all((o.get("modified") or o.get("created")) == dated["modified"] for o in exact)
    assert _objects(client, APT29, **{"match[version]": "1999-01-01T00:00:00.000Z"}) == []


@pytest.mark.parametrize("params", [
    {"added_after": "yesterday"}, {"added_after": "2024-13-45T00:00:00Z"}, {"limit": "-1"},
    {"limit": "ten"}, {"next": "garbage!"}, {"next": base64.urlsafe_b64encode(b"x:1").decode()},
    {"match[version]": "newest"},
])
def test_bad_filters_are_400(client: Any, params: dict[str, Any]) -> None:
    _taxii_error(get(client, f"{APT29}/objects/", **params), 400)


def test_get_object_and_versions(client: Any) -> None:
    obj = next(o for o in _objects(client, APT29, limit=1000) if o["type"] == "intrusion-set")
    one = get(client, f"{APT29}/objects/{obj['id']}/")
    assert one.status_code == 200 and one.json()["objects"] == [obj] and one.json()["more"] is False
    versions = get(client, f"{APT29}/objects/{obj['id']}/versions/").json()
    assert versions == {"more": False, "versions": [obj.get("modified") or obj["created"]]}
    _taxii_error(get(client, f"{APT29}/objects/intrusion-set--00000000-0000-4000-8000-000000000000/"), 404)
    _taxii_error(get(client, f"{APT29}/objects/{obj['id']}/versions/", **{"match[version]": "all"}), 400)
    hidden = get(client, f"{APT29}/objects/{obj['id']}/", **{"match[version]": "1999-01-01T00:00:00Z"})
    assert hidden.status_code == 200 and "objects" not in hidden.json()


def test_manifest(client: Any) -> None:
    everything = _objects(client, APT29, limit=1000)
    manifest = get(client, f"{APT29}/manifest/", limit=1000).json()["objects"]
    assert [m["id"] for m in manifest] == [o["id"] for o in everything]
    assert all(m["media_type"] == "application/stix+json;version=2.1" and m["date_added"] for m in manifest)
    page = get(client, f"{APT29}/manifest/", limit=2).json()
    assert page["more"] is True and len(page["objects"]) == 2


def test_accept_header(client: Any) -> None:
    _taxii_error(client.get("/taxii2/", headers={"Accept": "application/xml"}), 406)
    _taxii_error(client.get("/taxii2/", headers={"Accept": "application/taxii+json;version=2.0"}), 406)
    for accept in ("application/taxii+json", MEDIA_TYPE, "*/*", "text/html, application/taxii+json;q=0.5"):
        assert client.get("/taxii2/", headers={"Accept": accept}).status_code == 200
    assert not accepts_taxii("application/taxii+json;q=0")


def test_writes_are_refused(client: Any) -> None:
    body = json.dumps({"objects": []})
    _taxii_error(client.post(f"/taxii2/api/collections/{APT29}/objects/", content=body,
                             headers={**ACCEPT, "Content-Type": MEDIA_TYPE}), 403)
    _taxii_error(client.post("/taxii2/api/collections/", headers=ACCEPT), 405)
    _taxii_error(client.delete(f"/taxii2/api/collections/{APT29}/objects/x/", headers=ACCEPT), 405)


def test_token_bearer_and_basic(locked_client: Any) -> None:
    denied = locked_client.get("/taxii2/", headers=ACCEPT)
    _taxii_error(denied, 401)
    assert "Basic" in denied.headers["WWW-Authenticate"]
    bearer = locked_client.get("/taxii2/", headers={**ACCEPT, "Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200
    basic = base64.b64encode(f"opencti:{TOKEN}".encode()).decode()
    assert locked_client.get("/taxii2/", headers={**ACCEPT, "Authorization": f"Basic {basic}"}).status_code == 200
    wrong = base64.b64encode(b"opencti:nope").decode()
    _taxii_error(locked_client.get("/taxii2/", headers={**ACCEPT, "Authorization": f"Basic {wrong}"}), 401)
    _taxii_error(locked_client.get("/taxii2/", headers={**ACCEPT, "Authorization": "Basic %%%"}), 401)


# -- date_added per object, kept in the knowledge base --------------------------------

NEW_DOMAIN = "fresh-drop-zone.xyz"
NEW_APT29 = f"""APT29 returns with a new loader

APT29 operators registered {NEW_DOMAIN.replace('.', '[.]')} for command and control and used
Windows Management Instrumentation to run the loader on diplomats' workstations.
"""
PG_ENV = "UNMASK_TEST_POSTGRES"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty knowledge base URL on SQLite, and on PostgreSQL when UNMASK_TEST_POSTGRES is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kb.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}=postgresql+psycopg://user@host:port/db")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} is not reachable: {exc.orig}")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _client(kb: KnowledgeBase, max_tlp: str = "green") -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, max_tlp=max_tlp, recheck=0), base_url="http://localhost")


def _manifest(client: Any, **params: Any) -> list[dict[str, Any]]:
    response = get(client, f"{APT29}/manifest/", limit=1000, **params)
    assert response.status_code == 200, response.text
    return list(response.json().get("objects", []))


def _when(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_date_added_is_per_object_and_kept_across_reports_and_restarts(fresh_url: str) -> None:
    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        with _client(kb) as client:
            first = _manifest(client)
            first_objects = {o["id"]: o for o in _objects(client, APT29, limit=1000)}
        assert len(first) > 5 and len({m["date_added"] for m in first}) == 1
        last = first[-1]["date_added"]
        kb.add_analysis(analyze(NEW_APT29), tlp="green")
        kb.add_analysis(analyze(AMBER_APT29), tlp="amber")  # above the ceiling: no change
        with _client(kb) as client:
            grown = _manifest(client)
            new = get(client, f"{APT29}/objects/", added_after=last, limit=1000)
            everything = _objects(client, APT29, limit=1000)
    assert [m["id"] for m in grown] == [o["id"] for o in everything]
    dates = {m["id"]: m["date_added"] for m in grown}
    kept = {o["id"] for o in everything if first_objects.get(o["id"]) == o}
    changed = {o["id"] for o in everything} - kept
    assert kept and changed
    # objects served before, unchanged, keep their date; new and changed ones come after
    assert all(dates[i] == last for i in kept)
    assert all(_when(dates[i]) > _when(last) for i in changed)
    assert [_when(m["date_added"]) for m in grown] == sorted(_when(m["date_added"]) for m in grown)
    # added_after the last date the client saw: just the new and changed objects
    assert new.status_code == 200
    fresh = new.json()["objects"]
    assert {o["id"] for o in fresh} == changed
    assert NEW_DOMAIN in json.dumps(fresh) and GREEN_DOMAIN not in json.dumps(fresh)
    assert SECRET_DOMAIN not in json.dumps(everything)
    newest = max(dates[i] for i in changed)
    assert new.headers["X-TAXII-Date-Added-Last"] == newest
    assert new.headers["X-TAXII-Date-Added-First"] == min(dates[i] for i in changed)
    # objects without modified/created take their date added as their version
    for record, obj in zip(grown, everything, strict=True):
        assert record["version"] == (obj.get("modified") or obj.get("created") or record["date_added"])
    assert any("modified" not in o and "created" not in o for o in everything)
    # a restart (another server over the same knowledge base) gives the same dates
    with open_kb(fresh_url) as kb, _client(kb) as client:
        assert _manifest(client) == grown
        assert _objects(client, APT29, added_after=newest) == []


def test_date_added_is_kept_per_tlp_ceiling(fresh_url: str) -> None:
    from sqlalchemy import select

    from unmask.store.schema import TaxiiAddedRow

    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        kb.add_analysis(analyze(AMBER_APT29), tlp="amber")
        with _client(kb) as green:
            at_green = _manifest(green)
        with _client(kb, max_tlp="amber") as amber:
            at_amber = _manifest(amber)
            secret = _objects(amber, APT29, limit=1000)
        with kb.engine.connect() as conn:
            rows = conn.execute(select(TaxiiAddedRow.max_tlp, TaxiiAddedRow.object_id)).all()
    assert SECRET_DOMAIN in json.dumps(secret)
    by_level = {level: {object_id for lvl, object_id in rows if lvl == level} for level in ("green", "amber")}
    assert by_level["green"] == {m["id"] for m in at_green}
    assert by_level["amber"] == {m["id"] for m in at_amber}
    assert by_level["amber"] - by_level["green"]  # objects only an amber server serves


def test_paging_goes_on_in_date_order_while_the_collection_grows(fresh_url: str) -> None:
    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        with _client(kb) as client:
            before = {m["id"]: m["version"] for m in _manifest(client)}
            response = get(client, f"{APT29}/manifest/", limit=3)
            body = response.json()
            records = list(body["objects"])
            while len(records) < len(before) - 3:  # stop among the last (notes, reports)
                body = get(client, f"{APT29}/manifest/", limit=3, next=body["next"]).json()
                records += body["objects"]
            given_before = {m["id"] for m in records}
            assert body["more"] is True
            kb.add_analysis(analyze(NEW_APT29), tlp="green")
            while body["more"]:
                response = get(client, f"{APT29}/manifest/", limit=3, next=body["next"])
                body = response.json()
                assert len(body["objects"]) <= 3
                assert response.headers["X-TAXII-Date-Added-First"] == body["objects"][0]["date_added"]
                assert response.headers["X-TAXII-Date-Added-Last"] == body["objects"][-1]["date_added"]
                records += body["objects"]
            after = _manifest(client)
    assert len({(m["id"], m["version"], m["date_added"]) for m in records}) == len(records)
    pairs = [(m["id"], m["version"]) for m in records]
    assert [_when(m["date_added"]) for m in records] == sorted(_when(m["date_added"]) for m in records)
    # every record of the grown collection came once; besides them, only old versions
    # (or objects since gone) given before the report came in
    assert {(m["id"], m["version"]) for m in after} <= set(pairs)
    assert all(before.get(object_id) == version and object_id in given_before
               for object_id, version in set(pairs) - {(m["id"], m["version"]) for m in after})
    assert {m["id"] for m in records} == {m["id"] for m in after} | given_before


def test_content_changed_under_one_modified_is_served_as_a_newer_version(fresh_url: str) -> None:
    # The export dates an object by the newest report it draws on: a report published
    # *earlier* that adds to an object changes its content but not that date.
    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(NEW_APT29, published="2025-06-01"), tlp="green")
        with _client(kb) as client:
            first = {o["id"]: o for o in _objects(client, APT29, limit=1000)}
        kb.add_analysis(analyze(GREEN_APT29, published="2024-03-01"), tlp="green")
        with _client(kb) as client:
            second = {o["id"]: o for o in _objects(client, APT29, limit=1000)}
            versions = {m["id"]: m["version"] for m in _manifest(client)}
        with open_kb(fresh_url) as again, _client(again) as client:  # a restart serves the same
            assert {o["id"]: o for o in _objects(client, APT29, limit=1000)} == second
    def content(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if k != "modified"}

    both = [i for i in first if i in second and "modified" in first[i]]
    changed = [i for i in both if content(first[i]) != content(second[i])]
    same = [i for i in both if content(first[i]) == content(second[i])]
    assert changed and same
    for object_id in changed:  # a newer version, never the same (id, modified) again
        assert _when(second[object_id]["modified"]) > _when(first[object_id]["modified"]), object_id
        assert _when(second[object_id]["modified"]) >= _when(second[object_id]["created"])
        assert versions[object_id] == second[object_id]["modified"]
    assert all(second[i] == first[i] for i in same)  # unchanged objects keep their version
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(second.values())}
    assert stix_problems(json.dumps(bundle)) == []


def test_page_resumes_after_the_last_position_given() -> None:
    t1 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    t2 = t1 + dt.timedelta(microseconds=1)
    items = [(name, (when, 2, f"x--{name}")) for name, when in
             (("a", t1), ("b", t1), ("c", t1), ("d", t2), ("e", t2))]
    cursor, scope = Cursor(b"k" * 32), "collection\nobjects"
    first, more, token = page(items, Filters(limit=2), cursor, scope)
    assert [i for i, _ in first] == ["a", "b"] and more and token
    second, more, token = page(items, parse_filters(_Query(limit="2", next=token)), cursor, scope)
    assert [i for i, _ in second] == ["c", "d"] and more and token
    # records given before vanished, one came in before the rest: the position still holds
    changed = [items[0], ("cc", (t1, 3, "a--cc")), *items[3:]]
    third, more, token = page(changed, parse_filters(_Query(limit="2", next=token)), cursor, scope)
    assert [i for i, _ in third] == ["e"] and not more and token is None


class _Query(dict[str, str]):
    """The two methods of Starlette's QueryParams that parse_filters uses."""

    def getlist(self, name: str) -> list[str]:
        return [self[name]] if name in self else []


def test_migration_0005_adds_and_drops_the_taxii_added_table(fresh_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from unmask.store.engine import current_revision, head_revision

    with open_kb(fresh_url) as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        assert current_revision(kb.engine) == head_revision()
        assert inspect(kb.engine).get_pk_constraint("taxii_added")["constrained_columns"] == [
            "max_tlp", "collection", "object_id", "version", "digest"]
        config = Config()
        config.set_main_option("script_location", "unmask.store:migrations")
        with kb.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        assert not inspect(kb.engine).has_table("taxii_added")
    with open_kb(fresh_url) as kb, _client(kb) as client:  # opening upgrades again
        assert current_revision(kb.engine) == head_revision()
        assert len(_manifest(client)) > 5


def test_a_base_that_cannot_be_written_still_serves_taxii(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """Dates added are recorded in the base; a read-only base (replica, file permissions)
    still gets its objects, with dates that are simply not kept."""
    from sqlalchemy.exc import OperationalError

    from unmask.serve import view as view_module

    class ReadOnly:
        @staticmethod
        def insert(table: Any) -> Any:
            raise OperationalError("INSERT", {}, Exception("attempt to write a readonly database"))

    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        monkeypatch.setattr(view_module, "sqlite", ReadOnly)
        with caplog.at_level("WARNING", logger="unmask.serve.view"), _client(kb) as client:
            records = _manifest(client)
            objects = _objects(client, APT29, limit=1000)
    assert records and len(records) == len(objects)
    assert len({r["date_added"] for r in records}) == 1
    assert "not recorded" in caplog.text
