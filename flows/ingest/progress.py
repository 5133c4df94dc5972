"""A progress bar for long runs on a terminal; silent otherwise (CI logs, Prefect workers).

The bar and Prefect's log lines share one rich console, Prefect's own: two consoles writing to one terminal glue a
log line onto the bar (``0:00:0014:46:37.396 | INFO``); one console prints each log line above the bar. The total
is counted by a walk of the inputs in a thread (discovery is cheap beside the NLP), so the bar says ``n/N`` as soon as
the walk is done instead of ``?`` for the whole run; the counts of how inputs ended follow the run's report.
"""

from __future__ import annotations

import gzip
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from prefect.logging.handlers import PrefectConsoleHandler
from rich.console import Console
from rich.progress import MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from flows.ingest.report import RunReport
from flows.read import InputRules, scan, source_format

LINE_COUNTED_FORMATS = frozenset({"jsonl"})  # one input per line; every other file is one input


def console_handlers() -> list[PrefectConsoleHandler]:
    """Prefect's console handlers (on the root logger by default; a user's logging.yml may put them elsewhere)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    found: dict[int, PrefectConsoleHandler] = {}
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, PrefectConsoleHandler):
                found.setdefault(id(handler), handler)
    return list(found.values())


class Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        self._borrowed: list[tuple[PrefectConsoleHandler, Console]] = []

    def __enter__(self) -> Progress:
        if not self.enabled:
            return self
        handlers = console_handlers()
        console = handlers[0].console if handlers else Console(stderr=True)
        if not console.is_terminal:
            self.enabled = False
            return self
        for handler in handlers:  # every log line through the bar's console, so it prints above the bar
            self._borrowed.append((handler, handler.console))
            handler.console = console
        self._bar = RichProgress(SpinnerColumn(), TextColumn("ingesting"), MofNCompleteColumn(), TextColumn("inputs"),
                                 TextColumn("{task.fields[outcomes]}"), TimeElapsedColumn(),
                                 console=console, transient=True)
        self._bar.__enter__()
        self._task = self._bar.add_task("ingest", total=None, outcomes="")
        return self

    def count_inputs(self, paths: Sequence[Path], follow_symlinks: bool, rules: InputRules) -> None:
        """Sets the total when a walk of the inputs has counted them; the run does not wait for it."""
        if self._bar is None:
            return

        def count() -> None:
            total = count_inputs(paths, follow_symlinks, rules)
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, total=total)

        threading.Thread(target=count, name="count-inputs", daemon=True).start()

    def advance(self, count: int, report: RunReport) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=count, outcomes=outcomes(report))

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, exc, tb)
            self._bar = None
        for handler, console in self._borrowed:
            handler.console = console
        self._borrowed = []


def outcomes(report: RunReport) -> str:
    """How the inputs settled so far (they settle a batch or two behind reading)."""
    parts = [f"indexed {report.indexed}", f"unchanged {report.unchanged}", f"duplicate {report.duplicate}",
             f"dead-lettered {report.dead_lettered}"]
    if report.skipped_by_filters:
        parts.append(f"skipped {report.skipped_by_filters}")
    return " · ".join(parts)


def count_inputs(paths: Sequence[Path], follow_symlinks: bool, rules: InputRules) -> int:
    """What the run will count as inputs: each file, failure and skipped file once, each JSONL line with text."""
    total = 0
    for item in scan(paths, follow_symlinks=follow_symlinks, rules=rules):
        total += jsonl_lines(item) if isinstance(item, Path) and source_format(item) in LINE_COUNTED_FORMATS else 1
    return total


def jsonl_lines(path: Path) -> int:
    """Non-blank lines, at least 1 (an empty or unreadable file is one dead letter)."""
    try:
        with (gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")) as stream:
            return max(1, sum(1 for line in stream if line.strip()))
    except (OSError, EOFError, ValueError):
        return 1
