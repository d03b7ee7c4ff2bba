"""Exports of the seed article and of every ../shared/corpus document pass the validators.

The structured documents (STIX 2 bundles, MISP events) are checked through their
structured findings alone (no extractor needed); every readable corpus document is
checked through the full pipeline (marked slow).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_path
from tests.export.checks import layer_problems, misp_problems, stix_problems
from tests.export.test_roundtrip import _structured_analysis
from unmask.documents import read
from unmask.errors import DocumentError, ReferenceDataError
from unmask.export.misp import to_misp_json
from unmask.export.navigator import to_navigator
from unmask.export.stix import to_stix_json
from unmask.model import Analysis
from unmask.pipeline import analyze

pytestmark = pytest.mark.shared


def _manifest() -> list[str]:
    try:
        path = shared_path("corpus", "manifest.jsonl")
    except pytest.skip.Exception:
        return []
    return [json.loads(line)["file"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


_FILES = _manifest()
_STRUCTURED = [f for f in _FILES if f.startswith(("stix/", "misp/")) and f.endswith(".json")]


def _check_all(analysis: Analysis, *, types: bool = True) -> None:
    assert stix_problems(to_stix_json(analysis), types=types) == []
    assert misp_problems(to_misp_json(analysis)) == []
    for layer in to_navigator(analysis):
        assert layer_problems(layer) == []


@pytest.mark.parametrize("name", _STRUCTURED)
def test_structured_corpus_documents_export_cleanly(name: str) -> None:
    document = read(str(shared_path("corpus", name)))
    analysis = _structured_analysis(document)
    assert analysis.observables or analysis.actors or analysis.techniques or analysis.malware
    _check_all(analysis)


def _analyse(path: Path) -> Analysis:
    try:
        return analyze(read(str(path)))
    except ReferenceDataError as exc:
        pytest.skip(f"reference data missing: {exc}")
    except DocumentError as exc:
        pytest.skip(f"unreadable corpus document (expected for some): {exc}")


def test_seed_article_exports_cleanly() -> None:
    _check_all(_analyse(shared_path("seed", "kimsuky-sanctions-article.txt")))


@pytest.mark.slow
@pytest.mark.parametrize("name", _FILES)
def test_corpus_document_exports_cleanly(name: str) -> None:
    _check_all(_analyse(shared_path("corpus", name)), types=False)
