"""Triage classes fixed after scoring the ``unseen4`` mail (issue 23): list posts that
the list's own relay, envelope or 1990s headers made look forged, mail a feed reader
writes on the recipient's own system, a member writing from an organisation's address
through their own server; and the spam that carried no counted tell - phrases broken
by doubled blanks or line ends, lottery and 419 wording, drug names spelt out letter
by letter, enhancement products, sales wording in open lists, a Date in a time zone
that does not exist."""

from __future__ import annotations

import re

from tests.defend.test_triage import FIXTURES, html_mail, names, raw_mail, run
from unmask.defend.triage_rules import _ADVANCE_FEE, _REWARD, _SALES, _phrase

NO_AUTH_HOP = ("Received: from mail.shop-offers.net (mail.shop-offers.net [198.51.100.30]) by mx.eastwatch.org "
               "(Postfix) with ESMTP id 2; Mon, 02 Nov 2026 10:00:05 +0000")


def test_phrases_match_across_doubled_blanks_and_line_ends() -> None:
    pattern = re.compile(_phrase(r"\bstrictly confidential\b|\brisk[- ]free\b|\d{2} ?% off"), re.I)
    for text in ("STRICTLY  CONFIDENTIAL", "strictly\nconfidential", "risk free", "risk-free",
                 "40% off", "40 %\toff"):
        assert pattern.search(text), text
    for text in ("strictlyconfidential", "risk+free", "risk_free"):
        assert not pattern.search(text), text
    # a blank inside a character class stays one blank or tab, not "one or more"
    assert _phrase("[- ]") == r"[-\s]" and _phrase("[^ ]") == r"[^\s]" and _phrase(r"\ x") == r"\ x"
    # the lure tables are built with it
    assert any(p.search("STRICTLY  CONFIDENTIAL") for p in _ADVANCE_FEE)


def test_advance_fee_share_of_the_sum_and_the_trusted_stranger() -> None:
    text = "YOU WILL GET 25% OF THE TOTAL SUM. I NEED AN HONEST AND RELIABLE PERSON."
    assert sum(1 for p in _ADVANCE_FEE if p.search(text)) >= 2
    assert not any(p.search("We are looking for a reliable supplier of 25 mm bolts.") for p in _ADVANCE_FEE)


def test_lottery_award_wording_counts_as_a_reward_lure() -> None:
    body = ("Your e-mail address drew the lucky numbers 7-12-33 in our international draw. "
            "The ten winners share the prize money. Quote your ticket number.")
    result = run(raw_mail(NO_AUTH_HOP, body=body))
    assert "lure-reward" in names(result)
    assert "lure-reward" not in names(run(raw_mail(NO_AUTH_HOP, body="The winners of the chess club final met on Tuesday.")))


def test_drug_names_spelt_out_letter_by_letter() -> None:
    spam = raw_mail(NO_AUTH_HOP, body="Best deal\n\nV | @ G R @    C | @ L | S    X & N & X\n")
    assert "lure-pharmacy" in names(run(spam))
    one = raw_mail(NO_AUTH_HOP, body="Best deal\n\nV | @ G R @ and some gardening notes\n")
    assert "lure-pharmacy" not in names(run(one))  # one spelt-out name is one cue
    prose = raw_mail(NO_AUTH_HOP, body="The U S A and the U K signed; N A T O was not asked. S O S!\n")
    assert "lure-pharmacy" not in names(run(prose))


def test_enhancement_products_and_money_back_are_pharmacy_cues() -> None:
    body = "Bigger, fuller breasts in weeks. 100% herbal. Full money back guarantee."
    assert "lure-pharmacy" in names(run(raw_mail(NO_AUTH_HOP, body=body)))


def test_sales_cues_added_for_bulk_advertising() -> None:
    for text in ("Cartridges 40-60% LESS than the stores", "Free gifts with your order",
                 "Free DVD ($20.00 Value)", "put your offer before millions of prospects",
                 "we send bulk email for you", "100% profit in one day", "Removal instructions below",
                 "put REMOVE in the subject line", "please remove me from your list"):
        assert any(p.search(text) for p in _SALES), text


def test_two_sales_cues_are_enough_outside_lists() -> None:
    two = "Save up to 50% on printer cartridges. Money back if you are not satisfied."
    assert "lure-sales" in names(run(raw_mail(NO_AUTH_HOP, body=two)))
    one = "Save up to 50% on printer cartridges at the campus shop this week."
    assert "lure-sales" not in names(run(raw_mail(NO_AUTH_HOP, body=one)))


def test_sales_wording_is_read_in_open_list_posts_but_not_newsletters() -> None:
    pitch = "Make money from home! Save up to 70% today. Satisfaction guaranteed. Act now!"
    post = raw_mail(NO_AUTH_HOP, "List-Id: <talk.lists.hobby-club.org>",
                    "List-Post: <mailto:talk@lists.hobby-club.org>", body=pitch)
    assert "lure-sales" in names(run(post))
    newsletter = raw_mail(NO_AUTH_HOP, "List-Id: <deals.shop-offers.net>",
                          "List-Unsubscribe: <https://shop-offers.net/off>", body=pitch)
    assert "lure-sales" not in names(run(newsletter))


def test_a_date_in_a_time_zone_that_does_not_exist() -> None:
    top = NO_AUTH_HOP
    for zone in ("-1900", "+2300"):
        assert "date-anomaly" in names(run(raw_mail(top, f"Date: Mon, 02 Nov 2026 09:00:00 {zone}"))), zone
    for zone in ("+1400", "-1200", "+0530", "-0000"):
        assert "date-anomaly" not in names(run(raw_mail(top, f"Date: Mon, 02 Nov 2026 09:00:00 {zone}"))), zone
    # a year at the end is not a time zone
    assert "date-anomaly" not in names(run(raw_mail(top, "Date: Mon Nov  2 09:00:00 2026")))


