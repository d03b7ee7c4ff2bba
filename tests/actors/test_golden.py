"""Golden files: each ``golden/*.txt`` next to its ``.expected.json`` (sorted keys, spans).

Regenerate deliberately with ``UNMASK_REGEN_GOLDEN=1 pytest tests/actors/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from unmask.extract.actors import extract_actors

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.txt"))


def _render(text: str) -> dict[str, object]:
    findings = extract_actors(text)
    return {
        "mentions": [m.to_dict() for m in findings.mentions],
        "alias_statements": [s.to_dict() for s in findings.alias_statements],
        "summary": [{k: v for k, v in d.items() if k in ("id", "name", "names_used", "mentions")} for d in findings.summary],
    }


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    got = _render(text)
    expected_path = case.with_suffix(".expected.json")
    if os.environ.get("UNMASK_REGEN_GOLDEN") == "1":
        expected_path.write_text(json.dumps(got, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected
    for mention in got["mentions"]:  # type: ignore[union-attr]
        span = mention["span"]  # type: ignore[index]
        assert text[span["start"] : span["end"]] == mention["surface"]  # type: ignore[index]
