"""The state a run's batches share, and the order of stages for one batch.

Indexing of one batch runs in a thread (a Prefect task future) while the next batch is cleaned and enriched in the
worker processes, so both cores stay busy; at most two batches are in memory at once. Batch payloads go to the tasks
inside ``quote``: Prefect would otherwise walk every article of every parameter looking for futures (seconds of the
flow process's CPU per run, for nothing: no payload holds a Prefect future).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import datetime

from elasticsearch import Elasticsearch
from prefect.utilities.annotations import quote

from flows.dedup.recent import RecentArticles
from flows.index import deadletters
from flows.index.bulk import bulk_load
from flows.index.deadletters import DeadLetter
from flows.ingest.budget import ErrorBudget
from flows.ingest.classify import Decision, RunMemory
from flows.ingest.report import RunReport
from flows.ingest.tasks import (
    classify_batch,
    clean_batch,
    enrich_batch,
    fan_out,
    index_batch,
    reason_counts,
    skip_known,
)
from flows.ingest.workers import ChunkResult, clean_chunk, enrich_chunk
from flows.ingest.writes import duplicate_updates
from flows.read import ReadFailure
from flows.version import lineage
from transforms.dedup.identity import source_hash
from transforms.models import CleanArticle, EnrichedArticle, RawArticle


def split_reads(batch: Sequence[RawArticle | ReadFailure]) -> tuple[list[RawArticle], list[DeadLetter]]:
    raws = [r for r in batch if isinstance(r, RawArticle)]
    letters = [DeadLetter(origin=r.origin, stage="read", reason=r.reason, detail=r.detail)
               for r in batch if isinstance(r, ReadFailure)]
    return raws, letters


@dataclass
class Enriching:
    """A batch whose enrichment is under way in the workers."""

    labels: list[str]
    decisions: list[Decision]
    letters: list[DeadLetter]
    hashes: dict[str, str]
    futures: list[Future[ChunkResult]]


@dataclass
class Pipeline:
    client: Elasticsearch
    index: str  # where documents are written: the alias, or the new versioned index of a rebuild
    alias: str  # the alias: names the dead-letter store
    pool: Executor
    workers: int
    published_at: datetime | None
    report: RunReport
    budget: ErrorBudget
    clear_letters: bool
    memory: RunMemory = field(default_factory=RunMemory)
    recent: RecentArticles | None = field(default_factory=RecentArticles)  # None: no near-dups, stories
    seen: set[str] = field(default_factory=set)
    enriching: Enriching | None = None
    pending: tuple[Future[tuple[int, list[DeadLetter], Counter[str]]], list[str]] | None = None

    @property
    def parts(self) -> int:
        return max(1, self.workers) * 2

    def run_batch(self, batch: Sequence[RawArticle | ReadFailure]) -> None:
        """Queues this batch's cleaning behind the previous batch's enrichment, so the workers never wait for the
        flow process; then hands the previous batch to indexing and classifies this one."""
        labels = [item.origin.label() for item in batch]
        self.seen.update(labels)
        self.report.inputs += len(batch)
        raws, letters = split_reads(batch)
        hashes = {raw.origin.label(): source_hash(raw) for raw in raws}
        self.memory.source_hashes.update(hashes)
        unchanged, copies = skip_known(self.client, self.index, quote(hashes))
        self.report.unchanged += len(unchanged)
        self.report.duplicate += len(copies)
        raws = [raw for raw in raws if raw.origin.label() not in unchanged | copies]
        clean_futures = fan_out(self.pool, clean_chunk, raws, self.parts, self.published_at)
        self.hand_over()
        cleaned = clean_batch(quote(clean_futures), quote(self.report))
        letters += [r for r in cleaned if isinstance(r, DeadLetter)]
        articles = [r for r in cleaned if isinstance(r, CleanArticle)]
        decisions = classify_batch(self.client, self.index, quote(articles), quote(self.memory)) if articles else []
        verdicts = Counter(d.verdict for d in decisions)
        self.report.unchanged += verdicts["unchanged"]
        self.report.duplicate += verdicts["duplicate"]
        futures = fan_out(self.pool, enrich_chunk, [d.article for d in decisions if d.verdict == "enrich"],
                          self.parts, lineage())
        self.enriching = Enriching(labels, decisions, letters, hashes, futures)

    def hand_over(self) -> None:
        """The previous batch: wait for its enrichment, then index it in a thread (after the one before)."""
        if self.enriching is None:
            return
        batch, self.enriching = self.enriching, None
        records = enrich_batch(quote(batch.futures), quote(self.report))
        self.report.words += sum(len(r.body.split()) for r in records if isinstance(r, EnrichedArticle))
        self.collect()
        future = index_batch.submit(self.client, self.index, self.alias, quote(batch.decisions), quote(records),
                                    quote(batch.letters), self.report.run_id, self.clear_letters, quote(batch.hashes),
                                    quote(self.recent))
        self.pending = (future, batch.labels)  # type: ignore[assignment]

    def collect(self) -> None:
        """Waits for the previous batch's writes, counts them, and spends the error budget."""
        if self.pending is None:
            return
        future, labels = self.pending
        self.pending = None
        indexed, failed, seconds = future.result()
        self.report.indexed += indexed
        self.report.add_seconds(seconds)
        self.report.add_dead_letters(reason_counts(failed))
        failed_keys = {f.origin.label() for f in failed}
        self.budget.record_batch([label in failed_keys for label in labels])

    def finish(self) -> None:
        self.hand_over()
        self.collect()
        updates = duplicate_updates(self.client, self.index, self.memory)
        self.report.duplicates_recorded = sum(1 for item in bulk_load(self.client, updates) if item.ok)
        self.client.indices.refresh(index=[self.index, deadletters.deadletter_index(self.alias)])
