"""One batch through the stages, in the order they happen, and the state the run's batches share.

    read → skip known → clean → exact duplicates → segment + enrich → near-duplicates and stories → index → settle

``stage`` runs the first four and hands the articles to the workers for enrichment; ``write`` waits for that,
then finds near-duplicates and stories and indexes, in a thread (a Prefect task future), while the workers go on
with the next batches; ``settle`` is the one place where outcomes are counted, from what was written. Batches are
enriched several at a time, so a large cluster is never idle while the flow reads, classifies or indexes: a
bounded queue (``in_flight``, sized from the executor's slots as it grows) of batches being enriched, written in
order; memory holds at most that many batches plus the one being written. Batch payloads go to the tasks inside
``quote``: Prefect would otherwise walk every article of every parameter looking for futures (seconds of the flow
process's CPU per run, for nothing).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from flows.dedup.recent import RecentArticles
from flows.index import deadletters, entity_registry
from flows.index.bulk import bulk_load
from flows.ingest.budget import ErrorBudget
from flows.ingest.classify import Decision, RunMemory
from flows.ingest.report import Ledger, RunReport
from flows.ingest.tasks import (
    BatchWrites,
    classify_batch,
    cleaned,
    enriched,
    index_batch,
    label_path,
    payload,
    recorded_copies,
    skip_known,
)
from flows.ingest.workers import Pool, clean_chunk, enrich_chunk
from flows.ingest.writes import duplicate_updates
from flows.read import READ_EVERYTHING, InputRules, ReadFailure, Skipped, read_file, source_path
from flows.version import lineage
from transforms.dedup.identity import source_hash
from transforms.enrich.entities_index_registry import EntityId
from transforms.enrich.entities_languages import UNSUPPORTED_LANGUAGE
from transforms.errors import Failure
from transforms.models import CleanArticle, EnrichedArticle, RawArticle

MAX_ROUNDS = 8  # rounds of re-decided inputs after the last batch; each settles what it decides
PER_SLOT = 8  # articles per worker thread to have queued beside the one it works on, so it never waits
MAX_IN_FLIGHT = 16  # batches being enriched at once, whatever the cluster: bounds the flow's memory


def in_flight(slots: int, batch_size: int, cap: int = MAX_IN_FLIGHT) -> int:
    """Batches to keep enriching: enough for ``PER_SLOT`` articles per slot, at least one, at most ``cap``."""
    return max(1, min(cap, math.ceil(slots * PER_SLOT / max(1, batch_size))))


def reread(labels: Sequence[str], rules: InputRules = READ_EVERYTHING) -> list[RawArticle | Failure]:
    """The inputs behind these labels, read again from their files (a file that is gone gives nothing), with the
    run's source rule, so that they hash as they did when read first."""
    wanted = set(labels)
    items: list[RawArticle | Failure] = []
    for path in sorted({label_path(label) for label in labels}):
        file = source_path(path)
        try:
            items += [item for item in read_file(file, given_source=rules.source_for(file))
                      if item.origin.label() in wanted]
        except (OSError, ValueError):
            continue
    return items


@dataclass
class Batch:
    """A batch between stages: what was decided so far, and the enrichment under way in the workers."""

    labels: list[str]
    known: dict[str, str]  # label → 'unchanged', 'duplicate' or 'skipped_by_filters', decided before cleaning
    failures: list[Failure]
    decisions: list[Decision]
    hashes: dict[str, str]
    enriching: Future[list[EnrichedArticle | Failure]]
    unsupported_language: set[str] = field(default_factory=set)  # labels enriched without entities for that reason


