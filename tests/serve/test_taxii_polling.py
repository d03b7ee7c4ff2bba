"""TAXII polled as OpenCTI polls it: ``next`` tokens bound to their collection and
query, dates added compared at millisecond precision, every object of every
collection imported once by a re-enacted ``*.*`` poll and none by the next poll."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from unmask.pipeline import analyze
from unmask.serve.taxii import MEDIA_TYPE, Cursor, Filters, added_stamp, page, select
from unmask.serve.view import Snapshot, collection_id
from unmask.store import open_kb

from .conftest import GREEN_APT29

ACCEPT = {"Accept": MEDIA_TYPE}
APT29 = collection_id("G0016")
APT41 = collection_id("G0096")

# Short reports of our own, one or two actors each, so that the base has several collections.
REPORTS = [
    GREEN_APT29,
    """Turla hides its relay in satellite links

Turla operators sent traffic from the Snake implant through hijacked satellite links and
staged files on compromised servers at orbit-relay-node.info before moving them out.
""",
    """Lazarus Group lures engineers with fake job offers

Lazarus Group sent fake recruiter messages to aerospace engineers; the attachment dropped a
loader that beaconed to careers-portal-hr.net and ran commands with cmd.exe.
""",
    """APT28 phishes defence ministries

APT28, which some vendors call Fancy Bear, sent credential phishing to defence ministries
from ministry-mail-login.com and used stolen passwords to log in to webmail.
""",
    """Sandworm strikes a power utility

