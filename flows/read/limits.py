"""Size limits and the bounded byte streams that enforce them.

Every input is read through a stream that counts what it hands out, so a hostile or broken file is
refused after at most a few megabytes of work: a gzip bomb (300 MB of zeros is 300 KB compressed) is
detected by its compression ratio long before it is inflated, and never held in memory.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field

from transforms.errors import RejectedArticle

MiB = 1024 * 1024
READ_CHUNK = 64 * 1024
_COMPRESSED_CHUNK = 64 * 1024
_INFLATE_CHUNK = 256 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_PADDING = 1 * 1024 * 1024


class ReadLimits(BaseModel):
    """What the reader refuses. Defaults fit news: an article is kilobytes, a real JSONL dump compresses ~5:1."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_bytes: int = Field(
        default=50 * MiB, gt=0, description="One document (.txt, .html, .json), after decompression."
    )
    max_decompressed_bytes: int = Field(
        default=200 * MiB, gt=0, description="Everything one .gz file inflates to, JSONL included."
    )
    max_compression_ratio: float = Field(
        default=100.0, gt=1.0, description="Inflated / compressed bytes above which a .gz is a bomb."
    )
    ratio_grace_bytes: int = Field(
        default=1 * MiB, ge=0, description="The ratio is checked only past this much output."
    )
    max_line_bytes: int = Field(
        default=10 * MiB,
        gt=0,
        description="One JSON record: a JSONL line (as UTF-8, newline excluded) or a whole .json file. Parsing "
        "costs up to ~25 times the record's size in memory, so this bounds the work per record.",
    )
    max_consecutive_bad_lines: int = Field(
        default=1000,
        gt=0,
        description="JSONL lines failing in a row after which the rest of the file is not read: an image or "
        "archive under a .jsonl name would otherwise become one dead letter per newline byte.",
    )


DEFAULT_LIMITS = ReadLimits()


def open_stream(path: Path, limits: ReadLimits, notes: list[str] | None = None) -> io.BufferedReader:
    """A buffered binary stream of the file's content, inflated and bounded when the name ends in .gz.

    What the stream skips (bytes after the last gzip member) is described in ``notes`` when given.
    """
    raw = open(path, "rb")  # noqa: SIM115 - ownership passes to the returned stream
    if not path.name.lower().endswith(".gz"):
        return raw
    return io.BufferedReader(BoundedGzipReader(raw, limits, notes), buffer_size=_INFLATE_CHUNK)


def read_document(path: Path, limits: ReadLimits, max_bytes: int | None = None) -> tuple[bytes, list[str]]:
    """All bytes of a one-document file and what reading skipped; ``too_large`` past ``max_bytes``.

    ``max_bytes`` defaults to ``max_file_bytes``; the size is checked before the file is opened when it can be
    and while it is inflated when not, so an oversized input costs no more than the limit in work and memory.
    """
    limit = limits.max_file_bytes if max_bytes is None else max_bytes
    if not path.name.lower().endswith(".gz") and path.stat().st_size > limit:
        raise RejectedArticle("read", "too_large", f"{path.stat().st_size} bytes > {limit}")
    chunks: list[bytes] = []
    size = 0
    notes: list[str] = []
    with open_stream(path, limits, notes) as stream:
        # In chunks: read(max + 1) would allocate the whole cap up front, even for a tiny or hostile file.
        while chunk := stream.read(_INFLATE_CHUNK):
            size += len(chunk)
            if size > limit:
                raise RejectedArticle("read", "too_large", f"document larger than {limit} bytes")
            chunks.append(chunk)
    return b"".join(chunks), notes


