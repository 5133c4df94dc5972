"""``--partition K/N`` against the real node: two parts give the index one run gives, with reports that add up; a
part's later run neither counts nor prunes the other part's inputs; lookups find what other runs wrote meanwhile."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest
from flows.read import display_path
from flows.read.partition import Partition
from tests.conftest import drop_alias_family
from tests.integration.test_dedup_flow import UNRELATED, lightly_edited

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
ORIGINAL = "001_4a5f8fefb64a7661.txt"
MOMENT = {"ingested_at", "first_seen_at", "date"}  # when a document was written: differs between any two runs


def part_of(path: Path) -> int:
    return next(k for k in (1, 2) if Partition(index=k, count=2).holds(display_path(path.resolve())))


def in_other_part(folder: Path, stem: str, than: int) -> Path:
    """A name for a copy that lands in the other part than its original: the link must cross parts."""
    return next(p for n in range(64) if part_of(p := folder / f"{stem}_{n}.txt") != than)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return build_corpus(tmp_path)


def build_corpus(tmp_path: Path) -> Path:
    """The seeds (one story), an edited and an exact copy of one of them in the other part, an unrelated article
    and a JSONL file of two: 10 inputs, 9 documents."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder / "seeds")
    later = folder / "z_later"
    later.mkdir()
    original = (SEEDS / ORIGINAL).read_text()
    home = part_of(folder / "seeds" / ORIGINAL)
    in_other_part(later, "copy_edited", home).write_text(lightly_edited(original))
    in_other_part(later, "copy_exact", home).write_text(original.replace("\n", "\n\n"))
    (later / "sport.txt").write_text(UNRELATED)
    (later / "feed.jsonl").write_text('{"title": "Feed one", "text": "The council met on Monday to discuss the '
                                      'budget for the new library."}\n{"title": "Feed two", "text": "Heavy rain '
                                      'closed the coastal road for most of Thursday afternoon."}\n')
    return folder