LIST_HOP = ("Received: from lists.hobby-club.org (unknown [203.0.113.77]) by mx.eastwatch.org "
            "(Postfix) with ESMTP id 7; Mon, 02 Nov 2026 10:00:05 +0000")
LIST_HEADERS = ("List-Id: Club talk <talk.lists.hobby-club.org>",
                "List-Post: <mailto:talk@lists.hobby-club.org>",
                "Sender: talk-bounces@lists.hobby-club.org",
                "Return-Path: <talk-bounces@lists.hobby-club.org>")


def test_a_list_post_is_not_judged_by_the_lists_relay_envelope_or_links() -> None:
    body = "Pictures at https://photos.quietlens-pictures.net/a and https://maps.trail-atlas.org/b\n"
    post = run(raw_mail(LIST_HOP, *LIST_HEADERS, "To: talk@lists.hobby-club.org", body=body))
    assert not {"received-no-rdns", "envelope-mismatch", "links-unrelated"} & names(post)
    # the same message without the list: each of them counts
    alone = run(raw_mail(LIST_HOP.replace("lists.hobby-club.org", "relay.hobby-club.org"),
                         "Return-Path: <bounce@mailer.hobby-club.org>", body=body))
    assert {"received-no-rdns", "envelope-mismatch", "links-unrelated"} <= names(alone)
    # an envelope that is not the list's still counts in list mail
    other = run(raw_mail(LIST_HOP, *LIST_HEADERS[:2], "Return-Path: <x@bulk-sender.net>", body=body))
    assert "envelope-mismatch" in names(other)


def test_a_list_of_the_1990s_without_list_headers() -> None:
    legacy = ("Sender: kite-list-errors@lists.windhouse-kites.org",
              "Reply-To: kite-list@lists.windhouse-kites.org", "To: kite-list@lists.windhouse-kites.org",
              "Received: (from daemon@localhost) by lists.windhouse-kites.org (8.8.5) id X1; "
              "Tue, 14 Jul 1998 01:20:02 -0700")
    result = run(raw_mail(*legacy))
    assert not {"reply-to-mismatch", "webserver-envelope"} & names(result)
    # a Sender that is not a list's own address, or a list host nobody writes to: not a list
    for changed in ((legacy[0].replace("kite-list-errors", "ray"), *legacy[1:]),
                    (legacy[0], "Reply-To: ray@sparwood-kites.net", "To: jane@eastwatch.org", legacy[3])):
        assert {"reply-to-mismatch", "webserver-envelope"} & names(run(raw_mail(*changed))), changed


def test_a_list_address_is_not_the_recipient_forging_themselves() -> None:
    body = "The crypto forum meets on Friday to discuss the draft.\n"
    to_self = ("From: jane@eastwatch.org", "To: jane@eastwatch.org", NO_AUTH_HOP)
    assert "sender-is-recipient" in names(run(raw_mail(*to_self, body=body)))
    assert "sender-is-recipient" not in names(run(raw_mail(*to_self, *LIST_HEADERS[:3], body=body)))


def test_a_brand_name_in_mail_made_on_the_recipients_own_system() -> None:
    local = ("From: Netflix <feeds@eastwatch.org>", "To: jane@eastwatch.org",
             "Received: from gateway.eastwatch.org (localhost [127.0.0.1]) by mx.eastwatch.org "
             "(Postfix) with ESMTP id 4; Mon, 02 Nov 2026 10:00:05 +0000")
    assert "brand-impersonation" not in names(run(raw_mail(*local)))
    outside = (*local[:2], NO_AUTH_HOP)
    assert "brand-impersonation" in names(run(raw_mail(*outside)))


def test_an_organisations_address_used_by_a_member_through_their_own_server() -> None:
    hop = ("Received: from crystal.member-host.net (crystal.member-host.net [198.51.100.31]) by "
           "mx.eastwatch.org (Postfix) with ESMTP id 9; Mon, 02 Nov 2026 10:00:05 +0000")
    member = ("From: Clara <clara@paypal.com>", "Return-Path: <clara@member-host.net>", hop)
    assert "brand-domain-unverified" not in names(run(raw_mail(*member, body="Agreed, see you at 4.\n")))
    lure = raw_mail(*member, body="Please confirm your details at https://account-check.member-host.net/x\n")
    assert "brand-domain-unverified" in names(run(lure))


def test_image_heavy_is_not_read_in_authenticated_mail() -> None:
    html = ('<a href="https://shop-offers.net/x"><img src="https://img.shop-offers.net/a.gif"></a>'
            '<p>' + 'Garden tools at half price this week, while the spring stock lasts. ' * 3 + '</p>')
    assert "image-heavy" in names(run(html_mail(html, sender="Shop <news@shop-offers.net>", headers=(NO_AUTH_HOP,))))
    assert "image-heavy" not in names(run(html_mail(html, sender="Shop <news@shop-offers.net>")))


def test_the_new_fixtures_add_up_as_expected() -> None:
    for name in ("spam-advance-fee-capitals.eml", "spam-spelled-out-pills.eml", "spam-impossible-time-zone.eml"):
        assert run((FIXTURES / name).read_bytes()).verdict != "no-signals", name
    for name in ("benign-list-post-1990s.eml", "benign-list-post-unnamed-relay.eml"):
        assert run((FIXTURES / name).read_bytes()).verdict == "no-signals", name
    assert len(_REWARD) == 9  # the lottery draw is a cue of its own
