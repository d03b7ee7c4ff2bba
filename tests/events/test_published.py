"""The publication date a text gives itself, and where the JSON says the date came from."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from tests.documents.pdfs import make_pdf
from unmask.cli import app
from unmask.documents import parse_bytes
from unmask.documents.text import published_in_text
from unmask.pipeline.analyze import analyze

BODY = "\n\nThe group sent new lures to ministries in the spring and kept at it for months.\n"


@pytest.mark.parametrize(("head", "expected"), [
    ("Op X\n\nPublished 14 March 2025 by the Desk.", dt.date(2025, 3, 14)),
    ("Title\n\nPublished 10 December 2024, 09:15 CET", dt.date(2024, 12, 10)),
    ("Posted on November 15, 2024 by the Intelligence Team", dt.date(2024, 11, 15)),
    ("Report title\nReport date: 2 October 2024", dt.date(2024, 10, 2)),
    ("By Tom Writer\nPublished Feb. 27, 2025 | Updated Feb. 28, 2025", dt.date(2025, 2, 27)),
    ("Headline here\n\nBy Maria Keane | July 10, 2025", dt.date(2025, 7, 10)),
    ("Headline\n\nThreat Research Team | 12 February 2025", dt.date(2025, 2, 12)),
    ("Headline\n\n20 June 2025 | Security Desk", dt.date(2025, 6, 20)),
    ("Headline\n\nMay 3, 2024 · 4 min read", dt.date(2024, 5, 3)),
    ("Headline\n\nCanberra, 14 August 2025 —", dt.date(2025, 8, 14)),
    ("Headline\n\nTIRANA, Albania — June 7, 2024", dt.date(2024, 6, 7)),
    ("Headline\n\nPublished Tuesday, 9 July 2024", dt.date(2024, 7, 9)),
    # A wire dateline has no year: it takes it from another date of the header.
    ("Updated 5 March 2025\n\nWASHINGTON, March 4 (Reuters) - The Treasury acted.", dt.date(2025, 3, 4)),
    ("Updated 2 January 2025\n\nLONDON, Dec. 30 (Reuters) - Officials said.", dt.date(2024, 12, 30)),
    # Header and byline lines of other sites: numeric dates, ISO timestamps, times, dates
    # between separators, labels with an author, a story's foot.
    ("Notice\n\nIssued: 23/09/2025", dt.date(2025, 9, 23)),
    ("Bulletin | 14-11-2024 | Regional CERT", dt.date(2024, 11, 14)),
    ("ANNOUNCEMENT | 2025-07-02 | Cyber Agency", dt.date(2025, 7, 2)),
    ("Headline\n\nNight Desk | 2024-12-01T08:05:00Z", dt.date(2024, 12, 1)),
    ("Headline\n\nBy the Security Team | Nov. 4, 2025 | 3 min read", dt.date(2025, 11, 4)),
    ("Headline\n\nHarbour Post · Feb. 13, 2025 9:41 am", dt.date(2025, 2, 13)),
    ("Headline\n\nBy A. Writer | Staff\nMarch 3, 2025 at 11:20 a.m. EST", dt.date(2025, 3, 3)),
    ("Agency name\nStatement, 5 June 2025, 14:30", dt.date(2025, 6, 5)),
    ("Digest 9 - week of 3 March 2025\nSent Thursday 6 March 2025", dt.date(2025, 3, 6)),
    ("Headline\n\nPosted by the Research Group on 8 April 2025 · Tags: phishing", dt.date(2025, 4, 8)),
    ("Headline\n\nOSLO, Feb. 2, 2025 — Norway's security police said on Sunday the network was hit.\n\n"
     "(Updated Feb. 4, 2025, 10:00 CET.)", dt.date(2025, 2, 2)),
    # "." and "-" numeric dates are day first; "/" with both parts <= 12 follows the text's habit.
    ("Headline\n\nPress office | 04.03.2025", dt.date(2025, 3, 4)),
    ("Headline\n\nPublished: 04/03/2025\n\nThe service acted on 2 March 2025.", dt.date(2025, 3, 4)),
    ("Headline\n\nPublished: 04/03/2025\n\nThe service acted on March 2, 2025.", dt.date(2025, 4, 3)),
    # Wire-service datelines ("--(BUSINESS WIRE)--", "/PRNewswire/ --"), broadcast and
    # parliamentary labels, a record's "as of" date before its filing date, a label after a
    # sentence in a long header line; a bracketed note dates something else (issue 17).
    ("FOR RELEASE\n\nOSLO--(BUSINESS WIRE)--May 6, 2025--Fjordlock today named a new lab.", dt.date(2025, 5, 6)),
    ("Headline\n\nDENVER, Colo. -- April 2, 2025 -- (BUSINESS WIRE) -- Peakline said.", dt.date(2025, 4, 2)),
    ("Headline\n\nAUSTIN, Texas, Sept. 9, 2024 /PRNewswire/ -- Stackwell said.", dt.date(2024, 9, 9)),
    ("Show 40: a bad month\nAired Monday, 3 March 2025 | Transcript\n\nNotes updated 5 March 2025.", dt.date(2025, 3, 3)),
    ("Select Committee report\nTabled 4 June 2024\n(Membership as at 1 May 2024 in Annex B.)", dt.date(2024, 6, 4)),
    ("CASE 2:23-cr-101\nDate filed: 02/11/2023\nDocket as of 09/30/2024 08:15 AM CDT", dt.date(2024, 9, 30)),
    ("Q&A\n\nA talk with a harbour master about the long night the port's booking and gate systems went "
     "down, what the crews did by hand until morning, and what came after. Conducted by phone; published 8 May 2025.",
     dt.date(2025, 5, 8)),
    ("MINISTRY\nGdansk, 05.11.2024\n\n(Courtesy translation, posted on 6 November 2024.)", dt.date(2024, 11, 5)),
    # Only an update date: better than none.
    ("Headline\n\nUpdated: May 4, 2020", dt.date(2020, 5, 4)),
])
def test_the_text_dates_itself(head: str, expected: dt.date) -> None:
    assert published_in_text(head + BODY) == expected


@pytest.mark.parametrize("head", [
    "Report on the 12 March 2024 attacks",
    "Attacks of 12 March 2024 on ministries",
    "Photo: The ministry building in the capital, June 3, 2019. (File photo)",
    "Related: Officials deny the claims (12 March 2024)",
    "- Earlier story on the breach (7 December 2023)",
    "THE HAGUE, Oct. 22 — Officials said the network was cut off.",  # a wire dateline with no year anywhere
    "On 18 July 2007 the embassy flag was photographed.",
])
def test_dates_that_are_not_the_documents_own(head: str) -> None:
    assert published_in_text("Headline\n\n" + head + BODY) is None


def test_a_story_filed_at_its_foot() -> None:
    text = "Headline\n\nBERLIN — Prosecutors acted on Monday.\n\nMore text follows here.\n\nFiled 19.02.2025 09:10\n"
    assert published_in_text(text) == dt.date(2025, 2, 19)


def test_an_ambiguous_slash_date_with_no_other_sign_is_not_guessed() -> None:
    assert published_in_text("Headline\n\nPublished: 04/03/2025" + BODY) is None


def test_an_agency_story_dated_at_its_foot() -> None:
    text = "Headline\n\nWASHINGTON (AP) — Prosecutors acted earlier this month.\n\nBy Ken Arlo, Associated Press\nApril 11, 2025\n"
    assert published_in_text(text) == dt.date(2025, 4, 11)


def test_the_issue_example_is_published_from_text_with_a_dated_event() -> None:
    data = b"Op X\n\nPublished 14 March 2025 by the Desk.\n\nKimsuky sent spearphishing e-mails last week.\n"
    result = CliRunner().invoke(app, ["analyze", "-f", "json", "-"], input=data)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["published"] == "2025-03-14"
    assert out["published_source"] == "text"
    assert out["document"]["metadata"]["published_source"] == "text"
    assert [(e["kind"], e["date"], e["precision"]) for e in out["events"]] == [("campaign", "2025-03-07", "approximate")]


def test_a_given_date_is_marked_given() -> None:
    document = parse_bytes(b"Op X\n\nPublished 14 March 2025 by the Desk.\n\nKimsuky sent lures.\n", source="a.txt")
    analysis = analyze(document, published="2025-03-20")
    assert analysis.to_dict()["published"] == "2025-03-20"
    assert analysis.to_dict()["published_source"] == "given"
    assert analyze(document).to_dict()["published_source"] == "text"
    assert analyze("no date in here at all").to_dict()["published_source"] is None


CREATED = {"CreationDate": "D:20250102093000Z", "Title": "A report"}


def test_pdf_date_from_its_text_is_preferred_over_the_file_date() -> None:
    pages = ["APT40 activity\nReport date: 2 October 2024\nThe group targeted ministries.", "Page two."]
    meta = parse_bytes(make_pdf(pages, info=CREATED), source="r.pdf").metadata
    assert meta.published == dt.date(2024, 10, 2)
    assert meta.published_source == "text"


def test_pdf_file_date_alone_is_flagged_as_file_metadata() -> None:
    meta = parse_bytes(make_pdf(["A report without a date of its own.", "Page two."], info=CREATED),
                       source="r.pdf").metadata
    assert meta.published == dt.date(2025, 1, 2)
    assert meta.published_source == "pdf-metadata"
    assert meta.to_dict()["published_source"] == "pdf-metadata"


def test_html_meta_date_says_so() -> None:
    page = (b"<html><head><meta property='article:published_time' content='2024-03-05T09:30:00Z'>"
            b"<title>Report</title></head><body><article><p>" + b"Kimsuky sent lures to think tanks. " * 20
            + b"</p></article></body></html>")
    meta = parse_bytes(page, source="a.html").metadata
    assert meta.published == dt.date(2024, 3, 5)
    assert meta.published_source == "html-meta"
