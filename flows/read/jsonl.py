"""JSON files (one article object) and JSONL files (one per line, streamed).

A JSONL file is read one line at a time through a bounded stream, so a dump of any size costs the
memory of its longest line. A bad line becomes a ``ReadFailure`` carrying its line number and the other
lines are still read: one broken record must not cost the rest of the dump.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from flows.read.failure import ReadFailure
from flows.read.limits import ReadLimits, open_stream, read_document
from flows.read.records import record_to_article
from flows.read.source import ReadResult, SourceReader
from transforms.clean.decode import decode
from transforms.errors import RejectedArticle
from transforms.models import Origin

_SKIP_CHUNK = 1024 * 1024


class JsonReader(SourceReader):
    format = "json"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        text, encoding = decode(read_document(path, limits))
        yield record_to_article(parse_json(text), origin, encoding)


class JsonlReader(SourceReader):
    format = "jsonl"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        with open_stream(path, limits) as stream:
            for number, line in _numbered_lines(stream, limits):
                if line is not None and not line.strip():
                    continue  # blank lines are tolerated, as most JSONL writers emit a final newline
                line_origin = Origin(path=origin.path, line=number)
                try:
                    yield _line_to_article(line, line_origin, limits)
                except RejectedArticle as rejection:
                    yield ReadFailure.from_rejection(line_origin, rejection)


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; so is a 5,000-digit int
        raise RejectedArticle("read", "invalid_json", str(exc)[:300]) from exc


def _line_to_article(line: bytes | None, origin: Origin, limits: ReadLimits) -> ReadResult:
    if line is None:
        raise RejectedArticle("read", "line_too_long", f"longer than {limits.max_line_bytes} bytes")
    try:
        record, encoding = json.loads(line), "utf-8"  # fast path: bytes, UTF-8 as JSON requires
    except UnicodeDecodeError:
        text, encoding = decode(line)
        record = parse_json(text)
    except (ValueError, RecursionError) as exc:
        raise RejectedArticle("read", "invalid_json", str(exc)[:300]) from exc
    return record_to_article(record, origin, encoding)


def _numbered_lines(stream: BinaryIO, limits: ReadLimits) -> Iterator[tuple[int, bytes | None]]:
    """(1-based number, line) pairs; a line over the limit is skipped unread and given as None."""
    number = 0
    while True:
        line = stream.readline(limits.max_line_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > limits.max_line_bytes and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield number, None
        else:
            yield number, line


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
