"""The embedded local Prefect server: started once, like the Elasticsearch node, and reused by every run.

Prefect's ephemeral server starts and stops with every command (15-20 s for a run whose flow takes 0.2 s), so a
scheduled run every few minutes, and every test that runs the CLI, would pay for it each time. `newsindex prefect
start` (or `newsindex up`) starts `prefect server start` on loopback, detached, with its database and log under
``$NEWSINDEX_HOME/prefect`` (closed to other users); every later command finds it through a small state file and
points Prefect at it. When none runs, and ``PREFECT_API_URL`` names no other server, Prefect's ephemeral server is
the fallback, as before. Telemetry is off unless the user turns it on: these machines are often offline.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import httpx

from flows.settings import Settings

DEFAULT_PORT = 4200
START_SECONDS = 180.0
QUIET_DEFAULTS = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}


@dataclass(frozen=True)
class ServerPaths:
    home: Path  # PREFECT_HOME of the server: its SQLite database
    state: Path
    log: Path


def paths_for(settings: Settings) -> ServerPaths:
    home = settings.home / "prefect"
    return ServerPaths(home=home, state=home / "server.json", log=home / "server.log")


def quiet_defaults() -> None:
    """Telemetry off by default, for this process and everything it starts; a user's own setting wins."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)


def read_state(paths: ServerPaths) -> dict[str, object] | None:
    try:
        state = json.loads(paths.state.read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def alive(pid: int) -> bool:
    with suppress(ChildProcessError):  # a server this process started and stopped is reaped, not left a zombie
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def running_url(settings: Settings) -> str | None:
    """The API URL of the local server when it runs and answers; None otherwise (a stale state file is ignored)."""
    state = read_state(paths_for(settings))
    if not state or not isinstance(state.get("pid"), int) or not isinstance(state.get("url"), str):
        return None
    url = str(state["url"])
    return url if alive(int(str(state["pid"]))) and healthy(url) else None


def use_local_server(settings: Settings) -> str | None:
    """Points this process (and its children) at the local server, unless PREFECT_API_URL is set already.
    Returns the URL in use, or None: then Prefect's ephemeral server is the fallback."""
    quiet_defaults()
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return configured
    if os.environ.get("NEWSINDEX_LOCAL_PREFECT", "1") in {"0", "false", "no"}:
        return None  # asked for Prefect's own fallback: the ephemeral server (or `serve`'s own)
    url = running_url(settings)
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    return [str(script)] if script.exists() else [sys.executable, "-m", "prefect"]


def start(settings: Settings, port: int = DEFAULT_PORT) -> str:
    """Starts the server if it is not running; returns a line for the user."""
    url = running_url(settings)
    if url:
        return f"Prefect server is running at {url}"
    if not port_free(port):
        raise RuntimeError(f"port {port} on 127.0.0.1 is taken: free it, or set NEWSINDEX_PREFECT_PORT to another "
                           f"port")
    paths = paths_for(settings)
    paths.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(paths.home, 0o700)
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, **QUIET_DEFAULTS, "PREFECT_HOME": str(paths.home), "PREFECT_API_URL": url}
    log_fd = os.open(paths.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(log_fd, "ab") as log:
        process = subprocess.Popen([*prefect_command(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, umask=0o077)  # outlives this command and a Ctrl-C
    write_state(paths, {"pid": process.pid, "port": port, "url": url})
    wait_healthy(url, process, paths.log)
    return f"Prefect server started at {url} (log: {paths.log})"


def write_state(paths: ServerPaths, state: dict[str, object]) -> None:
    fd = os.open(paths.state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(state, out)


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local Prefect server exited with {process.returncode}: see {log}")
        if healthy(url):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the local Prefect server did not answer at {url} within {START_SECONDS:.0f} s: see {log}")


def stop(settings: Settings) -> str:
    paths = paths_for(settings)
    state = read_state(paths)
    pid = state.get("pid") if state else None
    if not isinstance(pid, int) or not alive(pid):
        paths.state.unlink(missing_ok=True)
        return "Prefect server is not running"
    os.killpg(pid, signal.SIGTERM)  # its own session: the server and the workers it started
    deadline = time.monotonic() + 30
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid):
        os.killpg(pid, signal.SIGKILL)
    paths.state.unlink(missing_ok=True)
    return "Prefect server stopped"


def status(settings: Settings) -> dict[str, object]:
    paths = paths_for(settings)
    url = running_url(settings)
    configured = os.environ.get("PREFECT_API_URL")
    return {"running": url is not None, "url": url or "", "log": str(paths.log),
            "runs use": configured or url or "Prefect's ephemeral server (start one with `newsindex prefect start`)"}
