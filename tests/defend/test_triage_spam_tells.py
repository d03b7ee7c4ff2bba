"""Triage signals for bulk advertising spam that carries no phishing tell (issue 23):
image-heavy HTML, hidden text and mixed link spellings, HTML with no plain version,
a self-declared advertisement, sales wording, a malformed Message-ID, a bare-address
HELO; and the false alarms fixed with them (old list headers, ZMailer Received lines,
BinHex attachments, bounces)."""

from __future__ import annotations

from tests.defend.test_triage import FIXTURES, html_mail, mail, names, raw_mail, run
from unmask.defend.triage_rules import WEIGHTS, parse_hop

NO_AUTH = ("Received: from mail.shop.example (mail.shop.example [198.51.100.30]) by mx.eastwatch.org "
           "(Postfix) with ESMTP id 2; Mon, 02 Nov 2026 10:00:05 +0000",)


def test_new_signals_have_weights_in_the_one_table() -> None:
    for name in ("image-heavy", "html-obfuscation", "html-only", "advertising-label",
                 "lure-sales", "message-id-malformed"):
        assert 0 < WEIGHTS[name] <= 1.5, name


def test_the_spam_fixture_adds_up_and_the_old_list_reply_does_not() -> None:
    spam = run((FIXTURES / "spam-image-ad.eml").read_bytes())
    assert {"image-heavy", "html-obfuscation", "advertising-label", "message-id-malformed",
            "received-helo-mismatch"} <= names(spam)
    assert spam.verdict == "malicious"
    reply = run((FIXTURES / "benign-old-list-reply.eml").read_bytes())
    assert reply.verdict == "no-signals"
    assert not {"received-no-rdns", "attachment-type-mismatch"} & names(reply)


def test_image_heavy_needs_web_pictures_little_html_text_and_no_list() -> None:
    html = '<a href="https://shop.example/x"><img src="https://img.shop.example/a.gif"></a><p>' \
        + "Big savings on garden tools this week. " * 5 + "</p>"
    assert "image-heavy" in names(run(html_mail(html, sender="Shop <news@shop.example>", headers=NO_AUTH)))
    long_text = html.replace("this week. ", "this week, with our full catalogue below. ") * 8
    assert "image-heavy" not in names(run(html_mail(long_text, sender="Shop <news@shop.example>",
                                                    headers=NO_AUTH)))
    listed = html_mail(html, sender="Shop <news@shop.example>",
                       headers=(*NO_AUTH, "List-Unsubscribe: <mailto:off@shop.example>"))
    assert "image-heavy" not in names(run(listed))
    embedded = html.replace("https://img.shop.example/a.gif", "cid:logo")
    assert "image-heavy" not in names(run(html_mail(embedded, sender="Shop <news@shop.example>",
                                                    headers=NO_AUTH)))


def test_hidden_text_and_mixed_href_spellings() -> None:
    hidden = '<body bgcolor="#FFFFFF"><p>Offer inside.</p><font color="#ffffff">word salad for filters</font></body>'
    assert "html-obfuscation" in names(run(html_mail(hidden, sender="A <a@shop.example>", headers=NO_AUTH)))
    tiny = '<p>Offer.</p><span style="font-size:1px">more salad here</span>'
    assert "html-obfuscation" in names(run(html_mail(tiny, sender="A <a@shop.example>", headers=NO_AUTH)))
    mixed = '<a href="https://shop.example/1">one</a> <A HREF="https://shop.example/2">two</A>'
    assert "html-obfuscation" in names(run(html_mail(mixed, sender="A <a@shop.example>", headers=NO_AUTH)))
    plain = ('<body bgcolor="#ffffff"><font color="#333333">Dark grey text is fine.</font> '
             '<a href="https://shop.example/1">one</a> <a href="https://shop.example/2">two</a></body>')
    assert "html-obfuscation" not in names(run(html_mail(plain, sender="A <a@shop.example>", headers=NO_AUTH)))


def test_html_only_is_weak_and_not_read_in_bounces_lists_or_authenticated_mail() -> None:
    body = "<p>Meeting moved to Thursday.</p>"
    assert "html-only" in names(run(html_mail(body, sender="A <a@shop.example>", headers=NO_AUTH)))
    assert "html-only" not in names(run(html_mail(body, sender="A <a@shop.example>")))  # DMARC passes
    bounce = html_mail(body, sender="Mail Delivery System <MAILER-DAEMON@mx.shop.example>", headers=NO_AUTH)
    assert "html-only" not in names(run(bounce))
    assert "html-only" not in names(run(mail(body, headers=NO_AUTH)))  # plain text


