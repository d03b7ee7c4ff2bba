"""Hostile input: every probe finishes in linear time with the right result.

The strict budget (1 s per MB) is measured by ``benchmarks/adversarial.py`` on a
quiet machine; here the bound is looser (CI shares its 2 cores with other jobs) but still far below
what a quadratic blow-up would take.
"""

from __future__ import annotations

import time

import pytest

from unmask.extract.observables import extract_observables

_S_PER_MB = 15.0

PROBES = {
    "dots": ("." * 200_000, set()),
    "digits_dots": ("1." * 100_000, set()),
    "brackets": ("[" * 100_000 + "evil" + "]" * 100_000, set()),
    "defang_chain": ("a[.]" * 40_000, set()),
    "backslashes": ("\\" * 200_000, set()),
    "colons": ("1:" * 100_000, set()),
    "at_repeat": ("a@" * 50_000, set()),
    "registry_deep": ("HKEY_LOCAL_MACHINE\\" + "a\\" * 100_000, None),
    "url_slashes": ("http://" + "a/" * 100_000, None),
    "nul_bytes": ("\x00" * 200_000 + "1.2.3.4\x00evil-host.com\x00", {("ipv4", "1.2.3.4"), ("domain", "evil-host.com")}),
    "one_line": (("x" * 300 + " evil-host[.]com ") * 3_000, {("domain", "evil-host.com")}),
    # doubled backslashes after one quote, and after quotes that close (escaped rule strings)
    "escaped_after_quote": ('x"' + "a\\\\" * 100_000, None),
    "escaped_between_strings": ('a\\\\b "q" ' * 60_000, None),
    "escaped_quotes": ('"\\"\\\\' * 60_000, None),
    # a watering-hole table under a delimiter line of many bars with blanks between them
    "table_rule_blanks": ("Watering hole table, compromised hosts:\n| Compromised site | Stage |\n|---"
                          + "|  " * 40 + "x\n| news-portal.badzone.org | 1 |\n", None),
    "confusables": ("\u0435\u0445\u0430mple\uff0ecom hxxp\uff1a//evil\u3002com/x " * 2_000,
                    {("url", "http://evil.com/x"), ("domain", "evil.com")}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    text, expected = PROBES[name]
    extract_observables("warm up 1.2.3.4")
    t0 = time.perf_counter()
    found = {(o.type, o.value) for o in extract_observables(text)}
    elapsed = time.perf_counter() - t0
    assert elapsed < max(0.5, _S_PER_MB * len(text.encode("utf-8")) / 1e6), elapsed
    if expected is not None:
        assert found == expected


def test_linear_in_input_size() -> None:
    unit = "Beacon to hxxp://c2-node[.]example-bad.ru/gate.php from 45.77.65.211; sha256 " + "ab" * 32 + ".\n"
    extract_observables(unit)
    timings = []
    for copies in (500, 2_000):
        t0 = time.perf_counter()
        extract_observables(unit * copies)
        timings.append(time.perf_counter() - t0)
    # 4x the input must not cost more than ~4x (slack for noise), never 16x.
    assert timings[1] < 8 * timings[0] + 0.05
