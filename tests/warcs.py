"""WARC files written by hand for the tests: the format is text headers and a length, so every byte is in view.

Each record is gzipped as its own member for ``.warc.gz`` (as Common Crawl writes them), so a test can cut one
member and know which record it broke.
"""

from __future__ import annotations

import gzip
from pathlib import Path

CRAWL_DATE = "2024-03-05T06:07:08Z"


def record(
    warc_type: str,
    block: bytes,
    uri: str | None = "https://example.org/",
    date: str = CRAWL_DATE,
    content_type: str | None = None,
) -> bytes:
    """One WARC/1.0 record, with its two closing line breaks."""
    headers = [f"WARC-Type: {warc_type}", f"WARC-Date: {date}", "WARC-Record-ID: <urn:uuid:0>"]
    if uri is not None:
        headers.append(f"WARC-Target-URI: {uri}")
    if content_type is not None:
        headers.append(f"Content-Type: {content_type}")
    headers.append(f"Content-Length: {len(block)}")
    return ("WARC/1.0\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n").encode() + block + b"\r\n\r\n"


def http_block(body: bytes, status: str = "200 OK", headers: tuple[str, ...] = ("Content-Type: text/html",)) -> bytes:
    return f"HTTP/1.1 {status}\r\n".encode() + "".join(h + "\r\n" for h in headers).encode() + b"\r\n" + body


def response(
    body: bytes,
    uri: str = "https://example.org/",
    status: str = "200 OK",
    headers: tuple[str, ...] = ("Content-Type: text/html",),
    date: str = CRAWL_DATE,
) -> bytes:
    return record("response", http_block(body, status, headers), uri, date, "application/http; msgtype=response")


def page(text: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.strip().splitlines()[1:])
    title = text.strip().splitlines()[0]
    head = f"<!DOCTYPE html><html><head><title>{title}</title></head>"
    return f"{head}<body><h1>{title}</h1>{paragraphs}</body></html>".encode()


WARCINFO = record(
    "warcinfo", b"software: tests\r\nformat: WARC File Format 1.0\r\n", None, content_type="application/warc-fields"
)
REQUEST = record(
    "request", b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n", content_type="application/http; msgtype=request"
)
METADATA = record("metadata", b"fetchTimeMs: 12\r\n", content_type="application/warc-fields")


def write_warc(path: Path, records: list[bytes]) -> Path:
    """Plain, or a gzip member per record when the name ends in .gz."""
    members = [gzip.compress(r) for r in records] if path.name.endswith(".gz") else records
    path.write_bytes(b"".join(members))
    return path
