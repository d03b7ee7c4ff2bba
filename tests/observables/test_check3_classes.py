"""Error classes found on a held-back labelled set, each checked on synthetic text.

Every test here failed before its fix; the texts are invented for the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import unmask
from unmask import extract_observables


def _values(text: str, kind: str | None = None) -> dict[str, str]:
    return {o.value: o.role for o in extract_observables(text) if kind is None or o.type == kind}


# -- redirector links -----------------------------------------------------------


def test_markdown_escape_after_slash_keeps_url_whole() -> None:
    text = r"Lure: hxxps://portal.example-cdn[.]net/\_api/exit?next=hxxps://drop.badhost[.]org/get/doc12.pdf"
    urls = _values(text, "url")
    assert urls == {"https://portal.example-cdn.net/_api/exit?next=https://drop.badhost.org/get/doc12.pdf": "indicator"}


def test_percent_encoded_url_in_query_is_read_decoded() -> None:
    text = "Mail link: hxxps://gateway.example-cdn[.]net/logout?continue=https%3A%2F%2Fbadfiles[.]biz%2Finvoice77.doc\n"
    found = _values(text)
    outer = "https://gateway.example-cdn.net/logout?continue=https%3A%2F%2Fbadfiles.biz%2Finvoice77.doc"
    assert found.get(outer) == "indicator"
    # The carried URL's host is read; the carried URL is one where the text writes it out.
    assert found.get("badfiles.biz") == "indicator"
    assert "https://badfiles.biz/invoice77.doc" not in found
    # The escape's hex digits are not part of a name.
    assert not [v for v in found if v.lower().startswith(("2f", "3a"))]


# -- rule strings ---------------------------------------------------------------

_RULE = r"""rule demo_implant {
strings:
 $p1 = "e:\\Buildbox\\out\\stage2\\" nocase
 $p2 = "\\Services\\netmon.tmp" wide
 $p3 = "C:\\Windows\\System32\\sysprep\\sysprep.exe" wide
 $t1 = "%s\\cache\\%d.log"
 $t2 = "ab%08x.bat" fullword
 $h = { 6A 00 }
condition:
 all of them
}
"""


def test_escaped_backslashes_in_a_rule_string_stand_for_one() -> None:
    found = {o.value: (o.type, o.role) for o in extract_observables(_RULE)}
    # The folder keeps its closing separator, written before the quote.
    assert found.get("e:\\Buildbox\\out\\stage2\\") == ("file_path", "indicator")
    assert found.get("netmon.tmp") == ("file_name", "indicator")
    assert not [v for v in found if "\\\\" in v]


def test_system_program_in_its_own_system32_folder_is_an_os_part() -> None:
    found = {o.value: o.role for o in extract_observables(_RULE)}
    assert found.get("C:\\Windows\\System32\\sysprep\\sysprep.exe") == "benign"


def test_format_template_is_no_file_name() -> None:
    found = {o.value for o in extract_observables(_RULE) if o.type == "file_name"}
    assert not found & {"d.log", "08x.bat", "x.bat"}


def test_lone_backslash_keeps_a_quoted_unc_path_as_written() -> None:
    found = {o.value for o in extract_observables(r'The tool checks "\\fileserver\backup$\tools" first.')}
    assert "\\\\fileserver\\backup$\\tools" in found


def test_hex_between_yara_wildcards_is_no_hash() -> None:
    blob = "8B45FC" * 10  # 60 hex digits
    text = f"{{ 6A 00 }}\n{blob}FF15????\n????{blob}50E8??\n"  # two runs of 64, by the wildcards
    assert not [o for o in extract_observables(text) if o.type in ("sha256", "sha1", "md5")]


# -- watering-hole tables -------------------------------------------------------


def test_compromised_site_column_of_a_table_is_the_victim() -> None:
    text = """== Watering hole indicators

