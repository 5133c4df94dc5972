"""The Prefect flow ``ingest``: read → clean → classify → segment + enrich → index, one task per batch.

Tasks are thin: the work is in ``transforms/`` (run in worker processes) and in ``flows/index``. Only the I/O tasks
(classify, index) retry. Indexing of one batch runs in a thread while the next batch is cleaned and enriched, so
both cores stay busy; at most two batches are in memory at once.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from elasticsearch import Elasticsearch
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.tasks import exponential_backoff
from pydantic import BaseModel, Field

from flows.es.client import connect_checked
from flows.es.setup import setup
from flows.index import deadletters
from flows.index.bulk import bulk_load
from flows.index.deadletters import DeadLetter
from flows.ingest.classify import Decision, RunMemory, classify
from flows.ingest.progress import Progress
from flows.ingest.report import RunReport
from flows.ingest.workers import ChunkResult, clean_chunk, default_workers, enrich_chunk, make_pool
from flows.ingest.writes import duplicate_updates, index_actions
from flows.read import ReadFailure, read_articles
from flows.settings import Settings
from flows.version import lineage, pipeline_version
from transforms.models import CleanArticle, EnrichedArticle, RawArticle

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """itertools.batched arrived in Python 3.12; the project runs on 3.11."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class IngestOptions(BaseModel):
    """Flow parameters: validated by pydantic, shown in the Prefect UI; no secrets here, ever."""

    batch_size: int = Field(default=256, ge=1, le=5000, description="Articles per task run.")
    workers: int = Field(default_factory=default_workers, ge=0, le=64, description="Worker processes (0: inline).")
    follow_symlinks: bool = False
    published_at: datetime | None = Field(default=None, description="Publication date to assume for every input.")
    show_progress: bool = False


def fan_out(pool: Executor, fn, items: Sequence, parts: int, *args) -> list[Future[ChunkResult]]:  # type: ignore[no-untyped-def]
    size = max(1, -(-len(items) // max(1, parts)))
    return [pool.submit(fn, list(chunk), *args) for chunk in batched(items, size)]


def gather(futures: Sequence[Future[ChunkResult]], report: RunReport) -> list:  # type: ignore[type-arg]
    records = []
    for future in futures:
        result = future.result()
        report.add_seconds(result.seconds)
        records.extend(result.records)
    return records


@task(cache_policy=NO_CACHE)
def clean_batch(pool: Executor, raws: list[RawArticle], parts: int, published_at: datetime | None,
                report: RunReport) -> list[CleanArticle | DeadLetter]:
    return gather(fan_out(pool, clean_chunk, raws, parts, published_at), report)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2),
      retry_jitter_factor=0.5)
def classify_batch(client: Elasticsearch, alias: str, articles: list[CleanArticle],
                   memory: RunMemory) -> list[Decision]:
    return classify(client, alias, articles, pipeline_version(), memory)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=2),
      retry_jitter_factor=0.5)
def index_batch(client: Elasticsearch, alias: str, decisions: list[Decision],
                records: list[EnrichedArticle | DeadLetter], letters: list[DeadLetter],
                run_id: str, clear_letters: bool) -> tuple[int, Counter[str]]:
    """Returns (indexed, dead-letter reasons); failed items become dead letters themselves."""
    enriched = {r.origin.label(): r for r in records if isinstance(r, EnrichedArticle)}
    failed = [r for r in records if isinstance(r, DeadLetter)] + letters
    actions, origins = index_actions(alias, decisions, enriched)
    indexed = 0
    for item in bulk_load(client, actions):
        if item.op != "index":
            continue
        if item.ok:
            indexed += 1
        else:
            failed.append(DeadLetter(origin=origins[item.doc_id], stage="index", reason=item.error.split(":")[0],
                                     detail=item.error))
    write_letters(client, alias, failed, decisions, run_id, clear_letters)
    return indexed, Counter(f"{f.stage}/{f.reason}" for f in failed)


def write_letters(client: Elasticsearch, alias: str, failed: list[DeadLetter], decisions: list[Decision],
                  run_id: str, clear: bool) -> None:
    failed_keys = {f.origin.label() for f in failed}
    actions = list(deadletters.record_actions(failed, alias, run_id))
    if clear:
        done = [d.article.origin for d in decisions if d.article.origin.label() not in failed_keys]
        actions += deadletters.clear_actions(done, alias)
    for item in bulk_load(client, actions):
        if not item.ok:
            raise RuntimeError(f"could not write to the dead-letter store: {item.error}")


def split_reads(batch: Sequence[RawArticle | ReadFailure]) -> tuple[list[RawArticle], list[DeadLetter]]:
    raws = [r for r in batch if isinstance(r, RawArticle)]
    letters = [DeadLetter(origin=r.origin, stage="read", reason=r.reason, detail=r.detail)
               for r in batch if isinstance(r, ReadFailure)]
    return raws, letters


