"""The whole ``newsindex run`` command over BBC beside the NER-only bound, by the user's clock (issue 17).

    .venv/bin/python -m benchmarks.whole_command [--repeat 1] [--workers 2] [--monthly]

Runs the command as a person does (a new process, the local services already up, a fresh alias), timed from
process start to exit, then measures in the same session the NER-only bound: the same model over the same cleaned
texts with as many processes as the run has workers (``benchmarks.pipeline.ner_bound``). It prints where the
command's time went, from the report's timestamps: before the flow started (imports, preflight, Prefect), the flow
itself (its own timer), and after it (the report, Prefect's shutdown); and where the cores went: the CPU seconds of
the worker processes, of the flow process, of the node and of the Prefect server, beside the NER-only bound's own
(on a machine whose cores the workers fill, every CPU second outside NER lengthens the run). The last line is
JSON: the ratio of the bound to the whole command (the issue's measure) and to the flow's own wall time.
``--monthly`` sets ``NEWSINDEX_MONTHLY_INDICES`` (the cost of the monthly layout's lookups).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from benchmarks.pipeline import BBC, TOPICS, ner_bound

ROOT = Path(__file__).resolve().parents[1]


def service_cpu() -> dict[str, float]:
    """CPU seconds so far of the local node and the Prefect server (their pid files): what the run makes them spend
    competes with the workers for the same cores."""
    from flows import prefect_local
    from flows.es import node
    from flows.settings import Settings

    settings = Settings()
    pids = {"elasticsearch": node.running_pid(node.paths_for(settings))}
    with contextlib.suppress(OSError, ValueError, KeyError):
        pids["prefect server"] = json.loads(prefect_local.paths_for(settings).state.read_text())["pid"]
    return {name: process_cpu(pid) for name, pid in pids.items() if pid is not None}


def process_cpu(pid: int) -> float:
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


class TreeCPU(threading.Thread):
    """The CPU of a command and of every process under it, sampled until it exits: worker processes that are
    terminated rather than waited for never reach ``RUSAGE_CHILDREN``. Each process counts its last sample (at
    most ``every`` seconds of its end are lost)."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.last: dict[int, float] = {}

    def run(self) -> None:
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(self.pid)
            while root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
                for process in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        times = process.cpu_times()
                        self.last[process.pid] = float(times.user + times.system)
                time.sleep(self.every)

    def split(self) -> tuple[float, float]:
        """(the command's own process, everything under it)."""
        own = self.last.get(self.pid, 0.0)
        return own, sum(self.last.values()) - own


def own_cpu() -> float:
    """This process and its reaped children (spaCy's NER processes of the bound)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def whole_run(paths: list[Path], workers: int, monthly: bool, report: Path) -> dict[str, Any]:
    alias = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "NEWSINDEX_INDEX": alias, "NEWSINDEX_MONTHLY_INDICES": "true" if monthly else "false"}
    command = [str(ROOT / ".venv" / "bin" / "newsindex"), "run", *map(str, paths), "--workers", str(workers),
               "--no-progress", "--report", str(report)]
    try:
        services = service_cpu()
        began_at = time.time()
        started = time.perf_counter()
        with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env) as process:
            tree = TreeCPU(process.pid)
            tree.start()
            _, stderr = process.communicate()
        wall = time.perf_counter() - started
        ended_at = time.time()
        tree.join()
        services = {name: seconds - services.get(name, 0.0) for name, seconds in service_cpu().items()}
        if process.returncode != 0:
            raise SystemExit(f"`newsindex run` failed ({process.returncode}): {stderr[-1500:]}")
        ran = json.loads(report.read_text())
    finally:
        drop(alias)
    flow_started = datetime.fromisoformat(ran["started_at"]).timestamp()
    flow_finished = datetime.fromisoformat(ran["finished_at"]).timestamp()
    return {"wall": wall, "flow": ran["wall_seconds"], "indexed": ran["indexed"],
            "before_flow": flow_started - began_at, "after_flow": ended_at - flow_finished,
            "stages": ran["stage_seconds"], "flow_cpu": tree.split()[0], "workers_cpu": tree.split()[1],
            "service_cpu": services}


def drop(alias: str) -> None:
    from flows.es.client import connect
    from flows.es.setup import drop_family
    from flows.settings import Settings

    drop_family(connect(Settings()), alias)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--monthly", action="store_true")
    args = parser.parse_args(argv)
    paths = [BBC / topic for topic in TOPICS]
    cores = len(os.sched_getaffinity(0))
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(args.repeat):
            runs.append(whole_run(paths, args.workers, args.monthly, Path(tmp) / f"report-{attempt}.json"))
            run = runs[-1]
            print(f"run {attempt + 1}: whole command {run['wall']:.1f} s = {run['before_flow']:.1f} before the flow "
                  f"+ {run['flow']:.1f} flow + {run['after_flow']:.1f} after; {run['indexed']} indexed", flush=True)
            print("  stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in run["stages"].items()), flush=True)
            services = ", ".join(f"{name} {cpu:.1f} s" for name, cpu in run["service_cpu"].items())
            print(f"  CPU seconds: workers {run['workers_cpu']:.1f}, flow process {run['flow_cpu']:.1f}, {services}; "
                  f"{cores} cores x the whole command = {cores * run['wall']:.1f}", flush=True)
    cpu_before = own_cpu()
    _, words, bound = ner_bound(paths, args.workers)
    bound_cpu = own_cpu() - cpu_before
    wall = statistics.median(r["wall"] for r in runs)
    flow = statistics.median(r["flow"] for r in runs)
    print(f"NER-only bound: {words} words in {bound:.1f} s ({args.workers} processes, {bound_cpu:.1f} CPU s)")
    print(f"ratio bound / whole command {bound / wall:.2f}; bound / flow's own wall time {bound / flow:.2f}")
    print(json.dumps({"whole_command_s": round(wall, 2), "flow_s": round(flow, 2), "ner_bound_s": round(bound, 2),
                      "ratio_whole": round(bound / wall, 3), "ratio_flow": round(bound / flow, 3),
                      "ner_bound_cpu_s": round(bound_cpu, 1), "workers_cpu_s": round(runs[-1]["workers_cpu"], 1),
                      "flow_cpu_s": round(runs[-1]["flow_cpu"], 1),
                      "service_cpu_s": {k: round(v, 1) for k, v in runs[-1]["service_cpu"].items()},
                      "monthly": args.monthly, "workers": args.workers}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
