"""A disposable second Elasticsearch node for destructive tests: killed, restarted, starved of write threads.

The primary node (the session fixture in ``tests/conftest.py``) is never touched. This one is started by the
project's own node manager from a cache directory of its own, with the already-downloaded zip (and the built
analysis plugin) hard-linked from the primary cache so nothing is fetched or compiled twice. Its write thread pool
is tiny (one thread, a queue of one) so that parallel bulk requests get real 429 rejections.

Use it by binding the fixtures in a test module (``second_node = node2.second_node`` after
``from tests.integration import second_node as node2``). ``write_articles`` makes distinct, cheap plain-text inputs
for runs against it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.es import node
from flows.es.client import connect
from flows.settings import Settings

TINY_WRITE_POOL = {"thread_pool.write.size": 1, "thread_pool.write.queue_size": 1}


def free_port() -> int:
    """A free HTTP port whose transport port (+100, as the node manager sets it) is free too."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 100 < 65536 and not node.port_in_use("127.0.0.1", port + 100):
            return port
    raise RuntimeError("no free port pair found")


def link_or_copy_tree(source: Path, target: Path) -> None:
    """Hard links where the file system allows (same disk), copies otherwise."""
    for path in source.rglob("*"):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)


def seed_home(primary: Settings, home: Path) -> None:
    """The zip (and the plugin build, cached by source hash) from the primary cache, at the same relative paths."""
    zip_dir = Path("maven/org/elasticsearch/distribution/integ-test-zip/elasticsearch") / primary.es_version
    if not (primary.home / zip_dir).is_dir():
        raise RuntimeError(f"the primary cache has no Elasticsearch zip under {primary.home / zip_dir}")
    link_or_copy_tree(primary.home / zip_dir, home / zip_dir)
    if (primary.home / "plugin-build").is_dir():
        link_or_copy_tree(primary.home / "plugin-build", home / "plugin-build")


@dataclass
class SecondNode:
    home: Path
    url: str
    node_settings: dict[str, object]

    @property
    def env(self) -> dict[str, str]:
        return {"ES_URL": self.url, "NEWSINDEX_HOME": str(self.home),
                "NEWSINDEX_ES_NODE_SETTINGS": json.dumps(self.node_settings)}

    def settings(self) -> Settings:
        with self.environment():
            return Settings()

    @contextlib.contextmanager
    def environment(self, alias: str | None = None) -> Iterator[None]:
        """Points Settings (and so the flow and the CLI in-process) at this node; credentials of other clusters
        are cleared so they cannot leak in."""
        with pytest.MonkeyPatch.context() as patch:
            for key, value in self.env.items():
                patch.setenv(key, value)
            for key in ("ES_API_KEY", "ES_USERNAME", "ES_PASSWORD", "ES_CA_CERT"):
                patch.delenv(key, raising=False)
            if alias:
                patch.setenv("NEWSINDEX_INDEX", alias)
            yield

    def subprocess_env(self, alias: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if k not in {"ES_API_KEY", "ES_USERNAME", "ES_PASSWORD"}}
        return {**base, **self.env, "NEWSINDEX_INDEX": alias}

    def client(self, **options: object) -> Elasticsearch:
        client = connect(self.settings())
        return client.options(**options) if options else client  # type: ignore[arg-type]

    def pid(self) -> int | None:
        return node.running_pid(node.paths_for(self.settings()))

    def start(self) -> str:
        return node.start(self.settings())

    def stop(self) -> str:
        return node.stop(self.settings())

    def kill(self) -> int:
        """``kill -9``: no shutdown hooks, no flush; the node's data must survive anyway."""
        pid = self.pid()
        if pid is None:
            raise RuntimeError("the second node is not running")
        os.kill(pid, signal.SIGKILL)
        node.wait_for_exit(pid, 30)
        return pid

    def ensure_running(self) -> None:
        if self.pid() is None:
            self.start()

    def write_rejections(self) -> int:
        stats = self.client().nodes.stats(metric="thread_pool", filter_path="nodes.*.thread_pool.write.rejected")
        return sum(n["thread_pool"]["write"]["rejected"] for n in stats["nodes"].values())


@contextlib.contextmanager
def running_second_node(primary: Settings, node_settings: dict[str, object]) -> Iterator[SecondNode]:
    home = Path(tempfile.mkdtemp(prefix="newsindex-node2-"))
    second = SecondNode(home=home, url=f"http://127.0.0.1:{free_port()}", node_settings=node_settings)
    try:
        seed_home(primary, home)
        second.start()
        yield second
    finally:
        with contextlib.suppress(Exception):
            second.stop()
        pid = second.pid()
        if pid is not None:  # stop() gave up: do not leave a JVM behind
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def second_node(es_settings: Settings) -> Iterator[SecondNode]:
    """One disposable node for every destructive test of the session (start-up costs ~20-30 s)."""
    with running_second_node(es_settings, TINY_WRITE_POOL) as second:
        yield second


@pytest.fixture
def live_second_node(second_node: SecondNode) -> SecondNode:
    """The second node, restarted first if an earlier test left it down."""
    second_node.ensure_running()
    return second_node


WORDS = (
    "market", "minister", "council", "growth", "player", "season", "company", "network", "record", "budget",
    "election", "court", "film", "energy", "music", "report", "bank", "summit", "union", "coach", "engineer",
    "village", "river", "museum", "festival", "harbour", "railway", "software", "farmer", "doctor", "teacher",
    "airline", "factory", "stadium", "orchestra", "library", "treaty", "vaccine", "satellite", "tournament",
    "parliament", "province", "currency", "harvest", "laboratory", "exhibition",
)


def article_text(number: int, words: int = 120) -> str:
    """A distinct plain-text article (headline, blank line, paragraphs): cheap for the NLP stages, never a copy of
    another number's text."""
    import random

    rng = random.Random(number)
    body = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + f" item {number}."
            for _ in range(words // 12)]
    paragraphs = ["\n".join(body[i : i + 3]) for i in range(0, len(body), 3)]
    return f"Report number {number} on the {rng.choice(WORDS)}\n\n" + "\n\n".join(paragraphs) + "\n"


def write_articles(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"{number:05d}.txt"
        path.write_text(article_text(number))
        paths.append(path)
    return paths
