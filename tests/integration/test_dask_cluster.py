"""A real Dask cluster: a ``dask scheduler`` and ``dask worker`` processes on loopback, started and torn down here.

The fan-out follows the cluster's threads as workers join; a worker whose code differs from the flow's is refused
and gets no work (a task sent to it anyway refuses its inputs); the documents are those of local processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest
from tests.conftest import drop_alias_family
from tests.integration.second_node import free_port
from tests.integration.test_partition import build_corpus, documents

pytestmark = [pytest.mark.integration, pytest.mark.flow]
REPO = Path(__file__).resolve().parents[2]
SKEW = Path(__file__).with_name("dask_skew.py")


class Cluster:
    def __init__(self, tmp: Path) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.tmp = tmp
        self.processes: list[subprocess.Popen[bytes]] = []
        self.workers: set[str] = set()
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        port = self.address.rsplit(":", 1)[1]
        self.start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"])

    def start(self, name: str, args: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.processes.append(subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=REPO, env=self.env,
                                               stdout=log, stderr=subprocess.STDOUT))

    def worker(self, name: str, threads: int, *extra: str) -> None:
        """Started once, whichever test asks first."""
        if name in self.workers:
            return
        self.workers.add(name)
        self.start(name, ["worker", self.address, "--nthreads", str(threads), "--no-nanny", "--no-dashboard",
                          "--host", "127.0.0.1", "--name", name, *extra])

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = Cluster(tmp_path_factory.mktemp("dask"))
    running.worker("a", 2)
    try:
        yield running
    finally:
        running.stop()


def eventually(check: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_fan_out_follows_the_cluster_and_a_skewed_worker_is_refused(cluster: Cluster) -> None:
    from flows.ingest.dask_pool import DaskPool
    from flows.ingest.worker_check import checked_call, worker_versions
    from flows.ingest.workers import clean_chunk
    from transforms.models import Origin, RawArticle

    pool = DaskPool(cluster.address, 0)  # the client waits for the scheduler to listen
    try:
        assert eventually(lambda: pool.slots() == 2, "worker a")
        cluster.worker("b", 2)
        assert eventually(lambda: pool.slots() == 4, "worker b to join and be counted")
        cluster.worker("skewed", 2, "--preload", str(SKEW))
        eventually(lambda: pool.slots() == 4 and pool.refused, "the skewed worker to be refused")
        [refusal] = pool.refusals()
        assert "stages" in refusal and ".e99." in refusal and "(flow)" in refusal
        skewed = next(iter(pool.refused))
        raw = RawArticle(origin=Origin(path="/x/a.txt"), format="text",
                         content="A headline\n\nThe council met on Monday to discuss the budget for the library.")
        _, [failure] = pool.client.submit(checked_call, clean_chunk, [raw], (None,), "clean",
                                                worker_versions(), workers=[skewed], pure=False).result()
        assert failure.reason == "version_mismatch" and failure.stage == "clean" and ".e99." in failure.detail
        chunks = pool.submit(clean_chunk, [raw] * 8, None, stage="clean").result()
        assert len(chunks) == 8 and all(type(c).__name__ == "CleanArticle" for c in chunks)  # the good workers'
    finally:
        pool.shutdown()


@pytest.fixture
def local_alias(es: Elasticsearch, test_alias: str) -> Iterator[str]:
    alias = f"{test_alias}-local"
    yield alias
    drop_alias_family(es, alias)


def test_the_cluster_gives_the_documents_of_local_processes(es: Elasticsearch, prefect_harness: None,
                                                             alias_env: str, local_alias: str, tmp_path: Path,
                                                             cluster: Cluster,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = build_corpus(tmp_path)
    cluster.worker("b", 2)
    cluster.worker("skewed", 2, "--preload", str(SKEW))
    from distributed import Client

    with Client(cluster.address) as client:  # type: ignore[no-untyped-call]
        client.wait_for_workers(3, timeout=120)
    report = ingest(paths=[str(corpus)], options=IngestOptions(workers=2, dask=cluster.address, batch_size=4))
    on_dask = documents(es, alias_env)
    monkeypatch.setenv("NEWSINDEX_INDEX", local_alias)
    local = ingest(paths=[str(corpus)], options=IngestOptions(workers=2, batch_size=4))
    assert report.accounted and (report.inputs, report.indexed, report.dead_lettered) == (10, 9, 0)
    assert report.slots == 4  # workers a and b, two threads each: the flow's own --workers 2 does not cap it
    assert report.batches_in_flight == 8  # 4 slots × 8 articles per slot / batches of 4
    assert any("skewed" in r or "version" in r or "stages" in r for r in report.refused_workers)
    assert local.slots == 2 and local.batches_in_flight == 4
    assert on_dask == documents(es, local_alias)
