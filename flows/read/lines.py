"""The lines of a JSONL stream: its encoding found before it is split, each line bounded while it is read.

Splitting on the byte ``\\n`` is right only for UTF-8 and single-byte codepages: in UTF-16 a newline is two
bytes and a ``0a`` byte can be half of another character. So the head of the stream is sniffed first, by the
rule ``json.loads`` applies to bytes (RFC 4627: a BOM, or the NUL pattern of the first two characters, which
are ASCII in any JSON text), and a UTF-16 or UTF-32 stream is transcoded to UTF-8 chunk by chunk before it is
split. Everything else is split as bytes, so that each line can still be decoded on its own (a dump with one
Latin-1 line among UTF-8 ones).

A line is counted as it arrives and dropped as soon as it passes the limit; the rest of it is skipped up to the
next newline without being kept. A 50 MB line costs the limit plus one chunk of memory, and no parsing.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterable, Iterator

from flows.read.limits import READ_CHUNK
from transforms.errors import RejectedArticle

_WIDE = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})



def utf8_chunks(stream: io.BufferedReader) -> tuple[str | None, Iterator[bytes]]:
    """The stream's declared encoding (None: undeclared, decode line by line) and its content in chunks to split:
    transcoded to UTF-8 when the encoding is wide, the file's own bytes otherwise.

    Chunks are what one read of the file (or one inflation step) gives, not a fixed size: the lines before a
    corrupt part of a .gz are then produced before the corruption is met.
    """
    head = _head(stream)
    encoding = stream_encoding(head)
    if encoding in _WIDE:
        return encoding, _transcoded(head, stream, encoding)
    if encoding == "utf-8-sig":
        head = head[len(codecs.BOM_UTF8) :]
    return encoding, _passed_through(head, stream)


def stream_encoding(head: bytes) -> str | None:
    """'utf-8-sig', a UTF-16 or UTF-32 codec, or None; BOM-less UTF-16/32 only if the head reads as lines of it."""
    encoding = json.detect_encoding(head)
    if encoding in ("utf-8-sig", "utf-16", "utf-32"):
        return encoding  # a byte-order mark
    if encoding not in _WIDE:
        return None
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head)
    except UnicodeDecodeError:
        return None
    return encoding if "\n" in text and "\x00" not in text else None


ZERO_RUN = 4096


def bounded_lines(chunks: Iterable[bytes], max_bytes: int) -> Iterator[bytes | bytearray | None]:
    """Each line without its newline, in order; None in place of a line longer than ``max_bytes``."""
    partial = bytearray()  # the start of a line that continues in the next chunk
    skipping = False  # the current line is already too long: its bytes are dropped as they come
    for chunk in chunks:
        if len(chunk) >= ZERO_RUN and not chunk.strip(b"\x00"):
            # zero-filled: a sparse or truncated file, never text; without this a `truncate -s 1T` file is streamed
            # for hours looking for the end of its one line
            raise RejectedArticle("read", "binary_content", f"{len(chunk):,} NUL bytes in a row: not a text file")
        *complete, rest = chunk.split(b"\n")
        for piece in complete:
            if skipping or len(partial) + len(piece) > max_bytes:
                yield None
            elif partial:
                partial += piece
                yield partial
            else:
                yield piece
            partial, skipping = bytearray(), False
        if skipping or len(partial) + len(rest) > max_bytes:
            partial, skipping = bytearray(), True
        else:
            partial += rest
    if skipping:
        yield None
    elif partial:
        yield partial


def _head(stream: io.BufferedReader) -> bytes:
    """Enough to sniff: four bytes for a BOM or the NUL pattern, a first line when that pattern says wide."""
    head = stream.read1(READ_CHUNK)
    while len(head) < READ_CHUNK and (len(head) < 4 or (b"\n" not in head and _looks_wide(head))):
        more = stream.read1(READ_CHUNK)
        if not more:
            break
        head += more
    return head


def _looks_wide(head: bytes) -> bool:
    return json.detect_encoding(head) in _WIDE


def _passed_through(head: bytes, stream: io.BufferedReader) -> Iterator[bytes]:
    yield head
    while chunk := stream.read1(READ_CHUNK):
        yield chunk


def _transcoded(head: bytes, stream: io.BufferedReader, encoding: str) -> Iterator[bytes]:
    """UTF-8 from a wide encoding; an invalid sequence becomes U+FFFD, so no line fails for its neighbour's bytes."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    for chunk in _passed_through(head, stream):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")
