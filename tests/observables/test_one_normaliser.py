"""One normaliser of values and one canonicaliser of addresses, for the extractor and the
single-value normaliser (sightings, sweeps, knowledge-base look-ups) alike.

Every test here failed before its fix; the values are invented for the test.
"""

from __future__ import annotations

import pytest

from unmask import extract_observables
from unmask.extract.observables import validate
from unmask.reference import values


def _extracted(text: str) -> set[tuple[str, str]]:
    return {(o.type, o.value) for o in extract_observables(text)}


# -- addresses ------------------------------------------------------------------


@pytest.mark.parametrize("written", ["1\u0662.0.0.1", "\u0661\u0660.0.0.1", "192.168.\u0661.1"])
def test_ipv4_takes_ascii_digits_only(written: str) -> None:
    assert values.normalise("ipv4", written, strict=True) is None
    assert validate.ipv4_value(written) is None
    assert not [v for kind, v in _extracted(f"beacon to {written} daily") if kind == "ipv4"]


def test_ipv6_takes_ascii_digits_only() -> None:
    # Full-width digits are digits to ``int`` but not to an address.
    written = "2001:db8::\uff11"
    assert values.ipv6_value(written) is None and validate.ipv6_value(written) is None


def test_one_address_canonicaliser() -> None:
    assert validate.ipv4_value is values.ipv4_value
    assert validate.ipv6_value is values.ipv6_value
    assert values.normalise("ipv4", "010.001.02.3") == "10.1.2.3" == validate.ipv4_value("010.001.02.3")


# -- refang edits ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "written", "stored"),
    [
        # a Markdown-escaped underscore after a slash
        ("url", r"hxxps://relay.example-cdn[.]net/\_svc/open", "https://relay.example-cdn.net/_svc/open"),
        # a defanged scheme inside a redirector's query
        ("url", "hxxps://jump.example-cdn[.]net/go?to=hxxps://drop.badhost[.]org/a.zip",
         "https://jump.example-cdn.net/go?to=https://drop.badhost.org/a.zip"),
        # a path written as a quoted string's text, every backslash doubled
        ("file_path", "e:\\\\stage\\\\bin\\\\svc64.exe", "e:\\stage\\bin\\svc64.exe"),
        # a spelled-out mailbox
        ("email", "ops.desk at badhost dot org", "ops.desk@badhost.org"),
    ],
)  # fmt: skip
def test_normaliser_makes_the_extractors_edits(type_: str, written: str, stored: str) -> None:
    assert values.normalise(type_, written) == stored
    assert stored in values.lookup_forms(written)


def test_extractor_and_normaliser_agree_on_a_written_url() -> None:
    written = "hxxps://jump.example-cdn[.]net/\\_r?u=hxxp://drop.badhost[.]org/k"
    extracted = {v for kind, v in _extracted(f"Lure: {written}\n") if kind == "url"}
    assert extracted == {values.normalise("url", written)}


def test_unc_path_keeps_its_backslashes() -> None:
    # A lone backslash after the server name: not an escaped string.
    assert values.normalise("file_path", "\\\\fileserver7\\share\\x.exe") == "\\\\fileserver7\\share\\x.exe"


# -- percent-encoded URLs outside a URL -----------------------------------------


def test_percent_encoded_url_as_its_own_token_gives_no_escape_digits() -> None:
    found = _extracted("The mail linked https%3A%2F%2Fbadfiles-cdn.biz%2Fget%2Finv42.doc for payment.\n")
    assert ("url", "https://badfiles-cdn.biz/get/inv42.doc") in found
    assert ("domain", "badfiles-cdn.biz") in found
    assert not [v for _, v in found if v.lower().startswith(("2f", "3a"))]


def test_percent_encoded_parameter_gives_no_escape_digits() -> None:
    found = _extracted("tracking parameter: u=https%3A%2F%2Fbad.example-host.net%2Fx%2Fload.php&z=1\n")
    assert ("domain", "bad.example-host.net") in found
    assert not [v for _, v in found if v.lower().startswith(("2f", "3a"))]


def test_escaped_slashes_without_a_scheme_give_the_name() -> None:
    found = _extracted("path fragment %2F%2Fbadfiles-cdn.biz%2Fdrop%2Fstage2.exe seen in the log\n")
    assert ("domain", "badfiles-cdn.biz") in found
    assert ("file_name", "stage2.exe") in found
    assert not [v for _, v in found if v.lower().startswith("2f")]


def test_format_template_after_percent_stays_a_template() -> None:
    assert not [v for kind, v in _extracted("log name is %20s.log at run time") if kind == "file_name"]
