"""Error classes found on the fourth labelled set (real_check4), each checked on synthetic text.

Every test here failed before its fix; the texts are invented for the test.
"""

from __future__ import annotations

import unmask
from unmask import extract_observables
from unmask.model import Document


def _found(text: str) -> dict[str, tuple[str, str]]:
    return {o.value: (o.type, o.role) for o in extract_observables(text)}


# -- path roots and named pipes -------------------------------------------------


def test_environment_variable_root_may_hold_digits() -> None:
    text = (
        "Files written by the dropper:\n"
        "%SYSTEM32%\\drivers\\etc\\qmgr64.dll\n"
        "%ProgramW6432%\\Common Files\\upd\\TASKHOST7\n"
    )
    found = _found(text)
    assert found.get("%SYSTEM32%\\drivers\\etc\\qmgr64.dll") == ("file_path", "indicator")
    assert found.get("%ProgramW6432%\\Common Files\\upd\\TASKHOST7") == ("file_path", "indicator")
    # The name inside the path is not listed on its own.
    assert "qmgr64.dll" not in found


def test_format_conversion_is_no_environment_root() -> None:
    # "%08x%" starts with a digit: a printf template, not a variable.
    assert not [v for v in _found("the name is built as %08x%\\cache\\a.tmp at run time") if v.startswith("%08x")]


def test_named_pipes_are_paths() -> None:
    text = (
        "Named pipes used by the implant:\n"
        "\\\\.\\pipe\\NetSyncWrite\n"
        "\\\\.\\pipe\\NetSyncRead%SESSION_ID%\n"
    )
    found = _found(text)
    assert found.get("\\\\.\\pipe\\NetSyncWrite") == ("file_path", "indicator")
    assert found.get("\\\\.\\pipe\\NetSyncRead%SESSION_ID%") == ("file_path", "indicator")


# -- link macros and companion files --------------------------------------------


def test_asciidoc_link_text_on_the_next_line_ends_the_url() -> None:
    text = (
        "The indicators below come from\n"
        "https://research.example-lab.org/2021/04/02/a-new-loader/[\n"
        '"A new loader" write-up]\n'
    )
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {"https://research.example-lab.org/2021/04/02/a-new-loader/"}


def test_link_text_in_quotes_ends_the_url() -> None:
    text = 'See https://research.example-lab.org/notes/[\'the notes\'] for details.'
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {"https://research.example-lab.org/notes/"}


def test_rule_and_openioc_companion_files_are_references() -> None:
    text = (
        "Files included in this folder:\n"
        "* campaign7.ioc : the indicators in OpenIOC format\n"
        "* loader_hunt.yar : a YARA rule for the loader\n"
    )
    found = _found(text)
    assert found.get("campaign7.ioc") == ("file_name", "reference")
    assert found.get("loader_hunt.yar") == ("file_name", "reference")


# -- software a threat targets --------------------------------------------------

_TARGETED_REPORT = """= Loader notes

== Indicators

=== Implant

|=====
|SHA1                                      |Detection
|`b4de761ce68553ec1a81adf27e9eef3be2f632fc`|Win64/Demo.A
|=====

=== Targeted dbcore.dll

|=====
|SHA1
|`2f1f61856e9272ac8e1b5f22de776397a412da82`
|`e130179c831d49a3a00db256ec5f30ddd8f62f5b`
|=====

The implant checks that dbcore.dll can be hooked before it loads.
"""


def _analyzed(text: str) -> dict[str, tuple[str, str]]:
    document = Document(text=text, format="text", source="notes.adoc", sha256="0" * 64, size=len(text))
    return {o.value: (o.type, o.role) for o in unmask.analyze(document).observables}


def test_table_cell_line_is_no_section_heading() -> None:
    document = Document(text=_TARGETED_REPORT, format="text", source="notes.adoc", sha256="0" * 64,
                        size=len(_TARGETED_REPORT))  # fmt: skip
    structure = unmask.analyze(document).structure
    start = _TARGETED_REPORT.index("`2f1f6185")
    passage = structure.passage_at(start)
    assert passage is not None and passage.section == "Targeted dbcore.dll"


def test_hashes_under_a_targeted_software_heading_are_benign() -> None:
    found = _analyzed(_TARGETED_REPORT)
    assert found["b4de761ce68553ec1a81adf27e9eef3be2f632fc"] == ("sha1", "indicator")
    assert found["2f1f61856e9272ac8e1b5f22de776397a412da82"] == ("sha1", "benign")
    assert found["e130179c831d49a3a00db256ec5f30ddd8f62f5b"] == ("sha1", "benign")
    # The module the heading names is the victim's wherever it is written.
    assert found["dbcore.dll"] == ("file_name", "benign")


def test_targeted_attack_heading_keeps_its_samples() -> None:
    text = _TARGETED_REPORT.replace("Targeted dbcore.dll", "Targeted attack samples")
    found = _analyzed(text)
    assert found["2f1f61856e9272ac8e1b5f22de776397a412da82"] == ("sha1", "indicator")


# -- mailboxes and their hosts --------------------------------------------------


