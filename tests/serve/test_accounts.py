"""Accounts of ``unmask serve``: tokens with roles and TLP clearances, and the audit trail.

The clearance test is the TLP differential with tokens: one server over a base holding
reports up to TLP:RED, served at ``--max-tlp red``, answers a token cleared for level L
on every GET route exactly as a server at ``--max-tlp L`` over a base that never held
the reports above the visible ones (SQLite, and PostgreSQL with UNMASK_TEST_POSTGRES).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

from unmask.store import KnowledgeBase, open_kb
from unmask.store.accounts import (
    MAX_AUDIT_OBJECTS,
    AuditEntry,
    AuditLog,
    TokenChecker,
    add_token,
    audit_count,
    audit_entries,
    record_audit,
    revoke_token,
    tokens,
)

from . import test_tlp_differential as differential
from .conftest import GREEN_APT29, LOCAL
from .test_tlp_differential import _ACCEPT, RED_ALIAS, _requests, _values

pytestmark = pytest.mark.filterwarnings("error")

#: Pages whose answer depends on the caller's role or on the server being guarded, not
#: on its clearance: the sign-in form (a server without tokens sends it home), the upload
#: form (analysts only) and the OpenAPI document (its security scheme).
_ROLE_PAGES = frozenset({"/login", "/logout", "/upload", "/api/openapi.json"})

#: The differential's two bases (with and without the TLP:RED reports), this module's own.
bases = differential.bases


def _app(kb: KnowledgeBase, **options: Any) -> Any:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    return TestClient(create_app(kb, recheck=0, **options), base_url=LOCAL)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def small(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[tuple[KnowledgeBase, dict[str, str]]]:
    """A base with one report at each of clear, green, amber and red (SQLite; PostgreSQL
    with UNMASK_TEST_POSTGRES, in a schema of its own)."""
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze

    hashes = {}
    with differential._urls(request.param, tmp_path) as (url, _), open_kb(url) as kb:
        for level in ("clear", "green", "amber", "red"):
            text = GREEN_APT29 + f"\nThis note is marked {level}.\n"
            doc = parse_bytes(text.encode(), source=f"notes/{level}.txt")
            hashes[level] = kb.add_analysis(analyze(doc), tlp=level).sha256
        yield kb, hashes


# -- clearance: the differential ---------------------------------------------------------

@pytest.mark.parametrize("level", ["clear", "green", "amber"])
def test_a_token_sees_exactly_what_a_server_at_its_clearance_shows(
        bases: tuple[KnowledgeBase, KnowledgeBase], level: str) -> None:
    with_red, without = bases
    secret, _ = add_token(with_red, f"reader-{level}", role="reader", max_tlp=level)
    with _app(with_red, max_tlp="red", accounts=True) as full, \
            _app(without, max_tlp=level) as plain:
        auth = _bearer(secret)
        full.headers.update(auth)
        values = _values(plain, full, with_red)
        requests, covered = _requests(full.app, values)
        assert {"/api/v1/actors/{name}", "/taxii2/api/collections/{collection}/objects/{object_id}/",
                "/reports/{ref}", "/api/v1/indicators/{value}", "/api/v1/search",
                "/api/v1/actors/{name}/export", "/search", "/"} <= covered
        differences = []
        asked = 0
        for url, query in requests:
            if url.startswith("/api/v1/admin"):
                continue  # admin only: a reader's 403 (tested below)
            if url in _ROLE_PAGES:
                continue  # what they show depends on the role or on the server having tokens
            asked += 1
            headers = _ACCEPT if url.startswith("/taxii2") else {}
            a = full.get(url, params=query, headers=headers)
            b = plain.get(url, params=query, headers=headers)
            same = (a.status_code == b.status_code
                    and a.headers.get("content-type") == b.headers.get("content-type")
                    and a.text == b.text
                    and a.headers.get("x-taxii-date-added-last") == b.headers.get("x-taxii-date-added-last"))
            if not same:
                differences.append(f"{url} {query}: {a.status_code} vs {b.status_code}")
        assert differences == [], "\n".join(differences[:40])
        assert asked > 250
        assert full.get(f"/api/v1/actors/{quote(RED_ALIAS)}").status_code == 404
        # The same server shows a RED token the RED alias: the ceiling is the token's.
        red, _ = add_token(with_red, f"red-{level}", role="reader", max_tlp="red")
        assert full.get(f"/api/v1/actors/{quote(RED_ALIAS)}", headers=_bearer(red)).status_code == 200


def test_the_server_ceiling_caps_every_token(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    kb, hashes = small
    red, _ = add_token(kb, "red-reader", role="reader", max_tlp="red")
    with _app(kb, max_tlp="green", accounts=True) as client:
        stats = client.get("/api/v1/stats", headers=_bearer(red)).json()
        assert (stats["reports"], stats["max_tlp"]) == (2, "green")
        assert client.get(f"/api/v1/reports/{hashes['amber']}", headers=_bearer(red)).status_code == 404
    amber, _ = add_token(kb, "amber-reader", role="reader", max_tlp="amber")
    with _app(kb, max_tlp="red", accounts=True) as client:
        for token, seen in ((amber, {"clear", "green", "amber"}), (red, {"clear", "green", "amber", "red"})):
            listed = client.get("/api/v1/reports", headers=_bearer(token)).json()["reports"]
            assert {r["tlp"] for r in listed} == seen
            for level, sha in hashes.items():
                status = client.get(f"/api/v1/reports/{sha}", headers=_bearer(token)).status_code
                assert status == (200 if level in seen else 404)


# -- tokens ------------------------------------------------------------------------------

def test_only_a_salted_hash_is_stored(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    from sqlalchemy import text

    kb, _ = small
    one, _ = add_token(kb, "one", role="reader", max_tlp="green")
    two, _ = add_token(kb, "two", role="reader", max_tlp="green")
    with kb.engine.connect() as conn:
        rows = list(conn.execute(text("SELECT * FROM serve_tokens")))
    dumped = json.dumps([list(map(str, r)) for r in rows])
    for secret in (one, two):
        assert secret not in dumped and secret.split("_", 2)[2] not in dumped
        assert hashlib.sha256(secret.encode()).hexdigest() not in dumped
    assert len({r.salt for r in rows}) == 2 and len({r.secret_hash for r in rows}) == 2
    checker = TokenChecker(kb)
    assert checker.check(one) is not None and checker.check(one + "x") is None
    assert checker.check(one[:-1] + ("A" if one[-1] != "A" else "B")) is None
    assert checker.check("um_" + one.split("_")[1] + "_" + two.split("_", 2)[2]) is None


def test_revoked_and_expired_tokens_are_refused_at_once(
        small: tuple[KnowledgeBase, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import unmask.store.accounts as accounts

    kb, _ = small
    secret, _ = add_token(kb, "leaky", role="reader", max_tlp="green")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    short, _ = add_token(kb, "short", role="reader", max_tlp="green", expires=soon)
    with _app(kb, max_tlp="green", accounts=True) as client:
        assert client.get("/api/v1/stats", headers=_bearer(secret)).status_code == 200
        assert client.get("/api/v1/stats", headers=_bearer(short)).status_code == 200
        assert revoke_token(kb, "leaky") == 1  # as `unmask token revoke` in another process
        refused = client.get("/api/v1/stats", headers=_bearer(secret))
        assert refused.status_code == 401 and refused.json()["error"]["type"] == "Unauthorized"
        # Basic with the token as the password, as TAXII clients send it, is refused too.
        assert client.get("/taxii2/", auth=("x", secret), headers=_ACCEPT).status_code == 401
        with open_kb(kb.engine.url.render_as_string(hide_password=False)) as other:
            other_state = {t.name: t.state() for t in tokens(other)}  # another process's view
        assert other_state == {"leaky": "revoked", "short": "active"}
        assert client.get("/api/v1/stats", headers=_bearer(short)).status_code == 200
        monkeypatch.setattr(accounts, "_now", lambda: soon)
        assert client.get("/api/v1/stats", headers=_bearer(short)).status_code == 401
        assert client.get("/api/v1/stats").status_code == 401
        assert client.get("/api/v1/stats", headers=_bearer("um_nothing_here")).status_code == 401


def test_roles(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    kb, _ = small
    keys = {role: add_token(kb, role, role=role, max_tlp="green")[0]
            for role in ("reader", "analyst", "admin")}
    body = {"content": b"APT29 used PowerShell.", "headers": {"Content-Type": "text/plain"}}
    with _app(kb, max_tlp="green", accounts=True, token="server-secret") as client:
        def status(method: str, path: str, who: str, **extra: Any) -> int:
            key = "server-secret" if who == "server" else keys[who]
            headers = {**extra.pop("headers", {}), **_bearer(key)}
            return int(client.request(method, path, headers=headers, **extra).status_code)

        assert status("POST", "/api/v1/analyze", "reader", **body) == 403
        assert status("POST", "/api/v1/analyze", "analyst", **body) == 200
        for who in ("reader", "analyst"):
            assert status("GET", "/api/v1/admin/audit", who) == 403
            assert status("GET", "/api/v1/admin/tokens", who) == 403
        for who in ("admin", "server"):  # --token keeps working, as an admin
            assert status("GET", "/api/v1/admin/tokens", who) == 200
            assert status("POST", "/api/v1/analyze", who, **body) == 200
        assert status("GET", "/api/v1/stats", "reader") == 200
        listed = client.get("/api/v1/admin/tokens", headers=_bearer(keys["admin"])).json()["tokens"]
        assert {t["name"] for t in listed} == {"reader", "analyst", "admin"}
        assert not any(keys[t["name"]] in json.dumps(t) for t in listed)
        denied = client.post("/api/v1/analyze", headers=_bearer(keys["reader"]), content=b"x")
        assert denied.json()["error"]["type"] == "Forbidden"


# -- audit -------------------------------------------------------------------------------

def test_audit_records_restricted_reads_and_writes_only(
        small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    kb, hashes = small
    amber, _ = add_token(kb, "carol", role="analyst", max_tlp="amber")
    clear, _ = add_token(kb, "dave", role="reader", max_tlp="clear")
    with _app(kb, max_tlp="red", accounts=True) as client:
        before = audit_count(kb)
        for _ in range(20):  # CLEAR content: nothing written, however often it is read
            assert client.get("/api/v1/reports", headers=_bearer(clear)).status_code == 200
            assert client.get(f"/api/v1/reports/{hashes['clear']}", headers=_bearer(amber)).status_code == 200
            assert client.get("/api/v1/stats", headers=_bearer(amber)).status_code == 200
        assert client.get("/api/v1/stats").status_code == 401  # nobody: nothing written
        client.app.state.audit_log.flush()
        assert audit_count(kb) == before
        assert client.get(f"/api/v1/reports/{hashes['amber']}", headers=_bearer(amber)).status_code == 200
        assert client.get("/reports/" + hashes["green"], headers=_bearer(amber)).status_code == 200
        assert client.post("/api/v1/analyze", headers=_bearer(amber), content=b"APT29").status_code == 200
        assert client.post("/api/v1/analyze", headers=_bearer(clear), content=b"APT29").status_code == 403
    entries = audit_entries(kb)
    assert [(e.token, e.method, e.route, e.status, e.tlp) for e in entries] == [
        ("carol", "GET", f"/api/v1/reports/{hashes['amber']}", 200, "amber"),
        ("carol", "GET", f"/reports/{hashes['green']}", 200, "green"),
        ("carol", "POST", "/api/v1/analyze", 200, None),
        ("dave", "POST", "/api/v1/analyze", 403, None),
    ]
    assert entries[0].objects == (f"report:{hashes['amber']}",)
    assert entries[0].client == "testclient" and entries[0].role == "analyst"
    since = audit_entries(kb, since=entries[2].at)
    assert [e.route for e in since] == ["/api/v1/analyze"] * 2
    assert [e.token for e in audit_entries(kb, token="dave")] == ["dave"]


def test_audit_route_and_command(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    from unmask.cli.app import app

    kb, hashes = small
    admin, _ = add_token(kb, "erin", role="admin", max_tlp="green")
    amber, _ = add_token(kb, "frank", role="reader", max_tlp="amber")
    with _app(kb, max_tlp="amber", accounts=True) as client:
        assert client.get(f"/api/v1/reports/{hashes['amber']}", headers=_bearer(amber)).status_code == 200
        shown = client.get("/api/v1/admin/audit", headers=_bearer(admin)).json()["entries"]
    assert [(e["token"], e["tlp"]) for e in shown] == [("frank", "amber")]
    # A GREEN admin learns that an AMBER read happened, not which report it was.
    assert hashes["amber"] not in json.dumps(shown)
    url = kb.engine.url.render_as_string(hide_password=False)
    listed = CliRunner().invoke(app, ["audit", "--db", url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["entries"][0]["objects"] == [f"report:{hashes['amber']}"]


def test_audit_entries_are_bounded(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    kb, _ = small
    many = tuple(f"report:{i:064x}" for i in range(MAX_AUDIT_OBJECTS * 3))
    record_audit(kb, AuditEntry(dt.datetime.now(dt.UTC), "x" * 300, "reader", "GET",
                                "/" + "a" * 2000, 200, "green", many, "c" * 200))
    (entry,) = audit_entries(kb)
    assert len(entry.objects) == MAX_AUDIT_OBJECTS + 1 and entry.objects[-1].endswith("more")
    assert len(entry.route) == 500 and len(entry.token) == 100


# -- the command line --------------------------------------------------------------------

def test_token_commands(tmp_path: Any) -> None:
    from unmask.cli.app import app

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(app, ["token", "add", "grace", "--role", "analyst", "--max-tlp", "amber",
                                "--expires", "2999-01-01", "--db", url])
    assert added.exit_code == 0, added.output
    secret = added.stdout.strip()
    assert secret.startswith("um_") and "\n" not in secret
    again = runner.invoke(app, ["token", "add", "grace", "--db", url])
    assert again.exit_code == 2  # an active token has that name
    assert runner.invoke(app, ["token", "add", "x", "--role", "root", "--db", url]).exit_code == 2
    assert runner.invoke(app, ["token", "add", "x", "--max-tlp", "pink", "--db", url]).exit_code == 2
    assert runner.invoke(app, ["token", "add", "x", "--expires", "2001-01-01", "--db", url]).exit_code == 2
    listed = runner.invoke(app, ["token", "list", "--db", url, "--format", "json"])
    (info,) = json.loads(listed.stdout)["tokens"]
    assert (info["name"], info["role"], info["max_tlp"], info["state"]) == ("grace", "analyst", "amber", "active")
    assert info["expires_at"].startswith("2999-01-01T00:00:00")
    assert secret not in listed.stdout and secret.split("_", 2)[2] not in listed.stdout
    with open_kb(url) as kb:
        principal = TokenChecker(kb).check(secret)
    assert principal is not None and (principal.name, principal.role, principal.max_tlp) == (
        "grace", "analyst", "amber")
    assert runner.invoke(app, ["token", "revoke", "grace", "--db", url]).exit_code == 0
    assert runner.invoke(app, ["token", "revoke", "grace", "--db", url]).exit_code == 1
    with open_kb(url) as kb:
        assert TokenChecker(kb).check(secret) is None
    text = runner.invoke(app, ["token", "list", "--db", url])
    assert "revoked" in text.stdout


def test_a_base_with_tokens_needs_one(small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    kb, _ = small
    with _app(kb, max_tlp="green") as open_server:
        assert open_server.get("/api/v1/stats").status_code == 200
    secret, _ = add_token(kb, "henry", role="reader", max_tlp="green")
    with _app(kb, max_tlp="green") as guarded:  # accounts found in the base at start
        assert guarded.get("/api/v1/stats").status_code == 401
        assert guarded.get("/api/v1/stats", headers=_bearer(secret)).status_code == 200
        assert guarded.get("/api/v1/stats", headers={"Host": "evil.example", **_bearer(secret)}
                           ).status_code == 200  # with tokens, the Host is not checked


def test_migration_0006_adds_and_drops_the_account_tables(tmp_path: Any) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from unmask.store.engine import current_revision

    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_kb(url) as kb:
        add_token(kb, "ivy", role="reader", max_tlp="green")
        assert {"serve_tokens", "serve_audit"} <= set(inspect(kb.engine).get_table_names())
        config = Config()
        config.set_main_option("script_location", "unmask.store:migrations")
        with kb.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0005")
        assert current_revision(kb.engine) == "0005"
        assert not inspect(kb.engine).has_table("serve_tokens")
    with open_kb(url) as kb:  # opening upgrades again; the token went with its table
        assert tokens(kb) == [] and audit_entries(kb) == []


def test_serve_on_a_network_address_accepts_the_bases_tokens(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from unmask.cli.app import app

    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda application, **_: started.append(application))
    monkeypatch.delenv("UNMASK_SERVE_TOKEN", raising=False)
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    runner = CliRunner()
    with open_kb(url) as kb:
        from unmask.documents import parse_bytes
        from unmask.pipeline import analyze

        kb.add_analysis(analyze(parse_bytes(GREEN_APT29.encode(), source="a.txt")), tlp="green")
    refused = runner.invoke(app, ["serve", "--db", url, "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "unmask token add" in refused.stderr and not started
    secret = runner.invoke(app, ["token", "add", "judy", "--db", url]).stdout.strip()
    served = runner.invoke(app, ["serve", "--db", url, "--host", "0.0.0.0"])
    assert served.exit_code == 0 and "token required" in served.stderr, served.output
    from fastapi.testclient import TestClient

    with TestClient(started[0], base_url=LOCAL) as client:
        assert client.get("/api/v1/stats").status_code == 401
        assert client.get("/api/v1/stats", headers=_bearer(secret)).status_code == 200


def test_a_checked_token_is_trusted_for_recheck_seconds_only(
        small: tuple[KnowledgeBase, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import unmask.store.accounts as accounts

    kb, _ = small
    clock = [1000.0]
    now = [dt.datetime(2026, 12, 1, tzinfo=dt.UTC)]
    monkeypatch.setattr(accounts.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(accounts, "_now", lambda: now[0])
    secret, _ = add_token(kb, "kim", role="reader", max_tlp="green",
                          expires=dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    checker = TokenChecker(kb, recheck=5)
    assert checker.cached(secret) == (False, None)  # never seen: the base is asked
    principal = checker.check(secret)
    assert principal is not None and checker.cached(secret) == (True, principal)
    assert checker.cached(secret + "x") == (False, None)  # another secret: asked again
    assert checker.cached("not-a-token") == (True, None)
    revoke_token(kb, "kim")  # by another process: seen once recheck seconds passed
    clock[0] += 4
    assert checker.cached(secret) == (True, principal)
    clock[0] += 2
    assert checker.cached(secret) == (False, None) and checker.check(secret) is None
    assert checker.cached(secret) == (True, None)
    other, _ = add_token(kb, "lee", role="reader", max_tlp="green",
                         expires=dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    assert checker.check(other) is not None
    now[0] = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)  # the expiry holds at once, cached or not
    assert checker.cached(other) == (True, None) and checker.check(other) is None


def test_the_audit_log_writes_behind_the_answers(
        small: tuple[KnowledgeBase, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import unmask.store.accounts as accounts

    kb, _ = small

    def entry(i: int) -> AuditEntry:
        return AuditEntry(dt.datetime.now(dt.UTC), f"t{i}", "reader", "GET", f"/r/{i}", 200, "green")

    log = AuditLog(kb, interval=0.05, batch=1000, limit=5)
    log.add(entry(0))
    deadline = time.monotonic() + 10
    while audit_count(kb) == 0 and time.monotonic() < deadline:  # the thread's interval
        time.sleep(0.02)
    assert [e.token for e in audit_entries(kb)] == ["t0"]
    failing = [True]
    real = accounts.record_audit

    def flaky(kb_: KnowledgeBase, entries: Any) -> None:
        if failing[0]:
            raise accounts.StoreError("read-only")
        real(kb_, entries)

    monkeypatch.setattr(accounts, "record_audit", flaky)
    for i in range(1, 9):
        log.add(entry(i))
    log.flush()  # fails: kept, the oldest beyond the limit dropped
    assert audit_count(kb) == 1 and log.dropped == 3
    failing[0] = False
    log.close()
    assert [e.token for e in audit_entries(kb)] == ["t0", "t4", "t5", "t6", "t7", "t8"]


def test_the_role_rule_is_one_function_of_method_and_path(
        small: tuple[KnowledgeBase, dict[str, str]]) -> None:
    from unmask.serve.app import needed_role

    assert needed_role("GET", "/taxii2/api/collections/") == "reader"
    assert needed_role("HEAD", "/api/v1/reports") == "reader"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert needed_role(method, "/taxii2/api/collections/x/objects/") == "analyst"
    assert needed_role("GET", "/api/v1/admin/audit") == "admin"
    assert needed_role("GET", "/api/v1/administrators") == "reader"
    kb, _ = small
    reader, _ = add_token(kb, "mia", role="reader", max_tlp="green")
    with _app(kb, max_tlp="green", accounts=True) as client:
        pushed = client.post("/taxii2/api/collections/x/objects/", auth=("mia", reader),
                             headers={**_ACCEPT, "Content-Type": "application/taxii+json;version=2.1"},
                             content=b'{"objects": []}')
        assert pushed.status_code == 403
        assert pushed.headers["content-type"].startswith("application/taxii+json")
        assert pushed.json()["title"] == "Forbidden"
