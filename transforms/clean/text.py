"""Plain-text cleaning: paragraphs, a headline when the text starts with one, boilerplate out.

Text files arrive in three shapes: paragraphs separated by blank lines, one paragraph per line,
or hard-wrapped lines (e-mail and wire style). The paragraph is what later stages segment and
search, so a wrap must be re-joined and a real paragraph break kept, whatever the shape.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from transforms.clean.boilerplate import drop_boilerplate, is_boilerplate

_SPACES = re.compile(r"[ \t]+")
_LIST_ITEM = re.compile(r"^(?:[-*•–]\s|\d{1,3}[.)]\s)")
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_HEADLINE_BAD_END = re.compile(r"(?:(?<!\.)\.|[,;:])[\"'”’)\]]*$")  # a final period, not an ellipsis
_WORD = re.compile(r"\w+")

WRAP_MAX_WIDTH = 100
FULL_LINE_SHARE = 0.85
HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 25


@dataclass(frozen=True)
class CleanText:
    title: str | None
    paragraphs: list[str] = field(default_factory=list)
    removed_lines: int = 0

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def normalize_lines(text: str) -> list[str]:
    """Each line with inner whitespace collapsed; empty lines kept as paragraph-break markers."""
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _is_wrapped_break(line: str, following: str, block: list[str], width: int) -> bool:
    """A line break that only wraps a paragraph: mid-sentence, or a sentence end on a full line.

    A sentence end counts as a wrap only in a block of three lines or more, where the wrap column
    can be told from a paragraph end; a footer line is never glued onto the text above it.
    """
    if width > WRAP_MAX_WIDTH or _LIST_ITEM.match(following) or is_boilerplate(following):
        return False
    if not _SENTENCE_END.search(line):
        return True
    return len(block) >= 3 and len(line) >= FULL_LINE_SHARE * width


def _join_block(block: list[str]) -> list[str]:
    """Hard-wrapped lines (width up to ~100 columns) are joined; long lines are paragraphs already."""
    width = max(len(line) for line in block)
    paragraphs = [block[0]]
    for previous, line in itertools.pairwise(block):
        if _is_wrapped_break(previous, line, block, width):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of any of the three shapes, whitespace normalised, wraps re-joined."""
    return [p for block in _blocks(normalize_lines(text)) for p in _join_block(block)]


def looks_like_headline(line: str) -> bool:
    """Short, starts like a title, no closing sentence punctuation: how a headline line looks."""
    words = _WORD.findall(line)
    return (
        0 < len(line) <= HEADLINE_MAX_CHARS
        and 2 <= len(words) <= HEADLINE_MAX_WORDS
        and not _HEADLINE_BAD_END.search(line)
        and _starts_like_title(line)
        and not is_boilerplate(line)
    )


def _starts_like_title(line: str) -> bool:
    """Capital, digit, quote or currency; lower case only in brand forms like "iTunes" or "eBay"."""
    first = line[0]
    if first.islower():
        return len(line) > 1 and line[1].isupper()
    return first.isalnum() or first in "\"'“‘$£€¥&"


def take_title(text: str) -> tuple[str | None, str]:
    """Split off the first line when it is a headline followed by a line break and more text.

    In hard-wrapped text the first line of the body also lacks a final period, so a headline must
    either stand alone (blank line after it) or be clearly shorter than the line that follows.
    """
    lines = normalize_lines(text.strip())
    if len(lines) < 2 or not looks_like_headline(lines[0]):
        return None, text
    following = next((line for line in lines[1:] if line), "")
    stands_alone = lines[1] == "" and bool(following)
    shorter = bool(following) and len(lines[0]) < 0.6 * len(following)
    if not (stands_alone or shorter) or following[:1].islower():
        return None, text
    return lines[0], "\n".join(lines[1:])


def drop_repeated_title(paragraphs: list[str], title: str | None) -> list[str]:
    """A body that starts with its own title would index the headline twice."""
    if title and paragraphs and _fold(paragraphs[0]) == _fold(title):
        return paragraphs[1:]
    return paragraphs


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def clean_text(text: str, title: str | None = None, detect_title: bool = True) -> CleanText:
    """``title`` given by the source wins; otherwise the first line is taken when it is a headline."""
    if title is None and detect_title:
        title, text = take_title(text)
    paragraphs, removed = drop_boilerplate(split_paragraphs(text))
    return CleanText(title, drop_repeated_title(paragraphs, title), removed)
