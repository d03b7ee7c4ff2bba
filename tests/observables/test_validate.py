"""Validators and reference data: checksums, public suffixes, warninglists."""

from __future__ import annotations

import ipaddress

from unmask.extract.observables.validate import (
    btc_ok,
    domain_ok,
    eth_ok,
    ipv4_value,
    ipv6_value,
    ssdeep_ok,
    xmr_ok,
)
from unmask.reference.suffixes import load_suffixes
from unmask.reference.warninglists import load_warninglists


def test_btc_checksums() -> None:
    assert btc_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")
    assert btc_ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert btc_ok("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
    assert not btc_ok("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3")  # last char changed
    assert not btc_ok("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp")


def test_eth_eip55() -> None:
    assert eth_ok("0x52908400098527886E0F7030069857D2E4169EE7")
    assert eth_ok("0x52908400098527886e0f7030069857d2e4169ee7")  # no checksum to check
    assert not eth_ok("0x52908400098527886E0F7030069857D2E4169Ee7")  # wrong case


def test_xmr_and_ssdeep_shapes() -> None:
    assert xmr_ok("4" + "A" * 94)
    assert not xmr_ok("4" + "0" * 94)  # 0 is not base58
    assert ssdeep_ok("96:abc:def") and ssdeep_ok("1536:x:y")
    assert not ssdeep_ok("2001:db8:0") and not ssdeep_ok("11:04:10")


def test_addresses() -> None:
    assert ipv4_value("01.001.1.1") == "1.1.1.1"
    assert ipv4_value("256.1.1.1") is None
    assert ipv6_value("2001:0db8:0000:0000:0000:ff00:0042:8329") == "2001:db8::ff00:42:8329"
    assert ipv6_value("ab:f2:c9:a6:b3:4f") is None


def test_public_suffixes() -> None:
    suffixes = load_suffixes()
    assert domain_ok("evil.example.co.uk", suffixes)
    assert domain_ok("hidden.onion", suffixes)
    assert not domain_ok("example.nottld", suffixes)
    assert not domain_ok("example.exe", suffixes)
    assert suffixes.registrable_domain("a.b.bbc.co.uk") == "bbc.co.uk"


def test_warninglists_lookups() -> None:
    lists = load_warninglists()
    assert lists.match_host("www.google.com")
    assert "warninglist:rfc1918" in lists.match_ip(int(ipaddress.ip_address("10.1.2.3")), 4)
    assert "warninglist:rfc3849" in lists.match_ip(int(ipaddress.ip_address("2001:db8::5")), 6)
    assert lists.match_value("d41d8cd98f00b204e9800998ecf8427e")  # the empty file's MD5
    assert lists.match_host("kxqwtr-gate.top") == ()
