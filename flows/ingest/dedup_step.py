"""Near-duplicates and stories for one batch, looked up against everything indexed before.

Runs in the indexing thread, beside the next batch's NLP, because its cost is Elasticsearch round trips. Signatures
and story features are pure (``transforms/dedup``); this module only asks the index and assembles fields.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from flows.dedup.near import find_near_duplicates
from flows.dedup.stories import assign_stories
from flows.index.deadletters import DeadLetter
from flows.ingest.classify import Decision
from transforms.dedup.near import NearSignature, signature
from transforms.dedup.stories import candidate_from_article
from transforms.errors import RejectedArticle
from transforms.models import EnrichedArticle


@dataclass
class DedupFields:
    """Extra document fields per doc id, the near-duplicate links, and inputs that could not be signed."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    near: dict[str, str] = field(default_factory=dict)
    failed: list[DeadLetter] = field(default_factory=list)


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
            result.failed.append(DeadLetter(origin=article.origin, stage=exc.stage, reason=exc.reason,
                                            detail=exc.detail))
    return signed


def dedup_batch(client: Elasticsearch, index: str, decisions: Sequence[Decision],
                enriched: Mapping[str, EnrichedArticle], ingested_at: datetime) -> DedupFields:
    result = DedupFields()
    signed = signatures(decisions, enriched, result)
    if not signed:
        return result
    client.indices.refresh(index=index)  # the previous batch must be visible to both lookups
    replaced = {old for d in decisions for old in d.replaces}
    result.near = find_near_duplicates(client, index, [(i, s) for i, s, _ in signed], exclude=replaced)
    candidates = [candidate_from_article(article, doc_id, ingested_at) for doc_id, _, article in signed]
    stories = assign_stories(client, index, candidates, result.near)
    for doc_id, sig, _ in signed:
        result.fields[doc_id] = {"minhash": sig.minhash, "lsh_bands": list(sig.bands), "story_id": stories[doc_id],
                                 "duplicate_of": result.near.get(doc_id)}
    return result
