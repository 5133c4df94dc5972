"""A local Prefect server for schedules when no PREFECT_API_URL is set.

Prefect's ephemeral mode (what `newsindex run` uses) runs no scheduler service, so a served deployment would never
get scheduled runs. `newsindex serve` therefore starts `prefect server start` on loopback for as long as it serves,
unless PREFECT_API_URL points at a server already (docker-compose's, or a team's).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from prefect.settings import PREFECT_API_URL, temporary_settings


def prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    return [str(script)] if script.exists() else [sys.executable, "-m", "prefect"]


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local Prefect server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the local Prefect server did not answer at {url} within {timeout:.0f} s")


def run_hint(url: str, name: str | None = None) -> str:
    """A command that starts a run of the served deployment from another shell: Prefect's own hint lacks the server,
    and another shell has no PREFECT_API_URL when `serve` started its own."""
    from flows.ingest.schedule import DEPLOYMENT_NAME

    command = " ".join(shlex.quote(part) for part in prefect_command())
    target = f"ingest/{name or DEPLOYMENT_NAME}"
    return f"PREFECT_API_URL={shlex.quote(url)} {command} deployment run {shlex.quote(target)}"


@contextmanager
def prefect_api(port: int, log_path: Path, timeout: float = 180) -> Iterator[str]:
    """Yields the API URL: the configured one, or a local server's that is stopped on exit."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    with log_path.open("ab") as log:
        process = subprocess.Popen([*prefect_command(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_healthy(url, process, timeout)
            with temporary_settings(updates={PREFECT_API_URL: url}):
                os.environ["PREFECT_API_URL"] = url  # for the flow-run subprocesses the runner starts
                yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
