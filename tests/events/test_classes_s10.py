"""Classes of event and publication-date errors met on unseen text in session 10 (issue 17),
one mechanism each; every text here is written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.documents.text import published_in_text
from unmask.extract.events import extract_events
from unmask.model import ExtractContext

BODY = "\n\nThe crew sent booby-trapped invoices to hauliers over several weeks.\n"


def _fitted(why: str) -> pytest.MarkDecorator:
    """A case reworded away from the blind sets' own sentences that the rule no longer meets:
    the rule read that wording, not the class (kept failing for the rule's owner to widen)."""
    return pytest.mark.xfail(strict=True, reason="rule fitted to a blind set's wording: " + why)


def _events(text: str, published: str) -> set[tuple[str, str, str]]:
    context = ExtractContext(published=dt.date.fromisoformat(published))
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=context)}


# --- publication date: four layouts -------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # a label with the place it was put out before its date, at the foot
    ("Case note" + BODY + "\nPosted to the prosecutor's website on 14/05/2025", dt.date(2025, 5, 14)),
    ("Case note" + BODY + "\nPublished on our newsroom 2 June 2025", dt.date(2025, 6, 2)),
    # a bracketed numeric date alone on its line under the header
    ("Reply of the Minister to question 88/2025\n(9.4.2025)" + BODY, dt.date(2025, 4, 9)),
    ("Reply of the Minister\n[2025-04-09]" + BODY, dt.date(2025, 4, 9)),
    # a place dateline before an ambiguous numeric date: the place's country says the order
    ("Press office\nLisbon, 04/03/2025" + BODY, dt.date(2025, 3, 4)),
    ("Press office\nTexas, 04/03/2025" + BODY, dt.date(2025, 4, 3)),
    # a wire dateline without a year, no other date in the header: the copyright year at the foot
    ("Court frees hacker\n\nMADRID, June 9 (Desk) - A court freed a man." + BODY + "(c) 2025 Desk Agency.",
     dt.date(2025, 6, 9)),
    ("Court frees hacker\n\nMADRID, Dec. 30 (Desk) - A court freed a man." + BODY + "© 2024 Desk Agency",
     dt.date(2024, 12, 30)),
])
def test_publication_date_layouts(text: str, expected: dt.date) -> None:
    assert published_in_text(text) == expected


def test_a_numeric_date_with_an_unknown_place_stays_unread() -> None:
    # no sign of the order and no known place: no guess
    assert published_in_text("Press office\nQwzxville, 04/03/2025" + BODY) is None


# --- ranges, hedges and the deeds that start or end an activity ------------------------------

@pytest.mark.parametrize(("text", "published", "expected"), [
    # "until at least" is an end no earlier than that: a guess at the month
    ("The crew ran its phishing waves against hauliers from the autumn of 2023 until at least March 2025.",
     "2025-06-01", {("activity-start", "2023", "approximate"), ("activity-end", "2025-03", "approximate")}),
    # "into" ends a range like "until"
    ("The intruders targeted the shipping firm from last October into January.",
     "2025-06-01", {("activity-start", "2024-10", "month"), ("activity-end", "2025-01", "month")}),
    # a hedged start: "since approximately", "in or around"
    ("The group has exploited the gateway flaw since approximately mid-February 2025.",
     "2025-06-01", {("activity-start", "2025-02", "approximate")}),
    ("The crew first got access to a dental practice's systems in or around April 2024 and copied x-ray images.",
     "2025-06-01", {("activity-start", "2024-04", "approximate")}),
    # the first and the latest deed said with their verbs start and end the activity
    ("Responders have traded notes since the first fake invoices were sent in March 2025. "
     "The latest invoices anyone has seen were sent in May.",
     "2025-07-01", {("activity-start", "2025-03", "month"), ("activity-end", "2025-05", "month")}),
])
def test_ranges_and_hedges(text: str, published: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, published) == expected


def test_an_and_list_of_months_is_two_dates_of_the_year_said() -> None:
    # review LOW-8: "in May and February 2024" is two months of 2024, not a range from May 2023
    found = _events("The gang hit two hospitals in May and February 2024.", "2025-06-01")
    assert found == {("campaign", "2024-05", "month"), ("campaign", "2024-02", "month")}
    ranged = _events("The gang attacked hospitals between May and February 2024.", "2025-06-01")
    assert ranged == {("activity-start", "2023-05", "month"), ("activity-end", "2024-02", "month")}


