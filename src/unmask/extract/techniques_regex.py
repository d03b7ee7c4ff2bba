"""Python rule patterns written for the compiled core's regular-expression engine.

The technique stage keeps its name and synonym rules as Python patterns (the tables in
:mod:`unmask.extract.techniques`); the compiled core matches them with the Rust
``regex`` crate, which runs in linear time and so has no look-around. :func:`to_rust`
rewrites one pattern so that it *occurs somewhere* in a text exactly when the Python
pattern's ``search`` finds a match there (the only question the stage asks):

* a look-behind or ``\\b`` where a match begins becomes a condition on the character
  before it, consumed: ``(?:^|[^...])``; a look-ahead or ``\\b`` where a match ends, a
  condition on the character after it: ``(?:$|[^...])``, and a negative look-ahead of
  literal words (``(?! attachment| link)``) an alternation that spells every way of
  not continuing with one of them;
* ``\\w``, ``\\s`` and ``\\d`` are written as the classes Python's ``re`` gives them
  on ``str`` (``\\s`` holds the separators U+001C..U+001F, which Rust's does not;
  ``\\w`` is letters, numbers and the underscore);
* groups do not capture, lazy repeats are greedy (the same texts match).

Anything else a look-around could mean (in the middle of a pattern, positive, a
back-reference, ``$`` before a final newline) raises :class:`ValueError`: a rule the
translation cannot keep exact is refused when the name index is built, never matched
differently.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["to_rust"]

#: Python's ``\w`` on str: str.isalnum() or "_" (letters: L*, numbers: N*).
_WORD = r"\p{L}\p{N}_"
#: Python's ``\s`` on str: str.isspace(), which adds U+001C..U+001F to White_Space.
_SPACE = r"\s\x1C-\x1F"
_DIGIT = r"\p{Nd}"

Node = tuple[Any, Any]


def to_rust(pattern: str) -> str:
    """``pattern`` (Python syntax, no flags) in the Rust ``regex`` crate's syntax,
    matching somewhere in a text exactly when ``re.search(pattern, text)`` does."""
    tree = _parser.parse(pattern)
    if tree.state.flags & ~int(re.UNICODE):
        raise ValueError(f"flags are not translated: {pattern!r}")
    return _seq(list(tree), frozenset(), _End())


class _End:
    """What may not follow the end of a match: characters of some classes, or words."""

    __slots__ = ("classes", "words")

    def __init__(self, classes: frozenset[str] = frozenset(), words: tuple[str, ...] = ()) -> None:
        self.classes = classes
        self.words = words

    def add(self, classes: frozenset[str] = frozenset(), words: tuple[str, ...] = ()) -> _End:
        if (classes or self.classes) and (words or self.words):
            raise ValueError("a class and words both excluded after a match")
        return _End(self.classes | classes, self.words + words)

    def regex(self) -> str:
        if self.classes:
            return "(?:$|[^" + "".join(sorted(self.classes)) + "])"
        if self.words:
            return _not_followed_by(self.words)
        return ""


def _seq(items: list[Node], start: frozenset[str] | None, end: _End | None) -> str:
    """A sequence; ``start`` (classes the character before may not be in) when it
    begins the match, ``end`` when it ends it; None elsewhere."""
    if start is not None:
        while items and (cls := _start_condition(items[0], items[1:])) is not None:
            start = start | cls
            items = items[1:]
    if end is not None:
        while items and (cond := _end_condition(items[-1], items[:-1])) is not None:
            end = end.add(*cond)
            items = items[:-1]
    if not items:
        if start or (end is not None and end.regex()):
            raise ValueError("a condition on an empty match")
        return ""
    out: list[str] = []
    head_start = start
    if start is not None and not _pushable(items[0]):
        if start:
            out.append("(?:^|[^" + "".join(sorted(start)) + "])")
        head_start = None
    tail_end = end
    tail_suffix = ""
    if end is not None and not _pushable(items[-1]):
        tail_suffix = end.regex()
        tail_end = None
    for i, node in enumerate(items):
        first, last = i == 0, i == len(items) - 1
        out.append(_node(node, head_start if first else None, tail_end if last else None))
    out.append(tail_suffix)
    return "".join(out)


def _pushable(node: Node) -> bool:
    """Whether an edge condition can be handed to the alternatives inside ``node``."""
    return node[0] in (C.BRANCH, C.SUBPATTERN)


def _start_condition(node: Node, rest: list[Node]) -> frozenset[str] | None:
    op, av = node
    if op is C.ASSERT_NOT and av[0] == -1:
        return frozenset([_one_char_class(av[1])])
    if op is C.AT and av is C.AT_BOUNDARY:
        if _edge_word(rest, first=True) is not True:
            raise ValueError("\\b before what may not be a word character")
        return frozenset([_WORD])
    return None


def _end_condition(node: Node, before: list[Node]) -> tuple[frozenset[str], tuple[str, ...]] | None:
    op, av = node
    if op is C.ASSERT_NOT and av[0] == 1:
        if len(av[1]) == 1 and av[1][0][0] in (C.IN, C.LITERAL):
            return frozenset([_one_char_class(av[1])]), ()
        words = _literal_words(list(av[1]))
        if words is None:
            raise ValueError("a look-ahead that is neither one character nor literal words")
        return frozenset(), tuple(words)
    if op is C.AT and av is C.AT_BOUNDARY:
        if _edge_word(before, first=False) is not True:
            raise ValueError("\\b after what may not be a word character")
        return frozenset([_WORD]), ()
    return None


def _node(node: Node, start: frozenset[str] | None, end: _End | None) -> str:
    op, av = node
    if op is C.LITERAL:
        return _char(av)
    if op is C.NOT_LITERAL:
        return "[^" + _char(av) + "]"
    if op is C.ANY:
        return "."  # any character but a newline, in both
    if op is C.IN:
        return "[" + _class_body([node]) + "]"
    if op is C.BRANCH:
        return "(?:" + "|".join(_seq(list(alt), start, end) for alt in av[1]) + ")"
    if op is C.SUBPATTERN:
        _group, add, delete, sub = av
        if add or delete:
            raise ValueError("inline flags are not translated")
        return "(?:" + _seq(list(sub), start, end) + ")"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        lo, hi, sub = av
        body = "(?:" + _seq(list(sub), None, None) + ")"
        if hi is C.MAXREPEAT:
            return body + ("*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}")
        return body + ("?" if (lo, hi) == (0, 1) else f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}")
    if op is C.AT:
        if av is C.AT_BEGINNING or av is C.AT_BEGINNING_STRING:
            return r"\A"
        if av is C.AT_END_STRING:
            return r"\z"
    raise ValueError(f"not translated: {op} {av!r} (look-arounds only where a match begins or ends)")


def _one_char_class(items: list[Node]) -> str:
    """The class body of a one-character look-around (a class or a literal)."""
    if len(items) != 1 or items[0][0] not in (C.IN, C.LITERAL):
        raise ValueError("a look-behind or look-ahead of more than one character")
    return _class_body(list(items))


def _class_body(items: list[Node]) -> str:
    """The inside of a Rust class for sre class items (or a one-node sequence)."""
    if len(items) == 1 and items[0][0] is C.IN:
        items = items[0][1]
    negate = False
    parts: list[str] = []
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            parts.append(_char(av))
        elif op is C.RANGE:
            parts.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is C.CATEGORY:
            parts.append(_category(av))
        else:
            raise ValueError(f"class item not translated: {op}")
    body = "".join(parts)
    return "[^" + body + "]" if negate else body


def _category(cat: Any) -> str:
    table = {
        C.CATEGORY_WORD: _WORD,
        C.CATEGORY_SPACE: _SPACE,
        C.CATEGORY_DIGIT: _DIGIT,
        C.CATEGORY_NOT_WORD: "[^" + _WORD + "]",
        C.CATEGORY_NOT_SPACE: "[^" + _SPACE + "]",
        C.CATEGORY_NOT_DIGIT: "[^" + _DIGIT + "]",
    }
    if cat not in table:
        raise ValueError(f"category not translated: {cat}")
    return table[cat]


def _char(code: int) -> str:
    ch = chr(code)
    if ch.isascii() and (ch.isalnum() or ch in " _"):
        return ch
    return f"\\x{{{code:X}}}"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _item_word(node: Node) -> bool:
    """Whether every character one class item or literal matches is a word character."""
    op, av = node
    if op is C.LITERAL:
        return _is_word_char(chr(av))
    if op is C.IN:
        for iop, iav in av:
            if iop is C.LITERAL and _is_word_char(chr(iav)):
                continue
            if iop is C.RANGE and all(_is_word_char(chr(c)) for c in range(iav[0], iav[1] + 1)):
                continue
            if iop is C.CATEGORY and iav is C.CATEGORY_WORD:
                continue
            return False
        return True
    return False


def _edge_word(items: list[Node], *, first: bool) -> bool | None:
    """Whether the first (or last) character of every match of ``items`` is a word
    character: True, False (not always), or None (the sequence may match nothing)."""
    seq = items if first else list(reversed(items))
    for node in seq:
        op, av = node
        if op in (C.LITERAL, C.IN, C.NOT_LITERAL, C.ANY):
            return _item_word(node)
        if op is C.SUBPATTERN or op is C.BRANCH or op in (C.MAX_REPEAT, C.MIN_REPEAT):
            if op is C.SUBPATTERN:
                alts, optional = [list(av[3])], False
            elif op is C.BRANCH:
                alts, optional = [list(a) for a in av[1]], False
            else:
                alts, optional = [list(av[2])], av[0] == 0
            results = [_edge_word(alt, first=first) for alt in alts]
            if any(r is False for r in results):
                return False
            if all(r is True for r in results) and not optional:
                return True
            continue  # may match nothing: the next node decides too
        return False  # an assertion or anything else: not proven
    return None


def _literal_words(items: list[Node]) -> list[str] | None:
    """The words a sequence of literals and alternations of literals spells, or None."""
    words = [""]
    for op, av in items:
        if op is C.LITERAL:
            words = [w + chr(av) for w in words]
        elif op is C.BRANCH:
            alts: list[str] = []
            for alt in av[1]:
                sub = _literal_words(list(alt))
                if sub is None:
                    return None
                alts.extend(sub)
            words = [w + a for w in words for a in alts]
        elif op is C.SUBPATTERN and not av[1] and not av[2]:
            sub = _literal_words(list(av[3]))
            if sub is None:
                return None
            words = [w + s for w in words for s in sub]
        else:
            return None
    return words


def _not_followed_by(words: tuple[str, ...]) -> str:
    """A pattern for what follows a match that does not begin with any of ``words``:
    the end of the text, or a first difference from every word before it ends."""
    if any(not w for w in words):
        raise ValueError("a look-ahead of an empty word never holds")
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict[str, Any]) -> str:
        chars = sorted(k for k in node if k)
        alts = ["$", "[^" + "".join(_char(ord(c)) for c in chars) + "]"]
        for ch in chars:
            child = node[ch]
            if "" not in child:  # a whole word followed: excluded
                alts.append(_char(ord(ch)) + walk(child))
        return "(?:" + "|".join(alts) + ")"

    return walk(trie)
