"""Error classes seen on reports nobody tuned for (issue 15), each with its own sentences."""

from __future__ import annotations

from unmask.extract.observables import extract_observables


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(o.type, o.value, o.role) for o in extract_observables(text)]


def test_office_show_and_metafile_extensions_are_file_names() -> None:
    found = _found("The lure opened Quarterly deck.ppsx and wrote ab12c.wmf next to notes.odt and a.hwp.")
    names = {value for kind, value, _ in found if kind == "file_name"}
    assert {"deck.ppsx", "ab12c.wmf", "notes.odt", "a.hwp"} <= names


def test_rundll32_export_is_not_part_of_the_dll_path() -> None:
    text = r"It ran rundll32.exe %APPDATA%\Lantern\Helper.dll,StartWork and C:\x\y.dll,#1 each boot."
    paths = [value for kind, value, _ in _found(text) if kind == "file_path"]
    assert paths == [r"%APPDATA%\Lantern\Helper.dll", r"C:\x\y.dll"]


def test_version_list_in_parentheses_is_no_address() -> None:
    found = _found("Viewer Plus (12.0.0.4 and 11.7.700.261) is affected.")
    assert ("ipv4", "12.0.0.4", "benign") in found
    # a parenthesis of addresses stays a list of addresses
    found = _found("The C2 servers (45.77.65.211 and 45.77.65.212) answered.")
    assert ("ipv4", "45.77.65.211", "indicator") in found and ("ipv4", "45.77.65.212", "indicator") in found


def test_registry_key_with_blanks_is_whole_or_cut_before_prose() -> None:
    text = (
        "* <code>HKCU\\Software\\Lantern\\Explorer\\User Shell Folders</code>\n"
        'The key "HKLM\\System\\Lantern\\Control\\Session Manager" was changed.\n'
        "reg add HKLM\\Software\\Lantern\\0001\\Depend or drop C:\\temp\\x.dll now.\n"
    )
    keys = [value for kind, value, _ in _found(text) if kind == "registry_key"]
    assert keys == [
        "HKCU\\Software\\Lantern\\Explorer\\User Shell Folders",
        "HKLM\\System\\Lantern\\Control\\Session Manager",
        "HKLM\\Software\\Lantern\\0001\\Depend",
    ]


def test_attack_pattern_text_of_a_bundle_is_about_the_technique() -> None:
    text = (
        "Report: Quiet Lantern\nThe actor dropped qlsvc.exe.\n\n"
        "Attack pattern: T1547.001: Registry Run Keys\n"
        "Adversaries may add HKLM\\Software\\Lantern\\RunOnceEx\\0001\\Depend to load a DLL.\n\n"
        "The DLL C:\\temp\\bad.dll is then loaded; see https://techniques.lantern-docs.net/T1547\n\n"
        "Indicator: qlgate.exe\nPattern: [file:name = 'qlgate.exe']\n"
    )
    roles = {(kind, value): role for kind, value, role in _found(text)}
    assert roles[("registry_key", "HKLM\\Software\\Lantern\\RunOnceEx\\0001\\Depend")] == "benign"
    assert roles[("file_path", "C:\\temp\\bad.dll")] == "benign"
    assert roles[("url", "https://techniques.lantern-docs.net/T1547")] == "reference"
    assert roles[("file_name", "qlsvc.exe")] == "indicator"
    assert roles[("file_name", "qlgate.exe")] == "indicator"


def test_hash_in_a_sample_repository_link_is_the_samples_hash() -> None:
    digest = "5d41c0b7a3e2f19d8c6b4a20e7f3d91c2b8a4e6f0d1c3b5a7e9f2d4c6b8a0e1f"
    found = _found(f"VT: [3/60](https://www.virustotal.com/#/file/{digest}/detection) and a gist"
                   " https://gist.github.com/someone/0123456789abcdef0123456789abcdef .")  # fmt: skip
    assert ("sha256", digest, "indicator") in found
    assert ("url", f"https://www.virustotal.com/#/file/{digest}/detection", "reference") in found
    assert ("md5", "0123456789abcdef0123456789abcdef", "benign") in found  # a note id stays one


def test_free_mail_provider_is_a_provider_and_the_mailbox_an_indicator() -> None:
    found = _found("The note named the mailboxes lanternpay@memail.com and lanternkey@airmail.cc.")
    assert ("email", "lanternpay@memail.com", "indicator") in found
    assert ("email", "lanternkey@airmail.cc", "indicator") in found
    assert ("domain", "memail.com", "benign") in found and ("domain", "airmail.cc", "benign") in found


def test_pdf_blank_before_a_hosts_last_label_is_rejoined() -> None:
    text = (
        "Download URL mirror.lanternsoft.com .tw/pkg/upd.exe\n"
        "C2 Domain beacon.lanternhub .net\n"
        "URL 140.112.77 .19/admin/low.jar\n"
        "Hosts mirror.lanternsoft.com .tw/a.exewww.other-lantern.com\n.tw/b.exequietcdn .org/c/d.exe\n"
    )
    found = _found(text)
    values = {(kind, value) for kind, value, _ in found}
    assert ("url", "http://mirror.lanternsoft.com.tw/pkg/upd.exe") in values
    assert ("domain", "mirror.lanternsoft.com.tw") in values
    assert ("domain", "beacon.lanternhub.net") in values
    assert ("ipv4", "140.112.77.19") in values
    assert ("url", "http://140.112.77.19/admin/low.jar") in values
    # three table cells run together and split by the layout
    assert {("url", "http://mirror.lanternsoft.com.tw/a.exe"), ("url", "http://www.other-lantern.com.tw/b.exe"),
            ("url", "http://quietcdn.org/c/d.exe")} <= values  # fmt: skip
    assert ("domain", "mirror.lanternsoft.com") not in values
    assert not any("exewww" in value for _, value in values)
    extract = extract_observables(text)
    url = next(o for o in extract if o.value == "http://mirror.lanternsoft.com.tw/pkg/upd.exe")
    assert url.surface == "mirror.lanternsoft.com .tw/pkg/upd.exe" and text[url.span.start : url.span.end] == url.surface


