"""A WARC file through the real ingest flow into the real node: its HTML responses are the inputs, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.index import deadletters
from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.report import RunReport
from tests.stories import OTHER, STORY, THIRD
from tests.warcs import METADATA, REQUEST, WARCINFO, http_block, page, record, response, write_warc

pytestmark = [pytest.mark.integration, pytest.mark.flow]

URLS = ["https://news.example.org/ferry", "https://news.example.org/library", "https://news.example.org/orchestra"]
JUNK = [
    REQUEST,
    METADATA,
    record("revisit", http_block(b"")),
    response(page(STORY), status="404 Not Found"),
    response(b"\x89PNG\r\n\x1a\n", "https://news.example.org/logo.png", headers=("Content-Type: image/png",)),
    response(b"", "https://news.example.org/old", status="301 Moved Permanently", headers=("Location: /ferry",)),
]


def run(paths: list[Path]) -> RunReport:
    report = ingest(paths=[str(p) for p in paths], options=IngestOptions(workers=0))
    assert report.accounted, report.table()
    return report


def test_html_responses_are_indexed_with_their_urls_and_a_rerun_finds_them_unchanged(
    es: Elasticsearch, prefect_harness: None, alias_env: str, tmp_path: Path
) -> None:
    records = [WARCINFO]
    for url, text in zip(URLS, (STORY, OTHER, THIRD), strict=True):
        records += [*JUNK, response(page(text), url)]
    path = write_warc(tmp_path / "crawl.warc.gz", records)

    first = run([tmp_path])
    assert (first.inputs, first.indexed, first.dead_lettered) == (3, 3, 0), first.table()
    es.indices.refresh(index=alias_env)
    hits = es.search(index=alias_env, size=10, query={"match_all": {}})["hits"]["hits"]
    docs = sorted((h["_source"] for h in hits), key=lambda doc: doc["origin"]["line"])
    assert [doc["url"] for doc in docs] == URLS
    assert [doc["origin"]["key"] for doc in docs] == [f"{path}:{n}" for n in (8, 15, 22)]
    assert docs[-1]["notes"] == [
        "warc: 19 records skipped (metadata 3, not HTML 3, request 3, revisit 3, "
        "status 3xx 3, status 4xx 3, warcinfo 1)"
    ]
    assert all(not str(doc.get("published_at") or "").startswith("2024-03-05") for doc in docs)  # not the crawl date

    again = run([tmp_path])
    assert (again.inputs, again.unchanged, again.indexed, again.dead_lettered) == (3, 3, 0, 0), again.table()


def test_a_cut_warc_keeps_the_documents_of_the_records_before_the_cut(
    es: Elasticsearch, prefect_harness: None, alias_env: str, tmp_path: Path
) -> None:
    """The failure is keyed by the record where reading stopped, not by the file: a file-level dead letter would
    withdraw every document the file produced."""
    pages = [response(page(text), url) for url, text in zip(URLS, (STORY, OTHER, THIRD), strict=True)]
    path = write_warc(tmp_path / "crawl.warc.gz", [WARCINFO, *pages])
    assert run([tmp_path]).indexed == 3
    last_member = len(write_warc(tmp_path / "last.warc.gz", [pages[-1]]).read_bytes())
    (tmp_path / "last.warc.gz").unlink()
    path.write_bytes(path.read_bytes()[: -last_member // 2])

    report = run([tmp_path])
    assert (report.unchanged, report.dead_letter_reasons) == (2, {"read/corrupt_archive": 1}), report.table()
    es.indices.refresh(index=alias_env)
    hits = es.search(index=alias_env, size=10, query={"match_all": {}})["hits"]["hits"]
    assert sorted(h["_source"]["url"] for h in hits) == URLS[:2]
    es.indices.refresh(index=deadletters.deadletter_index(alias_env))
    assert [letter.origin.label() for letter in deadletters.list_letters(es, alias_env)] == [f"{path}:4"]
