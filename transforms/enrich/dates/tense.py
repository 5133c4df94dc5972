"""Which way an under-specified date points (past or future of the publication date), from verb tense.

"Tuesday" in a Friday article is last Tuesday in "said Tuesday" and next Tuesday in "will vote Tuesday".
HeidelTime decides with a POS tagger; cue words near the mention get most of the way without one and keep
the tagger free of model dependencies. The nearest cue in the same sentence wins; it runs once per
under-specified mention, so it works on a short token window, not with a regex over the sentence.
"""

from __future__ import annotations

import re

_FUTURE = frozenset(
    {
        "will",
        "won't",
        "wont",
        "'ll",
        "shall",
        "would",
        "could",
        "might",
        "may",
        "upcoming",
        "next",
        "coming",
        "scheduled",
    }
)
_FUTURE_BEFORE_TO = frozenset({"going", "plan", "plans", "planned", "planning", "expected", "set", "is", "are"})
_PAST = frozenset(
    {
        "said",
        "told",
        "was",
        "were",
        "had",
        "did",
        "ago",
        "last",
        "earlier",
        "previously",
        "began",
        "came",
        "went",
        "took",
        "made",
        "met",
        "won",
        "lost",
        "gave",
        "got",
        "saw",
        "left",
        "fell",
        "rose",
        "hit",
        "died",
    }
)
_NOT_PAST = frozenset(
    {
        "scheduled",
        "expected",
        "planned",
        "need",
        "indeed",
        "speed",
        "red",
        "bed",
        "seed",
        "hundred",
        "united",
        "limited",
        "based",
        "related",
    }
)
_TOKEN = re.compile(r"[A-Za-z']+|[.!?]")
_WINDOW = 120


def direction(text: str, start: int, end: int) -> int:
    """-1 when the sentence around text[start:end] speaks of the past, +1 of the future, 0 when unclear."""
    left = _TOKEN.findall(text, max(0, start - _WINDOW), start)
    right = _TOKEN.findall(text, end, end + _WINDOW)
    left_cues = _scan(list(reversed(left)), reverse=True)
    mention = _TOKEN.findall(text, start, end)
    right_cues = _scan(right, reverse=False, edge=mention[-1] if mention else "")
    best = min(left_cues + right_cues, default=None)
    return best[1] if best else 0


def _scan(tokens: list[str], reverse: bool, edge: str = "") -> list[tuple[int, int]]:
    """(distance, sign) of the nearest cue in a token list ordered away from the mention. ``edge`` is the
    mention's word next to the list: a full stop right after "Friday" ends the sentence, one after "p.m" not."""
    for distance, token in enumerate(tokens):
        toward = _at(tokens, distance - 1 if reverse else distance + 1)  # the neighbour nearer the mention
        if token in ".!?":
            before = _at(tokens, distance + 1 if reverse else distance - 1) or edge  # the word the stop ends
            if token != "." or len(before) > 3 or before.islower():
                return []
            continue
        word = token.lower()
        if word in _FUTURE or word.endswith("'ll") or (word in _FUTURE_BEFORE_TO and toward.lower() == "to"):
            return [(distance, 1)]
        if word in ("early", "soon") and toward.lower() == "as":
            return [(distance, 1)]
        if word in _PAST or (len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST):
            return [(distance, -1)]
    return []


def _at(tokens: list[str], index: int) -> str:
    return tokens[index] if 0 <= index < len(tokens) else ""
