"""Nothing lost when Elasticsearch misbehaves: unreachable, overloaded (real 429s), refusing one item, killed
mid-run, or timing out after it applied a bulk. Destructive cases run on a disposable second node."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import ConnectionTimeout, Elasticsearch

from flows.es.client import Unreachable
from flows.es.setup import template_for
from flows.index import deadletters
from flows.index.bulk import BulkLimits, bulk_load
from flows.ingest.flow import IngestOptions, ingest
from tests.conftest import drop_alias_family
from tests.integration import second_node as node2
from tests.integration.second_node import SecondNode, free_port, write_articles

pytestmark = [pytest.mark.integration, pytest.mark.flow]
CLI = [sys.executable, "-m", "flows.cli"]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
second_node, live_second_node = node2.second_node, node2.live_second_node  # fixtures
PLAIN_MAPPING = {"dynamic": "strict", "properties": {"n": {"type": "integer"}, "text": {"type": "text"}}}


def plain_actions(index: str, count: int, prefix: str = "doc", text: str = "x") -> list[dict[str, Any]]:
    return [{"_op_type": "index", "_index": index, "_id": f"{prefix}-{i}", "_source": {"n": i, "text": text}}
            for i in range(count)]


@pytest.fixture
def second_alias(live_second_node: SecondNode) -> Iterator[str]:
    alias = f"test-fault-{uuid.uuid4().hex[:8]}"
    yield alias
    if live_second_node.pid() is not None:
        drop_alias_family(live_second_node.client(), alias)


# --- Elasticsearch unreachable at start -------------------------------------------------------------------------

def test_cli_run_against_a_closed_port_fails_fast_and_says_what_to_do(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 2)
    env = {"ES_URL": f"http://127.0.0.1:{free_port()}", "NEWSINDEX_HOME": str(tmp_path / "home"),
           "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    done = subprocess.run([*CLI, "run", str(tmp_path / "in"), "--no-progress"], capture_output=True, text=True,
                          timeout=120, env=env, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode != 0
    assert "unreachable" in done.stderr and "newsindex es start" in done.stderr
    assert "Starting temporary server" not in done.stderr  # failed before paying for Prefect's start


def test_flow_raises_before_recording_anything(tmp_path: Path, prefect_harness: None) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    write_articles(tmp_path, 2)
    alias = f"test-unreach-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ES_URL", f"http://127.0.0.1:{free_port()}")
        patch.setenv("NEWSINDEX_INDEX", alias)
        state = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0), return_state=True)
    assert state.is_failed()
    with pytest.raises(Unreachable, match="unreachable"):
        state.result()
    with get_client(sync_client=True) as client:
        run_id = state.state_details.flow_run_id
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run_id])))
        artifacts = client.read_artifacts()
    assert tasks == []  # no batch was started
    assert not [a for a in artifacts if a.flow_run_id == run_id and a.key == "ingest-report"]


# --- 429: the node's write queue is full ---------------------------------------------------------------------

def test_real_429s_are_retried_until_every_document_is_indexed_once(live_second_node: SecondNode) -> None:
    client = live_second_node.client()
    index = f"test-429-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, mappings=PLAIN_MAPPING, settings={"number_of_replicas": 0})
    before = live_second_node.write_rejections()
    results: dict[int, list[Any]] = {}
    limits = BulkLimits(chunk_size=25, initial_backoff=0.05, max_backoff=2.0, max_retries=12)

    def load(worker: int) -> None:
        results[worker] = list(bulk_load(client, plain_actions(index, 400, prefix=f"w{worker}"), limits))

    threads = [threading.Thread(target=load, args=(w,)) for w in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        rejected = live_second_node.write_rejections() - before
        client.indices.refresh(index=index)
        items = [item for worker in results.values() for item in worker]
        assert rejected > 0, "no 429 happened: the test proved nothing"
        assert len(items) == 2400 and all(item.ok for item in items), [i for i in items if not i.ok][:3]
        assert client.count(index=index)["count"] == 2400
        assert {item.doc_id for item in items} == {f"w{w}-{i}" for w in range(6) for i in range(400)}
    finally:
        client.indices.delete(index=index)


def test_flow_indexes_exactly_while_the_write_pool_rejects(live_second_node: SecondNode, second_alias: str,
                                                           prefect_harness: None) -> None:
    client = live_second_node.client()
    noise = f"{second_alias}-noise"
    client.indices.create(index=noise, mappings=PLAIN_MAPPING, settings={"number_of_replicas": 0})
    stop = threading.Event()
    noise_items: list[Any] = []
    limits = BulkLimits(chunk_size=50, initial_backoff=0.05, max_backoff=1.0, max_retries=20)

    def hammer(worker: int) -> None:
        round_ = 0
        while not stop.is_set():
            noise_items.extend(bulk_load(client, plain_actions(noise, 200, prefix=f"h{worker}-{round_}"), limits))
            round_ += 1

    threads = [threading.Thread(target=hammer, args=(w,)) for w in range(4)]
    before = live_second_node.write_rejections()
    for thread in threads:
        thread.start()
    try:
        with live_second_node.environment(second_alias):
            report = ingest(paths=[str(SEEDS)], options=IngestOptions(workers=0))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert live_second_node.write_rejections() > before
    assert (report.inputs, report.indexed, report.dead_lettered, report.accounted) == (5, 5, 0, True)
    client.indices.refresh(index=[second_alias, noise])
    assert client.count(index=second_alias)["count"] == 5
    assert client.count(index=deadletters.deadletter_index(second_alias))["count"] == 0
    assert all(item.ok for item in noise_items)
    assert client.count(index=noise)["count"] == len({item.doc_id for item in noise_items})


# --- one item refused inside a 200 bulk response --------------------------------------------------------------

def test_only_the_item_that_violates_the_strict_mapping_fails(es: Elasticsearch, test_alias: str) -> None:
    from flows.es.setup import setup

    setup(es, test_alias)
    good = [{"_op_type": "index", "_index": test_alias, "_id": f"ok-{i}",
             "_source": {"id": f"ok-{i}", "title": f"Title {i}", "word_count": i}} for i in range(8)]
    unknown = {"_op_type": "index", "_index": test_alias, "_id": "bad-unknown",
               "_source": {"id": "bad-unknown", "no_such_field": 1}}
    mistyped = {"_op_type": "index", "_index": test_alias, "_id": "bad-type",
                "_source": {"id": "bad-type", "word_count": "many"}}
    items = {item.doc_id: item for item in bulk_load(es, [*good[:4], unknown, *good[4:], mistyped])}
    es.indices.refresh(index=test_alias)
    assert {i for i, item in items.items() if not item.ok} == {"bad-unknown", "bad-type"}
    assert items["bad-unknown"].status == 400 and items["bad-unknown"].error.startswith(
        "strict_dynamic_mapping_exception") and "no_such_field" in items["bad-unknown"].error
    assert items["bad-type"].status == 400 and "word_count" in items["bad-type"].error
    assert es.count(index=test_alias)["count"] == 8


def test_flow_dead_letters_the_item_the_mapping_refuses_at_stage_index(
        tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str) -> None:
    """Schema drift: the live index maps word_count as a byte, so only the article longer than 127 words fails."""
    es.indices.put_index_template(name=alias_env, **template_for(alias_env))  # current: setup leaves the index be
    template = template_for(alias_env)["template"]
    mappings = json.loads(json.dumps(template["mappings"]))
    mappings["properties"]["word_count"] = {"type": "byte"}
    es.indices.create(index=f"{alias_env}-v1", mappings=mappings, settings=template["settings"],
                      aliases={alias_env: {"is_write_index": True}})
    folder = tmp_path / "in"
    folder.mkdir()
    short = "Short note {n}\n\nThe council met on Monday to discuss the harbour budget and the railway plan {n}.\n"
    for n in range(3):
        (folder / f"short{n}.txt").write_text(short.format(n=n))
    long_path = write_articles(folder, 1, start=900)[0]  # ~130 words
    report = ingest(paths=[str(folder)], options=IngestOptions(workers=0))
    assert (report.inputs, report.indexed, report.dead_lettered, report.accounted) == (4, 3, 1, True)
    (reason, count), = report.dead_letter_reasons.items()
    assert count == 1 and reason.startswith("index/") and "pars" in reason  # document/mapper_parsing_exception
    letter, = deadletters.list_letters(es, alias_env)
    assert letter.stage == "index" and letter.origin.path == str(long_path.resolve())
    assert "word_count" in letter.detail
    assert es.count(index=alias_env)["count"] == 3


# --- request size ---------------------------------------------------------------------------------------------

def test_a_document_over_half_a_chunk_is_refused_alone(es: Elasticsearch) -> None:
    index = f"test-size-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=index, mappings=PLAIN_MAPPING, settings={"number_of_replicas": 0})
    try:
        actions = plain_actions(index, 20)
        actions.insert(7, {"_op_type": "index", "_index": index, "_id": "huge",
                           "_source": {"n": -1, "text": "word " * 30_000}})
        items = list(bulk_load(es, actions, BulkLimits(max_chunk_bytes=64 * 1024, chunk_size=5)))
        es.indices.refresh(index=index)
        failed = [item for item in items if not item.ok]
        assert [(f.doc_id, f.status) for f in failed] == [("huge", 413)]
        assert failed[0].error.startswith("document_too_large")
        assert es.count(index=index)["count"] == 20
    finally:
        es.indices.delete(index=index)


def test_a_12_mb_jsonl_record_is_dead_lettered_and_the_rest_proceed(
        tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str) -> None:
    good = {"title": "Harbour budget", "body": "The council approved the harbour budget on Monday after a long debate."}
    huge = {"title": "Huge", "body": "budget harbour council " * (12 * 1024 * 1024 // 23)}
    lines = [json.dumps({**good, "url": "https://example.com/1"}), json.dumps(huge),
             json.dumps({**good, "body": good["body"] + " The vote was close.", "url": "https://example.com/3"})]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n")
    report = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0))
    assert (report.inputs, report.indexed, report.dead_letter_reasons, report.accounted) == (
        3, 2, {"read/line_too_long": 1}, True)
    letter, = deadletters.list_letters(es, alias_env)
    assert (letter.origin.path, letter.origin.line, letter.reason) == (str(dump.resolve()), 2, "line_too_long")


# --- the node killed mid-run ----------------------------------------------------------------------------------

def run_cli(node: SecondNode, alias: str, folder: Path, report: Path) -> subprocess.Popen[str]:
    # --dedup-memory 0: every batch is refreshed, so the test sees documents arrive while the run is under way
    cmd = [*CLI, "run", str(folder), "--workers", "1", "--batch-size", "10", "--dedup-memory", "0", "--no-progress",
           "--report", str(report)]
    return subprocess.Popen(cmd, env=node.subprocess_env(alias), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=Path(__file__).resolve().parents[2])


def wait_for_documents(client: Elasticsearch, alias: str, minimum: int, process: subprocess.Popen[str],
                       timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            count = int(client.options(ignore_status=404).count(index=alias).get("count", 0))
        except Exception:
            count = 0
        if count >= minimum:
            return count
        time.sleep(0.5)
    raise AssertionError(f"the run indexed fewer than {minimum} documents before it ended or timed out")


def test_kill_9_mid_run_fails_clearly_and_the_rerun_is_exact(tmp_path: Path, live_second_node: SecondNode,
                                                              second_alias: str) -> None:
    folder = tmp_path / "in"
    write_articles(folder, 80)
    process = run_cli(live_second_node, second_alias, folder, tmp_path / "first.json")
    try:
        wait_for_documents(live_second_node.client(), second_alias, 10, process)
        live_second_node.kill()
        stderr = process.communicate(timeout=240)[1]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert "unreachable" in stderr.splitlines()[-1] or "unreachable" in stderr, stderr[-2000:]
    said = [line for line in stderr.splitlines() if line.startswith("newsindex: ")]
    assert said and "unreachable" in said[-1], stderr[-2000:]  # a line of its own says it (Prefect may log after)
    assert "newsindex: " in stderr, stderr[-2000:]  # the one-line message, not only a traceback
    live_second_node.start()
    second = run_cli(live_second_node, second_alias, folder, tmp_path / "second.json")
    stderr = second.communicate(timeout=600)[1]
    assert second.returncode == 0, stderr[-3000:]
    report = json.loads((tmp_path / "second.json").read_text())
    assert report["accounted"] and report["inputs"] == 80 and report["dead_lettered"] == 0
    assert report["indexed"] + report["unchanged"] == 80 and report["unchanged"] >= 10
    client = live_second_node.client()
    client.indices.refresh(index=second_alias)
    assert client.count(index=second_alias)["count"] == 80
    keys = client.search(index=second_alias, size=0, aggs={"keys": {"cardinality": {"field": "origin.key"}}})
    assert keys["aggregations"]["keys"]["value"] == 80


# --- a bulk that timed out after the node applied it ----------------------------------------------------------

def test_a_timed_out_bulk_retried_creates_no_duplicate(live_second_node: SecondNode) -> None:
    client = live_second_node.client()
    index = f"test-timeout-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, mappings=PLAIN_MAPPING, settings={"number_of_replicas": 0})
    actions = plain_actions(index, 5000, text="timeout " * 20)
    try:
        impatient = client.options(request_timeout=0.05, max_retries=0)
        with pytest.raises(ConnectionTimeout):
            list(bulk_load(impatient, actions, BulkLimits(chunk_size=5000)))
        deadline = time.monotonic() + 60
        count = -1
        while time.monotonic() < deadline:  # the node finishes the request the client gave up on
            client.indices.refresh(index=index)
            now = client.count(index=index)["count"]
            if now == count and now > 0:
                break
            count = now
            time.sleep(1.0)
        assert count == 5000, f"the node applied {count} of 5000"
        items = list(bulk_load(client, actions))
        client.indices.refresh(index=index)
        assert all(item.ok for item in items) and len(items) == 5000
        assert client.count(index=index)["count"] == 5000
        assert client.get(index=index, id="doc-4999")["_version"] == 2  # overwritten in place, not added
    finally:
        client.indices.delete(index=index)
