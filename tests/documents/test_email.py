"""E-mail reader: headers, decoded bodies, attachments and child documents."""

from __future__ import annotations

import datetime as dt
import hashlib

from tests.documents.conftest import fixture
from tests.documents.pdfs import make_pdf
from unmask.documents import parse_bytes, read
from unmask.documents.mail import parse_email
from unmask.model import Document


def test_headers_become_metadata() -> None:
    doc = read(fixture("invoice-phish.eml"))
    assert doc.format == "email"
    meta = doc.metadata
    assert meta.title == "Overdue invoice – action required"  # RFC 2047 decoded
    assert meta.authors == ("Billing Department <billing@billing.example>",)
    assert meta.published == dt.date(2024, 3, 11)
    extra = meta.extra
    assert extra["reply-to"] == "payments@collect-now.example"
    assert extra["return-path"] == "<bounce@mailer.bad-sender.example>"
    assert extra["message-id"] == "<20240311081500.4471@mail.bad-sender.example>"
    assert extra["cc"] == "bob@victim.example"
    assert "dmarc=fail" in extra["authentication-results"]
    assert extra["received-count"] == "2"
    received = extra["received"].split("\n")
    assert received[0].startswith("from mx.victim.example")
    assert "[203.0.113.66]" in received[1]  # the chain keeps its order, top first


