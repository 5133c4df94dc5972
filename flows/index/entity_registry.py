"""The entity registry index (``<alias>-entities``): what every run and machine reads before it names a batch's
entities, and writes after.

A batch's entities are looked up (``mget`` of its keys, which is real-time, and a search of full names by the
batch's short forms, which sees entries refreshed within the registry's refresh interval, 1 s by default), the
pure ``registry_update`` decides, the changed entries are written with optimistic concurrency (``if_seq_no``: two
partitions writing one entry at once cannot lose each other's votes; the loser decides again), and the older
documents whose names changed are updated in bulk, their NLP untouched.

The local node has no scripting (no painless), so counts are read, added and written back, not incremented.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from flows.es.setup import ensure_companion
from flows.index.bulk import bulk_load
from flows.index.document import entity_fields
from transforms.enrich.entities_index_registry import (
    EntityId,
    RegistryEntry,
    RegistryUpdate,
    entry_id,
    registry_update,
    renamed,
    wanted_lookups,
)
from transforms.models import EnrichedArticle, Entity, EntityType

ATTEMPTS = 4  # decisions of one batch raced by another writer of the same entries; the last one writes blind
MAX_FULL_NAMES = 10_000  # full names one batch's short forms may match (the index's result window)
FIELDS = ("type", "key", "name", "forms", "articles", "tails", "merged_into")


@dataclass
class Versioned:
    entry: RegistryEntry
    seq_no: int
    primary_term: int


@dataclass
class RegistryWrites:
    """What the registry did for a batch: the articles under its names, and the counts the report sums."""

    articles: dict[str, EnrichedArticle]
    entries_written: int = 0
    linked: int = 0
    documents_renamed: int = 0
    renames: dict[EntityId, tuple[str, str]] = field(default_factory=dict)


def registry_index(alias: str) -> str:
    return f"{alias}-entities"


def ensure_registry(client: Elasticsearch, alias: str, index_settings: Mapping[str, object] | None = None) -> list[str]:
    """The template and the index, like the dead-letter store's; returns what changed."""
    return ensure_companion(client, alias, "entities", registry_index(alias), index_settings)


def name_batch(client: Elasticsearch, alias: str, articles: Mapping[str, EnrichedArticle]) -> RegistryWrites:
    """The batch's articles under the registry's names, the registry updated, older documents renamed."""
    labels = [label for label, a in articles.items() if a.entities]
    per_article = [articles[label].entities for label in labels]
    result = RegistryWrites(articles=dict(articles))
    if not per_article:
        return result
    for attempt in range(ATTEMPTS):
        known = lookup(client, alias, per_article)
        update = registry_update(per_article, {eid: v.entry for eid, v in known.items()})
        if write_entries(client, alias, update.entries, known, blind=attempt == ATTEMPTS - 1):
            break
    for label, entities in zip(labels, update.articles, strict=True):
        result.articles[label] = articles[label].model_copy(update={"entities": entities})
    result.entries_written, result.linked, result.renames = len(update.entries), update.linked, update.renames
    return result


def lookup(client: Elasticsearch, alias: str, per_article: Sequence[Sequence[Entity]]) -> dict[EntityId, Versioned]:
    """The entries ``registry_update`` needs: the batch's keys, full names by the batch's short forms, and the
    targets of merged entries."""
    index = registry_index(alias)
    ids, shorts = wanted_lookups(per_article)
    found = fetch(client, index, [entry_id(t, k) for t, k in sorted(ids)])
    if shorts:  # full names by tail, any type (a type's short forms are few): the caller keeps its own types
        query = {"terms": {"tails": sorted({form for _, form in shorts})}}
        hits = client.search(index=index, query=query, size=MAX_FULL_NAMES, seq_no_primary_term=True,
                             source_includes=list(FIELDS))["hits"]["hits"]
        for eid, entry in map(versioned, hits):
            if any((eid[0], tail) in shorts for tail in entry.entry.tails):
                found[eid] = entry
    targets = {entry_id(v.entry.type, v.entry.merged_into) for v in found.values() if v.entry.merged_into}
    found.update(fetch(client, index, sorted(targets - {entry_id(t, k) for t, k in found})))
    return found


