"""Phishing e-mail triage: every signal, the verdicts on the fixtures, hostile input, CLI."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import shared_path
from unmask.defend.triage import MALICIOUS_AT, SUSPICIOUS_AT, Triage, triage_message
from unmask.defend.triage_rules import WEIGHTS
from unmask.errors import DocumentError, UnmaskError
from unmask.store.results import IocResult, NamedStat

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "defend" / "triage"
PROTECTED = ("eastwatch.org", "asianewsdaily.com")

PASS = ("Authentication-Results: mx.eastwatch.org; spf=pass smtp.mailfrom={d}; "
        "dkim=pass header.d={d}; dmarc=pass header.from={d}")


def mail(
    body: str = "Hello, see you tomorrow.",
    *,
    sender: str = "Tom Baker <tom@colleague.org>",
    headers: tuple[str, ...] | None = None,
    ctype: str = "text/plain",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """A synthetic message; auth headers pass for the sender's domain unless given."""
    domain = sender.rsplit("@", 1)[1].rstrip(">")
    head = [f"From: {sender}", "To: jane@eastwatch.org", "Subject: Test message",
            "Date: Mon, 02 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0"]
    head.extend(headers if headers is not None else (PASS.format(d=domain),))
    if not attachments:
        head.append(f"Content-Type: {ctype}; charset=utf-8")
        return ("\n".join(head) + "\n\n" + body + "\n").encode()
    head.append('Content-Type: multipart/mixed; boundary="BOUND"')
    parts = [f"--BOUND\nContent-Type: {ctype}; charset=utf-8\n\n{body}\n"]
    for name, declared, payload in attachments:
        encoded = base64.encodebytes(payload).decode()
        parts.append(f'--BOUND\nContent-Type: {declared}; name="{name}"\n'
                     f'Content-Disposition: attachment; filename="{name}"\n'
                     f"Content-Transfer-Encoding: base64\n\n{encoded}\n")
    return ("\n".join(head) + "\n\n" + "".join(parts) + "--BOUND--\n").encode()


def names(result: Triage) -> set[str]:
    return {s.name for s in result.signals}


def run(raw: bytes, **kwargs: object) -> Triage:
    result = triage_message(raw, **kwargs)  # type: ignore[arg-type]
    for signal in result.signals:  # every text span quotes what it claims
        assert signal.evidence or signal.name == "no-authentication-results"
        for evidence in signal.evidence:
            if evidence.span is not None:
                assert evidence.span.of(result.text) == evidence.value
    return result


# -- verdicts on the fixtures --------------------------------------------------------

EXPECTED = {
    "benign-family-photo.eml": ("no-signals", "no-signals"),
    "benign-internal.eml": ("no-signals", "no-signals"),
    "benign-journalist-request.eml": ("no-signals", "no-signals"),
    "benign-newsletter.eml": ("no-signals", "no-signals"),
    "benign-pdf.eml": ("no-signals", "no-signals"),
    "phish-auth-fail.eml": ("suspicious", "malicious"),
    "phish-credential.eml": ("malicious", "malicious"),
    "phish-data-url.eml": ("suspicious", "suspicious"),
    "phish-double-extension.eml": ("malicious", "malicious"),
    "phish-encrypted-zip.eml": ("malicious", "malicious"),
    "phish-html-attachment.eml": ("malicious", "malicious"),
    "phish-interview.eml": ("suspicious", "malicious"),
    "phish-macro.eml": ("suspicious", "suspicious"),
    "benign-forwarded.eml": ("no-signals", "no-signals"),
    "benign-invite.eml": ("no-signals", "no-signals"),
    "benign-korean.eml": ("no-signals", "no-signals"),
    "benign-mailing-list.eml": ("no-signals", "no-signals"),
    "benign-password-reset.eml": ("no-signals", "no-signals"),
    "phish-iso.eml": ("suspicious", "malicious"),
    "phish-korean-naver.eml": ("suspicious", "suspicious"),
    # Without the protected domain the imitation is not seen, but the sign-in link to a
    # domain unrelated to the sender (links-unrelated) now adds up to suspicious.
    "phish-lookalike-link.eml": ("suspicious", "suspicious"),
    # Realistic benign mail of the kinds real phishing imitates (brand newsletters on
    # their own ESP, genuine sign-in alerts, invoices, parcels, e-signatures, calendar
    # invitations, mailing lists, non-English newsletters): nothing adds up.
    "benign-brand-newsletter.eml": ("no-signals", "no-signals"),
    "benign-calendar-google.eml": ("no-signals", "no-signals"),
    "benign-colleague-link.eml": ("no-signals", "no-signals"),
    "benign-docusign.eml": ("no-signals", "no-signals"),
    "benign-list-post.eml": ("no-signals", "no-signals"),
    "benign-loyalty-reward.eml": ("no-signals", "no-signals"),
    "benign-newsletter-de.eml": ("no-signals", "no-signals"),
    "benign-newsletter-es.eml": ("no-signals", "no-signals"),
    "benign-newsletter-fr.eml": ("no-signals", "no-signals"),
    "benign-newsletter-pt.eml": ("no-signals", "no-signals"),
    "benign-newsroom-interview.eml": ("no-signals", "no-signals"),
    "benign-parcel-notice.eml": ("no-signals", "no-signals"),
    "benign-saas-invoice.eml": ("no-signals", "no-signals"),
    "benign-saas-password-reset.eml": ("no-signals", "no-signals"),
    "benign-signin-alert.eml": ("no-signals", "no-signals"),
    "benign-ticket-it.eml": ("no-signals", "no-signals"),
    # Added for issue 23's bulk-spam tells: a 2000s-style image advertisement, and an
    # old list reply (X-Mailing-List, a ZMailer Received line, a BinHex attachment).
    "spam-image-ad.eml": ("malicious", "malicious"),
    "benign-old-list-reply.eml": ("no-signals", "no-signals"),
    # Added after scoring the unseen4 mail: list posts whose list server has no reverse
    # name or wrote no List-* header, a 419 letter in capitals with doubled blanks, drug
    # names spelt out letter by letter, and a Date in a time zone that does not exist.
    "benign-list-post-1990s.eml": ("no-signals", "no-signals"),
    "benign-list-post-unnamed-relay.eml": ("no-signals", "no-signals"),
    "spam-advance-fee-capitals.eml": ("suspicious", "suspicious"),
    "spam-spelled-out-pills.eml": ("suspicious", "suspicious"),
    "spam-impossible-time-zone.eml": ("suspicious", "suspicious"),
}


