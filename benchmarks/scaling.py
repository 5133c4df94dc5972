"""Scale-out by the user's clock: whole ``newsindex run`` commands on a real Dask cluster of 1, 2, 4 workers, and
what one flow process sustains when the NLP is not the limit.

    .venv/bin/python -m benchmarks.scaling [--articles N] [--workers 1 2 4] [--skip-dask] [--skip-flow]

- Dask: a ``dask scheduler`` and N ``dask worker`` processes (one thread each, no nanny) on loopback, started here;
  ``newsindex run FOLDER --dask tcp://…`` into a fresh index, timed from process start to exit. Articles/s by the
  user's clock, the flow's own wall time from its report, and the flow process's CPU seconds per article (the work
  that stays on the flow host however many workers there are: reading, lookups, dedup, the entity registry,
  building documents, bulk requests).
- Flow ceiling: the same command with the NER model stubbed out by a real but trivial transform (no language is
  given a model, so every article is enriched without entities: cleaning, segmentation, language and date mentions
  still run) and ``--workers 0`` (everything inline in the one process): articles/s by the user's clock is what one
  flow process sustains doing every stage but NER, and articles per flow-CPU-second from the Dask runs bounds what
  it sustains when the workers do all the NLP.

The corpus is the BBC folders (or their first ``--articles`` files) (../shared/data/bbc-news), copied to a temporary
folder. On one 2-core machine more than two workers only compete for the same cores; the figure shows where the
flow host, the node or the cores become the limit. The last line is JSON. Every index it creates is deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "data" / "bbc-news"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")
# Run inside the child process: every language loses its model, so the enrich stage runs all but NER.
STUB = ("import sys, transforms.enrich.entities_models as m; m._DEFAULT = m.NerModels(languages={}); "
        "from flows.cli import main; sys.exit(main(sys.argv[1:]))")


def corpus(folder: Path, articles: int) -> int:
    files = sorted(p for topic in TOPICS for p in (BBC / topic).glob("*.txt"))[: articles or None]
    for file in files:
        shutil.copy(file, folder / f"{file.parent.name}-{file.name}")
    return len(files)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dask_cluster(workers: int, logs: Path) -> Iterator[str]:
    """A scheduler and ``workers`` single-threaded worker processes; yields the address once all have joined."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    processes = [spawn(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], env,
                       logs / "scheduler.log")]
    try:
        processes += [spawn(["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host",
                             "127.0.0.1", "--name", f"w{i}"], env, logs / f"worker{i}.log") for i in range(workers)]
        wait_for_workers(address, workers)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=ROOT, env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT)


def wait_for_workers(address: str, workers: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(workers, timeout=timeout)


def timed_run(args: list[str], alias: str, report: Path, stub: bool = False) -> dict[str, Any]:
    """One whole command: wall seconds by the clock, CPU seconds of the command's process tree, its report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    program = [sys.executable, "-c", STUB] if stub else [sys.executable, "-m", "flows.cli"]
    done = subprocess.run([*program, "run", *args, "--no-progress", "--report", str(report)], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "NEWSINDEX_INDEX": alias})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"`newsindex run {' '.join(args)}` failed ({done.returncode}): {done.stderr[-1500:]}")
    ran = json.loads(report.read_text())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    indexed = int(ran["indexed"])
    return {"wall": round(wall, 2), "flow_wall": ran["wall_seconds"], "indexed": indexed,
            "per_s_clock": round(indexed / wall, 1), "per_s_flow": round(indexed / ran["wall_seconds"], 1),
            "cpu": round(cpu, 2),
            "per_cpu_s": round(indexed / cpu, 1) if cpu else None, "stages": ran["stage_seconds"]}


def drop(alias: str) -> None:
    from flows.es.client import connect
    from flows.es.setup import drop_family
    from flows.settings import Settings

    drop_family(connect(Settings()), alias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0, help="the first N BBC articles (0: all 2,225)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-flow", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scaling-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        results["articles"] = corpus(folder, args.articles)
        if not args.skip_flow:
            alias = f"bench-flow-{uuid.uuid4().hex[:6]}"
            try:
                results["flow_no_ner_inline"] = timed_run([str(folder), "--workers", "0"], alias,
                                                          Path(tmp) / "flow.json", stub=True)
            finally:
                drop(alias)
        for workers in [] if args.skip_dask else args.workers:
            alias = f"bench-dask-{uuid.uuid4().hex[:6]}"
            try:
                with dask_cluster(workers, Path(tmp)) as address:
                    results[f"dask_{workers}"] = timed_run([str(folder), "--dask", address], alias,
                                                           Path(tmp) / f"dask{workers}.json")
            finally:
                drop(alias)
    print(f"{results['articles']} articles; art/s by the user's clock (whole command) and by the flow's own timer")
    head = ('run', 'wall s', 'flow s', 'art/s', 'flow art/s', 'CPU s', 'art/CPU-s')
    print(f"{head[0]:20s} {head[1]:>7s} {head[2]:>7s} {head[3]:>7s} {head[4]:>10s} {head[5]:>7s} {head[6]:>9s}")
    for name, row in results.items():
        if isinstance(row, dict):
            print(f"{name:20s} {row['wall']:7.2f} {row['flow_wall']:7.2f} {row['per_s_clock']:7.1f} "
                  f"{row['per_s_flow']:10.1f} {row['cpu']:7.2f} {row['per_cpu_s'] or 0:9.1f}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
