"""Issue 9 through the real flow: a lightly edited re-publication is a near-duplicate of its original, the five seeds
form one story, an unrelated article does not join it, and exact copies are counted, not indexed twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
UNRELATED = """Rovers edge past City in five-goal thriller

Rovers moved up to third in the table after a 3-2 win over City on Saturday, with a late header from their captain.
The home side led twice before City levelled, but the winner came in the 88th minute from a corner.
The manager praised his defenders and said the squad would rest key players before the cup tie next week.
"""


def lightly_edited(original: str) -> str:
    lines = [line for line in original.splitlines() if line.strip()]
    reworded = lines[1].replace("The Financial Times", "According to the Financial Times, which", 1)
    body = [lines[0], reworded, *lines[2:]]
    headline = "Report: North Korean troops online in Russia"
    return f"{headline}\n\n" + "\n".join(body) + "\n\nThis story was syndicated by Wire Partners.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder / "seeds")
    original = (SEEDS / "001_4a5f8fefb64a7661.txt").read_text()
    later = folder / "z_later"  # read after the seeds: inputs are read in sorted order, the first copy is kept
    later.mkdir()
    (later / "copy_edited.txt").write_text(lightly_edited(original))
    (later / "copy_exact.txt").write_text(original.replace("\n", "\n\n"))  # whitespace aside, the same text
    (later / "sport.txt").write_text(UNRELATED)
    return folder


def by_name(es: Elasticsearch, alias: str) -> dict[str, dict]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=50, query={"match_all": {}})["hits"]["hits"]
    return {Path(h["_source"]["origin"]["path"]).name: {**h["_source"], "_id": h["_id"]} for h in hits}


@pytest.mark.parametrize("batch_size, memory, in_flight", [(256, 4096, None), (2, 2, None), (2, 0, None),
                                                       (1, 2, 4)],
                         ids=["all-in-memory", "evicted-to-the-index", "index-only", "four-batches-in-flight"])
def test_near_duplicates_stories_and_copies(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                            corpus: Path, batch_size: int, memory: int, in_flight: int | None) -> None:
    """The same answers whether the earlier articles are still in the run's memory or only in the index, and
    whether one batch or several are being enriched while the earlier ones are written."""
    options = IngestOptions(workers=0, batch_size=batch_size, dedup_memory=memory, batches_in_flight=in_flight)
    report = ingest(paths=[str(corpus)], options=options)
    assert (report.inputs, report.indexed, report.duplicate) == (8, 7, 1)
    docs = by_name(es, alias_env)
    original = docs["001_4a5f8fefb64a7661.txt"]
    assert docs["copy_edited.txt"]["duplicate_of"] == original["_id"]
    assert docs["copy_edited.txt"]["_id"] in original["near_duplicates"]
    seeds = [doc for name, doc in docs.items() if name[:3].isdigit()]
    assert all(doc.get("duplicate_of") is None for doc in seeds)
    assert len({doc["story_id"] for doc in seeds}) == 1
    assert docs["sport.txt"]["story_id"] != seeds[0]["story_id"]
    assert original["duplicates"]["paths"] == [str((corpus / "z_later" / "copy_exact.txt").resolve())]


def test_a_second_run_keeps_links_and_finds_a_new_copy_against_the_index(
    es: Elasticsearch, prefect_harness: None, alias_env: str, corpus: Path, tmp_path: Path
) -> None:
    (corpus / "z_later" / "copy_edited.txt").unlink()
    ingest(paths=[str(corpus)], options=IngestOptions(workers=0))
    later = tmp_path / "later"
    later.mkdir()
    (later / "copy_edited.txt").write_text(lightly_edited((SEEDS / "001_4a5f8fefb64a7661.txt").read_text()))
    report = ingest(paths=[str(later)], options=IngestOptions(workers=0))
    assert report.indexed == 1
    docs = by_name(es, alias_env)
    assert docs["copy_edited.txt"]["duplicate_of"] == docs["001_4a5f8fefb64a7661.txt"]["_id"]
    assert docs["copy_edited.txt"]["story_id"] == docs["001_4a5f8fefb64a7661.txt"]["story_id"]


def test_the_same_text_under_two_urls_is_one_document(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                      tmp_path: Path) -> None:
    import json

    body = (SEEDS / "003_c46c17386c6a4f07.txt").read_text()
    records = [{"url": f"https://site{i}.example/nk-troops", "title": "North Korea sends more troops", "body": body}
               for i in (1, 2)]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    report = ingest(paths=[str(tmp_path / "feed.jsonl")], options=IngestOptions(workers=0))
    assert (report.indexed, report.duplicate) == (1, 1)
    kept = es.search(index=alias_env, size=5)["hits"]["hits"]
    assert len(kept) == 1 and kept[0]["_source"]["url"] == "https://site1.example/nk-troops"
    assert kept[0]["_source"]["duplicates"]["urls"] == ["https://site2.example/nk-troops"]


def test_near_duplicates_off_still_removes_exact_copies(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                        corpus: Path) -> None:
    report = ingest(paths=[str(corpus)], options=IngestOptions(workers=0, near_duplicates=False))
    assert (report.inputs, report.indexed, report.duplicate) == (8, 7, 1)
    docs = by_name(es, alias_env)
    assert all("story_id" not in doc and "duplicate_of" not in doc and "lsh_bands" not in doc for doc in docs.values())
    assert docs["001_4a5f8fefb64a7661.txt"]["duplicates"]["count"] == 1
