"""IOC sweeps over logs: indicators from files and the knowledge base, matching, input, CLI."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import REPO
from unmask.defend.sweep import (
    Indicator,
    IndicatorSet,
    SweepHit,
    sweep_file,
    sweep_lines,
    sweep_text,
)
from unmask.documents.logs import read_log
from unmask.errors import DocumentError, UnmaskError

FIXTURES = REPO / "tests" / "fixtures" / "defend" / "sweep"
KIMSUKY = (("G0094", "Kimsuky"),)


def _set(*items: tuple[str, str]) -> IndicatorSet:
    indicators = IndicatorSet(include_benign=True)
    for type_, value in items:
        assert indicators.add(Indicator(value, type_, KIMSUKY, 3, dt.date(2024, 5, 1), ("test",)))
    return indicators


def _hits(lines: list[str], indicators: IndicatorSet) -> list[tuple[int, str, str]]:
    found = list(sweep_lines(lines, indicators))
    for hit in found:
        assert lines[hit.line - 1][hit.start:hit.end] == hit.text
    return [(h.line, h.text, h.how) for h in found]


# -- matching -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("query evil-news.info A", [("evil-news.info", "exact")]),
        ("query EVIL-NEWS.INFO. A", [("EVIL-NEWS.INFO", "exact")]),
        ("query notevil-news.info", []),
        ("query x-evil-news.info", []),
        ("query evil-news.info.au", []),
        ("query evil-news.infos", []),
        ("query a.b.evil-news.info:443", [("a.b.evil-news.info", "subdomain")]),
        ("mail from bob@evil-news.info", [("evil-news.info", "exact")]),
        ("ends with a dot .evil-news.info", [("evil-news.info", "exact")]),
        ("path /x/evil-news.info/", [("evil-news.info", "exact")]),
    ],
)
def test_domain_boundaries(line: str, expected: list[tuple[str, str]]) -> None:
    assert [(t, h) for _, t, h in _hits([line], _set(("domain", "evil-news.info")))] == expected


def test_a_host_that_is_an_indicator_is_not_also_its_parents_subdomain() -> None:
    indicators = _set(("domain", "evil-news.info"), ("domain", "docs.evil-news.info"))
    assert _hits(["get docs.evil-news.info/a and www.evil-news.info"], indicators) == [
        (1, "docs.evil-news.info", "exact"), (1, "www.evil-news.info", "subdomain")]


@pytest.mark.parametrize(
    ("line", "hit"),
    [
        ("src=10.1.1.1 dst=8.8.8.8", True),
        ("src=110.1.1.12", False),
        ("src=10.1.1.12", False),
        ("src=110.1.1.1", False),
        ("version 2.10.1.1.1", False),
        ("10.1.1.1:443 10.1.1.1.", True),
        ("[10.1.1.1]", True),
        ("::ffff:10.1.1.1", True),
    ],
)
def test_ipv4_boundaries(line: str, hit: bool) -> None:
    assert bool(_hits([line], _set(("ipv4", "10.1.1.1")))) is hit


def test_ipv6_hashes_email_case_insensitive_with_boundaries() -> None:
    indicators = _set(("ipv6", "2A0B:4D07:0001:0002::55"), ("md5", "44D88612FEA8A8F36DE82E1278ABB02F"),
                      ("email", "Interview@Phish-Mail.net"))
    lines = [
        "conn [2a0b:4d07:1:2::55]:443",
        "conn 2a0b:4d07:1:2::556",
        "md5=44d88612fea8a8f36de82e1278abb02f;",
        "md5=44d88612fea8a8f36de82e1278abb02fa",
        "from: INTERVIEW@phish-mail.net",
        "from: my.interview@phish-mail.net",
    ]
    assert _hits(lines, indicators) == [
        (1, "2a0b:4d07:1:2::55", "exact"),
        (3, "44d88612fea8a8f36de82e1278abb02f", "exact"),
        (5, "INTERVIEW@phish-mail.net", "exact"),
    ]


def test_urls_fold_scheme_and_host_not_path() -> None:
    indicators = _set(("url", "hxxps://Login.Evil-News.info/Sign/In.php".replace("hxxps", "https")))
    lines = [
        "GET HTTPS://LOGIN.EVIL-NEWS.INFO/Sign/In.php?u=1 200",
        "GET https://login.evil-news.info/sign/in.php 200",
        "GET login.evil-news.info/Sign/In.php 200",
        "GET https://login.evil-news.info/Sign/In.phpx 200",
        "GET https://xlogin.evil-news.info/Sign/In.php 200",
    ]
    assert _hits(lines, indicators) == [
        (1, "HTTPS://LOGIN.EVIL-NEWS.INFO/Sign/In.php", "exact"),
        (3, "login.evil-news.info/Sign/In.php", "exact"),
    ]


def test_cidr_ranges_nested_and_only_real_addresses() -> None:
    indicators = _set(("ipv4_cidr", "91.200.0.0/16"), ("ipv4_cidr", "91.200.14.0/24"), ("domain", "evil-news.info"))
    lines = ["conn 91.200.14.77 -> 10.0.0.1", "conn 91.200.99.1", "conn 91.201.0.1", "bad 91.200.14.300",
             "ver 1.91.200.14.7"]
    found = list(sweep_lines(lines, indicators))
    assert [(h.line, h.text, h.how, h.value) for h in found] == [
        (1, "91.200.14.77", "in-range", "91.200.0.0/16"),
        (1, "91.200.14.77", "in-range", "91.200.14.0/24"),
        (2, "91.200.99.1", "in-range", "91.200.0.0/16"),
    ]


def test_percent_escaped_lines_are_matched_decoded_with_the_escaped_span() -> None:
    indicators = _set(("domain", "evil-news.info"), ("url", "http://evil-news.info/x"))
    lines = ["GET /r?to=http%3A%2F%2Fevil-news%2Einfo%2Fx HTTP/1.1", "GET /r?to=evil-news.info&a=%20"]
    assert _hits(lines, indicators) == [
        (1, "http%3A%2F%2Fevil-news%2Einfo%2Fx", "exact+url-decoded"),
        (1, "evil-news%2Einfo", "exact+url-decoded"),
        (2, "evil-news.info", "exact"),
    ]


def test_generic_types_use_word_boundaries() -> None:
    indicators = _set(("file_name", "update.exe"), ("registry_key", r"HKCU\Software\Run\Evil"))
    lines = ["proc update.exe started", "proc notupdate.exe", "proc my.update.exe", "proc UPDATE.EXE.bak",
             r"reg hkcu\software\run\evil set"]
    assert _hits(lines, indicators) == [(1, "update.exe", "exact"), (5, r"hkcu\software\run\evil", "exact")]


def test_hit_carries_its_intelligence_and_context() -> None:
    hit = next(iter(sweep_lines(["x " * 100 + "evil-news.info" + " y" * 100], _set(("domain", "evil-news.info")))))
    assert hit.indicator.actors == KIMSUKY and hit.indicator.reports == 3
    assert len(hit.context) == 120 * 2 + len("evil-news.info")
    assert hit.context[hit.start - hit.context_start:][: hit.end - hit.start] == "evil-news.info"
    data = hit.to_dict()
    assert data["span"] == {"start": 200, "end": 214} and data["indicator"]["actors"][0]["id"] == "G0094"


# -- block edges, long lines, bytes ------------------------------------------------------

_PIECES = ["evil-news.info", "a.", "not", "10.1.1.1", "1", ".", " ", "\n", "%2E", "91.200.14.9", "-",
           "https://evil-news.info/p", "x", "\x00", "é"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(min_value=1, max_value=40))
def test_block_size_never_changes_the_hits(pieces: list[str], size: int) -> None:
    indicators = _set(("domain", "evil-news.info"), ("ipv4", "10.1.1.1"), ("ipv4_cidr", "91.200.14.0/24"),
                      ("url", "https://evil-news.info/p"))
    text = "".join(pieces)
    whole = list(sweep_text([text], indicators))
    blocks = [text[i:i + size] for i in range(0, len(text), size)]

    def key(hit: SweepHit) -> tuple[int, int, int, str, str]:
        return (hit.line, hit.start, hit.end, hit.type, hit.value)

    # The same hits; their order may differ where two overlap across a block edge.
    assert sorted(sweep_text(blocks, indicators), key=key) == sorted(whole, key=key)
    lines = text.split("\n")
    for hit in whole:
        assert lines[hit.line - 1][hit.start:hit.end] == hit.text


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=8))
def test_arbitrary_lines_never_raise_and_spans_index_the_line(lines: list[str]) -> None:
    indicators = _set(("domain", "evil-news.info"), ("ipv4", "10.1.1.1"), ("ipv4_cidr", "10.0.0.0/8"),
                      ("md5", "44d88612fea8a8f36de82e1278abb02f"), ("ipv6", "2a0b:4d07::55"))
    lines = [*lines, "evil-news.info 10.2.3.4"]
    for hit in sweep_lines(lines, indicators):
        line = lines[hit.line - 1]
        line = line[:-1] if line.endswith("\n") else line
        assert line.replace("\n", " ")[hit.start:hit.end] == hit.text


def test_long_single_line_is_read_in_blocks(tmp_path: Path) -> None:
    filler = "abc.def 1.2.3 " * 1000
    parts = ["evil-news.info ", filler * 80, " a.evil-news.info ", filler * 150, "10.1.1.1"]
    line = "".join(parts)
    path = tmp_path / "one-line.log"
    path.write_text("first line\n" + line + "\nlast evil-news.info\n", encoding="utf-8")
    assert len(line) > 3 * (1 << 20)
    hits = list(sweep_file(path, _set(("domain", "evil-news.info"), ("ipv4", "10.1.1.1"))))
    assert [(h.line, h.how) for h in hits] == [(2, "exact"), (2, "subdomain"), (2, "exact"), (3, "exact")]
    for hit in hits[:3]:
        assert line[hit.start:hit.end] == hit.text
    assert hits[-1].start == 5


def test_invalid_utf8_nul_bytes_and_crlf_keep_lines_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "junk.log"
    path.write_bytes(b"\xff\xfe\x00bad\r\n\xc3(evil-news.info\r\n\x00\x00 10.1.1.1\n\xe2\x82")
    hits = list(sweep_file(path, _set(("domain", "evil-news.info"), ("ipv4", "10.1.1.1"))))
    assert [(h.line, h.start, h.text) for h in hits] == [(2, 2, "evil-news.info"), (3, 3, "10.1.1.1")]


def test_gzip_is_detected_by_content_and_truncation_is_reported(tmp_path: Path) -> None:
    body = b"".join(b"line %d ok\n" % i for i in range(20000)) + b"hit evil-news.info\n"
    packed = gzip.compress(body)
    path = tmp_path / "proxy.log"  # no .gz suffix: the magic bytes decide
    path.write_bytes(packed)
    hits = list(sweep_file(path, _set(("domain", "evil-news.info"))))
    assert [(h.line, h.start) for h in hits] == [(20001, 4)]
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(gzip.compress(b"evil-news.info first\n" + b"x" * 300000)[:-40])
    seen: list[SweepHit] = []
    with pytest.raises(DocumentError, match="could not be read to the end"):
        seen.extend(sweep_file(cut, _set(("domain", "evil-news.info"))))
    assert [h.line for h in seen] == [1]


def test_empty_and_binary_inputs(tmp_path: Path) -> None:
    indicators = _set(("domain", "evil-news.info"), ("ipv4_cidr", "10.0.0.0/8"))
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    assert list(sweep_file(empty, indicators)) == []
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 400)
    assert list(sweep_file(junk, indicators)) == []
    assert list(read_log(io.BytesIO(b"a\xffb"), source="x")) == ["a\ufffdb", ""]
    with pytest.raises(DocumentError):
        list(sweep_file(tmp_path / "missing.log", indicators))


def test_many_tiny_lines_and_ip_like_noise() -> None:
    indicators = _set(("ipv4", "10.1.1.1"), ("ipv4_cidr", "10.0.0.0/8"), ("domain", "evil-news.info"))
    noise = ["1.1.1.1.1.1.1", "...", "10.1.1.1.1", "9" * 40, "0.0.0.0"] * 40000
    lines = [*noise, "10.1.1.1"]
    found = list(sweep_lines(lines, indicators))
    assert [(h.line, h.how) for h in found] == [(len(lines), "exact"), (len(lines), "in-range")]


# -- indicators ---------------------------------------------------------------------------


def test_ioc_list_refangs_and_reports_every_skipped_entry() -> None:
    indicators = IndicatorSet()
    added = indicators.add_file(FIXTURES / "iocs.txt")
    assert {(i.type, i.value) for i in indicators} == {
        ("domain", "evil-news.info"), ("url", "https://login.evil-news.info/Sign/In.php"),
        ("ipv4", "185.12.33.9"), ("ipv4_cidr", "91.200.14.0/24"),
        ("email", "interview@phish-mail.net"), ("ipv6", "2a0b:4d07:1:2::55"),
    }  # fmt: skip
    assert added == 6
    reasons = {(s.line, s.reason.split(":")[0]) for s in indicators.skipped}
    assert reasons == {(7, "benign"), (8, "benign"), (9, "no indicator recognised")}
    everything = IndicatorSet(include_benign=True)
    everything.add_file(FIXTURES / "iocs.txt")
    assert len(everything) == 8


def test_type_filter_and_unknown_type() -> None:
    indicators = IndicatorSet(["ipv4"])
    indicators.add_file(FIXTURES / "iocs.txt")
    assert [i.value for i in indicators] == ["185.12.33.9"]
    with pytest.raises(UnmaskError, match="cannot sweep"):
        IndicatorSet(["colour"])


def test_stix_and_misp_indicators_carry_their_actor_and_merge() -> None:
    indicators = IndicatorSet()
    indicators.add_file(FIXTURES / "kimsuky.stix.json")
    indicators.add_file(FIXTURES / "kimsuky.misp.json")
    by_value = {i.value: i for i in indicators}
    assert set(by_value) == {
        "evil-news.info", "185.12.33.9", "drive-docs-share.com", "interview@phish-mail.net",
        "0f3b5c8d9e2a4b6c8d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e",
    }  # fmt: skip
    evil = by_value["evil-news.info"]
    assert evil.actors == KIMSUKY and evil.reports == 2 and evil.last_seen == dt.date(2024, 4, 20)
    assert len(evil.sources) == 2


def test_stix_patterns_are_parsed_and_what_cannot_be_swept_is_reported() -> None:
    bundle = json.loads((FIXTURES / "kimsuky.stix.json").read_text())
    common = {"spec_version": "2.1", "created": "2024-05-01T00:00:00.000Z",
              "modified": "2024-05-01T00:00:00.000Z", "valid_from": "2024-05-01T00:00:00Z"}
    bundle["objects"] += [
        {**common, "type": "indicator", "id": "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "pattern_type": "stix",
         "pattern": "[file:hashes.'SHA-256' = '" + "ab" * 32 + "'] OR [ipv4-addr:value IN ('91.200.14.0/24', "
                    "'185.12.33.10')] OR [url:value LIKE 'http://%']"},
        {**common, "type": "indicator", "id": "indicator--2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "pattern_type": "stix", "pattern": "[domain-name:value = evil]"},
        {**common, "type": "indicator", "id": "indicator--3e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "pattern_type": "yara", "pattern": "rule x { condition: true }"},
    ]  # fmt: skip
    indicators = IndicatorSet()
    indicators.add_bytes(json.dumps(bundle).encode(), source="b.json")
    assert {(i.type, i.value) for i in indicators} >= {
        ("sha256", "ab" * 32), ("ipv4_cidr", "91.200.14.0/24"), ("ipv4", "185.12.33.10"), ("domain", "evil-news.info"),
    }  # fmt: skip
    reasons = sorted(s.reason.split(":")[0] for s in indicators.skipped)
    assert reasons == ["invalid STIX pattern", "operator LIKE not swept", "pattern type 'yara' is not swept"]
    assert all(i.reports == 1 for i in indicators)  # a value in a pattern and an SCO is one report


def test_analyze_json_output_is_an_indicator_source() -> None:
    analysis = {
        "schema": 1, "published": "2024-03-02",
        "actors": [{"id": "G0094", "name": "Kimsuky"}],
        "observables": [
            {"type": "domain", "value": "evil-news.info", "benign_reasons": [], "indicator": True},
            {"type": "domain", "value": "google.com", "benign_reasons": ["warninglist:alexa"], "indicator": False},
            {"type": "cve", "value": "CVE-2023-1234", "benign_reasons": [], "indicator": True},
        ],
    }  # fmt: skip
    indicators = IndicatorSet()
    data = json.dumps({"schema": 1, "analyses": [analysis]}).encode()
    assert indicators.add_bytes(data, source="a.json") == 1
    only = next(iter(indicators))
    assert (only.value, only.actors, only.last_seen) == ("evil-news.info", KIMSUKY, dt.date(2024, 3, 2))
    assert [s.reason for s in indicators.skipped] == ["benign: warninglist:alexa"]


def test_json_that_is_no_indicator_source_fails_clearly() -> None:
    with pytest.raises(DocumentError, match="neither unmask analyze JSON"):
        IndicatorSet().add_bytes(b'{"hello": "world"}', source="x.json")


def test_knowledge_base_indicators(tmp_path: Path) -> None:
    from tests.store.builders import build
    from unmask.store import open as open_kb

    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(build(
            "Kimsuky registered evil-news.info.", published=dt.date(2024, 5, 1),
            actors=[("G0094", "Kimsuky", "Kimsuky")],
            observables=[("domain", "evil-news.info", "evil-news.info")],
        ))  # fmt: skip
        indicators = IndicatorSet()
        assert indicators.add_kb(kb) == 1
        assert IndicatorSet().add_kb(kb, since=dt.date(2024, 5, 2)) == 0
    hit = next(iter(sweep_lines(["q login.evil-news.info"], indicators)))
    assert (hit.how, hit.indicator.actors, hit.indicator.sources) == ("subdomain", KIMSUKY, ("kb",))


# -- command line -----------------------------------------------------------------------


def _app() -> typer.Typer:
    from unmask.cli import sweep

    app = typer.Typer()
    sweep.register(app)

    @app.callback()
    def _main() -> None:  # a group, so that the command keeps its name
        pass

    return app


runner = CliRunner()


def test_cli_txt_lines_and_exit_codes(tmp_path: Path) -> None:
    iocs = str(FIXTURES / "kimsuky.misp.json")
    result = runner.invoke(_app(), ["sweep", str(FIXTURES / "proxy.log"), str(FIXTURES / "dns.log"),
                                    "--iocs", iocs, "--iocs", str(FIXTURES / "iocs.txt")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{FIXTURES / 'proxy.log'}:2:50  https://LOGIN.evil-news.info/Sign/In.php  url  "
                        "no actor, 1 report")
    assert lines[1] == (f"{FIXTURES / 'proxy.log'}:2:58  LOGIN.evil-news.info  domain, subdomain of "
                        "evil-news.info  Kimsuky (G0094), 2 reports, last 2024-04-20")
    assert any(":4:82  evil-news%2Einfo  domain, url-decoded evil-news.info  Kimsuky" in line for line in lines)
    assert any(":5:85  91.200.14.77  ipv4_cidr, in 91.200.14.0/24  no actor, 1 report" in line for line in lines)
    assert any("2a0b:4d07:1:2::55  ipv6" in line for line in lines)
    assert not any("notevil" in line or "info.cdn" in line for line in lines)
    assert "3 indicator entries skipped" in result.stderr

    quiet = tmp_path / "quiet.log"
    quiet.write_text("nothing here\n")
    assert runner.invoke(_app(), ["sweep", str(quiet), "--iocs", iocs]).exit_code == 1
    missing = runner.invoke(_app(), ["sweep", str(quiet), str(tmp_path / "nope.log"), "--iocs", iocs])
    # The message may be wrapped at the terminal's width (long temporary paths).
    assert missing.exit_code == 3 and "does not exist" in " ".join(missing.stderr.split())
    assert runner.invoke(_app(), ["sweep", str(quiet), "--iocs", iocs, "--format", "xml"]).exit_code == 2
    assert runner.invoke(_app(), ["sweep", str(quiet), "--iocs", iocs, "-t", "colour"]).exit_code == 2
    assert runner.invoke(_app(), ["sweep", str(quiet), "--iocs", iocs, "--since", "May"]).exit_code == 2
    nodb = runner.invoke(_app(), ["sweep", str(quiet), "--db", f"sqlite:///{tmp_path / 'none.sqlite'}"])
    assert nodb.exit_code == 2 and "no knowledge base" in nodb.stderr


def test_cli_json_jsonl_csv_and_stdin() -> None:
    iocs = str(FIXTURES / "kimsuky.stix.json")
    log = (FIXTURES / "proxy.log").read_text()
    data = json.loads(runner.invoke(_app(), ["sweep", "-", "--iocs", iocs, "--format", "json"], input=log).stdout)
    assert data["schema"] == 1 and data["indicators"] == 3 and data["skipped"] == []
    first = data["hits"][0]
    assert first["source"] == "<stdin>" and first["line"] == 2 and first["how"] == "subdomain"
    line = log.splitlines()[1]
    assert line[first["span"]["start"]:first["span"]["end"]] == first["text"] == "LOGIN.evil-news.info"
    jsonl = runner.invoke(_app(), ["sweep", str(FIXTURES / "proxy.log"), "--iocs", iocs, "-f", "jsonl"])
    rows = [json.loads(x) for x in jsonl.stdout.splitlines()]
    assert [r["line"] for r in rows] == [h["line"] for h in data["hits"]]
    table = runner.invoke(_app(), ["sweep", str(FIXTURES / "proxy.log"), "--iocs", iocs, "-f", "csv"]).stdout
    assert table.splitlines()[0] == "source,line,start,end,text,how,type,value,actors,reports,last_seen"
    assert "G0094:Kimsuky" in table.splitlines()[1]


def test_cli_gzip_log_and_failed_ioc_file(tmp_path: Path) -> None:
    log = tmp_path / "dns.log.gz"
    log.write_bytes(gzip.compress((FIXTURES / "dns.log").read_bytes()))
    result = runner.invoke(_app(), ["sweep", str(log), "--iocs", str(FIXTURES / "iocs.txt"),
                                    "--iocs", str(tmp_path / "missing.txt"), "-f", "jsonl"])
    assert result.exit_code == 3
    assert [json.loads(x)["line"] for x in result.stdout.splitlines()] == [4, 4, 6]
    errors = [json.loads(x) for x in result.stderr.splitlines() if x.startswith('{"error"')]
    assert errors[0]["error"]["source"] == str(tmp_path / "missing.txt")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(1, 32), st.sampled_from([" ", "x", ".", ":", "/"]))
def test_an_address_is_in_range_exactly_when_the_network_holds_it(address: int, base: int, prefix: int,
                                                                   edge: str) -> None:
    import ipaddress

    network = ipaddress.IPv4Network((base, prefix), strict=False)
    ip = str(ipaddress.IPv4Address(address))
    indicators = _set(("ipv4_cidr", str(network)))
    found = list(sweep_lines([f"a{edge}{ip}{edge}b"], indicators))
    expected = ipaddress.IPv4Address(address) in network
    assert [h.text for h in found] == ([ip] if expected else [])


@pytest.mark.shared
def test_every_indicator_the_extractor_finds_in_real_reports_is_hit_where_it_is() -> None:
    """Consistency with `unmask iocs`: each value written plainly in the text is hit at its span."""
    import bisect

    from tests.conftest import shared_path
    from unmask.extract.observables import extract_observables

    text = shared_path("eval", "ioc", "corpus", "reports.txt").read_text(encoding="utf-8")[:1_500_000]
    swept = ("domain", "ipv4", "ipv6", "url", "email", "md5", "sha1", "sha256")
    found = [o for o in extract_observables(text) if o.is_indicator and o.type in swept and o.surface == o.value]
    assert len(found) > 500
    indicators = IndicatorSet(include_benign=True)
    for obs in found:
        indicators.add(Indicator(obs.value, obs.type, (), 1, None, ("corpus",)))
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    hits = {(h.line, h.start, h.end, h.type) for h in sweep_text([text], indicators)}
    missed = []
    for obs in found:
        line = bisect.bisect_right(line_starts, obs.span.start)
        start = obs.span.start - line_starts[line - 1]
        if (line, start, start + len(obs.surface), obs.type) not in hits:
            missed.append((obs.type, obs.value))
    assert missed == []


_HASH_PIECES = ["44d88612fea8a8f36de82e1278abb02f", "ab" * 32, "a", "0", " ", "\n", ".exe", "_", "é", "g", "-",
                "AB" * 32, "%2E"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_HASH_PIECES), max_size=40), st.integers(min_value=1, max_value=50))
def test_hashes_by_token_hit_as_in_the_automaton(pieces: list[str], size: int) -> None:
    from unmask.defend.sweep import _Matcher

    indicators = list(_set(("md5", "44d88612fea8a8f36de82e1278abb02f"), ("sha256", "ab" * 32),
                           ("domain", "evil-news.info")))
    text = "".join(pieces)
    blocks = [text[i:i + size] for i in range(0, len(text), size)]
    in_automaton = _Matcher(indicators)
    by_token = _Matcher(indicators, hash_tokens_from=1)
    assert by_token.hashes and not in_automaton.hashes

    def key(hit: SweepHit) -> tuple[int, int, str]:
        return (hit.line, hit.start, hit.value)

    def plain(found: list[SweepHit]) -> list[tuple[int, int, str]]:  # escapes are not decoded for tokens
        return sorted(key(h) for h in found if "url-decoded" not in h.how)

    expected = plain(list(sweep_text([text], in_automaton)))  # type: ignore[arg-type]
    assert plain(list(sweep_text(blocks, by_token))) == expected  # type: ignore[arg-type]


def test_a_file_named_by_its_hash_is_a_hit() -> None:
    lines = ["dropped C:\\Temp\\" + "ab" * 32 + ".exe", "x" + "ab" * 32, "ab" * 33]
    assert _hits(lines, _set(("sha256", "ab" * 32))) == [(1, "ab" * 32, "exact")]


# -- the compiled matcher (unmask._core.SweepMatcher) -------------------------------------


def _planted_log(seed: int, lines: int) -> tuple[list[str], set[tuple[int, int, int, str, str]]]:
    """A generated proxy/DNS log with hits planted at known columns, and decoys around them."""
    import random

    rng = random.Random(seed)
    words = ["mail", "news", "cdn", "login", "portal", "update", "a1", "x-y", "z_9"]
    planted = [  # (text as written, value, how)
        ("evil-news.info", "evil-news.info", "exact"),
        ("LOGIN.Evil-News.INFO", "evil-news.info", "subdomain"),
        ("evil-news%2Einfo", "evil-news.info", "exact+url-decoded"),
        ("185.12.33.9", "185.12.33.9", "exact"),
        ("91.200.14.77", "91.200.14.0/24", "in-range"),
        ("10.200.3.4", "10.0.0.0/8", "in-range"),
        ("HTTPS://LOGIN.EVIL-NEWS.INFO/Sign/In.php", "https://login.evil-news.info/Sign/In.php", "exact"),
        ("AB" * 32, "ab" * 32, "exact"),
        ("2A0B:4D07:1:2::55", "2a0b:4d07:1:2::55", "exact"),
    ]
    decoys = ["notevil-news.info", "evil-news.info.au", "evil-news.infos", "x-evil-news.info", "1185.12.33.9",
              "185.12.33.91", "185.12.33.9.1", "91.200.15.77", "9.10.200.3.4", "ab" * 33, "https://login.evil-news.infox/Sign/In.php",
              "2a0b:4d07:1:2::556"]
    text: list[str] = []
    expected: set[tuple[int, int, int, str, str]] = set()
    for number in range(1, lines + 1):
        head = f"{1716540000 + number}.{rng.randrange(1000):03d} {rng.randrange(900)} 10.{rng.randrange(256)}.1.2 GET "
        host = f"http://{rng.choice(words)}-{rng.choice(words)}{rng.randrange(100)}.example/"
        roll = rng.random()
        if roll < 0.2:
            written, value, how = rng.choice(planted)
            line = head + host + " " + written + " -"
            start = len(head) + len(host) + 1
            expected.add((number, start, start + len(written), how, value))
        elif roll < 0.4:
            line = head + host + " " + rng.choice(decoys) + " -"
        else:
            line = head + host + " " + "é" * rng.randrange(3) + "plain text -"
        text.append(line)
    # Every client address 10.x.1.2 is in 10.0.0.0/8.
    for number, line in enumerate(text, 1):
        s = line.index(" 10.", line.index(" ") + 1) + 1
        e = line.index(" ", s)
        expected.add((number, s, e, "in-range", "10.0.0.0/8"))
    return text, expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_generated_log_gives_exactly_the_planted_hits(seed: int) -> None:
    text, expected = _planted_log(seed, 400)
    indicators = _set(("domain", "evil-news.info"), ("ipv4", "185.12.33.9"), ("ipv4_cidr", "91.200.14.0/24"),
                      ("ipv4_cidr", "10.0.0.0/8"), ("url", "https://login.evil-news.info/Sign/In.php"),
                      ("sha256", "ab" * 32), ("ipv6", "2a0b:4d07:1:2::55"))
    found = {(h.line, h.start, h.end, h.how, h.value) for h in sweep_lines(text, indicators)}
    # The host inside a planted URL is a subdomain hit of its own.
    for number, line in enumerate(text, 1):
        at = line.find("://LOGIN.EVIL-NEWS.INFO/")
        if at >= 0:
            expected.add((number, at + 3, at + 3 + len("LOGIN.EVIL-NEWS.INFO"), "subdomain", "evil-news.info"))
    assert found == expected
    joined = "\n".join(text)
    for size in (7, 1000, 1 << 20):
        blocks = [joined[i:i + size] for i in range(0, len(joined), size)]
        assert {(h.line, h.start, h.end, h.how, h.value) for h in sweep_text(blocks, indicators)} == expected


def test_addresses_are_ascii_digits_only() -> None:
    """Decision: an address is written in ASCII digits; Arabic-Indic digits make no address
    (the Python matcher's regex read them as digits, the compiled one does not)."""
    indicators = _set(("ipv4_cidr", "10.0.0.0/8"), ("ipv4", "10.1.1.1"))
    assert _hits(["x ١٠.١.١.١ y"], indicators) == []
    assert _hits(["x 10.1.1.1١ y"], indicators) == [(1, "10.1.1.1", "exact"), (1, "10.1.1.1", "in-range")]


def test_text_with_lone_surrogates_is_swept_with_character_columns() -> None:
    indicators = _set(("domain", "evil-news.info"))
    line = "\ud800é evil-news.info \udfff"
    assert _hits([line], indicators) == [(1, "evil-news.info", "exact")]


def test_the_core_takes_odd_offsets_without_failing() -> None:
    matcher = _set(("domain", "evil-news.info")).compiled().core
    text = "a evil-news.info b"
    assert matcher.scan(text, 0, 10**9) == [(2, 16, 0, 0)]
    assert matcher.scan(text, 16, 10**9) == []
    assert matcher.scan(text, 10**9, 10**9 + 1) == []
    assert matcher.scan("", 0, 0) == []


def test_a_real_name_holding_xxxx_is_swept() -> None:
    # The extractor calls "xxxx" in a name a report's redaction; a listed value is swept.
    indicators = IndicatorSet()
    assert indicators.add(Indicator("boxxxxtrade.example", "domain", (), 1, None, ("list",), ("redacted",)))
    assert not indicators.skipped and len(indicators) == 1
    assert not indicators.add(Indicator("google.com", "domain", (), 1, None, ("list",),
                                        ("warninglist:alexa", "redacted")))
