"""The embedded node as the issue defines it: real, secured, versioned, reachable with the printed exports."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from elasticsearch import Elasticsearch

from flows.es import node
from flows.settings import Settings

pytestmark = pytest.mark.integration
CLI = [sys.executable, "-m", "flows.cli"]


def test_node_reports_the_pinned_version(es: Elasticsearch, es_settings: Settings) -> None:
    info = es.nodes.info(node_id="_local")
    assert next(iter(info["nodes"].values()))["version"] == es_settings.es_version == "8.19.21"
    assert es.cluster.health()["status"] in {"green", "yellow"}


def test_anonymous_requests_are_refused(es: Elasticsearch, es_settings: Settings) -> None:
    assert requests.get(f"{es_settings.es_url}/_cluster/health", timeout=10).status_code == 401


def test_env_exports_reach_the_node_with_curl(es: Elasticsearch) -> None:
    script = f'eval "$({" ".join(CLI)} es env)"; curl -s -u "$ES_USERNAME:$ES_PASSWORD" "$ES_URL/_cluster/health"'
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert '"cluster_name":"newsindex"' in out.stdout


def test_status_never_prints_the_password(es: Elasticsearch, es_settings: Settings) -> None:
    _, password = node.read_credentials(es_settings) or ("", "")
    out = subprocess.run([*CLI, "es", "status"], capture_output=True, text=True, check=True, timeout=60)
    assert "8.19.21" in out.stdout and password and password not in out.stdout + out.stderr


def test_credentials_file_is_private(es_settings: Settings, es: Elasticsearch) -> None:
    path = node.paths_for(es_settings).credentials
    assert path.stat().st_mode & 0o077 == 0


def test_start_when_running_says_so(es: Elasticsearch, es_settings: Settings) -> None:
    assert "already running" in node.start(es_settings)


def test_a_taken_port_is_a_clear_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        monkeypatch.setenv("ES_URL", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("NEWSINDEX_HOME", str(tmp_path))
        with pytest.raises(node.NodeError, match=f"Port {port}.*taken"):
            node.start(Settings())
    assert not (tmp_path / "maven").exists()  # refused before installing anything


def test_stop_leaves_no_process_and_start_comes_back(es: Elasticsearch, es_settings: Settings) -> None:
    paths = node.paths_for(es_settings)
    pid = node.running_pid(paths)
    assert pid is not None
    assert "stopped" in node.stop(es_settings)
    assert not Path(f"/proc/{pid}").exists()
    assert node.running_pid(paths) is None
    leftover = subprocess.run(["pgrep", "-f", f"-Des.path.home={paths.es_home}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
    node.start(es_settings)  # the rest of the session needs it
    assert es.cluster.health()["status"] in {"green", "yellow"}


def test_api_key_limited_to_read_can_search_and_cannot_write(es: Elasticsearch, es_settings: Settings) -> None:
    es.options(ignore_status=400).indices.create(index="articles-apikey-check")
    key = es.security.create_api_key(
        name="newsindex-test-reader",
        role_descriptors={"reader": {"indices": [{"names": ["articles*"], "privileges": ["read"]}]}},
        expiration="10m",
    )
    reader = Elasticsearch(es_settings.es_url, api_key=key["encoded"])
    try:
        assert reader.search(index="articles-apikey-check", size=0)["hits"]["total"]["value"] == 0
        refused = reader.options(ignore_status=403).index(index="articles-apikey-check", document={"x": 1})
        assert refused.meta.status == 403
    finally:
        es.indices.delete(index="articles-apikey-check")
        es.security.invalidate_api_key(ids=[key["id"]])
