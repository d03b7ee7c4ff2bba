"""Roles (indicator / reference / benign) and their reasons, one class of error per test.

Every text here is written for the test; the shapes follow what real reports do.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from unmask.extract.observables import extract_observables
from unmask.model import Observable, Span


def _roles(text: str, context: Any = None) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for obs in extract_observables(text, context=context):
        assert text[obs.span.start : obs.span.end] == obs.surface
        assert obs.is_indicator == (obs.role == "indicator")
        assert (not obs.benign_reasons) == obs.is_indicator
        out[(obs.type, obs.value)] = obs.role
    return out


# -- the model -----------------------------------------------------------------------


def test_observable_built_the_old_way_gets_its_role_from_benign_reasons() -> None:
    span = Span(0, 3)
    assert Observable("domain", "a.b", "a.b", span).role == "indicator"
    benign = Observable("domain", "a.b", "a.b", span, ("warninglist:x",))
    assert (benign.role, benign.reasons, benign.is_indicator) == ("benign", ("warninglist:x",), False)
    assert Observable("url", "http://a.b/c", "http://a.b/c", span, ("cited-source",)).role == "reference"
    cited = Observable("url", "http://a.b/c", "http://a.b/c", span, role="reference", reasons=("advice",))
    assert cited.benign_reasons == ("advice",)
    keeps = Observable("email", "x@a.b", "x@a.b", span, role="indicator", reasons=("provider-hosted",))
    assert keeps.benign_reasons == () and keeps.is_indicator
    assert json.loads(json.dumps(keeps.to_dict()))["role"] == "indicator"
    with pytest.raises(ValueError, match="role"):
        Observable("domain", "a.b", "a.b", span, role="suspicious")


# -- a warninglist hit on the provider is a reason, not a verdict ----------------------


def test_an_attackers_mailbox_on_webmail_is_an_indicator_and_the_provider_is_not() -> None:
    roles = _roles("The bots send their reports to the master address iop110112@hotmail.com.")
    assert roles[("email", "iop110112@hotmail.com")] == "indicator"
    assert roles[("domain", "hotmail.com")] == "benign"
    listed = _roles("Accounts used in this campaign:\nquietowl77@gmail.com\nsilverfox81@yandex.com\n")
    assert listed[("email", "quietowl77@gmail.com")] == listed[("email", "silverfox81@yandex.com")] == "indicator"


def test_a_vendors_contact_address_is_not_an_indicator() -> None:
    roles = _roles("For more about this group, please contact: intel-desk@crowdstrike.com today.")
    assert roles[("email", "intel-desk@crowdstrike.com")] == "benign"


def test_attacker_pages_on_popular_providers_stay_indicators() -> None:
    text = (
        "Network activity / url: https://script.google.com/macros/s/AKfycbQwErTy123/exec (backdoor C&C)\n"
        "Network activity / domain: fake-login-portal.blogspot.com\n"
        "Our colleagues write at research-notes.blogspot.com about many things.\n"
    )
    roles = _roles(text)
    assert roles[("url", "https://script.google.com/macros/s/AKfycbQwErTy123/exec")] == "indicator"
    assert roles[("domain", "script.google.com")] == "benign"
    assert roles[("domain", "fake-login-portal.blogspot.com")] == "indicator"
    assert roles[("domain", "research-notes.blogspot.com")] == "benign"


def test_a_listed_ip_the_text_calls_c2_is_an_indicator() -> None:
    assert _roles("The C2 server was 8.8.4.4 for a week.")[("ipv4", "8.8.4.4")] == "indicator"
    assert _roles("It resolves names through 8.8.4.4 like any host.")[("ipv4", "8.8.4.4")] == "benign"


# -- references --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, url",
    [
        ("For the full story, see https://threatwatch-labs.net/blog/apt-story.", "https://threatwatch-labs.net/blog/apt-story"),
        ("Reference: hashdumper http://toolsmith-home.net/hashdumper/", "http://toolsmith-home.net/hashdumper/"),
        ("- Regional Health Sharing Council (RHSC): https://rhsc-members.org/join/", "https://rhsc-members.org/join/"),
        ("![](https://cdn.newsroom-media.net/img/figure1.png)", "https://cdn.newsroom-media.net/img/figure1.png"),
        ("as described before [[1]](https://otherlab-research.net/post/1)", "https://otherlab-research.net/post/1"),
        ("Best practice recommendations: https://hardening-guide.org/primer/", "https://hardening-guide.org/primer/"),
    ],
)
def test_cited_links_and_their_hosts_are_references(text: str, url: str) -> None:
    roles = _roles(text)
    assert roles[("url", url)] == "reference"
    host = url.split("//", 1)[1].split("/", 1)[0]
    assert roles[("domain", host)] == "reference"


def test_a_defanged_link_is_an_indicator_even_after_see() -> None:
    roles = _roles("Victims were sent to see hxxp://bad-portal[.]net/login for the lure.")
    assert roles[("url", "http://bad-portal.net/login")] == "indicator"


def test_companion_files_are_references_wherever_named() -> None:
    text = "* decode_cfg.py : script to decode the configuration\n\n$ python decode_cfg.py sample.bin\n"
    assert _roles(text)[("file_name", "decode_cfg.py")] == "reference"
    assert _roles("link:2021-03-01_iocs.json[MISP event]")[("file_name", "2021-03-01_iocs.json")] == "reference"


# -- OS parts, security products, placeholders, examples ------------------------------------


def test_os_parts_are_benign_and_copies_elsewhere_are_not() -> None:
    text = (
        "It places the file in C:\\Windows\\SysWOW64\\ and runs cmd.exe /c start. It resolves kernel32.dll "
        "and copies itself to C:\\Windows\\taskmgr.exe; a run key HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run "
        "gets the value HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\SyncHelper. It quits when avp.exe runs."
    )
    roles = _roles(text)
    assert roles[("file_path", "C:\\Windows\\SysWOW64")] == "benign"
    assert roles[("file_name", "cmd.exe")] == "benign"
    assert roles[("file_name", "kernel32.dll")] == "benign"
    assert roles[("file_path", "C:\\Windows\\taskmgr.exe")] == "indicator"
    assert roles[("registry_key", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run")] == "benign"
    assert roles[("registry_key", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\SyncHelper")] == "indicator"
    assert roles[("file_name", "avp.exe")] == "benign"


def test_placeholders_and_examples_are_benign() -> None:
    roles = _roles("It deletes C:\\Users\\[username]\\[sample] and uses a random name (e.g. qwzxkpl.exe).")
    assert roles[("file_path", "C:\\Users\\[username]\\[sample]")] == "benign"
    assert roles[("file_name", "qwzxkpl.exe")] == "benign"
    listed = _roles("Example names it builds are shown below:\nlookupsvc.exe\nhostprovider.exe\n")
    assert listed[("file_name", "lookupsvc.exe")] == listed[("file_name", "hostprovider.exe")] == "benign"


# -- wrong types ----------------------------------------------------------------------------


def test_a_gist_id_is_no_md5() -> None:
    text = "For more, see https://gist.github.com/someone/0f1e2d3c4b5a69788796a5b4c3d2e1f0."
    found = extract_observables(text)
    assert all(o.role != "indicator" for o in found)
    assert [o.role for o in found if o.type == "md5"] in ([], ["benign"])


def test_a_certificate_serial_is_no_ipv6_or_mac() -> None:
    text = "signed with a certificate with serial number '1a:2b:3c:4d:5e:6f:70:81:92:a3:b4:c5:d6:e7:f8:09'."
    assert not [o for o in extract_observables(text) if o.type in ("ipv6", "mac")]


def test_detection_names_are_not_indicators() -> None:
    roles = _roles("Detected as Win32/Turla.CS and JS/TrojanDownloader.Agent.REG by the vendor.")
    assert all(role != "indicator" for role in roles.values()), roles


def test_an_extension_in_brackets_is_no_file_name() -> None:
    assert not [o for o in extract_observables("It then runs batch scripts (.bat) from the folder.") if o.type == "file_name"]


# -- values split by layout ------------------------------------------------------------------


def test_a_url_broken_after_an_underscore_is_joined() -> None:
    text = "Guide for staff: https://advisories.gov-cert.org/files/Executive_ Summary-FINAL.pdf\n- next"
    urls = [o.value for o in extract_observables(text) if o.type == "url"]
    assert urls == ["https://advisories.gov-cert.org/files/Executive_Summary-FINAL.pdf"]


def test_markdown_links_end_at_their_bracket() -> None:
    text = "[![](https://img.cdnhost.net/a/small.png)](https://img.cdnhost.net/a/large.png)\n"
    urls = [o.value for o in extract_observables(text) if o.type == "url"]
    assert urls == ["https://img.cdnhost.net/a/small.png", "https://img.cdnhost.net/a/large.png"]
    nested = [o.value for o in extract_observables("(see https://wiki.somewhere.net/page_(disambig))") if o.type == "url"]
    assert nested == ["https://wiki.somewhere.net/page_(disambig)"]


def test_windows_paths_that_lost_their_backslashes_are_rebuilt() -> None:
    text = "Files:\n C:WindowsSystem32svcupd.exe\n %windir%system32helper_ko.dll\n %temp%~AB12CD.TMP\nthen C:WINDOWSkeys.log.\n"
    paths = [o.value for o in extract_observables(text) if o.type in ("file_path", "file_name")]
    assert paths == [
        "C:\\Windows\\System32\\svcupd.exe", "%windir%\\system32\\helper_ko.dll", "%temp%\\~AB12CD.TMP",
        "C:\\WINDOWS\\keys.log",
    ]  # fmt: skip


# -- the passage decides when the context has the document's structure ------------------------


class _Structure:
    def __init__(self, kinds: dict[int, str]) -> None:
        self.kinds = kinds

    def kind_at(self, offset: int) -> str:
        return next((k for start, k in sorted(self.kinds.items(), reverse=True) if offset >= start), "prose")


def test_a_reference_passage_makes_references_and_an_ioc_list_states_attacker_use() -> None:
    text = "Related research\nAnalysis of the toolkit by circl-like-lab.lu\nIndicators\nupdate-checker.blogspot.com\n"
    second = text.index("Indicators")
    context = SimpleNamespace(url=None, site_name=None, structure=_Structure({0: "prose", 17: "reference", second: "ioc-list"}))
    roles = _roles(text, context)
    assert roles[("domain", "circl-like-lab.lu")] == "reference"
    assert roles[("domain", "update-checker.blogspot.com")] == "indicator"
    assert _roles(text)[("domain", "update-checker.blogspot.com")] == "benign"  # no structure, no cue


def test_file_names_with_blanks_are_whole() -> None:
    quoted = extract_observables("The lure was “Quarterly Budget Review.xlsx” sent to staff.")
    assert [o.value for o in quoted if o.type == "file_name"] == ["Quarterly Budget Review.xlsx"]
    listed = extract_observables("Files:\nNorthwind Merger Plan Final.xls\n- dropped file evil.exe\n")
    assert [o.value for o in listed if o.type == "file_name"] == ["Northwind Merger Plan Final.xls", "evil.exe"]


def test_a_tracking_link_on_a_listed_provider_that_sends_on_to_an_unlisted_host_is_an_indicator() -> None:
    roles = _roles("[links]\nhttps://mandrillapp.com/track/click/3025/www.shop-lure-example.eu?p=eyJz\n")
    assert roles[("url", "https://mandrillapp.com/track/click/3025/www.shop-lure-example.eu?p=eyJz")] == "indicator"
    assert roles[("domain", "mandrillapp.com")] == "benign"


def test_web_roots_on_any_drive_are_os_parts() -> None:
    roles = _roles("Path: E:\\inetpub\\wwwroot\\ and the shell E:\\inetpub\\wwwroot\\img\\show.aspx")
    assert roles[("file_path", "E:\\inetpub\\wwwroot")] == "benign"
    assert roles[("file_path", "E:\\inetpub\\wwwroot\\img\\show.aspx")] == "indicator"
