"""`newsindex serve`: a real deployment on a short schedule, served in a subprocess that starts its own local Prefect
server (the ephemeral one has no scheduler); a scheduled run completes, and a run that fires while another is going
is refused (never run twice)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prefect import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from flows.ingest.schedule import DEPLOYMENT_NAME
from tests.integration.second_node import free_port

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def served(alias_env: str, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"NEWSINDEX_INDEX": alias_env, "PREFECT_HOME": str(tmp_path / "prefect"),
                "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "3", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "NEWSINDEX_LOCAL_PREFECT": "0"})  # serve's own server, with a 3 s scheduler loop
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", str(SEEDS), "--interval", "15",
                                "--workers", "0", "--prefect-port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    with temporary_settings(updates={PREFECT_API_URL: f"http://127.0.0.1:{port}/api"}):
        yield process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def deployment_runs() -> list[FlowRun]:
    try:
        with get_client(sync_client=True) as client:
            return client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT_NAME])))
    except httpx.HTTPError:
        return []  # the served process is still starting its Prefect server


def wait_for(predicate, timeout: float, what: str) -> list[FlowRun]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = deployment_runs()
        if predicate(runs):
            return runs
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}: {[(r.name, r.state_name) for r in deployment_runs()]}")


def test_scheduled_run_completes_and_an_overlapping_run_is_refused(served: subprocess.Popen[str]) -> None:
    wait_for(lambda runs: any(r.state_name == "Running" for r in runs), 180, "a scheduled run to start")
    extra = run_deployment(name=f"ingest/{DEPLOYMENT_NAME}", timeout=0)
    runs = wait_for(lambda runs: any(r.state_name == "Completed" for r in runs), 240, "a run to complete")
    refused = wait_for(lambda runs: any(r.id == extra.id and r.state_name != "Scheduled" for r in runs)
                       or any(r.state_name == "Cancelled" for r in runs), 120, "the overlapping run's fate")
    by_id = {r.id: r for r in refused}
    fate = by_id[extra.id]
    if fate.state_name != "Cancelled":  # queued instead: then it must not have overlapped the first run
        first_done = min(r.end_time for r in runs if r.state_name == "Completed" and r.end_time)
        assert fate.start_time is None or fate.start_time >= first_done
    running_at_once = [r for r in deployment_runs() if r.state_name == "Running"]
    assert len(running_at_once) <= 1
    assert served.poll() is None  # the server keeps serving
