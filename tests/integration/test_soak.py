"""Soak: the whole BBC corpus (2,225 files) into the second node while the node is restarted twice mid-run.

Each failed run is followed by the same command again, as its error message asks, until one completes. Then
nothing is lost or doubled: 2,125 documents (2,225 inputs minus the 100 exact copies the corpus README lists in
``duplicate-groups.tsv``), every copy recorded on the document it duplicates, no dead letter.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.index import deadletters
from tests.conftest import drop_alias_family
from tests.integration import second_node as node2
from tests.integration.second_node import SecondNode

pytestmark = [pytest.mark.integration, pytest.mark.flow, pytest.mark.slow]
second_node, live_second_node = node2.second_node, node2.live_second_node  # fixtures
BBC = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news"  # shared/ sits beside the clone
CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")
INPUTS, UNIQUE, COPIES = 2225, 2125, 100
CLI = [sys.executable, "-m", "flows.cli"]
REPO = Path(__file__).resolve().parents[2]


def indexed_count(client: Elasticsearch, alias: str) -> int:
    try:
        return int(client.options(request_timeout=5, ignore_status=404).count(index=alias).get("count", 0))
    except Exception:  # the node is down or recovering
        return -1


class Restarter(threading.Thread):
    """Stops and starts the node (graceful SIGTERM, then the node manager's start) when the index passes each
    threshold; the count grows across runs, so a re-run's progress counts too."""

    def __init__(self, node: SecondNode, alias: str, thresholds: list[int]) -> None:
        super().__init__(daemon=True)
        self.node, self.alias, self.thresholds = node, alias, list(thresholds)
        self.done = threading.Event()
        self.restarts: list[tuple[int, float]] = []
        self.idle = threading.Event()
        self.idle.set()
        self.errors: list[str] = []

    def run(self) -> None:
        client = self.node.client()
        while self.thresholds and not self.done.is_set():
            count = indexed_count(client, self.alias)
            if count >= self.thresholds[0]:
                self.idle.clear()
                try:
                    started = time.monotonic()
                    self.node.stop()
                    self.node.start()
                    self.restarts.append((count, round(time.monotonic() - started, 1)))
                except Exception as exc:  # reported by the test, never swallowed
                    self.errors.append(repr(exc))
                finally:
                    self.thresholds.pop(0)
                    self.idle.set()
            time.sleep(0.5)


@pytest.fixture
def soak_alias(live_second_node: SecondNode) -> Iterator[str]:
    alias = f"test-soak-{uuid.uuid4().hex[:8]}"
    yield alias
    live_second_node.ensure_running()
    drop_alias_family(live_second_node.client(), alias)


def run_until_complete(node: SecondNode, alias: str, reports: Path, restarter: Restarter,
                       attempts: int = 6) -> tuple[list[dict], list[str]]:
    folders = [str(BBC / c) for c in CATEGORIES]
    completed: list[dict] = []
    failures: list[str] = []
    for attempt in range(attempts):
        restarter.idle.wait(timeout=300)
        node.client().cluster.health(wait_for_status="yellow", timeout="60s")
        report = reports / f"run{attempt}.json"
        done = subprocess.run([*CLI, "run", *folders, "--no-progress", "--report", str(report)],
                              capture_output=True, text=True, timeout=1800, cwd=REPO, env=node.subprocess_env(alias))
        if done.returncode == 0:
            completed.append(json.loads(report.read_text()))
            return completed, failures
        failures.append(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}")
    raise AssertionError(f"no run completed in {attempts} attempts: {failures}")


@pytest.mark.timeout(3600)
@pytest.mark.skipif(not all((BBC / c).is_dir() for c in CATEGORIES), reason=f"BBC corpus not found under {BBC}")
def test_bbc_with_two_node_restarts_loses_and_doubles_nothing(live_second_node: SecondNode, soak_alias: str,
                                                              tmp_path: Path) -> None:
    restarter = Restarter(live_second_node, soak_alias, [int(UNIQUE * 0.3), int(UNIQUE * 0.6)])
    restarter.start()
    try:
        completed, failures = run_until_complete(live_second_node, soak_alias, tmp_path, restarter)
    finally:
        restarter.done.set()
        restarter.join(timeout=300)
    print(f"restarts (docs indexed, seconds): {restarter.restarts}; failed runs: {failures}")
    assert restarter.errors == [] and len(restarter.restarts) == 2, (restarter.restarts, restarter.errors)
    final = completed[-1]
    client = live_second_node.client()
    client.indices.refresh(index=[soak_alias, deadletters.deadletter_index(soak_alias)])
    stats = client.search(index=soak_alias, size=0, aggs={"keys": {"cardinality": {"field": "origin.key"}},
                                                          "copies": {"sum": {"field": "duplicates.count"}}})
    observed = {
        "report accounted": final["accounted"], "report inputs": final["inputs"],
        "report dead-lettered": final["dead_lettered"], "report duplicate": final["duplicate"],
        "report indexed + unchanged": final["indexed"] + final["unchanged"],
        "documents": client.count(index=soak_alias)["count"],
        "distinct origins": stats["aggregations"]["keys"]["value"],
        "duplicates.count summed": int(stats["aggregations"]["copies"]["value"]),
        "dead letters stored": client.count(index=deadletters.deadletter_index(soak_alias))["count"],
    }
    expected = {"report accounted": True, "report inputs": INPUTS, "report dead-lettered": 0,
                "report duplicate": COPIES, "report indexed + unchanged": UNIQUE, "documents": UNIQUE,
                "distinct origins": UNIQUE, "duplicates.count summed": COPIES, "dead letters stored": 0}
    assert observed == expected
    recorded, wanted = recorded_copies(client, soak_alias), expected_copies()
    assert {k: v for k, v in recorded.items() if wanted.get(k) != v} == {}
    assert set(wanted) <= set(recorded)

def expected_copies() -> dict[str, set[str]]:
    rows = (BBC / "duplicate-groups.tsv").read_text().splitlines()[1:]
    groups: dict[str, set[str]] = {}
    for row in rows:
        kept, copies = row.split("\t")[:2]
        groups.setdefault(str(BBC / kept), set()).update(str(BBC / c) for c in copies.split(",") if c)
    return groups


def recorded_copies(client: Elasticsearch, alias: str) -> dict[str, set[str]]:
    hits = client.search(index=alias, size=500, query={"exists": {"field": "duplicates.paths"}},
                         source_includes=["origin.path", "duplicates.paths"])["hits"]["hits"]
    return {h["_source"]["origin"]["path"]: set(h["_source"]["duplicates"]["paths"]) for h in hits}
