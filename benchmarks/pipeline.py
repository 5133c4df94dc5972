"""End-to-end benchmark of the ingest flow against the real local node, beside the NER-only compute bound.

    .venv/bin/python -m benchmarks.pipeline [--replicate N] [--workers 2] [--corpus DIR ...] [--dedup-ab PAIRS]

Default corpus: the BBC folders of ../shared/data/bbc-news (2,225 articles). With ``--replicate N`` every article is
written N times into a temporary JSONL file (each copy with its own URL and a one-line marker, so ids and hashes are
distinct). It prints docs/s, words/s, seconds per stage, peak RSS of the process tree, the bulk phase alone, a second
(incremental) run, with ``--dedup-ab`` what near-duplicates and stories add to a run, and as its last line the ratio
end-to-end ÷ NER-only bound (same model, same cleaned texts, all workers). Every index it creates is deleted at the
end.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "data" / "bbc-news"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


class ProcessTree:
    """Samples this process and all its children (workers, forkserver, Prefect server): peak RSS of the tree, and
    CPU seconds per role, so the run shows where the cores went beside NER. The Elasticsearch node is not a child;
    its CPU is read from its pid file before and after."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self.role_peaks: dict[str, int] = {}
        self._cpu: dict[int, tuple[str, float]] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._es = elasticsearch_process()
        self._es_start = cpu_seconds(self._es)
        self.es_cpu = 0.0

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total, by_role = 0, dict.fromkeys(self.role_peaks, 0)
            for proc in [me, *me.children(recursive=True)]:
                with suppress(psutil.Error):
                    rss, name = proc.memory_info().rss, role(proc, me)
                    total += rss
                    by_role[name] = by_role.get(name, 0) + rss
                    self._cpu[proc.pid] = (name, cpu_seconds(proc))
            self.peak = max(self.peak, total)
            for name, rss in by_role.items():
                self.role_peaks[name] = max(self.role_peaks.get(name, 0), rss)
            time.sleep(self.interval)

    def cpu_by_role(self) -> dict[str, float]:
        roles: dict[str, float] = {}
        for name, seconds in self._cpu.values():
            roles[name] = roles.get(name, 0.0) + seconds
        roles["elasticsearch"] = self.es_cpu
        return roles

    def __enter__(self) -> ProcessTree:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.es_cpu = cpu_seconds(self._es) - self._es_start


def cpu_seconds(proc: psutil.Process | None) -> float:
    if proc is None:
        return 0.0
    with suppress(psutil.Error):
        times = proc.cpu_times()
        return times.user + times.system
    return 0.0


def role(proc: psutil.Process, me: psutil.Process) -> str:
    if proc.pid == me.pid:
        return "flow process"
    command = " ".join(proc.cmdline())
    if "prefect" in command or "uvicorn" in command:
        return "prefect server"
    return "workers"


def elasticsearch_process() -> psutil.Process | None:
    from flows.es.node import paths_for, running_pid
    from flows.settings import Settings

    pid = running_pid(paths_for(Settings()))
    return psutil.Process(pid) if pid else None


def replicate(corpus: list[Path], copies: int, folder: Path) -> list[Path]:
    """One JSONL file with ``copies`` distinct versions of every article (streamed, never all in memory)."""
    from flows.read import read_articles

    target = folder / "replicated.jsonl"
    with target.open("w") as out:
        for copy in range(copies):
            for raw in read_articles(corpus):
                if hasattr(raw, "content"):
                    body = f"{raw.content}\n\nReplica {copy} of {Path(raw.origin.path).name}."
                    record = {"url": f"https://bench.example/{copy}/{Path(raw.origin.path).parent.name}/"
                                     f"{Path(raw.origin.path).name}", "body": body}
                    out.write(json.dumps(record) + "\n")
    return [target]


@contextmanager
def bench_alias() -> Iterator[str]:
    from flows.es.client import connect
    from flows.es.setup import drop_family
    from flows.settings import Settings

    alias, previous = f"bench-{uuid.uuid4().hex[:8]}", os.environ.get("NEWSINDEX_INDEX")
    os.environ["NEWSINDEX_INDEX"] = alias
    try:
        yield alias
    finally:
        if previous is None:
            os.environ.pop("NEWSINDEX_INDEX", None)
        else:
            os.environ["NEWSINDEX_INDEX"] = previous
        drop_family(connect(Settings()), alias)


def ner_bound(paths: list[Path], workers: int) -> tuple[float, int, float]:
    """Words/s of the NER model alone over the same cleaned texts, with ``workers`` processes (spaCy n_process)."""
    from flows.read import read_articles
    from transforms.clean.article import clean_article
    from transforms.enrich.entities import load_ner_model, recognise

    texts = [clean_article(raw).body for raw in read_articles(paths) if hasattr(raw, "content")]
    words = sum(len(t.split()) for t in texts)
    nlp = load_ner_model()
    started = time.perf_counter()
    for _ in recognise(texts, nlp, n_process=max(1, workers), batch_size=64):
        pass
    seconds = time.perf_counter() - started
    return words / seconds, words, seconds