@dataclass
class Pipeline:
    client: Elasticsearch
    index: str  # where documents are written: the alias, or the new versioned index of a rebuild
    alias: str  # the alias: names the dead-letter store
    pool: Pool
    published_at: datetime | None
    report: RunReport
    budget: ErrorBudget
    clear_letters: bool
    memory: RunMemory = field(default_factory=RunMemory)
    recent: RecentArticles | None = field(default_factory=RecentArticles)  # None: no near-dups, stories
    rules: InputRules = READ_EVERYTHING  # the run's input rules: a re-read gives the same source
    ledger: Ledger = field(init=False)
    in_flight: int | None = None  # batches enriched at once; None: sized from the pool's slots before each batch
    staged: deque[Batch] = field(default_factory=deque)
    largest: int = 0
    writing: tuple[Future[BatchWrites], Batch] | None = None
    requeued: list[CleanArticle] = field(default_factory=list)  # copies whose kept copy failed: decide again
    orphans: set[str] = field(default_factory=set)  # inputs whose kept document this run deleted or rewrote
    renames: dict[EntityId, tuple[str, str]] = field(default_factory=dict)  # entity names older documents change
    shown: dict[EntityId, str] = field(default_factory=dict)  # entity names this run's documents show
    deleted: set[str] = field(default_factory=set)  # documents this run deleted: their entity votes go back

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.report)

    @property
    def seen(self) -> set[str]:
        return self.ledger.read_inputs()

    def run_batch(self, batch: Sequence[RawArticle | ReadFailure | Skipped]) -> None:
        """This batch's first stages; the oldest batches whose turn it is are written meanwhile."""
        self.staged.append(self.stage(batch))
        self.largest = max(self.largest, len(batch))  # the batch size: the last batch is often short
        depth = self.in_flight or in_flight(self.pool.slots(), self.largest)
        self.report.batches_in_flight = max(self.report.batches_in_flight, depth)
        while len(self.staged) > depth:
            self.write(self.staged.popleft())

    def stage(self, batch: Sequence[RawArticle | Failure | Skipped]) -> Batch:
        """A skipped file settles with the batch, so an old dead letter of it is cleared like any other's."""
        labels = [item.origin.label() for item in batch]
        self.ledger.read(labels)
        raws = [r for r in batch if isinstance(r, RawArticle)]
        failures = [r for r in batch if isinstance(r, Failure)]
        skipped = [r.origin.label() for r in batch if isinstance(r, Skipped)]
        hashes = {raw.origin.label(): source_hash(raw) for raw in raws}
        self.memory.note_read(hashes)
        unchanged, copies = skip_known(self.client, self.index, payload(hashes))
        known = {**dict.fromkeys(skipped, "skipped_by_filters"), **dict.fromkeys(copies, "duplicate"),
                 **dict.fromkeys(unchanged, "unchanged")}
        cleaning = self.pool.submit(clean_chunk, [raw for raw in raws if raw.origin.label() not in known],
                                    self.published_at, stage="clean")
        self.settle_writes()  # the batch before the previous one, whose write ran beside this batch's reading
        results = cleaned(payload(cleaning))
        failures += [r for r in results if isinstance(r, Failure)]
        articles = self.requeued + [r for r in results if isinstance(r, CleanArticle)]
        self.requeued = []
        history = self.alias if self.index != self.alias else None  # a rebuild: first-seen times live there
        decisions = classify_batch(self.client, self.index, payload(articles), payload(self.memory),
                                   history) if articles else []
        enriching = self.pool.submit(enrich_chunk, [d.article for d in decisions if d.verdict == "enrich"],
                                     lineage(), stage="enrich")
        return Batch(labels, known, failures, decisions, hashes, enriching)

    def write(self, batch: Batch | None) -> None:
        """Waits for the batch's enrichment, then indexes it in a thread, after the batch before it is settled."""
        if batch is None:
            return
        records = enriched(payload(batch.enriching))
        self.report.words += sum(len(r.body.split()) for r in records if isinstance(r, EnrichedArticle))
        batch.unsupported_language = {r.origin.label() for r in records if isinstance(r, EnrichedArticle)
                                      and r.entities_status == UNSUPPORTED_LANGUAGE}
        self.settle_writes()
        future = index_batch.submit(self.client, self.index, self.alias, payload(batch.decisions), payload(records),
                                    payload(batch.failures), self.report.run_id, self.clear_letters,
                                    payload(batch.hashes), payload(self.recent), payload(list(batch.known)))
        self.writing = (future, batch)  # type: ignore[assignment]

    def settle_writes(self) -> None:
        """Counts how every input of the written batch ended, from what was written, and spends the error budget."""
        if self.writing is None:
            return
        future, batch = self.writing
        self.writing = None
        writes = future.result()
        self.report.add_seconds(writes.seconds)
        self.report.withdrawn += writes.withdrawn
        self.report.add_entities(writes.entities)
        self.renames.update(writes.renames)
        self.shown.update(writes.shown)
        self.deleted.update(writes.deleted)
        self.orphans.update(writes.orphans)
        for doc_id in writes.deleted:
            self.orphans.update(self.memory.forget(doc_id))
        failed = {f.origin.label(): f for f in writes.failures}
        for label, status in batch.known.items():
            self.ledger.settle(label, status)  # type: ignore[arg-type]
        for decision in batch.decisions:
            self.settle(decision, writes.written, failed, batch.unsupported_language)
        for label, failure in failed.items():
            self.ledger.settle(label, failure)
        self.budget.record_batch([label in failed for label in batch.labels])

    def settle(self, decision: Decision, written: set[str], failed: dict[str, Failure],
               unsupported_language: AbstractSet[str] = frozenset()) -> None:
        label = decision.article.origin.label()
        if decision.verdict == "unchanged":
            self.ledger.settle(label, "unchanged")
        elif decision.verdict == "duplicate":
            if not decision.provisional:  # a provisional one is settled with its kept copy
                self.ledger.settle(label, "duplicate")
        elif decision.doc_id in written and label not in failed:
            self.ledger.settle(label, "indexed", unsupported_language=label in unsupported_language)
            if decision.supersedes is not None:
                owner, owner_hash = decision.supersedes
                self.memory.source_hashes.setdefault(owner, owner_hash)
                self.memory.remember_duplicate(decision.doc_id, owner)
            self.orphans.update(decision.orphans)
            for copy in self.memory.written(decision.doc_id, label):
                self.ledger.settle(copy, "duplicate")
        else:
            failed.setdefault(label, Failure(origin=decision.article.origin, stage="index", reason="not_written",
                                             detail="the document was not written and no step said why"))
            self.requeued += self.memory.not_written(decision.doc_id, decision.article)

    def drain(self) -> None:
        """The last batches, then copies whose kept copy failed (each round settles at least that kept copy), then
        inputs left copies of a document this run deleted or rewrote: they are read again and decided again."""
        while self.staged:
            self.write(self.staged.popleft())
        self.settle_writes()
        for _ in range(MAX_ROUNDS):
            if self.requeued:
                self.write(self.stage([]))
                self.settle_writes()
            elif orphans := sorted(self.orphans & self.seen):
                self.orphans.clear()
                self.client.indices.refresh(index=self.index)
                self.write(self.stage(reread(orphans, self.rules)))
                self.settle_writes()
            else:
                return

    def delete(self, ids: Sequence[str]) -> int:
        """Deletes documents outside a batch (a prune): their copies are decided again, by the next ``drain``."""
        copies = recorded_copies(self.client, self.index, ids)
        actions = [{"_op_type": "delete", "_index": self.index, "_id": doc_id} for doc_id in ids]
        deleted = 0
        for item in bulk_load(self.client, actions):
            if item.ok and item.status == 200:
                deleted += 1
                self.deleted.add(item.doc_id)
                self.orphans.update(copies.get(item.doc_id, []))
                self.orphans.update(self.memory.forget(item.doc_id))
        return deleted

    def finish(self) -> None:
        """Records this run's copies on the documents kept for them, and makes everything searchable."""
        updates = duplicate_updates(self.client, self.index, self.memory)
        self.report.duplicates_recorded = sum(1 for item in bulk_load(self.client, updates) if item.ok)
        renames = {**self.renames, **entity_registry.withdraw_votes(self.client, self.alias, sorted(self.deleted))}
        self.client.indices.refresh(index=self.index)
        self.rename_entities(renames)
        deadletters.refresh(self.client, self.alias)

    def rename_entities(self, renames: dict[EntityId, tuple[str, str]]) -> None:
        """Documents written before a name changed take the registry's name now: this run's (visible after the
        refresh) and older ones, with the names another partition changed while this run wrote."""
        renames.update(entity_registry.current_renames(self.client, self.alias, self.shown))
        if renames:
            renamed = entity_registry.rename_documents(self.client, self.index, renames)
            self.report.add_entities({"registry renames": len(renames), "documents renamed": renamed})
            self.client.indices.refresh(index=self.index)

    def abandon(self) -> None:
        """A run that stops early still counts the batch whose write finished."""
        if self.writing is not None and self.writing[0].done():
            try:
                self.settle_writes()
            except Exception:  # the failure that stops the run is reported by the caller
                self.writing = None

    def stats(self) -> dict[str, Any]:
        return {"busy": dict(self.pool.busy)}