def test_customer_subdomain_mailbox_on_a_platform_is_an_indicator() -> None:
    text = "From: Prize Desk <no-reply@spin-winner-42ab.firebaseapp.com>\nSubject: Your bonus\n\nClaim it today.\n"
    found = _found(text)
    assert found["no-reply@spin-winner-42ab.firebaseapp.com"] == ("email", "indicator")
    assert found["spin-winner-42ab.firebaseapp.com"] == ("domain", "indicator")


def test_platform_own_mailbox_stays_benign() -> None:
    # The platform's own name (no customer label before it) is the provider's.
    found = _found("From: Alerts <alerts@firebaseapp.com>\nSubject: notice\n")
    assert found.get("firebaseapp.com", ("domain", "benign"))[1] != "indicator"


def test_publisher_contact_mailbox_domain_is_benign() -> None:
    text = "Threat Bulletin\nContact: intel-desk@uk.example-advisory.com\nTLP: CLEAR\n"
    found = _found(text)
    assert found["intel-desk@uk.example-advisory.com"] == ("email", "benign")
    assert found["uk.example-advisory.com"] == ("domain", "benign")


# -- ids that are not file hashes, the author's own tools, cited sources ---------


def test_relay_fingerprint_is_no_file_hash() -> None:
    text = "Exit relay record:\nExitNode 6B3E5A8C0F1D2E4A7B9C8D0E1F2A3B4C5D6E7F80\nExitAddress 198.51.100.77\n"
    found = _found(text)
    assert found["6b3e5a8c0f1d2e4a7b9c8d0e1f2a3b4c5d6e7f80"] == ("sha1", "benign")


def test_certificate_thumbprint_stays_a_sha1() -> None:
    found = _found("Signing certificate thumbprint: 1A2B3C4D5E6F7A8B9C0D1E2F3A4B5C6D7E8F9A0B\n")
    assert found["1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"] == ("sha1", "indicator")


def test_the_authors_own_script_is_benign() -> None:
    text = "I wrote a small module for the scanner, named relayProbe.py, and sent it upstream.\n"
    assert _found(text)["relayProbe.py"] == ("file_name", "benign")


def test_a_sandbox_the_author_built_does_not_clear_the_sample() -> None:
    text = "We built a sandbox and ran loader77.exe in it; the dropper wrote svcupd.exe.\n"
    found = _found(text)
    assert found["loader77.exe"] == ("file_name", "indicator")
    assert found["svcupd.exe"] == ("file_name", "indicator")


def test_details_from_a_listed_page_cite_it() -> None:
    found = _found("Details from https://check.torproject.org/exit-addresses\nExitAddress 198.51.100.77\n")
    assert found["https://check.torproject.org/exit-addresses"] == ("url", "reference")


def test_listed_citation_author_domain_in_a_reference_entry_is_a_reference() -> None:
    text = (
        "Attack pattern: T1059.004: Unix Shell\n\nAdversaries may abuse shells.\n"
        "Reference: ManPage Bash https://manpages.example-docs.net/man/1/bash "
        "(die.net. (n.d.). bash(1) - manual page. Retrieved June 12, 2020.)\n"
    )
    assert _analyzed(text)["die.net"] == ("domain", "reference")


# -- layout ---------------------------------------------------------------------

_SHA256 = "9f2be1c4" * 8


def test_url_split_after_a_hash_segment_is_rejoined() -> None:
    text = f"4\nFor the sample see\nhttps://scan.example-av.com/en/file/{_SHA256}\n/analysis/\n5\nSee more.\n"
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {f"https://scan.example-av.com/en/file/{_SHA256}/analysis/"}


def test_path_in_prose_on_the_next_line_is_not_joined() -> None:
    text = f"See http://other.example-blog.org/x/{_SHA256}\n/etc/passwd was read next\n"
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {f"http://other.example-blog.org/x/{_SHA256}"}


# -- a mail's image hosts -------------------------------------------------------

_SPAM = """From: Bonus Team <win@promo-blast.example-mailer.net>
Subject: Your free spins

Claim your spins today.

[links]
https://spins-now.bet-offers.biz/c/8Hx2Kq
https://pics7.shareimg-host.com/a1/b2/banner_o.png
https://pics7.shareimg-host.com/c3/d4/footer_o.png
https://assets.spins-now.bet-offers.biz/logo.png
"""


def test_a_host_a_spam_links_only_for_pictures_is_an_image_host() -> None:
    found = _found(_SPAM)
    assert found["pics7.shareimg-host.com"] == ("domain", "benign")
    # the pictures' URLs stay indicators, and so does the host the clicks go to
    assert found["https://pics7.shareimg-host.com/a1/b2/banner_o.png"] == ("url", "indicator")
    assert found["spins-now.bet-offers.biz"] == ("domain", "indicator")


def test_an_image_host_named_elsewhere_stays_an_indicator() -> None:
    text = _SPAM.replace("Claim your spins today.", "Claim your spins at pics7.shareimg-host.com today.")
    assert _found(text)["pics7.shareimg-host.com"] == ("domain", "indicator")
