"""Segment stage: paragraphs, sentences and passages of a clean body, as exact offsets into it.

Passages are the unit of passage search. Within a paragraph, its sentences are cut into balanced windows
of about ``passage_sentences`` (4 sentences become 2 + 2, not 3 + 1: a lone trailing sentence ranks
poorly and lacks context). A short paragraph (fewer sentences than a window and under a quarter of
``passage_max_chars``, e.g. a one-line news lead or "He added:") is joined to the next passage when the
result still fits both caps: a quarter of BBC paragraphs are a single sentence, and on their own they would
make tiny passages that length-normalised scoring over-rewards. No passage exceeds ``passage_max_chars``:
the sentence splitter already cuts run-on "sentences" (tables, lists) at whitespace below the cap.
"""

from __future__ import annotations

import itertools
import re

from transforms.errors import RejectedArticle
from transforms.models import CleanArticle, Paragraph, Passage, SegmentedArticle, Sentence
from transforms.segment.sentences import Span, split_sentences

__all__ = ["segment", "split_paragraphs", "split_sentences"]

_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def segment(article: CleanArticle, *, passage_sentences: int = 3, passage_max_chars: int = 1200) -> SegmentedArticle:
    """Add paragraph, sentence and passage spans; raises ``RejectedArticle("segment", "empty_body")``."""
    if passage_sentences < 1 or passage_max_chars < 1:
        raise ValueError("passage_sentences and passage_max_chars must be positive")
    body = article.body
    paragraph_spans = split_paragraphs(body)
    if not paragraph_spans:
        raise RejectedArticle("segment", "empty_body", "the body has no text to segment")
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    sentence_groups: list[list[int]] = []
    for index, (start, end) in enumerate(paragraph_spans):
        paragraphs.append(Paragraph(start=start, end=end, index=index))
        first = len(sentences)
        for s_start, s_end in split_sentences(body, start, end, passage_max_chars):
            sentences.append(Sentence(start=s_start, end=s_end, paragraph=index))
        sentence_groups.append(list(range(first, len(sentences))))
    windows = _passage_windows(sentences, sentence_groups, passage_sentences, passage_max_chars)
    passages = [
        Passage(
            start=sentences[first].start,
            end=sentences[last].end,
            index=index,
            first_sentence=first,
            last_sentence=last,
        )
        for index, (first, last) in enumerate(windows)
    ]
    return SegmentedArticle(**dict(article), paragraphs=paragraphs, sentences=sentences, passages=passages)


def split_paragraphs(body: str) -> list[Span]:
    """Spans of the blank-line-separated blocks, trimmed of surrounding whitespace; empty blocks dropped."""
    spans: list[Span] = []
    start = 0
    for separator in _PARAGRAPH_BREAK.finditer(body):
        _append_trimmed(body, start, separator.start(), spans)
        start = separator.end()
    _append_trimmed(body, start, len(body), spans)
    return spans


def _append_trimmed(body: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _passage_windows(sentences: list[Sentence], groups: list[list[int]], size: int, max_chars: int) -> list[Span]:
    """(first, last) sentence indices of each passage, in reading order, covering every sentence once."""
    windows: list[Span] = []
    carried: Span | None = None  # a short paragraph waiting to be joined to the next passage
    for indices in groups:
        for first, last in _balanced_windows(sentences, indices, size, max_chars):
            if carried is not None and _fits(sentences, carried[0], last, size, max_chars):
                first = carried[0]
            elif carried is not None:
                windows.append(carried)
            carried = None
            windows.append((first, last))
        if len(indices) < size and windows and _is_short(sentences, windows[-1], max_chars, indices):
            carried = windows.pop()
    if carried is not None:
        windows.append(carried)
    return windows


def _balanced_windows(sentences: list[Sentence], indices: list[int], size: int, max_chars: int) -> list[Span]:
    if not indices:
        return []
    count = -(-len(indices) // size)
    bounds = [indices[0] + -(-i * len(indices) // count) for i in range(count + 1)]  # longer windows first
    windows: list[Span] = []
    for first, stop in itertools.pairwise(bounds):
        windows.extend(_split_by_chars(sentences, first, stop - 1, max_chars))
    return windows


def _split_by_chars(sentences: list[Sentence], first: int, last: int, max_chars: int) -> list[Span]:
    windows: list[Span] = []
    start = first
    for index in range(first + 1, last + 1):
        if sentences[index].end - sentences[start].start > max_chars:
            windows.append((start, index - 1))
            start = index
    windows.append((start, last))
    return windows


def _fits(sentences: list[Sentence], first: int, last: int, size: int, max_chars: int) -> bool:
    return last - first + 1 <= size and sentences[last].end - sentences[first].start <= max_chars


def _is_short(sentences: list[Sentence], window: Span, max_chars: int, paragraph: list[int]) -> bool:
    """Only a whole paragraph qualifies: its single window must start at the paragraph's first sentence."""
    first, last = window
    return first == paragraph[0] and sentences[last].end - sentences[first].start < max_chars // 4
