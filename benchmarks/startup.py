"""Fixed cost by the user's clock: whole commands, as a person or a scheduler runs them, against the local services.

    .venv/bin/python -m benchmarks.startup [--repeat 5] [--corpus DIR] [--skip-corpus]

Measures, each the median of ``--repeat`` runs of the whole command (process start to exit, imports, Prefect,
Elasticsearch):
- ``newsindex search`` over a seeded index: the yardstick;
- ``newsindex run`` over the five seeds when nothing changed: with the local Prefect server (`newsindex prefect
  start`, the default when it runs) and with Prefect's ephemeral server (``NEWSINDEX_LOCAL_PREFECT=0``);
- unless ``--skip-corpus``: the first run over the corpus (default: the BBC folders of ../shared/data/bbc-news) into a
  fresh index, then the re-run over the unchanged corpus, and their ratio.
The last line is JSON. Targets (issue 18): unchanged seeds run <= 3 x search; unchanged corpus re-run >= 50 x faster
than the first run. The indices it creates are deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
BBC = ROOT.parent / "shared" / "data" / "bbc-news"
TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def command(args: list[str], alias: str, **env: str) -> float:
    """Seconds of one whole command by the wall clock; fails loudly if the command fails."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NEWSINDEX_INDEX": alias, **env})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`newsindex {' '.join(args)}` failed ({done.returncode}): {done.stderr[-1500:]}")
    return seconds


def median(args: list[str], alias: str, repeat: int, **env: str) -> float:
    return statistics.median(command(args, alias, **env) for _ in range(repeat))


def drop(alias: str) -> None:
    from flows.es.client import connect
    from flows.es.setup import drop_family
    from flows.settings import Settings

    drop_family(connect(Settings()), alias)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, nargs="*", default=[BBC / t for t in TOPICS])
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    from flows import prefect_local
    from flows.settings import Settings

    if prefect_local.running_url(Settings()) is None:
        raise SystemExit("start the local Prefect server first: newsindex up")
    results: dict[str, float] = {}
    seeds_alias, corpus_alias = f"bench-start-{uuid.uuid4().hex[:6]}", f"bench-corpus-{uuid.uuid4().hex[:6]}"
    try:
        command(["run", str(SEEDS), "--no-progress"], seeds_alias)
        results["search"] = median(["search", "North Korean troops"], seeds_alias, args.repeat)
        results["run_unchanged_local"] = median(["run", str(SEEDS), "--no-progress"], seeds_alias, args.repeat)
        results["run_unchanged_ephemeral"] = median(["run", str(SEEDS), "--no-progress"], seeds_alias,
                                                    min(args.repeat, 3), NEWSINDEX_LOCAL_PREFECT="0")
        results["unchanged_over_search"] = results["run_unchanged_local"] / results["search"]
        if not args.skip_corpus:
            paths = [str(p) for p in args.corpus]
            results["corpus_first"] = command(["run", *paths, "--no-progress"], corpus_alias)
            results["corpus_rerun"] = median(["run", *paths, "--no-progress"], corpus_alias, min(args.repeat, 3))
            results["first_over_rerun"] = results["corpus_first"] / results["corpus_rerun"]
    finally:
        for alias in (seeds_alias, corpus_alias):
            drop(alias)
    for name, value in results.items():
        print(f"{name:28s} {value:9.2f}")
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))


if __name__ == "__main__":
    main()
