"""Classes of event error found by scoring a held-back set (issue 17): each test says the
class in sentences written for it, not taken from any scored text."""

from __future__ import annotations

import datetime as dt

from unmask.extract.events import extract_events, find_dates
from unmask.model import ExtractContext

#: A Thursday.
PUBLISHED = dt.date(2025, 6, 12)


def events(text: str, published: dt.date | None = PUBLISHED) -> set[tuple[str, str, str]]:
    return {(e.kind, e.date, e.precision) for e in extract_events(text, context=ExtractContext(published=published))}


def test_a_public_attribution_is_a_report_not_the_campaign_it_names() -> None:
    # The verb's subject (a government, an agency) attributing: its statement is a report.
    assert events("The Foreign Ministry today attributes a long espionage campaign against its embassies to APT29.\n") == {
        ("report", "2025-06-12", "day")
    }
    assert events("Norway's police on Monday publicly blamed a state-backed group for the breach of a dam operator.\n") == {
        ("report", "2025-06-09", "day")
    }
    assert events(
        "The security service on Tuesday named a little-known unit of the GRU as responsible for the theft of voter files.\n"
    ) == {("report", "2025-06-10", "day")}


def test_restrictive_measures_are_a_sanction() -> None:
    assert events("The Council on Wednesday decided to impose restrictive measures on three officers over cyber-attacks.\n") == {
        ("sanction", "2025-06-11", "day")
    }
    assert ("sanction", "2019-05", "month") in events(
        "Its regime of restrictive measures against cyber-attacks was set up in May 2019.\n"
    )


def test_law_enforcements_own_operation_is_a_takedown() -> None:
    found = events("A court-authorised operation carried out on Monday removed the implant from 900 routers in Ohio.\n")
    assert found == {("takedown", "2025-06-09", "day")}
    assert events("A joint police operation on 2 May 2025 dismantled the botnet.\n") == {("takedown", "2025-05-02", "day")}


def test_published_guidance_is_an_advisory_and_its_topic_no_campaign() -> None:
    assert events("The agency published guidance on defending against password spraying for local councils on 3 June 2025.\n") == {
        ("advisory", "2025-06-03", "day")
    }
    assert events("On 4 June 2025 the centre issued new guidance on protecting against phishing.\n") == {
        ("advisory", "2025-06-04", "day")
    }


def test_day_month_dates_without_a_year_take_it_from_the_publication() -> None:
    dates = find_dates("He was detained on the 21st of May and charged on 2 June; the trial starts after the 30th of June.", PUBLISHED)
    assert [(d.surface, d.date) for d in dates] == [("21st of May", "2025-05-21"), ("2 June", "2025-06-02"), ("30th of June", "2024-06-30")]
    # With its year the date is a full one, not resolved.
    full = find_dates("It began on the 9th of October 2023.", PUBLISHED)
    assert [(d.date, d.resolved) for d in full] == [("2023-10-09", False)]
    assert find_dates("detained on the 21st of May", None) == []


def test_a_reporting_verb_does_not_take_the_date_of_the_action_it_reports() -> None:
    text = (
        "The ministry said the contractor rented out servers that the crew used to break into hospitals "
        "in Ohio, Iowa and Maine in early 2024.\n"
    )
    assert events(text) == {("campaign", "2024", "approximate")}
    text = "The agency named a new unit, which it calls Grey Otter, as responsible for the theft of payroll data last March.\n"
    assert ("campaign", "2025-03", "month") in events(text)
    # ... but an incident named as what a disclosure is about stays the disclosure's.
    assert events("The council, which disclosed the intrusion in 2022, said little more.\n") == {("report", "2022", "year")}


def test_a_victim_finding_out_is_a_report_and_the_intrusion_is_dated_as_the_text_says() -> None:
    text = (
        "On 2 May 2025, the firm discovered that an intruder had broken into its payroll system. "
        "The intruder first accessed the system in early April 2025 through a reused password.\n\n"
        "The firm cut off the intruder's access on 6 May 2025.\n"
    )
    assert events(text) == {
        ("report", "2025-05-02", "day"), ("campaign", "2025-04", "approximate"), ("activity-end", "2025-05-06", "day")
    }


def test_intrusion_wording_beyond_the_usual_verbs() -> None:
    assert events("The crew first entered the port authority's billing network on 12 March 2025.\n") == {
        ("campaign", "2025-03-12", "day")
    }
    assert events("The same unit used a custom wiper against a gas pipeline operator in October 2024.\n") == {
        ("campaign", "2024-10", "month")
    }
    assert events("Files taken from the ministry were posted on a leak site in February.\n") == {("campaign", "2025-02", "month")}
    assert events("The actor remained in the clinic's network until 2025-01-31, when it was found.\n") == {
        ("activity-end", "2025-01-31", "day")
    }


def test_first_and_most_recent_infection_start_and_end_the_activity() -> None:
    text = "The first infection we saw was recorded on 2024-09-02; the most recent one on 14 January 2025.\n"
    assert events(text) == {("activity-start", "2024-09-02", "day"), ("activity-end", "2025-01-14", "day")}


