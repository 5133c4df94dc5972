"""The flow's tasks: thin wrappers, one task run per batch. Only the I/O tasks retry (with backoff and jitter)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from elasticsearch import Elasticsearch
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from flows.dedup.near import near_duplicate_updates
from flows.dedup.recent import RecentArticles
from flows.index import deadletters
from flows.index.bulk import bulk_load
from flows.index.entity_registry import name_batch
from flows.index.layout import get_docs
from flows.ingest.classify import Decision, RunMemory, classify, ids_by_labels, known_inputs
from flows.ingest.dedup_step import DedupFields, dedup_batch
from flows.ingest.writes import index_actions
from flows.version import pipeline_version
from transforms.dedup.identity import article_id
from transforms.enrich.entities_index_registry import EntityId
from transforms.errors import Failure
from transforms.models import CleanArticle, EnrichedArticle


def worth_retrying(task: object, task_run: object, state: State[Any]) -> bool:
    """A fault already waited out inside the task (the dead-letter store's) is not retried again around it."""
    return not isinstance(state.data, deadletters.StoreUnavailable)


IO_RETRIES: dict[str, Any] = {"retries": 3, "retry_delay_seconds": exponential_backoff(backoff_factor=2),
                              "retry_jitter_factor": 0.5, "retry_condition_fn": worth_retrying}
# Failures that may pass (the file was busy, the machine overloaded, a bug met once): the input's earlier document
# stays searchable until the input is read again. Any other failure means the input now says nothing usable, and
# what it said before is withdrawn.
TRANSIENT_REASONS = frozenset({"not_found", "unreadable", "timeout", "worker_crashed", "version_mismatch"})


T = TypeVar("T")


def payload(value: T) -> T:
    """A task argument Prefect hands over as it is, without walking every article in it looking for futures
    (seconds of the flow process's CPU per run). Typed as the value: the task receives the value itself."""
    return cast(T, quote(value))


@dataclass
class BatchWrites:
    """What the write step did with a batch: the documents it wrote, every input that failed, what it deleted."""

    written: set[str] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)
    withdrawn: int = 0
    deleted: set[str] = field(default_factory=set)
    orphans: list[str] = field(default_factory=list)  # inputs recorded as copies of a deleted document
    seconds: dict[str, float] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)  # registry and type-correction counts of the batch
    renames: dict[EntityId, tuple[str, str]] = field(default_factory=dict)  # for older documents, at the run's end
    shown: dict[EntityId, str] = field(default_factory=dict)  # entity names the batch's documents show


@task(cache_policy=NO_CACHE)
def cleaned(future: Future[list[CleanArticle | Failure]]) -> list[CleanArticle | Failure]:
    """The batch's cleaning, running in the workers."""
    return future.result()


@task(cache_policy=NO_CACHE)
def enriched(future: Future[list[EnrichedArticle | Failure]]) -> list[EnrichedArticle | Failure]:
    """The batch's segmentation and enrichment, running in the workers."""
    return future.result()


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def classify_batch(client: Elasticsearch, index: str, articles: list[CleanArticle],
                   memory: RunMemory, history: str | None = None) -> list[Decision]:
    return classify(client, index, articles, pipeline_version(), memory, history)


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def skip_known(client: Elasticsearch, index: str, hashes: dict[str, str]) -> tuple[set[str], set[str]]:
    return known_inputs(client, index, hashes, pipeline_version())


@task(cache_policy=NO_CACHE, **IO_RETRIES)
def index_batch(client: Elasticsearch, index: str, alias: str, decisions: list[Decision],
                records: list[EnrichedArticle | Failure], failures: list[Failure], run_id: str,
                clear_letters: bool, source_hashes: dict[str, str], recent: RecentArticles | None,
                known: list[str]) -> BatchWrites:
    """Writes the batch: near-duplicates and stories, the documents, the withdrawals, the dead letters.
    Batches run one after another (the flow waits for one before submitting the next): ``recent`` is theirs;
    None when near-duplicates and stories are off."""
    result = BatchWrites(failures=[r for r in records if isinstance(r, Failure)] + failures)
    done = {r.origin.label(): r for r in records if isinstance(r, EnrichedArticle)}
    ingested_at = datetime.now(UTC)
    started = time.perf_counter()
    if recent is None:
        dedup = DedupFields(fields={d.doc_id: {} for d in decisions if d.article.origin.label() in done})
    else:
        dedup = dedup_batch(client, index, decisions, done, ingested_at, recent)
    result.seconds["dedup"] = time.perf_counter() - started
    started = time.perf_counter()
    result.failures += dedup.failed
    signed = [d for d in decisions if d.verdict != "enrich" or d.doc_id in dedup.fields]
    writing = {d.article.origin.label(): d.doc_id for d in signed if d.verdict == "enrich"}
    named = name_batch(client, alias, {label: article for label, article in done.items() if label in writing},
                       writing)
    result.renames, result.shown = named.renames, named.shown
    done.update(named.articles)
    result.seconds["entities"] = time.perf_counter() - started
    started = time.perf_counter()
    origin_of = {d.doc_id: d.article.origin.label() for d in decisions if d.verdict == "enrich"}
    extra = {doc_id: {**fields, "source_hash": source_hashes.get(origin_of[doc_id])}
             for doc_id, fields in dedup.fields.items()}
    actions, origins = index_actions(index, signed, done, extra, ingested_at)
    actions += withdraw_actions(client, index, result.failures)
    actions += lent_url_updates(client, index, [done[d.article.origin.label()] for d in signed
                                                if d.verdict == "enrich" and d.article.origin.label() in done])
    copies = recorded_copies(client, index, [a["_id"] for a in actions if a["_op_type"] == "delete"])
    for item in bulk_load(client, actions):
        if item.op == "delete":
            if item.ok and item.status == 200:
                result.withdrawn += 1
                result.deleted.add(item.doc_id)
                result.orphans += copies.get(item.doc_id, [])
            elif not item.ok:  # a read-only index: the first run after it is writable again deletes it (skip-known)
                logging.getLogger(__name__).warning("outdated document %s kept: %s", item.doc_id, item.error)
        elif item.op != "index":  # a lent URL given back: best effort, the next run tries again
            continue
        elif item.ok:
            result.written.add(item.doc_id)
        else:
            reason = item.error.split(":")[0] or "index_error"
            result.failures.append(Failure(origin=origins[item.doc_id], stage="index", reason=reason,
                                           detail=item.error))
    if recent is not None:
        dedup.remember(recent, ingested_at, result.written)
    links = near_duplicate_updates(client, index, {k: v for k, v in dedup.near.items() if k in result.written})
    for item in bulk_load(client, links):
        if not item.ok:
            raise RuntimeError(f"could not link near-duplicates: {item.error}")
    result.entities = entity_counts(done.values(), named.linked)
    write_letters(client, alias, result.failures, [d.article.origin.label() for d in decisions] + known, run_id,
                  clear_letters)
    result.seconds["index"] = time.perf_counter() - started
    return result


