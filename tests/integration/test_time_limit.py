"""The per-input time limit through the real flow: an input that keeps a worker busy past the limit is dead-lettered
as a timeout and its worker replaced, its neighbours are indexed; and Ctrl-C in a terminal stops a run that is
busy, then a re-run finishes and reconciles."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pexpect
import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest

pytestmark = [pytest.mark.integration, pytest.mark.flow]
ROOT = Path(__file__).resolve().parents[2]
WORDS = ("council", "harbour", "minister", "budget", "election", "school", "river", "market", "weather", "hospital",
         "train", "museum", "festival", "police", "court", "farmers", "bridge", "energy", "prices", "workers", "Paris",
         "London", "Microsoft")


def long_article(paragraphs: int) -> str:
    """Ordinary prose, only long: spaCy takes tens of CPU seconds over it, so it overruns a limit of a few."""
    rng = random.Random(paragraphs)
    body = ("\n\n".join(" ".join(" ".join(rng.choices(WORDS, k=14)).capitalize() + "." for _ in range(5))
                        for _ in range(paragraphs)))
    return "A very long report\n\n" + body + "\n"


def short_articles(folder: Path, n: int) -> None:
    for i in range(n):
        (folder / f"short{i}.txt").write_text(f"Short story {i}\n\nThe council met on Monday and the minister "
                                              f"spoke about the budget for story number {i} at length.\n")


def test_input_over_the_limit_is_a_timeout_and_costs_only_itself(es: Elasticsearch, prefect_harness: None,
                                                                  alias_env: str, tmp_path: Path) -> None:
    short_articles(tmp_path, 3)
    (tmp_path / "long.txt").write_text(long_article(3000))  # about a minute of spaCy; the others well under 15 s
    report = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=1, seconds_per_input=15))
    assert report.accounted, report.table()
    assert (report.indexed, report.dead_letter_reasons) == (3, {"enrich/timeout": 1})
    assert report.workers_replaced >= 1
    es.indices.refresh(index=alias_env)
    assert es.count(index=alias_env, query={"match": {"title": "long report"}})["count"] == 0


def test_ctrl_c_stops_a_busy_run_and_a_rerun_reconciles(es: Elasticsearch, alias_env: str, tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    short_articles(inbox, 2)
    (inbox / "long.txt").write_text(long_article(3000))
    env = {**os.environ, "NEWSINDEX_INDEX": alias_env, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    command = [str(inbox), "--workers", "1", "--seconds-per-input", "600", "--no-progress"]
    child = pexpect.spawn(sys.executable, ["-m", "flows.cli", "run", *command], cwd=str(ROOT), env=env,
                          encoding="utf-8", timeout=180)
    child.expect("Task run 'cleaned")  # the long input is now in a worker, for minutes
    child.sendintr()
    child.expect(pexpect.EOF, timeout=60)  # stopped: the worker was killed, not waited for
    child.close()
    assert child.exitstatus != 0 or child.signalstatus is not None
    (inbox / "long.txt").write_text(long_article(3))
    rerun = pexpect.spawn(sys.executable, ["-m", "flows.cli", "run", *command], cwd=str(ROOT), env=env,
                          encoding="utf-8", timeout=300)
    rerun.expect("all accounted for +yes")
    rerun.expect(pexpect.EOF)
    rerun.close()
    assert rerun.exitstatus == 0
