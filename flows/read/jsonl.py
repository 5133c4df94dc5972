"""JSON files (one article object) and JSONL files (one per line, streamed).

A JSONL file is read one line at a time through a bounded stream, so a dump of any size costs the
memory of its longest line. A bad line becomes a ``ReadFailure`` carrying its line number and the other
lines are still read: one broken record must not cost the rest of the dump.

``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259 has no such literals), though Python's parser
accepts them: a record that uses them is refused as ``invalid_json`` instead of storing "nan" as a title or URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flows.read.failure import ReadFailure
from flows.read.limits import ReadLimits, open_stream, read_document
from flows.read.lines import bounded_lines, utf8_chunks
from flows.read.records import record_to_article
from flows.read.source import ReadResult, SourceReader
from transforms.clean.decode import decode
from transforms.errors import RejectedArticle
from transforms.models import Origin


class JsonReader(SourceReader):
    format = "json"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        """One record, so the per-record limit applies before the file is parsed (or even read)."""
        data, notes = read_document(path, limits, min(limits.max_file_bytes, limits.max_line_bytes))
        text, encoding = decode(data)
        yield record_to_article(parse_json(text), origin, encoding, notes)


class JsonlReader(SourceReader):
    format = "jsonl"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        notes: list[str] = []
        with open_stream(path, limits, notes) as stream:
            encoding, chunks = utf8_chunks(stream)
            lines = enumerate(bounded_lines(chunks, limits.max_line_bytes), start=1)
            yield from _noted_last(_line_results(lines, origin, encoding, limits), notes)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)  # one for all: json.loads builds one per call


def parse_json(text: str | bytes | bytearray) -> Any:
    """Bytes are decoded as ``json.loads`` decodes them; ``UnicodeDecodeError`` if they are not UTF-8 (or -16/-32)."""
    if not isinstance(text, str):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError; so is a 5,000-digit int
        raise RejectedArticle("read", "invalid_json", str(exc)[:300]) from exc


def _line_results(
    lines: Iterator[tuple[int, bytes | bytearray | None]], origin: Origin, encoding: str | None, limits: ReadLimits
) -> Iterator[ReadResult]:
    """One result per non-blank line; a file with none is ``empty_input``, as an empty document is."""
    produced, failed_in_a_row, first_failed = False, 0, 0
    for number, line in lines:
        if line is not None and not line.strip():
            continue  # blank lines are tolerated, as most JSONL writers emit a final newline
        line_origin = Origin(path=origin.path, line=number)
        produced = True
        try:
            yield _line_to_article(line, line_origin, encoding, limits)
            failed_in_a_row = 0
        except RejectedArticle as rejection:
            yield ReadFailure.from_rejection(line_origin, rejection)
            failed_in_a_row, first_failed = failed_in_a_row + 1, first_failed if failed_in_a_row else number
        if failed_in_a_row >= limits.max_consecutive_bad_lines:
            detail = f"{failed_in_a_row} records in a row failed (lines {first_failed}-{number}): not read further"
            raise RejectedArticle("read", "too_many_bad_lines", detail)
    if not produced:
        raise RejectedArticle("read", "empty_input", "no records: the file is empty or has blank lines only")


def _line_to_article(
    line: bytes | bytearray | None, origin: Origin, encoding: str | None, limits: ReadLimits
) -> ReadResult:
    """UTF-8 as JSON requires (the fast path); an undeclared line that is not UTF-8 is decoded on its own."""
    if line is None:
        raise RejectedArticle("read", "line_too_long", f"longer than {limits.max_line_bytes} bytes")
    try:
        return record_to_article(parse_json(line), origin, encoding or "utf-8")
    except UnicodeDecodeError:
        text, detected = decode(bytes(line))
        return record_to_article(parse_json(text), origin, detected)


def _noted_last(results: Iterator[ReadResult], notes: list[str]) -> Iterator[ReadResult]:
    """What reading skipped (bytes after the last gzip member) is known only at the end: it goes on the last item."""
    previous: ReadResult | None = None
    try:
        for result in results:
            if previous is not None:
                yield previous
            previous = result
    except Exception:  # the file fails from here on (a corrupt .gz): what was read before it still counts
        if previous is not None:
            yield previous
        raise
    if previous is None:
        return
    if not notes:
        yield previous
    elif isinstance(previous, ReadFailure):
        yield previous.model_copy(update={"detail": "; ".join([previous.detail, *notes])})
    else:
        yield previous.model_copy(update={"notes": [*previous.notes, *notes]})