def test_every_fixture_has_an_expected_verdict() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_verdicts(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    plain, protected = EXPECTED[name]
    assert run(raw, source=name).verdict == plain
    result = run(raw, source=name, protected=PROTECTED)
    assert result.verdict == protected
    if name.startswith("benign-"):
        assert result.score < SUSPICIOUS_AT


def test_score_is_the_sum_and_signals_come_strongest_first() -> None:
    result = run((FIXTURES / "phish-credential.eml").read_bytes())
    assert result.score == pytest.approx(sum(s.weight for s in result.signals))
    weights = [s.weight for s in result.signals]
    assert weights == sorted(weights, reverse=True)
    assert result.score >= MALICIOUS_AT
    data = result.to_dict()
    assert data["verdict"] == "malicious" and data["signals"][0]["evidence"]


# -- authentication ------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    ("Authentication-Results: mx; spf=fail smtp.mailfrom=x.org", {"spf-fail"}),
    ("Authentication-Results: mx; spf=softfail smtp.mailfrom=x.org", {"spf-softfail"}),
    ("Authentication-Results: mx; dkim=fail header.d=x.org", {"dkim-fail"}),
    ("Authentication-Results: mx; dmarc=fail header.from=x.org", {"dmarc-fail"}),
    ("Authentication-Results: mx; dmarc=temperror", {"dmarc-temperror"}),
    ("Authentication-Results: mx; spf=none; dkim=none; dmarc=none", {"spf-none", "dkim-none", "dmarc-none"}),
    ("Received-SPF: Fail (mx: domain of x.org does not designate 203.0.113.9)", {"spf-fail"}),
    ("Received-SPF: softfail (mx: transitioning)", {"spf-softfail"}),
])
def test_authentication_results(header: str, expected: set[str]) -> None:
    result = run(mail(headers=(header,)))
    auth = {s.name for s in result.signals if s.category == "auth"}
    assert auth == expected
    signal = next(s for s in result.signals if s.category == "auth")
    assert signal.evidence[0].kind == "header" and signal.evidence[0].value in header


def test_worst_result_wins_and_passes_are_silent() -> None:
    both = ("Authentication-Results: mx; spf=pass smtp.mailfrom=x.org",
            "Authentication-Results: mx2; spf=fail smtp.mailfrom=x.org")
    assert {s.name for s in run(mail(headers=both)).signals} == {"spf-fail"}
    assert not run(mail()).signals


def test_missing_authentication_is_weak() -> None:
    result = run(mail(headers=()))
    assert names(result) == {"no-authentication-results"}
    assert result.verdict == "no-signals"


def test_spoofed_protected_domain() -> None:
    raw = mail(sender="Payroll <payroll@eastwatch.org>",
               headers=("Authentication-Results: mx; spf=fail smtp.mailfrom=eastwatch.org; dmarc=fail",))
    assert "protected-domain-spoof" in names(run(raw, protected=["eastwatch.org"]))
    assert "protected-domain-spoof" not in names(run(raw))


# -- sender ----------------------------------------------------------------------------


def test_display_name_address_and_domain() -> None:
    raw = mail(sender='"support@paypal.com" <help@pay-help.top>')
    result = run(raw)
    assert "display-name-address" in names(result)
    assert next(s for s in result.signals if s.name == "display-name-address").evidence[0].where == "from"
    assert "display-name-domain" in names(run(mail(sender='"nytimes.com Support" <help@pay-help.top>')))
    # A display name naming the sender's own domain, or a title like "Mr.Kim", is fine.
    assert not names(run(mail(sender='"colleague.org desk" <desk@mail.colleague.org>')))
    assert not names(run(mail(sender='"Mr.Kim" <kim@colleague.org>')))
    assert not names(run(mail(sender='"tom@colleague.org" <tom@colleague.org>')))


def test_display_name_using_a_protected_brand() -> None:
    raw = mail(sender='"Eastwatch Security Team" <alerts@mailer-service.net>')
    assert "display-name-brand" in names(run(raw, protected=["eastwatch.org"]))
    assert "display-name-brand" not in names(run(raw))


def test_reply_to_mismatches() -> None:
    freemail = run(mail(headers=(PASS.format(d="colleague.org"), "Reply-To: tom.baker77@gmail.com")))
    assert "freemail-reply-to" in names(freemail)
    other = run(mail(headers=(PASS.format(d="colleague.org"), "Reply-To: tom@other-domain.net")))
    assert "reply-to-mismatch" in names(other) and "freemail-reply-to" not in names(other)
    same = run(mail(headers=(PASS.format(d="colleague.org"), "Reply-To: desk@news.colleague.org")))
    assert not names(same)


def test_mailing_lists_reply_to_the_author() -> None:
    listed = (PASS.format(d="colleague.org"), "List-Id: <k.colleague.org>", "Reply-To: kim@univ.ac.kr")
    assert not names(run(mail(headers=listed)))
    freemail = (PASS.format(d="colleague.org"), "List-Id: <k.colleague.org>", "Reply-To: kim77@gmail.com")
    assert "freemail-reply-to" in names(run(mail(headers=freemail)))


def test_envelope_mismatch_is_weak() -> None:
    result = run(mail(headers=(PASS.format(d="colleague.org"), "Return-Path: <bounce@esp-mailer.net>")))
    assert names(result) == {"envelope-mismatch"}
    assert result.verdict == "no-signals"


def test_freemail_claiming_an_organisation() -> None:
    by_name = run(mail(sender='"Asia Policy Institute" <api.korea@gmail.com>'))
    assert "freemail-claims-organisation" in names(by_name)
    by_body = run(mail("I am a journalist with the Seoul Herald.", sender="Lee <lee.sh@naver.com>"))
    signal = next(s for s in by_body.signals if s.name == "freemail-claims-organisation")
    assert any(e.kind == "text" for e in signal.evidence)
    assert not names(run(mail("See you at dinner.", sender="Sam <sam.doe@gmail.com>")))


def test_disposable_sender() -> None:
    assert "disposable-sender" in names(run(mail(sender="X <x@mailinator.com>")))


# -- lookalikes ------------------------------------------------------------------------


def test_lookalike_sender_and_link() -> None:
    raw = mail('<a href="https://eastwatch-login.com/portal">Open the portal</a>',
               ctype="text/html", headers=(PASS.format(d="colleague.org"), "Reply-To: it@eastwach.org"))
    result = run(raw, protected=["eastwatch.org"])
    assert {"lookalike-sender", "lookalike-link"} <= names(result)
    sender = next(s for s in result.signals if s.name == "lookalike-sender")
    assert "eastwatch.org" in sender.explanation and sender.evidence[0].where == "reply-to"
    assert not {"lookalike-sender", "lookalike-link"} & names(run(raw))


# -- links -------------------------------------------------------------------------------


def html(body: str, **kwargs: object) -> Triage:
    return run(mail(body, ctype="text/html"), **kwargs)


def test_link_text_mismatch() -> None:
    result = html('<a href="https://evil-host.top/x">https://www.eastwatch.org/login</a>')
    signal = next(s for s in result.signals if s.name == "link-text-mismatch")
    assert "evil-host.top" in signal.explanation and signal.evidence[0].kind == "link"
    assert "link-text-mismatch" not in names(html('<a href="https://www.eastwatch.org/a">eastwatch.org</a>'))
    tracked = '<a href="https://x.us5.list-manage.com/track/click?u=1">www.eastwatch.org/report</a>'
    assert "link-text-mismatch" not in names(html(tracked))


def test_link_to_ip_host() -> None:
    assert "link-ip-host" in names(html('<a href="http://45.77.12.9/doc">document</a>'))
    assert "link-ip-host" not in names(html('<a href="http://10.1.2.3/intranet">intranet</a>'))


