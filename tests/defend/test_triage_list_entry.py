"""Spam relayed by an open mailing list (issue 23): the Received checks read the hop on
which the poster's server handed the message to the list, not the list's own re-sending
(which says how the list is run). Only a poster's server with no reverse name counts
there (list-poster-no-rdns), with its HELO and a free-mail From it cannot have sent;
members posting from home lines or their own servers stay unmarked."""

from __future__ import annotations

from tests.defend.test_triage import names, run
from unmask.defend.triage_rules import WEIGHTS, parse_hop

LIST_HEAD = ("Sender: birders-admin@birdwatch-club.org",
             "Return-Path: <birders-admin@birdwatch-club.org>",
             "List-Id: Birders <birders.birdwatch-club.org>",
             "List-Post: <mailto:birders@birdwatch-club.org>",
             "Errors-To: birders-admin@birdwatch-club.org")
#: The list's server handing the message to the recipient (what the old rules read).
RESENT = ("Received: from lists.birdwatch-club.org (lists.birdwatch-club.org [198.51.100.10]) "
          "by mx.eastwatch.org (Postfix) with ESMTP id 1A; Mon, 02 Nov 2026 10:00:09 +0000")
#: A relay among the list's own hosts: passed over.
INNER = ("Received: from mx2.birdwatch-club.org (mx2.birdwatch-club.org [198.51.100.11]) by "
         "lists.birdwatch-club.org (Postfix) with ESMTP id 2B; Mon, 02 Nov 2026 10:00:05 +0000")


def list_mail(entry: str, *, sender: str, body: str = "A note for the group.") -> bytes:
    head = [RESENT, INNER, entry, *LIST_HEAD, f"From: {sender}", "To: birders@birdwatch-club.org",
            "Subject: For the group", "Date: Mon, 02 Nov 2026 10:00:00 +0000",
            "Message-ID: <k1@post.example>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8"]
    return ("\n".join(head) + "\n\n" + body + "\n").encode()


def test_weight_is_in_the_one_table() -> None:
    assert WEIGHTS["list-poster-no-rdns"] == 0.5


def test_spam_posted_to_an_open_list_is_read_at_its_entry_in_three_formats() -> None:
    # Sendmail: a HELO of a host with no reverse name, a free-mail From it did not send
    sendmail = list_mail("Received: from fastcash-relay.example ([203.0.113.88]) by mx2.birdwatch-club.org "
                         "(8.12.9/8.12.9) with SMTP id h1; Mon, 02 Nov 2026 10:00:01 +0000",
                         sender="Quick Cash <quickcash4u@yahoo.com>")
    found = run(sendmail)
    assert {"list-poster-no-rdns", "freemail-forged"} <= names(found)
    assert found.verdict != "no-signals"
    signal = next(s for s in found.signals if s.name == "list-poster-no-rdns")
    assert signal.evidence[0].where == "received" and "203.0.113.88" in signal.evidence[0].value
    assert "to the mailing list" in signal.explanation
    # Postfix: "unknown" and a template word for a HELO
    postfix = run(list_mail("Received: from $helo (unknown [203.0.113.5]) by lists.birdwatch-club.org "
                            "(Postfix) with SMTP id 3C; Mon, 02 Nov 2026 10:00:01 +0000",
                            sender="Offers <deals@cheap-roofs.example>"))
    assert {"list-poster-no-rdns", "received-helo-mismatch"} <= names(postfix)
    # Exim: the address in brackets where the reverse name would be, HELO localhost
    exim = run(list_mail("Received: from [203.0.113.9] (helo=localhost) by lists.birdwatch-club.org "
                         "with smtp (Exim 4.96) id 1qX; Mon, 02 Nov 2026 10:00:01 +0000",
                         sender="Mia <mia.k@hotmail.com>"))
    assert {"list-poster-no-rdns", "received-helo-mismatch", "freemail-forged"} <= names(exim)


def test_members_posting_from_home_lines_or_their_providers_are_not_marked() -> None:
    home = run(list_mail("Received: from laptop.home (dsl-203-0-113-4.pool.isp.example [203.0.113.4]) "
                         "by lists.birdwatch-club.org (Postfix) with ESMTP id 4D; Mon, 02 Nov 2026 "
                         "10:00:01 +0000", sender="Ann Lee <ann@lee-family.example>"))
    provider = run(list_mail("Received: from smtp101.mail.yahoo.com (smtp101.mail.yahoo.com "
                             "[203.0.113.20]) by lists.birdwatch-club.org (Postfix) with ESMTP id 5E; "
                             "Mon, 02 Nov 2026 10:00:01 +0000", sender="Raj <raj.p@yahoo.com>"))
    own = run(list_mail("Received: from mail.lee-family.example (mail.lee-family.example [203.0.113.6]) "
                        "by lists.birdwatch-club.org (Postfix) with ESMTP id 6F; Mon, 02 Nov 2026 "
                        "10:00:01 +0000", sender="Ann Lee <ann@lee-family.example>"))
    for result in (home, provider, own):
        assert result.verdict == "no-signals", [s.name for s in result.signals]
        assert not {"list-poster-no-rdns", "received-generic-rdns", "received-helo-forged",
                    "freemail-forged", "received-no-rdns"} & names(result)


def test_exim_brackets_mean_no_reverse_name() -> None:
    hop = parse_hop("from [203.0.113.9] (helo=mail.example.org) by mx.example.net with esmtp (Exim 4.96)")
    assert hop is not None and hop.rdns == "unknown" and hop.helo == "mail.example.org"
    named = parse_hop("from mail.example.org ([203.0.113.9]) by mx.example.net with esmtp (Gmexim 0.1)")
    assert named is not None and named.rdns == ""


def test_sendmail_ident_answers_are_read_past() -> None:
    bare = parse_hop("from mail.quarry.example (IDENT:squid@[203.0.113.7]) by mx.example.net (8.11.6)")
    assert bare is not None and bare.rdns == "unknown"
    named = parse_hop("from relay.quarry.example (root@relay.quarry.example [203.0.113.8]) by mx.example.net")
    assert named is not None and named.rdns == "relay.quarry.example"


def test_a_list_relay_named_only_in_its_helo_is_passed_over() -> None:
    # the list's relay gives a short ident name ("daemon@mx3") but a HELO of the list's domain
    relay = ("Received: from mx3.birdwatch-club.org (daemon@mx3 [198.51.100.12]) by mx2.birdwatch-club.org "
             "(8.11.6) with ESMTP id r1; Mon, 02 Nov 2026 10:00:03 +0000")
    entry = ("Received: from fastcash-relay.example ([203.0.113.88]) by mx3.birdwatch-club.org "
             "(8.12.9/8.12.9) with SMTP id h2; Mon, 02 Nov 2026 10:00:01 +0000")
    head = [RESENT, INNER, relay, entry, *LIST_HEAD, "From: Quick Cash <quickcash4u@yahoo.com>",
            "To: birders@birdwatch-club.org", "Subject: For the group",
            "Date: Mon, 02 Nov 2026 10:00:00 +0000", "Message-ID: <k2@post.example>",
            "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    found = run(("\n".join(head) + "\n\nA note.\n").encode())
    signal = next(s for s in found.signals if s.name == "list-poster-no-rdns")
    assert "203.0.113.88" in signal.evidence[0].value
