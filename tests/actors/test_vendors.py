from __future__ import annotations

import pytest

from unmask.reference.vendors import scheme_of, vendor_of, vendor_of_url


@pytest.mark.parametrize(
    ("name", "vendor"),
    [
        ("Emerald Sleet", "Microsoft"),
        ("Salt Typhoon", "Microsoft"),
        ("Storm-0501", "Microsoft"),
        ("DEV-0537", "Microsoft"),
        ("THALLIUM", "Microsoft"),
        ("Velvet Chollima", "CrowdStrike"),
        ("Fancy Bear", "CrowdStrike"),
        ("Charming Kitten", "CrowdStrike"),
        ("Scattered Spider", "CrowdStrike"),
        ("APT43", "Mandiant"),
        ("UNC2452", "Mandiant"),
        ("FIN7", "Mandiant"),
        ("TEMP.Veles", "Mandiant"),
        ("TA406", "Proofpoint"),
        ("Sparkling Pisces", "Palo Alto Unit 42"),
        ("Fighting Ursa", "Palo Alto Unit 42"),
        ("BRONZE BUTLER", "Secureworks"),
        ("IRON TWILIGHT", "Secureworks"),
        ("TG-3390", "Secureworks"),
        ("Earth Lusca", "Trend Micro"),
        ("APT-C-55", "Qihoo 360"),
        ("UAC-0056", "CERT-UA"),
        ("ITG05", "IBM X-Force"),
        ("G0094", "MITRE"),
    ],
)
def test_vendor_schemes(name: str, vendor: str) -> None:
    assert vendor_of(name) == vendor


def test_unschemed_names() -> None:
    assert vendor_of("Kimsuky") is None
    assert scheme_of("Lazarus Group") is None


def test_vendor_of_url() -> None:
    assert vendor_of_url("https://www.proofpoint.com/us/blog/threat-insight/ta406") == "Proofpoint"
    assert vendor_of_url("https://securelist.com/kimsuky/1234/") == "Kaspersky"
    assert vendor_of_url("not a url") is None