def test_link_shortener_and_credential_path() -> None:
    assert "link-shortener" in names(html('<a href="https://bit.ly/3abcd">read</a>'))
    assert "link-credential-path" in names(html('<a href="https://docs-share.top/auth/signin?x=1">read</a>'))
    own = '<a href="https://www.colleague.org/account/login">manage</a>'
    assert "link-credential-path" not in names(html(own))
    # The sender's own domain is the brand only when it vouched for the message.
    unauthenticated = mail(own, ctype="text/html", headers=("Authentication-Results: mx; dmarc=none",))
    assert "link-credential-path" in names(run(unauthenticated))
    protected = '<a href="https://mail.eastwatch.org/owa/">webmail</a>'
    assert "link-credential-path" not in names(html(protected, protected=["https://www.EastWatch.org/"]))
    assert "link-credential-path" not in names(html('<a href="https://blog.example.net/authors/kim">kim</a>'))


def test_script_urls() -> None:
    result = html('<a href="javascript:location=\'https://x.top\'">open</a>'
                  '<a href="data:text/html;base64,PGgxPmhpPC9oMT4=">doc</a>')
    signal = next(s for s in result.signals if s.name == "link-script-url")
    assert len(signal.evidence) == 2


def test_cloud_drive_only_counts_next_to_a_lure() -> None:
    link = "https://drive.google.com/file/d/abc/view"
    assert "link-cloud-drive" not in names(run(mail(f"The minutes: {link}")))
    lure = f"Could you fill in our questionnaire for the interview? {link}"
    assert "link-cloud-drive" in names(run(mail(lure)))


# -- attachments ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60


def attached(name: str, declared: str, payload: bytes, body: str = "See attached.") -> set[str]:
    return names(run(mail(body, attachments=((name, declared, payload),))))


def test_plain_pdf_is_fine() -> None:
    assert not attached("report.pdf", "application/pdf", PDF)


@pytest.mark.parametrize("name", ["setup.exe", "invoice.js", "letter.hta", "doc.lnk", "files.iso",
                                  "notes.one", "help.chm", "run.vbs", "photo.scr"])
def test_executable_attachments(name: str) -> None:
    assert "attachment-executable" in attached(name, "application/octet-stream", b"payload")


def test_macro_html_double_extension_and_name_tricks() -> None:
    assert "attachment-macro" in attached("budget.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12", b"PK")
    assert "attachment-html" in attached("fax.htm", "text/html", b"<form></form>")
    double = attached("report.pdf.exe", "application/octet-stream", EXE)
    assert {"attachment-executable", "attachment-double-extension"} <= double
    assert "attachment-name-trick" in attached("invoice\u202efdp.exe", "application/octet-stream", EXE)


def test_type_mismatches() -> None:
    assert "attachment-type-mismatch" in attached("report.pdf", "application/pdf", EXE)
    assert "attachment-type-mismatch" in attached("report.pdf", "application/pdf", b"<html>not a pdf")
    assert "attachment-type-mismatch" in attached("photo.jpg", "application/x-msdownload", b"\xff\xd8\xff")
    assert "attachment-type-mismatch" in attached("tool.exe", "application/pdf", EXE)
    assert "attachment-type-mismatch" not in attached("photo.jpg", "image/jpeg", b"\xff\xd8\xff")


def _zip(members: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    raw = bytearray(buffer.getvalue())
    if encrypted:  # set the encryption flag as zip -e would
        local = raw.find(b"PK\x03\x04")
        central = raw.find(b"PK\x01\x02")
        raw[local + 6] |= 1
        raw[central + 8] |= 1
    return bytes(raw)


def test_archives() -> None:
    assert "archive-executable" in attached("docs.zip", "application/zip", _zip({"a/readme.pdf.lnk": b"L"}))
    assert not attached("docs.zip", "application/zip", _zip({"readme.txt": b"hi"}))
    locked = _zip({"readme.txt": b"hi"}, encrypted=True)
    assert "encrypted-archive" in attached("docs.zip", "application/zip", locked)
    with_password = attached("docs.zip", "application/zip", locked, body="The password: Qx7731")
    assert "encrypted-archive-password" in with_password and "encrypted-archive" not in with_password
    # A RAR cannot be opened here; a password in the body is enough to say it.
    assert "encrypted-archive-password" in attached("docs.rar", "application/x-rar", b"Rar!\x1a\x07",
                                                    body="Password is 2026kim")


# -- content -------------------------------------------------------------------------------


def test_lure_language_needs_two_phrases() -> None:
    assert "lure-urgency" not in names(run(mail("This is urgent, sorry.")))
    result = run(mail("Urgent: your account will be suspended within 24 hours."))
    signal = next(s for s in result.signals if s.name == "lure-urgency")
    assert len(signal.evidence) >= 2 and signal.weight == WEIGHTS["lure-urgency"]
    assert result.verdict == "no-signals"  # weak alone


def test_credential_and_enable_content_requests() -> None:
    assert "credential-request" in names(run(mail("Please confirm your password on the page.")))
    assert "enable-content-request" in names(run(mail("Click Enable Content to see the invoice.")))


def test_interview_lure_is_weak_and_not_read_in_bulk_mail() -> None:
    body = "I am a journalist at a weekly. Could I have your insights for an interview on DPRK policy?"
    result = run(mail(body))
    assert "lure-interview" in names(result) and result.verdict == "no-signals"
    bulk = run(mail(body, headers=(PASS.format(d="colleague.org"), "List-Id: <weekly.colleague.org>")))
    assert "lure-interview" not in names(bulk)


# -- intelligence --------------------------------------------------------------------------


def test_known_indicators_name_their_actors() -> None:
    asked: list[str] = []

    def known(value: str) -> IocResult | None:
        asked.append(value)
        if value != "asia-newsdaily.com":
            return None
        return IocResult(value=value, types=("domain",), report_count=3,
                         first_seen=dt.date(2025, 1, 1), last_seen=dt.date(2026, 3, 1),
                         actors=(NamedStat("actor", "G0094", 3, 5, label="Kimsuky"),), sightings=())

    raw = (FIXTURES / "phish-interview.eml").read_bytes()
    result = run(raw, known=known)
    signal = next(s for s in result.signals if s.name == "known-indicator")
    assert signal.explanation == ("The message holds an indicator the knowledge base knows: "
                                  "asia-newsdaily.com: known indicator of Kimsuky (G0094), 3 reports.")
    assert result.verdict == "malicious"
    assert "sarahkim.asianewsdaily@gmail.com" in asked
    assert any(v.startswith("https://drive.google.com/") for v in asked)


def test_several_known_indicators_are_one_signal_weighed_once() -> None:
    def known(value: str) -> IocResult | None:
        if "newsdaily" not in value:
            return None
        return IocResult(value=value, types=("domain",), report_count=1, first_seen=None, last_seen=None,
                         actors=(NamedStat("actor", "G0094", 1, 1, label="Kimsuky"),), sightings=())

    result = run((FIXTURES / "phish-interview.eml").read_bytes(), known=known)
    signals = [s for s in result.signals if s.name == "known-indicator"]
    assert len(signals) == 1 and len(signals[0].evidence) >= 2
    assert signals[0].weight == 8.0 and "indicators the knowledge base knows" in signals[0].explanation


# -- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \n", b"just some words, not a message at all\n",
                                 b"\x00\x01\x02\xff" * 100, b"%PDF-1.4 not mail"])
def test_not_an_email_is_a_document_error(raw: bytes) -> None:
    with pytest.raises(DocumentError):
        triage_message(raw)


