"""The progress bar in a real terminal (a pseudo-terminal): Prefect's log lines print above the bar, never glued to
it; the total is known (``n/N``), not ``?`` for the whole run; the bar counts how the inputs ended. Issue #18, point 2.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.flow]
ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>78]")
GLUED = re.compile(r"\d:\d\d:\d\d\s*\d\d:\d\d:\d\d\.\d{3} \|")  # the bar's elapsed time, then a log line's time
WORDS = ("harbour", "council", "budget", "railway", "festival", "hospital", "orchard", "library", "bridge", "market",
         "stadium", "museum")


def articles(folder: Path) -> int:
    for n, word in enumerate(WORDS):
        (folder / f"{n:03}.txt").write_text(
            f"The {word} plan was approved on Monday\n\nOfficials said the {word} would open next spring after a "
            f"review of the costs. Residents asked for more details about the {word} at a meeting on Tuesday, and "
            f"the mayor promised a report on the {word} within a month.\n")
    (folder / "README.md").write_text("# about this folder\n")  # skipped by default: counted, in the total
    return len(WORDS) + 1


def test_bar_and_log_lines_share_the_terminal_with_a_total_and_counts(
        es: object, prefect_harness: None, alias_env: str, tmp_path: Path) -> None:
    total = articles(tmp_path)
    env = {**os.environ, "NEWSINDEX_INDEX": alias_env, "TERM": "xterm-256color", "COLUMNS": "220"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "flows.cli", "run", str(tmp_path), "--batch-size", "1",
                                           "--workers", "1"],
                          cwd=str(ROOT), env=env, encoding="utf-8", timeout=300, dimensions=(60, 220))
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before or ""
    assert child.exitstatus == 0, screen[-3000:]
    lines = [line for line in re.split(r"[\r\n]", ANSI.sub("", screen)) if line.strip()]
    glued = [line for line in lines if GLUED.search(line)]
    assert not glued, glued[:3]
    bar = [line for line in lines if "ingesting" in line]
    assert bar, screen[-3000:]
    assert any(re.search(rf"\b\d+/{total} inputs", line) for line in bar), bar[-5:]
    assert not any("?" in line.split("ingesting", 1)[1][:12] for line in bar[-3:]), bar[-3:]
    assert any(re.search(r"indexed [1-9]\d* · unchanged 0 · duplicate 0 · dead-lettered 0", line) for line in bar)
    assert any(re.search(r"\| INFO +\| Flow run", line) for line in lines)  # Prefect's lines did print
    assert any(re.search(r"skipped by filters +1", line) for line in lines)  # and the report after the bar
