"""Scheduled runs: the ingest flow served as a Prefect deployment on a cron (or interval) schedule.

At most one run at a time: the deployment's concurrency limit is 1 with the CANCEL_NEW strategy, so a run that
fires while another is still going is cancelled by the server (and the runner itself takes one run at a time), never
processed twice. `prefect.yaml` describes the same flow for a Prefect server with a worker (docker-compose), under
another deployment name: on a shared server, serving locally must not replace the team's deployment (nor the other
way round).
"""

from __future__ import annotations

from datetime import timedelta

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.types.entrypoint import EntrypointType

from flows.ingest.flow import IngestOptions, ingest

DEPLOYMENT_NAME = "newsindex-ingest-local"  # prefect.yaml's is "newsindex-ingest"


def one_at_a_time() -> ConcurrencyLimitConfig:
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def serve(paths: list[str], options: IngestOptions, cron: str | None = None, interval_seconds: float | None = None,
          name: str = DEPLOYMENT_NAME) -> None:
    """Blocks: creates the deployment and runs its scheduled runs until interrupted."""
    if (cron is None) == (interval_seconds is None):
        raise ValueError("give exactly one of cron or interval_seconds")
    ingest.serve(
        name=name,
        cron=cron,
        interval=timedelta(seconds=interval_seconds) if interval_seconds else None,
        parameters={"paths": paths, "options": options.model_dump(mode="json")},
        global_limit=one_at_a_time(),
        limit=1,
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="newsindex: ingest raw articles from these paths into Elasticsearch",
        pause_on_shutdown=False,
        print_starting_message=False,  # its `prefect deployment run` hint lacks the server; `serve` prints one
    )
