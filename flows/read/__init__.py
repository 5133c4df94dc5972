"""Read stage: input paths → a stream of ``RawArticle`` or ``ReadFailure``, lazily, one file at a time.

Usage::

    for item in read_articles([Path("data/")]):
        if isinstance(item, ReadFailure):
            dead_letter(item)
        else:
            clean(item)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from flows.read.discover import SUFFIX_FORMATS, discover, scan, source_format
from flows.read.failure import READ_FAILURE_REASONS, ReadFailure
from flows.read.html import HtmlReader
from flows.read.jsonl import JsonlReader, JsonReader
from flows.read.limits import DEFAULT_LIMITS, ReadLimits
from flows.read.paths import display_path, source_path
from flows.read.rules import READ_EVERYTHING, InputRules, Skipped
from flows.read.source import ReadResult, SourceReader
from flows.read.text import TextReader
from flows.read.warc import WarcReader
from transforms.models import RawArticle

__all__ = [
    "DEFAULT_LIMITS",
    "READERS",
    "READ_EVERYTHING",
    "READ_FAILURE_REASONS",
    "SUFFIX_FORMATS",
    "InputRules",
    "ReadFailure",
    "ReadLimits",
    "ReadResult",
    "Skipped",
    "SourceReader",
    "discover",
    "display_path",
    "read_articles",
    "read_file",
    "scan",
    "source_format",
    "source_path",
]

READERS: dict[str, SourceReader] = {
    reader.format: reader for reader in (TextReader(), HtmlReader(), JsonReader(), JsonlReader(), WarcReader())
}


def read_articles(
    paths: Sequence[Path], *, follow_symlinks: bool = False, limits: ReadLimits = DEFAULT_LIMITS,
    rules: InputRules = READ_EVERYTHING,
) -> Iterator[ReadResult | Skipped]:
    """Every article under ``paths``, with a ``ReadFailure`` in place of anything that could not be read and a
    ``Skipped`` for each file the rules leave out."""
    for item in scan(paths, follow_symlinks=follow_symlinks, rules=rules):
        if isinstance(item, Path):
            yield from read_file(item, limits=limits, given_source=rules.source_for(item))
        else:
            yield item


def read_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS,
              given_source: str | None = None) -> Iterator[ReadResult]:
    """The articles of one supported file; raises ValueError if unsupported. ``given_source`` is the user's name
    for the publisher (``InputRules.source_for``), for articles that name none.

    To re-read a dead letter, pass ``source_path(letter.origin.path)``: an ``Origin.path`` is a label (see
    ``flows.read.paths``), which differs from the file name when that is not UTF-8.
    """
    file_format = source_format(path)
    if file_format is None:
        raise ValueError(f"unsupported file: {path}")
    for item in READERS[file_format].read(Path(os.path.realpath(path)), limits):
        if given_source and isinstance(item, RawArticle):
            item = item.model_copy(update={"given_source": given_source})
        yield item
