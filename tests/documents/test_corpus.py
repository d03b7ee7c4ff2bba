"""Every file of ../shared/corpus behaves as its manifest says, within a time budget.

Each file is read in a worker process so that a hang or a crash inside a C library
(PDFium, libxml2) fails the test for that file instead of taking the run down.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import pytest

from tests.conftest import SHARED, shared_path

pytestmark = pytest.mark.shared

#: Seconds one corpus file may take (the slowest takes well under 1 s on one core).
BUDGET = 60.0


def _entries() -> list[dict[str, object]]:
    manifest = SHARED / "corpus" / "manifest.jsonl"
    if not manifest.exists():
        return [{"file": "<absent>", "expect": "ok", "format": "none"}]
    return [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip()]


def _read_one(path: str) -> dict[str, object]:
    """Runs in the worker: read one file, report what happened."""
    from unmask.documents import read
    from unmask.errors import DocumentError, UnmaskError

    try:
        doc = read(path)
    except DocumentError as exc:
        return {"outcome": "document-error", "error": type(exc).__name__, "message": str(exc),
                "names_file": exc.source == path}
    except UnmaskError as exc:
        return {"outcome": "other-error", "error": type(exc).__name__, "message": str(exc)}
    return {"outcome": "ok", "format": doc.format, "chars": len(doc.text.strip()),
            "pages": len(doc.pages)}


@pytest.fixture(scope="module")
def worker() -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    yield pool
    pool.shutdown(wait=False, cancel_futures=True)


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: str(e["file"]))
def test_corpus_file(entry: dict[str, object], worker: ProcessPoolExecutor) -> None:
    path = shared_path("corpus", str(entry["file"]))
    future = worker.submit(_read_one, str(path))
    try:
        result = future.result(timeout=BUDGET)
    except FutureTimeout:
        for process in list(getattr(worker, "_processes", {}).values()):
            process.kill()  # our own worker; the pool is broken for the rest of the module
        pytest.fail(f"{entry['file']}: reading took more than {BUDGET:.0f} s")
    assert result["outcome"] != "other-error", result
    if entry["expect"] == "ok":
        assert result["outcome"] == "ok", result
        assert result["chars"], f"{entry['file']}: empty text"
        if entry["format"] == "pdf":
            assert result["format"] == "pdf" and result["pages"] > 0
        return
    # "error": a clear DocumentError naming the file, or recovered text.
    if result["outcome"] == "document-error":
        assert result["names_file"], result
        assert Path(str(entry["file"])).name in str(result["message"])
    else:
        assert result["chars"], f"{entry['file']}: recovered, but no text"
