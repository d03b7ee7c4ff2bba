"""Text as it may be shown to a person: invisible direction controls made visible.

Unicode's bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069
isolates, U+200E/U+200F marks) are invisible but reorder what follows: a file name
written ``invoice<U+202E>fdp.exe`` displays as ``invoiceexe.pdf``, and a URL can be
made to read as another one. Report text is hostile, so every quote, snippet and page
shows them as ``<U+202E>`` instead (:func:`reveal_controls`), and so does the prose of
the STIX and MISP exports (descriptions, notes, comments, event info). Stored text and
values (names, attribute values, indicator patterns) are left as written.
"""

from __future__ import annotations

import re

__all__ = ["BIDI_CONTROLS", "reveal_controls"]

#: The bidirectional formatting characters shown as ``<U+XXXX>``.
BIDI_CONTROLS = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f"]
)
_CONTROLS = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def reveal_controls(text: str) -> str:
    """``text`` with every bidirectional control written as ``<U+XXXX>``."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
