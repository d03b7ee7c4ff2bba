"""The image-led signal (issue 23): a message that opens with a picture embedded in it
(or fetched from the web) and whose text offers no link or address of its own — the
offer is in the picture, the words around it are filler (novel passages, hidden text).
No OCR: the structure alone. Icons, bullets, list mail, signed mail, and a message
whose text carries its own links stay unmarked."""

from __future__ import annotations

import base64

from tests.defend.test_triage import PASS, names, run
from unmask.defend.triage_rules import WEIGHTS

HOP = ("Received: from pc-17.cable.example.net (unknown [203.0.113.71]) "
       "by mx.eastwatch.org (Postfix) with SMTP id 9; Mon, 02 Nov 2026 10:00:03 +0000",)
#: Bytes that stand for a picture big enough to carry an offer (an icon is ~1 KB).
BIG = bytes(range(256)) * 40
SMALL = bytes(range(256)) * 4


def related(html: str, *, picture: bytes = BIG, subject: str = "A note for you",
            headers: tuple[str, ...] = HOP, plain: str | None = None,
            sender: str = "Mona Reyes <mona@quarry-lane.example>") -> bytes:
    """A multipart/related message: the HTML (and an optional plain-text twin) and one
    embedded picture with Content-ID ``pic1``."""
    alt = []
    if plain is not None:
        alt.append(f"--alt\nContent-Type: text/plain; charset=utf-8\n\n{plain}\n")
    alt.append(f"--alt\nContent-Type: text/html; charset=utf-8\n\n{html}\n")
    picture_part = ("--rel\nContent-Type: image/gif; name=\"p.gif\"\nContent-ID: <pic1>\n"
                    "Content-Transfer-Encoding: base64\n\n"
                    + base64.encodebytes(picture).decode() + "\n")
    head = [f"From: {sender}", "To: jane@eastwatch.org", f"Subject: {subject}",
            "Date: Mon, 02 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0", *headers,
            'Content-Type: multipart/related; boundary="rel"']
    body = ("--rel\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n" + "".join(alt)
            + "--alt--\n" + picture_part + "--rel--\n")
    return ("\n".join(head) + "\n\n" + body).encode()


#: Three layouts of the same class, in wording of our own: a picture on top of a
#: passage of a travel diary; a picture inside a table beside a weather report in tiny
#: grey type; a picture wrapped in a bare link, followed by hidden text boxes.
DIARY = ('<html><body><div><img src="cid:pic1"></div><div><font size=2>The ferry left at '
         'dawn and the gulls followed it past the lighthouse; by noon the harbour wall was '
         'only a grey line and the cook had started on the soup.</font></div></body></html>')
TABLE = ('<html><body><table><tr><td><img src="cid:pic1" border=0></td><td style="color:#999">'
         'Light rain in the north, clearing towards evening; winds from the west at twenty '
         'kilometres an hour, colder on the hills overnight.</td></tr></table></body></html>')
HIDDEN = ('<html><body><a href="http://bargain-tabs.example/"><img src="cid:pic1"></a>'
          '<textarea style="visibility: hidden">orchard ladder</textarea>'
          '<textarea style="visibility: hidden">the baker waved twice</textarea>'
          '<p>Seven bells rang over the square while the carts came in.</p></body></html>')


def test_weight_is_in_the_one_table() -> None:
    assert WEIGHTS["image-led"] == 1.5


def test_a_picture_with_filler_text_is_marked_in_three_layouts() -> None:
    for html in (DIARY, TABLE, HIDDEN):
        found = run(related(html))
        assert {"image-led", "image-unprompted"} <= names(found), html
        assert found.verdict != "no-signals", html
        signal = next(s for s in found.signals if s.name == "image-led")
        assert signal.category == "content"
        assert signal.evidence[0].where == "img" and signal.evidence[0].value == "cid:pic1"
        assert "no link" in signal.explanation


def test_a_plain_twin_that_says_something_else_does_not_matter() -> None:
    found = run(related(DIARY, plain="The orchard is quiet and the pears are late this year."))
    assert "image-led" in names(found)


def test_hidden_text_boxes_are_hidden_text() -> None:
    assert "html-obfuscation" in names(run(related(HIDDEN)))


def test_text_that_carries_its_own_link_or_address_is_not_marked() -> None:
    linked = DIARY.replace("</font>", ' <a href="https://ferries.example/times">timetable</a></font>')
    assert "image-led" not in names(run(related(linked)))
    written = DIARY.replace("the soup.", "the soup. Photos at www.ferry-diary.example")
    assert "image-led" not in names(run(related(written)))
    in_plain = related(DIARY, plain="The full set is at https://photos.example/ferry")
    assert "image-led" not in names(run(in_plain))


def test_icons_and_text_first_are_not_marked() -> None:
    # a bullet declared icon-sized, or a small embedded file, is decoration
    bullet = DIARY.replace('<img src="cid:pic1">', '<img src="cid:pic1" width=24 height=24>')
    assert "image-led" not in names(run(related(bullet)))
    assert "image-led" not in names(run(related(DIARY, picture=SMALL)))
    # a picture after a paragraph of text does not open the message
    late = ("<html><body><p>" + "We met the new tenants on the second floor and they seem kind. " * 5
            + '</p><img src="cid:pic1"></body></html>')
    assert "image-led" not in names(run(related(late)))


def test_list_mail_signed_mail_and_replies() -> None:
    listed = (*HOP, "List-Id: <walkers.lists.quarry-lane.example>")
    assert "image-led" not in names(run(related(DIARY, headers=listed)))
    signed = (*HOP, PASS.format(d="quarry-lane.example"))
    assert "image-led" not in names(run(related(DIARY, headers=signed)))
    # a reply keeps the weak image-led signal but is not unprompted
    reply = run(related(DIARY, subject="Re: the ferry", headers=(*HOP, "In-Reply-To: <x1@quarry-lane.example>")))
    assert "image-led" in names(reply) and "image-unprompted" not in names(reply)