def test_not_bytes_is_a_document_error() -> None:
    with pytest.raises(DocumentError):
        triage_message("From: a@b.c\n\nhi")  # type: ignore[arg-type]


def test_truncated_mime_and_bad_encodings_still_give_a_result() -> None:
    truncated = mail(attachments=(("a.pdf", "application/pdf", PDF),))[:-60]
    assert run(truncated).verdict in ("no-signals", "suspicious", "malicious")
    bad = (b"From: =?x-unknown?Q?=FF=FE?= <a@colleague.org>\nSubject: =?utf-8?B?////?=\n"
           b"Content-Type: text/plain; charset=no-such-charset\nContent-Transfer-Encoding: base64\n\n"
           b"!!!not base64\x00\x00\xff\n")
    assert isinstance(run(bad), Triage)
    nul = b"From: a\x00b@colleague.org\nSubject: x\x00y\n\nbody\x00with NUL\n"
    assert isinstance(run(nul), Triage)


def test_many_parts_are_cut_with_a_warning() -> None:
    parts = "".join(f'--B\nContent-Type: application/octet-stream; name="f{i}.exe"\n\nx\n' for i in range(1100))
    raw = (f'From: a@colleague.org\nSubject: parts\nContent-Type: multipart/mixed; boundary="B"\n\n'
           f"{parts}--B--\n").encode()
    result = run(raw)
    assert "attachment-executable" in names(result)
    assert any("1000" in w for w in result.warnings)


def test_deep_nesting_is_refused() -> None:
    depth = 200
    head = "".join(f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth))
    raw = (f'From: a@colleague.org\nContent-Type: multipart/mixed; boundary="b0"\n\n{head}x\n').encode()
    with pytest.raises(DocumentError):
        triage_message(raw)


def test_huge_headers_are_cut_with_a_warning() -> None:
    raw = b"From: a@colleague.org\nSubject: " + b"A" * 500_000 + b"\nX-Junk: " + b"=?utf-8?q?x?= " * 20_000 + b"\n\nbody\n"
    result = triage_message(raw)
    assert result.sender == "a@colleague.org"
    assert any("cut" in w for w in result.warnings)
    many = b"From: a@colleague.org\n" + b"".join(b"X-H%d: v\n" % i for i in range(5000)) + b"\nbody\n"
    assert any("not read" in w for w in triage_message(many).warnings)


def test_huge_mime_part_headers_are_cut() -> None:
    raw = (b'From: a@colleague.org\nContent-Type: multipart/mixed; boundary="B"\n\n--B\n'
           b"Content-Type: text/plain; " + b"x=y; " * 50_000 + b"\n\nhello\n--B\n"
           b'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="'
           + b"a " * 50_000 + b'.exe"\n\nMZ\n--B--\n')
    result = triage_message(raw)
    assert any("MIME header" in w for w in result.warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_unmask_errors(raw: bytes) -> None:
    with contextlib.suppress(UnmaskError):
        triage_message(raw)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400), st.sampled_from(["text/plain", "text/html"]))
def test_arbitrary_bodies_raise_only_unmask_errors(body: str, ctype: str) -> None:
    with contextlib.suppress(UnmaskError):
        run(mail(body, ctype=ctype))


# -- command line ------------------------------------------------------------------------------

runner = CliRunner()


def cli() -> typer.Typer:
    from unmask.cli.triage import register

    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


def test_cli_txt_report_and_exit_codes() -> None:
    phish = str(FIXTURES / "phish-interview.eml")
    result = runner.invoke(cli(), ["triage", phish, "--protect", "asianewsdaily.com"])
    assert result.exit_code == 0, result.output
    assert "Verdict: MALICIOUS" in result.stdout
    assert "lookalike-sender" in result.stdout and "header reply-to:" in result.stdout
    benign = runner.invoke(cli(), ["triage", str(FIXTURES / "benign-pdf.eml")])
    assert benign.exit_code == 1
    assert "Verdict: NO-SIGNALS" in benign.stdout


def test_cli_json_stdin_and_protect_file(tmp_path: Path) -> None:
    protect = tmp_path / "protected.txt"
    protect.write_text("# ours\neastwatch.org\n\nasianewsdaily.com  # the outlet\n", encoding="utf-8")
    raw = (FIXTURES / "phish-interview.eml").read_bytes()
    result = runner.invoke(cli(), ["triage", "-", "--protect-file", str(protect), "--format", "json"], input=raw)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    message = data["messages"][0]
    assert message["source"] == "<stdin>" and message["verdict"] == "malicious"
    assert {"name", "category", "weight", "explanation", "evidence"} <= set(message["signals"][0])


def test_cli_failures_and_usage(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a message\n", encoding="utf-8")
    good = str(FIXTURES / "phish-macro.eml")
    result = runner.invoke(cli(), ["triage", good, str(junk), str(tmp_path / "absent.eml"), "--format", "json"])
    assert result.exit_code == 3
    assert len(json.loads(result.stdout)["messages"]) == 1
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(errors) == 2 and all(set(e["error"]) == {"type", "message", "source"} for e in errors)
    assert runner.invoke(cli(), ["triage", good, "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli(), ["triage", good, "--protect-file", str(tmp_path / "none")]).exit_code == 2
    assert runner.invoke(cli(), ["triage", good, "--protect", "localhost"]).exit_code == 2


def test_cli_uses_the_knowledge_base(tmp_path: Path) -> None:
    import unmask
    from unmask.store import open_kb

    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    report = ("Kimsuky, also tracked as APT43, sent fake interview requests from the domain "
              "asia-newsdaily[.]com to researchers in 2026.")
    with open_kb(db) as kb:
        kb.add_analysis(unmask.analyze(report))
    result = runner.invoke(cli(), ["triage", str(FIXTURES / "phish-interview.eml"), "--db", db])
    assert result.exit_code == 0, result.output
    assert "known-indicator" in result.stdout
    assert "known indicator of" in result.stdout and "G0094" in result.stdout


def test_encoded_attachment_names_are_decoded() -> None:
    rfc2231 = (b'From: a@colleague.org\nSubject: x\nContent-Type: multipart/mixed; boundary="B"\n\n'
               b"--B\nContent-Type: text/plain\n\nhi\n--B\nContent-Type: application/octet-stream\n"
               b"Content-Disposition: attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe\n\nMZ\n"
               b"--B\nContent-Type: application/octet-stream\n"
               b'Content-Disposition: attachment; filename="=?utf-8?b?cmVwb3J0LnBkZi5zY3I=?="\n\nMZ\n--B--\n')
    result = run(rfc2231)
    assert {"attachment-name-trick", "attachment-double-extension"} <= names(result)
    evidence = {e.where for s in result.signals for e in s.evidence if e.kind == "attachment"}
    assert "report.pdf.scr" in evidence


_HEADER_NAMES = ["From", "Reply-To", "Return-Path", "Sender", "Subject", "Authentication-Results",
                 "Received-SPF", "Content-Type", "Content-Disposition", "List-Id"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_HEADER_NAMES), st.text(max_size=80)), max_size=8),
       st.text(max_size=300))
def test_arbitrary_headers_raise_only_unmask_errors(headers: list[tuple[str, str]], body: str) -> None:
    lines = "".join(f"{name}: {value.replace(chr(10), ' ')}\n" for name, value in headers)
    raw = ("From: a@colleague.org\n" + lines + "\n" + body).encode("utf-8", "surrogatepass")
    try:
        result = run(raw)
    except UnmaskError:
        return
    assert result.verdict in ("malicious", "suspicious", "no-signals")