Sandworm deployed a wiper at a power utility and spread it with scheduled tasks; the
operators used grid-ops-update.org to pull the payload.
""",
]


def _get(client: Any, path: str, **params: Any) -> Any:
    return client.get("/taxii2/api/collections/" + path, params=params, headers=ACCEPT)


def _refused(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.json()["title"] == "invalid next"


def _first_token(client: Any, path: str, **params: Any) -> str:
    body = _get(client, path, limit=2, **params).json()
    assert body["more"] is True, body
    return str(body["next"])


# -- next tokens are bound to where they were given ------------------------------------


def test_a_next_token_works_only_for_its_collection_endpoint_and_filters(client: Any) -> None:
    token = _first_token(client, f"{APT29}/objects/")
    assert _get(client, f"{APT29}/objects/", limit=2, next=token).status_code == 200
    _refused(_get(client, f"{APT41}/objects/", limit=2, next=token))  # another collection
    _refused(_get(client, f"{APT29}/manifest/", limit=2, next=token))  # another endpoint
    _refused(_get(client, f"{APT29}/objects/", limit=2, next=token,
                  **{"match[type]": "indicator"}))  # another query
    _refused(_get(client, f"{APT29}/objects/", limit=2, next=token,
                  added_after="2000-01-01T00:00:00.000Z"))
    # the page size may change between pages (clients raise or lower it)
    assert _get(client, f"{APT29}/objects/", limit=5, next=token).status_code == 200
    manifest = _first_token(client, f"{APT29}/manifest/")
    assert _get(client, f"{APT29}/manifest/", limit=2, next=manifest).status_code == 200
    _refused(_get(client, f"{APT29}/objects/", limit=2, next=manifest))


def test_a_next_token_cannot_be_forged() -> None:
    cursor = Cursor(b"a" * 32)
    where = (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 2, "indicator--1")
    token = cursor.encode(where, "c\nobjects")
    assert cursor.decode(token, "c\nobjects") == where
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    moved = raw.replace(b"indicator--1", b"indicator--9")
    for forged in (base64.urlsafe_b64encode(moved).decode(),  # position changed, old MAC
                   base64.urlsafe_b64encode(raw[16:]).decode(),  # no MAC
                   token[:-2], "", "x" * 5000):
        with pytest.raises(Exception, match="invalid next"):
            cursor.decode(forged, "c\nobjects")
    with pytest.raises(Exception, match="invalid next"):  # another server's secret
        Cursor(b"b" * 32).decode(token, "c\nobjects")
    with pytest.raises(Exception, match="invalid next"):
        cursor.decode(token, "d\nobjects")
    items = [(str(i), (where[0], 2, f"indicator--{i}")) for i in range(5)]
    with pytest.raises(Exception, match="invalid next"):
        page(items, Filters(limit=2, next=token), cursor, "d\nobjects")


# -- millisecond precision ---------------------------------------------------------------


def test_added_after_in_milliseconds_does_not_find_the_same_millisecond_newer() -> None:
    added = dt.datetime(2026, 3, 4, 5, 6, 9, 193784, tzinfo=dt.UTC)
    snapshot = Snapshot(actor_id="G0016", name="APT29", key="k",
                        objects=({"type": "malware", "id": "malware--1"},),
                        date_added=added, reports=1, tlp="green", added=(added,))
    cut = dt.datetime(2026, 3, 4, 5, 6, 9, 193000, tzinfo=dt.UTC)
    assert select(snapshot, Filters(added_after=cut)) == []
    assert len(select(snapshot, Filters(added_after=cut - dt.timedelta(milliseconds=1)))) == 1
    assert added_stamp(added) == "2026-03-04T05:06:09.193Z"


# -- OpenCTI's poll of *.* re-enacted ---------------------------------------------------


@pytest.fixture(scope="module")
def several(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('poll') / 'kb.sqlite'}"
    with open_kb(url) as kb:
        for text in REPORTS:
            kb.add_analysis(analyze(text), tlp="green")
        yield TestClient(create_app(kb, recheck=0), base_url="http://localhost")


def _cut_to_milliseconds(stamp: str) -> str:
    """What OpenCTI keeps of a date: milliseconds (``…09.193784Z`` -> ``…09.193Z``)."""
    head, _, tail = stamp.rstrip("Z").partition(".")
    return f"{head}.{(tail + '000')[:3]}Z"


class Refused(Exception):
    pass


def _poll_everything(client: Any, state: dict[str, str], *, carry_next: bool = False,
                     limit: int = 3) -> dict[str, list[str]]:
    """One run of OpenCTI's TAXII2 connector over ``*.*``: every collection of the API
    root in turn, ``added_after`` from the run before, ``next`` followed while ``more``
    (kept in the same filters dict as ``added_after``, so with ``carry_next`` the last
    token of one collection goes along to the next one); the newest date added seen
    (``X-TAXII-Date-Added-Last``, cut to milliseconds as OpenCTI stores dates) is what
    the next run asks after."""
    imported: dict[str, list[str]] = {}
    filters: dict[str, str] = {}
    listed = client.get("/taxii2/api/collections/", headers=ACCEPT).json().get("collections", [])
    for collection in listed:
        cid = collection["id"]
        if not carry_next:
            filters = {}
        if cid in state:
            filters["added_after"] = state[cid]
        else:
            filters.pop("added_after", None)
        got: list[str] = []
        while True:
            response = _get(client, f"{cid}/objects/", limit=limit, **filters)
            if response.status_code == 400:
                raise Refused(response.json()["title"])
            assert response.status_code == 200, response.text
            body = response.json()
            got += [o["id"] for o in body.get("objects", [])]
            if "X-TAXII-Date-Added-Last" in response.headers:
                state[cid] = _cut_to_milliseconds(response.headers["X-TAXII-Date-Added-Last"])
            if not body.get("more"):
                break
            filters["next"] = body["next"]
        imported[cid] = got
    return imported


def test_a_poll_of_every_collection_imports_each_object_once_and_the_next_poll_none(several: Any) -> None:
    listed = several.get("/taxii2/api/collections/", headers=ACCEPT).json()["collections"]
    assert len(listed) >= 4
    everything = {c["id"]: [o["id"] for o in _get(several, f"{c['id']}/objects/", limit=1000)
                            .json().get("objects", [])] for c in listed}
    state: dict[str, str] = {}
    first = _poll_everything(several, state)
    assert first == everything and all(len(v) == len(set(v)) > 3 for v in first.values())
    second = _poll_everything(several, state)
    assert second == {cid: [] for cid in everything}
    # the connector's shared filters carry the last next over to the next collection:
    # refused loudly (400), never answered with another collection's (empty) tail
    with pytest.raises(Refused, match="invalid next"):
        _poll_everything(several, {}, carry_next=True)
