"""A small synthetic corpus: three reports on one actor under different names, one on another."""

from __future__ import annotations

import datetime as dt

from tests.store.builders import build
from unmask.model import Analysis

KIMSUKY = "G0094"
LAZARUS = "G0032"

TEXT_A = (
    "Emerald Sleet, which others track as Kimsuky and APT43, sent spear-phishing e-mails "
    "from login-verify.example-mail.com to think tanks in South Korea. The messages carried "
    "BabyShark. In May 2023 the operators registered new infrastructure. The group serves "
    "North Korea's intelligence services."
)
TEXT_B = (
    "Velvet Chollima (also known as Kimsuky and Black Banshee) reused "
    "login-verify.example-mail.com and 203.0.113.7 this year. Spear-phishing remains the "
    "group's main entry point; it also abused PowerShell to run BabyShark. On 30 November "
    "2023 the US Treasury sanctioned Kimsuky. Contact support@example.org for help."
)
TEXT_C = (
    "Lazarus Group operators staged tools on 203.0.113.7 and dumped credentials with "
    "Mimikatz from banks in Vietnam. Lazarus Group began the campaign in January 2022."
)


def report_a(**kwargs: object) -> Analysis:
    return build(
        TEXT_A,
        source="reports/a-emerald-sleet.txt",
        title="Emerald Sleet phishes think tanks",
        published=dt.date(2023, 6, 1),
        actors=[(KIMSUKY, "Kimsuky", "Emerald Sleet"), (KIMSUKY, "Kimsuky", "Kimsuky"),
                (KIMSUKY, "Kimsuky", "APT43")],
        aliases=[(("Emerald Sleet", "Kimsuky", "APT43"),
                  "Emerald Sleet, which others track as Kimsuky and APT43", KIMSUKY)],
        techniques=[("T1566.001", "Spearphishing Attachment", "sent spear-phishing e-mails")],
        observables=[("domain", "login-verify.example-mail.com", "login-verify.example-mail.com")],
        targets=[("sector", "think tanks", "think tanks", "target"),
                 ("country", "South Korea", "South Korea", "target")],
        malware=[("babyshark", "BabyShark", "BabyShark")],
        attributions=[("sponsor", "North Korea", "North Korea", (KIMSUKY,))],
        events=[("activity", "2023-05", "month", "In May 2023", (KIMSUKY,))],
        **kwargs,  # type: ignore[arg-type]
    )


def report_b() -> Analysis:
    return build(
        TEXT_B,
        source="reports/b-velvet-chollima.txt",
        title="Velvet Chollima returns",
        published=dt.date(2024, 2, 10),
        actors=[(KIMSUKY, "Kimsuky", "Velvet Chollima"), (KIMSUKY, "Kimsuky", "Kimsuky"),
                (KIMSUKY, "Kimsuky", "Kimsuky")],
        aliases=[(("Velvet Chollima", "Kimsuky", "Black Banshee"),
                  "Velvet Chollima (also known as Kimsuky and Black Banshee)", KIMSUKY)],
        techniques=[("T1566.001", "Spearphishing Attachment", "Spear-phishing remains"),
                    ("T1059.001", "PowerShell", "abused PowerShell")],
        observables=[("domain", "login-verify.example-mail.com", "login-verify.example-mail.com"),
                     ("ipv4", "203.0.113.7", "203.0.113.7")],
        benign=[("email", "support@example.org", "support@example.org", "example-domains")],
        malware=[("babyshark", "BabyShark", "BabyShark")],
        events=[("sanction", "2023-11-30", "day", "On 30 November 2023", (KIMSUKY,))],
    )


def report_c() -> Analysis:
    return build(
        TEXT_C,
        source="reports/c-lazarus.txt",
        title="Lazarus in Vietnam",
        published=dt.date(2022, 3, 3),
        actors=[(LAZARUS, "Lazarus Group", "Lazarus Group"),
                (LAZARUS, "Lazarus Group", "Lazarus Group")],
        techniques=[("T1003", "OS Credential Dumping", "dumped credentials with Mimikatz")],
        observables=[("ipv4", "203.0.113.7", "203.0.113.7")],
        targets=[("sector", "financial", "banks", "target"),
                 ("country", "Vietnam", "Vietnam", "target")],
        malware=[("mimikatz", "Mimikatz", "Mimikatz")],
        events=[("campaign", "2022-01", "month", "began the campaign in January 2022", ())],
    )
