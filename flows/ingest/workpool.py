"""Worker processes that can be replaced: the per-input time limit interrupts the work, it does not only notice it.

A stuck parse (lxml in C code on a page with a hundred thousand attributes) cannot be stopped from inside its
process: no signal handler runs until the C call returns. So each worker is a process of its own, driven by a thread
in the flow process that hands it small groups of inputs and waits a bounded time for the answer. A group that
overruns, or a worker that dies (a segfault, the OOM killer), costs one replacement process: the group is run again
one input at a time, and the input that overruns alone, or kills its worker alone, becomes a ``Failure``
(``timeout``, ``worker_crashed``). Every other input of the group is done again and comes back as usual.

A job is ``fn(items, *args) -> list[result]``, one result per item, in order; ``fn`` guards each item itself
(``flows/ingest/guard``), so an exception never crosses the pipe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

import psutil

from transforms.errors import Failure, Stage
from transforms.models import Origin

POLL_SECONDS = 0.25
WALL_FACTOR = 10  # a worker that is not using its CPU is stopped at this many times the limit, by the clock
READY_SECONDS = 300.0  # a fresh worker loads its models (spaCy) before its first group; a slow disk is no fault


class HasOrigin(Protocol):
    @property
    def origin(self) -> Origin: ...


Job = Callable[..., list[Any]]


@dataclass
class Group:
    """Consecutive items of one job; results land in the job's slots."""

    job: JobState
    start: int
    items: list[Any]


@dataclass
class JobState:
    fn: Job
    args: tuple[Any, ...]
    stage: Stage
    future: Future[list[Any]]
    results: list[Any]
    pending: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def settle(self, start: int, results: Sequence[Any]) -> None:
        with self.lock:
            self.results[start : start + len(results)] = results
            self.pending -= len(results)
            done = self.pending == 0
        if done and not self.future.done():
            self.future.set_result(self.results)


def worker_main(conn: Connection, initializer: Callable[[], None] | None) -> None:
    """A worker's loop: run each group it is sent, send the results back. SIGINT is the flow's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()
    conn.send("ready")
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        fn, items, args = message
        conn.send(fn(items, *args))


class Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, context: Any, initializer: Callable[[], None] | None) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=worker_main, args=(child, initializer), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> bool:
        if not self.ready:
            self.ready = self.conn.poll(READY_SECONDS) and self.conn.recv() == "ready"
        return self.ready

    def run(self, fn: Job, items: list[Any], args: tuple[Any, ...], seconds: float) -> list[Any] | str:
        """The results, or why there are none: 'timeout' or 'worker_crashed' (the worker must then be replaced).

        The limit is on the worker's CPU seconds, so a loaded machine does not turn slow neighbours into timeouts;
        a worker that does not use its CPU (blocked, swapping) is stopped at ``WALL_FACTOR`` times the limit."""
        try:
            if not self.wait_ready():
                return "worker_crashed"
            self.conn.send((fn, items, args))
            started, cpu_start = time.monotonic(), self.cpu_seconds()
            while not self.conn.poll(POLL_SECONDS):
                if not self.process.is_alive():
                    return "worker_crashed"
                used = self.cpu_seconds() - cpu_start
                if used > seconds or time.monotonic() - started > seconds * WALL_FACTOR:
                    return "timeout"
            result: list[Any] = self.conn.recv()
            return result
        except (EOFError, OSError):
            return "worker_crashed"

    def cpu_seconds(self) -> float:
        try:
            times = psutil.Process(self.process.pid).cpu_times()
        except (psutil.Error, ValueError):
            return 0.0
        return float(times.user + times.system)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        # the pool's thread may be closing the same pipe after the worker died: a second close must not replace
        # the error that stopped the run (an unreachable node, Ctrl-C) with EBADF
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkPool:
    """``submit(fn, items, *args, stage=…)`` returns a Future of one result per item, each item bounded in time."""

    def __init__(self, workers: int, seconds_per_input: float, group_size: int = 16,
                 initializer: Callable[[], None] | None = None) -> None:
        self.seconds = seconds_per_input
        self.group_size = max(1, group_size)
        self.initializer = initializer
        self.context = multiprocessing.get_context("forkserver")
        self.queue: queue.Queue[Group | None] = queue.Queue()
        self.replaced = 0
        self.busy: dict[str, float] = {}  # seconds per stage, summed over workers
        self.live: set[Worker] = set()
        self.closed = False
        self.threads = [threading.Thread(target=self.drive, name=f"newsindex-worker-{n}", daemon=True)
                        for n in range(max(1, workers))]
        for thread in self.threads:
            thread.start()

    def slots(self) -> int:
        return len(self.threads)

    def submit(self, fn: Job, items: Sequence[Any], *args: Any, stage: Stage) -> Future[list[Any]]:
        """Groups of at most ``group_size``, and small enough that a short job still reaches every worker."""
        future: Future[list[Any]] = Future()
        job = JobState(fn, args, stage, future, [None] * len(items), len(items))
        if not items:
            future.set_result([])
        size = max(1, min(self.group_size, -(-len(items) // self.slots())))
        for start in range(0, len(items), size):
            self.queue.put(Group(job, start, list(items[start : start + size])))
        return future

    def drive(self) -> None:
        """One thread per worker process: feeds it groups, replaces it when it overruns or dies."""
        worker: Worker | None = None  # started with the first group: a run with nothing to do starts none
        try:
            while (group := self.queue.get()) is not None:
                worker = self.run_group(worker or self.spawn(), group)
        finally:
            if worker is not None:
                self.retire(worker)

    def run_group(self, worker: Worker, group: Group) -> Worker:
        job = group.job
        try:
            started = time.perf_counter()
            outcome = worker.run(job.fn, group.items, job.args, self.seconds)
            self.busy[job.stage] = self.busy.get(job.stage, 0.0) + time.perf_counter() - started
            if not isinstance(outcome, str):
                job.settle(group.start, outcome)
                return worker
            worker = self.replace(worker)
            if len(group.items) > 1:  # find the culprit: every item again, alone, with the whole limit
                for offset, item in enumerate(group.items):
                    worker = self.run_group(worker, Group(job, group.start + offset, [item]))
                return worker
            job.settle(group.start, [self.failure(group.items[0], job.stage, outcome)])
            return worker
        except BaseException as exc:  # a bug here must fail the job loudly, never hang the flow
            if not job.future.done():
                job.future.set_exception(exc)
            return worker

    def spawn(self) -> Worker:
        worker = Worker(self.context, self.initializer)
        self.live.add(worker)
        return worker

    def retire(self, worker: Worker) -> None:
        self.live.discard(worker)
        worker.kill()

    def replace(self, worker: Worker) -> Worker:
        self.retire(worker)
        self.replaced += 1
        return self.spawn()

    def failure(self, item: HasOrigin, stage: Stage, why: str) -> Failure:
        detail = (f"over the limit of {self.seconds:g} s per input; the worker process was replaced"
                  if why == "timeout" else "the worker process died on this input (crash or out of memory)")
        return Failure(origin=item.origin, stage=stage, reason=why, detail=detail)

    def shutdown(self, wait: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        for _ in self.threads:
            self.queue.put(None)
        if wait:
            deadline = time.monotonic() + 10
            for thread in self.threads:
                thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> WorkPool:
        return self

    def __exit__(self, *exc: object) -> None:
        interrupted = exc[0] is not None
        if interrupted:  # Ctrl-C or a failure: drop queued groups so the workers stop now
            while True:
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    break
        self.shutdown(wait=not interrupted)
        if interrupted:
            for worker in list(self.live):
                worker.kill()


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)))
