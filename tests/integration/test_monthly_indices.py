"""Issue 17, point 4: one index per month of publication behind the alias (``NEWSINDEX_MONTHLY_INDICES``).

Everything that reads a document by id (the unchanged check, copies, near-duplicate links, stories, prunes,
``newsindex related``) must find it in whichever month holds it; every write must name that month; a document
whose date changes moves, and is never left twice; a rebuild makes the next version's months and swaps them all
at once."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows import cli
from flows.index.bulk import bulk_load
from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.lifecycle import drop_old, list_versions

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
INLINE = IngestOptions(workers=0)
SEED_FILES = sorted(SEEDS.glob("*.txt"))
DATES = ["2024-01-15T09:00:00Z", "2024-02-03T12:00:00Z", "2024-02-20T18:30:00Z", "2024-05-01T06:00:00Z"]
THIS_MONTH = f"{datetime.now(UTC):%Y.%m}"


@pytest.fixture
def monthly(alias_env: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_MONTHLY_INDICES", "true")
        yield alias_env


def record(i: int, date: str | None, body: str | None = None) -> dict[str, str]:
    fields = {"url": f"https://news.example/{i}", "title": f"Article {i}",
              "body": body if body is not None else SEED_FILES[i].read_text()}
    return {**fields, "published_at": date} if date else fields


def write_feed(folder: Path, records: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    return feed


def placement(es: Elasticsearch, alias: str) -> dict[str, str]:
    """URL → the concrete index that holds it; fails if a document is held twice."""
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, source_includes=["url", "origin.key"])["hits"]["hits"]
    ids = Counter(hit["_id"] for hit in hits)
    assert max(ids.values()) == 1, ids
    return {hit["_source"]["url"] or hit["_source"]["origin"]["key"]: hit["_index"] for hit in hits}


def test_articles_are_filed_by_month_and_a_rerun_finds_each_of_them(es: Elasticsearch, prefect_harness: None,
                                                                    monthly: str, tmp_path: Path) -> None:
    records = [record(i, date) for i, date in enumerate(DATES)] + [record(4, None)]
    feed = write_feed(tmp_path / "in", records)
    first = ingest(paths=[str(feed)], options=INLINE)
    assert (first.indexed, first.accounted) == (5, True)
    where = placement(es, monthly)
    assert where == {
        "https://news.example/0": f"{monthly}-v1-2024.01", "https://news.example/1": f"{monthly}-v1-2024.02",
        "https://news.example/2": f"{monthly}-v1-2024.02", "https://news.example/3": f"{monthly}-v1-2024.05",
        "https://news.example/4": f"{monthly}-v1-{THIS_MONTH}"}  # no date: the month it was first seen
    assert es.indices.get_alias(name=monthly).keys() == set(where.values())
    again = ingest(paths=[str(feed)], options=INLINE)
    assert (again.indexed, again.unchanged, again.accounted) == (0, 5, True)


def test_a_new_date_moves_the_document_and_leaves_no_copy(es: Elasticsearch, prefect_harness: None,
                                                          monthly: str, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(1, DATES[1])])
    ingest(paths=[str(feed)], options=INLINE)
    write_feed(tmp_path / "in", [record(0, "2023-11-30T23:00:00Z"), record(1, DATES[1])])
    report = ingest(paths=[str(feed)], options=INLINE)
    assert (report.indexed, report.unchanged, report.accounted) == (1, 1, True)
    where = placement(es, monthly)
    assert where["https://news.example/0"] == f"{monthly}-v1-2023.11"
    assert es.count(index=f"{monthly}-v1-2024.01")["count"] == 0
    assert es.count(index=monthly)["count"] == 2


def test_copies_near_duplicates_and_stories_link_across_months(es: Elasticsearch, prefect_harness: None,
                                                               monthly: str, tmp_path: Path) -> None:
    """The kept copy is in January; its exact copy (February) and a reworded copy (May) must find it there."""
    original = SEED_FILES[0].read_text()
    lines = [line for line in original.splitlines() if line.strip()]
    reworded = "\n".join([lines[0], "Reports say: " + lines[1], *lines[2:]]) + "\n\nSyndicated by Wire Partners.\n"
    first = write_feed(tmp_path / "a", [record(0, DATES[0])])
    ingest(paths=[str(first)], options=IngestOptions(workers=0, dedup_memory=0))
    later = write_feed(tmp_path / "b", [{**record(0, DATES[1]), "url": "https://copy.example/0"},
                                        {**record(9, DATES[3], reworded), "url": "https://other.example/9"}])
    report = ingest(paths=[str(later)], options=IngestOptions(workers=0, dedup_memory=0))
    assert (report.indexed, report.duplicate, report.accounted) == (1, 1, True)
    es.indices.refresh(index=monthly)
    docs = {hit["_source"]["url"]: hit for hit in es.search(index=monthly, size=10)["hits"]["hits"]}
    kept, near = docs["https://news.example/0"], docs["https://other.example/9"]
    assert kept["_index"] == f"{monthly}-v1-2024.01" and near["_index"] == f"{monthly}-v1-2024.05"
    assert kept["_source"]["duplicates"]["urls"] == ["https://copy.example/0"]
    assert near["_source"]["duplicate_of"] == kept["_id"]
    assert kept["_source"]["near_duplicates"] == [near["_id"]]
    assert near["_source"]["story_id"] == kept["_source"]["story_id"]


def test_prune_rebuild_and_the_indices_command(es: Elasticsearch, prefect_harness: None, monthly: str,
                                               tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    write_feed(folder, [record(i, date) for i, date in enumerate(DATES)])
    shutil.copy(SEED_FILES[4], folder / "bare.txt")
    ingest(paths=[str(folder)], options=INLINE)
    (folder / "bare.txt").unlink()
    pruned = ingest(paths=[str(folder)], options=IngestOptions(workers=0, prune=True))
    assert (pruned.pruned, pruned.unchanged) == (1, 4)
    assert es.count(index=monthly)["count"] == 4
    rebuilt = ingest(paths=[str(folder)], options=IngestOptions(workers=0, rebuild=True))
    assert (rebuilt.indexed, rebuilt.previous_index) == (4, f"{monthly}-v1-*")  # its months
    assert set(es.indices.get_alias(name=monthly)) == {f"{monthly}-v2-{m}" for m in ("2024.01", "2024.02", "2024.05",
                                                                                     THIS_MONTH)}
    versions = {v.name: v for v in list_versions(es, monthly)}
    assert (versions[f"{monthly}-v1"].live, versions[f"{monthly}-v2"].live) == (False, True)
    assert versions[f"{monthly}-v2"].documents == 4
    assert {m.name: m.documents for m in versions[f"{monthly}-v2"].indices}[f"{monthly}-v2-2024.02"] == 2
    assert cli.main(["indices"]) == 0
    shown = capsys.readouterr().out
    assert f"  {monthly}-v2-2024.02\t2 docs\t" in shown and f"{monthly}-v2\t4 docs\t← {monthly}" in shown
    assert drop_old(es, monthly) == [f"{monthly}-v1"]
    assert not es.indices.get(index=f"{monthly}-v1*").body
    doc_id = es.search(index=monthly, size=1, query={"term": {"url": "https://news.example/1"}})["hits"]["hits"][0]
    assert cli.main(["related", doc_id["_id"]]) == 0  # a lookup by id over many months
    assert "Article" in capsys.readouterr().out


def test_a_single_index_alias_keeps_its_layout_until_a_rebuild(es: Elasticsearch, prefect_harness: None,
                                                               alias_env: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(3, DATES[3])])
    ingest(paths=[str(feed)], options=INLINE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_MONTHLY_INDICES", "true")
        assert cli.main(["setup"]) == 0
        assert "takes effect with `newsindex run --rebuild" in capsys.readouterr().out
        assert set(es.indices.get_alias(name=alias_env)) == {f"{alias_env}-v1"}
        assert cli.main(["indices", "--rebuild-month", "2024.01"]) == 2
        assert "is not laid out by month" in capsys.readouterr().err
        ingest(paths=[str(feed)], options=IngestOptions(workers=0, rebuild=True))
    assert set(es.indices.get_alias(name=alias_env)) == {f"{alias_env}-v2-2024.01", f"{alias_env}-v2-2024.05",
                                                         f"{alias_env}-v2-{THIS_MONTH}"}


def sources(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    return {hit["_id"]: hit["_source"] for hit in es.search(index=alias, size=100)["hits"]["hits"]}


def test_one_month_is_rebuilt_alone_and_the_corpus_reads_as_before(es: Elasticsearch, prefect_harness: None,
                                                                   monthly: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_feed(tmp_path / "in", [record(i, date) for i, date in enumerate(DATES)])
    ingest(paths=[str(feed)], options=INLINE)
    before = sources(es, monthly)
    assert cli.main(["indices", "--rebuild-month", "2024.02"]) == 0
    assert f"rebuilt 2024.02: 2 docs copied from {monthly}-v1-2024.02 into {monthly}-v2-2024.02" in \
        capsys.readouterr().out
    assert set(es.indices.get_alias(name=monthly)) == {f"{monthly}-v1-2024.01", f"{monthly}-v2-2024.02",
                                                       f"{monthly}-v1-2024.05", f"{monthly}-v1-{THIS_MONTH}"}
    assert sources(es, monthly) == before  # the same documents, as they were: no NLP ran
    again = ingest(paths=[str(feed)], options=INLINE)
    assert (again.unchanged, again.accounted) == (4, True)
    edited = [record(i, date) for i, date in enumerate(DATES)]
    edited[0]["body"] += "\nThe ministry added on Monday that talks would resume within weeks.\n"
    write_feed(tmp_path / "in", edited)
    changed = ingest(paths=[str(feed)], options=INLINE)
    assert (changed.indexed, changed.unchanged) == (1, 3)
    where = placement(es, monthly)  # one copy of each article; a new write goes to the newest version's month
    assert where["https://news.example/0"] == f"{monthly}-v2-2024.01"
    assert es.count(index=f"{monthly}-v1-2024.01")["count"] == 0
    assert cli.main(["indices", "--drop-old"]) == 0
    shown = capsys.readouterr().out
    assert f"dropped: {monthly}-v1-2024.02\n" in shown
    assert f"{monthly}-v1\t1 docs\t← {monthly}" in shown and f"  {monthly}-v2-2024.02\t2 docs\t" in shown


@pytest.mark.parametrize("month, says", [("2024-02", "a month is written YYYY.MM"), ("2019.07", "no index of 2019.07"),
                                         ("2024.13", "a month is written YYYY.MM")])
def test_a_month_rebuild_refuses_what_it_cannot_do(es: Elasticsearch, prefect_harness: None, monthly: str,
                                                   tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   month: str, says: str) -> None:
    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    assert cli.main(["indices", "--rebuild-month", month]) == 2
    assert says in capsys.readouterr().err
    assert set(es.indices.get_alias(name=monthly)) == {f"{monthly}-v1-2024.01", f"{monthly}-v1-{THIS_MONTH}"}


def test_the_command_line_run_files_by_month_from_its_first_step(es: Elasticsearch, prefect_harness: None,
                                                                 monthly: str, tmp_path: Path) -> None:
    """`newsindex run` sets the alias up before the flow (its no-op preflight): the layout must be the same."""
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(3, DATES[3])])
    assert cli.main(["run", str(feed)]) == 0
    assert set(es.indices.get_alias(name=monthly)) == {f"{monthly}-v1-2024.01", f"{monthly}-v1-2024.05",
                                                       f"{monthly}-v1-{THIS_MONTH}"}
    assert cli.main(["run", str(feed)]) == 0  # nothing changed: the preflight finds both documents by id


def test_a_month_the_cluster_refuses_to_make_costs_only_its_documents(es: Elasticsearch, prefect_harness: None,
                                                                      monthly: str, tmp_path: Path) -> None:
    """A month whose index cannot be made (here an alias already has its name; on a cluster, the shard limit)
    dead-letters that month's articles; the others are indexed; the next run, once the cause is gone, indexes
    them."""
    blocker = f"{monthly}-blocker"
    es.indices.create(index=blocker, aliases={f"{monthly}-v1-2024.02": {}})
    try:
        feed = write_feed(tmp_path / "in", [record(i, date) for i, date in enumerate(DATES)])
        report = ingest(paths=[str(feed)], options=INLINE)
        assert (report.indexed, report.dead_lettered, report.accounted) == (2, 2, True)
        assert report.dead_letter_reasons == {"index/month_index_refused": 2}
    finally:
        es.indices.delete(index=blocker)
    again = ingest(paths=[str(feed)], options=INLINE)
    assert (again.indexed, again.unchanged, again.dead_lettered) == (2, 2, 0)
    assert placement(es, monthly)["https://news.example/2"] == f"{monthly}-v1-2024.02"


def held_document(es: Elasticsearch, alias: str) -> tuple[str, str, dict[str, object]]:
    es.indices.refresh(index=alias)
    hit = es.search(index=alias, size=1)["hits"]["hits"][0]
    return hit["_id"], hit["_index"], hit["_source"]


def test_actions_on_one_document_in_one_request_see_each_other(es: Elasticsearch, prefect_harness: None,
                                                               monthly: str, tmp_path: Path) -> None:
    """A rewrite into another month, then an update of the same document in the same bulk: the update must reach
    the new month (the old copy is deleted after the actions, so an update sent there would be lost)."""
    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    doc_id, old, source = held_document(es, monthly)
    assert old == f"{monthly}-v1-2024.01"
    moved = {**source, "date": "2024-05-02T00:00:00Z"}
    results = list(bulk_load(es, [{"_op_type": "index", "_index": monthly, "_id": doc_id, "_source": moved},
                                  {"_op_type": "update", "_index": monthly, "_id": doc_id,
                                   "doc": {"title": "Updated after the move"}}]))
    assert [item.ok for item in results] == [True, True]
    assert placement(es, monthly) == {"https://news.example/0": f"{monthly}-v1-2024.05"}
    assert es.get(index=f"{monthly}-v1-2024.05", id=doc_id)["_source"]["title"] == "Updated after the move"


def test_a_rewrite_the_index_refuses_keeps_the_old_copy(es: Elasticsearch, prefect_harness: None,
                                                       monthly: str, tmp_path: Path) -> None:
    """A new version of a document that its new month refuses (a value the mapping rejects) fails alone: the
    version already searchable stays where it is, as it would on one index."""
    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    doc_id, old, source = held_document(es, monthly)
    broken = {**source, "date": "2024-05-02T00:00:00Z", "ingested_at": "not a date"}
    results = list(bulk_load(es, [{"_op_type": "index", "_index": monthly, "_id": doc_id, "_source": broken}]))
    assert [item.ok for item in results] == [False]
    assert placement(es, monthly) == {"https://news.example/0": old}


def test_a_delete_after_a_rewrite_leaves_no_copy_anywhere(es: Elasticsearch, prefect_harness: None,
                                                         monthly: str, tmp_path: Path) -> None:
    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    doc_id, _, source = held_document(es, monthly)
    moved = {**source, "date": "2024-05-02T00:00:00Z"}
    results = list(bulk_load(es, [{"_op_type": "index", "_index": monthly, "_id": doc_id, "_source": moved},
                                  {"_op_type": "delete", "_index": monthly, "_id": doc_id}]))
    assert all(item.ok for item in results)
    es.indices.refresh(index=monthly)
    assert es.count(index=monthly)["count"] == 0


def test_a_date_a_copy_brings_moves_the_kept_document_to_its_month(es: Elasticsearch, prefect_harness: None,
                                                                   monthly: str, tmp_path: Path) -> None:
    """Two texts under one URL: the later (undated, so filed under the month it was first seen) is kept, and the
    earlier, now its copy, gives it the date it lacks, and so its month: the document moves there and stays once
    (a re-run leaves it)."""
    write_feed(tmp_path / "in" / "1", [record(0, DATES[0])])
    write_feed(tmp_path / "in" / "2", [{**record(1, None), "url": "https://news.example/0"}])
    report = ingest(paths=[str(tmp_path / "in")], options=INLINE)
    assert (report.indexed, report.duplicate, report.accounted) == (1, 1, True)
    where = placement(es, monthly)
    assert where == {"https://news.example/0": f"{monthly}-v1-2024.01"}
    (doc,) = es.search(index=monthly, size=10)["hits"]["hits"]
    assert doc["_source"]["date"].startswith("2024-01-15") and doc["_source"]["date_source"] == "published"
    assert doc["_source"]["title"] == "Article 1" and doc["_source"]["entities"]  # the whole document moved
    again = ingest(paths=[str(tmp_path / "in")], options=INLINE)
    assert again.accounted and placement(es, monthly) == where


def test_a_move_out_of_a_read_only_month_fails_alone_and_a_rerun_finishes(es: Elasticsearch, prefect_harness: None,
                                                                         monthly: str, tmp_path: Path) -> None:
    """A month made read-only (the first step of ageing it) cannot lose its copy: the new copy is taken back, the
    input is dead-lettered with the reason and its old document stays searchable, once; the other inputs are
    written; once the month is writable again, the next run moves it."""
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(1, DATES[1])])
    ingest(paths=[str(feed)], options=INLINE)
    january = f"{monthly}-v1-2024.01"
    es.indices.put_settings(index=january, settings={"index.blocks.write": True})
    try:
        write_feed(tmp_path / "in", [record(0, "2024-05-02T10:00:00Z"), record(1, "2024-02-04T10:00:00Z")])
        report = ingest(paths=[str(feed)], options=INLINE)
        assert (report.indexed, report.dead_lettered, report.accounted) == (1, 1, True)
        assert list(report.dead_letter_reasons) == ["index/move_refused"]
        assert placement(es, monthly)["https://news.example/0"] == january
    finally:
        es.indices.put_settings(index=january, settings={"index.blocks.write": False})
    again = ingest(paths=[str(feed)], options=INLINE)
    assert (again.indexed, again.accounted) == (1, True)
    assert placement(es, monthly)["https://news.example/0"] == f"{monthly}-v1-2024.05"


def test_a_rebuild_keeps_when_each_document_was_first_seen(es: Elasticsearch, prefect_harness: None,
                                                           monthly: str, tmp_path: Path) -> None:
    """An undated article's date (and month) is its first-seen time: a rebuild, months later, must not make it the
    rebuild's own time."""
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(4, None)])
    ingest(paths=[str(feed)], options=INLINE)
    es.indices.refresh(index=monthly)
    before = {hit["_id"]: hit["_source"] for hit in es.search(index=monthly, size=10)["hits"]["hits"]}
    report = ingest(paths=[str(feed)], options=IngestOptions(workers=0, rebuild=True))
    assert (report.indexed, report.accounted) == (2, True)
    es.indices.refresh(index=monthly)
    after = {hit["_id"]: hit["_source"] for hit in es.search(index=monthly, size=10)["hits"]["hits"]}
    assert after.keys() == before.keys()
    for doc_id, source in after.items():
        assert (source["first_seen_at"], source["date"]) == (before[doc_id]["first_seen_at"], before[doc_id]["date"])
        assert source["ingested_at"] != before[doc_id]["ingested_at"]