def entity_counts(articles: Iterable[EnrichedArticle], linked: int) -> dict[str, int]:
    """The batch's entity counts for the report: type corrections per rule, and short forms the registry linked
    (articles without a model for their language are counted by the ledger, as they settle; renames at the end)."""
    counts: Counter[str] = Counter()
    for article in articles:
        counts.update({f"corrected {rule}": n for rule, n in article.entity_corrections.items()})
    counts["linked to a corpus full name"] = linked
    return {name: n for name, n in counts.items() if n}


def recorded_copies(client: Elasticsearch, index: str, ids: Sequence[str]) -> dict[str, list[str]]:
    """The inputs recorded as copies of documents about to be deleted: they still say that text, so they must be
    decided again (one of them becomes the kept copy), never left as duplicates of nothing."""
    if not ids:
        return {}
    return {doc["_id"]: list(doc["_source"].get("duplicates", {}).get("paths", []))
            for doc in get_docs(client, index, ids, ["duplicates.paths"])}


def withdraw_actions(client: Elasticsearch, index: str, failures: Sequence[Failure]) -> list[dict[str, Any]]:
    """Deletes what an input produced before, when it now fails for a reason that will not pass by itself."""
    lasting_failures = [f for f in failures if lasting(f)]
    labels = [f.origin.label() for f in lasting_failures]
    files = [f.origin.path for f in lasting_failures if f.origin.line is None]  # a whole JSONL file: every line
    found = ids_by_labels(client, index, labels, files) if labels else {}
    return [{"_op_type": "delete", "_index": index, "_id": doc_id} for ids in found.values() for doc_id in ids]


def label_path(label: str) -> str:
    """The file of a label: ``path:line`` for a JSONL line (a file name ending in ``:digits`` is escaped)."""
    head, sep, line = label.rpartition(":")
    return head if sep and line.isdigit() else label


def lasting(failure: Failure) -> bool:
    """A failure of the input's content, not of the moment: an index refusal or a bug (``*_error``) may pass."""
    return (failure.reason not in TRANSIENT_REASONS and failure.stage != "index"
            and not failure.reason.endswith("_error"))


def lent_url_updates(client: Elasticsearch, index: str, articles: Sequence[EnrichedArticle]) -> list[dict[str, Any]]:
    """One document per URL: a document that took its URL from a richer copy gives it back when the input that owns
    the URL is written under it (the copy's URL stays in its ``duplicates.urls``)."""
    owned = {article_id(a): a.url for a in articles if a.url}
    if not owned:
        return []
    response = client.search(index=index, size=len(owned) * 4, source_includes=["url"],
                             query={"terms": {"url": sorted(set(owned.values()))}})
    return [{"_op_type": "update", "_index": index, "_id": hit["_id"], "doc": {"url": None}}
            for hit in response["hits"]["hits"] if hit["_id"] not in owned]


def write_letters(client: Elasticsearch, alias: str, failed: list[Failure], labels: list[str],
                  run_id: str, clear: bool) -> None:
    """Records this batch's failures and forgets earlier failures of inputs that went through this time (a JSONL
    line that went through clears its file's letter too: the file reads again)."""
    failed_keys = {f.origin.label() for f in failed}
    actions = list(deadletters.record_actions(failed, alias, run_id))
    if clear:
        done = [label for label in labels if label not in failed_keys]
        files = {label_path(label) for label in done} - failed_keys
        actions += deadletters.clear_actions(sorted(set(done) | files), alias)
    if actions:
        deadletters.write(client, actions, alias)