def fetch(client: Elasticsearch, index: str, ids: list[str]) -> dict[EntityId, Versioned]:
    if not ids:
        return {}
    docs = client.mget(index=index, ids=ids, source_includes=list(FIELDS))["docs"]
    return dict(versioned(doc) for doc in docs if doc.get("found"))


def versioned(hit: Mapping[str, Any]) -> tuple[EntityId, Versioned]:
    entry = RegistryEntry(**{k: hit["_source"][k] for k in FIELDS if k in hit["_source"]})
    return (entry.type, entry.key), Versioned(entry, int(hit["_seq_no"]), int(hit["_primary_term"]))


def write_entries(client: Elasticsearch, alias: str, entries: Iterable[RegistryEntry],
                  known: Mapping[EntityId, Versioned], blind: bool) -> bool:
    """Writes the entries, each conditional on the version read (or on being new); False when another writer
    changed one meanwhile, so the batch decides again from what is there now."""
    index, now = registry_index(alias), datetime.now(UTC).isoformat()
    actions = []
    for entry in entries:
        action: dict[str, Any] = {"_op_type": "index", "_index": index, "_id": entry_id(entry.type, entry.key),
                                  "_source": {**entry.model_dump(), "updated_at": now}}
        seen = known.get((entry.type, entry.key))
        if not blind and seen is not None:
            action.update(if_seq_no=seen.seq_no, if_primary_term=seen.primary_term)
        elif not blind:
            action["_op_type"] = "create"
        actions.append(action)
    items = list(bulk_load(client, actions))
    refused = [item for item in items if not item.ok and item.status != 409]
    if refused:
        raise RuntimeError(f"could not write to the entity registry {index}: {refused[0].error}")
    return all(item.ok for item in items)


def rename_documents(client: Elasticsearch, index: str, renames: Mapping[EntityId, tuple[str, str]]) -> int:
    """Older documents that carry a renamed or merged entity take the new name, in bulk; returns how many."""
    if not renames:
        return 0
    keys = [f"{etype}|{key}" for etype, key in sorted(renames)]
    updated = 0
    for start in range(0, len(keys), 500):
        actions = rename_actions(client, index, keys[start:start + 500], renames)
        updated += sum(1 for item in bulk_load(client, actions) if item.ok)
    return updated


def rename_actions(client: Elasticsearch, index: str, keys: list[str],
                   renames: Mapping[EntityId, tuple[str, str]]) -> Iterator[dict[str, Any]]:
    hits = scan(client, index=index, query={"query": {"terms": {"entity_keys": keys}}},
                _source_includes=["entity_details"])
    for hit in hits:
        entities = [Entity(**detail) for detail in hit["_source"].get("entity_details") or []]
        changed = renamed(entities, renames)
        if changed != entities:
            yield {"_op_type": "update", "_index": hit["_index"], "_id": hit["_id"], "doc": entity_fields(changed)}


def registry_entries(client: Elasticsearch, alias: str, etype: EntityType | None = None) -> list[RegistryEntry]:
    """Every entry (or those of one type), most articles first: what `newsindex entities` shows."""
    query = {"term": {"type": etype}} if etype else {"match_all": {}}
    hits = scan(client, index=registry_index(alias), query={"query": query}, _source_includes=list(FIELDS))
    entries = [RegistryEntry(**hit["_source"]) for hit in hits]
    return sorted(entries, key=lambda e: (-e.articles, e.type, e.key))


__all__ = ["RegistryUpdate", "RegistryWrites", "ensure_registry", "name_batch", "registry_entries",
           "registry_index", "rename_documents"]
