"""Which way an under-specified date points (past or future of the publication date), from verb tense.

"Tuesday" in a Friday article is last Tuesday in "said Tuesday" and next Tuesday in "will vote Tuesday".
HeidelTime decides with a POS tagger; a few cue words near the mention get most of the way without one,
and keep the whole tagger free of model dependencies. The nearest cue in the same sentence wins.
"""

from __future__ import annotations

import re

_FUTURE = (
    r"will|won't|'ll|shall|would|could|might|may|going\s+to|plans?\s+to|planned\s+to|planning\s+to|scheduled|"
    r"expected\s+to|set\s+to|is\s+to|are\s+to|upcoming|next|coming|as\s+(?:early|soon)\s+as"
)
_PAST = (
    r"said|told|was|were|had|did|ago|last|earlier|previously|announced|reported|released|began|"
    r"came|went|took|made|met|won|lost|gave|got|saw|left|fell|rose|hit|killed|died|arrived|[a-z]{3,}ed"
)
_CUE = re.compile(rf"\b(?:(?P<future>{_FUTURE})|(?P<past>{_PAST}))\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[A-Z\"'(])|\n\s*\n")
_WINDOW = 160


def direction(text: str, start: int, end: int) -> int:
    """-1 when the sentence around text[start:end] speaks of the past, +1 of the future, 0 when unclear."""
    left = _clause(text[max(0, start - _WINDOW):start], from_end=True)
    right = _clause(text[end:end + _WINDOW], from_end=False)
    best: tuple[int, int] | None = None
    for distance, sign in _cues(left, reverse=True) + _cues(right, reverse=False):
        if best is None or distance < best[0]:
            best = (distance, sign)
    return best[1] if best else 0


def _clause(chunk: str, from_end: bool) -> str:
    """Cut the window at the nearest sentence boundary so cues from a neighbouring sentence do not count."""
    bounds = [m.end() for m in _SENTENCE_END.finditer(chunk)] if from_end else [
        m.start() for m in _SENTENCE_END.finditer(chunk)
    ]
    if not bounds:
        return chunk
    return chunk[bounds[-1]:] if from_end else chunk[:bounds[0]]


def _cues(chunk: str, reverse: bool) -> list[tuple[int, int]]:
    found = []
    for m in _CUE.finditer(chunk):
        if m["future"] and m["future"].lower().endswith("ed") and m["future"].lower() not in (
            "planned", "scheduled", "expected"
        ):
            continue
        distance = len(chunk) - m.end() if reverse else m.start()
        found.append((distance, 1 if m["future"] else -1))
    return found
