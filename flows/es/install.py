"""Fetching and unpacking the official integ-test-zip distribution of Elasticsearch from Maven Central.

The zip is fetched once with ``mvn`` into a Maven repository inside the cache directory and unpacked once; the
unpacked tree is reused by every later start. Nothing lands in the project repository.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
NODE_USER = "newsindex-es"
# The translog and segments hold every indexed article in clear text and the config holds the password hashes:
# nothing the node writes is for other local users. As a shell umask, applied after `runuser` (PAM may reset it).
NODE_UMASK = "077"


class InstallError(RuntimeError):
    """The node could not be installed; the message says what to fix."""


def fetch_zip(home: Path, version: str) -> Path:
    """Downloads the zip with mvn unless the cache already has it."""
    repo = home / "maven"
    zip_path = repo / "org/elasticsearch/distribution/integ-test-zip/elasticsearch" / version
    zip_path = zip_path / f"elasticsearch-{version}.zip"
    if zip_path.is_file():
        return zip_path
    if shutil.which("mvn") is None:
        raise InstallError("mvn (Apache Maven) is needed to fetch Elasticsearch; install it (apt-get install maven).")
    cmd = ["mvn", "-q", "-B", "dependency:get", f"-Dartifact={ARTIFACT.format(version=version)}",
           "-Dtransitive=false", f"-Dmaven.repo.local={repo}"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not zip_path.is_file():
        raise InstallError(f"mvn could not fetch Elasticsearch {version}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return zip_path


def unpack(zip_path: Path, dest_parent: Path) -> Path:
    """Unpacks once, keeping the executable bits that ``zipfile`` would otherwise drop."""
    with zipfile.ZipFile(zip_path) as archive:
        top = archive.namelist()[0].split("/")[0]
        target = dest_parent / top
        if (target / "bin" / "elasticsearch").is_file():
            return target
        partial = dest_parent / f".{top}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        for info in archive.infolist():
            extracted = Path(archive.extract(info, partial))
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                extracted.chmod(mode)
    (partial / top).rename(target)
    partial.rmdir()
    return target


def java_home() -> Path:
    """ES_JAVA_HOME, else JAVA_HOME, else the JDK behind ``java`` on PATH (this zip bundles no JDK)."""
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            return Path(os.environ[var])
    java = shutil.which("java")
    if java is None:
        raise InstallError("No Java found: install a JDK 17 or newer, or set ES_JAVA_HOME.")
    return Path(java).resolve().parent.parent


def node_user() -> str | None:
    """The user the node runs as: None (the caller) unless we are root, which Elasticsearch refuses."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(NODE_USER)
    except KeyError:
        subprocess.run(["useradd", "-r", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", NODE_USER],
                       check=True, capture_output=True)
    return NODE_USER


def run_as_prefix(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


def chown_tree(path: Path, user: str | None) -> None:
    if user:
        subprocess.run(["chown", "-R", f"{user}:", str(path)], check=True, capture_output=True)


def with_node_umask(cmd: list[str]) -> list[str]:
    """The command under the node's umask, so every file the node (or its tools) creates is private."""
    return ["sh", "-c", f'umask {NODE_UMASK} && exec "$@"', "sh", *cmd]


def node_gid(user: str | None) -> int | None:
    return pwd.getpwnam(user).pw_gid if user else None


def private_dir(path: Path, group: int | None = None) -> Path:
    """Creates or tightens a folder to 0700, or 0750 for ``group`` (the node's own group, when it runs as another
    user and must pass through). Tightened even when it exists: caches made by older versions were 0755."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & stat.S_ISVTX or path.resolve() == Path("/"):
        raise InstallError(f"{path} is a shared folder (like /tmp): point NEWSINDEX_HOME at a folder of its own.")
    if group is not None and path.stat().st_gid != group:
        os.chown(path, -1, group)
    wanted = 0o750 if group is not None else 0o700
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode == wanted:
        return path
    try:
        path.chmod(wanted)
    except PermissionError as exc:
        if mode & 0o007:  # another user's folder that is open to all: refuse to put anything in it
            raise InstallError(f"{path} is open to other users and belongs to uid {path.stat().st_uid}: run as "
                               f"that user, or point NEWSINDEX_HOME elsewhere.") from exc
    return path


def close_tree(root: Path) -> None:
    """Removes group and other access below ``root``; symlinks are left alone (chmod would follow them)."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            _close(Path(folder) / name)
    _close(root)


def _close(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and stat.S_IMODE(mode) & 0o077:
            path.chmod(stat.S_IMODE(mode) & 0o700)
    except FileNotFoundError:  # a running node deletes translog generations and merged segments meanwhile
        pass
