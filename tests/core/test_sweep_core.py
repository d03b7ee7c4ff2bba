"""Bounded fuzzing of the compiled sweep matcher: any literals, any text, any offsets -
never an exception, spans inside the text, in order, each a literal written there."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from unmask import _core

PIECE = st.sampled_from(["evil", ".", "com", "-", "1", "10.", "%2E", "%", "é", "İ", " ", "\n", ":", "ab", "/", "\ud800", "\x00"])
TYPES = st.sampled_from(["domain", "ipv4", "ipv6", "ipv4_cidr", "url", "email", "md5", "file_name", "user_agent", "btc"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.lists(PIECE, min_size=1, max_size=5).map("".join), TYPES, st.integers(0, 30),
                       st.booleans(), st.booleans(), st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)),
             max_size=12),
    st.lists(PIECE, max_size=60).map("".join),
    st.integers(0, 80), st.integers(0, 80),
    st.lists(st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), max_size=3),
)
def test_any_input_gives_ordered_spans_inside_the_text(entries, text, skip, limit, ranges) -> None:  # type: ignore[no-untyped-def]
    specs = [(key, type_, exact, rank, wf, wl, min(a, b), max(a, b))
             for rank, (key, type_, exact, wf, wl, a, b) in enumerate(entries)]
    wide = [(min(a, b), max(a, b), len(specs) + i) for i, (a, b) in enumerate(ranges)]
    matcher = _core.SweepMatcher(specs, [("ab" * 16, len(specs) + len(wide))], wide)
    hits = matcher.scan(text, skip, limit)
    assert hits == sorted(hits)
    for start, end, rank, how in hits:
        assert 0 <= start < end <= len(text)
        assert end > skip and end <= max(limit, 0)
        assert how in (0, 1, 2, 4, 5, 6)
        assert 0 <= rank <= len(specs) + len(wide)
