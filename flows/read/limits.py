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
_COMPRESSED_CHUNK = 64 * 1024
_INFLATE_CHUNK = 256 * 1024


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
    max_line_bytes: int = Field(default=10 * MiB, gt=0, description="One JSONL line (one record).")


DEFAULT_LIMITS = ReadLimits()


def open_stream(path: Path, limits: ReadLimits) -> BinaryIO:
    """A buffered binary stream of the file's content, inflated and bounded when the name ends in .gz."""
    raw = open(path, "rb")  # noqa: SIM115 - ownership passes to the returned stream
    if not path.name.lower().endswith(".gz"):
        return raw
    return io.BufferedReader(BoundedGzipReader(raw, limits), buffer_size=_INFLATE_CHUNK)


def read_document(path: Path, limits: ReadLimits) -> bytes:
    """All bytes of a one-document file, or ``too_large`` once past ``max_file_bytes``."""
    if not path.name.lower().endswith(".gz") and path.stat().st_size > limits.max_file_bytes:
        raise RejectedArticle("read", "too_large", f"{path.stat().st_size} bytes > {limits.max_file_bytes}")
    chunks: list[bytes] = []
    size = 0
    with open_stream(path, limits) as stream:
        # In chunks: read(max + 1) would allocate the whole cap up front, even for a tiny or hostile file.
        while chunk := stream.read(_INFLATE_CHUNK):
            size += len(chunk)
            if size > limits.max_file_bytes:
                raise RejectedArticle("read", "too_large", f"document larger than {limits.max_file_bytes} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


class BoundedGzipReader(io.RawIOBase):
    """Inflates gzip (multi-member too) in bounded steps, refusing bombs, oversize and corrupt streams."""

    def __init__(self, raw: BinaryIO, limits: ReadLimits) -> None:
        super().__init__()
        self._raw = raw
        self._limits = limits
        self._inflater: zlib._Decompress | None = None  # None between gzip members
        self._pending = b""  # compressed bytes read but not yet fed to the inflater
        self._compressed_read = 0
        self._inflated = 0
        self._members = 0

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
        if not self._pending:
            self._pending = self._raw.read(_COMPRESSED_CHUNK)
            self._compressed_read += len(self._pending)
            if not self._pending:
                return self._end_of_input()
        if self._inflater is None:
            self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            self._members += 1
        try:
            out = self._inflater.decompress(self._pending, min(want, _INFLATE_CHUNK))
        except zlib.error as exc:
            raise RejectedArticle("read", "corrupt_archive", f"gzip member {self._members}: {exc}") from exc
        if self._inflater.eof:
            self._pending, self._inflater = self._inflater.unused_data, None
        else:
            self._pending = self._inflater.unconsumed_tail
        self._account(len(out))
        return out

    def _end_of_input(self) -> None:
        if self._inflater is not None:
            raise RejectedArticle("read", "corrupt_archive", "gzip stream truncated")
        return None

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