def documents(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_id"]: {k: v for k, v in h["_source"].items() if k not in MOMENT} for h in hits}


def stories(docs: dict[str, dict[str, Any]]) -> set[frozenset[str]]:
    """Stories as groups of documents: a story's id is its first article's, which depends on which part ran first."""
    groups: dict[str, set[str]] = {}
    for doc_id, doc in docs.items():
        groups.setdefault(doc["story_id"], set()).add(doc_id)
    return {frozenset(group) for group in groups.values()}


@pytest.fixture
def second_alias(es: Elasticsearch, test_alias: str) -> Any:
    alias = f"{test_alias}-whole"
    yield alias
    drop_alias_family(es, alias)


def test_two_parts_give_the_index_of_one_run(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                             second_alias: str, corpus: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    home = part_of(corpus / "seeds" / ORIGINAL)
    reports = [ingest(paths=[str(corpus)], options=IngestOptions(workers=0, partition=f"{k}/2"))
               for k in (home, 3 - home)]  # the originals' part first, as the one run reads them first
    parted = documents(es, alias_env)
    monkeypatch.setenv("NEWSINDEX_INDEX", second_alias)
    whole_report = ingest(paths=[str(corpus)], options=IngestOptions(workers=0))
    whole = documents(es, second_alias)

    assert all(r.accounted and r.partition for r in reports) and whole_report.accounted
    assert all(r.inputs for r in reports)  # both parts had work
    for count in ("inputs", "indexed", "unchanged", "duplicate", "dead_lettered", "skipped_by_filters"):
        assert sum(getattr(r, count) for r in reports) == getattr(whole_report, count), count
    assert (whole_report.inputs, whole_report.indexed, whole_report.duplicate) == (10, 9, 1)
    assert sorted(parted) == sorted(whole)
    assert stories(parted) == stories(whole)
    for doc_id in whole:
        assert {k: v for k, v in parted[doc_id].items() if k != "story_id"} == \
            {k: v for k, v in whole[doc_id].items() if k != "story_id"}, parted[doc_id]["origin"]
    edited = next(d for d in parted.values() if "copy_edited" in d["origin"]["path"])
    original = next(i for i, d in parted.items() if d["origin"]["path"].endswith(ORIGINAL))
    assert edited["duplicate_of"] == original  # linked across the parts, through the index


def test_a_part_prunes_only_its_own_vanished_inputs(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                    corpus: Path) -> None:
    first = {k: ingest(paths=[str(corpus)], options=IngestOptions(workers=0, partition=f"{k}/2")) for k in (1, 2)}
    before = documents(es, alias_env)
    gone = next(p for p in sorted(corpus.rglob("*.txt")) if "copy" not in p.name
                and p.name != ORIGINAL)  # a document of its own, no copies: what a prune of it does is all there is
    mine, other = part_of(gone), 3 - part_of(gone)
    gone.unlink()
    again = ingest(paths=[str(corpus)], options=IngestOptions(workers=0, partition=f"{other}/2", prune=True))
    assert again.accounted and again.inputs == first[other].inputs and again.indexed == 0
    assert again.pruned == 0 and again.missing_sources == []
    assert documents(es, alias_env).keys() == before.keys()  # the vanished file is not the other part's to prune
    pruned = ingest(paths=[str(corpus)], options=IngestOptions(workers=0, partition=f"{mine}/2", prune=True))
    assert pruned.accounted and pruned.pruned == 1 and pruned.missing_sources == [display_path(gone)]
    assert pruned.inputs == first[mine].inputs - 1
    left = documents(es, alias_env)
    assert left.keys() == {i for i, d in before.items() if d["origin"]["path"] != display_path(gone)}


def test_lookups_find_what_another_run_wrote_after_this_runs_memory_began(es: Elasticsearch,
                                                                         test_alias: str) -> None:
    """The run's memory holds its own batches; the index answers for all else, other parts' newest included, once
    refreshed (a partitioned run refreshes at most every ``refresh_every`` seconds before a lookup)."""
    from flows.dedup.near import fetch_candidates
    from flows.dedup.recent import RecentArticles
    from flows.es.setup import setup
    from tests.integration.test_dedup_es import document, load
    from tests.unit.test_stories_seeds import SEEDS as SEED_FILES
    from tests.unit.test_stories_seeds import enriched
    from transforms.dedup.near import IndexedSignature, signature

    setup(es, test_alias)
    seeds = enriched(SEED_FILES)
    now = datetime.now(UTC)
    recent = RecentArticles(capacity=100, refresh_every=0.5)
    recent.add(now, [IndexedSignature("mine", signature(seeds[1].body))], [])
    load(es, test_alias, {"mine": document(seeds[1], "mine", ingested_at=now.isoformat())})
    other = now + timedelta(seconds=2)  # another part's batch, later than this run's memory began
    es.index(index=test_alias, id="theirs", document=document(seeds[1], "theirs", ingested_at=other.isoformat()))
    assert recent.index_has_older(es, test_alias)  # refreshed: the other part's write is searchable
    found = fetch_candidates(es, test_alias, [("new", signature(seeds[1].body))], filters=recent.index_filter())
    assert [c.doc_id for c in found] == ["theirs"]  # and the run's own held batch is asked of memory, not the index


def test_the_cli_runs_a_part_and_its_preflight_counts_only_that_part(es: Elasticsearch, prefect_harness: None,
                                                                     alias_env: str, corpus: Path) -> None:
    from tests.integration.test_preflight import cli

    _, other = cli(alias_env, str(corpus), "--partition", "2/2")
    _, first = cli(alias_env, str(corpus), "--partition", "1/2")
    assert other["indexed"] >= 1  # the other part's documents are there, and are not this part's to prune
    assert first["partition"] == "1/2" and first["run_id"] != "preflight" and first["indexed"] >= 1
    again, second = cli(alias_env, str(corpus), "--partition", "1/2", "--prune")
    assert second["run_id"] == "preflight" and second["inputs"] == first["inputs"]  # part 2 is nothing to prune
    assert second["missing_sources"] == [] and "partition" in again.stdout
