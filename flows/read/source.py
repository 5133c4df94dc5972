"""The reader interface: one class per source format, as Elastic's connectors have one per source.

A reader turns one file into articles and never raises for bad input: whatever goes wrong with a file
(or with one line of it) comes out as a ``ReadFailure`` in the same stream, in order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from flows.read.failure import ReadFailure
from flows.read.limits import ReadLimits
from flows.read.paths import display_path
from transforms.errors import RejectedArticle
from transforms.models import Origin, RawArticle

ReadResult = RawArticle | ReadFailure


class SourceReader(ABC):
    """Reads one kind of file. Subclasses implement ``_articles`` and may raise ``RejectedArticle``."""

    format: ClassVar[str]

    def read(self, path: Path, limits: ReadLimits) -> Iterator[ReadResult]:
        origin = Origin(path=display_path(path))
        try:
            yield from self._articles(path, origin, limits)
        except RejectedArticle as rejection:
            yield ReadFailure.from_rejection(origin, rejection)
        except FileNotFoundError:
            yield ReadFailure(origin=origin, reason="not_found", detail="the file vanished before it was read")
        except OSError as exc:
            yield ReadFailure(origin=origin, reason="unreadable", detail=exc.strerror or str(exc))
        except Exception as exc:  # one bad file must never stop the run
            detail = f"{type(exc).__name__}: {exc}"[:500]
            yield ReadFailure(origin=origin, reason="unexpected_error", detail=detail)

    @abstractmethod
    def _articles(self, path: Path, origin: Origin, limits: ReadLimits) -> Iterator[ReadResult]:
        """The articles (and per-record failures) of one file."""
