"""What a batch writes: index actions for enriched articles, deletions of outdated versions, and the
bookkeeping of exact duplicates on the documents that were kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from flows.index.document import to_document
from flows.index.layout import get_docs, layout, month_of
from flows.ingest.classify import COPY_GIVEN, Copy, Decision, RunMemory, input_key
from transforms.models import EnrichedArticle, Origin


def index_actions(
    alias: str, decisions: list[Decision], enriched: Mapping[str, EnrichedArticle],
    extra: Mapping[str, dict[str, Any]], ingested_at: datetime,
) -> tuple[list[dict[str, Any]], dict[str, Origin]]:
    """Index actions in input order, plus deletes of documents an input produced before its text changed (into other
    text, or into a copy of another input: the copy's text lives on in the kept document).

    ``extra`` holds the dedup fields per id; what earlier runs recorded on a document (its copies and
    near-duplicates) is carried over when the document is written again."""
    actions: list[dict[str, Any]] = []
    origins: dict[str, Origin] = {}
    for decision in decisions:
        actions += [{"_op_type": "delete", "_index": alias, "_id": old} for old in decision.replaces]
        article = enriched.get(decision.article.origin.label())
        if decision.verdict != "enrich" or article is None:
            continue
        origins[decision.doc_id] = article.origin
        document = to_document(article, decision.doc_id, ingested_at, first_seen_at=decision.first_seen_at)
        source = {**document, **extra.get(decision.doc_id, {}), **decision.carried}
        actions.append({"_op_type": "index", "_index": alias, "_id": decision.doc_id, "_source": source})
    return actions, origins


MERGED_FIELDS = ["duplicates", *COPY_GIVEN]


def duplicate_updates(client: Elasticsearch, alias: str, memory: RunMemory) -> list[dict[str, Any]]:
    """Partial updates (no scripts: the local node has no painless) merging this run's copies into the kept
    document: its ``duplicates`` (read first, so that copies recorded by earlier runs are kept), and what a richer
    copy adds. A feed record that arrives after the same text came as a bare file gives the document its URL,
    source, publication date (and so its ``date``), authors and title where the document has none; every copy's
    URL is kept."""
    if not memory.duplicates:
        return []
    lay = layout(client, alias)
    actions = []
    moving: dict[str, dict[str, Any]] = {}
    for doc in get_docs(client, alias, list(memory.duplicates), MERGED_FIELDS):
        update = merged_fields(doc["_source"], memory.duplicates[doc["_id"]], memory.source_hashes)
        if lay.monthly and "date" in update and not doc["_index"].endswith(f"-{month_of(update)}"):
            moving[doc["_id"]] = update  # a new date in another month: the document moves there
        elif update:
            actions.append({"_op_type": "update", "_index": doc["_index"], "_id": doc["_id"], "doc": update})
    # The whole document is written to its new month (``place`` deletes the old copy once it is written).
    actions += [{"_op_type": "index", "_index": alias, "_id": doc["_id"], "_source": {**doc["_source"],
                                                                                      **moving[doc["_id"]]}}
                for doc in get_docs(client, alias, list(moving))]
    return actions


def merged_fields(current: dict[str, Any], copies: list[Copy], source_hashes: Mapping[str, str]) -> dict[str, Any]:
    recorded = current.get("duplicates", {})
    paths = set(recorded.get("paths", [])) | {copy.label for copy in copies}
    urls = set(recorded.get("urls", [])) | {copy.url for copy in copies if copy.url}
    inputs = set(recorded.get("inputs", [])) | {
        input_key(copy.label, source_hashes[copy.label]) for copy in copies if copy.label in source_hashes}
    merged = {"paths": sorted(paths), "urls": sorted(urls - {current.get("url")}), "count": len(paths),
              "inputs": sorted(inputs)}
    update: dict[str, Any] = {"duplicates": merged} if merged != recorded else {}
    for copy in copies:  # in the order the copies were read: the first copy that has a field gives it
        filled = {**current, **update}
        for name, value in (("url", copy.url), ("source", copy.source), ("title", copy.title)):
            if value and not filled.get(name):
                update[name] = value
        if copy.authors and not filled.get("authors"):
            update["authors"] = list(copy.authors)
        if copy.published_at and not filled.get("published_at"):
            update["published_at"] = copy.published_at.isoformat()
            update["published_at_source"] = copy.published_at_source
            update["date"], update["date_source"] = update["published_at"], "published"  # no longer first-seen
    if "url" in update:  # the URL the document now answers to is not also one of its copies'
        update.setdefault("duplicates", merged)["urls"] = sorted(urls - {update["url"]})
    return update