def test_advertising_label_in_subject_or_sender_name() -> None:
    for subject in ("ADV: cheap flights", "[ADV] cheap flights", "(광고) 신규 상품 안내",
                    "Реклама: дизайн логотипа"):
        assert "advertising-label" in names(run(raw_mail(f"Subject: {subject}"))), subject
    sender = "From: =?utf-8?b?0KDQtdC60LvQsNC80L3QvtC1INC/0YDQtdC00LvQvtC20LXQvdC40LU=?= <x@ads.example>"
    assert "advertising-label" in names(run(raw_mail(sender)))
    for subject in ("Advice on the budget", "Advance notice: office closed", "adventure club minutes"):
        assert "advertising-label" not in names(run(raw_mail(f"Subject: {subject}"))), subject


def test_sales_wording_needs_two_cues_outside_lists() -> None:
    pitch = ("Make money from home! Save up to 70% on every order. 100% satisfaction guaranteed. "
             "Order now while supplies last.")
    assert "lure-sales" in names(run(mail(pitch, headers=NO_AUTH)))
    newsletter = "Our spring catalogue is out. Save up to 20% on garden chairs this month."
    assert "lure-sales" not in names(run(mail(newsletter, headers=NO_AUTH)))
    listed = mail(pitch, headers=(*NO_AUTH, "List-Id: <deals.shop.example>"))
    assert "lure-sales" not in names(run(listed))


def test_malformed_message_id() -> None:
    for value in ("<20261102.1234@>", "<no-at-sign-here>"):
        assert "message-id-malformed" in names(run(raw_mail(f"Message-ID: {value}"))), value
    for value in ("<1234.5678@mail.colleague.org>", "<Pine.LNX.4.44.0211011@penguin>",
                  "<abc@[192.0.2.1]>"):
        assert "message-id-malformed" not in names(run(raw_mail(f"Message-ID: {value}"))), value


def test_bare_address_helo_counts_but_a_bracketed_literal_does_not() -> None:
    bare = ("Received: from 203.0.113.77 ([203.0.113.77]) by mx.eastwatch.org with SMTP id 4; "
            "Mon, 02 Nov 2026 10:00:05 +0000")
    assert "received-helo-mismatch" in names(run(raw_mail(bare)))
    literal = ("Received: from [203.0.113.77] (host77.shop.example [203.0.113.77]) by mx.eastwatch.org "
               "with SMTP id 4; Mon, 02 Nov 2026 10:00:05 +0000")
    assert "received-helo-mismatch" not in names(run(raw_mail(literal)))


def test_zmailer_received_line_names_the_verified_host() -> None:
    hop = parse_hop('from smtp.colleague.org ([192.0.2.85]:40211 "EHLO smtp.colleague.org") by lists.example')
    assert hop is not None and (hop.rdns, hop.helo, hop.ip) == ("smtp.colleague.org", "smtp.colleague.org",
                                                                "192.0.2.85")


def test_old_list_headers_count_as_list_mail() -> None:
    pitch = ("Make money from home! Save up to 70% on every order. 100% satisfaction guaranteed. "
             "Order now while supplies last.")
    assert "lure-sales" in names(run(mail(pitch, headers=NO_AUTH)))
    assert "lure-sales" not in names(run(mail(pitch, headers=(*NO_AUTH, "X-Mailing-List: talk@lists.example"))))
    assert "lure-sales" not in names(run(mail(pitch, headers=(*NO_AUTH, "Mailing-List: contact talk-help@lists.example"))))


def test_binhex_attachment_is_not_a_type_mismatch() -> None:
    blob = b"(This file must be converted with BinHex 4.0)\n:$'*XG@9LB@aX,R\"ZC`\"#58j:\n"
    assert "attachment-type-mismatch" not in names(run(mail(attachments=(
        ("board.png", "application/mac-binhex40", blob),))))
    assert "attachment-type-mismatch" in names(run(mail(attachments=(
        ("board.png", "application/pdf", blob),))))


def test_many_unclosed_anchor_tags_are_read_in_one_pass() -> None:
    # 20,000 "<a " without a ">": each used to be scanned to the end of the body (37 s)
    import time

    body = "<html><body>" + "<a " * 20_000 + "</body></html>"
    started = time.process_time()
    run(html_mail(body, sender="A <a@shop.example>", headers=NO_AUTH))
    assert time.process_time() - started < 5.0
    mixed_late = "<a " * 5_000 + '<a href="https://shop.example/1">one</a> <A HREF="https://shop.example/2">two</A>'
    assert "html-obfuscation" in names(run(html_mail(mixed_late, sender="A <a@shop.example>", headers=NO_AUTH)))
