"""Hand-labelled probes beyond the shared evaluation's development cases.

``tests/fixtures/observables/probes.jsonl`` holds one case per line, written for
this project (not copied from any peer's test suite): the ideas of the shared IOC
evaluation (defang styles, boundaries and punctuation, Unicode, markup residue,
URL/e-mail/path shapes …) with other items. Each case lists the values expected
for the types it checks, in the evaluation's vocabulary; values are compared after
the same light normalisation the evaluation applies (lower-case hosts, a bare "/"
path dropped, compressed IPv6, ``aa:bb:…`` MACs, ``AS123``).

A case marked ``known_gap`` documents a limitation: it must still fail, so that a
change that fixes it is noticed and the mark removed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from urllib.parse import urlsplit, urlunsplit

import pytest

from unmask.extract.observables import extract_observables

from ..conftest import FIXTURES

_CASES = [
    json.loads(line)
    for line in (FIXTURES / "observables" / "probes.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _url(value: str) -> str:
    parts = urlsplit(value if "://" in value[:12] else "http://" + value)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user}@{host.lower()}"
    else:
        netloc = netloc.lower()
    path = "" if parts.path == "/" and not parts.query and not parts.fragment else parts.path
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, parts.fragment))


def _canon(kind: str, value: str) -> str:
    value = value.strip()
    if kind == "url":
        return _url(value)
    if kind == "ipv6":
        try:
            return ipaddress.IPv6Address(value.strip("[]")).compressed
        except ValueError:
            return value.lower()
    if kind == "mac":
        digits = re.sub(r"[^0-9A-Fa-f]", "", value).lower()
        return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    if kind == "asn":
        return "AS" + re.sub(r"\D", "", value)
    if kind == "cve":
        return value.upper()
    if kind == "registry_key":
        return value.rstrip("\\")
    if kind in ("domain", "email", "md5", "sha1", "sha256", "sha512", "eth"):
        return value.lower().rstrip(".")
    return value


def _diff(case: dict[str, object]) -> dict[str, tuple[list[str], list[str]]]:
    found: dict[str, set[str]] = {}
    for obs in extract_observables(str(case["text"])):
        found.setdefault(obs.type, set()).add(_canon(obs.type, obs.value))
    expected: dict[str, list[str]] = case["expected"]  # type: ignore[assignment]
    bad = {}
    for kind in case["types_checked"]:  # type: ignore[attr-defined]
        want = {_canon(kind, v) for v in expected.get(kind, [])}
        got = found.get(kind, set())
        if want != got:
            bad[kind] = (sorted(want - got), sorted(got - want))
    return bad


def test_the_probe_file_is_well_formed() -> None:
    assert len(_CASES) >= 150
    ids = [c["id"] for c in _CASES]
    assert len(ids) == len(set(ids))
    for case in _CASES:
        assert set(case["expected"]) <= set(case["types_checked"]), case["id"]


@pytest.mark.parametrize("case", [c for c in _CASES if "known_gap" not in c], ids=lambda c: c["id"])
def test_probe(case: dict[str, object]) -> None:
    assert _diff(case) == {}, case["text"]


@pytest.mark.parametrize("case", [c for c in _CASES if "known_gap" in c], ids=lambda c: c["id"])
def test_known_gap_still_fails(case: dict[str, object]) -> None:
    assert _diff(case) != {}, f"fixed? drop the known_gap mark: {case['known_gap']}"
