"""The TLP-filtered view: query_knowledge(max_tlp), snapshot caching, restricted profiles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unmask.errors import ExportError
from unmask.export.knowledge import query_knowledge
from unmask.pipeline import analyze
from unmask.serve.view import NotVisible, View
from unmask.store import KnowledgeBase, open_kb

from .conftest import AMBER_APT29, GREEN_APT29, SECRET_DOMAIN


def test_query_knowledge_max_tlp_leaves_reports_above_out(kb: KnowledgeBase) -> None:
    full = query_knowledge(kb, actor="APT29")
    green = query_knowledge(kb, actor="APT29", max_tlp="green")
    assert len(full.reports) == 2 and full.tlp == "amber"
    assert len(green.reports) == 1 and green.tlp == "green"
    assert len(query_knowledge(kb, actor="APT29", max_tlp="TLP:AMBER").reports) == 2
    with pytest.raises(ExportError, match="at or below TLP:GREEN"):
        query_knowledge(kb, actor="Sandworm", max_tlp="green")
    with pytest.raises(ExportError, match="not one of"):
        query_knowledge(kb, actor="APT29", max_tlp="purple")
    assert len(query_knowledge(kb, max_tlp="clear").reports) == 1


def test_restricted_profile_counts_only_visible_reports(kb: KnowledgeBase) -> None:
    view = View(kb, max_tlp="green")
    try:
        profile = view.profile("APT29")
        assert profile.report_count == 1 and len(profile.reports) == 1
        assert SECRET_DOMAIN not in json.dumps(profile.to_dict())
        assert profile.reports[0].tlp == "green" and profile.reports[0].ingested_at is not None
        assert view.profile("Cozy Bear") == profile  # served from the scratch base again
        with pytest.raises(NotVisible):
            view.profile("Sandworm")
    finally:
        view.close()


def test_snapshots_are_cached_until_the_actors_reports_change(tmp_path: Path) -> None:
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        view = View(kb, max_tlp="green", recheck=0)
        first = view.snapshot("G0016")
        assert view.snapshot("G0016") is first
        kb.add_analysis(analyze("Volt Typhoon scanned edge devices."), tlp="green")
        assert view.snapshot("G0016") is first  # another actor's report: same snapshot
        kb.add_analysis(analyze(AMBER_APT29), tlp="amber")
        assert view.snapshot("G0016") is first  # above the ceiling: invisible
        kb.add_analysis(analyze(AMBER_APT29 + "\nAPT29 again.\n"), tlp="green")
        second = view.snapshot("G0016")
        assert second is not first and second.reports == 2
        assert second.date_added > first.date_added
        assert SECRET_DOMAIN in json.dumps(second.objects)
        view.close()


def test_fingerprint_is_reread_after_recheck_seconds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import unmask.serve.view as view_module

    clock = [100.0]
    monkeypatch.setattr(view_module.time, "monotonic", lambda: clock[0])
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        kb.add_analysis(analyze(GREEN_APT29), tlp="green")
        view = View(kb, recheck=5)
        before = view.fingerprint()
        kb.add_analysis(analyze(AMBER_APT29), tlp="green")
        assert view.fingerprint() == before
        clock[0] += 6
        assert view.fingerprint() != before


def test_create_app_without_fastapi_names_the_extra(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from unmask.errors import MissingDependencyError
    from unmask.serve import create_app, require_serve_dependencies

    monkeypatch.setitem(sys.modules, "fastapi", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'unmask\[serve\]'"):
        create_app(kb)
    with pytest.raises(MissingDependencyError):
        require_serve_dependencies()


def test_concurrent_requests_build_a_snapshot_once(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import unmask.serve.view as view_module

    calls: list[str] = []
    real = view_module.query_knowledge

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(str(kwargs.get("actor")))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(view_module, "query_knowledge", counting)
    view = View(kb, max_tlp="green")
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(view.snapshot("G0016"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["G0016"] and len(results) == 4 and all(r is results[0] for r in results)
    view.close()
