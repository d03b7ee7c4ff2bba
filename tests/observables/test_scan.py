"""The compiled prefilter against a plain reference: same windows, same compact map."""

from __future__ import annotations

import bisect
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.extract.observables import scan
from unmask.extract.observables.benign import _match_host
from unmask.reference.warninglists import load_warninglists

# The prefilter as it was written in Python: one regex scan per rule and token walks
# one step at a time. Kept here as the specification of the compiled scan.
_TRIG = re.compile(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?=\S)[^\s]{0,4096}")
_TRIG_REV = re.compile(r"[.:@\\\[\]{}/\u3002\uff0e\uff61\uff1a\uff20](?<=\S.)[^\s]{0,4096}")
_HEAD = re.compile(r"[^\s]{0,256}")
_SPACES = re.compile(r"[ \t\xa0]{0,8}")
_RUN = re.compile(r"[0-9A-Za-z]{25,}")
#: Defang marks written apart from their neighbours (``user @ example [.] com``).
_SPECIAL_CHARS = re.compile(
    r"""[@\\\[\](){}](?:
        (?<=@)(?=[ \t])|(?<=[ \t]@)
        |(?<=\\)(?=[A-Za-z0-9%])
        |(?<=[\[({])(?=[ \t])
        |(?<=[ \t][\])}])
        |(?<=[ \t][\[({])(?=\.|dot|DOT|at|AT|@)|(?<=[\[({])(?=(?i:dot|at)[ \t]*[\])}])
        |(?<=[.@][\])}])(?=[ \t])|(?<=[\[({ ](?i:dot)[\])}])(?=[ \t])|(?<=[\[({ ](?i:at)[\])}])(?=[ \t])
    )""",
    re.VERBOSE,
)
_EXTRAS = tuple(
    re.compile(p)
    for p in (
        "CVE[-_ \u2010-\u2015\u2212]?\\d",
        "cve[-_ \u2010-\u2015\u2212]?\\d",
        r"AS[N ]? ?\d",
        r"as[n ]? ?\d",
        r"-[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}-",
        r"Mozilla/",
        r"%3[Aa]%2[Ff]%2[Ff]",
        r"://(?:[ \t]|[A-Za-z0-9-]{1,63}[ \t]\.)",
        r" dot ",
        r" DOT ",
    )
)
_BASE64 = re.compile(r";base64,([A-Za-z0-9+/=]{64,})")


