"""A progress line for long runs on a terminal; silent otherwise (CI logs, Prefect workers)."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.progress import MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar = RichProgress(SpinnerColumn(), TextColumn("ingesting"), MofNCompleteColumn(),
                                     TextColumn("articles"), TimeElapsedColumn(), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("ingest", total=None)
        return self

    def advance(self, count: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, count)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)
