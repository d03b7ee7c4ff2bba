"""Web pages: content, escaping of hostile report text, CSP, the TLP ceiling, auth."""

from __future__ import annotations

import base64
import re
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
    assert "green-apt29.txt" in html and GREEN_DOMAIN in html and "T1059.001" in html
    assert "notes/green-apt29.txt" not in html  # the file name, not the ingesting machine's folders
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


# --- the workbench pages: matrix, timeline, names, targets, report highlights, compare ----
def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_actor_matrix_cells_link_to_their_evidence(client: Any) -> None:
    html = _page(client, "/actors/APT29")
    cells = re.findall(r'<a class="cell heat-(\d)[^"]*" href="#t-([^"]+)"', html)
    assert ("T1059.001" in {t for _, t in cells}) and all(int(h) >= 1 for h, _ in cells)
    ids = _ids(html)
    assert all(f"t-{t}" in ids for _, t in cells)  # every cell leads to its evidence row
    # tactics are columns in kill-chain order
    heads = re.findall(r'<div class="tactic"><h3>([^<]+)</h3>', html)
    assert heads[0] == "Reconnaissance" and heads[3] == "Execution" and heads[-1] == "Impact"
    assert len(heads) == 14
    # the evidence row's quotes open the report at the highlighted span
    row = html[html.index('id="t-T1059.001"'):]
    row = row[: row.index("</tr>")]
    href = re.search(r'href="(/reports/[0-9a-f]{64}#span-\d+-\d+)"', row)
    assert href is not None
    path, anchor = href.group(1).split("#")
    assert f'id="{anchor}"' in _page(client, path)


def test_matrix_holds_the_navigator_layers_techniques(client: Any) -> None:
    """The heatmap and the downloadable layer are the same data: the same techniques,
    coloured by the layer's score (share of reports)."""
    html = _page(client, "/actors/APT41")
    layer = client.get("/api/v1/actors/G0096/export?format=navigator").json()
    scores = {t["techniqueID"]: t["score"] for t in layer["techniques"]}
    cells = {t: int(h) for h, t in re.findall(r'<a class="cell heat-(\d)[^"]*" href="#t-([^"]+)"', html)}
    assert set(cells) == set(scores)
    from unmask.serve.charts import heat

    assert all(cells[t] == heat(s) for t, s in scores.items())
    assert 'download="G0096-navigator-layer.json"' in html
    assert 'href="/api/v1/actors/G0096/export?format=navigator"' in html


def test_full_matrix_shows_unseen_techniques_without_links(client: Any) -> None:
    html = _page(client, "/actors/APT29?matrix=all")
    assert html.count('class="cell heat-0') > 150  # every active technique of each tactic
    assert 'href="#t-T1059.001"' in html
    assert _page(client, "/actors/APT29?matrix=bogus", 400)


def test_actor_matrix_obeys_the_ceiling(client: Any, amber_client: Any) -> None:
    """A technique only an amber report shows (scheduled tasks) is no cell at green."""
    green = _page(client, "/actors/APT29")
    amber = _page(amber_client, "/actors/APT29")
    assert 'href="#t-T1053.005"' in amber and "T1053.005" not in green


def test_actor_timeline_and_names_graph(client: Any, base: Base) -> None:
    html = _page(client, "/actors/APT41")
    timeline = html[html.index('<svg class="chart timeline"'):]
    timeline = timeline[: timeline.index("</svg>")]
    assert "<circle" in timeline or "<rect" in timeline
    assert f'href="/reports/{base.hashes["apt41-campaign"]}' in timeline
    names = html[html.index('<svg class="chart names"'):]
    names = names[: names.index("</svg>")]
    assert "Wicked Panda" in names and "ATT&amp;CK" in names
    # Winnti is claimed for APT41 and for the Winnti Group: contested, and said so
    assert re.search(r'<g class="name contested[^"]*"><title>Winnti\b', names)
    assert "Contested names" in html


