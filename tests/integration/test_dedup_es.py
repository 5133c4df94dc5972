"""Near-duplicates and stories across runs, against the real local node: index, refresh, look up a new batch."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.dedup.near import find_near_duplicates, near_duplicate_updates
from flows.dedup.stories import assign_stories
from flows.es.setup import setup
from flows.index.bulk import bulk_load
from flows.index.document import to_document
from tests.unit.test_dedup_near import republished
from tests.unit.test_stories_seeds import SEEDS, enriched
from transforms.dedup.near import signature
from transforms.dedup.stories import candidate_from_article, story_keys, story_terms
from transforms.models import EnrichedArticle

pytestmark = pytest.mark.integration
NOW = datetime(2024, 11, 1, tzinfo=UTC)


def document(article: EnrichedArticle, doc_id: str, **fields: Any) -> dict[str, Any]:
    """As the flow writes it: the document plus its signature and story features."""
    sig, story = signature(article.body), candidate_from_article(article, doc_id, NOW)
    return {**to_document(article, doc_id, NOW), "minhash": sig.minhash, "lsh_bands": list(sig.bands),
            "story_keys": story_keys(story), "story_terms": story_terms(story), **fields}


def load(es: Elasticsearch, alias: str, docs: dict[str, dict[str, Any]]) -> None:
    actions = [{"_op_type": "index", "_index": alias, "_id": doc_id, "_source": doc} for doc_id, doc in docs.items()]
    assert all(item.ok for item in bulk_load(es, actions))
    es.indices.refresh(index=alias)


def test_near_duplicates_are_found_across_runs_and_recorded_on_the_canonical(es: Elasticsearch,
                                                                              test_alias: str) -> None:
    setup(es, test_alias)
    seeds = enriched(SEEDS)
    load(es, test_alias, {f"seed-{i}": document(a, f"seed-{i}", story_id=f"seed-{i}") for i, a in enumerate(seeds)})
    _, copy = republished(seeds[1].body)
    batch = [("copy", signature(copy)), ("copy-again", signature(copy)), ("fresh", signature("Unrelated text " * 9)),
             ("seed-1", signature(seeds[1].body))]  # a re-enriched article must not find itself
    found = find_near_duplicates(es, test_alias, batch)
    assert found == {"copy": "seed-1", "copy-again": "seed-1"}
    updates = near_duplicate_updates(es, test_alias, found)
    assert all(item.ok for item in bulk_load(es, updates))
    es.indices.refresh(index=test_alias)
    assert es.get(index=test_alias, id="seed-1")["_source"]["near_duplicates"] == ["copy", "copy-again"]
    assert near_duplicate_updates(es, test_alias, found) == []  # idempotent


def test_new_seed_articles_join_the_indexed_story_and_unrelated_ones_do_not(es: Elasticsearch,
                                                                              test_alias: str) -> None:
    setup(es, test_alias)
    first, *rest = enriched(SEEDS)
    load(es, test_alias, {"seed-0": document(first, "seed-0", story_id="story-seeds")})
    batch = [candidate_from_article(a, f"seed-{i}", NOW) for i, a in enumerate(rest, start=1)]
    fresh = candidate_from_article(first.model_copy(update={"entities": [], "body": "Stock markets rallied on "
                                                            "strong retail earnings and lower bond yields."}),
                                   "markets", NOW)
    found = assign_stories(es, test_alias, [*batch, fresh])
    assert {found[c.doc_id] for c in batch} == {"story-seeds"}
    assert found["markets"] == "markets"


def test_a_near_duplicate_follows_its_canonicals_story_even_when_not_retrieved(es: Elasticsearch,
                                                                              test_alias: str) -> None:
    setup(es, test_alias)
    seeds = enriched(SEEDS)
    load(es, test_alias, {"seed-2": document(seeds[2], "seed-2", story_id="story-2")})
    lone = candidate_from_article(seeds[0].model_copy(update={"entities": [], "body": "Nothing alike at all here."}),
                                  "copy", NOW)
    assert assign_stories(es, test_alias, [lone], near={"copy": "seed-2"}) == {"copy": "story-2"}


def test_run_memory_keeps_the_latest_batches_and_the_index_answers_for_the_rest(es: Elasticsearch,
                                                                               test_alias: str) -> None:
    from datetime import timedelta

    from flows.dedup.recent import RecentArticles
    from transforms.dedup.near import IndexedSignature

    setup(es, test_alias)
    recent = RecentArticles(capacity=4)
    assert recent.horizon is None and not recent.index_has_older(es, test_alias)  # empty index: nothing to ask
    seeds = enriched(SEEDS)
    load(es, test_alias, {"seed-0": document(seeds[0], "seed-0", story_id="s")})
    assert recent.index_has_older(es, test_alias)  # an earlier run's document, outside memory
    batches = [NOW + timedelta(minutes=i) for i in range(3)]
    for i, moment in enumerate(batches):
        ids = [f"b{i}-{j}" for j in range(2)]
        recent.add(moment, [IndexedSignature(doc_id, signature(seeds[1].body)) for doc_id in ids],
                   [candidate_from_article(seeds[1], doc_id, moment) for doc_id in ids])
    assert recent.horizon == batches[1]  # the first batch left: 6 articles > 4, whole batches go, oldest first
    same = [("new", signature(seeds[1].body))]
    assert [s.doc_id for s in recent.near_pool(same)] == ["b1-0", "b1-1", "b2-0", "b2-1"]  # oldest first
    assert recent.near_pool([("other", signature(seeds[3].body))]) == []
    pool = recent.story_pool([candidate_from_article(seeds[2], "new", NOW)])
    assert {c.doc_id for c in pool} == {"b1-0", "b1-1", "b2-0", "b2-1"} and all(not c.counts for c in pool)
    assert not recent.holds("b0-0") and recent.holds("b2-1")
    held = sorted(moment.isoformat() for moment in batches[1:])  # the held batches, by their instants
    assert recent.index_filter() == [{"bool": {"must_not": [{"terms": {"ingested_at": held}}]}}]
