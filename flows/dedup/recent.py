"""This run's latest batches, kept in memory for the near-duplicate and story lookups of the batches after them.

Asking the index for every new article costs Elasticsearch a search each (about 1.3 ms of its CPU for the story
query) and a refresh after every batch, so that the previous batch is visible. Within a run the latest batches are in
this process anyway: they are looked up here, and the index answers for everything else: the filter leaves out only
the held batches, by their ingestion instants (a few terms, not thousands of ids), so the articles that other runs
(other partitions) write meanwhile are found in the index too. The two never overlap and together cover everything
written before the batch. Other runs' writes are searchable once the index refreshes: a run that shares the index
(``refresh_every``, partitioned runs) refreshes it before a lookup when it last did longer ago than that.
Memory is bounded: whole batches leave, oldest first, once ``capacity`` articles are held. A run over a fresh index
that fits in memory asks the index nothing and never refreshes until it ends.

Lookups use postings (band key → signatures, story key → candidates) kept up to date as batches come and go, so
their cost follows the batch, not the size of the memory.
"""

from __future__ import annotations

import sys
import time
from collections import deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import count

from elasticsearch import Elasticsearch

from transforms.dedup.near import IndexedSignature, NearSignature
from transforms.dedup.stories import StoryCandidate, nearest

DEFAULT_CAPACITY = 4096


@dataclass(frozen=True)
class RecentBatch:
    ingested_at: datetime
    written: float  # time.monotonic() when its bulk request finished
    signatures: tuple[tuple[int, IndexedSignature], ...]
    stories: tuple[tuple[int, StoryCandidate], ...]


class RecentArticles:
    """Near-duplicate signatures and story candidates of the articles this run wrote last."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, refresh_every: float | None = None) -> None:
        self.capacity = capacity
        self.refresh_every = refresh_every  # seconds; None: no other writer's articles to look for
        self.batches: deque[RecentBatch] = deque()
        self.evicted_written: float | None = None  # when the newest batch that left memory was written
        self.refreshed: float | None = None
        self._serial = count()
        self._bands: dict[str, list[int]] = {}  # lists, not deques: most band keys have one entry
        self._keys: dict[str, list[int]] = {}
        self._signatures: dict[int, IndexedSignature] = {}
        self._stories: dict[int, StoryCandidate] = {}
        self._story_ids: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._stories)

    @property
    def horizon(self) -> datetime | None:
        """Articles ingested before this are looked up in the index, the others here; None: all in the index."""
        return self.batches[0].ingested_at if self.batches else None

    def holds(self, doc_id: str) -> bool:
        return doc_id in self._story_ids

    def add(self, ingested_at: datetime, signatures: Iterable[IndexedSignature],
            stories: Iterable[StoryCandidate]) -> None:
        """A batch after its bulk request: only the documents that were written (the flow filters out failures)."""
        if self.capacity <= 0:  # no memory: the batch must be found in the index, so refreshed first
            self.evicted_written = time.monotonic()
            return
        signed = tuple((next(self._serial), item) for item in signatures)
        slim = tuple((next(self._serial), _slim(story)) for story in stories)
        for serial, item in signed:
            self._signatures[serial] = item
            for band in item.signature.bands:
                self._bands.setdefault(band, []).append(serial)
        for serial, story in slim:
            self._stories[serial] = story
            self._story_ids[story.doc_id] = serial
            for key in story.keys:
                self._keys.setdefault(key, []).append(serial)
        self.batches.append(RecentBatch(ingested_at, time.monotonic(), signed, slim))
        while len(self) > self.capacity and len(self.batches) > 1:
            self._evict(self.batches.popleft())

    def _evict(self, batch: RecentBatch) -> None:
        """The batch's entries are the oldest in every posting they are in: they leave from the left."""
        for serial, item in batch.signatures:
            del self._signatures[serial]
            for band in item.signature.bands:
                _pop_left(self._bands, band, serial)
        for serial, story in batch.stories:
            del self._stories[serial]
            self._story_ids.pop(story.doc_id, None)
            for key in story.keys:
                _pop_left(self._keys, key, serial)
        self.evicted_written = batch.written

    def near_pool(self, batch: Sequence[tuple[str, NearSignature]]) -> list[IndexedSignature]:
        """Held signatures sharing a band key with the batch, oldest first (canonicals are the earliest)."""
        found = {serial for _, sig in batch for band in sig.bands for serial in self._bands.get(band, ())}
        return [self._signatures[serial] for serial in sorted(found)]

    def story_pool(self, batch: Sequence[StoryCandidate], also: Collection[str] = ()) -> list[StoryCandidate]:
        """For each article the held candidates it is nearest to (as the index lookup returns its best hits), plus
        the held canonicals ``also`` (a near-duplicate takes its canonical's story), oldest first."""
        found = {self._story_ids[doc_id] for doc_id in also if doc_id in self._story_ids}
        for candidate in batch:
            found.update(nearest(candidate.keys, self._keys, len(self._stories)))
        return [self._stories[serial] for serial in sorted(found)]

    def index_filter(self) -> list[dict[str, object]]:
        """The filter that keeps index lookups to what memory does not hold: every document but those of the held
        batches (a batch's documents share its ``ingested_at``; the index keeps milliseconds, so another run's batch
        written in the same millisecond is missed: not linked, never linked wrongly)."""
        instants = sorted({batch.ingested_at.isoformat() for batch in self.batches})
        return [{"bool": {"must_not": [{"terms": {"ingested_at": instants}}]}}] if instants else []

    def index_has_older(self, client: Elasticsearch, index: str) -> bool:
        """Whether the index holds anything memory does not: when not, both lookups skip the index entirely.
        Refreshes first if a batch that left memory may not be searchable yet, or, sharing the index with other
        runs, if the last refresh is older than ``refresh_every``."""
        now = time.monotonic()
        last = self.refreshed
        evicted = self.evicted_written is not None and (last is None or last < self.evicted_written)
        shared = self.refresh_every is not None and (last is None or now - last >= self.refresh_every)
        if evicted or shared:
            self.refreshed = now
            client.indices.refresh(index=index)
        query: dict[str, object] = {"bool": {"filter": self.index_filter()}}
        found = client.search(index=index, size=0, terminate_after=1, track_total_hits=True, query=query)
        return bool(found["hits"]["total"]["value"])


def _pop_left(postings: dict[str, list[int]], key: str, serial: int) -> None:
    entries = postings[key]
    if entries[0] == serial:
        del entries[0]
    else:  # the same key twice in one article's keys cannot happen (they are sets); stay correct regardless
        entries.remove(serial)
    if not entries:
        del postings[key]


def _slim(story: StoryCandidate) -> StoryCandidate:
    """What is held per article: no counts (only needed for writing ``story_terms``), and words and names interned,
    since thousands of held articles share most of them."""
    return replace(story, counts={}, terms={sys.intern(k): w for k, w in story.terms.items()},
                   entities={sys.intern(k): w for k, w in story.entities.items()})
