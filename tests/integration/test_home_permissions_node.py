"""The running node's cache is closed to other local users: without credentials nobody else can read an article
from the translog, a log line or the password hashes. `es start` tightens a cache made open by older versions, and
the node runs under umask 077 so what it writes later stays private too."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.es import node
from flows.settings import Settings

pytestmark = pytest.mark.integration


def open_entries(root: Path) -> list[str]:
    """Everything below root that its group or other users may use (symlinks aside)."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o077:
            found.append(f"{oct(stat.S_IMODE(mode))} {path}")
    return found


def private_folders(paths: node.NodePaths) -> list[Path]:
    return [paths.data, paths.logs, paths.run, paths.es_home / "config"]


def test_start_closes_the_cache_to_other_users(es: Elasticsearch, es_settings: Settings) -> None:
    paths = node.paths_for(es_settings)
    paths.logs.chmod(0o755)  # as a cache made before this fix left it
    node.start(es_settings)
    assert stat.S_IMODE(paths.home.stat().st_mode) & 0o007 == 0
    assert [entry for folder in private_folders(paths) for entry in open_entries(folder)] == []
    assert stat.S_IMODE(paths.credentials.stat().st_mode) == 0o600


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("runuser"),
    reason="reading as another user needs root (runuser -u nobody); as a normal user the modes "
    "checked by test_start_closes_the_cache_to_other_users are the same guard",
)
def test_another_local_user_cannot_read_articles_logs_or_secrets(es: Elasticsearch, es_settings: Settings) -> None:
    paths = node.paths_for(es_settings)
    node.start(es_settings)
    translogs = sorted(paths.data.rglob("*.tlog"))
    assert translogs, "the node keeps a translog under its data folder"
    folders = [paths.home, paths.data, paths.logs, paths.run, paths.es_home / "config"]
    files = [translogs[0], paths.log_file, paths.credentials, paths.es_home / "config" / "users"]
    for target in folders + files:
        command = "ls" if target.is_dir() else "cat"
        done = subprocess.run(
            ["runuser", "-u", "nobody", "--", command, str(target)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode != 0 and "Permission denied" in done.stderr, (target, done.stdout[:200])


def test_the_node_runs_under_a_private_umask_after_a_restart(es: Elasticsearch, es_settings: Settings) -> None:
    node.stop(es_settings)
    node.start(es_settings)
    paths = node.paths_for(es_settings)
    pid = node.running_pid(paths)
    status = Path(f"/proc/{pid}/status").read_text()
    assert "Umask:\t0077" in status.splitlines()
    index = f"test-umask-{uuid.uuid4().hex[:8]}"
    es.indices.create(index=index, settings={"number_of_replicas": 0})
    try:
        es.index(index=index, id="1", document={"body": "an article"}, refresh=True)
        es.indices.flush(index=index)
        folder = paths.data / "indices" / es.indices.get(index=index)[index]["settings"]["index"]["uuid"]
        assert any(folder.rglob("*.tlog")) and open_entries(folder) == []
    finally:
        es.indices.delete(index=index)
