"""Event mechanisms of session 12, each proved on texts of different wording and layout:
timeline tables read row by row as sentences, anchor phrases, hedged bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from unmask.extract.events import extract_events
from unmask.extract.targets import extract_targets
from unmask.model import ExtractContext


def _events(text: str, published: str) -> set[tuple[str, str, str]]:
    context = ExtractContext(published=dt.date.fromisoformat(published))
    targets = extract_targets(text, context=context)
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=context, targets=targets)}


@pytest.mark.parametrize(("text", "published", "expected", "absent"), [
    # a Markdown table, header and rule in the table's own lines, a reference column
    ("Chronology of the intrusion at Harlow Port\n\n| Date | Event | Reference |\n|---|---|---|\n"
     "| 12 February 2025 | Criminals break into the port's booking system | Port statement |\n"
     "| 2 April 2025 | Police arrest two suspects in Leeds | Police release |\n",
     "2025-06-01", {("campaign", "2025-02-12", "day"), ("arrest", "2025-04-02", "day")}, set()),
    # plain pipes, past tense, a short first row the splitter may take for a heading
    ("What we know so far.\n\nDay | Development | Via\n18 March 2024 | Hackers encrypted the county's servers | County\n"
     "20 March 2024 | The national CERT published an alert about the gang | CERT\n"
     "9 May 2024 | The Justice Department unsealed an indictment against one member | DOJ\n\nNothing more is known.",
     "2024-06-01",
     {("campaign", "2024-03-18", "day"), ("advisory", "2024-03-20", "day"), ("indictment", "2024-05-09", "day")}, set()),
    # the date column second, the source column first (its words tell nothing)
    ("Source | When | What happened\nCourt filing | 3 Nov 2023 | A judge sentenced the broker to six years\n"
     "Ministry | 10 Nov 2023 | The ministry sanctioned the exchange that laundered the funds",
     "2024-01-01", {("conviction", "2023-11-03", "day"), ("sanction", "2023-11-10", "day")}, set()),
    # a range row: the activity's start and end
    ("When | What happened\n1-4 March 2026 | The same phishing wave reaches three more councils\n",
     "2026-04-01", {("activity-start", "2026-03-01", "day"), ("activity-end", "2026-03-04", "day")}, set()),
])
def test_timeline_rows_read_as_sentences(text: str, published: str, expected: set[tuple[str, str, str]],
                                         absent: set[tuple[str, str, str]]) -> None:
    found = _events(text, published)
    assert expected <= found
    assert not absent & found


def test_indicator_table_without_a_what_column_dates_no_campaign() -> None:
    text = ("Indicators\n\nIndicator | First seen | Type\n198.51.100.7 | 2 May 2025 | C2 server used in the attack\n"
            "evil.example | 4 May 2025 | phishing domain\n")
    assert not {e for e in _events(text, "2025-06-01") if e[0] == "campaign"}


@pytest.mark.parametrize(("text", "expected"), [
    # a document or act named by its day, no year: its day, and its kind from the sentence's action
    ("In its bulletin of 3 April the agency warned operators to patch the flaw.", ("advisory", "2025-04-03", "day")),
    ("The judgment of 14 January convicted both men of fraud.", ("conviction", "2025-01-14", "day")),
    ("Under the Council's decision of 9 March, the bank was sanctioned for laundering.", ("sanction", "2025-03-09", "day")),
    # "to list" people or firms is a sanctions listing, whatever verb opens the sentence
    ("The summit opened with the Council's decision of 11 March to list four officers for the sabotage.",
     ("sanction", "2025-03-11", "day")),
    ("Ministers agreed to list the two exchanges on 4 April.", ("sanction", "2025-04-04", "day")),
])
def test_dated_acts_and_listings(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


def test_listing_files_is_no_sanction() -> None:
    assert not {e for e in _events("The tool lets users list files on 4 April.", "2025-05-20") if e[0] == "sanction"}


def test_the_same_day_after_a_dated_statement() -> None:
    text = ("We welcome the ministry's statement of 2 May, which attributed the attacks to a state crew. "
            "On the same day its partners sanctioned two firms.")
    assert {("report", "2025-05-02", "day"), ("sanction", "2025-05-02", "day")} <= _events(text, "2025-05-20")


@pytest.mark.parametrize(("text", "expected"), [
    # a bound said as a guess ("since about", "from about", "until about") is approximate
    ("Investigators believe the crew began its work in the region since about 2016.", ("2016", "approximate")),
    ("Intruders sat in the network from about March 2023 until they were evicted in May 2024.",
     ("2023-03", "approximate")),
    ("The gang stayed active until about mid-2021, researchers said.", ("2021", "approximate")),
])
def test_about_makes_a_bound_approximate(text: str, expected: tuple[str, str]) -> None:
    assert expected in {(date, precision) for _, date, precision in _events(text, "2025-05-20")}


def test_about_as_a_topic_is_no_hedge() -> None:
    found = _events("The report, about 2023 attacks on ports, was published on 3 May.", "2025-05-20")
    assert ("report", "2025-05-03", "day") in found
    assert not {e for e in found if e[2] == "approximate"}


@pytest.mark.parametrize(("text", "expected"), [
    # the intruders put out of the network: the activity's end
    ("Officials said the hackers kept their foothold until they were removed in early March 2025.",
     ("activity-end", "2025-03", "approximate")),
    ("The crew held the mail server until the intruders were ejected on 3 March, the firm told us.",
     ("activity-end", "2025-03-03", "day")),
    ("Its staff say the attackers stayed on until they were kicked out in January 2025.",
     ("activity-end", "2025-01", "month")),
])
def test_intruders_removed_end_the_activity(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


@pytest.mark.parametrize(("text", "expected"), [
    # a day of the month alone after "the morning/night of", or after "in a statement on the"
    ("The gang hit the council on 9 April. They came back on the morning of the 14th and encrypted the servers.",
     ("campaign", "2026-04-14", "day")),
    ("The council confirmed the attack in a statement on the 16th.", ("report", "2026-04-16", "day")),
    # a public confirmation of the attack itself is a report
    ("The firm confirmed the breach on 17 April.", ("report", "2026-04-17", "day")),
    ("The city on Monday confirms a cyber attack on its water plant.", ("report", "2026-04-20", "day")),
    # a flaw put on an agency's catalogue, said with "the CVE"
    ("The agency added the CVE to its known-exploited catalogue on 15 April.", ("advisory", "2026-04-15", "day")),
])
def test_a_digests_days_and_actions(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2026-04-22")


@pytest.mark.parametrize("text", [
    "On 23 December 2015 the crew cut power to a city; it was the first confirmed cyber attack to do so.",
    "The bug has been exploited since 9 April, days before the vendor's fix on 13 April.",
    "Attacks began on 2 May, a week before its patch of 9 May reached users.",
])
def test_adjectives_and_a_vendors_fix_are_no_events(text: str) -> None:
    found = _events(text, "2026-04-22")
    assert not {e for e in found if e[1] in ("2015-12-23", "2026-04-13", "2025-05-09", "2026-05-09") and e[0] == "report"}
    assert not {e for e in found if e[1] in ("2026-04-13", "2025-05-09", "2026-05-09")}


@pytest.mark.parametrize("line", [
    "Started 3 Mar 2026 by u/patchwork_pam · 208 comments · digest compiled 5 Mar 2026 by moderators",
    "Posted 12 May 2025 | 4 min read | 1,204 views",
    "By the Desk • 9 Feb 2024 • 57 replies",
])
def test_a_posts_metadata_line_dates_no_event(line: str) -> None:
    text = line + "\n\nThe crew encrypted a clinic's servers on 1 March 2026, the clinic said.\n"
    found = _events(text, "2026-03-06")
    assert ("campaign", "2026-03-01", "day") in found
    assert not {e for e in found if e[1] in ("2026-03-03", "2026-03-05", "2025-05-12", "2024-02-09")}


@pytest.mark.parametrize(("text", "expected", "absent"), [
    # a retracted date after "not (on) <weekday>", a piece named by its day, a passive statement
    ("Police detained the pair on Tuesday 3 March, not on Monday 2 March as we said.",
     ("arrest", "2026-03-03", "day"), ("arrest", "2026-03-02", "day")),
    ("A story on 9 March about the attack misnamed the bank. Hackers hit the bank on 4 March.",
     ("campaign", "2026-03-04", "day"), ("campaign", "2026-03-09", "day")),
    ("The ministry's formal statement was released on 1 March 2026, naming the crew.",
     ("report", "2026-03-01", "day"), ("campaign", "2026-03-01", "day")),
])
def test_corrections_pieces_and_statements(text: str, expected: tuple[str, str, str],
                                           absent: tuple[str, str, str]) -> None:
    found = _events(text, "2026-03-12")
    assert expected in found
    assert absent not in found


@pytest.mark.parametrize(("text", "expected"), [
    # "at that time" / "at the same time" point back at the sentence's date, whatever its precision
    ("Police raided the crew's offices in May 2024, and three suspects were detained at that time.",
     ("arrest", "2024-05", "month")),
    ("The servers were seized in 2023; at the same time two admins were arrested in Spain.", ("arrest", "2023", "year")),
    ("Officers took the botnet down in March 2025 and by that time had arrested its two coders.",
     ("arrest", "2025-03", "month")),
])
def test_that_time_points_back(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


@pytest.mark.parametrize(("text", "absent"), [
    # an action said as what came before the sentence's deed is not at its date
    ("The defendant made his initial appearance in court on Tuesday after being extradited.",
     ("arrest", "2025-05-20", "day")),
    ("She appeared before a judge on 3 May, having been detained at the border.", ("arrest", "2025-05-03", "day")),
    ("The broker pleaded not guilty on 9 May after being arrested in Madrid.", ("arrest", "2025-05-09", "day")),
])
def test_done_before_the_deed(text: str, absent: tuple[str, str, str]) -> None:
    assert absent not in _events(text, "2025-05-20")


def test_an_extradition_with_its_own_day_keeps_it() -> None:
    assert ("arrest", "2025-05-02", "day") in _events("He was extradited on 2 May and appeared in court on 3 May.",
                                                      "2025-05-20")


@pytest.mark.parametrize("text", [
    # a range or a date that picks out the people affected is no activity
    "Patients of the Riverside Clinic, Leeds, seen between January 2018 and March 2025, may be affected.",
    "Customers of the Harbour Bank who opened accounts between March 2018 and May 2021 are affected.",
    "The breach touches students enrolled since 2019 at the college.",
])
def test_a_population_range_is_no_activity(text: str) -> None:
    assert not {e for e in _events(text, "2025-05-20") if e[0] in ("activity-start", "activity-end", "campaign")}


def test_intruders_seen_between_two_months_still_bound_the_activity() -> None:
    found = _events("Hackers were seen in the network between March and May 2024.", "2025-05-20")
    assert {("activity-start", "2024-03", "month"), ("activity-end", "2024-05", "month")} <= found


@pytest.mark.parametrize(("text", "expected"), [
    # whatever the verb, a deed done with ransomware is the attack
    ("On the night of Friday 7 March, the crew locked a number of our laptops with ransomware.",
     ("campaign", "2025-03-07", "day")),
    ("On 2 April intruders scrambled the clinic's files with LockBit ransomware.", ("campaign", "2025-04-02", "day")),
    ("The council's servers were frozen with ransomware on 9 May.", ("campaign", "2025-05-09", "day")),
])
def test_a_deed_with_ransomware_is_the_attack(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


@pytest.mark.parametrize(("text", "expected"), [
    # the incident said to end, with the incident as the verb's subject
    ("The attacks on the port stopped in May 2024, the agency said.", ("activity-end", "2024-05", "month")),
    ("Its access ended on 2 March when staff reset every password.", ("activity-end", "2025-03-02", "day")),
    ("Officials say the phishing wave finally ceased on 11 April.", ("activity-end", "2025-04-11", "day")),
    # the document its maker sent, named with "the ... it sent/made"
    ("The insurer named the gang in the filing it sent to the regulator on 4 April.", ("report", "2025-04-04", "day")),
    ("The firm blamed the crew in the notification it made to the watchdog on 6 May.", ("report", "2025-05-06", "day")),
])
def test_incident_ends_and_sent_notifications(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


def test_a_fiscal_year_ending_is_no_activity_end() -> None:
    assert not _events("The fiscal year ended on 30 June with record sales.", "2025-08-20")


@pytest.mark.parametrize(("text", "expected"), [
    # a start said of a part of a period: "since the week of", "from the start of"
    ("Since the week of 3 March, the crew has sent phishing emails to surveyors.", ("activity-start", "2025-03", "approximate")),
    ("Since the end of January the group has targeted ports in the Baltic.", ("activity-start", "2025-01", "approximate")),
    # what was taken over, said of the thing: "had mailboxes taken over", "its website hijacked"
    ("Two practices nearby had mailboxes taken over last month.", ("campaign", "2025-04", "month")),
    ("The clinic had its website hijacked on 3 May.", ("campaign", "2025-05-03", "day")),
    ("Several council accounts were taken over on 9 May, officials said.", ("campaign", "2025-05-09", "day")),
])
def test_parts_of_periods_and_things_taken_over(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


@pytest.mark.parametrize(("text", "expected"), [
    # an act that takes effect on the document's publication is dated by it
    ("The designations take effect on publication of this instrument.", ("sanction", "2025-05-20", "day")),
    ("The sanctions on the two exchanges come into force on the day of publication.", ("sanction", "2025-05-20", "day")),
    ("Under this order, the designations of three hackers take effect upon publication in the gazette.",
     ("sanction", "2025-05-20", "day")),
    # an appeal court keeping a conviction
    ("The Court of Appeal today upheld the conviction of the forum's administrator.", ("conviction", "2025-05-20", "day")),
    ("On 2 May the high court affirmed her sentence for running the botnet.", ("conviction", "2025-05-02", "day")),
    ("Judges confirmed the guilty verdict against both coders on 7 May.", ("conviction", "2025-05-07", "day")),
])
def test_acts_on_publication_and_appeals(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


@pytest.mark.parametrize("text", [
    "The persons are listed under the Thematic Sanctions Amendment (No. 2) Instrument 2026.",
    "The court applied the Computer Misuse Decree 2019 to the case.",
    "The new rules on passwords take effect on publication.",
])
def test_an_instruments_title_year_and_a_rule_taking_effect_are_no_events(text: str) -> None:
    assert not _events(text, "2026-05-20")


@pytest.mark.parametrize(("text", "expected"), [
    # law enforcement taking control of the actor's infrastructure is a takedown
    ("Last Thursday the Justice Department, working with a mail provider, took control of forty-one domains used by the crew.",
     ("takedown", "2025-05-15", "day")),
    ("On 4 May investigators seized control of the botnet's command servers.", ("takedown", "2025-05-04", "day")),
    ("The FBI gained control of the gang's leak site on 9 May.", ("takedown", "2025-05-09", "day")),
])
def test_taking_control_of_infrastructure(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in _events(text, "2025-05-20")


def test_hacktivists_taking_control_of_a_site_is_no_takedown() -> None:
    found = _events("The hacktivists took control of the city's website on 2 May.", "2025-05-20")
    assert not {e for e in found if e[0] == "takedown"}


@pytest.mark.parametrize("text", [
    # a victim's own post or letter about its incident is its report on the publication day
    "A note from our operations director\n\nLast month our warehouse network went down for two days after a ransomware attack.",
    "Dear customers,\n\nOn 2 May our booking systems were encrypted by criminals. We restored them from backups.",
    "Update for members\n\nWe filed our breach notification with the regulator on 3 May, after the intrusion on 1 May.",
])
def test_a_victims_own_post_is_its_report(text: str) -> None:
    assert ("report", "2025-05-20", "day") in _events(text, "2025-05-20")


def test_an_interviews_subject_is_not_the_texts_own_notice() -> None:
    text = ("Q&A with the port's security chief\n\nQ: What happened?\n\nA: We filed our report with the "
            "regulator on 3 May, two days after the attack.")
    assert ("report", "2025-05-20", "day") not in _events(text, "2025-05-20")


@pytest.mark.parametrize("text", [
    "On 9 June 2025 the operators ran a script to list the firms whose mail servers still answered.",
    "The clinic was asked on 9 June 2025 to list individuals who had opened the attachment.",
    "On 9 June 2025 the tool began to list members of every local administrators group.",
])
def test_listing_without_a_deciding_body_is_no_sanction(text: str) -> None:
    assert not any(kind == "sanction" for kind, _, _ in _events(text, "2025-07-01"))


def test_attackers_gaining_control_of_sites_is_no_takedown() -> None:
    # review H2 of 0d1cebc: 'took/gained control of ... domains' is a takedown only by law enforcement
    assert not any(k == "takedown" for k, _, _ in _events("The hackers gained control of dozens of websites on 4 May 2026.", "2026-06-01"))
    assert ("takedown", "2026-05-04", "day") in _events(
        "On 4 May 2026 the Justice Department took control of sixty domains the crew ran.", "2026-06-01")
