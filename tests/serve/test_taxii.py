"""TAXII 2.1: discovery, collections, objects, manifest, versions, filters, paging, errors."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest

from tests.export.checks import stix_problems
from unmask.serve.taxii import MEDIA_TYPE, accepts_taxii
from unmask.serve.view import collection_id

from .conftest import GREEN_DOMAIN, SECRET_DOMAIN, TOKEN

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
    assert [o["id"] for o in objects] == [o["id"] for o in export]
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