def bulk_alone(alias: str) -> tuple[float, int]:
    """Re-sends the enriched documents of the run into a fresh index: the bulk phase without any NLP."""
    from elasticsearch.helpers import scan

    from flows.es.client import connect
    from flows.index.bulk import bulk_load
    from flows.settings import Settings

    client = connect(Settings())
    target = f"{alias}-v99"
    client.indices.create(index=target)
    docs = [{"_op_type": "index", "_index": target, "_id": h["_id"], "_source": h["_source"]}
            for h in scan(client, index=alias, query={"query": {"match_all": {}}})]
    started = time.perf_counter()
    ok = sum(1 for item in bulk_load(client, docs) if item.ok)
    client.indices.refresh(index=target)
    return ok / (time.perf_counter() - started), ok


def run_flow(paths: list[Path], workers: int, near_duplicates: bool = True):  # type: ignore[no-untyped-def]
    """The flow's report; its ``wall_seconds`` run from the flow's start to its report (Prefect's ephemeral server,
    started before the flow, is outside them: the outer time is printed beside)."""
    from flows.ingest.flow import IngestOptions, ingest

    options = IngestOptions(workers=workers, near_duplicates=near_duplicates)
    return ingest(paths=[str(p) for p in paths], options=options)


def dedup_ab(paths: list[Path], workers: int, pairs: int) -> None:
    """The cost of near-duplicates + stories as what it adds to a run: the same corpus into fresh indices, without
    and with, alternating (both after the main run, so the node is equally warm for both)."""
    added = []
    for _ in range(pairs):
        walls = {}
        for enabled in (False, True):
            with bench_alias():
                walls[enabled] = run_flow(paths, workers, near_duplicates=enabled).wall_seconds
        added.append(walls[True] / walls[False] - 1)
        print(f"A/B: without near-duplicates and stories {walls[False]:.1f} s, with {walls[True]:.1f} s: "
              f"{100 * added[-1]:+.1f} %")
    print(f"near-duplicates + stories add {100 * sum(added) / len(added):+.1f} % to the run (mean of {pairs})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", nargs="*", type=Path, default=[BBC / t for t in TOPICS])
    parser.add_argument("--replicate", type=int, default=1)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-second-run", action="store_true")
    parser.add_argument("--skip-bound", action="store_true", help="no NER-only bound (for memory runs at scale)")
    parser.add_argument("--dedup-ab", type=int, default=0, metavar="PAIRS",
                        help="also run without/with near-duplicates and stories, PAIRS times, and print the cost")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; workers {args.workers}")
    with tempfile.TemporaryDirectory() as tmp, bench_alias() as alias:
        paths = replicate(args.corpus, args.replicate, Path(tmp)) if args.replicate > 1 else args.corpus
        with ProcessTree() as tree:
            began = time.perf_counter()
            first = run_flow(paths, args.workers)
            outer = time.perf_counter() - began
        print(f"first run: {first.inputs} inputs, {first.indexed} indexed, {first.duplicate} duplicate, "
              f"{first.dead_lettered} dead-lettered in {first.wall_seconds:.1f} s "
              f"({outer:.1f} s with Prefect's ephemeral server start and stop)")
        print(f"docs/s {first.inputs / first.wall_seconds:.1f}   words/s {first.words / first.wall_seconds:.0f}")
        stages = ", ".join(f"{k} {v:.1f}" for k, v in first.stage_seconds.items())
        print(f"stage seconds (summed over workers; dedup and index in the indexing thread): {stages}")
        peaks = ", ".join(f"{k} {v / 2**20:.0f}" for k, v in sorted(tree.role_peaks.items()))
        print(f"peak RSS (process tree) {tree.peak / 2**20:.0f} MiB; peak per role (MiB): {peaks}")
        cpu = tree.cpu_by_role()
        cores = len(os.sched_getaffinity(0))
        print("CPU seconds by process: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items()))
              + f" (of {cores * first.wall_seconds:.0f} core-seconds: {cores} cores x wall)")
        bulk_rate, bulk_docs = bulk_alone(alias)
        print(f"bulk phase alone: {bulk_docs} documents at {bulk_rate:.0f} docs/s")
        if not args.skip_second_run:
            second = run_flow(paths, args.workers)
            print(f"second run (unchanged): {second.unchanged} unchanged, {second.duplicate} duplicate in "
                  f"{second.wall_seconds:.1f} s: {first.wall_seconds / second.wall_seconds:.1f}x faster")
        if args.dedup_ab:
            dedup_ab(paths, args.workers, args.dedup_ab)
        if args.skip_bound:
            return 0
        bound, words, seconds = ner_bound(paths, args.workers)
        print(f"NER-only bound: {words} words in {seconds:.1f} s = {bound:.0f} words/s")
        # Same texts both ways: the time NER alone needs over the time the whole flow took.
        print(f"ratio end-to-end / NER-only bound: {seconds / first.wall_seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