def _exclude(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` minus ``holes`` (both sorted, non-overlapping)."""
    for hs, he in holes:
        i = bisect.bisect_left(spans, (hs, -1))
        if i > 0 and spans[i - 1][1] > hs:
            i -= 1
        j = i
        pieces: list[tuple[int, int]] = []
        while j < len(spans) and spans[j][0] < he:
            s, e = spans[j]
            if s < hs:
                pieces.append((s, hs))
            if e > he:
                pieces.append((he, e))
            j += 1
        spans[i:j] = pieces
    return spans


class _RefTokens:
    def __init__(self, text: str) -> None:
        self.text, self.rev, self.n = text, text[::-1], len(text)

    def start(self, pos: int) -> int:
        return self.n - _HEAD.match(self.rev, self.n - pos).end()  # type: ignore[union-attr]

    def end(self, pos: int) -> int:
        return _HEAD.match(self.text, pos).end()  # type: ignore[union-attr]

    def left(self, start: int, tokens: int) -> int:
        for _ in range(tokens):
            j = self.n - _SPACES.match(self.rev, self.n - start).end()  # type: ignore[union-attr]
            if j <= 0 or self.text[j - 1] in "\n\r":
                break
            start = self.start(j)
        return start

    def right(self, end: int, tokens: int) -> int:
        for _ in range(tokens):
            j = _SPACES.match(self.text, end).end()  # type: ignore[union-attr]
            if j >= self.n or self.text[j] in "\n\r":
                break
            end = self.end(j)
        return end


def _reference_windows(text: str) -> list[tuple[int, int]]:
    tok = _RefTokens(text)
    n = tok.n
    spans = [m.span() for m in _TRIG.finditer(text)]
    spans += [(n - m.end(), n - m.start()) for m in _TRIG_REV.finditer(tok.rev)]
    pos = 0
    while (m := _SPECIAL_CHARS.search(text, pos)) is not None:
        p = m.start()
        start, end = tok.start(p), tok.end(p)
        pos = max(end, p + 1)
        spans.append((tok.left(start, 3), tok.right(end, 4)))
    for rx in _EXTRAS:
        covered = -1
        for m in rx.finditer(text):
            p = m.start()
            if p < covered:
                continue
            g = m.group()
            if g.startswith("://"):
                spans.append((tok.start(p), tok.right(tok.end(p), 4)))
            elif g == "Mozilla/":
                nl = text.find("\n", p, p + 600)
                spans.append((p, nl if nl >= 0 else min(n, p + 600)))
            elif g[0] == " ":
                spans.append((tok.left(p, 3), tok.right(m.end(), 3)))
                covered = spans[-1][1]
            else:
                spans.append((tok.start(p), tok.right(tok.end(p), 2)))
    for m in _RUN.finditer(text):
        spans.append((tok.start(m.start()), tok.end(m.end())))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return _exclude(merged, [m.span(1) for m in _BASE64.finditer(text)])


_PIECES = st.sampled_from(
    [
        " ", "  ", " " * 9, "\t", "\xa0", "\n", "\r\n", "\x0b", "\u3000", "\u2009", "a", "Z", "7", ".", ":", "@",
        "\\", "/", "[", "]", "(", ")", "{", "}", "[.]", "(dot)", "[at]", " at ", " dot ", "DoT]", "%", "\u3002",
        "\uff20", "CVE-2021-1", "cve\u20112021\u20111", "CVE 2021 1", "AS 13", "-aa-bb-", "Mozilla/5.0 (", "evil.com", "0123456789abcdef" * 2,
        "\U0001f600", "é", "\u2019", ";base64," + "QUJD" * 20, "://", ":// ", "://abc .", "%3A%2f%2F", "CVE\u0663",
        "[ dot ]", "(AT)", "{ at }", "-aa-bb-cc-dd-", "ASN1", "as  1", "\r", "\x85", "\u2028", "\ud800",
    ]
)  # fmt: skip
_TEXTS = st.lists(_PIECES, max_size=60).map("".join)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXTS)
def test_windows_match_the_reference(text: str) -> None:
    assert scan.windows(text) == _reference_windows(text)


def test_long_tokens_and_wide_characters() -> None:
    for text in (
        "x" + ".a" * 5000 + " tail",
        "a" * 6000 + ".b " + "c." + "d" * 5000,
        "\U0001f600 evil\u3002com \u3000x.y\u2009z:w",
        "a\u2028b.c\u3000[at]\u205f d",
    ):
        assert scan.windows(text) == _reference_windows(text)


@_SETTINGS
@given(_TEXTS)
def test_compact_maps_every_window_back(text: str) -> None:
    masked = scan.mask(text)
    c = scan.compact(text)
    assert len(c.text) <= len(text) + 1
    for p, ch in enumerate(c.text):
        if ch == scan.FILLER:
            continue
        i = bisect.bisect_right(c.starts, p) - 1
        original = p + c.shifts[i]
        assert masked[original] == ch == text[original]


def test_substring_hint_matches_the_warninglists() -> None:
    lists = load_warninglists()
    hosts = ["evil.com", "www.google.com", "app.any.run", "x.app.any.run", "1.2.3.4", "a.b.c.example.org"]
    hosts += [needle for needle, _ in lists.substrings[:20]]
    hosts += ["pre" + needle + ".x" for needle, _ in lists.substrings[:20]]
    for host in hosts:
        assert _match_host(lists, host) == lists.match_host(host)
