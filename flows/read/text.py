"""Plain-text files: the whole file is one article; finding its title is the clean stage's job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flows.read.limits import ReadLimits, read_document
from flows.read.source import ReadResult, SourceReader
from transforms.clean.decode import decode
from transforms.models import Origin, RawArticle


class TextReader(SourceReader):
    format = "text"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        data, notes = read_document(path, limits)
        content, encoding = decode(data)
        yield RawArticle(origin=origin, format="text", content=content, encoding=encoding, notes=notes)
