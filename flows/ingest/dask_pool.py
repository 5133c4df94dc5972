"""The CPU stages on a Dask cluster, spread over every worker thread the cluster has, as it has them.

The fan-out is the cluster's, not the flow host's: a job is cut into one chunk per worker thread (``slots``, the
sum of ``nthreads`` over the accepted workers, read again before every job, so workers that join are used from the
next job on). Each worker is checked once as it is first seen (``worker_check``): a worker whose code or model
versions differ from the flow's is refused, named in the log and the report, and never sent work (``workers=``
with ``allow_other_workers=False``); a task that lands on one anyway refuses its inputs one by one. Chunks are
ordinary Dask tasks, so a lost worker's chunk is recomputed elsewhere by the scheduler.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from threading import Lock
from typing import Any

from flows.ingest.worker_check import NewsindexWorker, checked_call, mismatch, worker_versions
from transforms.errors import Stage

log = logging.getLogger("newsindex.dask")


class NoWorkerAccepted(RuntimeError):
    """Every worker of the cluster was refused (or there is none): the run cannot enrich anything."""


class DaskPool:
    """distributed's client, closing it (and a LocalCluster it started) on shutdown."""

    def __init__(self, address: str, workers: int) -> None:
        from distributed import Client, LocalCluster

        self.busy: dict[str, float] = {}
        self.cluster = None
        if address == "local":
            # distributed ships no type information for these calls
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,  # type: ignore[no-untyped-call]
                                        processes=True, dashboard_address=None)
            address = self.cluster.scheduler_address
        self.address = address
        self.client = Client(address)  # type: ignore[no-untyped-call]
        self.expected = worker_versions()
        self.accepted: dict[str, int] = {}  # worker address → threads
        self.refused: dict[str, str] = {}  # worker address → why
        self.most_slots = 0
        self.lock = Lock()
        self.client.register_plugin(NewsindexWorker(self.expected))

    def slots(self) -> int:
        """Threads of the accepted workers, as the scheduler knows them now; new workers are checked first."""
        with self.lock:
            current = {address: int(info.get("nthreads", 1))
                       for address, info in self.client.scheduler_info(n_workers=-1)["workers"].items()}
            new = [address for address in current if address not in self.accepted and address not in self.refused]
            if new:
                found = self.client.run(worker_versions, workers=new)
                for address, versions in found.items():
                    why = mismatch(self.expected, versions)
                    if why is None:
                        self.accepted[address] = current[address]
                    else:
                        self.refused[address] = why
                        log.warning("Dask worker %s refused: %s", address, why)
            self.accepted = {address: current[address] for address in self.accepted if address in current}
            total = sum(self.accepted.values())
            self.most_slots = max(self.most_slots, total)
            return total

    def refusals(self) -> list[str]:
        return [f"{address}: {why}" for address, why in sorted(self.refused.items())]

    def submit(self, fn: Callable[..., list[Any]], items: Sequence[Any], *args: Any,
               stage: Stage) -> Future[list[Any]]:
        results: Future[list[Any]] = Future()
        if not items:
            results.set_result([])
            return results
        slots = self.slots()
        if not slots:
            raise NoWorkerAccepted("no Dask worker to run the CPU stages on"
                                   + (": every worker was refused: " + "; ".join(self.refusals())
                                      if self.refused else f" at {self.address}"))
        size = math.ceil(len(items) / slots)
        chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
        futures = [self.client.submit(checked_call, fn, chunk, args, stage, self.expected,
                                      workers=list(self.accepted), allow_other_workers=False, pure=False)
                   for chunk in chunks]
        self.gather(futures, stage, results)
        return results

    def gather(self, futures: list[Any], stage: Stage, results: Future[list[Any]]) -> None:
        """One result per item in order, once every chunk is back; a chunk that raised fails the job."""
        parts: list[list[Any] | None] = [None] * len(futures)
        pending = [len(futures)]
        lock = Lock()

        def done(index: int, future: Any) -> None:
            try:
                seconds, values = future.result()
            except BaseException as exc:
                if not results.done():
                    results.set_exception(exc)
                return
            with lock:
                self.busy[stage] = self.busy.get(stage, 0.0) + seconds
                parts[index] = values
                pending[0] -= 1
                finished = pending[0] == 0
            if finished and not results.done():
                results.set_result([value for part in parts for value in part or []])

        for index, future in enumerate(futures):
            future.add_done_callback(lambda f, i=index: done(i, f))

    def shutdown(self, wait: bool = True) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
