"""Stories across runs: candidates from the index by shared salient entities and terms within the time window,
then the pure scoring of ``transforms.dedup.stories``. ``story_id`` is stored, so new articles join old stories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from elasticsearch import Elasticsearch

from transforms.dedup.stories import STORY_WINDOW, StoryCandidate, assign_batch, candidate_from_source

SOURCE_FIELDS = ["title", "body", "language", "entity_details", "published_at", "ingested_at", "story_id"]
HITS_PER_ARTICLE = 5


def window_filter(candidate: StoryCandidate) -> dict[str, Any]:
    """Publication date when the indexed article has one, else its ingestion date: the same rule as the batch's."""
    bounds = {"gte": (candidate.time - STORY_WINDOW).isoformat(), "lte": (candidate.time + STORY_WINDOW).isoformat()}
    return {"bool": {"minimum_should_match": 1, "should": [
        {"range": {"published_at": bounds}},
        {"bool": {"must_not": [{"exists": {"field": "published_at"}}], "filter": [{"range": {"ingested_at": bounds}}]}},
    ]}}


def candidate_query(candidate: StoryCandidate) -> dict[str, Any]:
    """Ranked by BM25, so entities and words that many indexed articles share count little in the ranking. The
    article's own previous version (re-enrichment) is wanted: it keeps its story."""
    should: list[dict[str, Any]] = [{"term": {"entity_names": name}} for name in candidate.query_entities()]
    if terms := candidate.query_terms():
        should.append({"match": {"body.std": {"query": " ".join(terms)}}})
    return {"size": HITS_PER_ARTICLE, "_source": SOURCE_FIELDS, "query": {"bool": {
        "filter": [window_filter(candidate)], "should": should, "minimum_should_match": 1}}}


def fetch_candidates(client: Elasticsearch, alias: str, batch: Sequence[StoryCandidate],
                     also: Sequence[str] = ()) -> list[StoryCandidate]:
    """One msearch for the batch (plus an mget of ``also``: canonicals of near-duplicates), deduplicated."""
    searches: list[dict[str, Any]] = []
    for candidate in batch:
        if candidate.entities or candidate.terms:
            searches += [{"index": alias}, candidate_query(candidate)]
    hits: dict[str, Mapping[str, Any]] = {}
    if searches:
        for response in client.msearch(searches=searches)["responses"]:
            if "error" in response:
                raise RuntimeError(f"story candidate search failed: {response['error']}")
            hits.update((hit["_id"], hit["_source"]) for hit in response["hits"]["hits"])
    missing = sorted(set(also) - hits.keys())
    if missing:
        found = client.mget(index=alias, ids=missing, source_includes=SOURCE_FIELDS)["docs"]
        hits.update((doc["_id"], doc["_source"]) for doc in found if doc.get("found"))
    return [candidate_from_source(doc_id, source) for doc_id, source in sorted(hits.items())]


def assign_stories(client: Elasticsearch, alias: str, batch: Sequence[StoryCandidate],
                   near: Mapping[str, str] | None = None) -> dict[str, str]:
    """doc id → story id for every article of the batch (its own id when it starts a story).

    ``near`` (doc id → canonical id, from ``find_near_duplicates``) puts a near-duplicate in its canonical's story.
    The index must be refreshed after the previous batch was loaded."""
    if not batch:
        return {}
    indexed = fetch_candidates(client, alias, batch, sorted(set((near or {}).values())))
    return assign_batch(batch, indexed, near)
