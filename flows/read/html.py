"""HTML files: decoded only; extracting the main text and metadata is the clean stage's job."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from flows.read.limits import ReadLimits, read_document
from flows.read.source import ReadResult, SourceReader
from transforms.clean.decode import decode
from transforms.models import Origin, RawArticle

_PRESCAN_BYTES = 4096  # the WHATWG prescan reads 1024; real pages often put the meta tag a little later
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in ``<meta charset>``, ``http-equiv`` or an XML declaration."""
    found = _DECLARED_CHARSET.search(data[:_PRESCAN_BYTES])
    if found is None:
        return None
    return (found.group(1) or found.group(2)).decode("ascii")


class HtmlReader(SourceReader):
    format = "html"

    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        data, notes = read_document(path, limits)
        content, encoding = decode(data, hint=declared_charset(data))
        yield RawArticle(origin=origin, format="html", content=content, encoding=encoding, notes=notes)
