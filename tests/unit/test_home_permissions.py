"""The cache of the local node is closed to other users: folders made private, old open ones tightened, the node's
tools run under a private umask. No node here: the layout code on temporary folders, as a normal user runs it
(``user=None`` is the path every non-root user takes; root adds only the node's group on the cache)."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.es import install, node


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask a user may have: what the code makes must not depend on the caller's."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_new_folder_is_private_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    folder = install.private_dir(tmp_path / "a" / "b")
    assert mode(folder) == 0o700


def test_an_open_folder_is_tightened_and_the_node_group_may_pass(tmp_path: Path) -> None:
    folder = tmp_path / "home"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    assert mode(install.private_dir(folder)) == 0o700
    assert mode(install.private_dir(folder, group=os.getgid())) == 0o750
    assert folder.stat().st_gid == os.getgid()


def test_another_users_open_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    folder.chmod(0o755)

    def not_owner(self: Path, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "chmod", not_owner)
    with pytest.raises(install.InstallError, match="open to other users"):
        install.private_dir(folder)


def test_close_tree_takes_group_and_other_access_away_and_leaves_symlinks(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours to change")
    outside.chmod(0o644)
    root = tmp_path / "data"
    (root / "indices" / "x").mkdir(parents=True)
    for folder in (root, root / "indices", root / "indices" / "x"):
        folder.chmod(0o755)
    translog = root / "indices" / "x" / "translog-1.tlog"
    translog.write_text("every article")
    translog.chmod(0o644)
    tool = root / "tool.sh"
    tool.write_text("#!/bin/sh\n")
    tool.chmod(0o755)
    (root / "link").symlink_to(outside)
    install.close_tree(root)
    assert [mode(p) for p in (root, root / "indices", translog, tool)] == [0o700, 0o700, 0o600, 0o700]
    assert mode(outside) == 0o644


def test_secure_layout_closes_an_old_open_cache(tmp_path: Path, open_umask: None) -> None:
    paths = node.NodePaths(tmp_path / "cache", "0.0.0")
    for folder in (paths.home, paths.data, paths.logs, paths.es_home / "config"):
        folder.mkdir(parents=True, mode=0o755)
    (paths.logs / "newsindex.log").write_text("log")
    (paths.es_home / "config" / "users").write_text("newsindex:$2a$10$hash")
    node.secure_layout(paths, user=None)
    assert [mode(p) for p in (paths.home, paths.data, paths.logs, paths.run)] == [0o700] * 4
    assert mode(paths.logs / "newsindex.log") == mode(paths.es_home / "config" / "users") == 0o600


def test_the_node_and_its_tools_run_under_a_private_umask(tmp_path: Path, open_umask: None) -> None:
    subprocess.run(install.with_node_umask(["sh", "-c", "echo x > file && mkdir folder"]), cwd=tmp_path, check=True)
    assert (mode(tmp_path / "file"), mode(tmp_path / "folder")) == (0o600, 0o700)


def test_launch_and_superuser_commands_carry_the_umask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def record(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(node.subprocess, "run", record)
    monkeypatch.setattr(node, "node_env", lambda paths, settings=None: {})
    paths = node.NodePaths(tmp_path, "0.0.0")
    node.launch(None, paths, None)  # type: ignore[arg-type]  # settings only feed node_env, stubbed here
    node.ensure_superuser(paths, None)
    assert len(seen) == 3 and all(f"umask {install.NODE_UMASK}" in " ".join(cmd) for cmd in seen)


@pytest.mark.parametrize("shared", ["tmp", "root"])
def test_a_shared_folder_is_never_made_the_cache(shared: str, tmp_path: Path) -> None:
    """NEWSINDEX_HOME=/tmp must not turn /tmp into a private folder (nor strip its sticky bit)."""
    folder = Path("/")
    if shared == "tmp":
        folder = tmp_path / "shared"
        folder.mkdir()
        folder.chmod(0o1777)
    with pytest.raises(install.InstallError, match="shared folder"):
        install.private_dir(folder)
    assert mode(folder) == (0o1777 if shared == "tmp" else mode(Path("/")))


def test_close_tree_ignores_files_the_node_deletes_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "translog-7.tlog").write_text("x")
    real_lstat = Path.lstat

    def deleted_meanwhile(self: Path) -> os.stat_result:
        if self.name == "translog-7.tlog":
            raise FileNotFoundError(2, "No such file or directory", str(self))
        return real_lstat(self)

    monkeypatch.setattr(Path, "lstat", deleted_meanwhile)
    install.close_tree(tmp_path)
