"""Hard-wrapped prose and lists whose bullets were lost are not headings (issue 15, class C1).

The text layer of a PDF breaks every line of a paragraph, and many of those lines hold
fourteen words or fewer without closing punctuation: the shape the parser took for a
heading. These texts are written for the tests, in several wordings and layouts per case.
"""

from __future__ import annotations

import pytest

from tests.structure.timing import best_parse_time
from unmask.extract.techniques import extract_techniques
from unmask.model.structure import Structure
from unmask.model.text_structure import text_structure

#: A paragraph wrapped near 95 characters, as a PDF's text layer gives it (enough lines
#: for the parser to see the wrap width).
WRAPPED = (
    "Northern Lynx is a small crew that has been sending lures to logistics firms since at least\n"
    "the spring of 2021, according to the telemetry we collected from customers in the region.\n"
    "The operators write every lure by hand and address each one to a named employee of the firm\n"
    "they want to reach, which makes the messages much harder to filter than bulk spam campaigns.\n"
    "Most lures carried a malicious Word attachment exploiting an outdated Office vulnerability\n"
    "Once opened, the document dropped a loader that the crew had compiled only a day earlier.\n"
    "We counted forty distinct loaders during those months, each signed using stolen certificates\n"
    "Several of them reused one mutex, which let us link the waves to each other with confidence.\n"
)


def _headings(structure: Structure, text: str) -> list[str]:
    return [text[p.span.start : p.span.end] for p in structure.passages if "heading" in p.kinds]


def _layout(structure: Structure, text: str, needle: str) -> str:
    at = text.index(needle)
    return next(p.layout for p in structure.passages if p.span.start <= at < p.span.end and not p.inline)


def test_lines_of_a_wrapped_paragraph_are_prose() -> None:
    text = "Summary\n" + WRAPPED
    s = text_structure(text)
    assert _headings(s, text) == ["Summary"]
    # The line that ends in a content word, followed by a capital, is still prose: it fills
    # the wrap width.
    assert s.kind_at(text.index("Most lures carried")) == "prose"
    assert s.kind_at(text.index("We counted forty")) == "prose"


@pytest.mark.parametrize(
    "paragraph",
    [
        # the next line opens with a lower-case word
        "The attackers reached the mail server of the ministry\nthrough a contractor's VPN account.\n",
        # the line ends in a comma
        "Over the summer the group added a second stage,\nwhich it fetched from a rented server.\n",
        # the line ends in a function word
        "The implant keeps its settings in a registry value under the\nCurrent User hive of the victim.\n",
        # the line ends in a hyphen (a word split at the wrap)
        "Analysts at the bank saw the loader contact a server in Moldova shortly be-\nfore the outage began.\n",
    ],
)
def test_a_line_that_runs_on_is_no_heading(paragraph: str) -> None:
    text = "The team looked into the case in March.\n" + paragraph
    s = text_structure(text)
    assert _headings(s, text) == []


def test_a_line_after_a_line_that_runs_on_is_no_heading() -> None:
    text = ("Investigators later tied the stolen credentials to a broker who sold access to\n"
            "Eastern European Utilities\nfor a few hundred dollars per account.\n")
    assert _headings(text_structure(text), text) == []
    text2 = "It was quiet.\nThe crew rented all of its servers from\nHosting Provider In Bulgaria\n\nThe next wave came in May.\n"
    assert _headings(text_structure(text2), text2) == []


def test_real_headings_stay_headings() -> None:
    text = (
        "Quiet Otter in 2023\n"
        "The group changed its tooling twice during the year.\n"
        "Initial access\n"
        "Most intrusions began with a password-spraying run against webmail.\n"
        "2.1 Loader analysis\n"
        "The loader is a small DLL written in C.\n"
        "INDICATORS AND DETECTION\n"
        "The hashes follow.\n"
    )
    s = text_structure(text)
    assert _headings(s, text) == ["Quiet Otter in 2023", "Initial access", "2.1 Loader analysis",
                                  "INDICATORS AND DETECTION"]


@pytest.mark.parametrize(
    "banner",
    [
        "ACCOUNT SUSPENDED\nfor a breach of the terms of service of this host.\n",
        "NOTICE TO ALL CUSTOMERS\nplease read the update below before you log in again.\n",
        "SEIZED BY ORDER OF THE COURT\nin the matter of the operators of this forum.\n",
    ],
)
def test_a_line_in_capitals_is_a_heading_over_small_print(banner: str) -> None:
    s = text_structure(banner)
    assert _headings(s, banner) == [banner.split("\n", 1)[0]]


def test_a_title_case_heading_of_full_width_in_a_narrow_column() -> None:
    narrow = (
        "The crew reused one certificate for all of its\n"
        "loaders, which made the later waves easy to spot\n"
        "in the telemetry of every customer we asked.\n"
        "The servers were all rented with stolen cards\n"
        "from two resellers that sell virtual machines.\n"
        "Each one ran the same panel on the same port.\n"
        "We shared the list with both resellers in June.\n"
        "Both took the machines down within the week.\n"
        "Abuse of the Resellers' Trial Accounts in Spring\n"
        "The first servers were paid for with trial credit.\n"
    )
    s = text_structure(narrow)
    assert _headings(s, narrow) == ["Abuse of the Resellers' Trial Accounts in Spring"]