def test_a_closed_month_is_named_by_every_command_and_a_missing_alias_is_no_error(
        es: Elasticsearch, prefect_harness: None, monthly: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(3, DATES[3])])
    report_file = tmp_path / "report.json"
    assert cli.main(["run", str(feed)]) == 0
    january = f"{monthly}-v1-2024.01"
    es.indices.close(index=january)
    try:
        capsys.readouterr()
        assert cli.main(["indices"]) == 0
        listed = capsys.readouterr().out
        assert f"{january}\tclosed: not searched" in listed
        assert cli.main(["search", "anything"]) == 2
        assert f"index {january} is closed" in capsys.readouterr().err
        write_feed(tmp_path / "in", [record(0, DATES[0]), record(3, "2024-06-01T00:00:00Z")])
        assert cli.main(["run", str(feed), "--report", str(report_file)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and f"index {january} is closed" in err
        assert "is closed" in json.loads(report_file.read_text())["failure"]  # the report a scheduler reads
    finally:
        es.indices.open(index=january)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", f"{monthly}-never-made")
        assert cli.main(["indices"]) == 0
        assert "no index of" in capsys.readouterr().out
        assert cli.main(["indices", "--rebuild-month", "2024.01"]) == 2
        assert "there is no alias" in capsys.readouterr().err


def test_drop_old_spares_a_rebuild_in_progress_and_a_rebuild_that_lost_documents_does_not_swap(
        es: Elasticsearch, prefect_harness: None, monthly: str, tmp_path: Path) -> None:
    from flows.ingest.lifecycle import RebuildIncomplete, check_rebuilt, start_rebuild

    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    target = start_rebuild(es, monthly, monthly=True)  # what `run --rebuild` is filling
    assert drop_old(es, monthly) == []
    assert es.indices.get(index=target)  # still there
    with pytest.raises(RebuildIncomplete, match="the alias was not moved"):
        check_rebuilt(es, target, 1)  # it holds none of the one document the run wrote
    assert set(es.indices.get_alias(name=monthly)) == {f"{monthly}-v1-2024.01", f"{monthly}-v1-{THIS_MONTH}"}


def test_a_new_pipeline_version_keeps_the_date_a_copy_gave(es: Elasticsearch, prefect_harness: None,
                                                           monthly: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The copies are unchanged, so nothing would give the date back: enriching the kept text again (a new
    pipeline version) must keep it, and with it the document's month."""
    write_feed(tmp_path / "in" / "1", [record(0, DATES[0])])
    write_feed(tmp_path / "in" / "2", [{**record(1, None), "url": "https://news.example/0"}])
    ingest(paths=[str(tmp_path / "in")], options=INLINE)
    where = placement(es, monthly)
    assert where == {"https://news.example/0": f"{monthly}-v1-2024.01"}
    from flows.ingest import tasks

    monkeypatch.setattr(tasks, "pipeline_version", lambda: "a-new-version")
    again = ingest(paths=[str(tmp_path / "in")], options=INLINE)
    assert (again.indexed, again.duplicate, again.accounted) == (1, 1, True)
    assert placement(es, monthly) == where
    (doc,) = es.search(index=monthly, size=10)["hits"]["hits"]
    assert doc["_source"]["date"].startswith("2024-01-15") and doc["_source"]["date_source"] == "published"
    assert doc["_source"]["published_at"].startswith("2024-01-15")


def test_a_move_cut_short_by_a_crash_is_repaired_by_the_next_run(es: Elasticsearch, prefect_harness: None,
                                                                 monthly: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that dies between writing the moved document and deleting its old copy leaves it in two months;
    the input is unchanged since, so only the skip-known stage sees it: it drops the copy the input no longer
    says, in the preflight (no flow) and in the flow alike."""
    from flows.index import bulk, layout

    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(1, DATES[1])])
    ingest(paths=[str(feed)], options=INLINE)
    real_place = layout.place

    def crash_before_the_deletes(client: Elasticsearch, actions: list[dict[str, object]]) -> layout.Placed:
        placed = real_place(client, actions)
        placed.moves = []  # what a kill -9 after the first bulk leaves
        return placed

    with monkeypatch.context() as patch:
        patch.setattr(bulk, "place", crash_before_the_deletes)
        write_feed(tmp_path / "in", [record(0, "2024-05-02T10:00:00Z"), record(1, DATES[1])])
        ingest(paths=[str(feed)], options=INLINE)
    es.indices.refresh(index=monthly)
    assert es.count(index=monthly)["count"] == 3  # the article is in January and in May
    assert cli.main(["run", str(feed)]) == 0  # the preflight: every input unchanged
    assert placement(es, monthly)["https://news.example/0"] == f"{monthly}-v1-2024.05"
    assert es.count(index=monthly)["count"] == 2


def test_a_run_makes_at_most_its_budget_of_new_months(es: Elasticsearch, prefect_harness: None, monthly: str,
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each month is a shard or more of the whole cluster: a feed of dates spread over decades makes at most
    NEWSINDEX_MAX_NEW_MONTHS month indices per run; the articles of the others wait as dead letters, and the next
    run makes the next months. A rebuild's months are not new: the live version has them."""
    dates = [f"{1950 + i}-03-10T10:00:00Z" for i in range(5)]
    feed = write_feed(tmp_path / "in", [record(i, day) for i, day in enumerate(dates)])
    monkeypatch.setenv("NEWSINDEX_MAX_NEW_MONTHS", "3")
    first = ingest(paths=[str(feed)], options=INLINE)
    assert first.accounted and first.indexed + first.dead_lettered == 5
    assert set(first.dead_letter_reasons) == {"index/month_index_refused"}
    assert len(es.indices.get_alias(name=monthly)) <= 3 + 1  # and this month's, which setup makes
    second = ingest(paths=[str(feed)], options=INLINE)
    third = ingest(paths=[str(feed)], options=INLINE)
    assert third.accounted and third.dead_lettered == 0 and first.indexed + second.indexed + third.indexed == 5
    rebuilt = ingest(paths=[str(feed)], options=IngestOptions(workers=0, rebuild=True))
    assert (rebuilt.indexed, rebuilt.dead_lettered) == (5, 0)  # its five months exist in the old version


def test_a_month_taken_out_of_the_alias_stays_out(es: Elasticsearch, prefect_harness: None, monthly: str,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ageing a month out starts by taking it out of the alias: a later run with an article of that month must not
    put it back (its articles wait as dead letters, with the reason)."""
    from flows.index import layout

    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(1, DATES[1])])
    ingest(paths=[str(feed)], options=INLINE)
    january = f"{monthly}-v1-2024.01"
    es.indices.update_aliases(actions=[{"remove": {"index": january, "alias": monthly}}])
    monkeypatch.setattr(layout, "JOIN_SECONDS", 0)  # taken out long after it was made
    write_feed(tmp_path / "in", [record(0, "2024-01-20T10:00:00Z"), record(1, DATES[1])])
    report = ingest(paths=[str(feed)], options=INLINE)
    assert (report.indexed, report.dead_lettered, report.accounted) == (0, 1, True)
    assert report.dead_letter_reasons == {"index/month_index_refused": 1}
    assert january not in es.indices.get_alias(name=monthly)


def test_an_outdated_document_a_read_only_month_keeps_goes_once_the_month_is_writable(
        es: Elasticsearch, prefect_harness: None, monthly: str, tmp_path: Path) -> None:
    """A line that now gives another URL is a new document; the old one, in a month made read-only, cannot be
    deleted then, and goes on the first run after the month is writable again (its input is unchanged by then)."""
    feed = write_feed(tmp_path / "in", [record(0, DATES[0]), record(1, DATES[1])])
    ingest(paths=[str(feed)], options=INLINE)
    january = f"{monthly}-v1-2024.01"
    es.indices.put_settings(index=january, settings={"index.blocks.write": True})
    try:
        moved = {**record(0, DATES[3]), "url": "https://news.example/moved"}  # written to May, a writable month
        write_feed(tmp_path / "in", [moved, record(1, DATES[1])])
        ingest(paths=[str(feed)], options=INLINE)
        assert "https://news.example/0" in placement(es, monthly)  # the old one could not go
    finally:
        es.indices.put_settings(index=january, settings={"index.blocks.write": False})
    again = ingest(paths=[str(feed)], options=INLINE)
    assert again.accounted
    where = placement(es, monthly)
    assert "https://news.example/0" not in where and where["https://news.example/moved"] == f"{monthly}-v1-2024.05"


def test_a_month_rebuild_copies_once_a_document_held_in_two_versions(es: Elasticsearch, prefect_harness: None,
                                                                    monthly: str, tmp_path: Path) -> None:
    """A move cut short can leave one article in two versions of its month: the rebuild copies the newest
    version's, once (it used to fail on every attempt, "written meanwhile?")."""
    from flows.index.month_rebuild import rebuild_month

    ingest(paths=[str(write_feed(tmp_path / "in", [record(0, DATES[0])]))], options=INLINE)
    doc_id, old, source = held_document(es, monthly)
    newer = f"{monthly}-v2-2024.01"
    es.indices.create(index=newer, aliases={monthly: {}})
    es.index(index=newer, id=doc_id, document={**source, "title": "The newer copy"}, refresh=True)
    done = rebuild_month(es, monthly, "2024.01")
    assert done.documents == 1 and set(done.old) == {old, newer}
    es.indices.refresh(index=monthly)
    hits = es.search(index=monthly, query={"ids": {"values": [doc_id]}})["hits"]["hits"]
    assert len(hits) == 1 and hits[0]["_source"]["title"] == "The newer copy"