def test_actor_targets_are_bar_charts(client: Any) -> None:
    html = _page(client, "/actors/Volt%20Typhoon")
    bars = re.findall(r'<rect class="bar" x="\d+" y="[\d.]+" width="([\d.]+)"', html)
    assert bars and max(float(w) for w in bars) > 0
    assert "<figcaption>Sectors" in html or "<figcaption>Countries" in html


def test_actor_indicators_filter_and_page(client: Any) -> None:
    every = _page(client, "/actors/APT29")
    rows = re.findall(r"<tr><td>(\w+)</td><td class=\"mono\"><a href=\"/indicators/", every)
    assert len(rows) >= 2 and len(set(rows)) >= 2
    only = _page(client, "/actors/APT29?type=domain")
    kept = re.findall(r"<tr><td>(\w+)</td><td class=\"mono\"><a href=\"/indicators/", only)
    assert kept and set(kept) == {"domain"} and GREEN_DOMAIN in only
    second = _page(client, "/actors/APT29?offset=1")
    assert len(re.findall(r"<tr><td>\w+</td><td class=\"mono\"><a href=\"/indicators/", second)) == len(rows) - 1
    assert "← previous" in second and f"2–{len(rows)} of {len(rows)}" in second
    assert "None of this type" in _page(client, "/actors/APT29?type=no-such-type")


def _text_of(article: str) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", article))


def _article(html: str) -> str:
    start = html.index('<article class="report-text"')
    start = html.index(">", start) + 1
    return html[start: html.index("</article>", start)]


def test_report_text_is_whole_with_every_finding_marked(client: Any, kb: Any, base: Base) -> None:
    sha = base.hashes["green-apt29"]
    html = _page(client, f"/reports/{sha}")
    article = _article(html)
    analysis = kb.get_analysis(sha)
    assert _text_of(article) == analysis.document.text  # nothing lost, nothing added
    ids = _ids(article)
    for mention in (*analysis.observables, *analysis.techniques, *analysis.actors):
        assert f"span-{mention.span.start}-{mention.span.end}" in ids
    # the side list jumps to those anchors
    jumps = re.findall(r'<a class="jump" href="#(span-\d+-\d+)">', html)
    assert jumps and set(jumps) <= ids
    assert '<mark class="k-technique' in article and "k-actor" in article and "k-indicator" in article


def test_report_kind_filter(client: Any, base: Base) -> None:
    html = _page(client, f"/reports/{base.hashes['green-apt29']}?kind=technique")
    marks = re.findall(r'<mark class="([^"]+)"', _article(html))
    assert marks and all(m == "k-technique" for m in marks)
    assert 'href="/reports/' + base.hashes["green-apt29"] + '?kind=actor"' in html


