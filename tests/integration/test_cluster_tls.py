"""Transport TLS as docs/cluster.md sets it up: certificates from the distribution's ``elasticsearch-certutil``, a
3-node cluster that forms over TLS, and a node whose certificate another CA signed that cannot join it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from flows.settings import Settings
from tests.integration.cluster import Cluster, running_cluster, stranger
from tests.integration.cluster_tls import TransportTLS

pytestmark = [pytest.mark.integration, pytest.mark.cluster]


@pytest.fixture(scope="module")
def tls_cluster(es_settings: Settings) -> Iterator[Cluster]:
    with running_cluster(es_settings, size=3, tls=True) as running:
        yield running


def test_the_cluster_forms_over_transport_tls(tls_cluster: Cluster) -> None:
    client = tls_cluster.client()
    health = client.cluster.health(wait_for_nodes="3", timeout="30s")
    assert health["number_of_nodes"] == 3 and health["status"] in {"green", "yellow"}
    settings = client.nodes.info(metric="settings", filter_path="nodes.*.settings.xpack.security.transport")
    for info in settings["nodes"].values():
        assert info["settings"]["xpack"]["security"]["transport"]["ssl"]["enabled"] == "true"
    key = tls_cluster.nodes[0].paths.es_home / "config" / "certs" / "node.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_a_node_without_the_clusters_certificate_cannot_join(tls_cluster: Cluster, es_settings: Settings,
                                                             tmp_path: Path) -> None:
    """Same cluster name, same seeds, TLS on, but its certificate is signed by a CA of its own."""
    es_home = tls_cluster.nodes[0].paths.es_home
    name = f"{tls_cluster.name}-stranger"
    own_ca = TransportTLS(tmp_path / "other-ca", es_home, [name])
    with stranger(es_settings, tls_cluster, prepare=own_ca) as outsider:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # until its HTTP port answers (401: up, no credentials sent)
            try:
                requests.get(outsider.url, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(1)
        time.sleep(15)  # time enough to have joined, had its certificate been trusted
        health = tls_cluster.client().cluster.health()
        assert health["number_of_nodes"] == 3
        log = "".join(path.read_text(errors="replace") for path in outsider.paths.logs.glob("*.log"))
        assert "certification path" in log or "SSLHandshakeException" in log or "handshake" in log.lower(), log[-3000:]
    assert tls_cluster.client().cluster.health()["number_of_nodes"] == 3