@pytest.mark.parametrize(
    ("intro", "items"),
    [
        ("Once installed, the backdoor accepts these commands:",
         ["Upload a file to the server", "Take a screenshot", "Record the microphone", "Remove itself"]),
        ("Among the features of the stealer we found:",
         ["Browser passwords", "Cookies of chat apps", "Crypto wallets"]),
        ("The panel lets an operator do the following:\n",
         ["List the running processes", "Kill a process by name", "Open a reverse shell"]),
    ],
)
def test_short_lines_after_a_colon_are_list_items(intro: str, items: list[str]) -> None:
    text = "The loader is small.\n" + intro + "\n" + "\n".join(items) + "\n\nThe crew still uses it today.\n"
    s = text_structure(text)
    assert _headings(s, text) == []
    for item in items:
        assert _layout(s, text, item) == "item"
    assert _layout(s, text, "The crew still uses") == "prose"


def test_an_item_that_runs_on_takes_its_next_line() -> None:
    text = ("The tool can perform the following actions:\n"
            "Collect the host name, the user name, the list of drives and\n"
            "the version of the operating system\n"
            "Download more files\n")
    s = text_structure(text)
    item = next(p for p in s.passages if text[p.span.start :].startswith("Collect"))
    assert item.layout == "item" and text[item.span.start : item.span.end].endswith("operating system")
    assert _layout(s, text, "Download more") == "item"


def test_a_list_item_naming_indicators_opens_no_indicator_section() -> None:
    text = ("The second stage offers these features:\nEnumerate drives\nCollect saved URLs\nDelete log files\n\n"
            "The operators have stayed focused on a single sector for years.\n")
    s = text_structure(text)
    assert s.kind_at(text.index("The operators have")) == "prose"


def test_techniques_are_read_in_wrapped_prose_and_bulletless_lists() -> None:
    wrapped = ("The crew sent spearphishing emails with malicious attachments to staff of the\n"
               "Finance ministry, and the documents installed a backdoor when they were opened.\n")
    assert "T1566.001" in {t.technique_id for t in extract_techniques(wrapped)}
    listed = ("Once on a host, the implant can do the following:\nCapture screenshots of the desktop\n"
              "Log the keystrokes of the user\nList running processes\n")
    found = {t.technique_id for t in extract_techniques(listed)}
    assert {"T1113", "T1056.001"} <= found


@pytest.mark.parametrize("unit", ["word a\n", "Title Line\n", "runs on the\n", "list:\nitem\n", "x,\n", "\n"])
def test_linear_time(unit: str) -> None:
    # four times the text may take at most eight times as long (quadratic would be sixteen)
    assert best_parse_time(unit * 8_000) < 8 * max(best_parse_time(unit * 2_000), 0.005)


def test_a_rule_line_does_not_run_on() -> None:
    text = "Loader samples\n\n----\n" + "\n".join(f"{i:040x}" for i in range(1, 4)) + "\n----\n"
    s = text_structure(text)
    rule = next(p for p in s.passages if text[p.span.start : p.span.end].startswith("----"))
    assert text[rule.span.start : rule.span.end] == "----"  # the hashes are pieces of their own


@pytest.mark.parametrize("title", ["== Network indicators", "=== Loader analysis", "## What the crew did next"])
def test_a_markup_heading_after_a_line_that_runs_on(title: str) -> None:
    text = f"The hosts the loader contacted are listed in the\n{title}\nThe first host answered on port 443.\n"
    assert title in _headings(text_structure(text), text)


def test_record_lines_do_not_make_a_text_hard_wrapped() -> None:
    # an export's records are each a line of their own, as long as each other; none is a
    # wrapped line of prose, so none joins the next
    rows = [f"Payload installation / sha1: {i:040x} (Loader stage {i})" for i in range(12)]
    text = "Event: Quiet Heron loader set for the spring wave\nDate: 2024-05-04\n" + "\n".join(rows) + "\n"
    s = text_structure(text)
    date = next(p for p in s.passages if text[p.span.start :].startswith("Date:"))
    assert text[date.span.start : date.span.end] == "Date: 2024-05-04"
    for row in rows[:3]:
        piece = next(p for p in s.passages if text[p.span.start :].startswith(row))
        assert text[piece.span.start : piece.span.end] == row


@pytest.mark.parametrize(
    ("label", "body"),
    [
        ("Mitigations", "disable macros sent from outside the company.\nblock the loader's hashes at the gateway.\n"),
        ("Lateral movement", "they copied the loader to each file server over SMB.\n"),
        ("Next steps", "rotate the service account keys this week.\n"),
    ],
)
def test_a_short_label_after_a_blank_line_is_a_heading_over_lower_case_lines(label: str, body: str) -> None:
    # a wrapped paragraph's first line fills the width; a label of a few words does not
    text = f"The loader reached three firms in March.\n\n{label}\n{body}"
    assert _headings(text_structure(text), text) == [label]


def test_a_long_line_with_pipes_in_its_prose_is_split_into_sentences() -> None:
    # a document flattened to one line keeps its table rows' pipes; it is still prose
    sentence = "The loader | the dropper | the wiper were all seen on the same host in March. "
    text = sentence * 40
    structure = text_structure(text)
    assert len(structure.passages) >= 40
