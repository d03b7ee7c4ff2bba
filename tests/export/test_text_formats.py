from __future__ import annotations

import csv
import io

from unmask.export.csv import COLUMNS, to_csv
from unmask.export.markdown import to_markdown
from unmask.model import Analysis


def test_markdown_brief_has_every_section(analysis: Analysis) -> None:
    brief = to_markdown(analysis)
    for heading in ("# Operation Glass Harbor", "## Summary", "## Actors", "## Techniques",
                    "## Indicators", "## Timeline"):
        assert heading in brief
    assert "| Kimsuky | G0094 | APT43, Emerald Sleet, Kimsuky |  | North Korea, Reconnaissance General Bureau |" in brief
    assert "`harbor-jobs[.]com`" in brief
    assert "www[.]google[.]com` (top-domains)" in brief
    assert brief.index("| 2024-03 |") < brief.index("| 2024-05-02 |")


def test_markdown_tables_keep_their_shape(analysis: Analysis) -> None:
    header_cells = None
    for line in to_markdown(analysis).splitlines():
        if not line.startswith("|"):
            header_cells = None
            continue
        cells = line.replace("\\|", "").count("|")
        if header_cells is None:
            header_cells = cells
        assert cells == header_cells, line


def test_csv_rows_with_spans(analysis: Analysis) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(analysis))))
    assert tuple(rows[0]) == COLUMNS
    kinds = [r["kind"] for r in rows]
    assert kinds.count("observable") == len(analysis.observables)
    assert kinds.count("technique") == 2 and kinds.count("actor") == 3
    text = analysis.document.text
    for row in rows:
        if row["kind"] == "observable":
            assert text[int(row["start"]):int(row["end"])] == row["surface"]
    google = next(r for r in rows if r["value"] == "www.google.com")
    assert (google["indicator"], google["benign_reasons"]) == ("false", "top-domains")


def test_csv_observables_only(analysis: Analysis) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(analysis, observables_only=True))))
    assert {r["kind"] for r in rows} == {"observable"}
