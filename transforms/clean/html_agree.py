"""Agreement between extractors: lines of the main extraction that no other extractor finds are dropped.

trafilatura's passes share one algorithm, so they make the same mistakes: a list of "related" headlines or a
teaser block kept beside the story is kept by every pass. readability (a different algorithm: the densest
block of prose and its siblings) and trafilatura's baseline (the page's JSON-LD body, its ``<article>``, or
its paragraphs) fail in other ways. A line of trafilatura's output that neither of them holds is one only
trafilatura thought part of the article.

Unconfirmed lines are dropped when they lie outside the confirmed text (before its first or after its last
confirmed line) or form a run of two or more inside it: a block of several lines that no other extractor
reads as prose. One unconfirmed line between confirmed ones is kept, because the other extractors drop some
line types the article holds (a sub-heading, a list item, a pull quote) one at a time. Nothing is dropped when
the other extractors found nothing, confirm no line, or would leave less than half of the text: then they
disagree with trafilatura about the whole page, not about some of its lines, and trafilatura is trusted.

A line is confirmed by an extractor when most of its word 3-grams occur in that extractor's text (lines of
one or two words: the words in a row), so the other extractors' line breaks and markup do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"\w+")

GRAM_SIZE = 3
CONFIRMED_SHARE = 0.5  # of a line's 3-grams found in another extractor's text
MIN_KEPT_SHARE = 0.5  # of the words: below it the other extractors disagree about the page, not lines
MIN_DROPPED_RUN = 2  # unconfirmed lines in a row inside the confirmed text that are dropped

Gram = tuple[str, ...]


def _tokens(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _words(lines: Sequence[str]) -> int:
    return sum(len(_WORD.findall(line)) for line in lines)


def gram_index(text: str, size: int = GRAM_SIZE) -> frozenset[Gram]:
    """Every run of 1 to ``size`` words of ``text``, case folded: what a line is looked up in."""
    tokens = _tokens(text)
    return frozenset(tuple(tokens[i : i + n]) for n in range(1, size + 1) for i in range(len(tokens) - n + 1))


def confirmed_share(line: str, index: frozenset[Gram], size: int = GRAM_SIZE) -> float:
    """Share of the line's ``size``-grams in ``index``; a shorter line is found whole or not at all."""
    tokens = _tokens(line)
    if not tokens:
        return 1.0
    if len(tokens) < size:
        return 1.0 if tuple(tokens) in index else 0.0
    grams = [tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return sum(gram in index for gram in grams) / len(grams)


def _dropped(confirmed: Sequence[bool]) -> list[bool]:
    """Which lines go: unconfirmed runs before the first or after the last confirmed line, or long ones."""
    first = confirmed.index(True)
    last = len(confirmed) - 1 - confirmed[::-1].index(True)
    dropped = [False] * len(confirmed)
    start = 0
    while start < len(confirmed):
        if confirmed[start]:
            start += 1
            continue
        end = start
        while end < len(confirmed) and not confirmed[end]:
            end += 1
        if start < first or start > last or end - start >= MIN_DROPPED_RUN:
            dropped[start:end] = [True] * (end - start)
        start = end
    return dropped


def keep_confirmed(lines: Sequence[str], others: Sequence[str]) -> tuple[list[str], int]:
    """``lines`` without the blocks no text of ``others`` confirms, and how many lines were dropped."""
    indexes = [gram_index(text) for text in others if text.strip()]
    kept = [line for line in lines if line.strip()]
    if not indexes or not kept:
        return list(lines), 0
    confirmed = [any(confirmed_share(line, index) >= CONFIRMED_SHARE for index in indexes) for line in kept]
    if not any(confirmed):
        return list(lines), 0
    result = [line for line, drop in zip(kept, _dropped(confirmed), strict=True) if not drop]
    if len(result) == len(kept):
        return list(lines), 0
    if _words(result) < MIN_KEPT_SHARE * _words(kept):
        return list(lines), 0
    return result, len(kept) - len(result)