def test_nul_in_a_charset_name_is_read_as_unknown_charset() -> None:
    raw = b"From: a@colleague.org\nSubject: x\nContent-Type: text/plain; charset=\"utf\x00-8\"\n\nhello\n"
    result = run(raw)
    assert result.verdict == "no-signals"


def test_a_forged_pass_below_the_receivers_result_does_not_vouch() -> None:
    link = '<a href="https://sender-site.top/account/login">sign in</a>'
    forged = ("Authentication-Results: mx.eastwatch.org; dmarc=none",
              "Authentication-Results: forged; dmarc=pass header.from=sender-site.top")
    result = run(mail(link, ctype="text/html", sender="S <s@sender-site.top>", headers=forged))
    assert "link-credential-path" in names(result)


# -- real-phishing tells (impersonation, hosting, multilingual lures) -----------------


def html_mail(html: str, *, sender: str, subject: str = "Hello", to: str = "jane@eastwatch.org",
              headers: tuple[str, ...] | None = None) -> bytes:
    domain = sender.rsplit("@", 1)[1].rstrip(">")
    head = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
            "Date: Mon, 02 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0",
            *(headers if headers is not None else (PASS.format(d=domain),)),
            "Content-Type: text/html; charset=utf-8"]
    return ("\n".join(head) + "\n\n" + html + "\n").encode()


def test_brand_in_the_display_name_from_an_unrelated_domain() -> None:
    fake = run(mail(sender="Microsoft Account Team <alerts@mx-notify-center.net>"))
    assert "brand-impersonation" in names(fake)
    assert "microsoft" in next(s for s in fake.signals if s.name == "brand-impersonation").explanation
    for genuine in ("Microsoft account team <account-security-noreply@accountprotection.microsoft.com>",
                    "Jane Park via Docusign <dse_na3@docusign.net>", "DHL Paket <noreply@dhl.de>",
                    "Facebook <security@facebookmail.com>"):
        assert "brand-impersonation" not in names(run(mail(sender=genuine))), genuine
    # Short brands only in capitals; popular-domain brands need a service word next to
    # a person's name ("Jane Dyson" is a person, "Dyson Support" a brand).
    assert "brand-impersonation" in names(run(mail(sender="DHL Express <info@parcel-help.net>")))
    assert "brand-impersonation" not in names(run(mail(sender="Dhl Kim <dhl.kim@colleague.org>")))
    assert "brand-impersonation" in names(run(mail(sender="DocuSign <files@my-office-share.net>")))
    assert "brand-impersonation" not in names(run(mail(sender="United Healthcare Staff <hr@colleague.org>")))


def test_malformed_and_free_hosting_senders() -> None:
    bad = run(mail(sender="DHL <noreply@parcelhub>"))
    assert "malformed-sender" in names(bad)
    hosted = run(mail(sender="Bonus Team <no-reply@promo-4411.firebaseapp.com>"))
    assert "sender-free-hosting" in names(hosted)
    assert not {"malformed-sender", "sender-free-hosting"} & names(run(mail()))


def test_recipient_address_pasted_into_the_subject_or_display_name() -> None:
    raw = mail().replace(b"Subject: Test message", b"Subject: jane@eastwatch.org, your offer")
    assert "recipient-in-subject" in names(run(raw))
    raw = mail(sender='"Files for jane@eastwatch.org" <files@share-box.net>')
    assert "recipient-in-subject" in names(run(raw))
    assert "recipient-in-subject" not in names(run(mail()))


def test_sender_is_recipient_only_when_something_says_it_is_forged() -> None:
    softfail = ("Authentication-Results: mx.eastwatch.org; spf=softfail smtp.mailfrom=eastwatch.org",)
    forged = mail(sender="jane@eastwatch.org", headers=softfail)
    assert "sender-is-recipient" in names(run(forged))
    note_to_self = mail(sender="jane@eastwatch.org")  # DMARC pass for eastwatch.org
    assert "sender-is-recipient" not in names(run(note_to_self))
    # A note to oneself with no authentication headers at all (an export, internal
    # mail) is no extortion sign; one that asks for Bitcoin is.
    unsigned = mail("Remember to buy milk.", sender="jane@eastwatch.org", headers=())
    assert "sender-is-recipient" not in names(run(unsigned))
    extortion = mail("Send 900 USD in Bitcoin to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh.",
                     sender="jane@eastwatch.org", headers=())
    assert "sender-is-recipient" in names(run(extortion))


def test_tracker_destination_is_decoded() -> None:
    from unmask.defend.triage_rules import destination

    payload = base64.urlsafe_b64encode(
        b'{"s":"x","v":1,"p":"{\\"url\\":\\"https:\\\\\\/\\\\\\/evil.example\\\\\\/claim\\"}"}'
    ).decode().rstrip("=")
    assert destination(f"https://mandrillapp.com/track/click/1/x?p={payload}") == "https://evil.example/claim"
    assert destination("https://e.news.org/c?url=https%3A%2F%2Fnews.org%2Fa") == "https://news.org/a"
    assert destination("https://t.example/r?u=https://a.example/?u=https://b.example/x") == "https://b.example/x"
    assert destination("https://news.org/article?id=12") is None
    shown = ('<a href="https://mandrillapp.com/track/click/1/x?p=' + payload
             + '">https://wallet-protocol.org/claim</a>')
    result = run(html_mail(shown, sender="Team <news@wallet-protocol.org>"))
    assert "link-text-mismatch" in names(result)
    honest = ('<a href="https://e.news.org/c?url=https%3A%2F%2Fwww.news.org%2Fa">www.news.org/a</a>')
    assert "link-text-mismatch" not in names(run(html_mail(honest, sender="News <n@news.org>")))


def test_hosting_tells() -> None:
    html = ('<a href="https://promo-22.web.app/start">Start</a>'
            '<a href="http://gift-center.click/x">Claim</a>'
            '<img src="https://i.imgur.com/abc123.png">')
    found = names(run(html_mail(html, sender="Shop <info@shop-example.org>")))
    assert {"link-free-hosting", "abused-tld", "image-free-host", "links-unrelated"} <= found
    own = ('<a href="https://click.mail.shop-example.org/?qs=1">Shop</a>'
           '<a href="https://www.youtube.com/watch?v=1">Video</a>'
           '<img src="https://image.mail.shop-example.org/logo.png">')
    assert not {"link-free-hosting", "abused-tld", "image-free-host", "links-unrelated"} & names(
        run(html_mail(own, sender="Shop <info@shop-example.org>")))


@pytest.mark.parametrize("text", [
    "Congratulations! You are eligible for the airdrop. Claim your tokens now.",
    "Félicitations ! Votre bonus de bienvenue vous attend.",
    "Herzlichen Glückwunsch: 100 Freispiele ohne Einzahlung warten auf Sie.",
    "Enhorabuena, has ganado un premio: 50 tiradas gratis sin depósito.",
    "Parabéns! Você foi selecionado para um bônus exclusivo.",
    "Congratulazioni, hai vinto! 100 giri gratuiti senza deposito.",
])
def test_reward_lure_in_several_languages(text: str) -> None:
    assert "lure-reward" in names(run(mail(text)))


