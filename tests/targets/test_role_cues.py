"""The targeting cue before a mention is read off one scan of its sentence (issue 25: the
rescan of every mention's window was most of the stage's time on dense text). It must be
the cue the window scan finds: a differential test on generated sentences."""

from __future__ import annotations

import random
import re

from unmask.extract.targets import _ANCHORED, _WINDOW, _Cues, _last_cue
from unmask.reference.regex_anchors import Anchors

WORDS = [
    "targeted", "attacks", "on", "against", "stole", "data", "from", "banks", "in", "France", "sent", "lures", "to",
    "hacked", "into", "the", "networks", "of", "knocked", "offline", "access", "victims", "include", "and", ",",
    "Ministry", "of", "Defence", "hospitals", "said", "breached", "systems", "retargeted", "phishing", "e-mails",
]


def _spans(cue: object) -> tuple[int, int, str] | None:
    assert cue is None or isinstance(cue, re.Match)
    return None if cue is None else (cue.start(), cue.end(), cue.group(0))


def test_the_last_cue_read_off_the_sentence_is_the_windows() -> None:
    rng = random.Random(7)
    for _ in range(300):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 160)))
        ends = sorted({m for m in range(len(sentence)) if m == 0 or sentence[m - 1] == " "})
        if not ends:
            continue
        low = max(0, ends[0] - _WINDOW)
        # (the sentence inside a text: the cues are tried where the text's prefixes start)
        lead = "Targeted attacks on banks were reported. "
        cues = _Cues(sentence, low, ends[-1], Anchors(lead + sentence, _ANCHORED), len(lead))
        for end in ends:
            before = sentence[max(0, end - _WINDOW) : end]
            assert _spans(cues.last_in(before, end)) == _spans(_last_cue(before)), (sentence, end)
