"""Near-duplicates and stories for one batch, looked up against everything indexed before.

Runs in the indexing thread, beside the next batch's NLP. Signatures and story features are pure
(``transforms/dedup``); this module asks the run's memory of its latest batches and, for anything older, the index,
and assembles the fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from flows.dedup.near import find_near_duplicates
from flows.dedup.recent import RecentArticles
from flows.dedup.stories import assign_stories
from flows.ingest.classify import Decision
from transforms.dedup.near import IndexedSignature, NearSignature, signature
from transforms.dedup.stories import StoryCandidate, candidate_from_article, story_keys, story_terms
from transforms.errors import Failure, RejectedArticle
from transforms.models import EnrichedArticle


@dataclass
class DedupFields:
    """Extra document fields per doc id, the near-duplicate links, inputs that could not be signed, and what the
    run's memory keeps of the batch once it is written."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    near: dict[str, str] = field(default_factory=dict)
    failed: list[Failure] = field(default_factory=list)
    signatures: list[IndexedSignature] = field(default_factory=list)
    stories: list[StoryCandidate] = field(default_factory=list)

    def remember(self, recent: RecentArticles, ingested_at: datetime, written: set[str]) -> None:
        recent.add(ingested_at, [s for s in self.signatures if s.doc_id in written],
                   [c for c in self.stories if c.doc_id in written])


def signatures(decisions: Sequence[Decision], enriched: Mapping[str, EnrichedArticle],
               result: DedupFields) -> list[tuple[str, NearSignature, EnrichedArticle]]:
    signed = []
    for decision in decisions:
        article = enriched.get(decision.article.origin.label())
        if decision.verdict != "enrich" or article is None:
            continue
        try:
            signed.append((decision.doc_id, signature(article.body), article))
        except RejectedArticle as exc:
            result.failed.append(exc.failure(article.origin))
    return signed


def dedup_batch(client: Elasticsearch, index: str, decisions: Sequence[Decision],
                enriched: Mapping[str, EnrichedArticle], ingested_at: datetime,
                recent: RecentArticles) -> DedupFields:
    """Near-duplicates and stories of a batch, against the run's memory (``recent``) and the index beyond it."""
    result = DedupFields()
    signed = signatures(decisions, enriched, result)
    if not signed:
        return result
    asked = client if recent.index_has_older(client, index) else None  # None: memory holds all there is
    replaced = {old for d in decisions for old in d.replaces}
    batch = [(doc_id, sig) for doc_id, sig, _ in signed]
    result.near = find_near_duplicates(asked, index, batch, exclude=replaced, recent=recent.near_pool(batch),
                                       filters=recent.index_filter())
    candidates = [candidate_from_article(article, doc_id, ingested_at) for doc_id, _, article in signed]
    stories = assign_stories(asked, index, candidates, result.near, recent)
    for (doc_id, sig, _), candidate in zip(signed, candidates, strict=True):
        result.fields[doc_id] = {"minhash": sig.minhash, "lsh_bands": list(sig.bands), "story_id": stories[doc_id],
                                 "story_keys": story_keys(candidate), "story_terms": story_terms(candidate),
                                 "duplicate_of": result.near.get(doc_id)}
        result.signatures.append(IndexedSignature(doc_id, sig, result.near.get(doc_id)))
        result.stories.append(replace(candidate, story_id=stories[doc_id]))
    return result
