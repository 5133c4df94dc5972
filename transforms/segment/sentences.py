"""A rule-based sentence splitter for news text in any language that marks sentence ends with punctuation.

Why rules and not a model: it runs on every article, must work for German, French or Russian without a
model per language, and news prose is regular. A boundary is end punctuation (optionally followed by
closing quotes or brackets) then whitespace, and the next word does not start in lower case. A single
period is then checked against the word before it: initials ("John F. Kennedy"), titles ("Dr."),
"No. 10", German ordinals ("3. Oktober") and dotted abbreviations ("U.S.") are not ends, unless what
follows is a typical sentence opener ("... in the U.S. The ..."). Decimals ("3.5") never match, as a
boundary needs whitespace after the period. CJK full stops need no whitespace.
"""

from __future__ import annotations

import re

from transforms.segment.abbreviations import (
    AFTER_ORDINAL,
    AMBIGUOUS,
    BEFORE_NUMBER,
    NEVER_FINAL,
    SENTENCE_OPENERS,
)

_CLOSERS = "\"'”’»›)]}」』】）"
_OPENERS = "\"'“‘«‹([{¿¡—–-"
_END_MARKS = ".!?…‽؟।。！？"
_CJK_MARKS = frozenset("。！？")
# One leading character class: an alternation here made the scan six times slower.
_CANDIDATE = re.compile(rf"[{_END_MARKS}][{_END_MARKS}{re.escape(_CLOSERS)}]*")
_NEXT_WORD = re.compile(rf"\s*[{re.escape(_OPENERS)}]*(\w+)")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")

Span = tuple[int, int]


def split_sentences(text: str, start: int, end: int, max_chars: int) -> list[Span]:
    """Sentence spans of ``text[start:end]`` (one paragraph), trimmed, none longer than ``max_chars``."""
    spans: list[Span] = []
    sentence_start = start
    for match in _CANDIDATE.finditer(text, start, end):
        after = match.end()
        if after >= end or not (text[after].isspace() or match.group(0)[0] in _CJK_MARKS):
            continue  # "3.5", "U.S.", "bbc.co.uk": no whitespace after the mark
        if _is_boundary(text, match, end):
            spans.extend(_capped(text, sentence_start, match.end(), max_chars))
            sentence_start = match.end()
    spans.extend(_capped(text, sentence_start, end, max_chars))
    return spans


def _is_boundary(text: str, match: re.Match[str], end: int) -> bool:
    following = _NEXT_WORD.match(text, match.end(), end)
    if following is None:  # a dash, bullet or symbol opens the next part: trust the punctuation
        return True
    next_word = following.group(1)
    if next_word[0].islower():
        return False
    punctuation = match.group(0)
    marks = punctuation.rstrip(_CLOSERS)
    if marks != "." or len(marks) < len(punctuation):
        return True  # "?", "!", an ellipsis, or a period inside a closing quote: `He said "no." Then`
    return not _is_abbreviation(_token_before(text, match.start()), next_word)


def _token_before(text: str, position: int) -> str:
    """The word the period is attached to; rfind beats a regex here, and this runs for every period."""
    low = max(0, position - 40)
    start = max(text.rfind(" ", low, position), text.rfind("\n", low, position), text.rfind("\xa0", low, position))
    return text[max(start + 1, low) : position].lstrip(_OPENERS)


def _is_abbreviation(token: str, next_word: str) -> bool:
    """Whether the period after ``token`` belongs to it rather than ending the sentence."""
    if len(token) == 1 and token.isupper():
        return True  # an initial: "John F. Kennedy", "А. С. Пушкин"
    lowered = token.lower()
    if lowered in NEVER_FINAL:
        return True
    if next_word[0].isdigit():
        return lowered in BEFORE_NUMBER
    if lowered.isdigit() and len(lowered) <= 2 and next_word.lower() in AFTER_ORDINAL:
        return True
    if lowered in AMBIGUOUS or _DOTTED.fullmatch(lowered):
        return next_word.lower() not in SENTENCE_OPENERS
    return False


def _capped(text: str, start: int, end: int, max_chars: int) -> list[Span]:
    """Trim the span; cut a run-on "sentence" (a table, a list, no punctuation) at whitespace near the cap."""
    start, end = _trimmed(text, start, end)
    pieces: list[Span] = []
    while end - start > max_chars:
        cut = max(text.rfind(" ", start + 1, start + max_chars + 1), text.rfind("\n", start + 1, start + max_chars + 1))
        if cut <= start:
            cut = start + max_chars
        piece = _trimmed(text, start, cut)
        if piece[1] > piece[0]:
            pieces.append(piece)
        start, end = _trimmed(text, cut, end)
    if end > start:
        pieces.append((start, end))
    return pieces


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
