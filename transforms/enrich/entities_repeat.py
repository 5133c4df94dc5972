"""Repeats of a recognised name that the model left unlabelled elsewhere in the same article.

The model decides sentence by sentence: it finds "Akram" in one line and misses it in the next, and in
a headline written in capitals it finds almost nothing. An article names the same thing the same way,
so every other occurrence of a name it found once (in capitals too, in a capitalised line) and the
surname of a person it found in full are taken as mentions with the name's label.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_spans import Taken
from transforms.enrich.entities_titles import is_title_word

_TOKEN = re.compile(r"\w+(?:[.'’&-]\w+)*\.?")
_MIN_CHARS = 3  # "US" and "UN" are found by the model often enough; "It" and "An" are not names


def propagate(mentions: Sequence[Mention], text: str, keep: frozenset[str]) -> list[Mention]:
    """``mentions`` plus the unlabelled repeats of the names among them whose label is in ``keep``."""
    labels = _name_labels(mentions, keep)
    if not labels:
        return list(mentions)
    by_first: dict[str, list[tuple[str, ...]]] = {}
    by_words: dict[tuple[str, ...], str] = {}
    for name, label in labels.items():
        words = tuple(_words(name))
        if words and words not in by_words:
            by_words[words] = label
            by_first.setdefault(words[0].rstrip(".").casefold(), []).append(words)
    for candidates in by_first.values():
        candidates.sort(key=len, reverse=True)
    taken = Taken.of(mentions)
    added = [m for m in _repeats(text, by_first, by_words) if not taken.overlaps(m.start, m.end)]
    return sorted([*mentions, *added], key=lambda m: m.start)


def _name_labels(mentions: Sequence[Mention], keep: frozenset[str]) -> dict[str, str]:
    """Each propagated name with its majority label; surnames of full person names count as names."""
    votes: dict[str, Counter[str]] = {}
    for m in mentions:
        if m.label in keep and len(m.text) >= _MIN_CHARS and any(ch.isupper() for ch in m.text):
            votes.setdefault(m.text, Counter())[m.label] += 1
            words = m.text.split()
            if m.label == "PERSON" and len(words) > 1 and len(words[-1]) >= _MIN_CHARS:
                votes.setdefault(words[-1], Counter())["PERSON"] += 0  # known, but never outvotes a real label
    labels: dict[str, str] = {}
    for name, counts in votes.items():
        if is_title_word(name):
            continue
        label, n = counts.most_common(1)[0]
        labels[name] = label if n or len(counts) > 1 else "PERSON"
    return labels


def _words(name: str) -> list[str]:
    return [t.group() for t in _TOKEN.finditer(name)]


def _repeats(
    text: str, by_first: dict[str, list[tuple[str, ...]]], labels: dict[tuple[str, ...], str]
) -> list[Mention]:
    tokens = list(_TOKEN.finditer(text))
    found: list[Mention] = []
    index = 0
    while index < len(tokens):
        words = _match_at(tokens, index, by_first.get(tokens[index].group().rstrip(".").casefold(), []))
        if words is None:
            index += 1
            continue
        last = tokens[index + len(words) - 1]
        start, end = tokens[index].start(), last.end()
        if last.group().endswith(".") and not words[-1].endswith("."):
            end -= 1  # the sentence's full stop, not the name's
        found.append(Mention(text[start:end], labels[words], start, end))
        index += len(words)
    return found


def _match_at(tokens: list[re.Match[str]], index: int, candidates: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The longest candidate name spelled by the tokens from ``index``: exactly, or all in capitals."""
    for words in candidates:
        window = [t.group() for t in tokens[index : index + len(words)]]
        if len(window) < len(words) or not _contiguous(tokens, index, len(words)):
            continue
        if not words[-1].endswith("."):
            window[-1] = window[-1].rstrip(".")
        if tuple(window) == words or (all(w.isupper() for w in window) and _folded(window) == _folded(words)):
            return words
    return None


def _folded(words: Sequence[str]) -> list[str]:
    return [w.casefold() for w in words]


def _contiguous(tokens: list[re.Match[str]], index: int, length: int) -> bool:
    """Tokens separated by single spaces only, so "Tony. Blair" is not "Tony Blair"."""
    return all(tokens[i + 1].start() - tokens[i].end() == 1 for i in range(index, index + length - 1))


__all__ = ["propagate"]
