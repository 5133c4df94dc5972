"""Several hosts on a real 3-node cluster: a run over every host outlives the node named first; shards and replicas
from the environment are on the article and the dead-letter indices; a dead-letter index that lost its only copy
ends a run and `newsindex deadletters` with one line, never a traceback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli import main, user_message
from flows.index import deadletters
from flows.ingest.flow import IngestOptions, ingest
from flows.settings import Settings
from tests.conftest import drop_alias_family
from tests.integration.cluster import Cluster, ClusterNode, running_cluster
from tests.integration.second_node import write_articles

pytestmark = [pytest.mark.integration, pytest.mark.flow, pytest.mark.cluster]
SPREAD = {"NEWSINDEX_SHARDS": "3", "NEWSINDEX_REPLICAS": "1", "NEWSINDEX_REFRESH_INTERVAL": "1s"}


@pytest.fixture(scope="module")
def cluster(es_settings: Settings) -> Iterator[Cluster]:
    with running_cluster(es_settings, size=3) as running:
        yield running


@pytest.fixture
def whole_cluster(cluster: Cluster) -> Cluster:
    """Every node up again, whatever the test before killed."""
    for member in cluster.nodes:
        if member.pid() is None:
            cluster.restart(member)
    return cluster


@pytest.fixture
def cluster_alias(whole_cluster: Cluster) -> Iterator[str]:
    alias = f"test-cluster-{uuid.uuid4().hex[:8]}"
    yield alias
    live = [n for n in whole_cluster.nodes if n.pid() is not None]
    drop_alias_family(whole_cluster.client(live), alias)


def inputs(folder: Path, count: int, start: int = 0) -> None:
    write_articles(folder, count, start)
    (folder / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 64)  # one dead letter per run


def test_a_run_over_every_host_outlives_the_first_and_spreads_as_told(
        tmp_path: Path, whole_cluster: Cluster, cluster_alias: str, prefect_harness: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    cluster = whole_cluster
    folder = tmp_path / "in"
    inputs(folder, 20)
    with cluster.environment(cluster_alias, **SPREAD):
        first = ingest(paths=[str(folder)], options=IngestOptions(workers=1, batch_size=8))
    assert first.indexed == 20 and first.dead_lettered == 1
    client = cluster.client()
    store = deadletters.deadletter_index(cluster_alias)
    index = f"{cluster_alias}-v1"
    for name in (index, store):
        live = client.indices.get_settings(index=name)[name]["settings"]["index"]
        assert (live["number_of_shards"], live["number_of_replicas"], live["refresh_interval"]) == ("3", "1", "1s")
    assert client.cluster.health(index=[index, store], wait_for_status="green", timeout="60s")["status"] == "green"

    cluster.nodes[0].kill()  # the host named first in ES_URL
    inputs(folder, 10, start=20)
    with cluster.environment(cluster_alias, **SPREAD):
        second = ingest(paths=[str(folder)], options=IngestOptions(workers=1, batch_size=8))
        assert main(["deadletters"]) == 0
    assert second.accounted and second.indexed == 10 and second.unchanged == 20 and second.dead_lettered == 1
    out, err = capsys.readouterr()
    assert "broken.txt" in out and "1 dead letter(s)" in err
    survivors = cluster.client(cluster.nodes[1:])
    survivors.indices.refresh(index=cluster_alias)
    assert survivors.count(index=cluster_alias)["count"] == 30
    keys = survivors.search(index=cluster_alias, size=0, aggs={"k": {"cardinality": {"field": "origin.key"}}})
    assert keys["aggregations"]["k"]["value"] == 30  # exact: nothing written twice


def store_without_a_copy(cluster: Cluster, alias: str, folder: Path) -> tuple[str, ClusterNode]:
    """A first run (articles with a replica), then the dead-letter store's only copy lost with its node."""
    inputs(folder, 6)
    with cluster.environment(alias, NEWSINDEX_REPLICAS="1"):
        ingest(paths=[str(folder)], options=IngestOptions(workers=0))
    store = deadletters.deadletter_index(alias)
    client = cluster.client()
    client.indices.put_settings(index=store, settings={"number_of_replicas": 0})
    client.cluster.health(index=store, wait_for_status="green", timeout="60s")
    lost = cluster.holding(store)
    lost.kill()
    survivors = [n for n in cluster.nodes if n is not lost]
    cluster.wait_for(2, via=survivors, status=None)
    assert cluster.client(survivors).cluster.health(index=store)["status"] == "red"
    return store, lost


def test_a_dead_letter_index_without_a_copy_is_one_line_not_a_traceback(
        tmp_path: Path, whole_cluster: Cluster, cluster_alias: str, prefect_harness: None,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """As every store was before NEWSINDEX_REPLICAS: 0 replicas, and its node lost. The articles have a replica
    and stay available; the store's faults are retried (shortened here) and then said in one line."""
    cluster = whole_cluster
    folder = tmp_path / "in"
    store, _ = store_without_a_copy(cluster, cluster_alias, folder)
    monkeypatch.setattr(deadletters, "RETRY_DELAYS", (0.2, 0.5))
    inputs(folder, 3, start=6)
    with cluster.environment(cluster_alias):  # no NEWSINDEX_REPLICAS: the store is left as it is
        assert main(["deadletters"]) == 2
        said = capsys.readouterr().err
        state = ingest(paths=[str(folder)], options=IngestOptions(workers=0), return_state=True)
    assert said.count("\n") == 1 and said.startswith(f"newsindex: The dead-letter index {store} is unavailable")
    assert "NEWSINDEX_REPLICAS" in said and "Traceback" not in said
    assert state.is_failed()
    with pytest.raises(deadletters.StoreUnavailable) as raised:
        state.result()
    message = user_message(raised.value)
    assert message is not None and message.startswith(f"The dead-letter index {store} is unavailable")


def test_a_dead_letter_index_briefly_unavailable_is_waited_out_and_the_run_finishes(
        tmp_path: Path, whole_cluster: Cluster, cluster_alias: str, prefect_harness: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's only copy is on a node that restarts: the run waits (backoff) until the node is back, then
    finishes with every input accounted for, its dead letter recorded, and nothing said on the way."""
    import threading

    cluster = whole_cluster
    folder = tmp_path / "in"
    store, lost = store_without_a_copy(cluster, cluster_alias, folder)
    monkeypatch.setattr(deadletters, "RETRY_DELAYS", (2.0, 4.0, 8.0, 16.0, 30.0, 60.0))  # ~2 min: a slow restart
    back = threading.Timer(3.0, lost.launch)
    back.start()
    inputs(folder, 3, start=6)
    try:
        with cluster.environment(cluster_alias):
            report = ingest(paths=[str(folder)], options=IngestOptions(workers=0))
    finally:
        back.join()
    assert report.accounted and report.indexed == 3 and report.unchanged == 6 and report.dead_lettered == 1
    cluster.wait_for(3)
    client = cluster.client()
    client.indices.refresh(index=store)
    assert client.count(index=store)["count"] == 1  # broken.txt, recorded once
