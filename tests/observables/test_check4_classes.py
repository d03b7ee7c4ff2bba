"""Error classes found on the fourth labelled set (real_check4), each checked on synthetic text.

Every test here failed before its fix; the texts are invented for the test.
"""

from __future__ import annotations

from unmask import extract_observables


def _found(text: str) -> dict[str, tuple[str, str]]:
    return {o.value: (o.type, o.role) for o in extract_observables(text)}


# -- path roots and named pipes -------------------------------------------------


def test_environment_variable_root_may_hold_digits() -> None:
    text = (
        "Files written by the dropper:\n"
        "%SYSTEM32%\\drivers\\etc\\qmgr64.dll\n"
        "%ProgramW6432%\\Common Files\\upd\\TASKHOST7\n"
    )
    found = _found(text)
    assert found.get("%SYSTEM32%\\drivers\\etc\\qmgr64.dll") == ("file_path", "indicator")
    assert found.get("%ProgramW6432%\\Common Files\\upd\\TASKHOST7") == ("file_path", "indicator")
    # The name inside the path is not listed on its own.
    assert "qmgr64.dll" not in found


def test_format_conversion_is_no_environment_root() -> None:
    # "%08x%" starts with a digit: a printf template, not a variable.
    assert not [v for v in _found("the name is built as %08x%\\cache\\a.tmp at run time") if v.startswith("%08x")]


def test_named_pipes_are_paths() -> None:
    text = (
        "Named pipes used by the implant:\n"
        "\\\\.\\pipe\\NetSyncWrite\n"
        "\\\\.\\pipe\\NetSyncRead%SESSION_ID%\n"
    )
    found = _found(text)
    assert found.get("\\\\.\\pipe\\NetSyncWrite") == ("file_path", "indicator")
    assert found.get("\\\\.\\pipe\\NetSyncRead%SESSION_ID%") == ("file_path", "indicator")


# -- link macros and companion files --------------------------------------------


def test_asciidoc_link_text_on_the_next_line_ends_the_url() -> None:
    text = (
        "The indicators below come from\n"
        "https://research.example-lab.org/2021/04/02/a-new-loader/[\n"
        '"A new loader" write-up]\n'
    )
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {"https://research.example-lab.org/2021/04/02/a-new-loader/"}


def test_link_text_in_quotes_ends_the_url() -> None:
    text = 'See https://research.example-lab.org/notes/[\'the notes\'] for details.'
    urls = {v for v, (kind, _) in _found(text).items() if kind == "url"}
    assert urls == {"https://research.example-lab.org/notes/"}


def test_rule_and_openioc_companion_files_are_references() -> None:
    text = (
        "Files included in this folder:\n"
        "* campaign7.ioc : the indicators in OpenIOC format\n"
        "* loader_hunt.yar : a YARA rule for the loader\n"
    )
    found = _found(text)
    assert found.get("campaign7.ioc") == ("file_name", "reference")
    assert found.get("loader_hunt.yar") == ("file_name", "reference")
