"""Secrets stay secret: the node's password and an API key never show in CLI output, run reports, Prefect flow
parameters, logs, artifacts or exception messages. API-key auth works for a run; wrong credentials get a clear
401 message; user query text on `newsindex search` can neither break the request nor reach other fields or indices.

The CLI runs as subprocesses against the session's Prefect test server (PREFECT_API_URL passed down), so what they
record there is read back with the Prefect client."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.es import node
from flows.es.client import Unreachable
from flows.index.deadletters import deadletter_index
from flows.ingest.flow import IngestOptions, ingest
from flows.settings import Settings
from tests.conftest import drop_alias_family
from tests.integration.second_node import write_articles

pytestmark = [pytest.mark.integration, pytest.mark.flow]
CLI = [sys.executable, "-m", "flows.cli"]
REPO = Path(__file__).resolve().parents[2]
SECRET_ENV = ("ES_API_KEY", "ES_USERNAME", "ES_PASSWORD")


@dataclass
class Secured:
    alias: str
    folder: Path
    prefect_url: str
    password: str
    api_key: dict[str, str]
    wrong_password: str = field(default_factory=lambda: "wrong-" + secrets.token_urlsafe(12))
    outputs: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)

    @property
    def secrets(self) -> dict[str, str]:
        return {"password": self.password, "api key": self.api_key["encoded"],
                "api key secret": self.api_key["api_key"], "wrong password": self.wrong_password}

    def cli(self, name: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
        full = {**base, "NEWSINDEX_INDEX": self.alias, "PREFECT_API_URL": self.prefect_url, **env}
        done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, cwd=REPO, env=full)
        self.outputs[name] = done
        return done


def prefect_api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness did not set an API URL"
    return str(url)


@pytest.fixture(scope="module")
def secured(es: Elasticsearch, es_settings: Settings, prefect_harness: None,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Secured]:
    credentials = node.read_credentials(es_settings)
    assert credentials is not None
    folder = tmp_path_factory.mktemp("secured")
    write_articles(folder, 2, start=5100)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text" * 10)
    alias = f"test-sec-{uuid.uuid4().hex[:8]}"
    key = es.security.create_api_key(name=f"newsindex-test-{alias}", expiration="30m").body
    state = Secured(alias=alias, folder=folder, prefect_url=prefect_api_url(), password=credentials[1],
                    api_key={k: key[k] for k in ("id", "api_key", "encoded")})
    yield state
    es.security.invalidate_api_key(ids=[key["id"]])
    drop_alias_family(es, alias)


@pytest.fixture(scope="module")
def api_key_run(secured: Secured, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report_path = tmp_path_factory.mktemp("reports") / "apikey.json"
    done = secured.cli("run with api key", "run", str(secured.folder), "--workers", "0", "--no-progress",
                       "--report", str(report_path), ES_API_KEY=secured.api_key["encoded"])
    assert done.returncode == 0, done.stderr[-3000:]
    return done, json.loads(report_path.read_text())


def test_api_key_auth_works_for_a_run(api_key_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
                                      es: Elasticsearch, secured: Secured) -> None:
    _, report = api_key_run
    assert (report["inputs"], report["indexed"], report["dead_lettered"], report["accounted"]) == (3, 2, 1, True)
    es.indices.refresh(index=secured.alias)
    assert es.count(index=secured.alias)["count"] == 2


def test_wrong_password_is_a_clear_401_without_the_password(secured: Secured) -> None:
    done = secured.cli("run with wrong password", "run", str(secured.folder), "--workers", "0", "--no-progress",
                       ES_USERNAME="newsindex", ES_PASSWORD=secured.wrong_password)
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert "newsindex: " in done.stderr and "refused the credentials (401)" in done.stderr, last
    assert secured.wrong_password not in done.stdout + done.stderr


def test_wrong_api_key_is_a_clear_401(secured: Secured) -> None:
    bogus = "Zm9vOmJhcg=="  # base64 of foo:bar
    done = secured.cli("search with wrong api key", "search", "council", ES_API_KEY=bogus)
    assert done.returncode == 2 and "refused the credentials (401)" in done.stderr, done.stderr[-2000:]


def test_flow_in_process_with_wrong_credentials_raises_a_message_without_secrets(
        secured: Secured, prefect_harness: None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", secured.alias)
        patch.setenv("ES_USERNAME", "newsindex")
        patch.setenv("ES_PASSWORD", secured.wrong_password)
        with pytest.raises(Unreachable, match="401") as raised:
            ingest(paths=[str(secured.folder)], options=IngestOptions(workers=0))
    chain = [raised.value, raised.value.__cause__, raised.value.__context__]
    text = " ".join(f"{exc!s} {exc!r}" for exc in chain if exc is not None)
    assert secured.wrong_password not in text and secured.password not in text


def test_settings_never_print_secrets(secured: Secured) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ES_PASSWORD", secured.password)
        patch.setenv("ES_API_KEY", secured.api_key["encoded"])
        settings = Settings()
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert secured.password not in text and secured.api_key["encoded"] not in text


def test_basic_auth_run_and_status_and_search_outputs_hold_no_secret(
        secured: Secured, api_key_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]]) -> None:
    run = secured.cli("run with basic auth", "run", str(secured.folder), "--workers", "0", "--no-progress",
                      ES_USERNAME="newsindex", ES_PASSWORD=secured.password)
    assert run.returncode == 0, run.stderr[-3000:]
    status = secured.cli("es status", "es", "status", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["running"]
    found = secured.cli("search", "search", "council", "--json", ES_API_KEY=secured.api_key["encoded"])
    assert found.returncode == 0, found.stderr[-2000:]
    leaks = [(name, label) for name, done in secured.outputs.items() for label, value in secured.secrets.items()
             if value in done.stdout + done.stderr]
    assert leaks == []
    assert api_key_run[1] and not [label for label, value in secured.secrets.items()
                                  if value in json.dumps(api_key_run[1])]


def prefect_records(secured: Secured, run_id: str) -> dict[str, str]:
    """The CLI run's parameters and state message, its log lines and artifacts, and the server's newest runs, as
    text. Filtered by the run: the session's server is the persistent local one, holding every earlier run too."""
    from uuid import UUID

    from prefect import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    records: dict[str, str] = {}
    with get_client(sync_client=True) as client:
        ours = client.read_flow_run(UUID(run_id))
        for run in [ours, *client.read_flow_runs(limit=200, sort=FlowRunSort.START_TIME_DESC)]:
            state = run.state.message if run.state else ""
            records[f"flow run {run.name}"] = json.dumps(run.parameters, default=str) + f" {state}"
        offset = 0
        logs = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[ours.id]))
        while batch := client.read_logs(log_filter=logs, limit=200, offset=offset):
            records.update({f"log {offset + i}": log.message for i, log in enumerate(batch)})
            offset += len(batch)
        artifacts = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[ours.id]))
        records.update({f"artifact {a.id}": json.dumps(a.data, default=str) + f" {a.description}"
                        for a in client.read_artifacts(artifact_filter=artifacts, limit=200)})
    return records


