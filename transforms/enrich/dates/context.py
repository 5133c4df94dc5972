"""What every normaliser receives (the text, the anchor date) and what it returns (a ``Timex``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from transforms.enrich.dates.tense import direction
from transforms.models import DateMentionType, Granularity


@dataclass(frozen=True, slots=True)
class Timex:
    """A normalised expression before it becomes a ``DateMention``: ``mod`` narrows the covered range."""

    type: DateMentionType
    value: str | None
    granularity: Granularity | None
    resolved: bool = True
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    text: str
    anchor: date | None

    def direction(self, start: int, end: int) -> int:
        return direction(self.text, start, end)

    def sentence(self, start: int, end: int) -> str:
        """The sentence around text[start:end], bounded to a few hundred characters either side."""
        left = self.text[max(0, start - 300) : start]
        cut = max(left.rfind(". "), left.rfind("\n\n"), left.rfind("? "), left.rfind("! "))
        right = self.text[end : end + 300]
        stop = min((i for i in (right.find(". "), right.find("\n\n")) if i >= 0), default=len(right))
        return left[cut + 1 :] + self.text[start:end] + right[:stop]

    def previous_word(self, start: int) -> str:
        """The word just before ``start`` (lower-cased), to tell "in May" from "Theresa May"."""
        chunk = self.text[max(0, start - 30) : start].rstrip()
        word = chunk.rsplit(None, 1)[-1] if chunk.split() else ""
        return word.strip("\"'(,").lower() if word[-1:].isalnum() else word[-1:]

    def previous_is_name(self, start: int) -> bool:
        """True when a capitalised word directly precedes ``start`` inside a sentence (a person's name)."""
        chunk = self.text[max(0, start - 30) : start]
        words = chunk.split()
        if not chunk.endswith((" ", "\t")) or not words or not words[-1][:1].isupper():
            return False
        if len(words) < 2 or words[-2][-1:] in ".!?:\"'" or not words[-1].isalpha():
            return False
        return words[-1].lower() not in (
            "in",
            "on",
            "since",
            "until",
            "by",
            "last",
            "next",
            "this",
            "early",
            "late",
            "mid",
            "the",
            "through",
            "from",
            "during",
            "of",
        )

    def next_word(self, end: int) -> str:
        chunk = self.text[end : end + 30]
        if not chunk[:1].isspace():
            return ""
        words = chunk.split(None, 1)
        return words[0] if words else ""


def unresolved(
    type_: DateMentionType, value: str | None, granularity: Granularity | None, mod: str | None = None
) -> Timex:
    return Timex(type_, value, granularity, resolved=False, mod=mod)
