"""Session fixtures: the real local Elasticsearch node (started here when not running) and per-test aliases.

No stand-in for Elasticsearch exists in this suite: integration tests talk to the node `newsindex es start` runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from elasticsearch import Elasticsearch

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from flows.es import node
from flows.es.client import connect
from flows.settings import Settings


@pytest.fixture(scope="session")
def es_settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def es_node(es_settings: Settings) -> Iterator[Settings]:
    """Starts the node if it is not running, and stops it at the end only if this session started it."""
    started_here = node.running_pid(node.paths_for(es_settings)) is None
    node.start(es_settings)
    yield es_settings
    if started_here and not os.environ.get("NEWSINDEX_KEEP_NODE"):
        node.stop(es_settings)


@pytest.fixture(scope="session")
def es(es_node: Settings) -> Elasticsearch:
    return connect(es_node)


@pytest.fixture
def test_alias(es: Elasticsearch) -> Iterator[str]:
    """A fresh alias (and so a fresh template/index family) per test; removed afterwards."""
    alias = f"test-{uuid.uuid4().hex[:10]}"
    yield alias
    drop_alias_family(es, alias)


@contextmanager
def ingested_alias(es: Elasticsearch, prefix: str, paths: list[str], workers: int = 1) -> Iterator[tuple[str, Any]]:
    """A module's one flow run into an alias of its own: (alias, report), the alias family dropped afterwards."""
    from flows.ingest.flow import IngestOptions, ingest

    alias = f"{prefix}-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", alias)
        yield alias, ingest(paths=paths, options=IngestOptions(workers=workers))
    drop_alias_family(es, alias)


def drop_alias_family(es: Elasticsearch, alias: str) -> None:
    from flows.es.setup import drop_family

    drop_family(es, alias)


@pytest.fixture(scope="session")
def prefect_harness(es_settings: Settings) -> Iterator[None]:
    """A real Prefect server for the whole session, the embedded local one that `newsindex prefect start` runs:
    flows in this process and every `newsindex run` the tests start as a subprocess use it, so none of them pays
    for an ephemeral server's start. Stopped at the end only if this session started it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import prefect_local

    started_here = prefect_local.running_url(es_settings) is None
    prefect_local.start(es_settings, es_settings.prefect_port)
    url = prefect_local.running_url(es_settings)
    assert url, "the local Prefect server did not come up"
    with pytest.MonkeyPatch.context() as patch, temporary_settings(updates={PREFECT_API_URL: url}):
        patch.setenv("PREFECT_API_URL", url)
        yield
    if started_here and not os.environ.get("NEWSINDEX_KEEP_NODE"):
        prefect_local.stop(es_settings)


@pytest.fixture
def alias_env(test_alias: str) -> Iterator[str]:
    """Points the flow's own Settings (read from the environment) at the test alias."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", test_alias)
        yield test_alias