class BoundedGzipReader(io.RawIOBase):
    """Inflates gzip (multi-member too) in bounded steps, refusing bombs, oversize and corrupt streams.

    Bytes after a complete member that do not start another one (zero padding from tape or block devices,
    garbage appended by a broken transfer) are ignored with a note, as ``gzip -d`` ignores them with a warning:
    the members before them are intact.
    """

    def __init__(self, raw: BinaryIO, limits: ReadLimits, notes: list[str] | None = None) -> None:
        super().__init__()
        self._raw = raw
        self._limits = limits
        self._notes = notes if notes is not None else []
        self._inflater: zlib._Decompress | None = None  # None between gzip members
        self._pending = b""  # compressed bytes read but not yet fed to the inflater
        self._compressed_read = 0
        self._inflated = 0
        self._members = 0
        self._finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        out: bytes | None = b""
        while out == b"":
            out = self._inflate(max(len(buffer), 1))
        if out is None:
            return 0
        size = len(out)
        buffer[:size] = out
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()

    def _inflate(self, want: int) -> bytes | None:
        """Up to ``want`` inflated bytes; b"" when a step produced nothing yet; None at the end."""
        if self._finished:
            return None
        if not self._pending and not self._read_compressed():
            if self._inflater is not None:
                raise RejectedArticle("read", "corrupt_archive", "gzip stream truncated")
            self._finished = True
            return None
        inflater = self._inflater if self._inflater is not None else self._start_member()
        if inflater is None:
            return None
        try:
            out = inflater.decompress(self._pending, min(want, _INFLATE_CHUNK))
        except zlib.error as exc:
            raise RejectedArticle("read", "corrupt_archive", f"gzip member {self._members}: {exc}") from exc
        if inflater.eof:
            self._pending, self._inflater = inflater.unused_data, None
        else:
            self._pending = inflater.unconsumed_tail
        self._account(len(out))
        return out

    def _read_compressed(self) -> bool:
        chunk = self._raw.read(_COMPRESSED_CHUNK)
        self._compressed_read += len(chunk)
        self._pending += chunk
        return bool(chunk)

    def _start_member(self) -> zlib._Decompress | None:
        """None when the pending bytes are not a gzip member: an error first, trailing bytes after one."""
        while len(self._pending) < len(_GZIP_MAGIC) and self._read_compressed():
            pass
        if not self._pending.startswith(_GZIP_MAGIC):
            if not self._members:
                raise RejectedArticle("read", "corrupt_archive", "not gzip: the file does not start with 1f 8b")
            self._ignore_trailing_bytes()
            return None
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._members += 1
        return self._inflater

    def _ignore_trailing_bytes(self) -> None:
        """Zero padding silently, anything else with a note, as ``gzip -d`` does; the tail is never inflated."""
        consumed = self._compressed_read - len(self._pending)
        if not self._zero_padding():
            try:
                end = self._raw.seek(0, io.SEEK_END)
            except OSError:  # not seekable: report what was read
                end = self._compressed_read
            self._notes.append(f"gzip: {end - consumed} bytes after member {self._members} ignored (not gzip)")
        self._pending, self._finished = b"", True

    def _zero_padding(self) -> bool:
        """Whether the rest is zeros (tape and block devices pad so), judged on at most ``_MAX_PADDING`` bytes."""
        tail, checked = self._pending, 0
        while not tail.strip(b"\0"):
            checked += len(tail)
            if checked > _MAX_PADDING:
                return False
            tail = self._raw.read(_COMPRESSED_CHUNK)
            if not tail:
                return True
        return False

    def _account(self, produced: int) -> None:
        self._inflated += produced
        limits = self._limits
        if self._inflated > limits.max_decompressed_bytes:
            raise RejectedArticle("read", "too_large", f"inflates to more than {limits.max_decompressed_bytes} bytes")
        consumed = max(self._compressed_read - len(self._pending), 1)
        ratio = self._inflated / consumed
        if self._inflated > limits.ratio_grace_bytes and ratio > limits.max_compression_ratio:
            raise RejectedArticle(
                "read", "gzip_bomb", f"compression ratio {ratio:.0f}:1 > {limits.max_compression_ratio:.0f}:1"
            )
