"""The structure tests' one timing helper."""

from __future__ import annotations

import time

from unmask.model.text_structure import text_structure


def best_parse_time(text: str) -> float:
    """The least CPU time (other processes on the machine do not count) of three
    uncached structure parses of ``text``."""
    times = []
    for _ in range(3):
        text_structure.cache_clear()
        t0 = time.process_time()
        text_structure(text)
        times.append(time.process_time() - t0)
    return min(times)
