"""A disposable multi-node Elasticsearch cluster on loopback, for the tests of several hosts and transport TLS.

Each node is started by the project's own node manager from a cache directory of its own, seeded from the primary
cache like ``second_node`` (hard links, nothing fetched or compiled twice), with a 512 MB heap. The nodes find each
other through ``discovery.seed_hosts`` (their transport ports, http + 100) and elect the first master from
``cluster.initial_master_nodes``; they start in parallel, since one node alone cannot form the cluster and start-up
is ~25 s each. The file realm is per node, so the first node's users file is given to the others: one
user and password for the whole cluster, passed to the flow as ES_USERNAME/ES_PASSWORD as a user's cluster would be.

``tls`` (``tests.integration.cluster_tls``) turns transport TLS on with certificates made by the distribution's
``elasticsearch-certutil``. Select these tests with ``-m cluster``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.es import install, node
from flows.settings import Settings
from tests.integration.second_node import free_port, seed_home

HEAP = "512m"
CREDENTIAL_FILES = ("users", "users_roles")
# Called for each node after it is prepared and before it starts; returns settings to add (transport TLS).
Prepare = Callable[["ClusterNode"], dict[str, object]]


@dataclass
class ClusterNode:
    name: str
    home: Path
    http_port: int
    node_settings: dict[str, object] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def transport(self) -> str:
        return f"127.0.0.1:{self.http_port + 100}"

    def settings(self) -> Settings:
        return Settings(ES_URL=self.url, ES_HOSTS=None, NEWSINDEX_HOME=str(self.home),  # type: ignore[call-arg]
                        NEWSINDEX_ES_NODE_SETTINGS=self.node_settings, NEWSINDEX_ES_HEAP_MIN=HEAP,
                        NEWSINDEX_ES_HEAP_MAX=HEAP, ES_API_KEY=None, ES_USERNAME=None, ES_PASSWORD=None)

    @property
    def paths(self) -> node.NodePaths:
        return node.paths_for(self.settings())

    def pid(self) -> int | None:
        return node.running_pid(self.paths)

    def kill(self) -> None:
        """``kill -9``: the node is lost, not shut down."""
        pid = self.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            node.wait_for_exit(pid, 30)

    def launch(self) -> None:
        node.write_config(self.settings(), self.paths)
        node.launch(self.settings(), self.paths, install.node_user())


@dataclass
class Cluster:
    name: str
    nodes: list[ClusterNode]
    username: str
    password: str
    tls: Prepare | None = None

    @property
    def seeds(self) -> str:
        return ",".join(m.transport for m in self.nodes)

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def env(self) -> dict[str, str]:
        """What a user of this cluster sets: every host, and the cluster's user."""
        return {"ES_URL": ",".join(self.urls), "ES_USERNAME": self.username, "ES_PASSWORD": self.password}

    @contextlib.contextmanager
    def environment(self, alias: str, **extra: str) -> Iterator[None]:
        with pytest.MonkeyPatch.context() as patch:
            for key in ("ES_API_KEY", "ES_HOSTS", "ES_CA_CERT", "NEWSINDEX_SHARDS", "NEWSINDEX_REPLICAS",
                        "NEWSINDEX_REFRESH_INTERVAL", "ES_SNIFF"):
                patch.delenv(key, raising=False)
            for key, value in {**self.env(), "NEWSINDEX_INDEX": alias, **extra}.items():
                patch.setenv(key, value)
            yield

    def client(self, nodes: list[ClusterNode] | None = None, **options: object) -> Elasticsearch:
        urls = [n.url for n in (nodes or self.nodes)]
        return Elasticsearch(urls, basic_auth=(self.username, self.password), request_timeout=30,
                             **options)  # type: ignore[arg-type]

    def wait_for(self, nodes: int, timeout: float = 240, via: list[ClusterNode] | None = None,
                 status: str | None = "yellow") -> dict[str, object]:
        """Health once ``nodes`` nodes are in the cluster and (by default) no primary is missing."""
        client = self.client(via)
        wanted = {"wait_for_status": status} if status else {}
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            try:
                health = client.cluster.health(wait_for_nodes=str(nodes), timeout="5s", **wanted)
                if not health["timed_out"]:
                    return dict(health)
                last = health
            except Exception as exc:  # no master yet, or the node not listening yet
                last = exc
                time.sleep(1.0)
        raise AssertionError(f"the cluster did not reach {nodes} nodes: {last}; logs under "
                             f"{[str(n.paths.logs) for n in self.nodes]}")

    def restart(self, member: ClusterNode) -> None:
        if member.pid() is None:
            member.launch()
        self.wait_for(len(self.nodes), via=[member])

    def holding(self, index: str, primary: bool = True) -> ClusterNode:
        """The node holding shard 0 of ``index`` (its primary, by default)."""
        shards = self.client().cat.shards(index=index, format="json", h="shard,prirep,node,state")
        wanted = "p" if primary else "r"
        name = next(s["node"] for s in shards if s["shard"] == "0" and s["prirep"] == wanted)
        return next(n for n in self.nodes if n.name == name)


