"""The passage model (unmask.model.structure) and its parser, on texts written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unmask
from tests.structure.timing import best_parse_time
from unmask.documents.structure import parse_structure
from unmask.extract.sentences import split_sentences, structure_of
from unmask.model import Document, ExtractContext, Page, Span
from unmask.model.structure import KINDS, Passage, Structure
from unmask.model.text_structure import text_structure

REPORT = """\
# Quiet Heron: a made-up intrusion set

Quiet Heron sent lures to finance staff in 2024. The loader then ran a PowerShell stage. (Citation: Example Lab 2024)

## Technical details

| ID | Technique | Use |
|----|-----------|-----|
| T1566.001 | Spearphishing Attachment | lures |
| T1059.001 | PowerShell | second stage |

```
$ whoami /all
```

From: payroll team <pay@lure.example>
Subject: your bonus statement

## Recommendations

- Use multi-factor authentication on every remote service.
- Keep an offline copy of backups.

Defenders can read the full list below.

## Indicators of Compromise

- bad-host[.]example
- 9e107d9d372bb6826bd81d3542a419d6

## References

[1] Example Lab, "Quiet Heron dissected", 3 May 2024.
"""


def _kind(structure: Structure, text: str, needle: str) -> str:
    return structure.kind_at(text.index(needle))


def test_every_part_of_a_report_gets_its_kind() -> None:
    s = text_structure(REPORT)
    assert _kind(s, REPORT, "Quiet Heron sent lures") == "prose"
    assert _kind(s, REPORT, "## Technical details") == "heading"
    assert _kind(s, REPORT, "| T1566.001") == "table"
    assert _kind(s, REPORT, "whoami") == "code"
    assert _kind(s, REPORT, "Subject: your bonus") == "email-header"
    assert _kind(s, REPORT, "- Use multi-factor") == "advice"
    assert _kind(s, REPORT, "Defenders can read") == "advice"  # still under Recommendations
    assert _kind(s, REPORT, "- bad-host[.]example") == "ioc-list"
    assert _kind(s, REPORT, "[1] Example Lab") == "reference"
    # the inline citation is a reference inside a prose sentence
    assert _kind(s, REPORT, "(Citation: Example Lab") == "reference"
    assert _kind(s, REPORT, "The loader then ran") == "prose"
    first = s.passages[0]
    assert first.title and first.kind == "heading" and first.level == 1


def test_table_rows_keep_their_cells_header_and_columns() -> None:
    s = text_structure(REPORT)
    rows = [p for p in s if p.kind == "table"]
    header, rule, first, second = rows
    assert header.header and not first.header
    assert first.cell_texts(REPORT) == ("T1566.001", "Spearphishing Attachment", "lures")
    assert first.columns == ("ID", "Technique", "Use")
    assert first.table == header.table == second.table == 0
    assert rule.cells == ()
    assert first.column_of(REPORT.index("Spearphishing")) == "Technique"
    assert first.section == "Technical details"


def test_tab_and_aligned_column_tables_and_asciidoc_rows() -> None:
    text = "name\thash\tnote\nalpha\t0011\tfirst\n\nHost   Port   Seen\nbad.example   443   May\n\n| T1055 | Process Injection\n"
    s = text_structure(text)
    tab = s.block_at(text.index("alpha"))
    assert tab is not None and tab.kind == "table" and tab.cell_texts(text) == ("alpha", "0011", "first")
    aligned = s.block_at(text.index("bad.example"))
    assert aligned is not None and aligned.cell_texts(text) == ("bad.example", "443", "May")
    asciidoc = s.block_at(text.index("T1055"))
    assert asciidoc is not None and asciidoc.layout == "row"
    assert asciidoc.cell_texts(text) == ("T1055", "Process Injection")


def test_advice_sentences_outside_an_advice_section() -> None:
    text = ("The operators stole mail for months.\n\n"
            "We recommend that every account uses a hardware key.\n\n"
            "Organizations should rotate service passwords.\n\n"
            "Use of PowerShell by the loader was logged.\n")
    s = text_structure(text)
    assert _kind(s, text, "The operators") == "prose"
    assert _kind(s, text, "We recommend") == "advice"
    assert _kind(s, text, "Organizations should") == "advice"
    assert _kind(s, text, "Use of PowerShell") == "prose"  # a noun, not an imperative


def test_an_advice_section_ends_at_the_next_part_of_the_report() -> None:
    text = ("## Mitigations\n\nPatch the VPN appliance quickly.\n\n### Accounts\n\nRotate keys after the incident.\n\n"
            "## Attack details\n\nThe actor moved laterally over RDP to the file server.\n")
    s = text_structure(text)
    assert _kind(s, text, "Rotate keys") == "advice"  # a sub-heading keeps the section
    assert _kind(s, text, "The actor moved") == "prose"  # a heading of the same level ends it


def test_captions_bylines_and_related_lists_are_furniture() -> None:
    text = ("Officials met on Monday.\n\nA control room in the capital. (Photo by A. Person)\n\n"
            "By Jane Writer\n\nRelated\n\nAnother story about a breach\n")
    s = text_structure(text)
    assert _kind(s, text, "A control room") == "caption"
    assert _kind(s, text, "By Jane") == "furniture"
    assert _kind(s, text, "Another story") == "furniture"
    assert _kind(s, text, "Officials met") == "prose"


def test_a_tags_line_is_furniture_but_opens_no_block_of_links() -> None:
    # A MISP event as the reader renders it: a "Tags:" line, then the attributes.
    text = ("Event: Phishing wave\nDate: 2024-05-01\nTags: SOURCE:DESK, PUBLISHED\n\n"
            "Payload delivery / email-src: sender.one@example-mail.net\n"
            "Network activity / domain: login-check.example-cdn.org\n")
    s = text_structure(text)
    assert _kind(s, text, "Tags: SOURCE") == "furniture"
    assert _kind(s, text, "Payload delivery") != "furniture"
    assert _kind(s, text, "Network activity") != "furniture"
    analysis = unmask.analyze(text)
    assert {o.value: o.role for o in analysis.observables if o.type == "email"} == {
        "sender.one@example-mail.net": "indicator"}


def test_lookups() -> None:
    s = text_structure(REPORT)
    assert s.passage_at(len(REPORT) + 5) is None
    assert s.kind_at(len(REPORT) - 1) in KINDS
    refs = list(s.of_kind("reference"))
    assert [p.inline for p in refs] == sorted(p.inline for p in refs) or len(refs) >= 2
    start = REPORT.index("## Recommendations")
    assert s.any_of(["advice"], start, start + 200)
    assert not s.any_of(["advice"], 0, 40)
    assert all(p.span.start < p.span.end for p in s.within(0, len(REPORT)))


def test_the_model_checks_what_it_is_given() -> None:
    with pytest.raises(ValueError, match="kind"):
        Passage(kind="sidebar", span=Span(0, 1))
    with pytest.raises(ValueError, match="overlaps"):
        Structure(length=10, passages=(Passage("prose", Span(0, 5)), Passage("prose", Span(3, 8))))
    with pytest.raises(ValueError, match="structure covers"):
        Document(text="abc", source="x", format="text", sha256="0", structure=Structure(length=5))


def test_sentences_are_the_structures_passages() -> None:
    s = text_structure(REPORT)
    sentences = split_sentences(REPORT, s)
    assert [x.span for x in sentences] == [p.span for p in s.passages]
    assert structure_of(REPORT) is s


def test_the_pipeline_computes_the_structure_once_and_shares_it() -> None:
    document = Document(text=REPORT, source="r", format="markdown", sha256="0")
    given = parse_structure(REPORT, format="markdown")
    context = ExtractContext.for_document(document, structure=given)
    assert context.structure is given
    assert structure_of(REPORT, context) is given
    analysis = unmask.analyze(Document(text=REPORT, source="r", format="markdown", sha256="0", structure=given))
    assert analysis.document.structure is given


def test_running_page_headers_of_a_pdf_are_furniture() -> None:
    pages = []
    text = ""
    for number in range(1, 6):
        start = len(text)
        text += (f"Example Lab Threat Report\nPage {number} of 5\n\nThe intrusion continued on day {number}.\n"
                 f"{'Mail' if number % 2 else 'Files'} were taken.\nA {number}-step loader ran.\n"
                 f"Logs of host {number} were wiped.\nIt ended {'late' if number > 2 else 'early'}.\n\n")
        pages.append(Page(number, start, len(text)))
    s = parse_structure(text, format="pdf", pages=pages)
    assert s.kind_at(text.index("Example Lab Threat Report")) == "furniture"
    assert s.kind_at(text.index("Page 3 of 5")) == "furniture"
    assert s.kind_at(text.index("The intrusion continued")) == "prose"
    assert text_structure(text).kind_at(text.index("Page 3 of 5")) != "furniture"


def test_spans_a_reader_calls_advice_are_advice_whatever_their_words() -> None:
    text = ("The crew copied the archive to a rented server.\n\n"
            "Rotate the keys of the backup service. Each operator then rebuilds the image.\n\n"
            "Later the crew deleted the archive.")
    start = text.index("Rotate")
    end = text.index("image.") + len("image.")
    s = parse_structure(text, advice=[(start, end)])
    assert s.kind_at(text.index("Each operator")) == "advice"
    assert s.kind_at(start) == "advice"
    assert s.kind_at(text.index("The crew copied")) == "prose"
    assert s.kind_at(text.index("Later the crew")) == "prose"
    # without the reader's spans, the second sentence reads as plain prose
    assert parse_structure(text).kind_at(text.index("Each operator")) == "prose"


@given(st.text(alphabet=st.sampled_from(list("ab |\t-#=\n.`:[]()1T"))))
@settings(max_examples=200)
def test_any_text_gives_ordered_passages_in_bounds(text: str) -> None:
    s = text_structure(text)
    previous = 0
    for passage in s.passages:
        assert previous <= passage.span.start < passage.span.end <= len(text)
        assert passage.kind in passage.kinds
        for cell in passage.cells:
            assert passage.span.start <= cell.start < cell.end <= passage.span.end
        previous = passage.span.end


@pytest.mark.parametrize(
    "unit",
    ["| a | b |\n", "- Use keys now.\n", "From: a@b.example\n", "```\n", "(Citation: X) ", "## References\n",
     "word " * 30 + "\n", "x" * 500 + "\n"],
)
def test_linear_time(unit: str) -> None:
    # four times the text may take at most eight times as long (quadratic would be sixteen)
    assert best_parse_time(unit * 8_000) < 8 * max(best_parse_time(unit * 2_000), 0.005)


def test_labelled_reference_lines_and_notes() -> None:
    text = ("The loader beaconed hourly.\n\nReference: Example Lab loader notes https://lab.example/notes\n"
            "[2] Example Lab, loader notes, 2021\n[3] To be clear, the loader never spread by itself.\n")
    s = text_structure(text)
    assert _kind(s, text, "Reference: Example") == "reference"
    assert _kind(s, text, "[2] Example Lab") == "reference"
    assert _kind(s, text, "[3] To be clear") == "prose"  # a note of prose, no link or year


def test_the_analysis_json_says_which_passage_each_finding_is_in() -> None:
    data = unmask.analyze(REPORT).to_dict(include_text=False)
    assert data["structure"]["kinds"]["table"] == 4
    assert data["structure"]["tables"] == 1 and data["structure"]["citations"] == 1
    assert data["structure"]["title"] == {"start": 0, "end": REPORT.index("\n")}
    rows = [t["span"] for t in data["techniques"] if t["technique_id"] == "T1566.001" and t["method"] == "id"]
    assert rows and all(span["passage"] == "table" for span in rows)


def test_the_structure_is_public_api() -> None:
    assert {"parse_structure", "Structure", "Passage"} <= set(unmask.__all__)
    assert unmask.parse_structure is parse_structure
    assert isinstance(unmask.parse_structure("Hello there, reader."), unmask.Structure)


def test_an_advice_section_without_markup_ends_at_a_title_case_heading() -> None:
    text = ("Mitigation\n\nTurning off the browser plugin stops the exploit.\n\nThreat Group History\n\n"
            "The group has used custom backdoors for years.\n- Enforce signed plugins only.\n\n"
            "Consider Extended Analysis\n\nLogs from the gateway help the responders.\n")
    s = text_structure(text)
    assert _kind(s, text, "Turning off") == "advice"
    assert _kind(s, text, "The group has used") == "prose"
    assert _kind(s, text, "- Enforce signed") == "advice"  # an item that says what to do
    assert _kind(s, text, "Logs from the gateway") == "advice"  # "Consider ...": advice again


def test_stix_courses_of_action_and_agency_advice() -> None:
    text = ("Course of action: Ensure proxy logging is on\nTurn on logging of proxy traffic at the edge.\n\n"
            "Attack pattern: T1090: Proxy\nThe actor relays its traffic through hired proxies.\n\n"
            "CISA, FBI, and HHS encourage clinics to keep offline backups.\n")
    s = text_structure(text)
    assert _kind(s, text, "Turn on logging") == "advice"
    assert _kind(s, text, "The actor relays") == "prose"
    assert _kind(s, text, "CISA, FBI, and HHS") == "advice"


def test_html_pre_block_reaches_the_passage_model_as_code(tmp_path: Path) -> None:
    import unmask
    from unmask.documents.structure import html_code_spans, structure_of_document

    page = (
        b"<html><body><article><h1>Lantern notes</h1><p>The implant sends this request to its server.</p>"
        b"<pre><code>GET /q1w2e3r4 HTTP/1.1\nUser-Agent: LanternAgent/2.0\nHost: beacon.lantern-c2.net</code></pre>"
        b"<p>The operators rotate the host every week, according to the team.</p></article></body></html>"
    )
    path = tmp_path / "notes.html"
    path.write_bytes(page)
    document = unmask.read(str(path))
    structure = structure_of_document(document)
    kinds = {structure.kind_at(document.text.index(line)) for line in ("GET /q1w2e3r4", "Host: beacon")}
    assert kinds == {"code"}
    assert structure.kind_at(document.text.index("The operators")) == "prose"
    assert html_code_spans(b"<p>no blocks</p>", "no blocks") == ()
