"""CPU stages in a pool of worker processes, one model load per process.

Clean, segment and enrich are pure transforms; here they are only wrapped so that a chunk of articles goes to a
worker, each stage is timed, and every input comes back either as the next record or as a dead letter.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from flows.index.deadletters import DeadLetter
from transforms.errors import RejectedArticle
from transforms.models import CleanArticle, EnrichedArticle, Lineage, RawArticle, SegmentedArticle


@dataclass
class ChunkResult:
    records: list[CleanArticle | EnrichedArticle | DeadLetter]
    seconds: Counter[str] = field(default_factory=Counter)


def dead_letter(article: RawArticle | CleanArticle, exc: Exception, stage: str) -> DeadLetter:
    if isinstance(exc, RejectedArticle):
        return DeadLetter(origin=article.origin, stage=exc.stage, reason=exc.reason, detail=exc.detail)
    return DeadLetter(origin=article.origin, stage=stage, reason=f"{stage}_error",  # type: ignore[arg-type]
                      detail=f"{type(exc).__name__}: {exc}"[:2000])


def clean_chunk(raws: Sequence[RawArticle], published_at: datetime | None = None) -> ChunkResult:
    from transforms.clean.article import clean_article

    result = ChunkResult([])
    started = time.perf_counter()
    for raw in raws:
        try:
            article = clean_article(raw)
            if published_at is not None:
                article = article.model_copy(update={"published_at": published_at, "published_at_source": "given"})
            result.records.append(article)
        except Exception as exc:
            result.records.append(dead_letter(raw, exc, "clean"))
    result.seconds["clean"] += time.perf_counter() - started
    return result


def enrich_chunk(articles: Sequence[CleanArticle], lineage: Lineage) -> ChunkResult:
    from transforms.enrich.article import enrich_batch
    from transforms.enrich.entities import load_ner_model
    from transforms.segment import segment

    result = ChunkResult([])
    started = time.perf_counter()
    segmented: list[SegmentedArticle] = []
    slots: list[int] = []
    for article in articles:
        try:
            segmented.append(segment(article))
            slots.append(len(result.records))
            result.records.append(article)  # placeholder, replaced below
        except Exception as exc:
            result.records.append(dead_letter(article, exc, "segment"))
    result.seconds["segment"] += time.perf_counter() - started
    started = time.perf_counter()
    outcomes = enrich_batch(segmented, load_ner_model(), lineage)
    for slot, article, outcome in zip(slots, segmented, outcomes, strict=True):
        result.records[slot] = dead_letter(article, outcome, "enrich") if isinstance(outcome, Exception) else outcome
    result.seconds["enrich"] += time.perf_counter() - started
    release_memory()
    return result


def release_memory() -> None:
    """Hands the chunk's freed heap back to the OS (glibc keeps it otherwise, and a long-lived worker's RSS creeps up
    with every chunk of large, short-lived objects); a no-op where there is no glibc."""
    with suppress(OSError, AttributeError):
        libc().malloc_trim(0)


@cache
def libc() -> ctypes.CDLL:
    return ctypes.CDLL("libc.so.6")


WARM_UP_TEXT = ("The minister said on Tuesday that the talks would continue next week, and that both sides "
                "had agreed to meet again in the capital before the end of the month. ") * 4


def warm_up() -> None:
    """Loads spaCy and langdetect once in each worker so the first chunk does not pay for them. Lingua is left to
    load on first use: it costs ~7 s and ~1 GB per process for Latin-script models, and langdetect's quick look
    settles most articles without it."""
    from transforms.enrich.entities import load_ner_model
    from transforms.enrich.language_detectors import langdetect_scores

    load_ner_model()
    langdetect_scores(WARM_UP_TEXT)


def make_pool(workers: int, dask: str | None = None) -> Executor:
    """Where the CPU stages run: local processes, one thread (workers 0: debugging, tiny inputs), or a Dask cluster.

    ``forkserver`` because the flow process runs threads (Prefect, the HTTP client) that a plain fork would copy
    in an undefined state. ``dask`` is a scheduler address (``tcp://host:8786``) or ``local`` for a LocalCluster of
    ``workers`` processes: the same flow then spreads clean/segment/enrich over every Dask worker, while reading and
    indexing stay in the flow process.
    """
    if dask:
        return DaskExecutor(dask, workers)
    if workers <= 0:
        return ThreadPoolExecutor(max_workers=1)
    context = multiprocessing.get_context("forkserver")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up)


class DaskExecutor(Executor):
    """distributed's executor, closing the client (and a LocalCluster it started) on shutdown."""

    def __init__(self, address: str, workers: int) -> None:
        from distributed import Client, LocalCluster

        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            address = self.cluster.scheduler_address
        self.client = Client(address)
        self.executor = self.client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return self.executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.executor.shutdown(wait=wait)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))