def share_users(first: ClusterNode, others: list[ClusterNode]) -> tuple[str, str]:
    """The first node's file realm (and its generated password) on every node."""
    user = install.node_user()
    for other in others:
        for name in CREDENTIAL_FILES:
            shutil.copyfile(first.paths.es_home / "config" / name, other.paths.es_home / "config" / name)
        shutil.copyfile(first.paths.credentials, other.paths.credentials)
        install.chown_tree(other.paths.es_home / "config", user)
    data = json.loads(first.paths.credentials.read_text())
    return data["username"], data["password"]


@contextlib.contextmanager
def running_cluster(primary: Settings, size: int = 3, tls: bool = False) -> Iterator[Cluster]:
    """``size`` nodes, every one master-eligible and data, in parallel; all gone (and their homes) afterwards.
    ``tls``: transport TLS on, with one CA and a certificate per node (``tests.integration.cluster_tls``)."""
    name = f"newsindex-test-{uuid.uuid4().hex[:6]}"
    ports: list[int] = []
    while len(ports) < size:
        port = free_port()
        if all(abs(port - other) not in {0, 100} for other in ports):
            ports.append(port)
    members = [ClusterNode(f"{name}-{i}", Path(tempfile.mkdtemp(prefix=f"newsindex-{name}-{i}-")), port)
               for i, port in enumerate(ports)]
    seeds = ",".join(m.transport for m in members)
    for member in members:
        member.node_settings = {"cluster.name": name, "node.name": member.name, "discovery.type": "multi-node",
                                "discovery.seed_hosts": seeds,
                                "cluster.initial_master_nodes": ",".join(m.name for m in members)}
    try:
        with ThreadPoolExecutor(max_workers=size) as pool:
            for member in members:
                seed_home(primary, member.home)
            list(pool.map(lambda m: node.prepare(m.settings()), members))
        username, password = share_users(members[0], members[1:])
        cluster = Cluster(name, members, username, password)
        if tls:
            from tests.integration.cluster_tls import TransportTLS

            cluster.tls = TransportTLS(members[0].home / "tls", members[0].paths.es_home, [m.name for m in members])
            for member in members:
                member.node_settings.update(cluster.tls(member))
        with ThreadPoolExecutor(max_workers=size) as pool:
            list(pool.map(ClusterNode.launch, members))
        cluster.wait_for(size)
        yield cluster
    finally:
        for member in members:
            member.kill()  # the homes go next: nothing to shut down cleanly for
            shutil.rmtree(member.home, ignore_errors=True)


@contextlib.contextmanager
def stranger(primary: Settings, cluster: Cluster, settings: dict[str, object] | None = None,
             prepare: Prepare | None = None) -> Iterator[ClusterNode]:
    """A node that tries to join ``cluster`` (its name, its seeds), started without waiting for it to join."""
    member = ClusterNode(f"{cluster.name}-stranger", Path(tempfile.mkdtemp(prefix="newsindex-stranger-")),
                         free_port())
    member.node_settings = {"cluster.name": cluster.name, "node.name": member.name, "discovery.type": "multi-node",
                            "discovery.seed_hosts": cluster.seeds, **(settings or {})}
    try:
        seed_home(primary, member.home)
        node.prepare(member.settings())
        if prepare is not None:
            member.node_settings.update(prepare(member))
        member.launch()
        yield member
    finally:
        member.kill()
        shutil.rmtree(member.home, ignore_errors=True)
