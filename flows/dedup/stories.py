"""Stories across runs: candidates from the index by shared salient entities and terms within the time window,
then the pure scoring of ``transforms.dedup.stories``. ``story_id`` is stored, so new articles join old stories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from elasticsearch import Elasticsearch

from flows.dedup.recent import RecentArticles
from flows.index.layout import get_docs
from transforms.dedup.stories import (
    MIN_SHARED_KEYS,
    STORY_WINDOW,
    StoryCandidate,
    assign_batch,
    candidate_from_source,
    story_keys,
)

SOURCE_FIELDS = ["story_terms", "entity_details", "published_at", "ingested_at", "story_id"]
HITS_PER_ARTICLE = 5


def window_filter(candidate: StoryCandidate) -> dict[str, Any]:
    """Publication date when the indexed article has one, else its ingestion date: the same rule as the batch's."""
    bounds = {"gte": (candidate.time - STORY_WINDOW).isoformat(), "lte": (candidate.time + STORY_WINDOW).isoformat()}
    return {"bool": {"minimum_should_match": 1, "should": [
        {"range": {"published_at": bounds}},
        {"bool": {"must_not": [{"exists": {"field": "published_at"}}], "filter": [{"range": {"ingested_at": bounds}}]}},
    ]}}


def candidate_query(candidate: StoryCandidate, filters: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Indexed articles sharing at least ``MIN_SHARED_KEYS`` blocking keys (salient entities and content words,
    the ``story_keys`` field), ranked by BM25 so that keys many articles share count little. A term query on a
    small keyword field, not a match over the body: this runs for every new article."""
    should = [{"term": {"story_keys": key}} for key in story_keys(candidate)]
    return {"size": HITS_PER_ARTICLE, "_source": SOURCE_FIELDS, "query": {"bool": {
        "filter": [window_filter(candidate), *filters], "should": should, "minimum_should_match": MIN_SHARED_KEYS}}}


def fetch_candidates(client: Elasticsearch, alias: str, batch: Sequence[StoryCandidate],
                     also: Sequence[str] = (), filters: Sequence[Mapping[str, Any]] = ()) -> list[StoryCandidate]:
    """One msearch for the articles of the batch that need a story, plus an mget of ``also`` (canonicals of
    near-duplicates, whose story those take), deduplicated. Hits carry ``story_terms``, not the body."""
    searches: list[dict[str, Any]] = []
    for candidate in batch:
        if len(story_keys(candidate)) >= MIN_SHARED_KEYS:
            searches += [{"index": alias}, candidate_query(candidate, filters)]
    hits: dict[str, Mapping[str, Any]] = {}
    if searches:
        for response in client.msearch(searches=searches)["responses"]:
            if "error" in response:
                raise RuntimeError(f"story candidate search failed: {response['error']}")
            hits.update((hit["_id"], hit["_source"]) for hit in response["hits"]["hits"])
    missing = sorted(set(also) - hits.keys())
    if missing:
        hits.update((doc["_id"], doc["_source"]) for doc in get_docs(client, alias, missing, SOURCE_FIELDS))
    rebuilt = (candidate_from_source(doc_id, source) for doc_id, source in sorted(hits.items()))
    return [candidate for candidate in rebuilt if candidate is not None]


def assign_stories(client: Elasticsearch | None, alias: str, batch: Sequence[StoryCandidate],
                   near: Mapping[str, str] | None = None, recent: RecentArticles | None = None) -> dict[str, str]:
    """doc id → story id for every article of the batch (its own id when it starts a story).

    ``near`` (doc id → canonical id, from ``find_near_duplicates``) puts a near-duplicate in its canonical's story;
    ``recent`` is the run's memory of its latest articles: they are looked up there, the index only for the rest
    (``client`` None: the index holds nothing else). What the index is asked must be searchable: refreshed since it
    was written."""
    if not batch:
        return {}
    near = near or {}
    pool = recent.story_pool(batch, set(near.values())) if recent is not None else []
    held = {candidate.doc_id for candidate in pool}
    searching = [candidate for candidate in batch if candidate.doc_id not in near]
    canonicals = sorted(c for c in set(near.values()) if recent is None or not recent.holds(c))
    filters = recent.index_filter() if recent is not None else []
    indexed = fetch_candidates(client, alias, searching, canonicals, filters) if client is not None else []
    return assign_batch(batch, [*(c for c in indexed if c.doc_id not in held), *pool], near)
