"""What a batch writes: index actions for enriched articles, deletions of outdated versions, and the
bookkeeping of exact duplicates on the documents that were kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from flows.index.document import to_document
from flows.ingest.classify import Decision, RunMemory, input_key
from transforms.models import EnrichedArticle, Origin


def index_actions(
    alias: str, decisions: list[Decision], enriched: Mapping[str, EnrichedArticle],
    extra: Mapping[str, dict[str, Any]], ingested_at: datetime,
) -> tuple[list[dict[str, Any]], dict[str, Origin]]:
    """Index actions in input order, plus deletes of documents an input produced before its text changed.

    ``extra`` holds the dedup fields per id; what earlier runs recorded on a document (its copies and
    near-duplicates) is carried over when the document is written again."""
    actions: list[dict[str, Any]] = []
    origins: dict[str, Origin] = {}
    for decision in decisions:
        article = enriched.get(decision.article.origin.label())
        if decision.verdict != "enrich" or article is None:
            continue
        origins[decision.doc_id] = article.origin
        source = {**to_document(article, decision.doc_id, ingested_at), **extra.get(decision.doc_id, {}),
                  **decision.carried}
        actions.append({"_op_type": "index", "_index": alias, "_id": decision.doc_id, "_source": source})
        actions += [{"_op_type": "delete", "_index": alias, "_id": old} for old in decision.replaces]
    return actions, origins


def duplicate_updates(client: Elasticsearch, alias: str, memory: RunMemory) -> list[dict[str, Any]]:
    """Partial updates (no scripts: the local node has no painless) merging this run's copies into the kept
    document's ``duplicates``, read first so that copies recorded by earlier runs are kept."""
    if not memory.duplicates:
        return []
    found = client.mget(index=alias, ids=list(memory.duplicates), source_includes=["duplicates"])
    actions = []
    for doc in found["docs"]:
        if not doc.get("found"):
            continue
        current = doc["_source"].get("duplicates", {})
        copies = memory.duplicates[doc["_id"]]
        paths = set(current.get("paths", [])) | {label for label, _ in copies}
        urls = set(current.get("urls", [])) | {url for _, url in copies if url}
        inputs = set(current.get("inputs", [])) | {
            input_key(label, memory.source_hashes[label]) for label, _ in copies if label in memory.source_hashes}
        merged = {"paths": sorted(paths), "urls": sorted(urls), "count": len(paths), "inputs": sorted(inputs)}
        if merged != current:
            actions.append({"_op_type": "update", "_index": alias, "_id": doc["_id"], "doc": {"duplicates": merged}})
    return actions