@pytest.mark.parametrize(("text", "expected"), [
    # prolonging a sanctions framework, a detection, a materiality decision: no event
    ("On 28 May 2025 the Council chose to prolong its cyber sanctions framework until May 2028.", set()),
    ("The Council decided on 3 June 2025 to extend the sanctions regime against hostile cyber activity by three years.", set()),
    ("The company had detected unauthorised access to its mail servers on 12 May 2025 and activated its incident plan.", set()),
    ("On 14 May 2025 the board determined that the ransomware incident at its plant was material.", set()),
    # the Presidency condemning the intrusions blames someone in public (a report); voicing solidarity does not
    ("On 5 March 2025 the Presidency issued a declaration condemning the intrusions into the ministries.",
     {("report", "2025-03-05", "day")}),
    ("On 5 March 2025 the Presidency issued a declaration expressing solidarity with the ministries hit by the intrusions.", set()),
])
def test_deeds_that_are_no_event_and_declarations(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2025-06-10") == expected


# --- the text's own report, headline actions, furniture --------------------------------------

def _report_days(text: str, published: str) -> set[str]:
    return {date for kind, date, _ in _events(text, published) if kind == "report"}


def test_a_victims_letter_in_its_own_voice_dates_its_own_report() -> None:
    text = "Dear customer,\n\nWe are writing to let you know about an incident at our shop.\n"
    assert _report_days(text, "2025-06-01") == {"2025-06-01"}


def test_a_quoted_first_person_is_not_the_texts_own_voice() -> None:
    text = 'Harbour news\n\n"We are writing to every customer," a spokesman for the shop said.\n'
    assert _report_days(text, "2025-06-01") == set()


def test_being_told_of_malicious_code_is_a_detection_not_a_report() -> None:
    text = "Dear client,\n\nOn Thursday 5 June the firm that hosts our online store told us that a rogue script sat in the payment form.\n"
    assert ("report", "2025-06-05", "day") not in _events(text, "2025-06-10")
    told = "The agency told us on 3 June that a foreign service was behind it."
    assert ("report", "2025-06-03", "day") in _events(told, "2025-06-10")


def test_a_standing_charge_is_no_indictment_on_the_day_of_another_action() -> None:
    text = "Police on Wednesday handed over a man who is charged with helping the crew to break into banks."
    assert not any(kind == "indictment" for kind, _, _ in _events(text, "2025-06-06"))


def test_a_wire_dateline_under_a_byline_dates_no_event() -> None:
    text = ("Fraudster sent to U.S.\n\nBy B. Reporter\nMADRID, June 18 (Desk) - Spain on Monday extradited "
            "a suspected fraudster to America.\n")
    assert _events(text, "2025-06-18") == {("arrest", "2025-06-16", "day")}


@pytest.mark.parametrize(("text", "expected"), [
    # plural designations and signed-off listings are sanctions
    ("The new designations apply from today, so the two brothers' funds are to be blocked.", {("sanction", "2025-06-01", "day")}),
    ("Yesterday evening the cabinet signed off the new listings.", {("sanction", "2025-05-31", "day")}),
    # the publisher's own earlier piece, and a regulation's year after a bracketed name: furniture
    ("Our spring report, published in March, looked at the crew's extortion portal and its victims.", set()),
    ("You can read more in our explainer from February about how asset freezes are applied.", set()),
    ("The office froze the assets under the Cyber (Sanctions) (Exit) Regulations 2019.", set()),
])
def test_sanction_words_and_furniture(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2025-06-01") == expected


# --- timelines and relative years --------------------------------------------------------------

def test_a_timeline_of_list_items_opened_by_their_days() -> None:
    text = ("Timeline\n"
            "- 2 March: first booby-trapped invoice opened at the haulier\n"
            "- Week of 16 March: the warehouse's email gateway entered using a leaked password\n"
            "- 9 April: last beaconing traffic we observed\n")
    assert _events(text, "2025-05-01") == {
        ("activity-start", "2025-03-02", "day"), ("campaign", "2025-03", "approximate"), ("activity-end", "2025-04-09", "day")}


def test_earlier_in_the_year_is_a_guess_at_the_year() -> None:
    assert _events("The gang attacked two councils earlier in the year.", "2025-11-18") == {("campaign", "2025", "approximate")}


def test_a_date_between_an_action_and_a_later_date_keeps_the_later_one_for_its_own_noun() -> None:
    text = "The gang fell silent once officers detained five suspects in August for the attacks on bakeries earlier in the year."
    assert _events(text, "2025-11-18") == {("arrest", "2025-08", "month"), ("campaign", "2025", "approximate")}


# --- pleas, searches, statements -------------------------------------------------------------

@pytest.mark.parametrize(("text", "published", "expected"), [
    # a guilty plea entered at a hearing is a conviction
    ("Plea: guilty on all charges, entered at a court hearing on 13 January 2026.", "2026-02-01",
     {("conviction", "2026-01-13", "day")}),
    # a suspect's belongings seized in a search are no takedown; the actor's servers are
    ("Detectives arrested her at a flat on 2 January 2026 and seized phones holding the gang's chats.", "2026-02-01",
     {("arrest", "2026-01-02", "day")}),
    ("Police on Monday detained the broker. Officers seized laptops and two cars during a search.", "2026-01-16",
     {("arrest", "2026-01-12", "day")}),
    ("Police seized 40 servers and the gang's domains on 2 January 2026.", "2026-02-01",
     {("takedown", "2026-01-02", "day")}),
    # a statement dated where it is named is a report on that day; a trailing source's is not the news
    ("In a letter to patients on Monday the clinic explained that intruders had copied scans.", "2026-05-27",
     {("report", "2026-05-25", "day")}),
    ("The suspect was detained on the 3rd, the regional police said in a statement on Thursday.", "2025-11-07",
     {("arrest", "2025-11-03", "day")}),
])
def test_pleas_searches_and_statements(text: str, published: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, published) == expected


# --- more furniture: references to earlier pieces, coverage, fiscal years, datelines ----------

@pytest.mark.parametrize(("text", "expected"), [
    ("As I set out in my reply of 21 January 2025, ministers keep the list of designated persons under constant review.", set()),
    ("Our last newsletter (No. 7, issued 27 January 2025) dealt with the leak-site posts that followed the extortion attacks.", set()),
    ("Our complete tracker, which begins in 2011, records each incident at an airport.", set()),
    ("The directors withdrew their outlook for financial year 2025 following the intrusion.", set()),
    # a public exposure of a unit's role is a public attribution
    ("On 18 February, together with allied agencies, we exposed the activities of an intelligence service in the town hall hacks.",
     {("report", "2025-02-18", "day")}),
    # "this week" is too vague to date a deed
    ("Our plant was hit by ransomware this week.", set()),
])
def test_references_coverage_and_vague_weeks(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2025-03-12") == expected


def test_a_mixed_case_place_before_a_numeric_date_is_a_dateline() -> None:
    text = "Notice\n\nBremen, 07.03.2025 - Acme Pumps AG was hit by a cyber attack on its plants on 5 March 2025.\n"
    assert _events(text, "2025-03-07") == {("campaign", "2025-03-05", "day")}


# --- a government's or an agency's own act on its publication day --------------------------

def test_an_alert_headed_with_a_colon_is_the_agencys_advisory_on_its_day() -> None:
    text = ("National Cyber Desk\n\nAlert: Active exploitation of a flaw in harbour gateways\n\nNumber: AL-7\n"
            "Date: 3 March 2025\n\nAudience\nThis alert is for operators.\n")
    assert ("advisory", "2025-03-03", "day") in _events(text, "2025-03-03")


def test_a_staff_email_saying_we_reported_the_incident_is_the_victims_report() -> None:
    text = ("Dear staff,\n\nOur response so far\nWe have changed all account passwords, blocked the phishing senders' "
            "addresses and reported this breach to our country's cyber security agency.\n")
    assert _report_days(text, "2025-02-06") == {"2025-02-06"}


def test_a_government_stating_whose_work_the_attacks_were_is_its_report_that_day() -> None:
    text = ("The Government, drawing on the analysis of its national CERT, states that the intrusions at "
            "two water utilities in April were carried out by a foreign intelligence service.")
    assert ("report", "2025-06-12", "day") in _events(text, "2025-06-12")
    # a standing view in a subordinate clause is not
    view = "It is a unit that the Government states that officials were behind, as is well known."
    assert ("report", "2025-06-12", "day") not in _events(view, "2025-06-12")


def test_a_case_header_with_an_action_and_its_full_date_dates_the_action() -> None:
    text = ("CASE NOTE\n\nR v Jane Roe - Harbour Crown Court - sentenced 4 March 2025\n\n"
            "Facts: the defendant laundered ransom payments for a crew.\n")
    assert ("conviction", "2025-03-04", "day") in _events(text, "2025-03-05")
    # a heading's action without a date of its own is no event there
    title = "Broker sentenced over ransom payments\n\nThe court heard the case in Leeds.\n"
    assert _events(title, "2025-03-05") == set()


@pytest.mark.parametrize(("text", "expected"), [
    # a vendor's fix is no event
    ("On 3 November 2025 the manufacturer released a patch for its routers that closes a hole letting intruders read configuration files.",
     set()),
    # a victim confirming that it was attacked is a report on that day
    ("The county library service confirmed on Thursday that its systems were hit by ransomware.", {("report", "2025-11-06", "day")}),
    # an interview's recording date is furniture
    ("Interview conducted on 6 November 2025; published 8 November 2025.", set()),
])
def test_fixes_confirmations_and_recordings(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2025-11-08") == expected


@pytest.mark.parametrize(("text", "published", "expected"), [
    # a "when" clause after a date is at that date; "out of action since" is no start
    ("The crew has stayed out of action since April 2025, when officers seized its servers and detained two members.",
     "2025-10-09", {("takedown", "2025-04", "month"), ("arrest", "2025-04", "month")}),
    # the writer's previous bulletin is furniture, whatever date it covers
    pytest.param("Our last newsletter (No. 2, sent out 6 January 2025) reviewed the extortion posts of the final six months of 2024.",
                 "2025-07-22", set(), marks=_fitted("the bulletin's own date is furniture now, but the period it covered "
                                                    "still dates a campaign: 'issued' only hid it as an advisory word")),
    # an aside "the day after ..." is another day; the main clause past its comma is this date's
    ("On Thursday, the day after the crew locked the airport's systems, the state cyber office issued an advisory about it.",
     "2025-03-14", {("advisory", "2025-03-13", "day")}),
])
def test_when_clauses_earlier_bulletins_and_asides(text: str, published: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, published) == expected


def test_a_titles_action_is_at_the_day_the_lede_first_names() -> None:
    text = ("Harbour Police - Press Office\n\nOperation Low Tide: four arrested over attacks on port systems\n\n"
            "The Harbour Police today ran Operation Low Tide against a gang thought to be behind the extortion raids.\n")
    assert ("arrest", "2025-04-02", "day") in _events(text, "2025-04-02")


@pytest.mark.parametrize(("text", "expected"), [
    # an agency listing a flaw among those it knows are being used in attacks: its advisory
    ("On 19 February 2026 the agency added the VPN appliance bug to its KEV catalogue.",
     {("advisory", "2026-02-19", "day")}),
    # a gang's first victim on its leak site starts its activity
    ("A newly formed crew named its first victims on 11 February and had claimed twenty more within weeks.",
     {("activity-start", "2026-02-11", "day")}),
    # the intruders being found is a detection, no event
    ("The logistics firm said the intruders had lurked in its systems for weeks before they were spotted in late January.", set()),
    # an agency's warning still is an advisory
    ("The national security agency warned on Thursday that activists may attempt to take websites down.",
     {("advisory", "2026-02-26", "day")}),
])
def test_catalogue_listings_first_victims_and_detections(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2026-03-02") == expected


@pytest.mark.parametrize(("text", "expected"), [
    # a newspaper piece's own date, and what it wrongly said, in a correction
    ('An article published on 28 March 2025 ("Teenager detained over college hack") misstated the date of the arrest.', set()),
    pytest.param("The article wrongly stated that the college intrusion started in December; it started on 9 February.",
                 {("activity-start", "2025-02-09", "day")},
                 marks=_fitted("'the college intrusion started' gives a campaign; 'the attack on the college started' a start")),
    # another document's date: a forecast's
    ("The directors retracted the sales forecast for 2025 issued on 20.01.2025 after the cyber attack on 2 March 2025.",
     {("campaign", "2025-03-02", "day")}),
    # a count of reports, a regulator's inquiry decision, a wish: no event
    ("In the first quarter, reports of invoice fraud fell by a fifth.", set()),
    ("The data protection regulator today published its decision in the inquiry into the dental group.", set()),
    ("I wish somebody had warned me about all this a week ago.", set()),
])
def test_corrections_other_documents_counts_and_wishes(text: str, expected: set[tuple[str, str, str]]) -> None:
    assert _events(text, "2025-04-03") == expected


def test_the_writers_earlier_piece_sent_without_a_preposition_is_furniture() -> None:
    # "sent out 6 January" as well as "issued on 6 January" (the verb takes its date bare)
    for verb in ("sent out", "issued on", "put out", "circulated"):
        text = f"Our previous circular (No. 5, {verb} 14 March 2025) listed two advisories."
        assert not {e for e in _events(text, "2025-08-01") if e[1] == "2025-03-14"}, verb
