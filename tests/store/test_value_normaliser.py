"""One normaliser of indicator values: the form the observable extractor stores is the
form a sighting keeps, the form a log sweep matches (up to its case folding) and a
form the knowledge base's look-up asks for, for every type, defanged forms included."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.defend.sweep import _normalise as sweep_normalise
from unmask.documents.sightings import normalise_value
from unmask.extract.observables import extract_observables
from unmask.reference.values import lookup_forms, normalise, sweep_key

_LABEL = st.from_regex(r"[a-z][a-z0-9]{2,9}", fullmatch=True)
_TLD = st.sampled_from(["com", "org", "net"])
_DOT = st.sampled_from([".", ".", "[.]", "(.)", "[dot]"])
_AT = st.sampled_from(["@", "[@]", "[at]"])


@st.composite
def _case(draw: st.DrawFn, text: str) -> str:
    """``text`` with each letter's case drawn."""
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c for c, f in zip(text, flips, strict=True))


@st.composite
def _host(draw: st.DrawFn) -> str:
    labels = [draw(_case(label)) for label in draw(st.lists(_LABEL, min_size=1, max_size=3))]
    # a top-level domain in title case reads as a name in prose ("Node.Js"): lower or upper
    tld = draw(_TLD)
    labels.append(tld.upper() if draw(st.booleans()) else tld)
    written = labels[0]
    for label in labels[1:]:
        written += draw(_DOT) + label
    return written


@st.composite
def _ipv4(draw: st.DrawFn) -> str:
    octets = [draw(st.integers(11, 223)), *draw(st.lists(st.integers(0, 255), min_size=3, max_size=3))]
    parts = [str(o).zfill(3) if draw(st.booleans()) else str(o) for o in octets]
    written = parts[0]
    for part in parts[1:]:
        written += draw(st.sampled_from([".", ".", "[.]"])) + part
    return written


@st.composite
def _ipv6(draw: st.DrawFn) -> str:
    groups = draw(st.lists(st.integers(0, 0xFFFF), min_size=8, max_size=8))
    groups[0] = draw(st.integers(0x2001, 0x2C00))  # a global unicast prefix
    written = ":".join(f"{g:04x}" if draw(st.booleans()) else f"{g:x}" for g in groups)
    return draw(_case(written))


@st.composite
def _url(draw: st.DrawFn) -> str:
    scheme = draw(_case(draw(st.sampled_from(["http", "https", "hxxp", "hxxps"]))))
    path = draw(st.from_regex(r"(/[A-Za-z0-9_-]{1,8}){0,3}(\?[a-z]=[A-Za-z0-9]{1,6})?", fullmatch=True))
    sep = draw(st.sampled_from(["://", "[:]//", "://"]))
    return f"{scheme}{sep}{draw(_host())}{path}"


@st.composite
def _email(draw: st.DrawFn) -> str:
    local = draw(_case(draw(st.from_regex(r"[a-z][a-z0-9]{1,6}(\.[a-z0-9]{1,6})?", fullmatch=True))))
    return f"{local}{draw(_AT)}{draw(_host())}"


def _hex(size: int) -> st.SearchStrategy[str]:
    return st.binary(min_size=64, max_size=64).flatmap(
        lambda b: _case(hashlib.sha512(b).hexdigest()[:size]))


@st.composite
def _mac(draw: st.DrawFn) -> str:
    octets = draw(st.lists(st.integers(0, 255), min_size=6, max_size=6))
    octets[0] = octets[0] & 0xFC | 0x02  # locally administered, never a vendor's
    return draw(_case(draw(st.sampled_from([":", "-"])).join(f"{o:02x}" for o in octets)))


@st.composite
def _cve(draw: st.DrawFn) -> str:
    number = draw(st.integers(1000, 999_999))
    return f"{draw(st.sampled_from(['CVE', 'cve']))}-{draw(st.integers(1999, 2030))}-{number:04d}"


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _base58check(payload: bytes) -> str:
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number, out = int.from_bytes(raw, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


_WRITTEN = {
    "domain": _host(),
    "ipv4": _ipv4(),
    "ipv6": _ipv6(),
    "ipv4_cidr": st.tuples(_ipv4(), st.integers(8, 32)).map(lambda p: f"{p[0]}/{p[1]}"),
    "url": _url(),
    "email": _email(),
    "md5": _hex(32),
    "sha1": _hex(40),
    "sha256": _hex(64),
    "mac": _mac(),
    "cve": _cve(),
    "asn": st.integers(1, 4_000_000).map(lambda n: f"AS{n}"),
    "btc": st.binary(min_size=20, max_size=20).map(lambda b: _base58check(b"\0" + b)),
}


def _stored(type_: str, written: str) -> str:
    """What the observable extractor stores for ``written`` in a sentence of our own."""
    found = [o for o in extract_observables(f"During the intrusion the value {written} was seen.\n")
             if o.type == type_]
    assert found, (type_, written)
    return found[0].value


@pytest.mark.parametrize("type_", sorted(_WRITTEN))
def test_every_normaliser_agrees_with_the_extractor(type_: str) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_WRITTEN[type_])
    def check(written: str) -> None:
        stored = _stored(type_, written)
        assert normalise(type_, written, strict=True) == stored
        assert normalise(type_, stored, strict=True) == stored
        assert normalise_value(type_, written) == stored  # a sighting's value
        assert sweep_normalise(written, type_) == sweep_key(type_, stored)  # the sweep's
        assert stored in lookup_forms(written)  # one of the forms the look-up asks for

    check()


def test_invalid_values_are_none_when_strict_and_kept_refanged_otherwise() -> None:
    assert normalise("ipv4", "300.1.2.3", strict=True) is None
    assert normalise("ipv4", " 300[.]1.2.3 ") == "300.1.2.3"
    assert normalise_value("ipv6", "not-an-address") == "not-an-address"
    assert sweep_normalise("999.1.1.1", "ipv4") is None
    assert sweep_normalise("10.1.2.3/24", "ipv4_cidr") == "10.1.2.0/24"


def test_the_look_up_finds_mapped_zero_padded_and_defanged_forms(tmp_path: Path) -> None:
    from unmask.ingest import ingest
    from unmask.store import open as open_kb

    report = tmp_path / "note.txt"
    report.write_text("The loader called 45.77.12.9 and then fetched "
                      "https://drop-example.net/Stage2 and wrote to ops@drop-example.net.\n",
                      encoding="utf-8")
    with open_kb(f"sqlite:///{tmp_path / 'kb.sqlite'}") as kb:
        assert ingest(kb, [str(report)]).count("added") == 1
        for asked in ["045.077.012.009", "::ffff:45.77.12.9", "45[.]77[.]12[.]9",
                      "HXXPS://DROP-EXAMPLE[.]NET/Stage2", "Ops[@]Drop-Example[.]net"]:
            found = kb.find_indicator(asked, parents=False)
            assert found is not None, asked
            assert found.report_count == 1 and found.matched == "exact", asked
