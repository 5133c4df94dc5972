"""Scale-out: the same flow with its CPU stages on a Dask cluster (a LocalCluster here), same result."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_flow_runs_on_a_local_dask_cluster(es: Elasticsearch, prefect_harness: None, alias_env: str) -> None:
    report = ingest(paths=[str(SEEDS)], options=IngestOptions(workers=2, dask="local"))
    assert (report.inputs, report.indexed, report.dead_lettered) == (5, 5, 0)
    assert "enrich" in report.stage_seconds
    docs = es.search(index=alias_env, size=10)["hits"]["hits"]
    assert len(docs) == 5
    assert all(d["_source"]["entities_status"] == "ok" and d["_source"]["passages"] for d in docs)
