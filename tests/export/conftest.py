"""A hand-built Analysis of a short synthetic report, independent of the extractors."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from unmask.model import (
    ActorMention,
    AliasStatement,
    Analysis,
    Attribution,
    Document,
    Event,
    MalwareMention,
    Metadata,
    Observable,
    Span,
    TargetMention,
    TechniqueMention,
)

TEXT = """Operation Glass Harbor: fake recruiters target shipping firms

Since March 2024 the group tracked as Kimsuky (also known as APT43 and Emerald Sleet) has
sent lures to logistics companies and think tanks in South Korea and Japan.
The group serves North Korea's Reconnaissance General Bureau and is driven by espionage.
Victims open a macro document that runs a PowerShell script and installs the AppleSeed backdoor.
It beacons to harbor-jobs[.]com and 198.51.100.23 over HTTPS; the lure came from hr@harbor-jobs[.]com.
Other traffic went to www.google.com, which is benign.
SHA-256: 3b7a1f0e2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7
The operators also used the Mimikatz tool and exploited CVE-2023-38831.
Wallet: bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh
On 2 May 2024 KISA published an advisory.
"""


def _span(text: str, needle: str, start: int = 0) -> Span:
    at = text.index(needle, start)
    return Span(at, at + len(needle))


def _sentence(text: str, needle: str) -> Span:
    at = text.index(needle)
    begin = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return Span(begin, end)


def build_analysis(text: str = TEXT, *, url: str | None = "https://research.example.org/glass-harbor") -> Analysis:
    raw = text.encode()
    doc = Document(
        text=text,
        source="glass-harbor.txt",
        format="text",
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        metadata=Metadata(
            title="Operation Glass Harbor",
            published=dt.date(2024, 6, 3),
            url=url,
            site_name="Example Research",
            authors=("A. Analyst",),
        ),
    )
    s = _span
    return Analysis(
        document=doc,
        published=dt.date(2024, 6, 3),
        observables=(
            Observable("domain", "harbor-jobs.com", "harbor-jobs[.]com", s(text, "harbor-jobs[.]com")),
            Observable("ipv4", "198.51.100.23", "198.51.100.23", s(text, "198.51.100.23")),
            Observable("email", "hr@harbor-jobs.com", "hr@harbor-jobs[.]com", s(text, "hr@harbor-jobs[.]com")),
            Observable("domain", "www.google.com", "www.google.com", s(text, "www.google.com"), ("top-domains",)),
            Observable(
                "sha256",
                "3b7a1f0e2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7",
                "3b7a1f0e2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7",
                s(text, "3b7a1f0e2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7"),
            ),
            Observable("cve", "CVE-2023-38831", "CVE-2023-38831", s(text, "CVE-2023-38831")),
            Observable(
                "btc",
                "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                s(text, "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"),
            ),
        ),
        actors=(
            ActorMention("G0094", "Kimsuky", "Kimsuky", s(text, "Kimsuky"), "gazetteer", 0.95),
            ActorMention("G0094", "Kimsuky", "APT43", s(text, "APT43"), "gazetteer", 0.9),
            ActorMention("G0094", "Kimsuky", "Emerald Sleet", s(text, "Emerald Sleet"), "gazetteer", 0.9),
        ),
        alias_statements=(
            AliasStatement(("Kimsuky", "APT43", "Emerald Sleet"), _sentence(text, "also known as"), actor_id="G0094"),
        ),
        techniques=(
            TechniqueMention("T1059.001", "PowerShell", _sentence(text, "PowerShell"), "classifier", 0.8, ("execution",)),
            TechniqueMention("T1071.001", "Web Protocols", _sentence(text, "beacons"), "classifier", 0.6, ("command-and-control",)),
        ),
        targets=(
            TargetMention("sector", "logistics", "logistics companies", s(text, "logistics companies")),
            TargetMention("sector", "think tanks", "think tanks", s(text, "think tanks")),
            TargetMention("country", "KR", "South Korea", s(text, "South Korea")),
            TargetMention("country", "Japan", "Japan", s(text, "Japan")),
            TargetMention("country", "KP", "North Korea", s(text, "North Korea"), role="sponsor"),
        ),
        attributions=(
            Attribution("sponsor", "Reconnaissance General Bureau", "Reconnaissance General Bureau",
                        s(text, "Reconnaissance General Bureau"), ("G0094",)),
            Attribution("country", "KP", "North Korea", s(text, "North Korea"), ("G0094",)),
            Attribution("motivation", "espionage", "espionage", s(text, "espionage"), ("G0094",)),
        ),
        malware=(
            MalwareMention("S0622", "AppleSeed", "AppleSeed", s(text, "AppleSeed")),
            MalwareMention("S0002", "Mimikatz", "Mimikatz", s(text, "Mimikatz"), kind="tool"),
        ),
        events=(
            Event("campaign", "2024-03", "month", _sentence(text, "Since March 2024"), "March 2024", ("G0094",)),
            Event("advisory", "2024-05-02", "day", _sentence(text, "KISA"), "2 May 2024", (), ("KR",)),
        ),
        reference_versions={"attack": "18.1"},
        actor_summary=({"actor_id": "G0094", "name": "Kimsuky", "aliases_used": ["APT43", "Emerald Sleet"]},),
    )


@pytest.fixture()
def analysis() -> Analysis:
    return build_analysis()
