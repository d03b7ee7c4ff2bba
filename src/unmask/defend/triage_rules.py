"""The checks of phishing triage, one function per concern, and their weights.

Each rule takes the parsed message (:class:`~unmask.defend.triage_parse.MailView`)
and a :class:`RuleContext` (protected domains, the knowledge-base look-up, reference
data) and returns :class:`~unmask.defend.triage.Signal` objects. :data:`WEIGHTS`
holds every signal's weight in one place; ``docs/defend-triage.md`` explains them.
Weights were tuned on the synthetic fixtures of ``tests/fixtures/defend/triage/``;
the impersonation, hosting and multilingual lure rules were added after reading real
phishing (``check_impersonation``, ``check_hosting``, the ``lure-*`` content signals).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from unmask.defend.triage import Evidence, KnownLookup, Signal
from unmask.model import Span

if TYPE_CHECKING:
    from unmask.defend.triage_parse import Address, AttachmentInfo, MailView
    from unmask.reference.suffixes import SuffixIndex
    from unmask.reference.warninglists import Warninglists
    from unmask.store.results import IocResult

__all__ = ["FREEMAIL_DOMAINS", "WEIGHTS", "RuleContext", "run_rules"]

#: Weight of every signal (the score is their sum; see unmask.defend.triage).
WEIGHTS: dict[str, float] = {
    # authentication (worst result per mechanism over Authentication-Results / Received-SPF)
    "dmarc-fail": 3.0, "spf-fail": 2.0, "dkim-fail": 1.5,
    "spf-softfail": 1.0,
    "spf-permerror": 0.5, "dkim-permerror": 0.5, "dmarc-permerror": 0.5,
    "spf-temperror": 0.5, "dkim-temperror": 0.5, "dmarc-temperror": 0.5,
    "spf-none": 0.5, "dkim-none": 0.5, "dmarc-none": 0.5,
    "spf-neutral": 0.5, "dkim-neutral": 0.5,
    "no-authentication-results": 0.5,
    # sender
    "display-name-address": 3.0,
    "display-name-domain": 2.0,
    "display-name-brand": 2.5,
    "freemail-reply-to": 2.5,
    "reply-to-mismatch": 1.5,
    "envelope-mismatch": 0.5,
    "freemail-claims-organisation": 1.5,
    "disposable-sender": 1.5,
    "protected-domain-spoof": 3.0,
    # lookalike domains
    "lookalike-sender": 4.0,
    "lookalike-link": 3.5,
    # links
    "link-script-url": 3.0,
    "link-text-mismatch": 3.0,
    "link-ip-host": 2.0,
    "link-credential-path": 2.0,
    "link-shortener": 1.0,
    "link-cloud-drive": 0.5,
    # attachments
    "attachment-executable": 4.0,
    "archive-executable": 4.0,
    "attachment-macro": 3.5,
    "attachment-html": 3.0,
    "attachment-html-static": 1.0,
    "attachment-double-extension": 3.0,
    "attachment-name-trick": 3.0,
    "attachment-type-mismatch": 2.5,
    "encrypted-archive-password": 3.0,
    "encrypted-archive": 1.5,
    # content (weak: they only count next to other signals)
    "credential-request": 1.5,
    "enable-content-request": 2.0,
    "lure-urgency": 1.0,
    "lure-interview": 1.0,
    "lure-reward": 1.5,
    "lure-extortion": 3.0,
    "lure-delivery": 1.0,
    "lure-dating": 1.0,
    "lure-advance-fee": 1.5,
    "lure-pharmacy": 1.5,
    "lure-sales": 1.0,
    "advertising-label": 1.5,
    # impersonation and mass-mail tells (added after reading real phishing; see the docs)
    "brand-impersonation": 2.5,
    "malformed-sender": 2.0,
    "sender-free-hosting": 2.0,
    "recipient-in-subject": 1.5,
    "sender-is-recipient": 1.5,
    "link-free-hosting": 1.0,
    "image-free-host": 1.0,
    "abused-tld": 1.0,
    "links-unrelated": 1.0,
    # Received chain and header hygiene (added after scoring real mail; see the docs)
    "received-no-rdns": 1.0,
    "list-poster-no-rdns": 0.5,
    "received-generic-rdns": 1.5,
    "received-helo-mismatch": 1.0,
    "received-helo-forged": 1.5,
    "freemail-forged": 2.0,
    "received-malformed": 1.0,
    "webserver-envelope": 2.0,
    "date-anomaly": 1.0,
    "message-id-forged": 1.0,
    "message-id-malformed": 1.0,
    "message-id-ratware": 1.0,
    "brand-domain-unverified": 2.5,
    "image-only": 1.5,
    "image-heavy": 1.5,
    "image-unprompted": 1.5,
    "image-led": 1.5,
    "html-obfuscation": 1.0,
    "html-only": 0.5,
    # intelligence
    "known-indicator": 8.0,
}

#: Free web-mail providers (a small list of the common ones, Korean ones included;
#: the MISP ``disposable-email`` warninglist adds throw-away providers).
FREEMAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "ymail.com",
    "rocketmail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "mail.com", "email.com", "gmx.com", "gmx.de",
    "gmx.net", "web.de", "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
    "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "yandex.com", "yandex.ru", "mail.ru",
    "inbox.ru", "bk.ru", "list.ru", "zoho.com", "zohomail.com", "naver.com", "daum.net",
    "hanmail.net", "kakao.com", "nate.com", "qq.com", "163.com", "126.com", "sina.com",
    "rediffmail.com", "fastmail.com", "hushmail.com", "inbox.com", "seznam.cz", "libero.it",
    "orange.fr", "t-online.de",
})

_SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "me2.kr", "han.gl", "url.kr",
    "vo.la", "shorturl.com", "s.id", "v.gd", "lnkd.in",
})
_CLOUD_DRIVES = frozenset({
    "drive.google.com", "docs.google.com", "forms.gle", "sites.google.com", "onedrive.live.com",
    "1drv.ms", "sharepoint.com", "dropbox.com", "dropboxusercontent.com", "box.com", "mega.nz",
    "wetransfer.com", "we.tl", "mybox.naver.com", "forms.office.com", "surveymonkey.com",
    "typeform.com", "notion.site",
})
# Click-tracking hosts of mailing services: a newsletter's links show the article's
# address and point here, which is not the phishing mismatch.
_TRACKERS = frozenset({
    "list-manage.com", "mailchimp.com", "mcsv.net", "sendgrid.net", "mailgun.org", "mailgun.net",
    "hubspotlinks.com", "hs-sites.com", "constantcontact.com", "createsend.com",
    "cmail19.com", "cmail20.com", "exacttarget.com", "substack.com", "sparkpostmail.com",
    "mandrillapp.com", "mailjet.com", "sendinblue.com", "brevo.com", "campaign-archive.com",
    "rs6.net", "ct.sendgrid.net", "mktoweb.com", "mkt.com", "emltrk.com", "safelinks.protection.outlook.com",
    "urldefense.com", "urldefense.proofpoint.com",
})
_EXECUTABLE = frozenset({
    "exe", "scr", "com", "pif", "cpl", "msi", "msp", "dll", "bat", "cmd", "ps1", "psm1", "vbs",
    "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "iso", "img", "vhd", "vhdx", "chm", "one",
    "jar", "reg", "inf", "url", "application", "appref-ms", "msix", "appx", "xll", "gadget",
    "sct", "settingcontent-ms", "library-ms", "search-ms", "apk",
})
_HTML = frozenset({"html", "htm", "shtml", "xhtml", "svg", "mht", "mhtml"})
_MACRO = frozenset({
    "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm",
})
_DOCUMENT = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "hwp", "hwpx", "odt", "jpg",
    "jpeg", "png", "gif", "mp3", "mp4", "csv", "zip", "rar",
})
_ARCHIVE = frozenset({"zip", "7z", "rar", "gz", "tgz", "tar", "cab", "ace", "arj", "alz", "egg"})
_GENERIC_TYPES = frozenset({
    "application/octet-stream", "application/x-download", "application/force-download",
    "binary/octet-stream", "application/unknown", "application/binary", "text/plain",
    # Macintosh transfer encodings: they wrap a file of any type (BinHex, AppleSingle /
    # AppleDouble resource forks), so the name's extension is not theirs to match
    "application/mac-binhex40", "application/mac-binhex", "application/x-binhex40",
    "application/applefile", "multipart/appledouble",
})
# Extension -> declared content types that fit it (prefixes end with "*").
_TYPES_OF: dict[str, tuple[str, ...]] = {
    "pdf": ("application/pdf", "application/x-pdf"),
    "doc": ("application/msword", "application/vnd.ms-*"),
    "docx": ("application/vnd.openxmlformats-*", "application/msword", "application/vnd.ms-*"),
    "xls": ("application/vnd.ms-*", "application/excel", "application/x-excel"),
    "xlsx": ("application/vnd.openxmlformats-*", "application/vnd.ms-*"),
    "ppt": ("application/vnd.ms-*",),
    "pptx": ("application/vnd.openxmlformats-*", "application/vnd.ms-*"),
    "jpg": ("image/jpeg", "image/jpg", "image/pjpeg"),
    "jpeg": ("image/jpeg", "image/jpg", "image/pjpeg"),
    "png": ("image/png",),
    "gif": ("image/gif",),
    "zip": ("application/zip", "application/x-zip*", "multipart/x-zip"),
    "txt": ("text/*", "message/*"),  # a bounce's message/delivery-status part is "details.txt"
    "csv": ("text/*", "application/csv", "application/vnd.ms-excel"),
    "html": ("text/html",),
    "htm": ("text/html",),
    "ics": ("text/calendar",),
}
_DOCUMENT_TYPES = frozenset({
    "application/pdf", "application/msword", "application/rtf", "text/rtf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/x-hwp",
})
_COMMON_TLDS = frozenset({
    "com", "org", "net", "edu", "gov", "int", "mil", "info", "biz", "top", "xyz", "online",
    "site", "live", "news", "email", "app", "cloud", "link", "click", "shop", "store",
})
_EXE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")

_CRED_PATH = re.compile(
    r"(?:^|[/_.\-?=&#])(log-?in|log-?on|sign-?in|verify|verification|validate|validation|"
    r"password|passwd|credentials?|webmail|owa|sso|auth|oauth2?|authenticate|unlock|"
    r"reset-?password|account-?recovery)(?=$|[/_.\-?=&#])",
    re.IGNORECASE,
)
_DOMAIN_IN_TEXT = re.compile(
    r"(?<![\w@.-])(?:https?://)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_ORG_WORDS = re.compile(
    r"\b(news|times|post|journal|herald|tribune|daily|press|media|magazine|broadcast\w*|"
    r"institute|university|foundation|cent(?:er|re)|council|ministry|embassy|government|"
    r"agency|association|forum|review|bank|security|support|team|admin(?:istrator)?|"
    r"helpdesk|help desk|service|office|editor|editorial|desk|research|policy|department|"
    r"dept|hr|human resources|payroll|accounts|accounting|billing|finance|"
    r"think tank|association|committee)\b",
    re.IGNORECASE,
)
_TEXT_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]+", re.IGNORECASE)
_AUTH_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)
_RECEIVED_SPF = re.compile(r"^\s*([a-z]+)", re.IGNORECASE)
_RESULT_RANK = {"fail": 7, "hardfail": 7, "softfail": 6, "permerror": 5, "temperror": 4,
                "none": 3, "neutral": 2, "policy": 1, "pass": 0, "bestguesspass": 0}

def _phrase(pattern: str) -> str:
    """``pattern`` with its blanks made to match any run of white space (a blank then
    ``?``: any run or none): text taken from HTML or wrapped lines puts two spaces or
    a line break between the words of a phrase ("strictly  confidential")."""
    out: list[str] = []
    in_class = escaped = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(r"\s" if char == " " else char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":  # a "]" first in a class is a member
                out.append("]")
                i += 1
        elif char == " " and pattern[i + 1:i + 2] == "?":
            out.append(r"\s*")
            i += 1
        elif char == " ":
            out.append(r"\s+")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _lures(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(_phrase(p), re.IGNORECASE) for p in patterns)


_URGENCY = _lures(
    r"\burgent(?:ly)?\b",
    r"\bimmediate(?:ly)?\b|\bact now\b",
    r"\bwithin (?:24|48|72|twenty-four|forty-eight) hours\b",
    r"\b(?:account|mailbox|e-?mail|access)\b[^.\n]{0,30}\b(?:suspend|lock|disabl|deactivat|"
    r"terminat|clos|restrict|block)\w*",
    r"\bpassword\b[^.\n]{0,30}\bexpir\w*|\bexpir\w*[^.\n]{0,30}\bpassword\b",
    r"\bverify your (?:account|identity|e-?mail|mailbox|details)\b",
    r"\bunusual (?:sign-?in|log-?in|activity)\b|\bsecurity alert\b",
    r"\b(?:mailbox|storage)\b[^.\n]{0,20}\b(?:full|quota)\b",
    r"\bfinal (?:notice|warning|reminder)\b",
    r"\bnew (?:app|application|device)\b[^.\n]{0,30}\b(?:connected|added|signed in)\b|"
    r"\bnouvel appareil\b|\bneues ger[äa]t\b|\bnuevo dispositivo\b|\bnovo dispositivo\b|"
    r"\bnuovo dispositivo\b",
    r"\bconnexion inhabituelle\b|\bungew[öo]hnliche (?:anmeldung|aktivit[äa]t)\b|"
    r"\b(?:inicio de sesi[óo]n|actividad) inusual\b|\b(?:acesso|atividade) incomum\b|"
    r"\b(?:accesso|attivit[àa]) insolit[oa]\b|\balerte de s[ée]curit[ée]\b|\bsicherheitswarnung\b",
    r"\bv[ée]rifie[rz] votre (?:compte|identit[ée])\b|\bbest[äa]tigen sie ihr (?:konto|identit[äa]t)\b|"
    r"\bverifi(?:que|car) (?:su|sua) (?:cuenta|conta|identidad|identidade)\b|"
    r"\bverifica (?:il tuo|la tua) (?:account|identit[àa])\b",
    r"\b(?:votre compte|ihr konto|su cuenta|sua conta|il tuo account)\b[^.\n]{0,30}\b(?:suspendu|"
    r"bloqu[ée]|d[ée]sactiv[ée]|gesperrt|deaktiviert|suspendid[oa]|bloquead[oa]|suspens[oa]|sospeso|"
    r"bloccato)\w*",
    r"\bmot de passe\b[^.\n]{0,30}\bexpir\w*|\bpasswort\b[^.\n]{0,30}\bl[äa]uft\b|"
    r"\bcontrase[ñn]a\b[^.\n]{0,30}\bcaduc\w*|\bsenha\b[^.\n]{0,30}\bexpir\w*|"
    r"\bpassword\b[^.\n]{0,30}\bscad\w*",
    r"\b(?:dringend|sofort|imm[ée]diatement|urgente|inmediatamente|imediatamente|"
    r"immediatamente|subito)\b",
    r"비밀번호\S{0,2}\s*(?:변경|만료|재설정)",
    r"계정\s*(?:정지|잠금|차단|제한)",
    r"본인\s*확인|해외\s*로그인|보안\s*경고",
)
_CREDENTIALS = re.compile(
    r"\b(?:enter|provide|update|confirm|re-?enter|validate)\b[^.\n]{0,20}\b(?:password|"
    r"credentials|log-?in details|sign-?in details|passcode)\b",
    re.IGNORECASE,
)
_INTERVIEW = _lures(
    r"\binterview(?:s|ed)?\b",
    r"\brequest for comments?\b|\bfor comment\b",
    r"\byour (?:expert )?(?:opinion|insights?|perspectives?|views|comments|expertise|thoughts)\b",
    r"\bquestionnaire\b|\bsurvey questions\b|\bwritten questions\b",
    r"\breview (?:the|my|our|a|this) (?:draft|paper|manuscript|report|article)\b",
    r"\bhonorarium\b|\bremuneration\b|\bspeaking fee\b",
    r"\b(?:I am|I'm|my name is [^.\n]{1,40}?,? and I am)\s+an?\s+(?:journalist|reporter|"
    r"correspondent|producer|editor|researcher|fellow|professor)\b",
    r"\b(?:journalist|reporter|correspondent|producer|research fellow|senior fellow)\s+"
    r"(?:at|with|for|from)\b",
    r"\bNorth Korea\w*\b|\bDPRK\b|\bKorean Peninsula\b|\bdenucleari[sz]ation\b|\bunification\b",
)
# Reward / prize / bonus lures in EN, FR, DE, ES, PT, IT, NL (two distinct needed).
_REWARD = _lures(
    r"\bair-?drops?\b|\bgiveaway\b",
    r"\b(?:claim|redeem|collect)(?:\s+\w+){0,3}\s+(?:now|today|reward|prize|gift|bonus|tokens?|"
    r"airdrop|kit|winnings)\b|\b(?:start|complete) your claim\b|\bclaim (?:page|period)\b|"
    r"\b(?:réclamez|récupérez|fordern sie|reclame|reclama|resgate|riscatta)\b",
    r"\bcongratulations\b|\bf[ée]licitations\b|\bherzlichen gl[üu]ckwunsch\b|\bfelicidades\b|"
    r"\benhorabuena\b|\bparab[ée]ns\b|\bcongratulazioni\b|\bgefeliciteerd\b",
    r"\byou(?:'ve| have)? (?:won|been (?:selected|chosen))\b|\byour account (?:has been|is) selected\b|"
    r"\bvous avez (?:gagn[ée]|été sélectionné)|\bsie haben gewonnen\b|\bhas ganado\b|"
    r"\bvoc[êe] (?:ganhou|foi selecionad[oa])\b|\bhai vinto\b|\bis geselecteerd\b|"
    r"\b(?:winners?|jackpot|lottery|lotto|sweepstakes?)\b",
    # the draw of a lottery the reader never entered
    r"\blucky (?:numbers?|draw|winners?)\b|\b(?:prize|award) (?:money|claim|notification|winnings?)\b|"
    r"\b(?:ticket|serial|batch|reference) (?:number|no)\b",
    r"\bfree ?spins?\b|\bfreispiele\b|\btiradas gratis\b|\bgiros gr[áa]tis\b|\bgratis spins\b|"
    r"\bgiri gratuiti\b|\btours gratuits\b|\bno deposit\b|\b(?:ohne|keine) einzahlung\b|"
    r"\bsans d[ée]p[ôo]t\b|\bsin dep[óo]sito\b|\bsem dep[óo]sito\b|\bsenza deposito\b|"
    r"\bzonder storting\b|\bcasino\b",
    r"\b(?:exclusive|special|loyalty|welcome) (?:reward|gift|bonus)\b|\b\w*bonus\b|\bb[ôo]nus\b|"
    r"\breward(?:s)? (?:is |are )?(?:waiting|pending|ready)\b|\bgift ?card\b|\br[ée]compense\b|"
    r"\bbelohnung\b|\brecompensa\b|\bbeloning\b|\bcadeau\b|\bgeschenk\b",
    r"\b(?:you are|you're|are you) eligible\b|\beligible (?:for|to)\b|\b[êe]tes [ée]ligible\b|"
    r"\b(?:vous|te|lhe|ti|auf sie) (?:attend|espera|aspetta|wartet)\b|\bwartet\b|\bvous attend\b",
    r"\btokens?\b[^.\n]{0,40}\b(?:claim|distribut|allocat|eligib)\w*|\bconnect (?:your )?wallet\b",
)
# Sextortion / extortion: a payment in crypto-currency with threats (wallet needed).
_EXTORTION_PAY = re.compile(
    r"\b(?:bc1[a-z0-9]{25,60}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|0x[a-fA-F0-9]{40})\b|"
    r"\bbitcoins?\b|\bbtc\b|\bmonero\b|\busdt\b|\bkrypto\w*|\bcrypto-?\w*",
    re.IGNORECASE)
_EXTORTION = _lures(
    r"\bhack(?:ed|er)\b|\bgained access\b|\bpirat[ée]\w*\b|\bgehackt\b|\bhackead[oa]\b|"
    r"\bhackerat[oa]\b|\b(?:trojan|spyware|malware|rat)\b|\bacc[eè]s à (?:vos|votre)\b",
    r"\brecord(?:ed|ing)?\b[^.\n]{0,60}\b(?:video|camera|webcam|you|scenes?)\b|\bwebcam\b|"
    r"\bporn\w*|\badult (?:web)?sites?\b|\bmasturbat\w*|\benregistr\w+\b[^.\n]{0,40}\bvid[ée]o|"
    r"\baufgenommen\b|\bgrab(?:ado|é)\b|\bgravad[oa]\b|\bregistrat[oa]\b",
    r"\b(?:friends|colleagues|contacts|family|relatives)\b|\bvos contacts\b|\bkontakte\b|"
    r"\bcontactos\b|\bcontatos\b|\bcontatti\b",
    r"\b(?:pay|transfer|send)\b[^.\n]{0,50}(?:\$|usd|eur|€|bitcoin|btc)|\$\s?\d{2,}|\d{2,}\s?(?:\$|usd|€|eur)\b",
    r"\byour password\b|\bvotre mot de passe\b|\bihr passwort\b|\btu contraseña\b|\bsua senha\b",
)
# Parcel lures: a parcel word and a held / fee / confirm-the-details action.
_DELIVERY = _lures(
    r"\b(?:parcel|package|shipment|paket\w*|sendung|colis|paquete|env[íi]o|pacote|encomenda|"
    r"pacco|spedizione|pakket)\b",
    r"\b(?:delivery|shipping|customs) (?:fee|charge)s?\b|\bliefergeb[üu]hr\b|\bzollgeb[üu]hr\b|"
    r"\bfrais de (?:livraison|douane)\b|\bgastos de env[íi]o\b|\btaxa de (?:entrega|envio)\b|"
    r"\bon hold\b|\bwarteschleife\b|\ben attente\b|\bretenid[oa]\b|\bin giacenza\b|"
    r"\b(?:confirm|update) (?:the |your )?(?:delivery|shipping) (?:details|address)\b|"
    r"\bbest[äa]tigen sie (?:die|ihre) liefer\w*|\bconfirme[rz]? (?:votre|l'adresse)\b|"
    r"\b(?:schedule|reschedule|planen sie) (?:your |ihre )?(?:delivery|lieferung)\b|"
    r"\bplanen sie ihre lieferung\b",
)
# Advance-fee fraud (419) and loan-offer scams: two distinct cues needed.
_ADVANCE_FEE = _lures(
    # a sum of money in the thousands or millions, often also spelt out
    r"(?:\$|us\$|usd|€|£)\s?\d{1,3}(?:[,.]\d{3})+|\b\d{1,3}(?:[,.]\d{3}){1,}(?:\.\d\d)?\s?"
    r"(?:usd|us dollars|dollars|euros?|eur|gbp|pounds)\b|\b(?:million|millones|millions) "
    r"(?:of )?(?:us |united states )?(?:dollars|euros|usd|pounds)\b|\(\s*(?:[a-z]+[\s-]+){2,}"
    r"(?:united states )?dollars\b",
    # who the money supposedly belongs to, and how it travels
    r"\bbeneficiar(?:y|ies)\b|\bnext of kin\b|\binheritance\b|\bunclaimed (?:funds?|sum|"
    r"deposit)\b|\bcompensation (?:fund|payment)\b|\bconsignment box\b|\b(?:atm|visa) card "
    r"payment\b|\bwestern union\b|\bmoney ?gram\b|\bpayment notification\b|\blate (?:client|"
    r"husband|father)\b|\bbarrister\b|\bfund(?:s)? (?:transfer|release)\b|\bdiplomat\b|"
    r"\b\d{1,2} ?% of the (?:total )?(?:sum|funds?|money|amount)\b",
    # a loan offer at an interest rate no bank gives
    r"\b(?:we|i) (?:offer|give|grant) (?:\w+ ){0,3}loans?\b|\bloans? (?:at|with) (?:an? )?"
    r"(?:\w+ ){0,2}\d{1,2}(?:[.,]\d+)? ?%|\b\d{1,2}(?:[.,]\d+)? ?% (?:per annum|interest)\b",
    # the request for personal details by reply
    r"\b(?:send|forward|provide|reconfirm|furnish)\b[^.\n]{0,40}\b(?:full names?|(?:home )?"
    r"address|(?:tele)?phone (?:number)?|occupation|bank details|details of (?:your|their) "
    r"requirements)\b|\bapply via (?:e-?mail|reply)\b",
    # the trust and secrecy of the 419 letter
    r"\bstrictly confidential\b|\brisk[- ]free\b|\b100 ?% (?:legal|safe|guaranteed)\b|\b(?:reliable|honest|"
    r"trustworthy|trusted) (?:and (?:reliable|honest|trustworthy) )?(?:person|partner|foreigner)\b|"
    r"\b(?:foreign|overseas) (?:business )?(?:partner|account)\b|\blate (?:president|head of state|"
    r"general|minister)\b|"
    r"\bunited nations\b|\bworld bank\b|\binternational monetary fund\b|\bdear (?:friend|"
    r"beneficiary|beloved)\b",
)
# Pharmacy spam: two distinct cues (a drug name written to slip past filters counts
# on its own as one: V1agra, Vali+u+m, C-i-a-l-i-s).
_PHARMACY = _lures(
    r"\b(?:viagra|cialis|levitra|valium|xanax|tramadol|phentermine|ambien|soma|propecia|"
    r"sildenafil|tadalafil|vicodin|oxycodone|kamagra)\b",
    r"\bv[\W_]{0,2}[i1!|l][\W_]{0,2}[a@4][\W_]{0,2}g[\W_]{0,2}r[\W_]{0,2}[a@4](?![a-z0-9])(?<!viagra)|"
    r"\bv[\W_]*[a@][\W_]*l[\W_]*[i1!|][\W_]*u[\W_]*m(?![a-z0-9])(?<!valium)|"
    r"\bc[\W_]*[i1!|][\W_]*[a@][\W_]*l[\W_]*[i1!|][\W_]*s(?![a-z0-9])(?<!cialis)",
    r"\b(?:online )?pharmacy\b|\bpills?\b|\bmeds\b|\b(?:no|without) (?:a )?prescription\b|"
    r"\bmedications?\b|\berectile\b|\bpotency\b|\bweight loss\b|\blose weight\b|"
    r"\b(?:penis|penile|breast|bust|male) (?:enlargement|enhancement|enhancer|size|performance)\b|"
    r"\b(?:bigger|fuller|firmer|larger) (?:breasts?|bust|penis)\b|\bno (?:negative )?side[- ]effects\b",
    r"\b(?:discount|save|off)\b[^.\n]{0,20}\d{2} ?%|\d{2} ?% (?:off|discount)\b|\blowest "
    r"prices?\b|\bcheap(?:est)?\b|\border (?:now|today)\b|\bfast (?:and discreet )?shipping\b|"
    r"\bdiscreet\b|\bmoney[- ]back\b",
)
# A drug name spelt out one character at a time with symbols for letters, so that no
# word of it is in the text ("X & N & X", "V | @ G R @"): the letters of such runs are
# joined and the symbols read as the letters they stand for.
_SPELLED_RUN = re.compile(r"(?<![\w/&|!@$])(?:[\w/&|!@$][ \t]{1,2}){4,}[\w/&|!@$](?![\w/&|!@$])")
_SPELLED_AS = str.maketrans({"/": "i", "|": "i", "!": "i", "1": "i", "&": "a", "@": "a", "4": "a",
                             "0": "o", "$": "s", "3": "e"})
_SPELLED_DRUGS = re.compile(
    r"viagra|cialis|levitra|valium|xanax|tramadol|phentermine|ambien|prozac|meridia|soma|"
    r"vicodin|propecia|ultram|xenical")
# Sales spam: the money-making, discount, guarantee, act-now and removal wording of
# unsolicited advertising; two distinct cues needed (on the real mail of the benchmark no
# benign message has two, one spam in nine has exactly two), and
# not read in newsletters.
_SALES = _lures(
    r"\bmake (?:big |more |real |serious )?money\b|\bearn (?:up to |over )?\$\s?\d|"
    r"\b\d{2,4} ?% (?:profit|returns?|gains?)\b|\b(?:profits?|returns?) of (?:up to )?\d{2,4} ?%|"
    r"\bmillions of (?:prospects|buyers|customers|e-?mail addresses)\b|\b(?:bulk|mass) "
    r"e-?mail(?:ing|s)?\b|\btargeted e-?mail (?:addresses|lists?)\b|"
    r"\bextra (?:cash|income)\b|\b(?:cash|money)[- ]making\b|\bwork (?:from|at) home\b|"
    r"\bcash generating\b|\bmake a fortune\b|\bfinancial freedom\b",
    r"\bsave (?:up to |over )?\d{1,2} ?%|\b\d{1,2} ?% off\b|\blowest (?:prices?|rates?)\b|"
    r"\bbelow (?:wholesale|retail)\b|\bfree (?:quotes?|trials?|gifts?|offers?|consultation)\b|"
    r"\b\d{1,2}(?:-\d{1,2})? ?% (?:less|lower|cheaper)\b|\(\s?\$\d+(?:\.\d\d)? value\s?\)|"
    r"\bprices? slashed\b|\bunbeatable prices?\b|\bbest prices?\b",
    r"\bmoney[- ]back\b|\b(?:100 ?%|fully|absolutely) (?:satisfaction )?guaranteed\b|"
    r"\bno (?:risk|obligation)\b|\bguaranteed!|\bsatisfaction guaranteed\b",
    r"\bact now\b|\blimited[- ]time (?:offer|only)\b|\b(?:order|call|buy) (?:now|today)\b|"
    r"\bwhile supplies last\b|\bdon'?t (?:miss|wait|delay)\b|\bthis (?:offer|deal) "
    r"(?:expires|ends)\b|\bspecial (?:offer|promotion)\b",
    r"\bto be removed\b|\bremove (?:yourself|me) from\b|\bremoval instructions\b|"
    r"\bremove\b[^.\n]{0,60}\bsubject (?:line|field)\b|\b(?:reply|send)\b[^.\n]{0,30}"
    r"\bremove\b[^.\n]{0,20}\bsubject\b|\bsent in compliance with\b|\bthis is not spam\b|"
    r"\bone[- ]time (?:mailing|e-?mail)\b",
)
# The Subject or sender name labels the message as advertising, as some laws require
# of unsolicited ads ("ADV:" in the US, "(광고)" in Korea, "Реклама" in Russia).
_ADVERTISING_LABEL = re.compile(
    r"^\s*(?:\[\s*adv?\s*\]|adv?\s*[:\-])|[(\[]\s*광고\s*[)\]]|\bреклам\w*", re.IGNORECASE)
# Dating / romance spam: two distinct phrases.
_DATING = _lures(
    r"\b(?:dating|rencontres?|rencontrer|flirt\w*|partnersuche|citas|namoro|incontri|hookup)\b",
    r"\bsortir avec\b|\btrouver l'amour\b|\bfind (?:true )?love\b|\b(?:beautiful|single|lonely|hot) "
    r"(?:women|girls|ladies|wives)\b|\b(?:girls?|women|femmes?|filles?|frauen|mädchen|mujeres|"
    r"chicas|ragazze|mulheres) (?:near you|in your area|ukrainien\w*|russ\w*|asiat\w*)\b|"
    r"\bbeaut(?:ies|és)\s+\w+\b",
)
_ENABLE_CONTENT = re.compile(
    r"\benable\s+(?:editing|content|macros?)\b|\b(?:편집|콘텐츠)\s*사용",
    re.IGNORECASE,
)
# The header lines the mail reader puts at the top of the message text.
_HEADER_BLOCK = ("From: ", "To: ", "Cc: ", "Reply-To: ", "Subject: ", "Date: ")
_BULK_HEADERS = ("list-id", "list-unsubscribe", "list-post", "x-mailing-list", "mailing-list")
_PASSWORD_IN_BODY = re.compile(
    r"(?:\bpassword|\bpasscode|\bpwd|\bpw|암호|비밀번호)\s*(?:is|:|=|：)\s*\S{3,}",
    re.IGNORECASE,
)
_MAX_LOOKUPS = 200
_MAX_TEXT_URLS = 500
#: Lure language is looked for in the first 256,000 characters of the message text
#: (the header block and the top of the body, where a lure is): the content patterns
#: cost about 2 s per MB of text.
CONTENT_LIMIT = 256_000
_LURE_LIMIT = 64_000

Rule = Callable[["MailView", "RuleContext"], Iterable[Signal]]


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules need besides the message."""

    protected: tuple[str, ...]
    #: Registrable domains of the protected ones.
    own: frozenset[str]
    known: KnownLookup | None
    suffixes: SuffixIndex
    warninglists: Warninglists
    brands: BrandIndex

    @classmethod
    def build(cls, *, protected: Iterable[str], known: KnownLookup | None) -> RuleContext:
        from unmask.reference.suffixes import load_suffixes
        from unmask.reference.warninglists import load_warninglists

        cleaned = tuple(dict.fromkeys(filter(None, map(_clean_domain, protected))))
        suffixes = load_suffixes()
        own = frozenset(suffixes.registrable_domain(d) or d for d in cleaned)
        return cls(protected=cleaned, own=own, known=known, suffixes=suffixes,
                   warninglists=load_warninglists(), brands=load_brands())

    def registrable(self, host: str) -> str:
        """``host``'s registrable domain (``mail.example.co.uk`` -> ``example.co.uk``)."""
        host = host.lower().rstrip(".")
        return self.suffixes.registrable_domain(host) or host

    def is_freemail(self, domain: str) -> bool:
        return self.registrable(domain) in FREEMAIL_DOMAINS or domain in FREEMAIL_DOMAINS

    def is_disposable(self, domain: str) -> bool:
        return "warninglist:disposable-email" in self.warninglists.match_host(domain)

    def is_shortener(self, host: str) -> bool:
        return (host in _SHORTENERS or self.registrable(host) in _SHORTENERS
                or "warninglist:url-shortener" in self.warninglists.match_host(host))

    def is_protected(self, host: str) -> bool:
        return self.registrable(host) in self.own


