"""The OpenAPI document: typed answers for every REST route, the error shape, the
security schemes, the export's media types; and every route's real answer checked
against the schema the document gives for it (quick and deterministic, beside the
schemathesis run in test_openapi_schemathesis.py)."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

import pytest

from unmask.store import KnowledgeBase

from .conftest import GREEN_DOMAIN, LOCAL, TOKEN

jsonschema = pytest.importorskip("jsonschema")

_METHODS = {"get", "post", "put", "patch", "delete"}


def _document(kb: KnowledgeBase, **options: Any) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    headers = {"Authorization": f"Bearer {TOKEN}"} if options.get("token") else {}
    with TestClient(create_app(kb, **options), base_url=LOCAL) as client:
        answer = client.get("/api/openapi.json", headers=headers)
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


@pytest.fixture(scope="module")
def document(kb: KnowledgeBase) -> dict[str, Any]:
    return _document(kb)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in document["paths"].items()
            for method, op in ops.items() if method in _METHODS]


def test_every_operation_has_a_typed_answer_and_the_error_shape(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 11
    for method, path, op in operations:
        where = f"{method.upper()} {path}"
        success = [s for s in op["responses"] if s.startswith("2")]
        assert success, where
        for status in success:
            content = op["responses"][status]["content"]
            for media, body in content.items():
                schema = body["schema"]
                # a model ($ref) or a declared shape, never "any JSON"
                assert "$ref" in schema or schema.get("type") in {"object", "string"}, (where, media)
                if media == "application/json" and "export" not in path:
                    assert "$ref" in schema, where
        for status, answer in op["responses"].items():
            if status.startswith(("4", "5")) or status == "default":
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (where, status)
        # the server answers bad parameters with 400 (its error shape), never FastAPI's 422
        assert "400" in op["responses"], where
        if "{" in path:
            assert "404" in op["responses"], where
        if path != "/api/v1/analyze":
            assert "422" not in op["responses"], where
    assert "HTTPValidationError" not in document["components"]["schemas"]
    error = document["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"type", "message", "source"}


def test_security_schemes_only_when_a_token_is_needed(kb: KnowledgeBase, document: dict[str, Any]) -> None:
    assert "securitySchemes" not in document.get("components", {}) and "security" not in document
    locked = _document(kb, token=TOKEN)
    schemes = locked["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {**schemes["bearerToken"], "type": "http", "scheme": "bearer"}
    assert schemes["basicToken"]["scheme"] == "basic"
    assert locked["security"] == [{"bearerToken": []}, {"basicToken": []}]
    assert "401" in locked["paths"]["/api/v1/stats"]["get"]["responses"]


def test_export_declares_every_media_type_it_answers(client: Any, document: dict[str, Any]) -> None:
    op = document["paths"]["/api/v1/actors/{name}/export"]["get"]
    declared = set(op["responses"]["200"]["content"])
    formats = next(p for p in op["parameters"] if p["name"] == "format")["schema"]["enum"]
    assert set(formats) == {"stix", "misp", "navigator", "markdown", "csv"}
    for fmt in formats:
        answer = client.get("/api/v1/actors/APT29/export", params={"format": fmt})
        assert answer.status_code == 200, fmt
        media = answer.headers["content-type"].split(";")[0].strip()
        assert any(d.split(";")[0] == media for d in declared), (fmt, media, declared)


def _validator(document: dict[str, Any], method: str, path: str, status: str,
               media: str = "application/json") -> Any:
    schema = document["paths"][path][method]["responses"][status]["content"][media]["schema"]
    root = {"components": document["components"], **schema}
    return jsonschema.Draft202012Validator(root)


def _check(document: dict[str, Any], method: str, path: str, answer: Any) -> dict[str, Any]:
    status = str(answer.status_code)
    body: dict[str, Any] = answer.json()
    errors = sorted(_validator(document, method, path, status).iter_errors(body), key=str)
    assert not errors, (method, path, status, [e.message[:300] for e in errors[:5]])
    return body


def test_every_route_answers_what_its_schema_says(client: Any, document: dict[str, Any], base: Any) -> None:
    checked = {
        "/api/v1/stats": client.get("/api/v1/stats"),
        "/api/v1/actors": client.get("/api/v1/actors", params={"limit": 500}),
        "/api/v1/search": client.get("/api/v1/search", params={"q": "APT29"}),
        "/api/v1/reports": client.get("/api/v1/reports", params={"limit": 500}),
        "/api/v1/admin/tokens": client.get("/api/v1/admin/tokens"),
        "/api/v1/admin/audit": client.get("/api/v1/admin/audit"),
    }
    for path, answer in checked.items():
        assert answer.status_code == 200, path
        _check(document, "get", path, answer)
    actors = client.get("/api/v1/actors", params={"limit": 500}).json()["actors"]
    assert len(actors) >= 4
    for actor in actors:
        _check(document, "get", "/api/v1/actors/{name}", client.get(f"/api/v1/actors/{actor['actor_id']}"))
    for sha256 in base.hashes.values():
        answer = client.get(f"/api/v1/reports/{sha256}")
        if answer.status_code == 200:  # the amber ones are a 404 (checked below)
            _check(document, "get", "/api/v1/reports/{ref}", answer)
    _check(document, "get", "/api/v1/indicators/{value}",
           client.get(f"/api/v1/indicators/{quote(GREEN_DOMAIN)}"))
    analysed = client.post("/api/v1/analyze", content=b"APT29 used 45.77.12.9 and T1059.001.",
                           headers={"Content-Type": "text/plain"})
    _check(document, "post", "/api/v1/analyze", analysed)
    # errors: the shape every error status declares
    for method, path, answer in (
        ("get", "/api/v1/actors/{name}", client.get("/api/v1/actors/NoSuchActorAnywhere")),
        ("get", "/api/v1/reports/{ref}", client.get(f"/api/v1/reports/{base.hashes['amber-apt29']}")),
        ("get", "/api/v1/actors", client.get("/api/v1/actors", params={"limit": 0})),
        ("get", "/api/v1/actors/{name}/export",
         client.get("/api/v1/actors/APT29/export", params={"format": "pdf"})),
        ("post", "/api/v1/analyze", client.post("/api/v1/analyze", content=b"  ",
                                                headers={"Content-Type": "text/plain"})),
    ):
        assert answer.status_code in {400, 404, 422}, (path, answer.status_code)
        _check(document, method, path, answer)


def test_the_schemas_refuse_what_the_server_does_not_answer(client: Any, document: dict[str, Any]) -> None:
    """The answer schemas are closed: a field no model declares, a wrong type or a
    missing field is an error, so the document cannot drift from the answers."""
    profile = client.get("/api/v1/actors/APT29").json()
    validator = _validator(document, "get", "/api/v1/actors/{name}", "200")
    assert validator.is_valid(profile)
    for change in (
        lambda p: p.update(undeclared=1),
        lambda p: p["reports"][0].update(undeclared=1),
        lambda p: p.update(report_count="1"),
        lambda p: p.pop("techniques"),
        lambda p: p["limits"].update(reports="many"),
    ):
        changed = copy.deepcopy(profile)
        change(changed)
        assert not validator.is_valid(changed)


def test_a_recorded_sighting_answers_what_its_schema_says(base: Any, tmp_path: Any) -> None:
    import shutil

    from fastapi.testclient import TestClient

    from unmask.serve import create_app
    from unmask.store import open_kb

    copy = tmp_path / "kb.sqlite"
    shutil.copyfile(base.url.removeprefix("sqlite:///"), copy)
    with open_kb(f"sqlite:///{copy}") as kb, \
            TestClient(create_app(kb, token=TOKEN), base_url=LOCAL) as locked:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        document = locked.get("/api/openapi.json", headers=headers).json()
        path = "/api/v1/indicators/{value}/sightings"
        body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        sent = {"kind": "false-positive", "why": "our own test host", "count": 2.0, "tlp": "green"}
        assert jsonschema.Draft202012Validator(body).is_valid(sent)
        assert not jsonschema.Draft202012Validator(body).is_valid({"kind": "false-positive"})
        answer = locked.post(f"/api/v1/indicators/{quote(GREEN_DOMAIN)}/sightings", json=sent,
                             headers=headers)
        assert answer.status_code == 201, answer.text
        assert _check(document, "post", path, answer)["count"] == 2
        shown = locked.get(f"/api/v1/indicators/{quote(GREEN_DOMAIN)}", headers=headers)
        assert _check(document, "get", "/api/v1/indicators/{value}", shown)["score"]["status"] == "false-positive"
