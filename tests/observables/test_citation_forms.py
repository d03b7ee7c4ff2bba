"""Citations written in their own form are references, not indicators (real_check6 class 2).

A URL followed by an access note ("[Accessed ...]", "(retrieved ...)", also on the next
line), a detection rule's reference field ("reference:url,...") and a file name in a
reference list are cited sources. The texts are invented for the tests.
"""

from __future__ import annotations

import unmask
from unmask import extract_observables
from unmask.model import Document


def _plain(text: str) -> dict[str, tuple[str, str]]:
    return {o.value: (o.type, o.role) for o in extract_observables(text)}


def _analyzed(text: str) -> dict[str, tuple[str, str]]:
    document = Document(text=text, format="text", source="paper.txt", sha256="0" * 64, size=len(text))
    return {o.value: (o.type, o.role) for o in unmask.analyze(document).observables}


def test_url_followed_by_an_access_note_on_the_next_line_is_cited() -> None:
    text = (
        "The intrusions were reported in the press at the time.\n"
        "14 Karen Holt, 'Ministries hit by spyware', Evening Courier, 2 March 2009,\n"
        "<http://www.courier-example.com/news/2009/03/ministries-spyware.html>\n"
        "[Accessed 11 April 2011].\n"
    )
    for found in (_plain(text), _analyzed(text)):
        assert found["http://www.courier-example.com/news/2009/03/ministries-spyware.html"] == ("url", "reference")
        assert found["www.courier-example.com"] == ("domain", "reference")


def test_url_followed_by_a_retrieval_note_in_brackets_is_cited() -> None:
    text = "The vendor's first write-up, https://research.vendor-example.org/apt/loader-notes (retrieved 4 June 2020), named the loader.\n"
    assert _plain(text)["https://research.vendor-example.org/apt/loader-notes"] == ("url", "reference")


def test_rule_reference_field_is_cited_while_the_rule_content_is_not() -> None:
    text = (
        'alert tcp $HOME_NET any -> $EXTERNAL_NET 80 (msg:"Loader beacon"; content:"/gate.php"; '
        "reference:url,blog.rules-example.net/2021/loader-beacon; sid:9000001; rev:1;)\n"
    )
    for found in (_plain(text), _analyzed(text)):
        assert found["http://blog.rules-example.net/2021/loader-beacon"] == ("url", "reference")
        assert found["blog.rules-example.net"] == ("domain", "reference")


def test_url_of_an_attacker_followed_by_a_note_of_another_kind_stays_an_indicator() -> None:
    text = "The implant polled http://update-example.top/poll.php (active in May 2021) for new tasks.\n"
    assert _plain(text)["http://update-example.top/poll.php"] == ("url", "indicator")


def test_file_name_in_a_reference_list_is_cited() -> None:
    text = (
        "Conclusion\n\nThe campaign is likely to continue.\n\n"
        "References\n"
        "Dale, Tom. 2007. Defence budgets. Retrieved on 2 May 2008, from http://www.papers-example.org/2007/\n"
        "a/defence/annual-budget-review.pdf and its summary budget-summary.pdf.\n"
    )
    found = _analyzed(text)
    assert found["budget-summary.pdf"] == ("file_name", "reference")


def test_file_name_in_prose_stays_an_indicator() -> None:
    text = "Analysis\n\nThe dropper writes its payload as budget-summary.exe in the temporary folder.\n"
    assert _analyzed(text)["budget-summary.exe"] == ("file_name", "indicator")


def test_end_notes_numbered_in_roman_numerals_are_cited() -> None:
    text = (
        "Analysis\n\nThe loader was first described by another team.iii\n\n"
        "i http://blog.example-news.com/2011/05/first-story/ ii http://research.example-lab.org/notes/loader.html\n"
        "iii http://www.example-forum.net/thread.php?id=4411\n"
    )
    found = _analyzed(text)
    assert found["http://research.example-lab.org/notes/loader.html"] == ("url", "reference")
    assert found["http://www.example-forum.net/thread.php?id=4411"] == ("url", "reference")
    assert found["www.example-forum.net"] == ("domain", "reference")


def test_numbered_list_of_attacker_urls_is_not_an_end_note_list() -> None:
    text = "Indicators\n\nThe droppers were fetched from:\n1 http://cdn.ldr-drop.top/a/ldr.bin\n2 http://img.ldr-drop.top/b/ldr.bin\n"
    found = _analyzed(text)
    assert found["http://cdn.ldr-drop.top/a/ldr.bin"] == ("url", "indicator")


def test_bracket_note_without_a_date_is_no_access_note() -> None:
    text = "The implant fetched http://cdn.update-drop.top/cfg.bin (accessed by the loader at start-up) and ran it.\n"
    assert _plain(text)["http://cdn.update-drop.top/cfg.bin"] == ("url", "indicator")
