"""Two benign-mail false alarms of unseen5 (issue 23), fixed by their class: the Date
is compared with the clock of the server that took the message in (a mailbox fetched
or re-fed months later adds later lines on top), and a mailing list's own address in
the Subject is no personalisation (bulk mailers paste a person's address)."""

from __future__ import annotations

from tests.defend.test_triage import names, run

TAKEN_IN = ("Received: from smtp.ferncliff-mail.org (smtp.ferncliff-mail.org [198.51.100.30]) by "
            "mx.eastwatch.org (Postfix) with ESMTP id 7Q; {when}")
REFED = "Received: from localhost (localhost [127.0.0.1]) by archive.eastwatch.org (Postfix) with ESMTP id 9Z; {when}"


def message(*received: str, date: str = "Tue, 03 Mar 2026 09:15:00 +0000", subject: str = "Minutes",
            to: str = "jane@eastwatch.org", extra: tuple[str, ...] = ()) -> bytes:
    head = [*received, *extra, "From: Olu Ade <olu@ferncliff-mail.org>", f"To: {to}",
            f"Subject: {subject}", f"Date: {date}", "Message-ID: <m1@ferncliff-mail.org>",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    return ("\n".join(head) + "\n\nThe minutes of Tuesday's meeting are below.\n").encode()


def test_a_mailbox_refed_later_keeps_its_date() -> None:
    refed = message(REFED.format(when="Sat, 19 Sep 2026 22:00:00 +0000"),
                    TAKEN_IN.format(when="Tue, 03 Mar 2026 09:15:40 +0000"))
    assert "date-anomaly" not in names(run(refed))
    # the server that took it in months after its Date: still marked
    stale = message(TAKEN_IN.format(when="Sat, 19 Sep 2026 22:00:00 +0000"))
    found = run(stale)
    assert "date-anomaly" in names(found)
    signal = next(s for s in found.signals if s.name == "date-anomaly")
    assert "ferncliff-mail.org" in signal.evidence[1].value
    # with no hand-over hop the topmost line is the clock, as before
    only_local = message(REFED.format(when="Sat, 19 Sep 2026 22:00:00 +0000"))
    assert "date-anomaly" in names(run(only_local))


def test_a_lists_own_address_in_the_subject_is_no_personalisation() -> None:
    listed = ("List-Id: <hikers.ferncliff-mail.org>", "List-Post: <mailto:hikers@ferncliff-mail.org>")
    post = message(TAKEN_IN.format(when="Tue, 03 Mar 2026 09:15:40 +0000"), subject="hikers@ferncliff-mail.org",
                   to="hikers@ferncliff-mail.org", extra=listed)
    assert "recipient-in-subject" not in names(run(post))
    personal = message(TAKEN_IN.format(when="Tue, 03 Mar 2026 09:15:40 +0000"),
                       subject="jane@eastwatch.org: your parcel", extra=listed)
    assert "recipient-in-subject" in names(run(personal))
