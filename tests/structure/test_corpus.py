"""On the whole ../shared/corpus: no actor from a citation, a URL path or a title-named
object, no technique from advice, every technique id written in a table row found
(the counts of benchmarks/structure_corpus.py)."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from tests.conftest import REPO, shared_path

pytestmark = pytest.mark.shared


def _benchmark() -> ModuleType:
    path = REPO / "benchmarks" / "structure_corpus.py"
    spec = importlib.util.spec_from_file_location("structure_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("structure_corpus", module)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_holds_none_of_the_forbidden_findings() -> None:
    corpus = shared_path("corpus")
    bench = _benchmark()
    counts = bench.run(corpus)
    assert counts.documents >= 80
    assert counts.actors_in_references == []
    assert counts.actors_in_urls == []
    assert counts.title_named_actors == []
    assert counts.techniques_from_advice == []
    assert counts.table_row_ids >= 150
    assert counts.table_row_ids_missed == []
