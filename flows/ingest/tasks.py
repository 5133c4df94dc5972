"""The flow's tasks: thin wrappers, one task run per batch. Only the I/O tasks retry (with backoff and jitter)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows.dedup.near import near_duplicate_updates
from flows.dedup.recent import RecentArticles
from flows.index import deadletters
from flows.index.bulk import bulk_load
from flows.index.deadletters import DeadLetter
from flows.ingest.classify import Decision, RunMemory, classify, known_inputs
from flows.ingest.dedup_step import DedupFields, dedup_batch
from flows.ingest.report import RunReport
from flows.ingest.workers import ChunkResult
from flows.ingest.writes import index_actions
from flows.version import pipeline_version
from transforms.models import CleanArticle, EnrichedArticle

IO_RETRIES: dict[str, Any] = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=2),
                              "retry_jitter_factor": 0.5}


def fan_out(pool: Executor, fn: Any, items: Sequence[Any], parts: int, *args: Any) -> list[Future[ChunkResult]]:
    """Splits a batch over the workers so that every core gets a share."""
    size = max(1, -(-len(items) // max(1, parts)))
    return [pool.submit(fn, list(items[i : i + size]), *args) for i in range(0, len(items), size)]


def gather(futures: Sequence[Future[ChunkResult]], report: RunReport) -> list[Any]:
    records: list[Any] = []
    for future in futures:
        result = future.result()
        report.add_seconds(result.seconds)
        records.extend(result.records)
    return records


@task(cache_policy=NO_CACHE)
def clean_batch(futures: list[Future[ChunkResult]], report: RunReport) -> list[CleanArticle | DeadLetter]:
    """The batch's cleaning, running in the workers: waits for it and counts its seconds."""
    return gather(futures, report)


@task(cache_policy=NO_CACHE)
def enrich_batch(futures: list[Future[ChunkResult]], report: RunReport) -> list[EnrichedArticle | DeadLetter]:
    """The batch's segmentation and enrichment, running in the workers."""
    return gather(futures, report)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def classify_batch(client: Elasticsearch, index: str, articles: list[CleanArticle],
                   memory: RunMemory) -> list[Decision]:
    return classify(client, index, articles, pipeline_version(), memory)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def skip_known(client: Elasticsearch, index: str, hashes: dict[str, str]) -> tuple[set[str], set[str]]:
    return known_inputs(client, index, hashes, pipeline_version())


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def index_batch(client: Elasticsearch, index: str, alias: str, decisions: list[Decision],
                records: list[EnrichedArticle | DeadLetter], letters: list[DeadLetter], run_id: str,
                clear_letters: bool, source_hashes: dict[str, str],
                recent: RecentArticles | None) -> tuple[int, list[DeadLetter], Counter[str]]:
    """Writes the batch; returns (documents indexed, every input of the batch that failed, seconds per stage).
    Batches run one after another (the flow waits for one before submitting the next): ``recent`` is theirs;
    None when near-duplicates and stories are off."""
    enriched = {r.origin.label(): r for r in records if isinstance(r, EnrichedArticle)}
    ingested_at = datetime.now(UTC)
    started = time.perf_counter()
    if recent is None:
        dedup = DedupFields(fields={d.doc_id: {} for d in decisions if d.article.origin.label() in enriched})
    else:
        dedup = dedup_batch(client, index, decisions, enriched, ingested_at, recent)
    seconds: Counter[str] = Counter(dedup=time.perf_counter() - started)
    started = time.perf_counter()
    failed = [r for r in records if isinstance(r, DeadLetter)] + letters + dedup.failed
    signed = {d.doc_id for d in decisions if d.doc_id in dedup.fields}
    origin_of = {d.doc_id: d.article.origin.label() for d in decisions if d.verdict == "enrich"}
    extra = {doc_id: {**fields, "source_hash": source_hashes.get(origin_of[doc_id])}
             for doc_id, fields in dedup.fields.items()}
    actions, origins = index_actions(index, [d for d in decisions if d.doc_id in signed], enriched, extra,
                                     ingested_at)
    written: set[str] = set()
    for item in bulk_load(client, actions):
        if item.op != "index":
            continue
        if item.ok:
            written.add(item.doc_id)
        else:
            reason = item.error.split(":")[0] or "index_error"
            failed.append(DeadLetter(origin=origins[item.doc_id], stage="index", reason=reason, detail=item.error))
    if recent is not None:
        dedup.remember(recent, ingested_at, written)
    links = near_duplicate_updates(client, index, dedup.near)
    for item in bulk_load(client, links):
        if not item.ok:
            raise RuntimeError(f"could not link near-duplicates: {item.error}")
    write_letters(client, alias, failed, decisions, run_id, clear_letters)
    seconds["index"] += time.perf_counter() - started
    return len(written), failed, seconds


def write_letters(client: Elasticsearch, alias: str, failed: list[DeadLetter], decisions: list[Decision],
                  run_id: str, clear: bool) -> None:
    """Records this batch's failures and forgets earlier failures of inputs that went through this time."""
    failed_keys = {f.origin.label() for f in failed}
    actions = list(deadletters.record_actions(failed, alias, run_id))
    if clear:
        done = [d.article.origin for d in decisions if d.article.origin.label() not in failed_keys]
        actions += deadletters.clear_actions(done, alias)
    for item in bulk_load(client, actions):
        if not item.ok:
            raise RuntimeError(f"could not write to the dead-letter store: {item.error}")


def reason_counts(failed: Sequence[DeadLetter]) -> Counter[str]:
    return Counter(f"{f.stage}/{f.reason}" for f in failed)
