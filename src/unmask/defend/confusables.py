"""Characters that read as others in a host name: the data behind lookalike matching.

A *skeleton* (after Unicode TR 39's idea, reduced to what fits in a domain label) maps
a label to the ASCII letters it reads as: ``nуtіmеs`` (Cyrillic у, і, е) and
``nytirnes`` (rn for m) both have the skeleton of ``nytimes``. The steps:

1. lower case and NFKC (full-width ``ｅ`` becomes ``e``);
2. the cross-script table :data:`CONFUSABLES` (Cyrillic, Greek, Armenian, Latin
   extensions that look like ASCII letters);
3. NFKD with combining marks dropped (``é`` reads as ``e``), and for other Latin
   letters their Unicode name (``LATIN SMALL LETTER T WITH STROKE`` reads as ``t``,
   ``LATIN LETTER SMALL CAPITAL M`` as ``m``);
4. ASCII look-alikes :data:`ASCII_LOOKALIKES` (``rn``/``m``, ``vv``/``w``,
   ``cl``/``d``, ``0``/``o``, ``1``/``l``, ``i``/``l``).

The table is hand-curated from the Unicode confusables list (only characters that an
IDNA registry accepts in a label and that look like a lower-case ASCII letter);
:data:`HOMOGLYPHS` is its inverse, used to generate homoglyph permutations.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["ASCII_LOOKALIKES", "CONFUSABLES", "HOMOGLYPHS", "LOOSE_LOOKALIKES", "loose_skeleton", "skeleton"]

#: Non-ASCII characters that read as one ASCII letter or digit.
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "б": "6", "в": "b", "г": "r", "е": "e", "ё": "e", "ԑ": "e", "һ": "h",
    "і": "i", "ї": "i", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o",
    "п": "n", "р": "p", "с": "c", "ԁ": "d", "ѕ": "s", "т": "t", "у": "y", "ү": "y",
    "х": "x", "ԛ": "q", "ԝ": "w", "ь": "b", "ѡ": "w", "ɡ": "g", "ᴠ": "v",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "σ": "o", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    "ϳ": "j", "ϝ": "f",
    # Armenian
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "զ": "q", "ա": "w", "ք": "p",
    "ե": "t", "ւ": "l",
    # Latin extensions and IPA
    "ı": "i", "ɩ": "i", "ȷ": "j", "ɑ": "a", "ɐ": "a", "ƅ": "b", "ɓ": "b", "ƈ": "c",
    "ʒ": "3", "ĸ": "k", "ɗ": "d", "ɖ": "d", "ɛ": "e", "ƒ": "f", "ɠ": "g", "ɦ": "h", "ɭ": "l", "ł": "l",
    "ɱ": "m", "ɲ": "n", "ŋ": "n", "ø": "o", "ɵ": "o", "ƥ": "p", "ʠ": "q", "ɽ": "r",
    "ʂ": "s", "ƭ": "t", "ʋ": "v", "ʌ": "v", "ẉ": "w", "ƴ": "y", "ȥ": "z", "ʐ": "z",
    "đ": "d", "ħ": "h", "ŀ": "l", "ǀ": "l", "ᴏ": "o", "ᴄ": "c", "ᴜ": "u", "ᴡ": "w", "ᴢ": "z",
}  # fmt: skip

#: ASCII sequences that read as another ASCII letter, applied to the skeleton in
#: this order (the longer form on the left, what it reads as on the right).
ASCII_LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("rn", "m"),
    ("vv", "w"),
    ("cl", "d"),
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
)

#: Weaker ASCII look-alikes (alike in small or sans-serif type, as dnstwist's glyph
#: table has them): used only for whole-label equality, never for edit distances.
LOOSE_LOOKALIKES: tuple[tuple[str, str], ...] = (
    ("nn", "m"),
    ("lc", "k"),
    ("c", "e"),
    ("v", "u"),
    ("q", "g"),
)

#: For each ASCII letter or digit, what can stand in for it in a permutation: the
#: non-ASCII confusables plus the ASCII look-alikes (``m`` → ``rn``).
HOMOGLYPHS: dict[str, tuple[str, ...]] = {}


def _inverse() -> None:
    table: dict[str, list[str]] = {}
    for char, ascii_char in CONFUSABLES.items():
        # Only characters that survive IDNA as themselves (no case folding, no mapping).
        if unicodedata.normalize("NFKC", char) != char or char.lower() != char:
            continue
        table.setdefault(ascii_char, []).append(char)
    for longer, shorter in ASCII_LOOKALIKES:
        table.setdefault(shorter, []).append(longer)
        if len(longer) == 1:
            table.setdefault(longer, []).append(shorter)
    table.setdefault("l", []).append("i")
    for key, values in table.items():
        HOMOGLYPHS[key] = tuple(dict.fromkeys(values))


_inverse()


#: A Latin letter with a stroke, hook, tail, loop or descender, or a small capital,
#: reads as its base letter: ``LATIN SMALL LETTER T WITH STROKE`` (``ŧ``) as ``t``.
_LATIN_NAME = re.compile(r"LATIN (?:SMALL |LETTER SMALL CAPITAL |LETTER )(?:LETTER )?([A-Z])(?: WITH .*| BAR)?")


@lru_cache(maxsize=4096)
def _char(ch: str) -> str:
    """What one non-ASCII character reads as (itself when nothing is known)."""
    if ch in CONFUSABLES:
        return CONFUSABLES[ch]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if stripped and stripped != ch:
        return "".join(CONFUSABLES.get(c, c) for c in stripped)
    match = _LATIN_NAME.fullmatch(unicodedata.name(ch, ""))
    return match.group(1).lower() if match else ch


@lru_cache(maxsize=65536)
def skeleton(label: str) -> str:
    """What ``label`` reads as, in lower-case ASCII where a look-alike is known.

    Characters with no known look-alike are kept as they are, so two labels share a
    skeleton only when every character reads the same.
    """
    text = unicodedata.normalize("NFKC", label.lower())
    if not text.isascii():
        text = "".join(ch if ch.isascii() else _char(ch) for ch in text)
    for longer, shorter in ASCII_LOOKALIKES:
        if longer in text:
            text = text.replace(longer, shorter)
    return text


@lru_cache(maxsize=65536)
def loose_skeleton(label: str) -> str:
    """:func:`skeleton` with the weaker look-alikes folded too (``rcuters`` → ``reuters``)."""
    text = skeleton(label)
    for longer, shorter in LOOSE_LOOKALIKES:
        if longer in text:
            text = text.replace(longer, shorter)
    return text
