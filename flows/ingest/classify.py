"""Before any NLP: which cleaned articles are unchanged, duplicates, or new/changed (and must be enriched).

The state is the index itself (ids, content hashes, pipeline versions, origins), so a new machine pointed at the
same cluster makes the same decisions; nothing lives in a local file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from elasticsearch import Elasticsearch

from transforms.dedup.identity import article_id
from transforms.models import CleanArticle

Verdict = Literal["enrich", "unchanged", "duplicate"]
SOURCE_FIELDS = ["content_hash", "lineage.pipeline_version", "origin.key", "duplicates", "near_duplicates"]
# Recorded on a document by other inputs; kept when the document itself is written again.
CARRIED_FIELDS = ("duplicates", "near_duplicates")


@dataclass
class Decision:
    article: CleanArticle
    doc_id: str
    verdict: Verdict
    replaces: list[str] = field(default_factory=list)  # ids of this origin's outdated documents
    carried: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunMemory:
    """What this run has already seen: the first origin per id, so later copies are duplicates of it."""

    first_origin: dict[str, str] = field(default_factory=dict)
    kept_by_hash: dict[str, str] = field(default_factory=dict)
    source_hashes: dict[str, str] = field(default_factory=dict)  # input label → hash of the input as read
    duplicates: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    def remember_duplicate(self, kept_id: str, article: CleanArticle) -> None:
        self.duplicates.setdefault(kept_id, []).append((article.origin.label(), article.url))


def fetch_existing(client: Elasticsearch, alias: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    found = client.mget(index=alias, ids=list(dict.fromkeys(ids)), source_includes=SOURCE_FIELDS)
    return {doc["_id"]: doc["_source"] for doc in found["docs"] if doc.get("found")}


def ids_by_origin(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle]) -> dict[str, list[str]]:
    """Documents previously indexed from the same inputs: when an input's text changed, its id (a content hash)
    changed too, and the old document must go."""
    keys = sorted({a.origin.label() for a in articles})
    response = client.search(index=alias, size=len(keys) * 4, source_includes=["origin.key"],
                             query={"terms": {"origin.key": keys}})
    found: dict[str, list[str]] = {}
    for hit in response["hits"]["hits"]:
        found.setdefault(hit["_source"]["origin"]["key"], []).append(hit["_id"])
    return found


def ids_by_hash(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle]) -> dict[str, str]:
    """The same text under another id (another URL): an exact copy all the same."""
    hashes = sorted({a.content_hash for a in articles})
    response = client.search(index=alias, size=len(hashes) * 2, source_includes=["content_hash"],
                             query={"terms": {"content_hash": hashes}}, sort=[{"ingested_at": "asc"}])
    found: dict[str, str] = {}
    for hit in response["hits"]["hits"]:
        found.setdefault(hit["_source"]["content_hash"], hit["_id"])
    return found


def input_key(label: str, source_hash: str) -> str:
    return f"{label}|{source_hash}"


def known_inputs(client: Elasticsearch, index: str, hashes: dict[str, str],
                 version: str) -> tuple[set[str], set[str]]:
    """Inputs seen before exactly as they are now, found before any cleaning: (unchanged: the input's own document
    was built from it by this pipeline version; duplicates: it is recorded as a copy on a kept document)."""
    if not hashes:
        return set(), set()
    keys = [input_key(label, h) for label, h in hashes.items()]
    query = {"bool": {"should": [{"terms": {"origin.key": sorted(hashes)}}, {"terms": {"duplicates.inputs": keys}}]}}
    hits = scan_hits(client, index, query)
    unchanged, copies = set(), set()
    for source in hits:
        key = source["origin"]["key"]
        if source.get("source_hash") == hashes.get(key) and source["lineage"]["pipeline_version"] == version:
            unchanged.add(key)
        recorded = set(source.get("duplicates", {}).get("inputs", []))
        copies |= {label for label, h in hashes.items() if input_key(label, h) in recorded}
    return unchanged, copies - unchanged


def scan_hits(client: Elasticsearch, index: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    fields = ["origin.key", "source_hash", "lineage.pipeline_version", "duplicates.inputs"]
    response = client.search(index=index, size=10_000, source_includes=fields, query=query)
    return [hit["_source"] for hit in response["hits"]["hits"]]


def origin_label(source: dict[str, Any]) -> str:
    return str(source.get("origin", {}).get("key", ""))


def decide(article: CleanArticle, doc_id: str, existing: dict[str, Any] | None, version: str,
           memory: RunMemory, same_text_as: str | None = None) -> Decision:
    label = article.origin.label()
    kept = memory.kept_by_hash.setdefault(article.content_hash, same_text_as or doc_id)
    if kept != doc_id:
        memory.remember_duplicate(kept, article)
        return Decision(article, doc_id, "duplicate")
    first = memory.first_origin.setdefault(doc_id, label)
    if first != label:
        memory.remember_duplicate(doc_id, article)
        return Decision(article, doc_id, "duplicate")
    if existing is None:
        return Decision(article, doc_id, "enrich")
    owner = origin_label(existing)
    if owner != label and existing.get("content_hash") == article.content_hash:
        memory.first_origin[doc_id] = owner
        memory.remember_duplicate(doc_id, article)
        return Decision(article, doc_id, "duplicate")
    same_text = existing.get("content_hash") == article.content_hash
    same_version = existing.get("lineage", {}).get("pipeline_version") == version
    if same_text and same_version:
        return Decision(article, doc_id, "unchanged")
    return Decision(article, doc_id, "enrich", carried={k: existing[k] for k in CARRIED_FIELDS if k in existing})


def classify(client: Elasticsearch, alias: str, articles: Sequence[CleanArticle], version: str,
             memory: RunMemory) -> list[Decision]:
    ids = [article_id(a) for a in articles]
    existing = fetch_existing(client, alias, ids)
    previous = ids_by_origin(client, alias, articles)
    same_text = ids_by_hash(client, alias, articles)
    decisions = []
    for article, doc_id in zip(articles, ids, strict=True):
        decision = decide(article, doc_id, existing.get(doc_id), version, memory, same_text.get(article.content_hash))
        if decision.verdict == "enrich":
            decision.replaces = [old for old in previous.get(article.origin.label(), []) if old != doc_id]
        decisions.append(decision)
    return decisions
