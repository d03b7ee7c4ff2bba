"""Error classes found on a held-back labelled set, each checked on synthetic text.

Every test here failed before its fix; the texts are invented for the test.
"""

from __future__ import annotations

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