def test_an_action_a_day_after_a_named_day_is_dated_from_it() -> None:
    text = "The banker appeared in court on Thursday, two days after he was extradited from Spain.\n"
    assert events(text) == {("arrest", "2025-06-10", "day")}  # the plea or hearing is no event


def test_no_event_for_a_plea_or_a_summoned_envoy() -> None:
    assert events("The engineer pleaded not guilty on Monday in the attacks on a dam.\n") == set()
    assert events("The ministry summoned the Russian ambassador on Tuesday.\n") == set()


def test_a_speech_verb_does_not_take_the_date_from_the_action_it_announces() -> None:
    assert events("Police in Lyon said on Monday they had arrested two men over the ransomware attacks.\n") == {
        ("arrest", "2025-06-09", "day")
    }


def test_seasons_and_quarters_are_approximate_years() -> None:
    winter = dt.date(2025, 2, 10)
    dates = find_dates("We told them last autumn; the spike came in Q4 2023 and again this past summer.", winter)
    assert [(d.surface, d.date, d.precision) for d in dates] == [
        ("last autumn", "2024", "approximate"), ("Q4 2023", "2023", "approximate"), ("this past summer", "2024", "approximate")
    ]
    assert [(d.surface, d.date) for d in find_dates("seen in the second quarter of 2022", None)] == [
        ("the second quarter of 2022", "2022")
    ]
    assert find_dates("We saw it last autumn.", None) == []


def test_a_relative_clause_about_a_dated_attack_does_not_take_its_date() -> None:
    text = "They also link her to the mass exploitation of mail servers in late 2022 that Mandiant attributed to APT41.\n"
    assert events(text) == {("campaign", "2022", "approximate")}


# --- issue 17, classes found on articles_blind6 (each in sentences written for it) -------


def test_a_dated_table_row_is_an_event_and_an_arrest_warrant_none() -> None:
    docket = (
        "Entry date | No. | Text\n"
        "02/03/2025 | 1 | INDICTMENT as to Ana Ferro, returned in open court.\n"
        "02/03/2025 | 2 | Arrest Warrant Issued as to Ana Ferro.\n"
        "04/22/2025 | 5 | Defendant arrested in Lisbon by the judicial police.\n"
        "05/30/2025 | 9 | Defendant extradited to the United States.\n"
    )
    # "04/22/2025" says the docket writes its dates month first, so "02/03/2025" is 3 February.
    assert events(docket) == {
        ("indictment", "2025-02-03", "day"), ("arrest", "2025-04-22", "day"), ("arrest", "2025-05-30", "day"),
    }
    table = "| Date | What happened |\n|---|---|\n| 2025-03-04 | Four servers seized by the police |\n| 2025-03-05 | Nothing new |\n"
    assert events(table) == {("takedown", "2025-03-04", "day")}
    # A row without a date cell still holds no event.
    assert events("| Lure | Sent 4 March 2025 to ministries |\n") == set()


def test_live_blog_entries_are_at_the_day_of_the_heading_above_them() -> None:
    blog = (
        "Live: rail booking site down\n"
        "Monday 9 June 2025\n\n"
        "17:10 - Police say they detained a man this evening over the outage.\n\n"
        "11:45 BST - The national cyber agency has issued an alert to transport operators.\n\n"
        "[00:01:05] Not a time of day but a recording's offset.\n"
    )
    assert events(blog) == {("arrest", "2025-06-09", "day"), ("advisory", "2025-06-09", "day")}


def test_an_incidents_own_date_and_a_governments_attribution_today() -> None:
    text = (
        "The Government of the Kingdom, on the advice of its agencies, attributes the cyberattack of 3 May "
        "against the postal service to a unit of the GRU.\n"
    )
    assert events(text) == {("campaign", "2025-05-03", "day"), ("report", "2025-06-12", "day")}
    # A standing view in a relative clause is no act of today.
    assert events("It named APT40, a group that the Government attributes to the MSS, in 2024.\n") == {
        ("report", "2024", "year")
    }


def test_a_range_of_days_starts_and_ends_the_activity() -> None:
    assert events("During 2-6 May 2025 the agency saw a wave of phishing e-mails.\n") == {
        ("activity-start", "2025-05-02", "day"), ("activity-end", "2025-05-06", "day"),
    }
    assert events("Between 3 and 9 May the intruders accessed the mail server.\n") == {
        ("activity-start", "2025-05-03", "day"), ("activity-end", "2025-05-09", "day"),
    }
    assert events("The attacks ran on April 7-11, 2025 against two ports.\n") == {
        ("activity-start", "2025-04-07", "day"), ("activity-end", "2025-04-11", "day"),
    }