def test_reward_lure_needs_two_phrases() -> None:
    assert "lure-reward" not in names(run(mail("Your loyalty reward is ready in the app.")))


def test_extortion_lure_needs_a_payment_and_threats() -> None:
    text = ("I hacked your device and recorded you with your webcam while you visited adult "
            "websites. Transfer $900 in bitcoin to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh "
            "or the video goes to all your contacts.")
    result = run(mail(text))
    assert "lure-extortion" in names(result)
    assert result.verdict != "no-signals"
    assert "lure-extortion" not in names(run(mail("Our IT team recorded a webinar on bitcoin.")))


def test_delivery_dating_and_foreign_account_lures() -> None:
    assert "lure-delivery" in names(run(mail(
        "Ihr Paket ist in der Warteschleife: Liefergebühr nicht bezahlt.")))
    assert "lure-delivery" not in names(run(mail("The package of reforms passed.")))
    assert "lure-dating" in names(run(mail("Rencontrer des femmes ukrainiennes : sortir avec elle ce soir")))
    assert "lure-urgency" in names(run(mail(
        "Connexion inhabituelle détectée. Votre compte sera suspendu, vérifiez votre compte.")))


@pytest.mark.shared
def test_real_phishing_is_flagged() -> None:
    """The phishingpot samples of ../shared: before these signals 2 of 12 were flagged.
    At least 10 of 12 (five in six) must be suspicious or malicious: real phishing
    that passes SPF/DKIM for a throw-away domain and says little will still slip
    through sometimes, so the bar is not 12 of 12, but a regression to the old
    behaviour (2 of 12) fails."""
    folder = shared_path("corpus", "eml")
    samples = sorted(folder.glob("phishingpot_sample-*.eml"))
    assert len(samples) >= 10
    verdicts = {p.name: run(p.read_bytes(), source=p.name).verdict for p in samples}
    flagged = [name for name, verdict in verdicts.items() if verdict != "no-signals"]
    assert len(flagged) * 6 >= len(samples) * 5, verdicts


# -- real-mail rules: Received chain, header hygiene, nested archives, false alarms --------


def raw_mail(*headers: str, body: str = "Hello, the minutes are attached.\n",
             ctype: str = "text/plain; charset=utf-8") -> bytes:
    """A message with exactly these headers (From/To/Subject/Date unless given)."""
    names_given = {h.split(":", 1)[0].lower() for h in headers}
    head = [h for h in ("From: Tom Baker <tom@colleague.org>", "To: jane@eastwatch.org",
                        "Subject: Minutes", "Date: Mon, 02 Nov 2026 10:00:00 +0000")
            if h.split(":", 1)[0].lower() not in names_given]
    head.extend(headers)
    head.append(f"Content-Type: {ctype}")
    return ("\n".join(head) + "\n\n" + body).encode()


TOP = "Received: from {helo} ({rdns} [{ip}]) by mx.eastwatch.org (Postfix) with ESMTP id 1; Mon, 02 Nov 2026 10:00:05 +0000"


def test_received_chain_reads_the_hop_that_handed_the_message_over() -> None:
    from unmask.defend.triage_rules import parse_hop

    hop = parse_hop("from mail.colleague.org (mail.colleague.org [198.51.100.7]) by mx.eastwatch.org")
    assert hop is not None and (hop.helo, hop.rdns, hop.ip, hop.by) == (
        "mail.colleague.org", "mail.colleague.org", "198.51.100.7", "mx.eastwatch.org")
    qmail = parse_hop("from relay.example.net (HELO box.example.com) (198.51.100.9) by smtp.isp.net with SMTP")
    assert qmail is not None and (qmail.helo, qmail.rdns) == ("box.example.com", "relay.example.net")
    exim = parse_hop("from host.example.net ([198.51.100.3] helo=pc17) by mx.example.org with esmtp")
    assert exim is not None and (exim.helo, exim.rdns, exim.ip) == ("pc17", "host.example.net", "198.51.100.3")
    assert parse_hop("by mx.example.org with LMTP id 7") is None
    good = raw_mail(TOP.format(helo="mail.colleague.org", rdns="mail.colleague.org", ip="198.51.100.7"))
    assert not {n for n in names(run(good)) if n.startswith("received-")}


def test_received_no_rdns_generic_rdns_and_helo() -> None:
    none = raw_mail(TOP.format(helo="mail.colleague.org", rdns="unknown", ip="198.51.100.7"))
    assert "received-no-rdns" in names(run(none))
    numbered = "Received: from 7.100.51.198.static.isp.example (7.100.51.198) by smtp.eastwatch.org with SMTP; Mon, 02 Nov 2026 10:00:05 +0000"
    assert "received-generic-rdns" in names(run(raw_mail(numbered)))
    # A small office's server on a home line that gives its real name is let be.
    office = TOP.format(helo="mail.colleague.org", rdns="cust7-100.dsl.isp.example", ip="198.51.100.7")
    assert "received-generic-rdns" not in names(run(raw_mail(office)))
    bare = TOP.format(helo="DESKTOP-7QX", rdns="host.isp.example", ip="198.51.100.7")
    assert "received-helo-mismatch" in names(run(raw_mail(bare)))
    forged = TOP.format(helo="mx1.colleague.org", rdns="vm42.cheap-hosting.example", ip="198.51.100.7")
    assert "received-helo-forged" in names(run(raw_mail(forged)))
    # Internal relays of the receiving side and private addresses are passed over.
    internal = ("Received: from edge1.eastwatch.org (edge1.eastwatch.org [203.0.113.5]) by mx.eastwatch.org; "
                "Mon, 02 Nov 2026 10:00:06 +0000")
    inner = TOP.format(helo="DESKTOP-7QX", rdns="unknown", ip="10.1.2.3")
    assert not {n for n in names(run(raw_mail(internal, inner))) if n.startswith("received-")}
    # A submission by a logged-in user (ESMTPSA) is not the hand-over.
    submitted = ("Received: from [192.0.2.44] (dsl-44.isp.example [198.51.100.44]) by smtp.colleague.org "
                 "with ESMTPSA id 9; Mon, 02 Nov 2026 10:00:01 +0000")
    assert "received-generic-rdns" not in names(run(raw_mail(submitted)))


def test_received_line_without_a_receiving_host() -> None:
    forged = ("Received: from [192.0.2.9] (account x@colleague.org HELO qq.zz) by  (Postfix) with esmtpa "
              "id 1; Mon, 02 Nov 2026 10:00:00 +0000")
    assert "received-malformed" in names(run(raw_mail(forged)))


def test_web_server_envelope_in_another_domains_name() -> None:
    script = raw_mail("From: Alerts <alerts@bigbank.example>", "Return-Path: <www-data@vps-12.host.example>")
    assert "webserver-envelope" in names(run(script))
    submit = raw_mail("From: Alerts <alerts@bigbank.example>",
                      "Received: (from apache@localhost) by vps-12.host.example (8.15.2/Submit) id 1; "
                      "Mon, 02 Nov 2026 10:00:00 +0000")
    assert "webserver-envelope" in names(run(submit))
    # The site's own contact form on its own server is not this.
    own = raw_mail("From: Shop <orders@colleague.org>", "Return-Path: <www-data@colleague.org>")
    assert "webserver-envelope" not in names(run(own))


