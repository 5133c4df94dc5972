"""End-to-end benchmark of the ingest flow against the real local node, beside the NER-only compute bound.

    .venv/bin/python -m benchmarks.pipeline [--replicate N] [--workers 2] [--corpus DIR ...]

Default corpus: the BBC folders of ../shared/data/bbc-news (2,225 articles). With ``--replicate N`` every article is
written N times into a temporary JSONL file (each copy with its own URL and a one-line marker, so ids and hashes are
distinct). It prints docs/s, words/s, seconds per stage, peak RSS of the process tree, the bulk phase alone, a second
(incremental) run, and as its last line the ratio end-to-end ÷ NER-only bound (same model, same cleaned texts, all
workers). Every index it creates is deleted at the end.
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


class PeakRss:
    """Samples the RSS of this process and all its children (workers, forkserver, Prefect server)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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
    from flows.settings import Settings

    alias = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["NEWSINDEX_INDEX"] = alias
    try:
        yield alias
    finally:
        client = connect(Settings())
        names = list(client.indices.get(index=f"{alias}-*", expand_wildcards="all"))
        if names:
            client.indices.delete(index=names)
        for template in (alias, f"{alias}-deadletter"):
            client.options(ignore_status=404).indices.delete_index_template(name=template)


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


def run_flow(paths: list[Path], workers: int):  # type: ignore[no-untyped-def]
    from flows.ingest.flow import IngestOptions, ingest

    return ingest(paths=[str(p) for p in paths], options=IngestOptions(workers=workers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", nargs="*", type=Path, default=[BBC / t for t in TOPICS])
    parser.add_argument("--replicate", type=int, default=1)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-second-run", action="store_true")
    parser.add_argument("--skip-bound", action="store_true", help="no NER-only bound (for memory runs at scale)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; workers {args.workers}")
    with tempfile.TemporaryDirectory() as tmp, bench_alias() as alias:
        paths = replicate(args.corpus, args.replicate, Path(tmp)) if args.replicate > 1 else args.corpus
        with PeakRss() as rss:
            first = run_flow(paths, args.workers)
        print(f"first run: {first.inputs} inputs, {first.indexed} indexed, {first.duplicate} duplicate, "
              f"{first.dead_lettered} dead-lettered in {first.wall_seconds:.1f} s")
        print(f"docs/s {first.inputs / first.wall_seconds:.1f}   words/s {first.words / first.wall_seconds:.0f}")
        print("stage CPU seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in first.stage_seconds.items()))
        print(f"peak RSS (process tree) {rss.peak / 2**20:.0f} MiB")
        bulk_rate, bulk_docs = bulk_alone(alias)
        print(f"bulk phase alone: {bulk_docs} documents at {bulk_rate:.0f} docs/s")
        if not args.skip_second_run:
            second = run_flow(paths, args.workers)
            print(f"second run (unchanged): {second.unchanged} unchanged, {second.duplicate} duplicate in "
                  f"{second.wall_seconds:.1f} s: {first.wall_seconds / second.wall_seconds:.1f}x faster")
        if args.skip_bound:
            return 0
        bound, words, seconds = ner_bound(paths, args.workers)
        print(f"NER-only bound: {words} words in {seconds:.1f} s = {bound:.0f} words/s")
        # Same texts both ways: the time NER alone needs over the time the whole flow took.
        print(f"ratio end-to-end / NER-only bound: {seconds / first.wall_seconds:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