class Pipeline:
    """The per-run state the batches share: client, pool, memory of ids seen, the report."""

    def __init__(self, client: Elasticsearch, alias: str, pool: Executor, options: IngestOptions, report: RunReport,
                 clear_letters: bool) -> None:
        self.client, self.alias, self.pool, self.options, self.report = client, alias, pool, options, report
        self.memory = RunMemory()
        self.parts = max(1, options.workers) * 2
        self.clear_letters = clear_letters
        self.pending: Future[tuple[int, Counter[str]]] | None = None

    def run_batch(self, batch: Sequence[RawArticle | ReadFailure]) -> None:
        self.report.inputs += len(batch)
        raws, letters = split_reads(batch)
        cleaned = clean_batch(self.pool, raws, self.parts, self.options.published_at, self.report)
        letters += [r for r in cleaned if isinstance(r, DeadLetter)]
        articles = [r for r in cleaned if isinstance(r, CleanArticle)]
        decisions = classify_batch(self.client, self.alias, articles, self.memory) if articles else []
        verdicts = Counter(d.verdict for d in decisions)
        self.report.unchanged += verdicts["unchanged"]
        self.report.duplicate += verdicts["duplicate"]
        to_enrich = [d.article for d in decisions if d.verdict == "enrich"]
        futures = fan_out(self.pool, enrich_chunk, to_enrich, self.parts, lineage())
        self.collect()
        records = gather(futures, self.report)
        self.report.words += sum(len(r.body.split()) for r in records if isinstance(r, EnrichedArticle))
        self.pending = index_batch.submit(self.client, self.alias, decisions, records, letters,  # type: ignore[assignment]
                                          self.report.run_id, self.clear_letters)

    def collect(self) -> None:
        if self.pending is None:
            return
        indexed, reasons = self.pending.result()
        self.report.indexed += indexed
        self.report.add_dead_letters(reasons)
        self.pending = None

    def finish(self) -> None:
        self.collect()
        updates = duplicate_updates(self.client, self.alias, self.memory)
        self.report.duplicates_recorded = sum(1 for item in bulk_load(self.client, updates) if item.ok)
        self.client.indices.refresh(index=[self.alias, deadletters.deadletter_index(self.alias)])


def current_run_id() -> str:
    try:
        return str(get_run_context().flow_run.id)  # type: ignore[union-attr]
    except Exception:
        return "local"


@flow(name="ingest", log_prints=False, validate_parameters=True)
def ingest(paths: list[str], options: IngestOptions | None = None) -> RunReport:
    """Ingest files and folders of raw articles into the index behind the alias."""
    options = options or IngestOptions()
    settings = Settings()
    logger = get_run_logger()
    client = connect_checked(settings)
    setup(client, settings.index)
    deadletters.ensure_store(client, settings.index)
    report = RunReport(run_id=current_run_id(), index=settings.index, pipeline_version=pipeline_version(),
                       paths=[str(Path(p).resolve()) for p in paths])
    clear = bool(client.count(index=deadletters.deadletter_index(settings.index))["count"])
    started = time.perf_counter()
    with make_pool(options.workers) as pool, Progress(options.show_progress) as progress:
        pipeline = Pipeline(client, settings.index, pool, options, report, clear)
        for batch in batched(read_articles([Path(p) for p in paths], follow_symlinks=options.follow_symlinks),
                             options.batch_size):
            pipeline.run_batch(batch)
            progress.advance(len(batch))
        pipeline.finish()
    report.wall_seconds = round(time.perf_counter() - started, 3)
    report.finished_at = datetime.now(report.started_at.tzinfo)
    logger.info("ingest finished: %s", report.model_dump_json(include={"inputs", "indexed", "unchanged",
                                                                       "duplicate", "dead_lettered"}))
    create_markdown_artifact(key="ingest-report", markdown=report.markdown(), description="newsindex run report")
    return report


def iter_enriched(paths: Sequence[Path], published_at: datetime | None = None,
                  follow_symlinks: bool = False) -> Iterator[EnrichedArticle | DeadLetter]:
    """The `newsindex enrich` path: the same stages without Elasticsearch, inline, in input order."""
    for batch in batched(read_articles(list(paths), follow_symlinks=follow_symlinks), 64):
        raws, letters = split_reads(batch)
        yield from letters
        cleaned = clean_chunk(raws, published_at).records
        yield from (r for r in cleaned if isinstance(r, DeadLetter))
        articles = [r for r in cleaned if isinstance(r, CleanArticle)]
        yield from enrich_chunk(articles, lineage()).records  # type: ignore[misc]