def test_date_anomalies() -> None:
    top = "Received: from a.example by mx.eastwatch.org; Mon, 02 Nov 2026 10:00:05 +0000"
    assert "date-anomaly" not in names(run(raw_mail(top)))
    future = raw_mail(top, "Date: Thu, 05 Nov 2026 10:00:00 +0000")
    assert "date-anomaly" in names(run(future))
    past = raw_mail(top, "Date: Mon, 05 Oct 2026 10:00:00 +0000")
    assert "date-anomaly" in names(run(past))
    missing = b"From: tom@colleague.org\nTo: jane@eastwatch.org\nSubject: x\n" + top.encode() + b"\n\nhi\n"
    assert "date-anomaly" in names(run(missing))
    # No Received line: an export or a draft, nothing to compare with.
    assert "date-anomaly" not in names(run(b"From: tom@colleague.org\nSubject: x\n\nhi\n"))


def test_message_id_of_a_provider_the_message_never_passed() -> None:
    hop = TOP.format(helo="pc.isp.example", rdns="pc.isp.example", ip="198.51.100.7")
    fake = raw_mail(hop, "Message-ID: <A1B2C3@mail.gmail.com>")
    assert "message-id-forged" in names(run(fake))
    real_hop = TOP.format(helo="mail-sor-f41.google.com", rdns="mail-sor-f41.google.com", ip="209.85.220.41")
    assert "message-id-forged" not in names(run(raw_mail(real_hop, "Message-ID: <A1B2C3@mail.gmail.com>")))


def test_brand_domain_in_from_without_the_brand_behind_it() -> None:
    # paypal.com is on the MISP top lists; the envelope is a web server, replies go elsewhere.
    fake = raw_mail("From: PayPal <service@paypal.com>", "Reply-To: <help@refund-desk.example>",
                    "Return-Path: <www-data@vps-7.host.example>")
    result = run(fake)
    assert "brand-domain-unverified" in names(result)
    assert result.verdict != "no-signals"
    genuine = raw_mail("From: PayPal <service@paypal.com>", "Reply-To: <help@refund-desk.example>",
                       PASS.format(d="paypal.com"))
    assert "brand-domain-unverified" not in names(run(genuine))
    # An unknown organisation's own domain says nothing either way.
    small = raw_mail("From: Tom <tom@colleague.org>", "Reply-To: <tom@home-mail.example>")
    assert "brand-domain-unverified" not in names(run(small))


def test_image_only_message() -> None:
    picture = html_mail('<html><body><a href="https://offer.example/x"><img src="cid:banner1"></a>'
                        '</body></html>', sender="Deals <deals@offer.example>")
    assert "image-only" in names(run(picture))
    newsletter = html_mail("<p>" + "This week we look at the budget debate in detail. " * 4
                           + '</p><img src="https://cdn.news.example/logo.png">',
                           sender="News <news@news.example>")
    assert "image-only" not in names(run(newsletter))


def test_nested_archives_are_opened_within_limits() -> None:
    inner = _zip({"invoice.js": b"WScript.Echo(1)"})
    outer = _zip({"docs/inner.zip": inner})
    assert "archive-executable" in attached("docs.zip", "application/zip", outer)
    three = _zip({"a.zip": _zip({"b.zip": _zip({"run.js": b"x"})})})
    assert "archive-executable" in attached("docs.zip", "application/zip", three)
    deepest = _zip({"a.zip": _zip({"b.zip": _zip({"c.zip": _zip({"run.js": b"x"})})})})
    # Three levels are opened (the attachment is the first); the fourth is named in a warning.
    result = run(mail(attachments=(("docs.zip", "application/zip", deepest),)))
    assert "archive-executable" not in names(result)
    assert any("nested deeper" in w for w in result.warnings)
    # A member that expands more than 100 times (a zip bomb) is not opened.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.zip", _zip({"a.js": b"x"}) + b"\0" * 2_000_000)
    result = run(mail(attachments=(("docs.zip", "application/zip", buffer.getvalue()),)))
    assert "archive-executable" not in names(result)
    assert any("expansion limit" in w for w in result.warnings)


def test_nested_archives_are_counted() -> None:
    from unmask.defend.triage_parse import MAX_NESTED_ARCHIVES

    many = _zip({f"part{i}.zip": _zip({f"x{i}.txt": b"x"}) for i in range(MAX_NESTED_ARCHIVES + 5)}
                | {"zz-last.zip": _zip({"run.js": b"x"})})
    result = run(mail(attachments=(("docs.zip", "application/zip", many),)))
    assert "archive-executable" not in names(result)  # the 56th inner archive is not opened
    assert sum("inner archives" in w for w in result.warnings) <= 20


def test_delivery_status_part_named_txt_is_no_type_mismatch() -> None:
    assert "attachment-type-mismatch" not in attached("details.txt", "message/delivery-status", b"Reporting-MTA: x")
    assert "attachment-type-mismatch" in attached("details.txt", "application/x-msdownload", b"text")


def test_mailing_list_breaking_the_authors_dmarc_is_no_spoof() -> None:
    broken = ("Authentication-Results: mx.eastwatch.org; dkim=pass header.d=lists.policy.example; "
              "spf=pass smtp.mailfrom=lists.policy.example; dmarc=fail header.from=colleague.org")
    listed = raw_mail(broken, "List-Id: Policy talk <talk.lists.policy.example>",
                      "Sender: talk-bounces@lists.policy.example")
    assert "dmarc-fail" not in names(run(listed))
    # The same failure without the list, or with a list whose signature does not pass, counts.
    assert "dmarc-fail" in names(run(raw_mail(broken)))
    unsigned = broken.replace("dkim=pass", "dkim=none")
    assert "dmarc-fail" in names(run(raw_mail(unsigned, "List-Id: <talk.lists.policy.example>")))
    arc = ("Authentication-Results: mx.eastwatch.org; arc=pass (i=1); dkim=fail header.d=colleague.org; "
           "dmarc=fail header.from=colleague.org")
    assert "dmarc-fail" not in names(run(raw_mail(arc, "List-Id: <talk.lists.policy.example>")))


def test_newsletter_tracker_on_the_unsubscribe_servers_is_no_mismatch() -> None:
    link = '<a href="https://t7.mlsend-eu.net/c/1/2/3">www.bakery-rossi.it</a>'
    unsub = ("List-Unsubscribe: <https://t7.mlsend-eu.net/u/1/2>",)
    newsletter = html_mail(link, sender="Bakery <news@bakery-rossi.it>",
                           headers=(PASS.format(d="bakery-rossi.it"), *unsub))
    assert "link-text-mismatch" not in names(run(newsletter))
    assert "link-text-mismatch" in names(run(html_mail(link, sender="Bakery <news@bakery-rossi.it>")))


def test_owa_redirector_is_judged_by_where_it_sends() -> None:
    safe = ('<a href="https://mail.colleague.org/owa/redir.aspx?C=1&URL=https%3a%2f%2fnews.example%2farticle">'
            "the article</a>")
    assert "link-credential-path" not in names(run(html_mail(safe, sender="Tom <tom@colleague.org>",
                                                             headers=())))
    bad = ('<a href="https://mail.colleague.org/owa/redir.aspx?C=1&URL=https%3a%2f%2fevil.example%2flogin">'
           "the article</a>")
    flagged = run(html_mail(bad, sender="Tom <tom@colleague.org>", headers=()))
    assert "link-credential-path" in names(flagged)
    assert "evil.example" in next(s for s in flagged.signals if s.name == "link-credential-path").explanation


