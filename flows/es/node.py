"""The embedded local Elasticsearch node: start, stop, status. Secured like a default Elasticsearch 8.

Layout under the cache directory (``Settings.home``)::

    maven/                  the fetched zip
    elasticsearch-8.19.21/  the unpacked node (owned by the node user)
    data/ logs/ run/        node data, logs (newsindex.log) and pid file (owned by the node user)
    plugin-build/           the analysis plugin built from analysis-plugin/
    credentials.json        the generated superuser password, mode 0600

The translog and segments hold every article in clear text, so nothing here is open to other local users: the
cache is 0700 (0750 with the node's group when root runs the node as its own user), the node's folders 0700, and
the node runs under umask 077. ``es start`` tightens caches made before this was so.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch

from flows.es import install
from flows.es.plugin import ensure_plugin
from flows.settings import Settings

CLUSTER_NAME = "newsindex"
SUPERUSER = "newsindex"
REPO_ROOT = Path(__file__).resolve().parents[2]


class NodeError(RuntimeError):
    """The local node could not be started or stopped; the message says what to do."""


@dataclass(frozen=True)
class NodePaths:
    home: Path
    version: str

    @property
    def es_home(self) -> Path:
        return self.home / f"elasticsearch-{self.version}"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def pid_file(self) -> Path:
        return self.run / "elasticsearch.pid"

    @property
    def log_file(self) -> Path:
        return self.logs / f"{CLUSTER_NAME}.log"

    @property
    def credentials(self) -> Path:
        return self.home / "credentials.json"


def paths_for(settings: Settings) -> NodePaths:
    return NodePaths(settings.home, settings.es_version)


def read_credentials(settings: Settings) -> tuple[str, str] | None:
    """The generated superuser of the local node, if the node was ever started from this cache."""
    path = paths_for(settings).credentials
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return data["username"], data["password"]


def running_pid(paths: NodePaths) -> int | None:
    try:
        pid = int(paths.pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    except PermissionError:  # alive, owned by another user
        return pid
    return pid


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((host, port)) == 0


def write_config(settings: Settings, paths: NodePaths) -> None:
    config = {
        "cluster.name": CLUSTER_NAME,
        "node.name": "newsindex-local",
        "discovery.type": "single-node",
        "network.host": settings.es_host,
        "http.port": settings.es_port,
        "transport.port": settings.es_port + 100,
        "path.data": str(paths.data),
        "path.logs": str(paths.logs),
        "xpack.security.enabled": True,
        "xpack.security.http.ssl.enabled": False,
        "xpack.security.transport.ssl.enabled": False,
        "action.destructive_requires_name": True,
        **settings.es_node_settings,
    }
    lines = [f"{key}: {json.dumps(value)}" for key, value in config.items()]
    (paths.es_home / "config" / "elasticsearch.yml").write_text("\n".join(lines) + "\n")


def ensure_superuser(paths: NodePaths, user: str | None) -> None:
    """Generates the password once; a file-realm user, so it needs no running node and no .security index."""
    if paths.credentials.is_file():
        return
    password = secrets.token_urlsafe(18)
    cli = [str(paths.es_home / "bin" / "elasticsearch-users")]
    prefix = install.run_as_prefix(user)
    subprocess.run([*prefix, *install.with_node_umask([*cli, "userdel", SUPERUSER])], capture_output=True,
                   check=False)
    add = [*cli, "useradd", SUPERUSER, "-p", password, "-r", "superuser"]
    done = subprocess.run([*prefix, *install.with_node_umask(add)], capture_output=True, text=True, check=False,
                          env=node_env(paths))
    if done.returncode != 0:
        raise NodeError(f"Could not create the local superuser: {done.stderr.strip()[-500:]}")
    fd = os.open(paths.credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"username": SUPERUSER, "password": password}, handle)


def node_env(paths: NodePaths, settings: Settings | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    env["ES_JAVA_HOME"] = str(install.java_home())
    if settings is not None:
        env["ES_JAVA_OPTS"] = f"-Xms{settings.es_heap_min} -Xmx{settings.es_heap_max}"
    return env


def prepare(settings: Settings) -> tuple[NodePaths, str | None]:
    """Fetches, unpacks, builds the analysis plugin and writes config: everything but starting."""
    paths = paths_for(settings)
    user = install.node_user()
    secure_layout(paths, user)
    zip_path = install.fetch_zip(paths.home, settings.es_version)
    install.unpack(zip_path, paths.home)
    install.chown_tree(paths.es_home, user)
    ensure_plugin(paths.es_home, paths.home / "plugin-build", install.java_home(), install.run_as_prefix(user))
    write_config(settings, paths)
    for folder in (paths.es_home, paths.data, paths.logs, paths.run):
        install.chown_tree(folder, user)
    ensure_superuser(paths, user)
    secure_layout(paths, user)
    return paths, user


def secure_layout(paths: NodePaths, user: str | None) -> None:
    """Closes the cache and the node's folders to other users, creating what is missing.

    The node's user passes through the cache by its group (when root runs it as that user); everything holding
    articles, logs or password hashes is owner-only, files already there included.
    """
    install.private_dir(paths.home, group=install.node_gid(user))
    for folder in (paths.data, paths.logs, paths.run):
        if not folder.exists():
            install.private_dir(folder)
            install.chown_tree(folder, user)
    for folder in (paths.data, paths.logs, paths.run, paths.es_home / "config"):
        install.close_tree(folder)


def start(settings: Settings) -> str:
    """Starts the node unless it runs; returns a one-line message. Waits for yellow health."""
    paths = paths_for(settings)
    if running_pid(paths) is not None:
        secure_layout(paths, install.node_user())
        wait_for_health(settings, paths, timeout=settings.es_start_timeout)
        return f"Elasticsearch is already running at {settings.node_url} (pid {running_pid(paths)})."
    if port_in_use(settings.es_host, settings.es_port):
        raise NodeError(f"Port {settings.es_port} on {settings.es_host} is taken by another process that is not "
                        f"this project's node. Stop it, or point ES_URL at a free port.")
    paths, user = prepare(settings)
    launch(settings, paths, user)
    wait_for_health(settings, paths, timeout=settings.es_start_timeout)
    return f"Elasticsearch {settings.es_version} is running at {settings.node_url} (pid {running_pid(paths)})."


def launch(settings: Settings, paths: NodePaths, user: str | None) -> None:
    daemon = [str(paths.es_home / "bin" / "elasticsearch"), "-d", "-p", str(paths.pid_file)]
    cmd = [*install.run_as_prefix(user), *install.with_node_umask(daemon)]
    done = subprocess.run(cmd, env=node_env(paths, settings), capture_output=True, text=True, check=False,
                          cwd=paths.home, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise NodeError(f"Elasticsearch failed to start (exit {done.returncode}); see {paths.log_file}.\n"
                        f"{done.stderr.strip()[-1500:]}")


def wait_for_health(settings: Settings, paths: NodePaths, timeout: float) -> None:
    client = local_client(settings, request_timeout=10)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if running_pid(paths) is None and time.monotonic() - started > 10:
            raise NodeError(f"Elasticsearch exited during start-up; see {paths.log_file}.")
        try:
            health = client.cluster.health(wait_for_status="yellow", timeout="5s")
            if health["status"] in {"yellow", "green"}:
                return
        except Exception:  # not up yet: connection refused, or 503 while the node recovers
            time.sleep(1.0)
    raise NodeError(f"Elasticsearch did not reach yellow health within {timeout:.0f} s; see {paths.log_file}.")


def local_client(settings: Settings, request_timeout: float = 30) -> Elasticsearch:
    credentials = read_credentials(settings)
    auth = credentials if credentials else None
    return Elasticsearch(settings.node_url, basic_auth=auth, request_timeout=request_timeout)


def stop(settings: Settings, timeout: float = 90) -> str:
    """SIGTERM, then wait until the process is gone; SIGKILL only if it ignores the request."""
    paths = paths_for(settings)
    pid = running_pid(paths)
    if pid is None:
        return "Elasticsearch is not running."
    os.kill(pid, signal.SIGTERM)
    if not wait_for_exit(pid, timeout):
        os.kill(pid, signal.SIGKILL)
        wait_for_exit(pid, 10)
    paths.pid_file.unlink(missing_ok=True)
    return f"Elasticsearch stopped (pid {pid})."


def wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def status(settings: Settings) -> dict[str, object]:
    """Version and health from _nodes/_local and _cluster/health (this zip answers GET / with 405)."""
    paths = paths_for(settings)
    pid = running_pid(paths)
    if pid is None:
        return {"running": False, "url": settings.node_url}
    client = local_client(settings, request_timeout=10)
    nodes = client.nodes.info(node_id="_local")
    node = next(iter(nodes["nodes"].values()))
    health = client.cluster.health()
    return {"running": True, "url": settings.node_url, "pid": pid, "version": node["version"],
            "cluster": health["cluster_name"], "health": health["status"], "log": str(paths.log_file)}


def env_exports(settings: Settings) -> str:
    """Shell exports for curl and other applications; the only place that prints the password."""
    import shlex

    credentials = read_credentials(settings)
    if credentials is None:
        raise NodeError("The local node has not been started yet: run `newsindex es start` first.")
    user, password = credentials
    return "\n".join([f"export ES_URL={shlex.quote(settings.node_url)}", f"export ES_USERNAME={shlex.quote(user)}",
                      f"export ES_PASSWORD={shlex.quote(password)}"])