[options="header"]
|=====
|Compromised website|1st stage|IP|2nd stage|IP
|news-portal[.]org|cdn-stat.servebbs[.]net|178.128.1.24|img-track[.]com|178.128.1.189
|gov-example[.]kh|static.tagz[.]com|206.189.2.214|pagejs[.]com|159.65.3.109
|=====
"""
    found = {o.value: o.role for o in extract_observables(text)}
    assert found["news-portal.org"] == "benign"
    assert found["gov-example.kh"] == "benign"
    for value in ("cdn-stat.servebbs.net", "img-track.com", "static.tagz.com", "pagejs.com", "178.128.1.24"):
        assert found[value] == "indicator", value


def test_markdown_table_victim_column() -> None:
    text = "| Hacked site | Injected script host |\n|---|---|\n| shop-example.com | evil-js.net |\n"
    found = {o.value: o.role for o in extract_observables(text)}
    assert found == {"shop-example.com": "benign", "evil-js.net": "indicator"}


# -- names with blanks in table cells ---------------------------------------------


def test_name_with_blanks_fills_its_pipe_table_cell() -> None:
    text = (
        "|SHA1|Filename|Detection\n"
        "|`fe0161fb8a26a0bf4afad746c7ebf89499dcd3a7`|Ban tin noi bo thang muoi.exe        |Win32/Agent.X\n"
        "|`032ef58b7978d079287874044dc516af624ae5f5`|Q3 Budget notes - Finance Grp.exe|Win32/Agent.X\n"
        "|`132ef58b7978d079287874044dc516af624ae5f5`|20190101-Review Table.xls.exe|Win32/Agent.X\n"
    )
    names = {o.value for o in extract_observables(text) if o.type == "file_name"}
    assert names == {"Ban tin noi bo thang muoi.exe", "Q3 Budget notes - Finance Grp.exe", "20190101-Review Table.xls.exe"}


def test_prose_cell_without_a_hash_keeps_the_name_alone() -> None:
    text = "| Step | What happens |\n| 2 | The dropper writes evil.exe |\n"
    names = {o.value for o in extract_observables(text) if o.type == "file_name"}
    assert names == {"evil.exe"}


# -- MISP dropped artefacts -------------------------------------------------------


def test_misp_dropped_file_name_without_to_ids_stays_the_malwares(tmp_path: Path) -> None:
    event = {
        "Event": {
            "info": "Demo backdoor event",
            "Attribute": [
                {"category": "Artifacts dropped", "type": "filename", "to_ids": False,
                 "value": "{11111111-2222-3333-4444-555555555555}.dll"},
                {"category": "Artifacts dropped", "type": "filename", "to_ids": False, "value": "cachesvc.qdf"},
            ],
        }
    }  # fmt: skip
    path = tmp_path / "demo.misp.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    roles = {o.value: o.role for o in unmask.analyze(unmask.read(str(path))).observables}
    assert roles["{11111111-2222-3333-4444-555555555555}.dll"] == "indicator"
    assert roles["cachesvc.qdf"] == "indicator"


# -- legitimate software in a write-up ----------------------------------------------

_RECORDS = """The dropper drops three files.
Name: rawdisk_32.sys
Size: 24280 bytes (24.3 KB)
MD5: 6AEAC618E29980B69721158044C2E545
PE Compile Time: 2009-08-21 06:05:32
This SYS file is a commercially available tool that gives raw disk access.
Name: state.dat
Size: 4572 bytes (size will vary)
MD5: 93BC819011B2B3DA8487F964F29EB935 (hash will vary)
This is a log file created by the dropper.
Name: svc_loader.exe
Size: 114688 bytes
MD5: E1864A55D5CCB76AF4BF7A0AE16279BB
This file is the main implant.
**pdfgen.dll**
**SHA-256:** 2938200b7c0300c31aa458860b9f4f684f4f3f5893ab0f1d67c9d797168cad18
The DLL file appears to be a legit implementation of a PDF library.
"""


def test_file_record_described_as_legitimate_software_is_benign() -> None:
    found = {o.value: (o.role, o.reasons) for o in extract_observables(_RECORDS)}
    for value in ("rawdisk_32.sys", "6aeac618e29980b69721158044c2e545", "pdfgen.dll",
                  "2938200b7c0300c31aa458860b9f4f684f4f3f5893ab0f1d67c9d797168cad18"):  # fmt: skip
        assert found[value] == ("benign", ("legitimate-software",)), value
    assert found["svc_loader.exe"][0] == "indicator"
    assert found["e1864a55d5ccb76af4bf7a0ae16279bb"][0] == "indicator"


def test_hash_noted_to_vary_is_unstable() -> None:
    found = {o.value: (o.role, o.reasons) for o in extract_observables(_RECORDS)}
    assert found["93bc819011b2b3da8487f964f29eb935"] == ("benign", ("unstable-value",))
    assert found["state.dat"][0] == "indicator"


# -- provider lists -----------------------------------------------------------------


def test_host_under_a_domain_listed_only_for_mail_stays_an_indicator() -> None:
    # "now.im" is on the disposable-mail warninglist; a host name under it is no mailbox.
    text = "C2 servers:\nfiles[.]badnews-ph[.]com\nima77[.]now[.]im\n"
    found = {o.value: o.role for o in extract_observables(text)}
    assert found["ima77.now.im"] == "indicator"


# -- flattened PDF table rows ----------------------------------------------------------


def test_row_of_address_country_port_and_name_keeps_the_name_alone() -> None:
    text = "A summary of the C2 servers:\nIP Address Country Port Filename\n198.51.100.7 Chile 8080 Updater64.exe\n"
    names = {o.value for o in extract_observables(text) if o.type in ("file_name", "file_path")}
    assert names == {"Updater64.exe"}


# -- Unix and macOS paths in inline code -----------------------------------------------


def test_paths_in_inline_code() -> None:
    text = (
        "|File path\n"
        "|`~/Library/CardServices/PlugIns/drivers/notes.ecgML`\n"
        "|`/Library/Storage/File System/HFS/0a1b2c3d/token.appex`\n"
        "|`/tmp/cachestore`\n"
        "The beacon posts to the URI `/api/step` with a key.\n"
    )
    paths = {o.value for o in extract_observables(text) if o.type == "file_path"}
    assert paths == {
        "~/Library/CardServices/PlugIns/drivers/notes.ecgML",
        "/Library/Storage/File System/HFS/0a1b2c3d/token.appex",
        "/tmp/cachestore",
    }


def test_registry_key_before_a_value_template() -> None:
    text = "* `HKCU\\SOFTWARE\\Vendor\\Display\\traymon\\;[NUMBER];[DWORD]`\n"
    keys = {o.value: o.role for o in extract_observables(text) if o.type == "registry_key"}
    assert keys == {"HKCU\\SOFTWARE\\Vendor\\Display\\traymon": "indicator"}


# -- unknown extensions where the text says a file name stands ------------------------


def test_unknown_extension_in_a_file_name_slot() -> None:
    text = (
        "| **File Name** | Dr0p\\_k1t\\_77aa.loaderbin |\n"
        "strings:\n $s2 = ''Cfgstore.qrx\"\n"
        "Filename: report.qwe\n"
        "The site example.notatld is down and notes.qzx was seen.\n"
    )
    names = {o.value for o in extract_observables(text) if o.type == "file_name"}
    assert names == {"Dr0p_k1t_77aa.loaderbin", "Cfgstore.qrx", "report.qwe"}


def test_cloud_address_a_reported_domain_resolved_to_is_an_indicator() -> None:
    # 54.241.0.0/16 is in the cloud provider's published ranges (a warninglist).
    text = "The domain mf.ddns-host.info resolved to 54.241.8.9 on November 22, 2012.\n"
    found = {o.value: o.role for o in extract_observables(text)}
    assert found["54.241.8.9"] == "indicator"
    assert {o.value: o.role for o in extract_observables("Our site runs on 54.241.8.9 today.\n")}["54.241.8.9"] == "benign"


def test_mailbox_under_attribution_stays_an_indicator() -> None:
    # MISP's "Attribution" category (rendered by the STIX/MISP readers) names the actor's mailbox.
    text = "Title: Attribution: dragonkeeper88@sohu.com (MISP Attribute #12)\n"
    found = {o.value: o.role for o in extract_observables(text) if o.type == "email"}
    assert found == {"dragonkeeper88@sohu.com": "indicator"}
