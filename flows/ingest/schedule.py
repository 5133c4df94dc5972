"""Scheduled runs: the ingest flow served as a Prefect deployment on a cron (or interval) schedule.

At most one run at a time: the deployment's concurrency limit is 1 with the CANCEL_NEW strategy, so a run that
fires while another is still going is cancelled by the server (and the runner itself takes one run at a time), never
processed twice. Partitioned runs (``--partition K/N``) share a corpus and must overlap each other, but never
themselves: each part is a deployment of its own (``…-part-K-of-N``, the part also in its ``options.partition``
parameter), so the server's limit is kept per part, and N machines each serving one part run side by side.
`prefect.yaml` describes the same flow for a Prefect server with a worker (docker-compose), under
another deployment name: on a shared server, serving locally must not replace the team's deployment (nor the other
way round).
"""

from __future__ import annotations

from datetime import timedelta

from prefect import serve as prefect_serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.types.entrypoint import EntrypointType

from flows.ingest.flow import IngestOptions, ingest

DEPLOYMENT_NAME = "newsindex-ingest-local"  # prefect.yaml's is "newsindex-ingest"


def one_at_a_time() -> ConcurrencyLimitConfig:
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def deployment_name(partition: str | None, name: str = DEPLOYMENT_NAME) -> str:
    """The deployment of one part: the concurrency limit is a deployment's, so one per part keys it by part."""
    if partition is None:
        return name
    part, count = partition.split("/")
    return f"{name}-part-{part}-of-{count}"


def deployment(paths: list[str], options: IngestOptions, cron: str | None = None,
               interval_seconds: float | None = None, name: str = DEPLOYMENT_NAME) -> RunnerDeployment:
    """The deployment ``serve`` runs: the flow's parameters, its schedule and the one-run-at-a-time rule."""
    if (cron is None) == (interval_seconds is None):
        raise ValueError("give exactly one of cron or interval_seconds")
    return ingest.to_deployment(  # type: ignore[return-value]  # sync here: async_dispatch returns the value
        name=deployment_name(options.partition, name),
        cron=cron,
        interval=timedelta(seconds=interval_seconds) if interval_seconds else None,
        parameters={"paths": paths, "options": options.model_dump(mode="json")},
        concurrency_limit=one_at_a_time(),
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="newsindex: ingest raw articles from these paths into Elasticsearch"
                    + (f" (part {options.partition})" if options.partition else ""),
    )


def serve(paths: list[str], options: IngestOptions, cron: str | None = None, interval_seconds: float | None = None,
          name: str = DEPLOYMENT_NAME) -> None:
    """Blocks: creates the deployment and runs its scheduled runs until interrupted; the runner itself takes one
    run at a time too."""
    # print_starting_message: its `prefect deployment run` hint lacks the server; `serve` prints one
    prefect_serve(deployment(paths, options, cron, interval_seconds, name), limit=1, pause_on_shutdown=False,
                  print_starting_message=False)