def test_blank_before_a_dot_in_prose_is_left() -> None:
    found = _found("It runs on .NET and reads lantern.com .org lists; version 1.2 .3 of 10.0.4 .2 more.\n")
    values = {value for _, value, _ in found}
    assert "lantern.com.org" not in values and "1.2.3" not in values
    assert "lantern.com" in values


def test_row_label_is_not_part_of_the_file_name() -> None:
    text = "Table 2\nFile Name upd.exe\nFile Size 1024\nOriginal filename: Spring Budget Notes.doc\nLantern Budget.xls\n"
    names = [value for kind, value, _ in _found(text) if kind == "file_name"]
    assert names == ["upd.exe", "Spring Budget Notes.doc", "Lantern Budget.xls"]


def test_image_in_a_markdown_link_target_is_the_publishers() -> None:
    path = "/cdn/image/format=auto/sites/files/blog/-AbCdEfGhIj/XyZ12/AAAAAAAAAJc/QwErTy/s1600/"
    text = f"[![]({path}3%2Bcheck.png)]({path}Run.png)\nThe kit then drops loader.png and runs it.\n"
    roles = {value: role for kind, value, role in _found(text) if kind == "file_name"}
    assert roles.get("Run.png") == "reference"
    assert all(role != "indicator" for value, role in roles.items() if value != "loader.png")
    assert roles["loader.png"] == "indicator"


def test_customer_name_on_a_shared_provider_is_the_attackers() -> None:
    text = (
        "The script reads three blogs (hxxp://lanternfan77.typepad.com/blog/rss.xml; "
        "hxxp://quietlantern.wordpress.com/feed/) that point to the C2.\n"
        "ab12cd34ab12cd34ab12cd34ab12cd34 Lantern 2013-02-01 qlgate.no-ip[.]org\n"
        "The lure is at https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUv/edit and "
        "https://www.wordpress.com/start was the sign-up page.\n"
    )
    roles = {(kind, value): role for kind, value, role in _found(text)}
    assert roles[("domain", "lanternfan77.typepad.com")] == "indicator"
    assert roles[("domain", "quietlantern.wordpress.com")] == "indicator"
    assert roles[("domain", "qlgate.no-ip.org")] == "indicator"
    # the provider's own names stay benign
    assert roles[("domain", "docs.google.com")] != "indicator"
    assert roles[("domain", "www.wordpress.com")] != "indicator"


def test_provider_lists_come_from_reference_data() -> None:
    from unmask.extract.observables.roles import FREEMAIL
    from unmask.reference.providers import customer_host, freemail, providers_file
    from unmask.reference.suffixes import load_suffixes

    assert providers_file().is_file()
    assert freemail() == FREEMAIL and "hotmail.com" in FREEMAIL
    suffixes = load_suffixes()
    assert customer_host("c2box.typepad.com", suffixes)  # the data file
    assert customer_host("c2box.blogspot.com", suffixes)  # the Public Suffix List's private section
    assert not customer_host("typepad.com", suffixes) and not customer_host("www.typepad.com", suffixes)
    assert not customer_host("mail.lantern-corp.com", suffixes)


def test_http_request_target_ends_before_the_protocol() -> None:
    text = "POST /A1B2C3D4E5F60718293A4B5C HTTP/1.1\nHost: beacon.lantern-c2.net\n"
    found = extract_observables(text)
    paths = [o for o in found if o.type == "file_path"]
    assert [o.value for o in paths] == ["/A1B2C3D4E5F60718293A4B5C"]
    assert text[paths[0].span.start : paths[0].span.end] == paths[0].surface == paths[0].value


def test_compromised_site_name_is_the_victims_while_its_urls_are_indicators() -> None:
    text = (
        "Visitors to the Lantern Policy Forum (www.lantern-forum[.]org) were redirected to an exploit server.\n"
        "The payload came from hxxp://www.lantern-forum[.]org/media/upd.exe and from "
        "quietgarden.net, a legitimate gardening website that was compromised.\n"
        "Out of the iframes on the compromised site, only one, relay.lantern-rig[.]com, still answers.\n"
        "The C2 server beacon.lantern-c2[.]net answered.\n"
    )
    roles = {(kind, value): role for kind, value, role in _found(text)}
    assert roles[("domain", "www.lantern-forum.org")] == "benign"
    assert roles[("domain", "quietgarden.net")] == "benign"
    assert roles[("url", "http://www.lantern-forum.org/media/upd.exe")] == "indicator"
    assert roles[("domain", "relay.lantern-rig.com")] == "indicator"  # the iframe's target
    assert roles[("domain", "beacon.lantern-c2.net")] == "indicator"


def test_table_row_that_calls_a_sample_clean_is_benign() -> None:
    text = (
        "|SHA-1 |Filename |Detection |Description\n"
        "|`1111111111111111111111111111111111111111` |lanternload.dll |Win32/Agent.ZZ |Lantern loader\n"
        "|`2222222222222222222222222222222222222222` |FontHost.exe |clean |Vulnerable legitimate font tool executable\n"
    )
    roles = {(kind, value): role for kind, value, role in _found(text)}
    assert roles[("sha1", "1" * 40)] == "indicator" and roles[("file_name", "lanternload.dll")] == "indicator"
    assert roles[("sha1", "2" * 40)] == "benign" and roles[("file_name", "FontHost.exe")] == "benign"