def test_text_has_header_block_and_decoded_html_body() -> None:
    doc = read(fixture("invoice-phish.eml"))
    assert doc.text.startswith("From: Billing Department <billing@billing.example>\n")
    assert "Subject: Overdue invoice – action required" in doc.text
    # quoted-printable HTML decoded, tags gone, non-ASCII intact
    assert "Please click here to pay within 24 hours — or your account" in doc.text
    assert "Billing Département" in doc.text
    assert "<p>" not in doc.text and "=E2=80" not in doc.text
    # the link behind "click here" is kept for triage
    links = doc.text.split("[links]\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert links == ["https://secure-billing.example/pay?id=4471", "https://tracker.example/pixel.gif?u=42"]


def test_plain_alternative_kept_only_when_it_differs() -> None:
    doc = read(fixture("invoice-phish.eml"))
    assert "Please pay within 24 hours." not in doc.text  # same words as the HTML part
    data = fixture("invoice-phish.eml").read_bytes().replace(
        b"Please pay within 24 hours.", b"Nothing to do, this message is harmless and safe to ignore.")
    doc = parse_bytes(data, source="mismatch.eml")
    assert "this message is harmless and safe to ignore" in doc.text


def test_attachments_listed_with_hashes() -> None:
    doc = read(fixture("invoice-phish.eml"))
    block = doc.text.split("[attachments]\n", 1)[1].split("\n")
    assert block[0].startswith("invoice-2024-0311.pdf application/pdf ")
    assert block[0].endswith(f"sha256 {doc.attachments[0].sha256}")
    assert block[1].startswith("logo.png image/png 70 bytes sha256 ")
    names = [(a.name, a.content_type) for a in doc.attachments]
    assert names == [("invoice-2024-0311.pdf", "application/pdf"), ("logo.png", "image/png")]
    pdf = doc.attachments[0]
    assert pdf.size > 500
    assert len(pdf.sha256) == 64 and pdf.sha256 == pdf.sha256.lower()


def test_attached_pdf_is_a_child_document() -> None:
    doc = read(fixture("invoice-phish.eml"))
    assert len(doc.children) == 1
    child = doc.children[0]
    assert child.format == "pdf"
    assert child.source.endswith("invoice-phish.eml::invoice-2024-0311.pdf")
    assert child.metadata.title == "Invoice 2024-0311"
    assert "secure-billing.example" in child.text
    assert child.sha256 == doc.attachments[0].sha256
    assert child.pages and child.pages[0].number == 1


def _mail(parts: str, boundary: str = "b1") -> bytes:
    head = ("From: a@sender.example\nTo: b@victim.example\nSubject: test\n"
            "Message-ID: <1@sender.example>\nMIME-Version: 1.0\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n')
    return (head + parts + f"--{boundary}--\n").encode()


def test_unreadable_attachment_gives_a_warning() -> None:
    bad_pdf = "JVBERi0xLjQKZ2FyYmFnZQ=="  # "%PDF-1.4\ngarbage": truncated
    data = _mail("--b1\nContent-Type: text/plain\n\nsee attachment\n"
                 "--b1\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=x.pdf\n"
                 f"Content-Transfer-Encoding: base64\n\n{bad_pdf}\n")
    doc = parse_bytes(data, source="m.eml")
    assert [a.name for a in doc.attachments] == ["x.pdf"]
    assert doc.children == ()
    assert doc.warnings == ("attachment 'x.pdf' not read: PDF is truncated: the %%EOF end marker is missing",)


def test_text_and_html_attachments_are_children() -> None:
    data = _mail("--b1\nContent-Type: text/plain; charset=utf-8\n\nbody text\n"
                 "--b1\nContent-Type: text/plain; name=iocs.txt\nContent-Disposition: attachment; filename=iocs.txt\n\n"
                 "evil.example\n"
                 "--b1\nContent-Type: text/html\nContent-Disposition: attachment; filename=page.html\n\n"
                 "<html><body><p>APT43 page</p></body></html>\n")
    doc = parse_bytes(data, source="m.eml")
    assert "body text" in doc.text and "evil.example" not in doc.text
    assert [c.format for c in doc.children] == ["text", "html"]
    assert doc.children[0].text.strip() == "evil.example"
    payload = b"evil.example"  # the line break before a boundary belongs to the boundary
    assert doc.attachments[0].sha256 == hashlib.sha256(payload).hexdigest()


def test_forwarded_message_is_a_child_email() -> None:
    inner = "From: x@inner.example\nSubject: inner\nMessage-ID: <2@inner.example>\n\ninner body\n"
    data = _mail(f"--b1\nContent-Type: text/plain\n\nsee below\n--b1\nContent-Type: message/rfc822\n\n{inner}\n")
    doc = parse_bytes(data, source="fwd.eml")
    assert doc.attachments[0].content_type == "message/rfc822"
    assert doc.children[0].format == "email"
    assert doc.children[0].metadata.title == "inner"


def test_unknown_charset_and_bad_base64_do_not_crash() -> None:
    data = _mail("--b1\nContent-Type: text/plain; charset=x-klingon\nContent-Transfer-Encoding: base64\n\n"
                 "!!!not base64!!!\n--b1\nContent-Type: text/html; charset=utf-8\n"
                 "Content-Transfer-Encoding: quoted-printable\n\n<p>caf=C3=A9 =ZZ</p>\n")
    doc = parse_bytes(data, source="odd.eml")
    assert "café" in doc.text


def test_single_part_mail_with_pdf_attachment_generated_here() -> None:
    import base64

    pdf = base64.b64encode(make_pdf(["Attached report about Lazarus"])).decode()
    data = _mail("--b1\nContent-Type: application/octet-stream; name=report.bin\n"
                 f"Content-Transfer-Encoding: base64\n\n{pdf}\n")
    doc = parse_bytes(data, source="m.eml")
    # the declared type says octet-stream; the content says PDF
    assert doc.children[0].format == "pdf"
    assert "Lazarus" in doc.children[0].text


def test_mhtml_page_saved_by_a_browser_is_read_as_html() -> None:
    doc = read(fixture("article.mht"))
    assert doc.format == "html"
    assert doc.metadata.title == "Kimsuky targets think tanks with new lure"
    assert doc.metadata.url == "https://blog.example-security.test/2024/03/kimsuky-think-tanks"
    assert doc.metadata.extra["archive"] == "mhtml"
    assert "also tracked as APT43 and Emerald Sleet" in doc.text
    assert "Advertisement" not in doc.text and "Related articles" not in doc.text


def _parse_mail(data: bytes) -> Document:
    return parse_email(data, source="hostile.eml", sha256=hashlib.sha256(data).hexdigest())


def test_a_charset_name_with_a_nul_byte_is_an_unknown_charset() -> None:
    doc = _parse_mail(b"From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=\"utf\x008\"\n\nbody text\n")
    assert "body text" in doc.text


def test_over_long_headers_are_cut_with_a_warning() -> None:
    # The stdlib header parser is worse than linear on these (a 1 MB To: took 30 s,
    # encoded words ran out of memory): they are cut to 16 KB before parsing.
    for header in (b"To: " + b"u@example.org, " * 60_000, b"Subject: " + b"=?utf-8?q?abc?= " * 60_000):
        data = b"From: a@example.org\n" + header + b"\n\nthe body\n"
        doc = _parse_mail(data)
        assert doc.size == len(data)
        assert "the body" in doc.text
        assert any("longer than 16,384 bytes cut" in w for w in doc.warnings)


def test_thousands_of_headers_keep_the_first_thousand_with_a_warning() -> None:
    data = b"From: a@example.org\nSubject: many\n" + b"".join(b"X-H%d: v\n" % i for i in range(26_000)) + b"\nbody\n"
    doc = _parse_mail(data)
    assert doc.metadata.title == "many"
    assert any("the last 25002 header(s) not read" in w for w in doc.warnings)


def test_over_long_mime_part_headers_are_cut() -> None:
    data = (b"From: a@example.org\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
            b"--XX\nContent-Type: text/plain; name=\"" + b"a" * 500_000 + b"\"\n\nhello there\n--XX--\n")
    doc = _parse_mail(data)
    assert any("MIME header(s) longer than 4,096 bytes" in w for w in doc.warnings)


def test_repeated_headers_keep_every_value_in_order() -> None:
    data = b"From: a@example.org\nReceived: one\nSubject: s\nReceived: two\nReceived: three\n\nbody\n"
    doc = _parse_mail(data)
    assert doc.metadata.extra["received"] == "one\ntwo\nthree"
    assert doc.metadata.extra["received-count"] == "3"


def test_a_charset_that_is_not_a_text_encoding_is_guessed() -> None:
    doc = _parse_mail(b"From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=quoted-printable\n\n"
                      b"body text\n")
    assert "body text" in doc.text


def test_a_malformed_link_in_html_mail_is_skipped() -> None:
    data = (b"From: a@example.org\nSubject: s\nContent-Type: text/html\n\n"
            b"<p>see <a href='http://[::1'>this</a> and <a href='https://evil.example/x'>that</a></p>\n")
    doc = _parse_mail(data)
    assert "https://evil.example/x" in doc.text