def test_prefect_keeps_no_secret_in_parameters_logs_or_artifacts(
        secured: Secured, api_key_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]]) -> None:
    records = prefect_records(secured, api_key_run[1]["run_id"])
    ours = [text for name, text in records.items() if name.startswith("flow run") and str(secured.folder) in text]
    assert ours, "the CLI's flow run was not recorded on the test server"
    assert any(name.startswith("log") and "ingest finished" in text for name, text in records.items())
    leaks = [(name, label) for name, text in records.items() for label, value in secured.secrets.items()
             if value in text]
    assert leaks == []


HOSTILE = ['"', "\\", "{{query}}", '"}}, "size": 10000, "x": {{', "*:*", "((council", "council)))", "a" * 20_000,
           "_index:*", "origin.path:*", "NOT council", "council~99999", "/.*/"]


def test_cli_search_survives_hostile_text_and_stays_inside_the_alias(
        secured: Secured, api_key_run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
        es: Elasticsearch) -> None:
    for text in HOSTILE:
        done = secured.cli(f"search {text[:10]}", "search", text, "--json", "--size", "100")
        assert done.returncode == 0, (text[:40], done.stderr[-1500:])
        result = json.loads(done.stdout)
        assert result["total"] <= 2 and all(h["origin"]["path"].startswith(str(secured.folder)) for h in result["hits"])
    store = deadletter_index(secured.alias)
    stored = es.count(index=store, query={"match_phrase": {"detail": "NUL bytes"}})["count"]
    assert stored >= 1  # the phrase is there to be found, in the dead-letter store
    assert store not in es.indices.get_alias(name=secured.alias)  # which is not behind the alias
    letters = secured.cli("search dead letter detail", "search", "NUL bytes", "--json")
    assert letters.returncode == 0, letters.stderr[-1500:]
    assert json.loads(letters.stdout)["total"] == 0  # the dead-letter index is not behind the alias
    path = str(secured.folder / "05100.txt")
    for text in (f'origin.path:"{path}"', f"origin.key:{path}", f"_index:{secured.alias}-deadletter"):
        done = secured.cli("search field syntax", "search", text, "--json")
        assert done.returncode == 0 and json.loads(done.stdout)["total"] == 0, text


