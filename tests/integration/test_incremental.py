"""Re-runs are cheap, safe and exact: unchanged inputs skip NLP, edits replace, vanished inputs are reported and
pruned on request, and a rebuild swaps the alias without readers ever seeing a gap."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.lifecycle import drop_old, list_versions

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
INLINE = IngestOptions(workers=0)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    shutil.copytree(SEEDS, folder)
    return folder


def snapshot(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_id"]: {k: v for k, v in h["_source"].items() if k != "ingested_at"} for h in hits}


def test_second_run_is_unchanged_and_identical(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                               inbox: Path) -> None:
    first = ingest(paths=[str(inbox)], options=INLINE)
    before = snapshot(es, alias_env)
    second = ingest(paths=[str(inbox)], options=INLINE)
    assert (first.indexed, second.indexed, second.unchanged, second.accounted) == (5, 0, 5, True)
    assert "enrich" not in second.stage_seconds  # no NLP ran on the unchanged inputs
    assert snapshot(es, alias_env) == before


def test_new_metadata_for_the_same_text_rewrites_the_document(es: Elasticsearch, prefect_harness: None,
                                                              alias_env: str, inbox: Path) -> None:
    """A re-run that names the source (or a feed whose record changed its authors) must not leave the document
    with the old metadata because the text is the same; the first-seen date stays."""
    ingest(paths=[str(inbox)], options=INLINE)
    before = snapshot(es, alias_env)
    report = ingest(paths=[str(inbox)], options=IngestOptions(workers=0, source="Wire Desk"))
    after = snapshot(es, alias_env)
    assert (report.indexed, report.unchanged, report.accounted) == (5, 0, True)
    assert {doc["source"] for doc in after.values()} == {"Wire Desk"}
    first_seen = {i: doc["first_seen_at"] for i, doc in before.items()}
    assert {i: doc["first_seen_at"] for i, doc in after.items()} == first_seen
    again = ingest(paths=[str(inbox)], options=IngestOptions(workers=0, source="Wire Desk"))
    assert (again.indexed, again.unchanged) == (0, 5)


def test_an_edited_file_replaces_exactly_one_document(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                      inbox: Path) -> None:
    ingest(paths=[str(inbox)], options=INLINE)
    before = snapshot(es, alias_env)
    edited = inbox / "003_c46c17386c6a4f07.txt"
    edited.write_text(edited.read_text() + "\nUkraine said on Monday that the troops had moved again.\n")
    report = ingest(paths=[str(inbox)], options=INLINE)
    after = snapshot(es, alias_env)
    assert (report.indexed, report.unchanged) == (1, 4)
    assert len(after) == 5
    changed = {i for i in after if after[i] != before.get(i)}
    assert len(changed) == 1
    assert after[changed.pop()]["origin"]["path"] == str(edited.resolve())


def test_vanished_inputs_are_reported_and_pruned_only_on_request(es: Elasticsearch, prefect_harness: None,
                                                                 alias_env: str, inbox: Path) -> None:
    ingest(paths=[str(inbox)], options=INLINE)
    gone = inbox / "000_20cf5afc6d247b5a.txt"
    gone.unlink()
    reported = ingest(paths=[str(inbox)], options=INLINE)
    assert reported.missing_sources == [str(gone.resolve())] and reported.pruned == 0
    assert es.count(index=alias_env)["count"] == 5
    pruned = ingest(paths=[str(inbox)], options=IngestOptions(workers=0, prune=True))
    assert pruned.pruned == 1
    assert es.count(index=alias_env)["count"] == 4


def test_rebuild_swaps_the_alias_while_searches_never_fail_or_come_back_empty(
    es: Elasticsearch, prefect_harness: None, alias_env: str, inbox: Path
) -> None:
    ingest(paths=[str(inbox)], options=INLINE)
    problems: list[str] = []
    searches = 0
    stop = threading.Event()

    def search_loop() -> None:
        nonlocal searches
        while not stop.is_set():
            try:
                total = es.search(index=alias_env, size=0, query={"match": {"body": "troops"}})["hits"]["total"]
                problems.extend([] if total["value"] == 5 else [f"saw {total['value']} hits"])
            except Exception as exc:  # any error is a failure of the swap
                problems.append(repr(exc))
            searches += 1

    reader = threading.Thread(target=search_loop)
    reader.start()
    try:
        report = ingest(paths=[str(inbox)], options=IngestOptions(workers=0, rebuild=True))
    finally:
        stop.set()
        reader.join()
    assert report.indexed == 5 and searches > 10 and problems == []
    versions = {v.name: v for v in list_versions(es, alias_env)}
    assert versions[f"{alias_env}-v2"].live and versions[f"{alias_env}-v2"].documents == 5
    assert not versions[f"{alias_env}-v1"].live  # kept until --drop-old
    assert drop_old(es, alias_env) == [f"{alias_env}-v1"]
    assert [v.name for v in list_versions(es, alias_env)] == [f"{alias_env}-v2"]