def _clean_domain(value: str) -> str:
    """A protected domain as given by a user (``https://www.Example.org/``) -> ``example.org``."""
    value = value.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0].split("@")[-1].split(":", 1)[0]
    return value.strip(".").removeprefix("www.")


def _signal(name: str, category: str, explanation: str, evidence: Iterable[Evidence]) -> Signal:
    return Signal(name=name, category=category, weight=WEIGHTS[name], explanation=explanation,
                  evidence=tuple(evidence))


def _text_evidence(view: MailView, match: re.Match[str]) -> Evidence:
    """A match in the message text; ``where`` is ``headers`` for the header block the
    text starts with (Subject …), ``body`` after it."""
    text = view.document.text
    end_of_headers = text.find("\n\n") if text.startswith(_HEADER_BLOCK) else -1
    where = "headers" if 0 <= match.start() < end_of_headers else "body"
    return Evidence("text", where, match.group(0), Span(match.start(), match.end()))


def _header_evidence(view: MailView, name: str) -> Evidence:
    return Evidence("header", name, view.header(name) or "")


def _extension(name: str) -> str:
    parts = [p.strip().lower() for p in name.rsplit(".", 2)]
    return parts[-1] if len(parts) > 1 else ""


def _host_of(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _in_set(host: str, registrable: str, hosts: frozenset[str]) -> bool:
    if host in hosts or registrable in hosts:
        return True
    return any(host.endswith("." + h) for h in hosts if h.count(".") >= 2)


def _is_bulk(view: MailView) -> bool:
    """Mailing-list or newsletter mail (List-Id, List-Unsubscribe, List-Post, or the
    older lists' X-Mailing-List / ezmlm's Mailing-List, or a list of the 1990s that
    wrote none of them: see :func:`_legacy_list`)."""
    return any(name in view.headers for name in _BULK_HEADERS) or _legacy_list(view) is not None


#: Local parts of a mailing list's own addresses (its bounce and owner addresses).
_LIST_ADMIN = re.compile(r"^(?:owner-[\w.+-]+|[\w.+-]+-(?:errors?|request|owner|admin|bounces?|approval))$")


def _legacy_list(view: MailView) -> str | None:
    """The host of a mailing list that wrote no List-* header (as lists did before
    1998): Sender or Errors-To is one of the list's own addresses (``x-errors@``,
    ``owner-x@``, ``x-request@``) and the message is addressed, or replies go, to an
    address on the same host. None otherwise."""
    for name in ("sender", "errors-to"):
        for admin in view.addresses(name)[:1]:
            if not _LIST_ADMIN.match(admin.address.split("@", 1)[0]):
                continue
            if any(a.domain == admin.domain for header in ("to", "cc", "reply-to")
                   for a in view.addresses(header)[:20]):
                return admin.domain
    return None


def _authenticated(view: MailView) -> bool:
    """DMARC passed, or DKIM passed for the From domain, in the topmost
    Authentication-Results (the one the receiving server added; a sender can forge
    ones below it, so a pass is read only there)."""
    sender = _from(view)
    for value in view.headers.get("authentication-results", ())[:1]:
        results = {m.group(1).lower(): m.group(2).lower() for m in _AUTH_RESULT.finditer(value)}
        if results.get("dmarc") == "pass":
            return True
        if sender is not None and results.get("dkim") == "pass":
            signer = re.search(r"header\.d=([\w.-]+)", value, re.IGNORECASE)
            domain = signer.group(1).lower() if signer else ""
            if domain and (sender.domain == domain or sender.domain.endswith("." + domain)):
                return True
    return False


def _mailer_domains(view: MailView, ctx: RuleContext) -> frozenset[str]:
    """Registrable domains of the mailing service of a bulk message: the hosts of its
    List-Unsubscribe links. A newsletter's click tracker is on the same servers as its
    unsubscribe page, whether or not the tracker is one unmask knows."""
    value = view.header("list-unsubscribe") or ""
    found = set()
    for url in re.findall(r"<(https?://[^<>\s]+)>", value)[:5]:
        host = _host_of(url)
        if host and not _is_ip(host):
            found.add(ctx.registrable(host))
    return frozenset(found)


def _is_bounce(view: MailView) -> bool:
    """A delivery report written by a mail server (From MAILER-DAEMON / postmaster, or a
    multipart/report body): it quotes the recipient and the failed message."""
    sender = _from(view)
    local = sender.address.split("@", 1)[0] if sender is not None else ""
    ctype = (view.header("content-type") or "").lower()
    return local in ("mailer-daemon", "postmaster", "mail-daemon") or ctype.startswith("multipart/report")


def _forged_self(view: MailView) -> bool:
    """Mail from the recipient's own address that something says was forged: the
    receiving server's SPF or DMARC result is not a pass, or the text asks for
    crypto-currency (a note to oneself sent through one's own server is neither)."""
    top = view.headers.get("authentication-results", ())[:1] + view.headers.get("received-spf", ())[:1]
    for value in top:
        results = {m.group(1).lower(): m.group(2).lower() for m in _AUTH_RESULT.finditer(value)}
        spf = _RECEIVED_SPF.match(value) if not results else None
        if spf:
            results["spf"] = spf.group(1).lower()
        if any(results.get(m, "pass") not in ("pass", "bestguesspass") for m in ("spf", "dmarc")):
            return True
    return _EXTORTION_PAY.search(view.document.text[:_LURE_LIMIT]) is not None


def _list_domains(view: MailView, ctx: RuleContext) -> set[str]:
    """Registrable domains of the mailing list a message came through (List-Id,
    List-Post, Sender), empty for mail that is not list mail."""
    if "list-id" not in view.headers and "list-post" not in view.headers:
        legacy = _legacy_list(view)
        return {ctx.registrable(legacy)} if legacy is not None else set()
    found: set[str] = set()
    list_id = view.header("list-id") or ""
    inside = re.search(r"<([^<>\s]+)>", list_id)
    name = (inside.group(1) if inside else list_id.strip()).lower().rstrip(".")
    if "." in name:
        found.add(ctx.registrable(name))
    post = re.search(r"mailto:[^@>\s]+@([\w.-]+)", view.header("list-post") or "", re.IGNORECASE)
    if post:
        found.add(ctx.registrable(post.group(1)))
    for address in view.addresses("sender")[:1]:
        found.add(ctx.registrable(address.domain))
    return found


def _open_list(view: MailView) -> bool:
    """A discussion list's post (List-Post names an address to write to, or a list of
    the 1990s): anyone on it, a spammer too, can post. A newsletter has no such address."""
    return bool(re.search(r"mailto:", view.header("list-post") or "", re.IGNORECASE)) or \
        ("list-id" not in view.headers and _legacy_list(view) is not None)


def _via_list(view: MailView, ctx: RuleContext) -> bool:
    """List mail whose envelope (Return-Path or Sender) is the list's own: the list's
    server handed it over, so the Received hop says how the list is run, not who wrote."""
    lists = _list_domains(view, ctx)
    return bool(lists) and any(ctx.registrable(a.domain) in lists for name in ("return-path", "sender")
                               for a in view.addresses(name)[:1])


def _local_only(view: MailView, ctx: RuleContext) -> bool:
    """Mail made on the recipient's own system: Received lines that show no hop from a
    public address, from an address of the recipient's own domain (a feed reader, a
    cron job or a gateway writing to its user)."""
    sender = _from(view)
    if sender is None or not view.headers.get("received") or _handoff(view, ctx) is not None:
        return False
    own = ctx.registrable(sender.domain)
    return any(ctx.registrable(a.domain) == own for a in view.addresses("to")[:20])


def _list_vouched(view: MailView, ctx: RuleContext) -> str | None:
    """Why a list message's failed From-domain checks are the list's doing: the
    receiving server (topmost Authentication-Results) found a DKIM pass for the list's
    own domain, or an ARC chain that passes. None when neither holds."""
    lists = _list_domains(view, ctx)
    if not lists:
        return None
    for value in view.headers.get("authentication-results", ())[:1]:
        if re.search(r"\barc\s*=\s*pass\b", value, re.IGNORECASE):
            return "the ARC chain of the servers it passed through verifies"
        for match in re.finditer(r"\bdkim\s*=\s*pass\b[^;]*?header\.(?:d|i)=@?([\w.-]+)", value,
                                 re.IGNORECASE):
            if ctx.registrable(match.group(1)) in lists:
                return f"the list's own DKIM signature ({match.group(1)}) passes"
    return None


def _names_a_domain(token: str, ctx: RuleContext) -> bool:
    """True when ``token`` (lower case) reads as a domain name in prose: a registrable
    domain under a common or two-letter suffix ("Mr.Kim" is not one, "nytimes.com" is)."""
    if ctx.suffixes.registrable_domain(token) is None:
        return False
    top = token.rsplit(".", 1)[-1]
    return len(top) == 2 or top in _COMMON_TLDS


# -- authentication ---------------------------------------------------------------


def check_authentication(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """spf/dkim/dmarc results that are not ``pass``; no results at all, weakly."""
    worst: dict[str, tuple[str, Evidence]] = {}

    def consider(mech: str, result: str, evidence: Evidence) -> None:
        result = "fail" if result == "hardfail" else result
        if result not in _RESULT_RANK:
            return
        held = worst.get(mech)
        if held is None or _RESULT_RANK[result] > _RESULT_RANK[held[0]]:
            worst[mech] = (result, evidence)

    results = view.headers.get("authentication-results", ())
    received_spf = view.headers.get("received-spf", ())
    for value in results:
        for match in _AUTH_RESULT.finditer(value):
            consider(match.group(1).lower(), match.group(2).lower(),
                     Evidence("header", "authentication-results", value))
    for value in received_spf:
        spf = _RECEIVED_SPF.match(value)
        if spf:
            consider("spf", spf.group(1).lower(), Evidence("header", "received-spf", value))
    if not results and not received_spf:
        yield _signal("no-authentication-results", "auth",
                      "The message carries no Authentication-Results or Received-SPF header: "
                      "nothing says whether the sender's domain vouched for it (normal for "
                      "internal mail and some exports; weak on its own).", ())
        return
    vouched = _list_vouched(view, ctx)
    if vouched is not None:
        # A mailing list re-sends the author's message from its own servers and often
        # changes it: SPF, the author's DKIM and DMARC fail for the author's domain.
        # When the list's own signature or ARC verifies, that is no spoof.
        return
    meaning = {
        "fail": "failed: the sending server or signature is not one the domain authorises",
        "softfail": "soft-failed: the domain does not vouch for the sending server",
        "permerror": "could not be evaluated (the domain's record is broken)",
        "temperror": "could not be evaluated (temporary error)",
        "none": "gave no result (the domain publishes no policy, or the mail is unsigned)",
        "neutral": "was neutral (the domain makes no assertion)",
    }
    sender = _from(view)
    failed = [m for m in ("dmarc", "spf") if worst.get(m, ("",))[0] in ("fail", "softfail")]
    if sender is not None and failed and ctx.is_protected(sender.domain):
        yield _signal("protected-domain-spoof", "auth",
                      f"The message claims to come from the protected domain {sender.domain!r} "
                      f"but {' and '.join(m.upper() for m in failed)} failed: someone else "
                      "sent it in that domain's name.",
                      (_header_evidence(view, "from"), *(worst[m][1] for m in failed[:1])))
    for mech in ("dmarc", "spf", "dkim"):
        held = worst.get(mech)
        if held is None:
            continue
        result, evidence = held
        name = f"{mech}-{result}"
        if name in WEIGHTS:
            yield _signal(name, "auth", f"{mech.upper()} {meaning.get(result, result)}.", (evidence,))


# -- sender -------------------------------------------------------------------------


def _from(view: MailView) -> Address | None:
    found = view.addresses("from")
    return found[0] if found else None


def check_sender(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Display-name tricks, Reply-To / envelope mismatches, free-mail claiming an
    organisation, disposable senders."""
    sender = _from(view)
    if sender is None:
        return
    from_reg = ctx.registrable(sender.domain)
    from_ev = _header_evidence(view, "from")
    display = sender.name
    shown = _EMAIL_IN_TEXT.search(display)
    # A mail server's report names the postmaster of the domain it serves
    # ("postmaster@example.be" <postmaster@relay.example.net>): the same role, no trick.
    same_role = bool(shown) and _is_bounce(view) and shown is not None and \
        shown.group(0).lower().split("@", 1)[0] == sender.address.split("@", 1)[0]
    if shown and shown.group(0).lower() != sender.address and not same_role:
        yield _signal("display-name-address", "sender",
                      f"The From display name shows the address {shown.group(0)!r}, but the "
                      f"message comes from {sender.address!r}.", (from_ev,))
    else:
        for match in _DOMAIN_IN_TEXT.finditer(display):
            host = match.group(1).lower()
            if not _names_a_domain(host, ctx):
                continue
            if ctx.registrable(host) != from_reg:
                yield _signal("display-name-domain", "sender",
                              f"The From display name names the domain {host!r}, but the "
                              f"message comes from {sender.domain!r}.", (from_ev,))
                break
    squashed = re.sub(r"[^a-z0-9]", "", display.lower())
    for domain in ctx.protected:
        brand = ctx.registrable(domain).split(".", 1)[0]
        if len(brand) >= 4 and brand in squashed and not ctx.is_protected(sender.domain):
            yield _signal("display-name-brand", "sender",
                          f"The From display name uses the name of the protected domain "
                          f"{domain!r}, but the message comes from {sender.domain!r}.", (from_ev,))
            break
    freemail_from = ctx.is_freemail(sender.domain)
    for reply in view.addresses("reply-to"):
        if ctx.registrable(reply.domain) == from_reg:
            continue
        evidence = (from_ev, _header_evidence(view, "reply-to"))
        freemail_reply = ctx.is_freemail(reply.domain) and not freemail_from
        if _is_bulk(view) and not freemail_reply:
            break  # a mailing list sends as itself and replies to the author
        if freemail_reply:
            yield _signal("freemail-reply-to", "sender",
                          f"Replies go to the free-mail address {reply.address!r}, not to the "
                          f"sender's organisation {sender.domain!r}: answers would reach "
                          "whoever holds that account.", evidence)
        else:
            yield _signal("reply-to-mismatch", "sender",
                          f"Replies go to {reply.address!r}, a different domain from the sender "
                          f"{sender.domain!r}.", evidence)
        break
    lists = _list_domains(view, ctx)
    envelope = [
        (name, address) for name in ("return-path", "sender")
        for address in view.addresses(name) if ctx.registrable(address.domain) != from_reg
        and ctx.registrable(address.domain) not in lists  # a list sends as itself
    ]
    if envelope:
        yield _signal("envelope-mismatch", "sender",
                      "The envelope sender (" + ", ".join(f"{n}: {a.address}" for n, a in envelope)
                      + f") is another domain than From ({sender.domain}); common for mailing "
                      "services, weak on its own.",
                      (from_ev, *(_header_evidence(view, n) for n, _ in envelope)))
    if freemail_from:
        claim = _ORG_WORDS.search(display)
        if claim:
            yield _signal("freemail-claims-organisation", "sender",
                          f"The sender writes from the free-mail provider {sender.domain!r} but "
                          f"presents as an organisation ({claim.group(0)!r} in the display name).",
                          (from_ev,))
        else:
            text = view.document.text[:CONTENT_LIMIT]
            for pattern in _INTERVIEW[6:8]:
                role = pattern.search(text)
                if role:
                    yield _signal("freemail-claims-organisation", "sender",
                                  f"The sender writes from the free-mail provider {sender.domain!r} "
                                  f"but presents as working for an organisation ({role.group(0)!r}).",
                                  (from_ev, _text_evidence(view, role)))
                    break
    if ctx.is_disposable(sender.domain) and not _is_bounce(view):
        yield _signal("disposable-sender", "sender",
                      f"{sender.domain!r} is a throw-away e-mail provider "
                      "(MISP warninglist disposable-email).", (from_ev,))


# -- lookalike domains --------------------------------------------------------------


def _link_targets(view: MailView) -> list[tuple[str, Evidence]]:
    """Every link of the message: HTML anchors (with their text) and URLs in the text."""
    out: list[tuple[str, Evidence]] = []
    seen: set[str] = set()
    for anchor in view.anchors:
        if anchor.target in seen:
            continue
        seen.add(anchor.target)
        label = f" (shown as {anchor.text!r})" if anchor.text else ""
        out.append((anchor.target, Evidence("link", anchor.tag, anchor.target + label)))
    shown = {anchor.text for anchor in view.anchors}
    count = 0
    for match in _TEXT_URL.finditer(view.document.text):
        count += 1
        if count > _MAX_TEXT_URLS:
            break
        url = match.group(0).rstrip(".,;:!?")
        if url in seen or any(url in text for text in shown if len(text) >= len(url)):
            continue  # an anchor's text is not where it leads
        seen.add(url)
        out.append((url, Evidence("link", "text", url, Span(match.start(), match.start() + len(url)))))
    return out


def check_lookalikes(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Sender and link domains imitating a protected domain (unmask.defend.lookalike)."""
    if not ctx.protected:
        return
    from unmask.defend.lookalike import find_lookalikes

    where: dict[str, list[Evidence]] = {}
    senders: set[str] = set()
    for header in ("from", "reply-to", "return-path", "sender"):
        for address in view.addresses(header):
            where.setdefault(address.domain, []).append(_header_evidence(view, header))
            senders.add(address.domain)
    for url, evidence in _link_targets(view):
        host = _host_of(url)
        if host and not _is_ip(host):
            where.setdefault(host, []).append(evidence)
    if not where:
        return
    for found in find_lookalikes(sorted(where), ctx.protected):
        sender_side = found.domain in senders
        name = "lookalike-sender" if sender_side else "lookalike-link"
        kinds = ", ".join(found.kinds)
        yield _signal(name, "lookalike",
                      f"{found.domain!r} imitates the protected domain {found.imitates!r} "
                      f"({kinds}; similarity {found.score:.2f}).",
                      where.get(found.domain, ()))


# -- links ----------------------------------------------------------------------------


def check_links(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Script URLs, text/target mismatches, IP hosts, credential paths, shorteners,
    cloud drives (the last only next to lure language)."""
    sender = _from(view)
    own = set(ctx.own)
    if sender is not None and _authenticated(view):
        # Links to the sender's own site count as the brand's only when the domain
        # vouched for the message (DMARC pass, or DKIM pass for it): a phisher's
        # unauthenticated domain with a sign-in page is still flagged.
        own.add(ctx.registrable(sender.domain))
    found: dict[str, list[Evidence]] = {}
    reasons: dict[str, str] = {}
    mailer = _mailer_domains(view, ctx)

    def add(name: str, evidence: Evidence, reason: str) -> None:
        found.setdefault(name, []).append(evidence)
        reasons.setdefault(name, reason)

    for anchor in view.anchors:
        scheme = anchor.target.split(":", 1)[0].strip().lower() if ":" in anchor.target else ""
        evidence = Evidence("link", anchor.tag, anchor.target[:300]
                            + (f" (shown as {anchor.text!r})" if anchor.text else ""))
        if scheme in ("javascript", "data", "vbscript"):
            add("link-script-url", evidence,
                f"A link runs code or carries a whole page inline ({scheme}: URL): phishing "
                "pages are smuggled past URL filters this way.")
            continue
        host = _host_of(anchor.target) if scheme in ("http", "https") else None
        if not host or not anchor.text:
            continue
        for match in _DOMAIN_IN_TEXT.finditer(anchor.text):
            shown = match.group(1).lower()
            if not _names_a_domain(shown, ctx):
                continue
            shown_reg, host_reg = ctx.registrable(shown), ctx.registrable(host)
            via = ""
            if shown_reg != host_reg:
                # A tracker's or redirector's link is judged by the destination it
                # carries (decoded); one that hides it is let be.
                final = destination(anchor.target)
                final_host = _host_of(final) if final else None
                if final_host:
                    if ctx.registrable(final_host) != host_reg:
                        via = f" (through {host!r}, which forwards there)"
                    host = final_host
                    host_reg = ctx.registrable(final_host)
                elif _in_set(host, host_reg, _TRACKERS) or host_reg in mailer:
                    break
            if shown_reg != host_reg:
                add("link-text-mismatch", evidence,
                    "A link shows one address and leads to another: the text reads "
                    f"{shown!r}, the link goes to {host!r}{via}.")
            break
    for url, evidence in _link_targets(view):
        host = _host_of(url)
        if not host:
            continue
        reg = ctx.registrable(host)
        if _is_ip(host):
            try:
                is_global = ipaddress.ip_address(host.strip("[]")).is_global
            except ValueError:
                is_global = False
            if is_global:
                add("link-ip-host", evidence,
                    f"A link goes to a bare IP address ({host}) instead of a named site.")
            continue
        if ctx.is_shortener(host):
            add("link-shortener", evidence,
                f"A link goes through the URL shortener {host!r}, which hides where it leads.")
        # A redirector (an Outlook Web Access ``/owa/redir.aspx?URL=`` on the sender's
        # own server, a click tracker) is judged by the page it sends to.
        final = destination(url)
        final_host = _host_of(final) if final else None
        cred_url, cred_host, cred_reg = url, host, reg
        if final and final_host:
            cred_url, cred_host, cred_reg = final, final_host, ctx.registrable(final_host)
        try:
            parts = urlsplit(cred_url)
            tail = parts.path + ("?" + parts.query if parts.query else "")
        except ValueError:
            tail = ""
        cred = _CRED_PATH.search(tail)
        if cred and cred_reg not in own and not _in_set(cred_host, cred_reg, _TRACKERS):
            add("link-credential-path", evidence,
                f"A link leads to a sign-in / verification page ({cred.group(1)!r}) on "
                f"{cred_host!r}, which is not the sender's or a protected domain.")
        if _in_set(host, reg, _CLOUD_DRIVES):
            add("link-cloud-drive", evidence,
                f"A link leads to a cloud drive or form ({host}), where lures keep the "
                "'questionnaire' or document.")
    head = view.document.text[:CONTENT_LIMIT]
    lure = any(p.search(head) for p in _URGENCY) or (
        not _is_bulk(view) and any(p.search(head) for p in _INTERVIEW[:6]))
    for name, items in found.items():
        if name == "link-cloud-drive" and not lure:
            continue
        yield _signal(name, "link", reasons[name], items[:10])


# -- attachments ------------------------------------------------------------------


def _attachment_checks(item: AttachmentInfo, password_in_body: re.Match[str] | None,
                       ) -> Iterator[tuple[str, str]]:
    name = item.name or ""
    lowered = name.lower()
    ext = _extension(lowered) if "." in lowered else ""
    label = repr(name) if name else f"an unnamed {item.content_type} attachment"
    if "\u202e" in name or "\u202d" in name or re.search(r"\s{5,}\.", name):
        yield ("attachment-name-trick",
               f"The attachment name {label} hides its real extension (right-to-left "
               "override or a run of spaces).")
    if ext in _EXECUTABLE:
        yield ("attachment-executable",
               f"The attachment {label} is a program, script, shortcut or disk image "
               f"(.{ext}): opening it runs code.")
        pieces = [p.strip() for p in lowered.split(".")]
        if len(pieces) >= 3 and pieces[-2] in _DOCUMENT:
            yield ("attachment-double-extension",
                   f"The attachment {label} poses as a .{pieces[-2]} file but is a .{ext}.")
    elif ext in _HTML and item.active:
        yield ("attachment-html",
               f"The attachment {label} is a web page (.{ext}): opened locally it can show "
               "a fake sign-in form or assemble a file in the browser.")
    elif ext in _HTML:
        yield ("attachment-html-static",
               f"The attachment {label} is a web page (.{ext}) of formatted text only (no "
               "script, form, frame, refresh or link): it cannot act when opened, but a web "
               "page sent as an attachment is still unusual.")
    elif ext in _MACRO:
        yield ("attachment-macro",
               f"The attachment {label} is a macro-enabled Office file (.{ext}).")
    bad_members = [m for m in item.members if _extension(m.lower()) in _EXECUTABLE | _HTML]
    if bad_members:
        listed = ", ".join(repr(m) for m in bad_members[:5])
        yield ("archive-executable",
               f"The archive {label} holds programs or scripts: {listed}.")
    is_exe_magic = item.head.startswith(_EXE_MAGIC)
    declared_document = item.content_type in _DOCUMENT_TYPES or item.content_type.startswith(
        ("image/", "audio/", "video/"))
    if is_exe_magic and ext not in _EXECUTABLE:
        yield ("attachment-type-mismatch",
               f"The attachment {label} is an executable program whatever its name says.")
    elif (ext in _EXECUTABLE or is_exe_magic) and declared_document:
        yield ("attachment-type-mismatch",
               f"The attachment {label} is declared as {item.content_type!r} but is a program.")
    elif ext == "pdf" and item.head and b"%PDF" not in item.head:
        yield ("attachment-type-mismatch",
               f"The attachment {label} is named .pdf but its content is not a PDF.")
    elif ext in _TYPES_OF and item.content_type not in _GENERIC_TYPES:
        accepted = _TYPES_OF[ext]
        if not any(item.content_type == t or (t.endswith("*") and item.content_type.startswith(t[:-1]))
                   for t in accepted):
            yield ("attachment-type-mismatch",
                   f"The attachment {label} is declared as {item.content_type!r}, which does "
                   f"not fit its .{ext} extension.")
    if item.encrypted or (ext in _ARCHIVE and password_in_body is not None):
        if password_in_body is not None:
            yield ("encrypted-archive-password",
                   f"The archive {label} is password-protected and the password is in the "
                   f"message ({password_in_body.group(0)!r}): a way to get past attachment "
                   "scanners.")
        else:
            yield ("encrypted-archive",
                   f"The archive {label} is password-protected, so no scanner could look inside.")


def check_attachments(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Executables, scripts, disk images, HTML, macro documents, double extensions,
    type mismatches, archives holding programs, encrypted archives."""
    password = _PASSWORD_IN_BODY.search(view.document.text[:CONTENT_LIMIT])
    found: dict[str, tuple[str, list[Evidence]]] = {}
    for item in view.attachments:
        evidence = Evidence("attachment", item.name or "(no name)",
                            f"{item.content_type}, {item.size} bytes, sha256 {item.sha256}")
        for name, explanation in _attachment_checks(item, password):
            held = found.setdefault(name, (explanation, []))
            held[1].append(evidence)
            if name == "encrypted-archive-password" and password is not None:
                held[1].append(_text_evidence(view, password))
    for name, (explanation, items) in found.items():
        yield _signal(name, "attachment", explanation, items[:10])


# -- content ------------------------------------------------------------------------


def _matches(patterns: Iterable[re.Pattern[str]], text: str) -> list[re.Match[str]]:
    found: list[re.Match[str]] = []
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            found.append(match)
    return sorted(found, key=lambda m: m.start())


def _spelled_drugs(text: str) -> list[re.Match[str]]:
    """The runs of ``text`` that spell out a drug name one character at a time (one
    match per run that does, at most 20 runs looked at)."""
    found: list[re.Match[str]] = []
    for run in list(_SPELLED_RUN.finditer(text))[:20]:
        joined = re.sub(r"[ \t]", "", run.group(0)).lower().translate(_SPELLED_AS)
        if _SPELLED_DRUGS.search(joined):
            found.append(run)
    return found


def check_content(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Lure language: urgency and account threats, credential requests, requests to
    enable macros, and the Kimsuky-style interview / comment / review request (weak:
    they only add up; the interview request is not looked for in mailing-list mail)."""
    text = view.document.text[:CONTENT_LIMIT]

    def evidence(matches: list[re.Match[str]]) -> tuple[Evidence, ...]:
        return tuple(_text_evidence(view, m) for m in matches)

    urgency = _matches(_URGENCY, text)
    if len(urgency) >= 2:
        yield _signal("lure-urgency", "content",
                      "The message presses for quick action or threatens the account "
                      "(" + ", ".join(repr(m.group(0)) for m in urgency[:4]) + ").",
                      evidence(urgency))
    enable = _ENABLE_CONTENT.search(text)
    if enable:
        yield _signal("enable-content-request", "content",
                      f"The message tells the reader to enable editing, content or macros "
                      f"({enable.group(0)!r}): that is what lets a malicious document run.",
                      evidence([enable]))
    credentials = _CREDENTIALS.search(text)
    if credentials:
        yield _signal("credential-request", "content",
                      f"The message asks for a password or sign-in details "
                      f"({credentials.group(0)!r}).", evidence([credentials]))
    # The lures added for real phishing are read in the top 64,000 characters (where a
    # lure is; their many-language alternations cost ~2.5 ms per 1,000 characters).
    top = text[:_LURE_LIMIT]
    reward = _matches(_REWARD, top)
    if len(reward) >= 2:
        yield _signal("lure-reward", "content",
                      "The message dangles a reward, prize, bonus or airdrop to claim ("
                      + ", ".join(repr(m.group(0)) for m in reward[:4]) + "): the commonest "
                      "lure of scam and phishing mail.", evidence(reward))
    pay = _EXTORTION_PAY.search(top)
    threats = _matches(_EXTORTION, top)
    if pay is not None and len(threats) >= 3:
        yield _signal("lure-extortion", "content",
                      "The message demands crypto-currency and claims to have hacked or "
                      "recorded the reader (" + ", ".join(repr(m.group(0)) for m in threats[:4])
                      + "): sextortion / extortion spam. The claims are bluffs; do not pay.",
                      evidence(sorted([pay, *threats], key=lambda m: m.start())))
    delivery = _matches(_DELIVERY, top)
    if len(delivery) >= 2:
        yield _signal("lure-delivery", "content",
                      "The message is about a parcel held back, a delivery fee or delivery "
                      "details to confirm (" + ", ".join(repr(m.group(0)) for m in delivery)
                      + "): the parcel lure. Weak alone: real carriers write the same.",
                      evidence(delivery))
    fee = _matches(_ADVANCE_FEE, top)
    if len(fee) >= 2:
        yield _signal("lure-advance-fee", "content",
                      "The message promises a large sum, an inheritance or a cheap loan and asks "
                      "for a reply (" + ", ".join(repr(m.group(0)) for m in fee[:4]) + "): the "
                      "advance-fee (\"419\") fraud, which later asks for fees. Weak alone: a bank "
                      "notice can name a beneficiary and an amount.", evidence(fee))
    pharmacy = _matches(_PHARMACY, top)
    spelled = _spelled_drugs(top)
    if len(spelled) >= 2:  # two drug names spelt out letter by letter are the two cues
        pharmacy = spelled
    if len(pharmacy) >= 2:
        yield _signal("lure-pharmacy", "content",
                      "The message sells medicines or diet pills ("
                      + ", ".join(repr(m.group(0)) for m in pharmacy[:4]) + "): pharmacy spam, "
                      "whose shops sell fakes or take the card number.", evidence(pharmacy))
    sales = _matches(_SALES, top)
    if len(sales) >= 2 and (not _is_bulk(view) or _open_list(view)):
        yield _signal("lure-sales", "content",
                      "The message is a sales pitch (" + ", ".join(repr(m.group(0)) for m in sales[:4])
                      + "): the wording of unsolicited advertising. Weak alone: shops' own "
                      "newsletters write some of it (they come with list headers, where this "
                      "is not read unless the list is one anyone can post to).", evidence(sales))
    dating = _matches(_DATING, top)
    if len(dating) >= 2:
        yield _signal("lure-dating", "content",
                      "The message advertises dating or meeting women ("
                      + ", ".join(repr(m.group(0)) for m in dating) + "): romance spam.",
                      evidence(dating))
    interview = _matches(_INTERVIEW, text)
    asks = [m for m in interview if m.re in _INTERVIEW[:6]]
    if asks and len(interview) >= 2 and not _is_bulk(view):
        yield _signal("lure-interview", "content",
                      "The message is an interview, comment or review request from someone "
                      "presenting as a journalist or researcher — the approach Kimsuky (APT43) "
                      "uses on researchers and journalists. Weak alone: real requests read "
                      "the same; check the sender another way.", evidence(interview))


# -- impersonation, hosting and mass-mail tells --------------------------------------
#
# Added after reading real phishing (phishingpot samples): real lures rarely fail
# authentication; they come from a throw-away or hijacked domain that passes SPF and
# DKIM for itself, put a brand in the display name, hide the destination behind a
# click tracker, host their images on a free image host and their landing page on a
# free hosting platform or a cheap TLD.

#: Brands phishing reports (APWG, Check Point, Vade) list among the most imitated, as
#: display-name tokens -> the registrable-domain labels that may send in their name.
#: Popular domains (MISP top lists) whose label is not an English word add to these.
_IMPERSONATED: dict[str, tuple[str, ...]] = {
    "microsoft": ("microsoft", "office", "live", "outlook", "microsoftonline", "sharepoint"),
    "office365": ("microsoft", "office"), "outlook": ("microsoft", "outlook", "live"),
    "onedrive": ("microsoft", "live", "onedrive"), "sharepoint": ("microsoft", "sharepoint"),
    "docusign": ("docusign",), "adobe": ("adobe", "adobesign", "echosign"),
    "dropbox": ("dropbox", "dropboxmail"), "wetransfer": ("wetransfer",),
    "paypal": ("paypal",), "apple": ("apple", "icloud"), "icloud": ("apple", "icloud"),
    "amazon": ("amazon", "amazonses", "aws"), "netflix": ("netflix",), "spotify": ("spotify",),
    "google": ("google", "gmail", "youtube"), "gmail": ("google", "gmail"),
    "facebook": ("facebook", "facebookmail", "meta"), "instagram": ("instagram", "facebookmail"),
    "whatsapp": ("whatsapp",), "linkedin": ("linkedin",), "zoom": ("zoom",),
    "webex": ("webex", "cisco"), "dhl": ("dhl", "deutschepost"), "ups": ("ups",),
    "fedex": ("fedex",), "usps": ("usps",), "dpd": ("dpd",), "gls": ("gls",),
    "royalmail": ("royalmail",), "laposte": ("laposte",), "colissimo": ("colissimo", "laposte"),
    "chronopost": ("chronopost",), "correos": ("correos",), "ctt": ("ctt",),
    "postnl": ("postnl",), "coinbase": ("coinbase",), "binance": ("binance",),
    "metamask": ("metamask", "consensys"), "ledger": ("ledger",), "trezor": ("trezor",),
    "opensea": ("opensea",), "uniswap": ("uniswap",), "kraken": ("kraken",),
    "irs": ("irs",), "hmrc": ("hmrc", "gov"), "wellsfargo": ("wellsfargo",),
    "bankofamerica": ("bankofamerica", "bofa"), "chase": ("chase", "jpmorgan"),
    "hsbc": ("hsbc",), "barclays": ("barclays",), "santander": ("santander",),
    "americanexpress": ("americanexpress", "aexp"), "amex": ("americanexpress", "aexp"),
    "mastercard": ("mastercard",), "norton": ("norton", "nortonlifelock"),
    "mcafee": ("mcafee",), "booking": ("booking",), "airbnb": ("airbnb",),
    "naver": ("naver",), "kakao": ("kakao", "kakaocorp"), "daum": ("daum", "kakao"),
}
#: Display-name tokens of at most this length must be written in capitals to count
#: as a brand ("DHL", not "ups" in "ups and downs").
_SHORT_BRAND = 4
#: Lists whose domains are "popular" (for brands and for links to well-known sites).
_POPULAR_LISTS = frozenset({
    "warninglist:alexa", "warninglist:tranco10k", "warninglist:cisco_top5k",
    "warninglist:moz-top500",
})
_BRAND_FORMAT = 2
#: Words that make a display name a service's, not a person's ("X via Y", "X Support").
_SERVICE_WORDS = re.compile(
    r"\b(?:via|team|support|security|account|accounts|billing|service|services|notification|"
    r"notifications|alert|alerts|customer|help|helpdesk|admin|online|official|no-?reply|info|"
    r"update|updates|verification|mail|inc|ltd|gmbh|sa|llc|corp|corporation|bank|wallet|"
    r"protocol|rewards?|bonus|store|shop|news|newsletter)\b", re.IGNORECASE)
#: Free hosting and app platforms: anyone gets a sub-domain in a minute.
_FREE_HOSTING = frozenset({
    "firebaseapp.com", "web.app", "appspot.com", "pages.dev", "workers.dev", "netlify.app",
    "vercel.app", "github.io", "gitlab.io", "glitch.me", "herokuapp.com", "onrender.com",
    "repl.co", "replit.app", "weebly.com", "wixsite.com", "000webhostapp.com",
    "azurewebsites.net", "web.core.windows.net", "blob.core.windows.net", "r2.dev",
    "ipfs.io", "dweb.link", "surge.sh", "godaddysites.com", "webflow.io", "ngrok.io",
    "ngrok-free.app", "trycloudflare.com", "firebasestorage.googleapis.com",
    "storage.googleapis.com", "s3.amazonaws.com", "translate.goog", "myshopify.com",
    "square.site", "framer.app", "carrd.co", "jimdosite.com", "mystrikingly.com",
})
#: Free image hosts: a brand serves its pictures from its own or its mailer's servers.
_IMAGE_HOSTS = frozenset({
    "imgur.com", "imgbox.com", "zupimages.net", "postimg.cc", "postimages.org", "ibb.co",
    "imgbb.com", "photobucket.com", "imageshack.com", "tinypic.com", "gyazo.com", "prnt.sc",
    "lensdump.com", "freeimage.host", "iili.io", "pixhost.to", "imagetwist.com",
    "imgpile.com", "img.bb", "ibb.org", "firebasestorage.googleapis.com", "i.postimg.cc",
    "imagevenue.com", "funkyimg.com", "picsur.org", "catbox.moe",
})
#: TLDs (and CentralNic pseudo-TLDs) at the top of abuse statistics (Spamhaus,
#: Interisle): cheap, bulk-registered, rarely a bank's or a newsroom's address.
_ABUSED_TLDS = frozenset({
    "top", "xyz", "click", "online", "site", "shop", "icu", "buzz", "cfd", "sbs", "rest",
    "monster", "cyou", "quest", "bond", "lol", "mom", "cam", "beauty", "hair", "skin",
    "makeup", "autos", "boats", "homes", "yachts", "tk", "ml", "ga", "cf", "gq", "work",
    "fun", "space", "website", "pw", "club", "loan", "win", "bid", "stream", "racing",
    "download", "party", "review", "trade", "accountant", "gdn", "men", "zip", "mov",
    "sa.com", "za.com", "us.com", "ru.com", "br.com", "cn.com",
})
#: Query parameters of click trackers and redirectors that carry the destination.
_REDIRECT_PARAMS = frozenset({
    "url", "u", "redirect", "redirect_url", "redirect_uri", "redirecturl", "target", "dest",
    "destination", "link", "goto", "to", "q", "l", "r", "next", "continue", "return", "returnurl",
    "rurl", "out", "href", "uri",
})
_URL_IN_BLOB = re.compile(r"https?:(?:\\*/){2}[^\s\"'<>\\]+(?:\\*/[^\s\"'<>\\]*)*", re.IGNORECASE)
_B64_VALUE = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")
_IMAGE_EXT = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|bmp)(?:$|[?#])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class BrandIndex:
    """Brand tokens (lower case, no spaces) -> the domain labels entitled to use them."""

    brands: dict[str, tuple[str, ...]]


def _build_brands() -> BrandIndex:
    from unmask.reference.actor_names import english_words
    from unmask.reference.suffixes import load_suffixes
    from unmask.reference.warninglists import load_warninglists

    lists = load_warninglists()
    suffixes = load_suffixes()
    english = english_words()
    popular = {i for i, name in enumerate(lists.names) if name in _POPULAR_LISTS}
    brands: dict[str, set[str]] = {k: set(v) for k, v in _IMPERSONATED.items()}
    for table in (lists.hosts, lists.host_suffixes):
        for host, ids in table.items():
            if not popular.intersection(ids):
                continue
            registrable = suffixes.registrable_domain(host)
            if not registrable:
                continue
            label = registrable.split(".", 1)[0]
            # Long enough, not a word and not two words: "docusign", "wellsfargo"; not
            # "united", "target", "healthcare" (a brand word in a name is no claim).
            if len(label) >= 5 and label.isalpha() and label not in english \
                    and not _compound(label, english):
                brands.setdefault(label, set()).add(label)
    return BrandIndex({k: tuple(sorted(v)) for k, v in brands.items()})


def _compound(label: str, english: frozenset[str]) -> bool:
    """Whether ``label`` is two English words of three letters or more ("healthcare")."""
    return any(label[:i] in english and label[i:] in english for i in range(3, len(label) - 2))


def load_brands() -> BrandIndex:
    """The brand index (built once from the warninglists, cached on disk)."""
    from unmask.reference.cache import load_compiled

    return load_compiled("triage-brands", _build_brands,
                         depends=["pymispwarninglists", "english-words"],
                         format_version=_BRAND_FORMAT)


def _labels_of(domain: str) -> str:
    return re.sub(r"[^a-z0-9]", "", domain.lower())


def _brand_in(display: str, brands: BrandIndex) -> str | None:
    """The first brand named by the display name (single tokens, then adjacent pairs and
    triples squashed: "Bank of America" -> ``bankofamerica``)."""
    tokens = re.findall(r"[^\W_]+", display)
    for size in (1, 2, 3):
        for i in range(len(tokens) - size + 1):
            words = tokens[i:i + size]
            key = "".join(words).lower()
            if key not in brands.brands:
                continue
            if size == 1 and len(key) <= _SHORT_BRAND and not words[0].isupper():
                continue
            if key not in _IMPERSONATED and len(tokens) > size and not _SERVICE_WORDS.search(display):
                continue  # "Jane Dyson" is a person; "Dyson" or "Dyson Support" a brand
            return key
    return None


def _hosted_on(host: str, registrable: str, platforms: frozenset[str]) -> bool:
    return host in platforms or registrable in platforms or any(
        host.endswith("." + p) for p in platforms)


def _abused_tld(host: str) -> str | None:
    parts = host.rsplit(".", 2)
    two = ".".join(parts[-2:]) if len(parts) >= 2 else ""
    if two in _ABUSED_TLDS:
        return two
    return parts[-1] if parts[-1] in _ABUSED_TLDS else None


def destination(url: str, _depth: int = 0) -> str | None:
    """Where a click tracker or redirector sends a link, when the URL says so: a
    ``url=``/``u=``/``redirect=`` … parameter holding a URL, or a base64 (JSON) value
    holding one (Mandrill's ``p=``). None when the URL carries no destination."""
    if _depth > 3:
        return None
    try:
        params = parse_qsl(urlsplit(url).query, keep_blank_values=False)
    except ValueError:
        return None
    found: str | None = None
    for key, value in params:
        value = value.strip()
        if key.lower() in _REDIRECT_PARAMS and value.lower().startswith(("http://", "https://")):
            found = value
            break
    if found is None:
        for _, value in params:
            if len(value) < 16 or not _B64_VALUE.match(value):
                continue
            try:
                blob = base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_")
                                                + "=" * (-len(value) % 4))
            except (binascii.Error, ValueError):
                continue
            match = _URL_IN_BLOB.search(blob.decode("utf-8", "replace"))
            if match:
                found = re.sub(r"\\+/", "/", match.group(0))
                break
    if found is None:
        return None
    found = unquote(found) if "%3a" in found[:12].lower() else found
    return destination(found, _depth + 1) or found


def _is_popular(host: str, ctx: RuleContext) -> bool:
    return bool(_POPULAR_LISTS.intersection(ctx.warninglists.match_host(host)))


def _related(a: str, b: str) -> bool:
    """Two registrable domains of one owner, by their first labels: equal, or one
    holding the other ("acme" / "acme-mail", "dhl" / "dhl-news")."""
    la, lb = a.split(".", 1)[0], b.split(".", 1)[0]
    if a == b or la == lb:
        return True
    short, long = sorted((la, lb), key=len)
    return len(short) >= 4 and short in long


def _brand_is_surname(sender: Address, brand: str) -> bool:
    """Whether the brand word in the display name is the sender's own name: the display
    name is a person's (another word, no service word) and the address's local part
    spells the brand too ("Tom Amazon" <tamazon@isp.net>). "Amazon Support"
    <help@x.top> or "Amazon" <amazon@x.top> stay claims."""
    words = re.findall(r"[^\W\d_]+", sender.name)
    if len(words) < 2 or _SERVICE_WORDS.search(sender.name):
        return False
    local = re.sub(r"[^a-z]", "", sender.address.split("@", 1)[0].lower())
    others = [w.lower() for w in words if w.lower() != brand]
    return brand in local and local != brand and any(
        w in local or local.startswith(w[0]) for w in others)


def check_impersonation(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """A brand in the display name the sending domain has nothing to do with; a From
    domain that is not a domain; a sender on a free hosting platform; the recipient's
    address pasted into the subject or display name (mass-mail personalisation)."""
    sender = _from(view)
    if sender is None:
        return
    from_ev = _header_evidence(view, "from")
    from_reg = ctx.suffixes.registrable_domain(sender.domain)
    literal = _is_ip(sender.domain)  # postmaster@[192.0.2.25] (or without brackets, as old servers write)
    # A mail server's report is signed with its own host name, registrable or not
    # (MAILER-DAEMON@mx7.local); mail inside one local name space (jane@corp to bob@corp)
    # has the recipient's own domain. Neither is a bulk template's.
    local_space = any(to.domain == sender.domain for to in
                      (*view.addresses("to")[:20], *view.addresses("cc")[:20]))
    if (from_reg is None or "." not in sender.domain) and not literal and not _is_bounce(view) \
            and not local_space:
        yield _signal("malformed-sender", "sender",
                      f"The From address {sender.address!r} has no real domain "
                      f"({sender.domain!r} is not a registrable domain): mail servers do not "
                      "send that; a bulk sender's template does.", (from_ev,))
    squashed_domain = _labels_of(sender.domain)
    brand = _brand_in(sender.name, ctx.brands)
    if brand is not None and (_brand_is_surname(sender, brand) or _local_only(view, ctx)):
        brand = None
    if brand is not None:
        owners = ctx.brands.brands[brand]
        if not any(owner in squashed_domain for owner in (brand, *owners)):
            yield _signal("brand-impersonation", "sender",
                          f"The display name {sender.name!r} names the brand {brand!r}, but the "
                          f"message comes from {sender.domain!r}, which has nothing to do with it "
                          "(a pass of SPF/DKIM for that domain says nothing about the brand).",
                          (from_ev,))
    host = sender.domain
    if _hosted_on(host, from_reg or host, _FREE_HOSTING):
        yield _signal("sender-free-hosting", "sender",
                      f"The sender's domain {host!r} is a sub-domain of a free hosting or app "
                      "platform, which anyone can get in a minute; organisations send from "
                      "their own domain.", (from_ev,))
    recipients = view.addresses("to")[:20]
    if any(to.address == sender.address for to in recipients) and not _authenticated(view) \
            and not _is_bulk(view) and _forged_self(view):
        yield _signal("sender-is-recipient", "sender",
                      f"The message claims to come from the recipient's own address "
                      f"({sender.address!r}) and nothing authenticates it: extortion mail "
                      "forges the victim's address to look like proof of a hacked account.",
                      (from_ev, _header_evidence(view, "to")))
    subject = (view.header("subject") or "").lower()
    display = sender.name.lower()
    lists = _list_domains(view, ctx)
    for to in recipients if not _is_bounce(view) else ():
        if len(to.address) < 5 or to.address == sender.address:
            continue
        if ctx.registrable(to.domain) in lists:
            continue  # a mailing list's own address: personalisation aims at a person
        where = "subject" if to.address in subject else "from" if to.address in display else None
        if where is not None:
            yield _signal("recipient-in-subject", "content",
                          f"The recipient's address {to.address!r} is pasted into the "
                          f"{'subject' if where == 'subject' else 'sender display name'}: bulk "
                          "mailers personalise lures this way; people and real services use "
                          "a name.", (_header_evidence(view, where), _header_evidence(view, "to")))
            break


def _clickable(view: MailView) -> list[tuple[str, str, Evidence]]:
    """HTTP(S) targets of anchors (or text URLs when there are no anchors), with the
    destination a tracker hides when it can be read: (target, final, evidence)."""
    out: list[tuple[str, str, Evidence]] = []
    seen: set[str] = set()
    anchors = [a for a in view.anchors if a.tag in ("a", "area", "form")]
    if anchors:
        items = [(a.target, Evidence("link", a.tag, a.target[:300]
                                     + (f" (shown as {a.text!r})" if a.text else "")))
                 for a in anchors]
    else:
        items = [(u, e) for u, e in _link_targets(view) if not _IMAGE_EXT.search(u)]
    for target, evidence in items:
        if target in seen or not target.lower().startswith(("http://", "https://")):
            continue
        seen.add(target)
        final = destination(target) or target
        out.append((target, final, evidence))
    return out


def check_hosting(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Where the links go: free hosting, abused TLDs, free image hosts, and links that
    all go somewhere unrelated to the sender."""
    sender = _from(view)
    from_reg = ctx.registrable(sender.domain) if sender is not None else ""
    clickable = _clickable(view)
    free: list[Evidence] = []
    abused: list[tuple[str, Evidence]] = []
    unrelated: dict[str, Evidence] = {}
    related = False
    mailer = _mailer_domains(view, ctx)
    if sender is not None:
        tld = _abused_tld(sender.domain)
        if tld:
            abused.append((tld, _header_evidence(view, "from")))
    for _, final, evidence in clickable:
        host = _host_of(final)
        if not host or _is_ip(host):
            continue
        reg = ctx.registrable(host)
        if reg.count(".") == 1 and reg in _ABUSED_TLDS:  # a pseudo-TLD: offers.sa.com
            reg = ".".join(host.rsplit(".", 3)[-3:])
        if _hosted_on(host, reg, _FREE_HOSTING):
            free.append(evidence)
        tld = _abused_tld(host)
        if tld:
            abused.append((tld, evidence))
        if from_reg and _related(reg, from_reg):
            related = True
        elif not _in_set(host, reg, _TRACKERS) and not ctx.is_protected(host) and reg not in mailer \
                and not _is_popular(reg, ctx) and not _hosted_on(host, reg, _FREE_HOSTING):
            unrelated.setdefault(reg, evidence)
    images = []
    for url, evidence in _link_targets(view):
        host = _host_of(url)
        if host and _hosted_on(host, ctx.registrable(host), _IMAGE_HOSTS) and (
                _IMAGE_EXT.search(url) or host.startswith("i.") or "firebasestorage" in host):
            images.append(evidence)
    if free:
        yield _signal("link-free-hosting", "link",
                      "A link leads to a page on a free hosting or app platform, where "
                      "throw-away phishing pages live.", free[:10])
    if abused:
        tlds = ", ".join(sorted({f".{t}" for t, _ in abused}))
        yield _signal("abused-tld", "link",
                      f"The sender or a link uses a domain under {tlds}, among the top-level "
                      "domains most used for spam and phishing (cheap, registered in bulk).",
                      [e for _, e in abused][:10])
    if images:
        yield _signal("image-free-host", "link",
                      "The message's pictures come from a free image host: brands and "
                      "newsletters serve theirs from their own or their mailer's servers.",
                      images[:10])
    if sender is not None and unrelated and not related and not _list_domains(view, ctx):
        domains = ", ".join(sorted(unrelated)[:5])
        yield _signal("links-unrelated", "link",
                      f"No link goes to the sender's domain {from_reg!r}; they lead to "
                      f"{domains} (not a known mailer, popular site or protected domain).",
                      list(unrelated.values())[:10])


# -- Received chain and header hygiene -------------------------------------------


@dataclass(frozen=True, slots=True)
class Hop:
    """One ``Received: from`` line: the name the client gave (HELO), the name its
    address resolves to (rDNS; ``unknown`` when the receiver found none, "" when the
    line does not say), its IP address, the receiving host, and the raw value."""

    helo: str
    rdns: str
    ip: str
    by: str
    raw: str
    submitted: bool  # an authenticated submission (ESMTPA / ESMTPSA)


_RECEIVED_FROM = re.compile(r"^\s*from\s+(\S*)\s*((?:\([^()]*(?:\([^()]*\)[^()]*)*\)\s*)*)", re.IGNORECASE)
_RECEIVED_BY = re.compile(r"\bby\s+([\w.-]+\.[a-z]{2,})", re.IGNORECASE)
_RECEIVED_IP = re.compile(r"\[?(?:IPv6:)?([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}|\d{1,3}(?:\.\d{1,3}){3})\]?",
                          re.IGNORECASE)
_SUBMITTED = re.compile(r"\bwith\s+e?smtpsa?\b|\bwith\s+esmtpsa\b|\(authenticated|authenticated sender|"
                        r"\bwith\s+(?:http|local|webmail)\b|\bAUTH\b", re.IGNORECASE)
# Exim and its builds (gmane's "Gmexim") name themselves in the "with" clause.
_EXIM = re.compile(r"\(\w*exim\b", re.IGNORECASE)
_SUBMISSION_PROTOCOL = re.compile(r"\bwith\s+(?:esmtpa|esmtpsa|esmtpsa?\w*|smtpsa?|lmtpsa)\b", re.IGNORECASE)
# A reverse name that numbers hosts of an access or hosting network: three of the
# IP's four numbers in it, or a word for a dynamic / home connection.
_DYNAMIC_WORDS = re.compile(
    r"(?:^|[.\-\d])(?:dyn|dynamic|dhcp|dsl|adsl|xdsl|vdsl|pool|ppp|pppoe|dial|dialup|dial-up|"
    r"cable|broadband|residential|home|client|cust|customer|user|cpe|mobile|wireless)(?:$|[.\-\d])",
    re.IGNORECASE)
# Users web servers and scripts run as: mail from them is a script on a web server.
_WEB_USERS = frozenset({
    "www-data", "apache", "apache2", "nginx", "httpd", "www", "wwwrun", "nobody", "web",
    "webmaster-noreply", "php", "php-fpm", "daemon", "http", "_www", "lighttpd",
})
_BARE_HELO = re.compile(r"^\s*from\s+(?:\d{1,3}\.){3}\d{1,3}(?:\s|$)", re.IGNORECASE)
_WEB_USER_SUBMIT = re.compile(r"^\s*\(from\s+([\w.-]+)@(?:localhost|[\w.-]+)\)", re.IGNORECASE)
_SCRIPT_HEADERS = ("x-php-originating-script", "x-php-script", "x-source-args")
# A Message-ID: <left@right> with both sides present (a host part without a dot, as old
# clients wrote, is accepted).
_MESSAGE_ID_SHAPE = re.compile(r"<?[^<>@\s]+@[^<>@\s]*[\w\]]>?(?:\s*\([^()]*\))?")
# The Message-ID Outlook and Outlook Express write: 4 hex digits of a counter and the
# high 32 bits of the Windows FILETIME of sending (01bX in the late 1990s, 01cX in
# 2000-2014, 01dX since), then two more groups of 8 hex digits, "@" and the host.
# Ratware copied the shape with random digits.
_OUTLOOK_ID = re.compile(r"\s*<([0-9a-f]{12})\$[0-9a-f]{8}\$[0-9a-f]{8}@[^<>\s]+>", re.IGNORECASE)
_OUTLOOK_STAMP = re.compile(r"01[b-d][0-9a-f]", re.IGNORECASE)
#: Hours a Date may run ahead of the receiving server's clock / days it may lag behind.
_DATE_AHEAD_HOURS = 24
_DATE_BEHIND_DAYS = 7
#: The numeric time zone at the end of a Date header; none on earth is more than 14
#: hours from UTC (spam tools of the early 2000s wrote -1900 and +2300).
_ZONE = re.compile(r"\s([+-](\d{2})(\d{2}))\s*(?:\([^()]*\))?\s*$")
_MAX_ZONE_HOURS = 14
# Message-ID domains of the big web-mail providers, and the domains their servers send from.
_PROVIDER_IDS: dict[str, tuple[str, ...]] = {
    "gmail.com": ("google.com", "gmail.com", "googlemail.com"),
    "mail.gmail.com": ("google.com", "gmail.com", "googlemail.com"),
    "outlook.com": ("outlook.com", "hotmail.com", "live.com", "microsoft.com", "office365.com"),
    "hotmail.com": ("outlook.com", "hotmail.com", "live.com", "microsoft.com"),
    "yahoo.com": ("yahoo.com", "yahoodns.net", "yahoo.net"),
}


# Free-mail providers and the registrable domains of the servers their mail leaves from.
_MICROSOFT = ("outlook.com", "hotmail.com", "live.com", "msn.com", "microsoft.com")
_FREEMAIL_SERVERS: dict[str, tuple[str, ...]] = {
    "gmail.com": ("google.com",), "googlemail.com": ("google.com",),
    **dict.fromkeys(("outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk"), _MICROSOFT),
    **dict.fromkeys(("yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.co.jp", "aol.com",
                     "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca", "yahoo.in",
                     "yahoo.com.br", "yahoo.com.au", "yahoo.com.sg", "yahoo.com.hk", "yahoo.com.tw",
                     "yahoo.com.mx", "yahoo.com.ar"),
                    ("yahoo.com", "yahoodns.net", "aol.com")),
    # AT&T's mailboxes (once run by Yahoo), Comcast, Verizon (now AOL's), GMX/WEB.DE,
    # Apple, Mail.ru, Yandex: each sends from its own servers
    **dict.fromkeys(("sbcglobal.net", "att.net", "bellsouth.net", "pacbell.net", "swbell.net",
                     "prodigy.net", "ameritech.net", "flash.net", "snet.net"),
                    ("att.net", "sbcglobal.net", "yahoo.com", "yahoodns.net")),
    "comcast.net": ("comcast.net",), "verizon.net": ("verizon.net", "aol.com", "yahoodns.net"),
    **dict.fromkeys(("gmx.net", "gmx.de", "gmx.com", "web.de"), ("gmx.net", "gmx.com", "web.de", "gmx.de")),
    **dict.fromkeys(("icloud.com", "me.com", "mac.com"), ("icloud.com", "apple.com", "me.com", "mac.com")),
    **dict.fromkeys(("mail.ru", "inbox.ru", "list.ru", "bk.ru"), ("mail.ru",)),
    **dict.fromkeys(("yandex.ru", "yandex.com", "ya.ru"), ("yandex.net", "yandex.ru", "yandex.com")),
}


def parse_hop(value: str) -> Hop | None:
    """A ``Received`` value's ``from`` clause, or None when it has none. Reads the
    Postfix/Sendmail (``from HELO (rdns [ip])``), Exim (``from rdns ([ip] helo=HELO)``),
    qmail (``from rdns (HELO name) (ip)``) and Exchange (``from HELO (ip)``) shapes."""
    match = _RECEIVED_FROM.match(value)
    if match is None:
        return None
    first, comments = match.group(1), match.group(2)
    by = _RECEIVED_BY.search(value[match.end():])
    ip_match = _RECEIVED_IP.search(comments) or _RECEIVED_IP.fullmatch(first)
    ip = ip_match.group(1) if ip_match else ""
    helo, rdns = first, ""
    # qmail's "(HELO name)", not Exim's "(helo=name)"
    qmail = re.search(r"\(HELO\s*(?!=)([^)\s]*)\)", comments, re.IGNORECASE)
    exim = re.search(r"\bhelo=([^)\s]*)", comments, re.IGNORECASE)
    named = qmail or exim
    if named is not None:
        # The first word is the reverse name ("unknown" when there is none) or [ip].
        helo = named.group(1)
        rdns = "unknown" if first.startswith("[") else first
    else:
        # Sendmail puts the ident answer before the name: "(IDENT:user@name [ip])"
        inner = re.match(r"\(\s*(?:IDENT:)?(?:[\w.-]+@)?([\w.-]*?)\.?\s*\[", comments)
        quoted = re.match(r"\(\s*\[[^\]]*\](?::\d+)?\s+\"(?:EHLO|HELO)\s+([^\"\s]*)\"", comments,
                          re.IGNORECASE)
        if quoted is not None and not first.startswith("["):
            # ZMailer's "from rdns ([ip]:port "EHLO helo")": the first word is the
            # verified reverse name (vger.kernel.org writes this)
            helo, rdns = quoted.group(1), first
        elif inner is not None:
            # "([203.0.113.9])" with no name: Gmail's and Sendmail's way of saying the
            # address has no reverse name (Postfix writes "unknown"); Exim writes
            # "from rdns ([ip])" when the HELO was that verified name
            rdns = inner.group(1) or ("" if _EXIM.search(value) else "unknown")
        elif re.match(r"\(\s*unknown\b", comments, re.IGNORECASE):
            rdns = "unknown"
    return Hop(helo=helo.strip("[]").lower().rstrip("."), rdns=rdns.lower().rstrip("."), ip=ip,
               by=by.group(1).lower() if by else "", raw=value,
               submitted=bool(_SUBMISSION_PROTOCOL.search(value) or "(authenticated" in value.lower()))


_INTERNAL_NETS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"))


def _internal_ip(ip: str) -> bool:
    """A private, loopback or link-local address (or not an address at all)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return True
    return any(address in net for net in _INTERNAL_NETS if net.version == address.version)


def _handoff(view: MailView, ctx: RuleContext) -> Hop | None:
    """The hop on which the message entered the receiving side: from the top, the first
    ``Received: from`` a public IP address whose sending host is not of the receiving
    host's own domain (internal relays are passed over) and that is not an
    authenticated submission. Lines below it can be forged; this one was written by a
    server of the recipient's (or of a list it went through)."""
    for value in view.headers.get("received", ())[:30]:
        hop = parse_hop(value)
        if hop is None or not hop.ip or hop.submitted:
            continue
        if _internal_ip(hop.ip):
            continue
        name = hop.rdns if hop.rdns and hop.rdns != "unknown" else hop.helo
        if name and hop.by and "." in name and ctx.registrable(name) == ctx.registrable(hop.by):
            continue
        return hop
    return None


def _generic_rdns(rdns: str, ip: str) -> bool:
    """A reverse name that numbers hosts (``67.175.76.202.static.isp.tr``,
    ``host-1-2-3-4.pool.isp.net``) or names a dynamic or home connection."""
    if "." in ip:
        octets = ip.split(".")
        numbers = re.findall(r"\d{1,3}", rdns)
        if sum(1 for octet in set(octets) if octet in numbers) >= 3:
            return True
    labels = rdns.split(".")
    return bool(_DYNAMIC_WORDS.search(".".join(labels[:-2]) if len(labels) > 2 else ""))


def _date_of(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _list_entry(view: MailView, ctx: RuleContext, handoff: Hop) -> Hop | None:
    """For list mail the list's server handed over: the hop on which the poster's server
    handed the message to the list. The list's hosts are the domains of its headers
    (List-Id, List-Post, Sender, Return-Path) and of the server that handed it over;
    from the top, the first ``Received: from`` a public address outside them, written
    by one of them (relays among the list's own hosts are passed over)."""
    hosts = set(_list_domains(view, ctx))
    for name in ("return-path", "sender", "errors-to"):
        hosts.update(ctx.registrable(a.domain) for a in view.addresses(name)[:1])
    handoff_name = handoff.rdns if handoff.rdns and handoff.rdns != "unknown" else handoff.helo
    if "." in handoff_name:
        hosts.add(ctx.registrable(handoff_name))
    for value in view.headers.get("received", ())[:30]:
        hop = parse_hop(value)
        if hop is None or hop is handoff or hop.raw == handoff.raw or not hop.ip or hop.submitted:
            continue
        if _internal_ip(hop.ip) or not hop.by or ctx.registrable(hop.by) not in hosts:
            continue
        if any("." in name and ctx.registrable(name) in hosts for name in (hop.rdns, hop.helo)):
            continue  # one of the list's hosts relaying to another
        return hop
    return None


def _hop_signals(view: MailView, ctx: RuleContext, hop: Hop, from_reg: str,
                 list_entry: bool = False) -> Iterator[Signal]:
    """The checks of one Received hop (the server that handed the message over, or with
    ``list_entry`` the one that handed it to a mailing list): no or a numbered reverse
    name, a bad or forged HELO, a free-mail From the provider's servers did not send."""
    role = "handed the message to the mailing list" if list_entry else "handed the message over"
    handed = "handed to the mailing list by" if list_entry else "handed over by"
    evidence = (Evidence("header", "received", hop.raw[:300]),)
    if list_entry and hop.rdns != "unknown":
        # Members posted from home lines and their own small servers (a numbered name,
        # a HELO of their own domain): only a poster's server with no reverse name at
        # all says something, and that weakly (list-poster-no-rdns).
        return
    if list_entry:
        yield _signal("list-poster-no-rdns", "header",
                      f"The server that {role} ({hop.ip}) has no reverse DNS name: spam posted "
                      "to open lists comes from such hosts (weak: a member's own small server "
                      "can lack one too).", evidence)
    elif hop.rdns == "unknown":
        yield _signal("received-no-rdns", "header",
                      f"The server that {role} ({hop.ip}) has no reverse DNS "
                      "name: mail servers have one; infected PCs and throw-away hosts often do not.",
                      evidence)
    elif _generic_rdns(hop.helo or hop.rdns, hop.ip) and (not hop.rdns or _generic_rdns(hop.rdns, hop.ip)):
        # Both names numbered: a server on a home line that calls itself by its
        # proper name (HELO mail.example.be) is a small office's, not a bot's.
        yield _signal("received-generic-rdns", "header",
                      f"The server that {role} is named {hop.rdns or hop.helo!r}: a "
                      "numbered or dynamic host of an access or hosting network, not a mail "
                      "server (spam from infected PCs and rented machines looks like this).",
                      evidence)
    helo = hop.helo
    helo_bad = ""
    if not helo or helo == "unknown" or ("." not in helo and ":" not in helo) or helo == "localhost":
        helo_bad = f"introduced itself as {helo or 'nothing'!r}, not a full host name"
    elif _RECEIVED_IP.fullmatch(helo) and helo != hop.ip:
        helo_bad = f"introduced itself as the address {helo}, but connected from {hop.ip}"
    elif _RECEIVED_IP.fullmatch(helo) and _BARE_HELO.match(hop.raw):
        # an address is a valid HELO only as a literal in brackets ("[192.0.2.1]");
        # bulk-mail tools write it bare
        helo_bad = f"introduced itself with its bare address {helo}, not a name or an address literal"
    elif (from_reg and "." in helo and ctx.registrable(helo) == from_reg and hop.rdns
          and hop.rdns != "unknown" and ctx.registrable(hop.rdns) != from_reg):
        # (No reverse name at all is received-no-rdns, not counted twice.)
        yield _signal("received-helo-forged", "header",
                      f"The server that {role} introduced itself as {helo!r}, "
                      f"a host of the sender's domain, but its address belongs to {hop.rdns!r}: "
                      "it claims to be a server it is not.", evidence)
    family = _FREEMAIL_SERVERS.get(from_reg)
    if family and (list_entry or not _is_bulk(view)) and not _authenticated(view) and (
            hop.rdns == "unknown"
            or (hop.rdns and ctx.registrable(hop.rdns) not in (*family, from_reg))):
        yield _signal("freemail-forged", "sender",
                      f"The From address is on {from_reg!r}, but the message was {handed} "
                      f"{hop.rdns if hop.rdns != 'unknown' else hop.ip!r}, not by that provider's "
                      "servers, and nothing authenticates it: the free-mail address is forged.",
                      (_header_evidence(view, "from"), *evidence))
    if helo_bad:
        yield _signal("received-helo-mismatch", "header",
                      f"The server that {role} {helo_bad}.", evidence)


def check_received(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """The Received chain and header hygiene: how the message entered (rDNS and HELO of
    the handing-over server), a web server's script as the envelope sender, a Date far
    from the day the message was received, a Message-ID of a web-mail provider the
    message never went through, Received lines with no receiving host."""
    sender = _from(view)
    from_reg = ctx.registrable(sender.domain) if sender is not None else ""
    hop = _handoff(view, ctx)
    if hop is not None and _via_list(view, ctx):
        # The list's server handed it over: its name says nothing of the author. The
        # hop on which the poster's server handed the message to the list does.
        entry = _list_entry(view, ctx, hop)
        if entry is not None:
            yield from _hop_signals(view, ctx, entry, from_reg, list_entry=True)
    elif hop is not None:
        yield from _hop_signals(view, ctx, hop, from_reg)
    # A web server's script as the envelope sender, sending in another domain's name.
    web: list[tuple[str, str, str]] = []  # (user, server domain, header)
    for address in view.addresses("return-path")[:1]:
        user = address.address.split("@", 1)[0]
        if user in _WEB_USERS:
            web.append((user, address.domain, "return-path"))
    for value in view.headers.get("received", ())[:30]:
        submit = _WEB_USER_SUBMIT.match(value)
        by = _RECEIVED_BY.search(value)
        if submit and submit.group(1).lower() in _WEB_USERS and by:
            web.append((submit.group(1).lower(), by.group(1).lower(), "received"))
            break
    for name in _SCRIPT_HEADERS:
        if name in view.headers:
            web.append(("a PHP script", "", name))
            break
    if sender is not None and web:
        lists = _list_domains(view, ctx)
        foreign = [w for w in web if not w[1] or (ctx.registrable(w[1]) != from_reg
                                                   and ctx.registrable(w[1]) not in lists)]
        if foreign:
            user, server, header = foreign[0]
            where = f" on {server}" if server else ""
            yield _signal("webserver-envelope", "header",
                          f"The message was sent by {user!r}{where} — a web server's script — "
                          f"in the name of {sender.domain!r}: hijacked web sites and rented servers "
                          "send phishing this way; an organisation's mail comes from its mail servers.",
                          (_header_evidence(view, "from"), _header_evidence(view, header)))
    # The Date against the clock of the receiving side.
    received = view.headers.get("received", ())
    if received:
        date_value = view.header("date")
        # The clock of the server that took the message in (the hand-over hop), else the
        # topmost: a mailbox fetched or re-fed later adds lines with later dates on top.
        clock = hop.raw if hop is not None and ";" in hop.raw else received[0]
        stamp = _date_of(clock.rsplit(";", 1)[-1]) if ";" in clock else None
        date = _date_of(date_value) if date_value else None
        why = ""
        if not date_value:
            why = "has no Date header (every mail program writes one)"
        elif date is None:
            why = f"has a Date header that is not a date ({date_value[:60]!r})"
        elif (zone := _ZONE.search(date_value)) is not None and int(zone.group(2)) > _MAX_ZONE_HOURS:
            why = f"is dated {date_value.strip()[:60]!r}, in a time zone that does not exist ({zone.group(1)})"
        elif stamp is not None and date - stamp > dt.timedelta(hours=_DATE_AHEAD_HOURS):
            why = f"is dated {date_value!r}, after the day it was received ({stamp:%Y-%m-%d %H:%M %Z})"
        elif stamp is not None and stamp - date > dt.timedelta(days=_DATE_BEHIND_DAYS):
            why = f"is dated {date_value!r}, long before it was received ({stamp:%Y-%m-%d})"
        if why:
            yield _signal("date-anomaly", "header",
                          f"The message {why}: bulk-mail tools forge or leave out the date.",
                          (_header_evidence(view, "date"), Evidence("header", "received", clock[:300])))
    # A Message-ID of a web-mail provider whose servers the message never passed.
    message_id = view.header("message-id") or ""
    id_domain = message_id.strip().strip("<>").rsplit("@", 1)[-1].lower() if "@" in message_id else ""
    family = _PROVIDER_IDS.get(id_domain) or _PROVIDER_IDS.get(ctx.registrable(id_domain)) if id_domain else None
    if family and sender is not None and from_reg not in family:
        hops = [parse_hop(v) for v in received[:30]]
        names = {ctx.registrable(n) for h in hops if h is not None
                 for n in (h.helo, h.rdns, h.by) if n and "." in n}
        if any(h is not None for h in hops) and not names.intersection(family):
            yield _signal("message-id-forged", "header",
                          f"The Message-ID ({message_id[:80]!r}) is in the style of {id_domain!r}, "
                          "but no Received line shows the message passing that provider's servers: "
                          "a mass mailer dressing up as a mail program.",
                          (_header_evidence(view, "message-id"),))
    outlook = _OUTLOOK_ID.match(message_id)
    if outlook is not None and not _OUTLOOK_STAMP.match(outlook.group(1), 4):
        yield _signal("message-id-ratware", "header",
                      f"The Message-ID ({message_id[:80]!r}) has the shape Outlook and Outlook "
                      f"Express write ('<counter+time$...$...@host>'), but {outlook.group(1)[4:12]!r} "
                      "is not the timestamp those programs put there: a bulk-mail tool imitating "
                      "them.", (_header_evidence(view, "message-id"),))
    if message_id and not _MESSAGE_ID_SHAPE.fullmatch(message_id.strip()):
        yield _signal("message-id-malformed", "header",
                      f"The Message-ID ({message_id[:80]!r}) is not an identifier with a host part "
                      "('<unique@host>'): mail programs and servers always write one; spam tools "
                      "that build headers themselves get it wrong.",
                      (_header_evidence(view, "message-id"),))
    empty_by = [v for v in received[:30] if re.search(r"\bby\s+\(", v) or re.search(r"\bby\s*$", v)]
    if empty_by:
        yield _signal("received-malformed", "header",
                      "A Received line names no receiving host ('by' followed by nothing): "
                      "mail servers always write their name there; spam tools forge such lines.",
                      (Evidence("header", "received", empty_by[0][:300]),))


def check_brand_domain(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """From is a well-known organisation's or bank's own domain (MISP top lists,
    ``bank-website``, the curated brands), nothing authenticates it, and the replies,
    the envelope or the links go elsewhere: someone wrote the brand's address in From."""
    sender = _from(view)
    if sender is None or _authenticated(view) or _is_bulk(view) or _is_bounce(view):
        return  # a bounce comes from a mail server of the brand, with an empty envelope
    from_reg = ctx.registrable(sender.domain)
    label = from_reg.split(".", 1)[0]
    matches = ctx.warninglists.match_host(from_reg)
    bank = "warninglist:bank-website" in matches
    if not (bank or _POPULAR_LISTS.intersection(matches) or label in _IMPERSONATED):
        return
    if ctx.is_freemail(sender.domain) or ctx.is_protected(sender.domain):
        return
    elsewhere: list[str] = []
    evidence = [_header_evidence(view, "from")]
    for reply in view.addresses("reply-to")[:1]:
        if not _related(ctx.registrable(reply.domain), from_reg):
            elsewhere.append(f"replies go to {reply.address!r}")
            evidence.append(_header_evidence(view, "reply-to"))
    for envelope in view.addresses("return-path")[:1]:
        env_reg = ctx.registrable(envelope.domain)
        user = envelope.address.split("@", 1)[0]
        if not _related(env_reg, from_reg) and (user in _WEB_USERS or not (
                _is_popular(env_reg, ctx) or _in_set(envelope.domain, env_reg, _TRACKERS))):
            elsewhere.append(f"the envelope sender is {envelope.address!r}")
            evidence.append(_header_evidence(view, "return-path"))
    if not elsewhere:
        return
    if len(elsewhere) == 1 and elsewhere[0].startswith("the envelope") and not view.attachments and not any(
            (host := _host_of(final)) and not _related(ctx.registrable(host), from_reg)
            for _, final, _ in _clickable(view)):
        # Only the envelope differs and the message gives nothing to act on (no link off
        # the brand's domain, no attachment, replies go to the brand): a member writing
        # from the organisation's address through their own server, not a lure.
        return
    kind = "bank" if bank else "well-known organisation"
    yield _signal("brand-domain-unverified", "sender",
                  f"The From address is on {from_reg!r}, a {kind}'s own domain, but nothing "
                  f"authenticates it (no DMARC or DKIM pass for it) and {' and '.join(elsewhere)}: "
                  "the brand's real mail comes from its own servers.", evidence)


def check_images(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Pictures and next to no text: the message is an image (spam that hides its words
    from filters); or it opens with a picture and its text offers no link or address of
    its own (filler around an offer in the picture); more so when it answers nothing
    (see :func:`_unprompted_image`)."""
    if view.images and view.body_chars < _IMAGE_ONLY_CHARS:
        evidence = tuple(Evidence("link", "img", src[:300]) for src in view.images[:5])
        yield _signal("image-only", "content",
                      f"The message is {len(view.images)} picture(s) and {view.body_chars} "
                      "characters of text: spam sends its offer as an image so filters cannot "
                      "read it.", evidence)
        yield from _unprompted_image(view, evidence)
        return
    if _is_bulk(view) or _is_bounce(view) or _authenticated(view):
        return  # a newsletter's or a signed notice's pictures are the sender's own
    found: list[Evidence] = []
    remote = [src for src in view.images if src.lower().startswith(("http:", "https:", "//"))]
    if remote and view.html_chars < _IMAGE_HEAVY_CHARS:
        found.extend(Evidence("link", "img", src[:300]) for src in remote[:5])
        yield _signal("image-heavy", "content",
                      f"The message shows {len(remote)} picture(s) fetched from the web and only "
                      f"{view.html_chars} characters of HTML text: most of what it says is in the "
                      "pictures, out of a filter's reach (weak: a short personal mail with a "
                      "picture reads the same).", tuple(found))
    embedded = [a for a in view.attachments if a.content_type.startswith("image/")]
    lead_src = next((src for src in view.images if src), "")
    if view.lead_image is not None and view.lead_image < _LEAD_IMAGE_CHARS and not view.text_urls \
            and not any(a.tag == "a" and a.text for a in view.anchors) and (
                not lead_src.lower().startswith("cid:")
                or any(a.size >= _LEAD_IMAGE_BYTES for a in embedded)):
        lead = (Evidence("link", "img", lead_src[:300]),) if lead_src else ()
        yield _signal("image-led", "content",
                      f"The message opens with a picture (after {view.lead_image} characters of "
                      "text) and its text gives no link or web address of its own: whatever it "
                      "offers is in the picture, and the words around it are filler for filters "
                      "(weak alone: a photo with a few lines reads the same).", lead)
        found.extend(e for e in lead if e not in found)
    if found:
        yield from _unprompted_image(view, tuple(found))


#: A Subject that answers or passes on an earlier message (Re:, Fwd:, Fw:, and the
#: German, Scandinavian, Dutch, French and Spanish forms).
_REPLY_SUBJECT = re.compile(r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|fwd?|aw|wg|sv|vs|antw|tr|rv|rif)\s*(?:\[\d{1,3}\])?\s*:",
                            re.IGNORECASE)


def _unprompted_image(view: MailView, evidence: tuple[Evidence, ...]) -> Iterator[Signal]:
    """A message that is mostly pictures and starts a conversation: no In-Reply-To or
    References header and no reply or forward prefix in the Subject, not list mail, not a
    bounce, not authenticated. A person who sends a photo with a line of text is usually
    answering or passing something on; an image sent to a stranger out of the blue is the
    advertiser's way past a filter."""
    if "in-reply-to" in view.headers or "references" in view.headers:
        return
    if _REPLY_SUBJECT.match((view.header("subject") or "")[:200]):
        return
    if _is_bulk(view) or _is_bounce(view) or _authenticated(view):
        return
    yield _signal("image-unprompted", "content",
                  "The mostly-picture message answers nothing (no In-Reply-To or References, no "
                  "reply or forward prefix in the Subject) and is neither list mail nor "
                  "authenticated: an unsolicited offer sent as an image.", evidence)


def check_advertising(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """The Subject or the sender's name calls the message an advertisement."""
    for name in ("subject", "from"):
        value = view.header(name) or ""
        if name == "from":
            value = value.split("<", 1)[0]
        found = _ADVERTISING_LABEL.search(value[:300])
        if found is not None:
            yield _signal("advertising-label", "content",
                          f"The {name.capitalize()} labels the message as an advertisement "
                          f"({found.group(0).strip()!r}), as unsolicited ads must in some countries: "
                          "bulk advertising the reader did not ask for.", (_header_evidence(view, name),))
            return


#: Fewer visible characters than this (text and HTML bodies) next to pictures: image-only.
_IMAGE_ONLY_CHARS = 60
#: Fewer visible characters than this in the HTML next to pictures from the web,
#: outside list mail: image-heavy.
_IMAGE_HEAVY_CHARS = 1200
#: Fewer visible characters than this before the first picture of the HTML: it opens
#: the message (image-led).
_LEAD_IMAGE_CHARS = 200
#: A picture embedded in the message must be at least this big to carry an offer
#: (an icon or a bullet is a kilobyte or two).
_LEAD_IMAGE_BYTES = 4000
_TRICKS = {
    "hidden-text": "text the reader cannot see (in the background's colour, 0-1 pixel "
                   "high or not displayed), written for filters",
    "mixed-href-case": "links written both 'href' and 'HREF', pasted together by a bulk-mail tool",
}


def check_html(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """How the HTML was made: text hidden from the reader, links spelt two ways (bulk
    tools), and HTML with no plain-text version outside list mail."""
    if view.html_tricks:
        yield _signal("html-obfuscation", "content",
                      "The HTML has " + "; and ".join(_TRICKS[t] for t in view.html_tricks) + ".",
                      (Evidence("header", "content-type", view.header("content-type") or ""),))
    if view.html_only and not _is_bulk(view) and not _is_bounce(view) and not _authenticated(view):
        yield _signal("html-only", "content",
                      "The message is HTML only, with no plain-text version: mail programs write "
                      "both; bulk-mail tools often only the HTML (weak alone).",
                      (Evidence("header", "content-type", view.header("content-type") or ""),))


# -- intelligence ---------------------------------------------------------------------


#: Known indicators named in the explanation (all of them are in the evidence).
_MAX_NAMED_KNOWN = 5


def _describe(result: IocResult) -> str:
    actors = [f"{a.label or a.value} ({a.value})" if a.label and a.label != a.value else a.value
              for a in result.actors[:3]]
    reports = f"{result.report_count} report{'s' if result.report_count != 1 else ''}"
    if actors:
        return f"known indicator of {', '.join(actors)}, {reports}"
    return f"known indicator, {reports}"


def check_known(view: MailView, ctx: RuleContext) -> Iterator[Signal]:
    """Observables of the message the knowledge base knows, with their actors."""
    if ctx.known is None:
        return
    from unmask.extract.observables import extract_observables
    from unmask.model import ExtractContext

    document = view.document
    candidates: dict[str, Evidence] = {}
    for obs in extract_observables(document.text, context=ExtractContext.for_document(document)):
        if obs.is_indicator and obs.value not in candidates:
            candidates[obs.value] = Evidence("indicator", obs.type, obs.surface, obs.span)
    for header in ("from", "reply-to", "return-path", "sender"):
        for address in view.addresses(header):
            for value in (address.address, address.domain):
                candidates.setdefault(value, _header_evidence(view, header))
    for url, evidence in _link_targets(view):
        host = _host_of(url)
        for candidate in (url, host):
            if candidate:
                candidates.setdefault(candidate, evidence)
    for item in view.attachments:
        candidates.setdefault(item.sha256, Evidence("attachment", item.name or "(no name)",
                                                    f"sha256 {item.sha256}"))
    reported: set[str] = set()
    found: list[tuple[str, IocResult, Evidence]] = []
    for value, evidence in list(candidates.items())[:_MAX_LOOKUPS]:
        result = ctx.known(value)
        if result is None or result.value in reported:
            continue
        reported.add(result.value)
        found.append((value, result, evidence))
    if not found:
        return
    # One signal, weighed once: five addresses of the same campaign are one finding.
    named = "; ".join(f"{value}: {_describe(result)}" for value, result, _ in found[:_MAX_NAMED_KNOWN])
    more = f"; and {len(found) - _MAX_NAMED_KNOWN} more" if len(found) > _MAX_NAMED_KNOWN else ""
    what = "an indicator" if len(found) == 1 else f"{len(found)} indicators"
    yield _signal("known-indicator", "intel", f"The message holds {what} the knowledge base knows: {named}{more}.",
                  tuple(evidence for _, _, evidence in found))


RULES: tuple[Rule, ...] = (
    check_authentication, check_sender, check_impersonation, check_brand_domain, check_received,
    check_lookalikes, check_links, check_hosting, check_attachments, check_images, check_html,
    check_advertising, check_content,
    check_known,
)


def run_rules(view: MailView, ctx: RuleContext) -> list[Signal]:
    """Every rule's signals, in rule order."""
    signals: list[Signal] = []
    for rule in RULES:
        signals.extend(rule(view, ctx))
    return signals