@pytest.mark.parametrize("item", ["_index=other", "script=1", "origin.path=/etc", "size=10000", "query"])
def test_cli_search_refuses_unknown_filters_with_a_one_line_message(secured: Secured, item: str) -> None:
    done = secured.cli(f"filter {item}", "search", "council", "--filter", item)
    assert done.returncode == 2 and done.stderr.startswith("newsindex: --filter"), done.stderr[-500:]


def scoped_key(es: Elasticsearch, name: str, cluster: list[str], names: list[str], privileges: list[str]) -> str:
    """A key with the role descriptors docs/security.md gives, bound to the test alias."""
    key = es.security.create_api_key(name=name, expiration="10m", role_descriptors={
        "r": {"cluster": cluster, "indices": [{"names": names, "privileges": privileges}]}})
    return str(key["encoded"])


def test_the_documented_least_privilege_keys_can_ingest_and_search(
        secured: Secured, es: Elasticsearch, tmp_path: Path, prefect_harness: None) -> None:
    alias = f"test-lp-{uuid.uuid4().hex[:8]}"
    ingest_key = scoped_key(es, "lp-ingest", ["monitor", "manage_index_templates"], [alias, f"{alias}-*"],
                            ["manage", "read", "write"])
    search_key = scoped_key(es, "lp-search", ["monitor"], [alias, f"{alias}-v*"], ["read", "view_index_metadata"])
    write_articles(tmp_path, 2, start=5200)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NEWSINDEX_INDEX", alias)
            patch.setenv("ES_API_KEY", ingest_key)
            report = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0))
        assert (report.indexed, report.accounted) == (2, True)
        found = secured.cli("least-privilege search", "search", "report", "--json", NEWSINDEX_INDEX=alias,
                            ES_API_KEY=search_key)
        assert found.returncode == 0 and json.loads(found.stdout)["total"] == 2, found.stderr[-1500:]
    finally:
        drop_alias_family(es, alias)


def test_a_read_only_key_without_cluster_privileges_can_search(secured: Secured, es: Elasticsearch,
                                                               api_key_run: tuple) -> None:
    """Kibana-style read-only keys often have no cluster privilege; the pre-flight check must not lock them out."""
    key = scoped_key(es, "ro-search", [], [secured.alias, f"{secured.alias}-v*"], ["read"])
    found = secured.cli("read-only search", "search", "report", "--json", ES_API_KEY=key)
    assert found.returncode == 0, found.stderr[-1500:]
    assert json.loads(found.stdout)["total"] == 2


def test_no_cli_output_of_this_module_held_a_secret(secured: Secured) -> None:
    """Runs last: every subprocess above (runs, failing runs, status, searches) is checked."""
    assert len(secured.outputs) >= 10
    leaks = [(name, label) for name, done in secured.outputs.items() for label, value in secured.secrets.items()
             if value in done.stdout + done.stderr]
    assert leaks == []
