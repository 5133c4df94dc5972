"""A run with nothing to do ends before Prefect: the same counts as the flow would give, no flow run; any input
that needs work (changed, new, dead-lettered before, to be pruned) sends the run through the flow as usual."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.flow]
ROOT = Path(__file__).resolve().parents[2]


def cli(alias: str, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"{alias}-report.json"
    report.unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", *args, "--no-progress", "--workers", "0",
                           "--report", str(report)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NEWSINDEX_INDEX": alias})
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(report.read_text())


def test_unchanged_inputs_need_no_flow_run(es: object, prefect_harness: None, alias_env: str,
                                           tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", inbox)
    _, report = cli(alias_env, str(inbox))
    assert report["run_id"] != "preflight" and report["indexed"] == 5
    again, report = cli(alias_env, str(inbox))
    assert report["run_id"] == "preflight" and (report["unchanged"], report["inputs"]) == (5, 5)
    assert "flow run  none" in again.stdout and "Flow run" not in again.stderr
    (inbox / "new.txt").write_text("A new story\n\nThe harbour authority approved a new ferry terminal today, "
                                   "officials said on Thursday after a long debate.\n")
    _, report = cli(alias_env, str(inbox))
    assert report["run_id"] != "preflight" and (report["indexed"], report["unchanged"]) == (1, 5)
    (inbox / "new.txt").unlink()
    _, report = cli(alias_env, str(inbox), "--prune")
    assert report["run_id"] != "preflight" and report["pruned"] == 1
    _, report = cli(alias_env, str(inbox))
    assert report["run_id"] == "preflight" and report["missing_sources"] == []


def test_an_input_with_a_dead_letter_goes_through_the_flow(es: object, prefect_harness: None, alias_env: str,
                                                           tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Ferry terminal approved\n\nThe harbour authority approved plans for a new "
                                    "ferry terminal on Thursday, ending two years of debate.\n")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 40)
    _, report = cli(alias_env, str(tmp_path))
    assert report["dead_lettered"] == 1
    _, report = cli(alias_env, str(tmp_path))  # b.txt is still broken: a read failure is work for the flow
    assert report["run_id"] != "preflight" and report["dead_lettered"] == 1
