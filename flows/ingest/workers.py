"""CPU stages in a pool of worker processes, one model load per process.

Clean, segment and enrich are pure transforms; here they are only wrapped so that a chunk of articles goes to a
worker, each stage is timed, and every input comes back either as the next record or as a dead letter.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from flows.ingest.guard import failure_of, guarded
from flows.ingest.workpool import WorkPool, cpu_count
from transforms.errors import Failure, Stage
from transforms.models import CleanArticle, EnrichedArticle, Lineage, RawArticle, SegmentedArticle

Cleaned = CleanArticle | Failure
Enriched = EnrichedArticle | Failure


def clean_one(raw: RawArticle, published_at: datetime | None) -> CleanArticle:
    from transforms.clean.article import clean_article

    article = clean_article(raw)
    if published_at is not None:
        article = article.model_copy(update={"published_at": published_at, "published_at_source": "given",
                                             "published_on": published_at.date(), "published_at_confidence": 1.0})
    return article


def clean_chunk(raws: Sequence[RawArticle], published_at: datetime | None = None) -> list[Cleaned]:
    """One result per input, in order: the clean article or its Failure."""
    return [guarded("clean", raw.origin, clean_one, raw, published_at) for raw in raws]


def enrich_chunk(articles: Sequence[CleanArticle], lineage: Lineage) -> list[Enriched]:
    """Segment, then enrich over spaCy's ``nlp.pipe`` (several times faster than one by one); an article that breaks
    the batch is found by doing each alone, so it costs only itself."""
    from transforms.segment import segment

    segmented = [guarded("segment", a.origin, segment, a) for a in articles]
    ready = [s for s in segmented if isinstance(s, SegmentedArticle)]
    try:
        enriched = iter(enrich_group(ready, lineage))
    except Exception:
        enriched = iter([guarded("enrich", s.origin, enrich_alone, s, lineage) for s in ready])
    results = [next(enriched) if isinstance(s, SegmentedArticle) else s for s in segmented]
    release_memory()
    return results


def enrich_group(articles: Sequence[SegmentedArticle], lineage: Lineage) -> list[Enriched]:
    from transforms.enrich.article import enrich_batch
    from transforms.enrich.entities import ner_models

    outcomes = list(enrich_batch(articles, ner_models(), lineage))
    return [failure_of(o, a.origin, "enrich") if isinstance(o, Exception) else o
            for a, o in zip(articles, outcomes, strict=True)]


def enrich_alone(article: SegmentedArticle, lineage: Lineage) -> Enriched:
    return enrich_group([article], lineage)[0]


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


WARM_UP_LANGUAGES = ("en",)


def warm_up() -> None:
    """Loads spaCy with the English model and langdetect once in each worker so the first chunk does not pay for
    them. The French model (3.8 s, +236 MiB per process) and Lingua (~7 s and ~1 GB per process for Latin-script
    models; langdetect's quick look settles most articles without it) are left to load on first use, once per
    process: an English-only corpus, the common case, never pays for them, and a French one pays once per worker
    process, as it would have here. That load falls inside the time limit of the worker's first group with a French
    article (3.8 s of CPU against the default 120 s; a ``--seconds-per-input`` under ~5 s would time such an article
    out on every fresh worker). The Dask worker plugin runs this same warm-up."""
    from transforms.enrich.entities import ner_models
    from transforms.enrich.language_detectors import langdetect_scores

    for code in WARM_UP_LANGUAGES:
        ner_models().for_language(code)
    langdetect_scores(WARM_UP_TEXT)


class Pool(Protocol):
    """Where the CPU stages run: one result per item, in order, as a Future; the pool counts busy seconds."""

    busy: dict[str, float]

    def slots(self) -> int:
        """How many chunks can run at once now: the fan-out a job is cut into."""
        ...

    def submit(self, fn: Callable[..., list[Any]], items: Sequence[Any], *args: Any,
               stage: Stage) -> Future[list[Any]]: ...

    def shutdown(self, wait: bool = True) -> None: ...

    def __enter__(self) -> Pool: ...

    def __exit__(self, *exc: object) -> None: ...


def make_pool(workers: int, dask: str | None = None, seconds_per_input: float = 120.0) -> Pool:
    """Local worker processes with a hard time limit per input (``workpool``), or a Dask cluster.

    ``dask`` is a scheduler address (``tcp://host:8786``) or ``local`` for a LocalCluster of ``workers`` processes:
    the same flow then spreads clean/segment/enrich over every Dask worker thread (``flows.ingest.dask_pool``),
    while reading and indexing stay in the flow process. On Dask an exception still costs only its input, but a
    stuck input is not interrupted: Dask cannot replace a worker from the client without losing its other tasks.
    """
    if dask:
        from flows.ingest.dask_pool import DaskPool

        return DaskPool(dask, workers)
    if workers <= 0:
        return InlinePool()
    return WorkPool(workers, seconds_per_input, initializer=warm_up)


class InlinePool:
    """``workers=0``: one thread of the flow process (debugging, tiny inputs, tests); no hard time limit here."""

    def __init__(self) -> None:
        self.busy: dict[str, float] = {}
        self.executor = ThreadPoolExecutor(max_workers=1)

    def slots(self) -> int:
        return 1

    def submit(self, fn: Callable[..., list[Any]], items: Sequence[Any], *args: Any,
               stage: Stage) -> Future[list[Any]]:
        if not items:
            return done_future([])

        def timed() -> list[Any]:
            seconds, results = timed_call(fn, list(items), *args)
            self.busy[stage] = self.busy.get(stage, 0.0) + seconds
            return results

        return self.executor.submit(timed)

    def shutdown(self, wait: bool = True) -> None:
        self.executor.shutdown(wait=wait, cancel_futures=not wait)

    def __enter__(self) -> InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown(wait=exc[0] is None)


def timed_call(fn: Callable[..., list[Any]], items: list[Any], *args: Any) -> tuple[float, list[Any]]:
    """The work and its seconds, measured where it runs (a Dask worker's clock, not the queue's)."""
    started = time.perf_counter()
    results = fn(items, *args)
    return time.perf_counter() - started, results


def done_future(value: list[Any]) -> Future[list[Any]]:
    future: Future[list[Any]] = Future()
    future.set_result(value)
    return future


def default_workers() -> int:
    return cpu_count()
