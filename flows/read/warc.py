"""WARC files (.warc, .warc.gz: Common Crawl News, crawler archives): one article per HTML response record.

warcio reads the records because it is pure Python (nothing compiled to build, or to crash a worker), Apache-2.0,
streams one record at a time in constant memory, and undoes HTTP chunking and Content-Encoding (gzip, deflate)
itself; FastWARC is faster but leaves chunked payloads to the caller, and parsing is not where a news run spends
its time. Its gzip layer is not used: it reports a corrupt member on stderr and goes on with nothing, and takes a
cut file for a complete one. Gzip is inflated by the bounded reader every .gz goes through (a member per record, as
the standard asks and Common Crawl writes, or one member for the whole file), and warcio reads the plain stream.

A record's key is its ordinal in the file, 1-based, every record type counted, in ``Origin.line``: WARC files are
only ever appended to, so ``crawl.warc.gz:7`` names the same record on every run (an unchanged input is skipped,
a dead letter points at it, a vanished one is pruned) without a new field on every label. Counting all records,
not only the articles, keeps the keys of the others still if a record starts or stops counting as an article.

Records that are not articles (requests, metadata, warcinfo, revisits, redirects and errors, images, PDFs) are
counted and skipped, not failed: they are most of a crawl, and as dead letters they would come back on every
run. The count is a note on the file's last item, as the bytes after a gzip stream are. A file that breaks (a cut
member, a bad header) gives the articles before the break, then one failure keyed by the record where reading
stopped: the file itself when that is the first, so that what a good prefix produced is not withdrawn.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]  # warcio ships no type hints
from warcio.bufferedreaders import BufferedReader  # type: ignore[import-untyped]

from flows.read.failure import ReadFailure
from flows.read.html import declared_charset
from flows.read.jsonl import _noted_last  # the same rule for what is known only at the end of a file
from flows.read.limits import READ_CHUNK, BoundedGzipReader, ReadLimits
from flows.read.records import url_problem
from flows.read.source import ReadResult, SourceReader
from transforms.clean.decode import decode
from transforms.errors import RejectedArticle
from transforms.models import Origin, RawArticle

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RECORD_TYPES = frozenset({"warcinfo", "request", "metadata", "revisit", "resource", "conversion", "continuation"})
_GZIP_MAGIC = b"\x1f\x8b"
# WHATWG MIME sniffing, "identifying an unknown MIME type": an HTML tag after optional whitespace.
_HTML_SIGNATURE = re.compile(
    rb"[\t\n\x0c\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]",
    re.IGNORECASE,
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class WarcReader(SourceReader):
    format = "warc"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        notes: list[str] = []
        with _open_warc(path, limits, notes) as stream:
            yield from _noted_last(_file_results(stream, origin, limits, notes), notes)


def _open_warc(path: Path, limits: ReadLimits, notes: list[str]) -> io.BufferedReader:
    """Inflated when it starts as gzip, whatever the name says; the per-file inflate cap is for one-document and
    JSONL files (a crawl WARC inflates to gigabytes), so here only the ratio and the per-record caps bound it."""
    raw = open(path, "rb")  # noqa: SIM115 - ownership passes to the returned stream
    if raw.peek(len(_GZIP_MAGIC))[: len(_GZIP_MAGIC)] != _GZIP_MAGIC:
        return raw
    unbounded = limits.model_copy(update={"max_decompressed_bytes": 2**62})
    return io.BufferedReader(BoundedGzipReader(raw, unbounded, notes), buffer_size=READ_CHUNK)


class _Broken(Exception):
    """The file cannot be read past here: unlike a ``RejectedArticle`` of one record, it ends the file."""

    def __init__(self, rejection: RejectedArticle) -> None:
        super().__init__(rejection.detail)
        self.rejection = rejection


class _GuardedStream:
    """What warcio reads: gzip refusals become ``_Broken``, and so does a run longer than a document without a
    line break, since warcio reads header lines without a bound (real payloads, binary ones too, break lines
    every few hundred bytes)."""

    def __init__(self, stream: io.BufferedReader, limit: int) -> None:
        self._stream, self._limit, self._run = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        """``read1``: what was inflated before a cut member is handed out before the cut is reported."""
        try:
            data = self._stream.read1(size)
        except RejectedArticle as rejection:
            raise _Broken(rejection) from rejection
        newline = data.rfind(b"\n")
        self._run = len(data) - newline - 1 if newline >= 0 else self._run + len(data)
        if self._run > self._limit:
            raise _Broken(RejectedArticle("read", "corrupt_archive", f"no line break in {self._limit} bytes"))
        return data


def _file_results(
    stream: io.BufferedReader, origin: Origin, limits: ReadLimits, notes: list[str]
) -> Iterator[ReadResult]:
    skipped: Counter[str] = Counter()
    records = ArchiveIterator(_GuardedStream(stream, limits.max_file_bytes), arc2warc=False)
    records.known_format = "warc"  # never fall back to ARC: random bytes would parse as ARC headers
    ordinal, produced = 1, False
    try:
        for record in _parsed(records):
            result = _record_result(record, Origin(path=origin.path, line=ordinal), limits)
            _read_to_end(record)
            if isinstance(result, str):
                skipped[result] += 1
            else:
                produced = True
                yield result
            ordinal += 1
    except _Broken as broken:
        produced = True
        yield ReadFailure.from_rejection(_stopped_at(origin, ordinal), broken.rejection)
    notes += _summary(skipped, records.err_count)
    if not produced:
        yield ReadFailure(origin=origin, reason="empty_input", detail="no HTML response records")


def _parsed(records: Any) -> Iterator[Any]:
    """warcio's records, anything it raises on a malformed one made ``_Broken``: its own errors, and the
    ``AttributeError`` or ``TypeError`` of a header it takes for granted (a response without a target URI)."""
    iterator = iter(records)
    while True:
        try:
            record = next(iterator, None)
        except _Broken:
            raise
        except Exception as exc:  # whatever the cause, the file cannot be read past this record
            detail = f"{type(exc).__name__}: {exc}"[:500]
            raise _Broken(RejectedArticle("read", "corrupt_archive", detail)) from exc
        if record is None:
            break
        yield record
    if records.next_line:  # headers of one more record, then the end of the file: warcio stops there silently
        raise _Broken(RejectedArticle("read", "corrupt_archive", "the file ends inside a record's headers"))


def _stopped_at(origin: Origin, ordinal: int) -> Origin:
    return origin if ordinal == 1 else Origin(path=origin.path, line=ordinal)


def _summary(skipped: Counter[str], misaligned: int) -> list[str]:
    notes = []
    if skipped:
        counts = ", ".join(f"{kind} {count}" for kind, count in sorted(skipped.items()))
        notes.append(f"warc: {skipped.total()} records skipped ({counts})")
    if misaligned:
        notes.append(f"warc: {misaligned} records not followed by a blank line (a wrong Content-Length?)")
    return notes


def _record_result(record: Any, origin: Origin, limits: ReadLimits) -> ReadResult | str:
    """The article of one record, a failure of that record alone, or why it is not an article."""
    skip = _not_an_article(record)
    if skip is not None:
        return skip
    headers = record.http_headers
    media_type, charset = _content_type(headers.get_header("Content-Type"))
    try:
        payload = _payload(record, limits)
        if media_type is None and not _HTML_SIGNATURE.match(payload.removeprefix(b"\xef\xbb\xbf")):
            return "not HTML"
        return _article(record, payload, charset, origin)
    except RejectedArticle as rejection:
        return ReadFailure.from_rejection(origin, rejection)


def _not_an_article(record: Any) -> str | None:
    """Decided from the headers alone; a response without a Content-Type is sniffed later."""
    kind = str(record.rec_type or "").lower()
    if kind != "response":
        return kind if kind in RECORD_TYPES else "other type"
    if record.http_headers is None:
        return "not HTTP"  # dns:, whois: … responses
    status = str(record.http_headers.get_statuscode())
    if not (len(status) == 3 and status.isdigit()):
        return "status invalid"
    if status[0] != "2":
        return f"status {status[0]}xx"
    media_type, _ = _content_type(record.http_headers.get_header("Content-Type"))
    return None if media_type is None or media_type in HTML_TYPES else "not HTML"


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    """The media type (None when not given) and its charset parameter."""
    if not value or not value.split(";", 1)[0].strip():
        return None, None
    found = _CHARSET.search(value)
    return value.split(";", 1)[0].strip().lower(), found.group(1) if found else None


def _payload(record: Any, limits: ReadLimits) -> bytes:
    """The HTTP body, de-chunked and inflated by warcio, refused past one document's size."""
    encoding = str(record.http_headers.get_header("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity" and encoding not in BufferedReader.get_supported_decompressors():
        raise RejectedArticle("read", "unsupported_format", f"Content-Encoding {encoding[:20]} is not supported")
    chunks, size = [], 0
    for chunk in _body_chunks(record):
        size += len(chunk)
        if size > limits.max_file_bytes:
            raise RejectedArticle("read", "too_large", f"HTTP body larger than {limits.max_file_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _body_chunks(record: Any) -> Iterator[bytes]:
    """A body warcio cannot decode fails its record alone: the record's length still says where the next begins."""
    try:
        stream = record.content_stream()
        while chunk := stream.read(READ_CHUNK):
            yield chunk
    except _Broken:
        raise
    except Exception as exc:  # warcio's decoders on a malformed body, whatever they raise
        raise RejectedArticle("read", "corrupt_archive", f"HTTP body: {type(exc).__name__}: {exc}"[:500]) from exc


def _article(record: Any, payload: bytes, charset: str | None, origin: Origin) -> RawArticle:
    """The HTTP charset is the hint, ahead of the page's own ``<meta>``, in ``decode``'s order of trust."""
    content, encoding = decode(payload, hint=charset or declared_charset(payload))
    notes: list[str] = []
    url = record.rec_headers.get_header("WARC-Target-URI")
    problem = url_problem(url) if url else "missing"
    if problem is not None:
        notes.append(f"WARC-Target-URI: URL dropped ({problem})")
        url = None
    crawled_at = record.rec_headers.get_header("WARC-Date")
    return RawArticle(
        origin=origin, format="html", content=content, encoding=encoding, url=url, crawled_at=crawled_at, notes=notes
    )


def _read_to_end(record: Any) -> None:
    """A record the file ends inside is a broken file, not a short record (warcio would end there quietly)."""
    while record.raw_stream.read(READ_CHUNK):
        pass
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        detail = f"the file ends inside a record ({missing} bytes short)"
        raise _Broken(RejectedArticle("read", "corrupt_archive", detail))
