"""REST API: every endpoint's answer and errors, seen through the TLP ceiling."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.export.checks import stix_problems

from .conftest import GREEN_DOMAIN, GREEN_URL, SECRET_DOMAIN, SECRET_WORD, Base

pytestmark = pytest.mark.filterwarnings("error")


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"type", "message", "source"}
    return dict(body["error"])


def test_stats_count_only_visible_reports(client: Any, amber_client: Any, kb: Any) -> None:
    from fastapi.testclient import TestClient

    from unmask.serve import create_app

    green = client.get("/api/v1/stats").json()
    amber = amber_client.get("/api/v1/stats").json()
    assert green["max_tlp"] == "green" and green["reports"] == 5 and amber["reports"] == 7
    # Row counts would count hidden rows, and showing them only when nothing is hidden
    # would tell that something is: below TLP:RED they are never shown.
    assert "tables" not in green and "tables" not in amber
    with TestClient(create_app(kb, max_tlp="red"), base_url="http://localhost") as red:
        assert red.get("/api/v1/stats").json()["tables"]["documents"] == 7


def test_actors_page_and_hide_actors_known_only_above_the_ceiling(client: Any, amber_client: Any) -> None:
    body = client.get("/api/v1/actors", params={"limit": 2}).json()
    assert body["limit"] == 2 and body["offset"] == 0 and len(body["actors"]) == 2
    everyone = client.get("/api/v1/actors", params={"limit": 500}).json()
    ids = [a["actor_id"] for a in everyone["actors"]]
    assert everyone["total"] == len(ids) and "G0034" not in ids  # Sandworm: amber only
    apt29 = next(a for a in everyone["actors"] if a["actor_id"] == "G0016")
    assert apt29["reports"] == 1  # the amber report is not counted
    walked = []
    for offset in range(0, everyone["total"], 2):
        walked += [a["actor_id"] for a in client.get(
            "/api/v1/actors", params={"limit": 2, "offset": offset}).json()["actors"]]
    assert walked == ids
    amber_ids = [a["actor_id"] for a in amber_client.get("/api/v1/actors").json()["actors"]]
    assert "G0034" in amber_ids


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "x"}, {"offset": -1}])
def test_actors_bad_paging_is_a_400(client: Any, params: dict[str, Any]) -> None:
    assert _error(client.get("/api/v1/actors", params=params), 400)["type"] == "ValidationError"


def test_actor_profile_by_any_name_without_hidden_reports(client: Any, amber_client: Any) -> None:
    profile = client.get("/api/v1/actors/Cozy Bear").json()
    assert profile["actor_id"] == "G0016" and profile["report_count"] == 1
    assert client.get("/api/v1/actors/g0016").json()["actor_id"] == "G0016"
    text = json.dumps(profile)
    assert SECRET_DOMAIN not in text and "amber" not in text and GREEN_DOMAIN in text
    full = amber_client.get("/api/v1/actors/APT29").json()
    assert full["report_count"] == 2 and SECRET_DOMAIN in json.dumps(full)


def test_unknown_and_hidden_actors_are_404(client: Any) -> None:
    assert _error(client.get("/api/v1/actors/NoSuchGroup"), 404)["type"] == "NotFound"
    _error(client.get("/api/v1/actors/Sandworm"), 404)
    _error(client.get("/api/v1/actors/Sandworm/export"), 404)


def test_actor_export_stix_validates_and_leaves_hidden_reports_out(client: Any) -> None:
    response = client.get("/api/v1/actors/APT29/export", params={"format": "stix"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/stix+json")
    assert stix_problems(response.text, types=False) == []
    assert SECRET_DOMAIN not in response.text and GREEN_DOMAIN in response.text
    reports = [o for o in json.loads(response.text)["objects"] if o["type"] == "report"]
    assert len(reports) == 1


@pytest.mark.parametrize(("fmt", "media"), [("misp", "application/json"), ("navigator", "application/json"),
                                            ("markdown", "text/markdown"), ("csv", "text/csv")])
def test_actor_export_other_formats(client: Any, fmt: str, media: str) -> None:
    response = client.get("/api/v1/actors/APT29/export", params={"format": fmt})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert SECRET_DOMAIN not in response.text


def test_actor_export_unknown_format_is_400(client: Any) -> None:
    assert "choose from" in _error(client.get("/api/v1/actors/APT29/export", params={"format": "pdf"}), 400)["message"]


def test_indicator_defanged_and_with_slashes(client: Any) -> None:
    found = client.get(f"/api/v1/indicators/{GREEN_DOMAIN.replace('.', '[.]')}").json()
    assert found["value"] == GREEN_DOMAIN and found["report_count"] == 2
    url = client.get("/api/v1/indicators/" + quote(GREEN_URL.replace("https", "hxxps"), safe=""))
    assert url.status_code == 200 and url.json()["value"] == GREEN_URL


def test_indicator_seen_only_above_the_ceiling_is_404(client: Any, amber_client: Any) -> None:
    _error(client.get(f"/api/v1/indicators/{SECRET_DOMAIN}"), 404)
    _error(client.get("/api/v1/indicators/never-seen.example"), 404)
    assert amber_client.get(f"/api/v1/indicators/{SECRET_DOMAIN}").json()["report_count"] == 2


def test_search_hides_reports_above_the_ceiling(client: Any, amber_client: Any) -> None:
    assert client.get("/api/v1/search", params={"q": SECRET_WORD}).json()["hits"] == []
    assert len(amber_client.get("/api/v1/search", params={"q": SECRET_WORD}).json()["hits"]) == 2
    hits = client.get("/api/v1/search", params={"q": "PowerShell", "limit": 1}).json()["hits"]
    assert len(hits) == 1 and hits[0]["report"]["tlp"] in {"clear", "green"}


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x", "limit": 0}, {"q": "x", "limit": 101}])
def test_search_bad_queries_are_400(client: Any, params: dict[str, Any]) -> None:
    _error(client.get("/api/v1/search", params=params), 400)


def test_reports_list_filter_and_page(client: Any, base: Base) -> None:
    listed = client.get("/api/v1/reports", params={"limit": 500}).json()["reports"]
    shas = {r["sha256"] for r in listed}
    assert len(listed) == 5 and base.hashes["amber-apt29"] not in shas
    assert base.hashes["amber-sandworm"] not in shas
    apt29 = client.get("/api/v1/reports", params={"actor": "Cozy Bear"}).json()["reports"]
    assert [r["sha256"] for r in apt29] == [base.hashes["green-apt29"]]
    paged = [client.get("/api/v1/reports", params={"limit": 2, "offset": o}).json()["reports"] for o in (0, 2, 4)]
    assert [r["sha256"] for page in paged for r in page] == [r["sha256"] for r in listed]
    assert client.get("/api/v1/reports", params={"since": "2999-01-01"}).json()["reports"] == []
    _error(client.get("/api/v1/reports", params={"since": "yesterday"}), 400)
    _error(client.get("/api/v1/reports", params={"actor": "Sandworm"}), 404)


def test_report_by_hash_prefix_or_source(client: Any, base: Base) -> None:
    sha = base.hashes["green-apt29"]
    body = client.get(f"/api/v1/reports/{sha[:12]}").json()
    assert body["report"]["sha256"] == sha and body["analysis"]["document"]["sha256"] == sha
    assert client.get("/api/v1/reports/notes/green-apt29.txt").json()["report"]["sha256"] == sha


def test_hidden_or_unknown_report_is_404(client: Any, base: Base) -> None:
    _error(client.get(f"/api/v1/reports/{base.hashes['amber-apt29']}"), 404)
    message = _error(client.get("/api/v1/reports/amber-apt29.txt"), 404)["message"]
    assert base.hashes["amber-apt29"][:12] not in message
    _error(client.get("/api/v1/reports/ffffffffffff"), 404)


def test_analyze_text_and_upload_store_nothing(client: Any) -> None:
    text = "APT28 sent phishing emails linking to login-check[.]top from 45.77.12.10."
    before = client.get("/api/v1/stats").json()["reports"]
    plain = client.post("/api/v1/analyze", content=text.encode(), headers={"content-type": "text/plain"})
    assert plain.status_code == 200, plain.text
    analysis = plain.json()
    assert {o["value"] for o in analysis["observables"]} >= {"login-check.top", "45.77.12.10"}
    assert any(a["id"] == "G0007" for a in analysis["actors"])
    upload = client.post("/api/v1/analyze", files={"file": ("note.txt", text.encode(), "text/plain")})
    assert upload.status_code == 200 and upload.json()["document"]["source"] == "note.txt"
    assert client.get("/api/v1/stats").json()["reports"] == before


def test_analyze_errors(client: Any) -> None:
    assert _error(client.post("/api/v1/analyze", content=b"x" * (64 * 1024 + 1)), 413)["type"] == "TooLargeError"
    big = client.post("/api/v1/analyze", files={"file": ("big.txt", b"y" * (70 * 1024), "text/plain")})
    _error(big, 413)
    _error(client.post("/api/v1/analyze", content=b""), 422)
    _error(client.post("/api/v1/analyze", files={"other": ("a.txt", b"APT28", "text/plain")}), 400)


def test_unknown_path_and_method_keep_the_json_shape(client: Any) -> None:
    _error(client.get("/api/v1/nothing-here"), 404)
    _error(client.delete("/api/v1/stats"), 405)


def test_openapi_lists_the_endpoints(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/actors/{name}", "/api/v1/analyze", "/api/v1/search"} <= set(paths)