def test_address_literal_postmaster_is_not_malformed() -> None:
    bounce = raw_mail("From: postmaster@[192.0.2.25]", "Subject: Delivery Status Notification")
    assert "malformed-sender" not in names(run(bounce))
    assert "malformed-sender" in names(run(raw_mail("From: noreply@newsletter")))


def test_freemail_address_handed_over_by_another_server() -> None:
    hop = "Received: from gmail.com (unknown [198.51.100.20]) by mx.eastwatch.org (Postfix); Mon, 02 Nov 2026 10:00:05 +0000"
    forged = raw_mail(hop, "From: Wang <wang.li@gmail.com>")
    assert "freemail-forged" in names(run(forged))
    real = ("Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41]) by "
            "mx.eastwatch.org; Mon, 02 Nov 2026 10:00:05 +0000")
    assert "freemail-forged" not in names(run(raw_mail(real, "From: Wang <wang.li@gmail.com>")))


def test_bounces_are_read_as_mail_server_reports() -> None:
    # A popular provider's MAILER-DAEMON with an empty envelope is not a forged brand.
    bounce = raw_mail("From: MAILER-DAEMON@yahoo.com", "Return-Path: <MAILER-DAEMON@relay.hosting.example>",
                      "Subject: failure notice")
    assert "brand-domain-unverified" not in names(run(bounce))
    # A report naming the postmaster of the domain it serves is no display-name trick.
    report = raw_mail('From: "postmaster@colleague.org" <postmaster@relay.isp-mail.net>',
                      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
                      body="--b\nContent-Type: text/plain\n\nDelivery failed.\n--b--\n", ctype="text/plain")
    assert "display-name-address" not in names(run(report))
    assert "display-name-address" in names(run(raw_mail('From: "support@paypal.com" <x@evil-host.net>')))
    # An old server's bare IP address as domain is not a bulk template's missing TLD.
    assert "malformed-sender" not in names(run(raw_mail("From: Postmaster <postmaster@192.0.2.205>")))


# -- classes found on the unseen2 round (real bounces, list mail, 419 and pharmacy spam) --


def test_mail_servers_and_local_name_spaces_are_not_malformed_senders() -> None:
    # A bounce signed with the reporting server's own host name.
    bounce = raw_mail("From: MAILER-DAEMON@relay7.local (Mail Delivery System)", "Return-Path: <>",
                      "Subject: Undelivered Mail Returned to Sender")
    assert "malformed-sender" not in names(run(bounce))
    report = raw_mail("From: postmaster@MailHost", "Subject: Delivery failed",
                      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
                      body="--b\nContent-Type: text/plain\n\nNot delivered.\n--b--\n")
    assert "malformed-sender" not in names(run(report))
    # Mail inside one local name space (or an export with the domain blanked out).
    local = raw_mail("From: Office <office@intranet>", "To: desk@intranet")
    assert "malformed-sender" not in names(run(local))
    # A bulk template's missing domain, to someone elsewhere, still is.
    assert "malformed-sender" in names(run(raw_mail("From: Deals <noreply@deals>")))


def test_a_brand_word_that_is_the_senders_own_surname_is_no_claim() -> None:
    person = run(mail(sender="Tom Amazon <tamazon@isp-mail.example>"))
    assert "brand-impersonation" not in names(person)
    for claim in ("Amazon Support <help@parcel-notice.example>", "Amazon <amazon@parcel-notice.example>",
                  "Tom Amazon <billing@parcel-notice.example>"):
        assert "brand-impersonation" in names(run(mail(sender=claim))), claim


def test_html_attachment_without_active_markup_is_weaker() -> None:
    static = b"<html><body><p>Minutes of the <b>board</b> meeting.</p></body></html>"
    result = run(mail(attachments=(("minutes.html", "text/html", static),)))
    assert "attachment-html-static" in names(result) and "attachment-html" not in names(result)
    assert result.verdict == "no-signals"
    for active in (b'<form action="https://collect.example/p"><input type="password"></form>',
                   b"<script>location.href='https://x.example'</script>",
                   b'<meta http-equiv="refresh" content="0;url=https://x.example">',
                   b'<a href="https://login.example/o365">Open document</a>',
                   b'<img src=x onerror="go()">'):
        found = names(run(mail(attachments=(("invoice.html", "text/html", active),))))
        assert "attachment-html" in found and "attachment-html-static" not in found, active


ADVANCE_FEE = ("Dear Beneficiary, the United Nations has authorised the payment of your compensation "
               "of $920,000.00 through Western Union. Send your full name, address and phone number "
               "to our agent to receive it.")


def test_advance_fee_and_loan_scams() -> None:
    found = run(mail(ADVANCE_FEE, sender="Payment Office <payments.office@freemail.example>"))
    assert "lure-advance-fee" in names(found)
    loan = run(mail("We offer loans to private individuals at 2% interest rate. Apply via email "
                    "with details of your requirements."))
    assert "lure-advance-fee" in names(loan)
    # One cue is no lure: a transfer notice names a beneficiary, an invoice a sum.
    for one in ("The beneficiary of your transfer is Jane Doe.", "The total is $1,250.00 as agreed."):
        assert "lure-advance-fee" not in names(run(mail(one)))


def test_pharmacy_spam() -> None:
    for text in ("Buy V1AgR@ and Vali+u+m here, 80% off", "Cheapest viagra online, no prescription",
                 "C-i-a-l-i-s for you: order now, fast shipping"):
        assert "lure-pharmacy" in names(run(mail(text))), text
    for text in ("Take the medication twice a day, said the doctor.", "Via Rail tickets are 20% off"):
        assert "lure-pharmacy" not in names(run(mail(text))), text


def test_a_bracketed_address_without_a_name_has_no_reverse_name() -> None:
    from unmask.defend.triage_rules import parse_hop

    gmail = parse_hop("from localhost ([203.0.113.136]) by mx.google.com with SMTP id 3si")
    assert gmail is not None and (gmail.helo, gmail.rdns) == ("localhost", "unknown")
    # Exim writes the verified reverse name first and omits a matching HELO.
    exim = parse_hop("from relay.list.example ([198.51.100.17]) by lo.archive.example with esmtp (Exim 4.69)")
    assert exim is not None and exim.rdns == ""
    hop = ("Received: from localhost ([203.0.113.136]) by mx.eastwatch.org with SMTP id 3si; "
           "Mon, 02 Nov 2026 10:00:05 +0000")
    assert "received-no-rdns" in names(run(raw_mail(hop)))


def test_freemail_forged_covers_more_mailbox_providers() -> None:
    hop = ("Received: from localhost ([203.0.113.136]) by mx.eastwatch.org with SMTP id 3si; "
           "Mon, 02 Nov 2026 10:00:05 +0000")
    for sender in ("Larry <larry@sbcglobal.net>", "Ivan <ivan@mail.ru>", "Eva <eva@gmx.de>"):
        assert "freemail-forged" in names(run(raw_mail(hop, f"From: {sender}"))), sender
