"""Repairs to raw span boundaries before canonicalisation.

The small model often knows a surname but not the unfamiliar given name before it ("Defense Minister
Rustem Umerov" comes out as "Umerov"). A capitalised word in mid-sentence directly before a person
span, that is no title and no part of another entity, is taken to be part of the name.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_titles import is_title_word

# A capitalised word ("Rustem", "Jean-Claude") and a single space, right before the span.
_GIVEN_NAME = re.compile(r"(?<![\w.'’-])([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?) $")
# What must come before that word for it to be mid-sentence: a word or a comma on the same line.
_MID_SENTENCE = re.compile(r"[\w,][ \t]+$")
_LOOKBEHIND = 60


@dataclass(frozen=True, slots=True)
class Taken:
    """The spans of all mentions, sorted by start, with the furthest end reached so far: an overlap test in
    O(log n), where testing every span made a text of many names quadratic."""

    starts: list[int]
    reach: list[int]

    @classmethod
    def of(cls, mentions: Sequence[Mention]) -> Taken:
        spans = sorted((m.start, m.end) for m in mentions)
        return cls([s for s, _ in spans], list(itertools.accumulate((e for _, e in spans), max)))

    def overlaps(self, start: int, end: int) -> bool:
        before_end = bisect_left(self.starts, end)  # spans that start before ``end``
        return before_end > 0 and self.reach[before_end - 1] > start


def extend_given_names(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """One-word person mentions grown leftwards over one given name the model left out; a name the model
    found with two words already has its given name ("Liberal Democrat Charles Kennedy" stays Charles Kennedy)."""
    taken = Taken.of(mentions)
    return [_extend(m, text, taken) if m.label == "PERSON" and " " not in m.text.strip() else m for m in mentions]


def _extend(mention: Mention, text: str, taken: Taken) -> Mention:
    before = text[max(0, mention.start - _LOOKBEHIND) : mention.start]
    match = _GIVEN_NAME.search(before)
    if match is None or is_title_word(match.group(1)):
        return mention
    start = mention.start - len(before) + match.start(1)
    if not _MID_SENTENCE.search(before[: match.start(1)]) or taken.overlaps(start, mention.start):
        return mention
    return Mention(text[start : mention.end], mention.label, start, mention.end)