def test_hostile_report_text_stays_text_when_highlighted(client: Any, base: Base) -> None:
    html = _page(client, f"/reports/{base.hashes['hostile']}")
    article = _article(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in article and "<img" not in article
    # only our own elements are in the text: marks and anchors
    assert set(re.findall(r"<(\w+)", article)) <= {"mark", "span"}


def test_pieces_split_overlapping_spans_into_well_formed_marks() -> None:
    from unmask.model import Page
    from unmask.serve.highlight import Finding, pieces

    text = "APT29 used evil.example.com/a for C2 in 2024."
    findings = [
        Finding("event", "campaign 2024", "", 0, len(text)),  # the whole sentence
        Finding("actor", "APT29", "", 0, 5),
        Finding("indicator", "url", "", 11, 29),
        Finding("indicator", "domain", "", 11, 27),  # inside the URL
        Finding("technique", "T1071", "", 25, 36),  # crosses the URL's end
        Finding("target", "nothing", "", 60, 70),  # past the end: dropped
    ]
    out = pieces(text, findings, (Page(1, 0, 20), Page(2, 20, len(text))))
    assert "".join(p.text for p in out) == text
    by_start = {}
    at = 0
    for p in out:
        by_start[at] = p
        at += len(p.text)
    assert by_start[0].kinds == ("actor", "event") and by_start[0].anchors == ("span-0-45", "span-0-5")
    assert by_start[11].kinds == ("indicator", "event") and by_start[11].anchors == ("span-11-29", "span-11-27")
    assert by_start[25].kinds == ("indicator", "technique", "event")
    assert by_start[29].kinds == ("technique", "event")
    assert by_start[20].page == 2 and by_start[0].page == 1
    assert all(p.kinds == ("event",) for s, p in by_start.items() if s == 36)


def test_pdf_report_shows_page_numbers(tmp_path: Any) -> None:
    from fastapi.testclient import TestClient

    from tests.documents.pdfs import make_pdf
    from unmask.documents import parse_bytes
    from unmask.pipeline import analyze
    from unmask.serve import create_app
    from unmask.store import open_kb

    pdf = make_pdf(["APT29 report, first page.\nNothing to see here.",
                    "On the second page APT29 used PowerShell and beaconed to\n"
                    "update-check-cdn[.]top over HTTPS."])
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        sha = kb.add_analysis(analyze(parse_bytes(pdf, source="notes/two-pages.pdf")), tlp="clear").sha256
        with TestClient(create_app(kb), base_url="http://localhost") as pdf_client:
            html = _page(pdf_client, f"/reports/{sha}")
    assert "2 page(s)" in html
    assert 'id="page-1" data-page="1"' in html and 'id="page-2" data-page="2"' in html
    domain = html[html.index(f">{GREEN_DOMAIN}</a>"):]
    assert domain[: domain.index("</li>")].count("p. 2") == 1


def test_compare_two_actors(client: Any) -> None:
    html = _page(client, "/actors/compare?a=APT29&b=APT41")
    assert "Shared techniques" in html and "T1059.001" in html
    infra = html[html.index('id="infrastructure"'):]
    assert f'href="/indicators/{quote(GREEN_DOMAIN, safe="")}"' in infra
    assert SECRET_DOMAIN not in html
    assert "Compare with" in _page(client, "/actors/APT29")  # the actor page links to it
    assert "<form" in _page(client, "/actors/compare")
    _page(client, "/actors/compare?a=APT29&b=Sandworm", 404)  # Sandworm is only amber


def test_compare_finds_names_both_actors_are_known_by() -> None:
    from unmask.serve.web import _comparison
    from unmask.store import ActorProfile, NamedStat

    def profile(actor_id: str, written: str) -> ActorProfile:
        return ActorProfile(actor_id, actor_id, 1, None, None, (NamedStat("name", written, 1, 1),),
                            (), (), (), (), 0, (), (), (), ())

    # "Winnti" is an APT41 name in the galaxies, and written for the Winnti Group here
    shared = _comparison(profile("G0096", "Wicked Panda"), profile("G0044", "Winnti"))
    assert "Winnti" in shared["names"] and "Wicked Panda" not in shared["names"]


def test_pieces_cover_the_text_exactly_whatever_the_spans() -> None:
    """Any spans (overlapping, nested, empty, past the end) and pages: the pieces give the
    text back unchanged, and each piece carries exactly the kinds of the spans over it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from unmask.model import Page
    from unmask.serve.highlight import KINDS, Finding, pieces

    kinds = [k for k, _ in KINDS]
    spans = st.lists(st.tuples(st.sampled_from(kinds), st.integers(0, 60), st.integers(0, 60)), max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(st.text(max_size=50), spans, st.lists(st.integers(0, 60), max_size=4))
    def check(text: str, raw: list[tuple[str, int, int]], page_starts: list[int]) -> None:
        findings = [Finding(k, k, "", min(a, b), max(a, b)) for k, a, b in raw]
        starts = sorted({0, *page_starts})
        pages = tuple(Page(i + 1, s, e) for i, (s, e) in enumerate(zip(starts, [*starts[1:], 10**6], strict=True)))
        out = pieces(text, findings, pages)
        assert "".join(p.text for p in out) == text
        at = 0
        for piece in out:
            assert piece.text
            covering = {f.kind for f in findings if f.start <= at < min(f.end, len(text))}
            assert set(piece.kinds) == covering
            at += len(piece.text)

    check()
