"""Web pages: content, escaping of hostile report text, CSP, the TLP ceiling, auth."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from .conftest import GREEN_DOMAIN, HOSTILE_TITLE, SECRET_DOMAIN, SECRET_WORD, TOKEN, Base


def _page(client: Any, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    return str(response.text)


def test_home_lists_visible_actors_and_stats(client: Any) -> None:
    html = _page(client, "/")
    assert "APT29" in html and "Volt Typhoon" in html and "Sandworm" not in html
    assert 'href="/actors/G0016"' in html and "<script" not in html


def test_actor_page(client: Any) -> None:
    html = _page(client, "/actors/Cozy%20Bear")
    assert "<h1>APT29" in html and GREEN_DOMAIN in html and SECRET_DOMAIN not in html
    assert f'href="/indicators/{quote(GREEN_DOMAIN, safe="")}"' in html
    assert "/api/v1/actors/G0016/export?format=stix" in html
    _page(client, "/actors/Sandworm", 404)
    _page(client, "/actors/nobody", 404)


def test_hostile_title_and_text_are_escaped(client: Any, base: Base) -> None:
    for path in (f"/reports/{base.hashes['hostile']}", "/actors/APT41", "/search?q=VPN",
                 f"/indicators/{GREEN_DOMAIN}"):
        html = _page(client, path)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    report = _page(client, f"/reports/{base.hashes['hostile']}")
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; APT41 &amp; friends" in report
    assert HOSTILE_TITLE not in report


def test_report_page(client: Any, base: Base) -> None:
    html = _page(client, f"/reports/{base.hashes['green-apt29'][:10]}")
    assert "notes/green-apt29.txt" in html and GREEN_DOMAIN in html and "T1059.001" in html
    _page(client, f"/reports/{base.hashes['amber-apt29']}", 404)


def test_indicator_page(client: Any) -> None:
    html = _page(client, f"/indicators/{GREEN_DOMAIN.replace('.', '[.]')}")
    assert "2 report(s)" in html and "APT29" in html
    _page(client, f"/indicators/{SECRET_DOMAIN}", 404)


def test_search_page(client: Any, amber_client: Any) -> None:
    html = _page(client, "/search?q=PowerShell")
    assert "<mark>PowerShell</mark>" in html
    # Hits name their actors (report rows hold ids).
    assert '<a href="/actors/G0016">APT29</a>' in html
    assert "Nothing matches" in _page(client, f"/search?q={SECRET_WORD}")
    assert "<mark>" + SECRET_WORD in _page(amber_client, f"/search?q={SECRET_WORD}")
    assert "<mark>" not in _page(client, "/search?q=")


def test_bad_query_is_an_html_400(client: Any) -> None:
    assert "400" in _page(client, "/?offset=-1", 400)


def test_token_guards_pages_but_not_the_style_sheet(locked_client: Any) -> None:
    denied = locked_client.get("/")
    assert denied.status_code == 401 and denied.headers["content-type"].startswith("text/html")
    # One challenge per header line in every area: Chromium ignores a Basic challenge
    # followed by another in the same header, and would never ask for the password.
    for path in ("/", "/api/v1/stats", "/taxii2/"):
        challenges = locked_client.get(path).headers.get_list("WWW-Authenticate")
        assert challenges == ['Basic realm="unmask"', "Bearer"], path
    style = locked_client.get("/static/style.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    basic = base64.b64encode(f"me:{TOKEN}".encode()).decode()
    assert locked_client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200
    assert locked_client.get("/api/v1/stats").status_code == 401
    assert locked_client.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_api_reference_lists_every_endpoint_offline(client: Any) -> None:
    html = _page(client, "/api-reference")
    schema = client.get("/api/openapi.json").json()
    for path in schema["paths"]:
        assert path in html, path
    assert "offset" in html  # parameters are listed
    # Nothing is loaded from elsewhere (Swagger UI would come from a CDN).
    assert "<script" not in html and "cdn" not in html.lower()
    assert client.get("/api/docs").status_code == 404