def test_relative_offsets_count_from_the_last_day_or_the_named_action() -> None:
    text = "On 20 May the court unsealed an indictment of two men. Six days earlier, the agency had publicly said the pair ran the botnet."
    assert events(text) == {("indictment", "2025-05-20", "day"), ("report", "2025-05-14", "day")}
    text = "The utility disclosed the breach on 2 June. The regulator issued guidance to operators the next day."
    assert ("advisory", "2025-06-03", "day") in events(text)
    text = "Police arrested the suspect on Friday 30 May. The Treasury sanctioned his firm the following Monday."
    assert ("sanction", "2025-06-02", "day") in events(text)
    text = "The grand jury indicted three officers on 2 June. Police seized their servers a week after the indictment."
    assert ("takedown", "2025-06-09", "day") in events(text)


def test_the_same_day_is_the_last_day_named_in_the_sentence_too() -> None:
    text = "On 4 June prosecutors charged four men, and the Treasury designated two firms the same day.\n"
    assert events(text) == {("indictment", "2025-06-04", "day"), ("sanction", "2025-06-04", "day")}


def test_a_heading_that_names_the_document_is_its_publishers_act() -> None:
    assert events("Bulletin #204 | 12.06.2025\n\nA wave of lures hit local councils.\n") == {("advisory", "2025-06-12", "day")}
    assert events("NOTICE OF DATA BREACH\n\nDear customer, we write about an incident.\n") == {("report", "2025-06-12", "day")}
    # A news headline about an advisory is not the document's own act.
    assert events("Agencies warn of router attacks\n\nThe joint advisory came out in May 2025.\n") == {
        ("advisory", "2025-05", "month")
    }


def test_numeric_dates_dots_day_first_slashes_by_the_texts_habit() -> None:
    assert [(d.surface, d.date) for d in find_dates("Seen on 04.03.2025 and 1.2.2020.", PUBLISHED)] == [("04.03.2025", "2025-03-04")]
    assert find_dates("Filed 04/03/2025.", PUBLISHED) == []
    assert [d.date for d in find_dates("Filed 04/03/2025.", PUBLISHED, day_first=True)] == ["2025-03-04"]
    assert [d.date for d in find_dates("Filed 04/03/2025.", PUBLISHED, day_first=False)] == ["2025-04-03"]


def test_more_action_wording() -> None:
    assert events("The same crew flooded the websites of three ministries in January 2025.\n") == {("campaign", "2025-01", "month")}
    assert events("In March the FBI, acting under a court order, removed the botnet's malware from 4,000 cameras.\n") == {
        ("takedown", "2025-03", "month")
    }
    assert events("Belgian police on Monday took 40 servers of the hosting firm offline.\n") == {("takedown", "2025-06-09", "day")}
    assert events("Hacktivists on Monday took the tax portal offline for an hour.\n") == {("campaign", "2025-06-09", "day")}
    assert events("The federal cyber office BSI warned on Tuesday that attackers are scanning mail servers.\n") == {
        ("advisory", "2025-06-10", "day")
    }
    assert events("The gang posted samples of the files on its leak site on 2 June.\n") == {("campaign", "2025-06-02", "day")}
    assert events("The intrusion itself, we later learned, began in November 2024.\n") == {("campaign", "2024-11", "month")}
    assert events("They had been inside the network for five weeks from mid-April.\n") == {("campaign", "2025-04", "approximate")}


def test_durations_months_before_nouns_and_times_of_today() -> None:
    assert events("The group has been active for at least six years, the advisory says.\n") == {("activity-start", "2019", "approximate")}
    assert events("The vendor first warned of the tool in a March report.\n") == {("report", "2025-03", "month")}
    assert events("Police arrested a teenager this afternoon over the attack.\n") == {("arrest", "2025-06-12", "day")}


def test_no_event_from_a_hypothetical_day_or_the_documents_own_publication_line() -> None:
    assert events("The office warned on Wednesday that hackers may try to knock sites offline before Sunday's vote.\n") == {
        ("advisory", "2025-06-11", "day")
    }
    assert events("A talk with a port's security chief. Conducted by phone; published 12 June 2025.\n") == set()


def test_every_trigger_match_holds_one_of_its_screen_words() -> None:
    # The screen words let a sentence skip a trigger pattern; a match without one of them
    # would be lost. Checked on every sentence of the repository's article fixtures.
    from pathlib import Path

    from unmask.extract import events as module

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    texts = [p.read_text(encoding="utf-8") for name in ("articles", "articles_blind", "articles_blind2", "articles_blind3",
                                                        "articles_blind4", "articles_blind5", "articles_blind6")
             for p in sorted((fixtures / name).glob("*.txt"))]
    texts.append("They were locked out of the network; it was contained. Warrant for his arrest. Guidance issued.")
    assert len(module._TRIGGER_HINTS) == len(module._TRIGGERS)
    checked = 0
    for text in texts:
        for sentence in text.replace("\n", " ").split(". "):
            lowered = sentence.lower()
            for (kind, pattern, _), hints in zip(module._TRIGGERS, module._TRIGGER_HINTS, strict=True):
                match = pattern.search(sentence)
                if match and hints is not None:
                    checked += 1
                    assert any(hint in lowered for hint in hints), (kind, match.group(0))
    assert checked > 200
