"""The image-unprompted signal (issue 23): a mostly-picture message that starts a
conversation out of the blue, next to the replies, forwards, list mail and signed
mail that carry a picture and stay unmarked."""

from __future__ import annotations

from tests.defend.test_triage import PASS, html_mail, names, run
from unmask.defend.triage_rules import WEIGHTS

HOP = ("Received: from relay.kettle-deals.example (relay.kettle-deals.example [198.51.100.44]) "
       "by mx.eastwatch.org (Postfix) with ESMTP id 7; Mon, 02 Nov 2026 10:00:03 +0000",)
#: Nothing but an embedded picture behind a link: image-only.
BANNER = ('<html><body><a href="https://kettle-deals.example/buy"><img src="cid:promo7"></a>'
          '</body></html>')
#: A web picture and two short lines: image-heavy.
POSTER = ('<p>Half price on every kettle until Sunday.</p>'
          '<img src="https://pics.kettle-deals.example/sale.jpg"><p>See the range.</p>')
SENDER = "Kettle Deals <offers@kettle-deals.example>"


def test_weight_is_in_the_one_table() -> None:
    assert WEIGHTS["image-unprompted"] == 1.5


def test_a_picture_sent_out_of_the_blue_is_marked() -> None:
    for html in (BANNER, POSTER):
        found = run(html_mail(html, sender=SENDER, subject="Your kitchen deserves better", headers=HOP))
        assert "image-unprompted" in names(found), html
        signal = next(s for s in found.signals if s.name == "image-unprompted")
        assert signal.category == "content"
        assert signal.evidence and signal.evidence[0].where == "img"
        assert "answers nothing" in signal.explanation


def test_only_beside_image_only_or_image_heavy() -> None:
    wordy = "<p>" + "We have rebuilt the allotment shed and the keys are with Ray. " * 30 + \
        '</p><img src="https://pics.kettle-deals.example/shed.jpg">'
    assert "image-unprompted" not in names(run(html_mail(wordy, sender=SENDER, headers=HOP)))


def test_replies_and_forwards_are_not_marked() -> None:
    threaded = (*HOP, "In-Reply-To: <a81.x@home.example>")
    assert "image-unprompted" not in names(run(html_mail(BANNER, sender=SENDER, headers=threaded)))
    referenced = (*HOP, "References: <a81.x@home.example>")
    assert "image-unprompted" not in names(run(html_mail(POSTER, sender=SENDER, headers=referenced)))
    for subject in ("Re: the photos from Saturday", "Fwd: the photos from Saturday",
                    "AW: Bilder vom Samstag", "[garden-club] Re: shed photo", "SV: bilder"):
        assert "image-unprompted" not in names(run(html_mail(BANNER, sender=SENDER, subject=subject,
                                                             headers=HOP))), subject
    # "Regarding" is not a reply prefix.
    assert "image-unprompted" in names(run(html_mail(BANNER, sender=SENDER, subject="Regarding kettles",
                                                     headers=HOP)))


def test_list_mail_and_authenticated_mail_are_not_marked() -> None:
    listed = (*HOP, "List-Id: <kettles.lists.kettle-deals.example>")
    assert "image-unprompted" not in names(run(html_mail(BANNER, sender=SENDER, headers=listed)))
    signed = (PASS.format(d="kettle-deals.example"),)
    assert "image-unprompted" not in names(run(html_mail(BANNER, sender=SENDER, headers=signed)))
