"""A few hundred generated hostile inputs through the real flow, with worker processes and the per-input time limit:
the run ends, the report reconciles, every good input is searchable, and a re-run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.budget import ErrorBudget
from flows.ingest.flow import IngestOptions, ingest
from tests.hostile_corpus import write_corpus

pytestmark = [pytest.mark.integration, pytest.mark.flow]


def missing_markers(es: Elasticsearch, alias: str, markers: list[str]) -> list[str]:
    es.indices.refresh(index=alias)
    missing = []
    for marker in markers:
        query = {"multi_match": {"query": marker, "fields": ["body", "title"]}}
        if not es.count(index=alias, query=query)["count"]:
            missing.append(marker)
    return missing


@pytest.mark.parametrize("seed", [1, 2])
def test_hostile_folder_reconciles_and_every_good_input_is_searchable(
        es: Elasticsearch, prefect_harness: None, alias_env: str, tmp_path: Path, seed: int) -> None:
    markers = write_corpus(tmp_path, seed=seed, good=120, hostile=180)
    # a folder that is mostly hostile on purpose: the error budget would stop the run, as it should on a real one
    options = IngestOptions(workers=1, batch_size=64, seconds_per_input=60, budget=ErrorBudget(max_share=1.0))
    report = ingest(paths=[str(tmp_path)], options=options)
    assert report.accounted, report.table()
    assert report.failure is None
    assert report.indexed >= len(markers)
    assert missing_markers(es, alias_env, markers) == []
    again = ingest(paths=[str(tmp_path)], options=options)
    assert again.accounted, again.table()
    assert again.indexed == 0 and again.withdrawn == 0
    assert again.unchanged + again.duplicate == report.indexed + report.duplicate
