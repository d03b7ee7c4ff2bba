"""Lookalike domains: detection by kind, the labelled set against baselines, permutations,
hostile input and the ``unmask lookalike`` command."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein
from typer.testing import CliRunner

from tests.conftest import FIXTURES
from unmask.cli.lookalike import register
from unmask.defend.confusables import skeleton
from unmask.defend.lookalike import (
    KINDS,
    Lookalike,
    LookalikeIndex,
    SkippedCandidate,
    find_lookalikes,
    normalize_host,
    permutations,
    unicode_hosts,
)
from unmask.errors import ConfigError, UnmaskError
from unmask.reference.suffixes import load_suffixes

HERE = FIXTURES / "defend" / "lookalike"
PROTECTED = [
    line.strip()
    for line in (HERE / "protected.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def index() -> LookalikeIndex:
    return LookalikeIndex(PROTECTED)


def _labelled() -> list[tuple[str, str]]:
    rows = []
    for line in (HERE / "labelled.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            candidate, imitates = line.split("\t")[:2]
            rows.append((candidate, imitates))
    return rows


def _only(index: LookalikeIndex, candidate: str) -> Lookalike:
    hits = find_lookalikes([candidate], index)
    assert len(hits) == 1, hits
    return hits[0]


# -- detection, kind by kind --------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "imitates", "kind"),
    [
        ("nytirnes.com", "nytimes.com", "homoglyph"),
        ("nyt1mes.com", "nytimes.com", "homoglyph"),
        ("nуtimes.com", "nytimes.com", "homoglyph"),  # Cyrillic у
        ("xn--ntimes-wrf.com", "nytimes.com", "homoglyph"),  # the same, IDNA-encoded
        ("nknevvs.org", "nknews.org", "homoglyph"),
        ("reutérs.com", "reuters.com", "homoglyph"),
        ("chatharnhouse.org", "chathamhouse.org", "homoglyph"),
        ("nyŧimes.com", "nytimes.com", "homoglyph"),  # t with stroke, read by its Unicode name
        ("nytiᴍes.com", "nytimes.com", "homoglyph"),  # small capital M
        ("rcuters.com", "reuters.com", "homoglyph"),  # c for e: a loose look-alike, whole label only
        ("nytimse.com", "nytimes.com", "transposition"),
        ("nytmes.com", "nytimes.com", "omission"),
        ("nyttimes.com", "nytimes.com", "repetition"),
        ("nytimez.com", "nytimes.com", "replacement"),
        ("nutimes.com", "nytimes.com", "vowel-swap"),
        ("brnokings.org", "brookings.edu", "bitsquatting"),
        ("nyxtimes.com", "nytimes.com", "insertion"),
        ("ny-times.com", "nytimes.com", "hyphenation"),
        ("chat-ham-house.org", "chathamhouse.org", "hyphenation"),
        ("nyti.mes.com", "nytimes.com", "dot-insertion"),
        ("nytimes.co", "nytimes.com", "tld-swap"),
        ("nytimes.org.uk", "nytimes.com", "tld-swap"),
        ("nytimes-login.com", "nytimes.com", "combosquat"),
        ("login-nytimes.org", "nytimes.com", "combosquat"),
        ("loginnytimes.com", "nytimes.com", "combosquat"),
        ("centernytimes.com", "nytimes.com", "combosquat"),  # ``rn`` across the words
        ("nytimes-com.net", "nytimes.com", "combosquat"),
        ("bbc-news.com", "bbc.co.uk", "combosquat"),
        ("nytimes.com.secure-login.net", "nytimes.com", "subdomain"),
        ("nytimes-com.verify.info", "nytimes.com", "subdomain"),
        ("bbc.co.uk.com", "bbc.co.uk", "subdomain"),
        ("bbc.co.uk.login-verify.com", "bbc.co.uk", "subdomain"),
        ("chathamhouse-institute-org.eu", "chathamhouse.org", "combosquat"),
        ("chathamhuose.org", "chathamhouse.org", "transposition"),
        ("chathanhuose.org", "chathamhouse.org", "typo"),  # two edits on a long label
    ],
)
def test_each_kind_is_found_with_evidence(index: LookalikeIndex, candidate: str, imitates: str, kind: str) -> None:
    hit = _only(index, candidate)
    assert hit.imitates == imitates
    assert kind in hit.kinds
    assert 0.0 < hit.score <= 1.0
    assert hit.evidence
    assert hit.candidate == candidate


def test_homoglyph_evidence_names_the_characters(index: LookalikeIndex) -> None:
    hit = _only(index, "xn--ntimes-wrf.com")
    assert hit.unicode == "nуtimes.com"
    assert "CYRILLIC SMALL LETTER U" in hit.evidence


def test_exact_homoglyph_scores_above_combosquat(index: LookalikeIndex) -> None:
    assert _only(index, "nytirnes.com").score > _only(index, "nytimes-login.com").score


@pytest.mark.parametrize(
    "candidate",
    ["nytimes.com", "NYTIMES.COM.", "www.nytimes.com", "static01.nytimes.com", "*.nytimes.com",
     "https://www.nytimes.com/section/world", "editor@nytimes.com", "news.bbc.co.uk", "bbc.co.uk"],
)
def test_protected_domains_and_their_subdomains_never_match(index: LookalikeIndex, candidate: str) -> None:
    assert find_lookalikes([candidate], index) == []


@pytest.mark.parametrize(
    "candidate",
    [
        "abc.co.uk",  # three letters: no edit distance (and no permutation of bbc)
        "bbcc.org",
        "bbcgoodfood.com",  # short brand glued to a word: no
        "isis.org",  # four letters: only transposition and repetition
        "csiss.com",  # an edit and another suffix on a short label
        "cisco.com",
        "pinknews.co.uk",  # brand glued to the end of a real word
        "booking.com",  # two edits on a nine-letter label
        "times.com",
        "latimes.com",
        "google.com",
    ],
)
def test_hard_negatives_stay_quiet(index: LookalikeIndex, candidate: str) -> None:
    assert find_lookalikes([candidate], index) == []


def test_short_brand_rules_can_be_turned_off_and_then_flag_more() -> None:
    relaxed = LookalikeIndex(["bbc.co.uk"], strict=False)
    assert find_lookalikes(["bbqc.co.uk"], relaxed)  # an insertion no permutation lists
    assert not find_lookalikes(["bbqc.co.uk"], LookalikeIndex(["bbc.co.uk"]))


# -- the labelled set ---------------------------------------------------------------


def _pairs_ours(index: LookalikeIndex, rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(hit.candidate, hit.imitates) for hit in find_lookalikes([c for c, _ in rows], index)}


def _pairs_levenshtein(rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for candidate, _ in rows:
        host = candidate.lower().rstrip(".")
        for domain in PROTECTED:
            if host != domain and not host.endswith("." + domain) and Levenshtein.distance(host, domain) <= 2:
                found.add((candidate, domain))
    return found


def _pairs_substring(rows: list[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    for candidate, _ in rows:
        host = candidate.lower().rstrip(".")
        for domain in PROTECTED:
            if host != domain and not host.endswith("." + domain) and domain.split(".")[0] in host:
                found.add((candidate, domain))
    return found


def _precision_recall(predicted: set[tuple[str, str]], rows: list[tuple[str, str]]) -> tuple[float, float]:
    truth = {(c, p) for c, p in rows if p != "-"}
    tp = len(predicted & truth)
    return (tp / len(predicted) if predicted else 1.0), tp / len(truth)


def test_labelled_set_precision_and_recall_beat_the_baselines(index: LookalikeIndex) -> None:
    rows = _labelled()
    assert len(rows) >= 150 and sum(1 for _, p in rows if p == "-") >= 60
    precision, recall = _precision_recall(_pairs_ours(index, rows), rows)
    assert precision >= 0.95, precision
    assert recall >= 0.95, recall
    for baseline in (_pairs_levenshtein(rows), _pairs_substring(rows)):
        p, r = _precision_recall(baseline, rows)
        assert 2 * precision * recall / (precision + recall) > 2 * p * r / (p + r) + 0.2


# -- permutations -------------------------------------------------------------------


def test_permutations_are_valid_unique_hosts_with_every_kind() -> None:
    found = permutations("nytimes.com")
    suffixes = load_suffixes()
    names = [p.domain for p in found]
    assert len(names) == len(set(names)) > 300
    assert "nytimes.com" not in names
    for p in found:
        assert p.kind in KINDS
        assert p.domain.isascii() and p.domain == p.domain.lower()
        assert suffixes.registrable_domain(p.domain) is not None, p
        assert all(0 < len(label) <= 63 for label in p.domain.split("."))
    kinds = {p.kind for p in found}
    assert kinds >= {"homoglyph", "transposition", "omission", "repetition", "replacement", "insertion",
                     "vowel-swap", "bitsquatting", "hyphenation", "dot-insertion", "tld-swap", "combosquat",
                     "addition"}
    idn = [p for p in found if p.domain.startswith("xn--")]
    assert idn and all(skeleton(p.unicode.split(".")[0]) == skeleton("nytimes") for p in idn)
    assert any(p.unicode == "nуtimes.com" and p.domain == "xn--ntimes-wrf.com" for p in found)


@pytest.mark.parametrize("domain", ["nytimes.com", "chathamhouse.org", "38north.org", "reuters.com"])
def test_every_permutation_of_a_long_brand_is_detected(domain: str) -> None:
    found = permutations(domain)
    hits = {hit.domain for hit in find_lookalikes([p.domain for p in found], [domain])}
    missed = [p for p in found if p.domain not in hits]
    assert not missed, missed[:10]


def test_permutations_of_a_subdomain_permute_the_registrable_label() -> None:
    names = {p.domain for p in permutations("www.bbc.co.uk")}
    assert "bbc-news.co.uk" in names and "bcb.co.uk" in names
    with pytest.raises(ConfigError):
        permutations("co.uk")
    with pytest.raises(ConfigError):
        permutations("")


# -- hostile input ------------------------------------------------------------------


def test_junk_candidates_are_skipped_with_a_reason(index: LookalikeIndex) -> None:
    junk = ["", "   ", "203.0.113.7", "[2001:db8::1]", "2001:db8::1", "xn--zz.com", "a" * 64 + ".com",
            "x." * 200 + "com", "nytimes", "..", "nytimes..com", "\x00\x01", "nyt imes.com", "http://",
            "nytimes.invalidtld", "com", "co.uk"]
    skipped: list[SkippedCandidate] = []
    assert find_lookalikes(junk, index, on_skip=skipped.append) == []
    assert len(skipped) == len(junk)
    assert {s.reason for s in skipped} >= {"empty", "IP address", "invalid IDNA label 'xn--zz'"}
    assert find_lookalikes([3, None], index, on_skip=skipped.append) == []  # type: ignore[list-item]


def test_normalize_host_forms() -> None:
    assert normalize_host(" *.WWW.Example.ORG. ") == ("www.example.org", "www.example.org")
    assert normalize_host("https://user@nуtimes.com:8443/a?b") == ("xn--ntimes-wrf.com", "nуtimes.com")
    assert normalize_host("nytimes.com:443") == ("nytimes.com", "nytimes.com")
    assert normalize_host("1.2.3.4") == "IP address"


def test_bad_protected_domains_raise_config_error() -> None:
    for protected in ([], ["com"], ["not a domain"], ["xn--zz.com"], [""]):
        with pytest.raises(ConfigError):
            LookalikeIndex(protected)


def test_many_candidates_scale_linearly(index: LookalikeIndex) -> None:
    many = [f"host{i}-{i % 97}x.example{i % 13}.com" for i in range(20_000)] + ["nytirnes.com"]
    start = time.process_time()
    hits = find_lookalikes(many, index)
    elapsed = time.process_time() - start
    assert [h.domain for h in hits] == ["nytirnes.com"]
    assert elapsed < 5.0, elapsed  # ~0.5 s measured; generous for a loaded machine


def test_streams_over_a_generator(index: LookalikeIndex) -> None:
    def candidates() -> object:
        yield from ("nytirnes.com", "example.com", "bbc-news.com")

    from unmask.defend.lookalike import iter_lookalikes

    stream = iter_lookalikes(candidates(), index)  # type: ignore[arg-type]
    assert [h.domain for h in stream] == ["nytirnes.com", "bbc-news.com"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_arbitrary_text_as_a_candidate_never_raises(text: str) -> None:
    try:
        hits = find_lookalikes([text, text + ".com", "xn--" + text + ".org"], PROTECTED)
    except UnmaskError:  # pragma: no cover - allowed, but not expected
        return
    for hit in hits:
        assert hit.imitates in PROTECTED


_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True).filter(lambda s: "--" not in s)


@settings(max_examples=150, deadline=None)
@given(_LABEL, st.sampled_from(["com", "org", "co.uk", "net", "de", "or.kr"]), st.sampled_from(["", "www.", "a.b."]))
def test_a_protected_domain_never_matches_itself(label: str, suffix: str, prefix: str) -> None:
    domain = f"{label}.{suffix}"
    hits = find_lookalikes([domain, prefix + domain.upper(), domain + ".", "*." + domain], [domain])
    assert hits == []


def test_unicode_hosts_in_text() -> None:
    text = "Lures: nуtimes.com, mail to a@rеuters.com; Привет мир. plain ascii.com"
    found = unicode_hosts(text)
    assert [h for h, _, _ in found] == ["nуtimes.com", "rеuters.com"]
    for host, start, end in found:
        assert text[start:end] == host
    assert unicode_hosts("ascii only nytimes.com") == []


# -- the command --------------------------------------------------------------------


@pytest.fixture()
def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """unmask (test harness)."""

    return app


runner = CliRunner()
REPORT = HERE / "report.txt"


def test_scan_text_output_shows_where(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["lookalike", "scan", str(REPORT), "--protect", "nytimes.com", "-p", "bbc.co.uk"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any("nytirnes.com" in line and "imitates nytimes.com" in line and "[homoglyph]" in line
               and "report.txt:3" in line for line in lines)
    assert any("nуtimes.com (xn--ntimes-wrf.com)" in line for line in lines)
    assert not any(" www.nytimes.com " in line for line in lines)


def test_scan_json_has_spans_that_point_at_the_surface(cli: typer.Typer, tmp_path: Path) -> None:
    protect = tmp_path / "protect.txt"
    protect.write_text("# ours\nnytimes.com\nbbc.co.uk  # the BBC\n", encoding="utf-8")
    result = runner.invoke(cli, ["lookalike", "scan", str(REPORT), "--protect-file", str(protect), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == 1 and data["protected"] == ["bbc.co.uk", "nytimes.com"]
    text = REPORT.read_text(encoding="utf-8")
    domains = {item["domain"] for item in data["lookalikes"]}
    assert {"nytirnes.com", "nytimes-interview.org", "bbc.co.uk.login-verify.com", "xn--ntimes-wrf.com"} <= domains
    for item in data["lookalikes"]:
        assert item["kinds"] and 0 < item["score"] <= 1
        for seen in item["seen"]:
            span = seen["span"]
            assert text[span["start"] : span["end"]] == seen["surface"]


def test_scan_csv_and_stdin_list(cli: typer.Typer) -> None:
    stdin = "# watch list\nnytimes[.]co\nhxxps://login-nytimes[.]com/x  first seen 2026-11-01\n203.0.113.9\nexample.com\n"
    result = runner.invoke(cli, ["lookalike", "scan", "-", "-p", "nytimes.com", "-f", "csv"], input=stdin)
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0].startswith("source,line,start,end,surface,domain")
    assert rows[1].startswith("-,2,,,nytimes[.]co,nytimes.co,")
    assert rows[2].startswith("-,3,,,")
    assert "login-nytimes.com" in rows[2] and "combosquat" in rows[2]
    assert len(rows) == 3


def test_scan_exit_codes(cli: typer.Typer, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("Nothing here but www.nytimes.com and example.org.\n", encoding="utf-8")
    assert runner.invoke(cli, ["lookalike", "scan", str(clean), "-p", "nytimes.com"]).exit_code == 1
    assert runner.invoke(cli, ["lookalike", "scan", str(clean)]).exit_code == 2
    assert runner.invoke(cli, ["lookalike", "scan", str(clean), "-p", "nytimes.com", "-f", "xml"]).exit_code == 2
    bad = runner.invoke(cli, ["lookalike", "scan", str(clean), "-p", "com", "-f", "json"])
    assert bad.exit_code == 2
    assert json.loads(bad.stderr.strip().splitlines()[-1])["error"]["type"] == "ConfigError"
    missing = runner.invoke(cli, ["lookalike", "scan", str(REPORT), str(tmp_path / "nope.txt"), "-p", "nytimes.com"])
    assert missing.exit_code == 3
    assert "nytirnes.com" in missing.stdout


def test_permute_command(cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["lookalike", "permute", "nytimes.com"])
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(row) == 3 for row in rows)
    assert ["xn--ntimes-wrf.com", "homoglyph", "nуtimes.com"] in rows
    data = json.loads(runner.invoke(cli, ["lookalike", "permute", "nytimes.com", "-f", "json"]).stdout)
    assert data["schema"] == 1 and len(data["permutations"]) == len(rows)
    assert runner.invoke(cli, ["lookalike", "permute", "com"]).exit_code == 2


def test_private_suffixes_split_hosted_sites() -> None:
    hit = _only(LookalikeIndex(["nytimes.com"]), "nytimes.github.io")
    assert hit.kinds == ("tld-swap",)
    hosted = LookalikeIndex(["mybrand.github.io"])
    assert find_lookalikes(["other.github.io", "a.mybrand.github.io", "github.io"], hosted) == []
    assert [h.domain for h in find_lookalikes(["mybrnad.github.io"], hosted)] == ["mybrnad.github.io"]


def test_cli_scans_the_knowledge_base(cli: typer.Typer, tmp_path: Path) -> None:
    import unmask
    from unmask.store import open_kb

    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    report = ("Kimsuky, also tracked as APT43, registered nytimes-interview[.]org and sent links to "
              "hxxps://login.nytirnes[.]com/verify and replies to editor@bbc-news-desk[.]co.uk in 2026. "
              "It also used update-check[.]info.")
    with open_kb(db) as kb:
        kb.add_analysis(unmask.analyze(report))
    result = runner.invoke(cli, ["lookalike", "scan", "--db", db, "-p", "nytimes.com", "-p", "bbc.co.uk",
                                 "-f", "json"])
    assert result.exit_code == 0, result.output
    found = {hit["domain"]: hit for hit in json.loads(result.stdout)["lookalikes"]}
    assert {"nytimes-interview.org", "login.nytirnes.com", "bbc-news-desk.co.uk"} <= found.keys()
    assert "update-check.info" not in found
    sighting = found["nytimes-interview.org"]["seen"][0]
    assert sighting["source"].startswith("knowledge base") and "Kimsuky" in sighting["surface"]
    # No sources and no --kb is a usage error; --kb without a base is one too.
    assert runner.invoke(cli, ["lookalike", "scan", "-p", "nytimes.com"]).exit_code == 2
    missing = f"sqlite:///{tmp_path / 'none.sqlite'}"
    assert runner.invoke(cli, ["lookalike", "scan", "--db", missing, "-p", "nytimes.com"]).exit_code == 2


# -- permute and scan agree; common words; names missed before --------------------------


@pytest.mark.parametrize("domain", ["csis.org", "rand.org", "bbc.co.uk", "state.gov", "naver.com", "nknews.org",
                                    "nytimes.com", "reuters.com", "38north.org", "brookings.edu",
                                    "chathamhouse.org", "asianewsdaily.com"])
def test_scan_reports_every_name_permute_lists(domain: str) -> None:
    listed = {p.domain for p in permutations(domain)}
    found = {hit.domain for hit in find_lookalikes(sorted(listed), [domain])}
    assert listed - found == set()


def test_a_short_brands_permutation_is_reported_as_one() -> None:
    (hit,) = find_lookalikes(["bcc.co.uk"], ["bbc.co.uk"])  # a one-bit flip of bbc
    assert hit.kinds == ("bitsquatting",) and "permutation" in hit.evidence and hit.score <= 0.7


def test_common_word_brand_needs_more_than_a_substring() -> None:
    index = LookalikeIndex(["state.gov"])
    for real in ("statefarm.com", "ohio-state.edu", "state.ak.us", "estate.com", "stateline.org",
                 "state-machine.io", "news.state-university.example.com", "thestate.com", "statenews.com",
                 "mystate.com.au", "appstate.edu"):
        assert find_lookalikes([real], index) == [], real
    for fake in ("state-login.com", "secure-state.net", "state-gov.com", "state.gov.verify-id.com",
                 "state.co", "staet.gov"):
        assert find_lookalikes([fake], index), fake
    (hit,) = find_lookalikes(["state-login.com"], index)
    assert "common word" in hit.evidence
    # A brand that is not a word keeps the looser rule.
    assert find_lookalikes(["nytimesfarm.com"], ["nytimes.com"])
    assert find_lookalikes(["brookingsfarm.com"], ["brookings.edu"])


def test_kimsuky_naver_lookalikes() -> None:
    index = LookalikeIndex(["naver.com"])
    (prefixed,) = find_lookalikes(["inaver.org"], index)
    assert prefixed.kinds[0] == "combosquat"
    (shuffled,) = find_lookalikes(["secure.nevar.com"], index)
    assert "vowel-swap" in shuffled.kinds
    assert find_lookalikes(["river.com", "nvidia.com", "nature.com", "paver.com.br"], index) == []


def test_permute_has_plural_and_combined_homoglyph_forms() -> None:
    found = {p.domain: p for p in permutations("nytimes.com")}
    assert found["nytimeses.com"].kind == "plural"
    assert found["nytsimes.com"].kind == "plural"  # dnstwist's plural inserts inside too
    doubles = [p for p in found.values() if p.kind == "homoglyph"
               and sum(not ch.isascii() for ch in p.unicode.split(".")[0]) == 2]
    assert doubles
    cyrillic = [p for p in found.values() if p.kind == "homoglyph" and all(
        not ch.isascii() for ch in p.unicode.split(".")[0] if ch in "aceopxy")]
    assert cyrillic


def test_a_name_in_many_real_domains_needs_an_attack_word() -> None:
    from unmask.defend.lookalike import common_brand

    # Decided from the popular-site warninglists: these labels sit inside several other
    # popular domains; nytimes and csis do not.
    assert common_brand("naver", "naver.com") and common_brand("reuters", "reuters.com")
    assert common_brand("bbc", "bbc.co.uk")
    assert not common_brand("nytimes", "nytimes.com") and not common_brand("csis", "csis.org")
    index = LookalikeIndex(["naver.com", "reuters.com", "bbc.co.uk", "nytimes.com"])
    assert set(index.common_domains) == {"naver.com", "reuters.com", "bbc.co.uk"}
    # The brand glued to, or hyphenated with, a word that is not an attack word: no claim.
    for real in ("navercorp.com", "naverlabs.com", "reutersagency.com", "reutersconnect.com",
                 "bbc-doctorwho.ru", "hk-bbc.com", "bbc-tv.co.jp"):
        assert find_lookalikes([real], index) == [], real
    # The words attackers add, product letters, plurals and typos still count.
    for fake in ("naver-login.com", "secure-naver.net", "inaver.org", "bbc-news.com", "reuters-login.com",
                 "reutersmedia.net", "reuterses.com", "raeuters.com", "nawer.com", "bbc-uk.com",
                 "bbc-co-uk.net"):
        assert find_lookalikes([fake], index), fake
    (hit,) = find_lookalikes(["naver-login.com"], index)
    assert "part of many real domain names" in hit.evidence
    # A name not in many real domains keeps the looser rule.
    assert find_lookalikes(["nytimesfarm.com"], index)


def test_scan_says_which_protected_names_need_an_attack_word(cli: typer.Typer, tmp_path: Path) -> None:
    listing = tmp_path / "names.txt"
    listing.write_text("navercorp.com\nnaver-login.com\n", encoding="utf-8")
    result = runner.invoke(cli, ["lookalike", "scan", str(listing), "--protect", "naver.com",
                                 "--protect", "nytimes.com"])
    assert "naver-login.com" in result.stdout and "navercorp.com" not in result.stdout
    assert "naver.com: a common word or part of many real domain names" in result.stderr
    assert "nytimes.com:" not in result.stderr
