"""The entity registry index (``<alias>-entities``): what every run and machine reads before it names a batch's
entities, and writes after.

It holds two kinds of documents: one entry per (type, key) (forms with their votes, display name, tails, merge),
and one vote record per article document (``votes-<doc id>``: the name it showed for each entity when it was last
written). A batch reads (real-time ``mget``) the entries of its keys, the full names its short forms and its full
names' tails may mean (found by a scan of ``tails``, then read again by ``mget``, so no entry is ever decided from a
stale copy), and its documents' vote records; the pure ``registry_update`` decides; each entry's ``Change`` is
written conditionally on the version read (``if_seq_no``), and an entry another writer changed meanwhile is read
again and the same change applied to it, never the whole batch; the vote records are written last. A retried or
rebuilt batch therefore moves no vote, and a deleted document takes its votes back (``withdraw_votes``).

Older documents take a changed name at the end of the run (``Pipeline.finish``: after the refresh that makes the
run's own documents visible), with the names another partition changed meanwhile (``current_renames``).

The local node has no scripting (no painless), so counts are read, added and written back, not incremented.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import scan

from flows.es.setup import ensure_companion
from flows.index.bulk import bulk_load
from flows.index.document import entity_fields
from transforms.enrich.entities_index_registry import (
    Change,
    EntityId,
    RegistryEntry,
    RegistryUpdate,
    Votes,
    applied,
    entry_id,
    registry_update,
    renamed,
    renames_between,
    wanted_lookups,
)
from transforms.models import EnrichedArticle, Entity, EntityType

ATTEMPTS = 12  # rounds of re-reading entries another writer changed; past that the batch fails (and is retried)
TERMS_PER_QUERY = 10_000  # short forms per tail scan (index.max_terms_count is 65,536)
IDS_PER_MGET = 10_000
FIELDS = ("type", "key", "name", "forms", "articles", "tails", "merged_into")


class RegistryBusy(RuntimeError):
    """Entries changed by other writers through every attempt: the batch fails and its task is retried."""


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
    renames: dict[EntityId, tuple[str, str]] = field(default_factory=dict)
    shown: dict[EntityId, str] = field(default_factory=dict)  # the name the batch's documents show per entity


def registry_index(alias: str) -> str:
    return f"{alias}-entities"


def ensure_registry(client: Elasticsearch, alias: str, index_settings: Mapping[str, object] | None = None) -> list[str]:
    """The template and the index, like the dead-letter store's; returns what changed."""
    return ensure_companion(client, alias, "entities", registry_index(alias), index_settings)


def votes_id(doc_id: str) -> str:
    return f"votes-{doc_id}"


def name_batch(client: Elasticsearch, alias: str, articles: Mapping[str, EnrichedArticle],
               doc_ids: Mapping[str, str] | None = None) -> RegistryWrites:
    """The batch's articles under the registry's names, and the registry updated. ``doc_ids`` (label → document
    id; default: the label) key each document's vote record."""
    labels = list(articles)
    result = RegistryWrites(articles=dict(articles))
    ids = [(doc_ids or {}).get(label, label) for label in labels]
    previous = fetch_votes(client, alias, ids)
    if not any(articles[label].entities for label in labels) and not any(previous):
        return result
    per_article = [articles[label].entities for label in labels]
    known = lookup(client, alias, per_article, previous)
    update = registry_update(per_article, {eid: v.entry for eid, v in known.items()}, previous)
    result.renames = write_changes(client, alias, update, known)
    write_votes(client, alias, ids, update.votes)
    for label, entities in zip(labels, update.articles, strict=True):
        result.articles[label] = articles[label].model_copy(update={"entities": entities})
        result.shown.update({(e.type, e.key): e.name for e in entities})
    result.entries_written, result.linked = len(update.entries), update.linked
    return result


def withdraw_votes(client: Elasticsearch, alias: str, doc_ids: Sequence[str]) -> dict[EntityId, tuple[str, str]]:
    """Deleted documents take their votes back (their vote records go too); returns the renames that follow."""
    ids = list(dict.fromkeys(doc_ids))
    previous = fetch_votes(client, alias, ids)
    if not any(previous):
        return {}
    empty: list[list[Entity]] = [[] for _ in ids]
    known = lookup(client, alias, empty, previous)
    update = registry_update(empty, {eid: v.entry for eid, v in known.items()}, previous)
    renames = write_changes(client, alias, update, known)
    actions = [{"_op_type": "delete", "_index": registry_index(alias), "_id": votes_id(i)} for i in ids]
    refused = [item for item in bulk_load(client, actions) if not item.ok]
    if refused:
        raise RuntimeError(f"could not write to the entity registry {registry_index(alias)}: {refused[0].error}")
    return renames


def fetch_votes(client: Elasticsearch, alias: str, doc_ids: Sequence[str]) -> list[Votes | None]:
    found: dict[str, Votes] = {}
    for start in range(0, len(doc_ids), IDS_PER_MGET):
        chunk = [votes_id(i) for i in doc_ids[start:start + IDS_PER_MGET]]
        for doc in read_docs(client, registry_index(alias), chunk, ["votes"]):
            if doc.get("found"):
                found[doc["_id"]] = dict(parse_vote(v) for v in doc["_source"].get("votes") or [])
    return [found.get(votes_id(i)) for i in doc_ids]


def parse_vote(vote: str) -> tuple[EntityId, str]:
    """A vote as stored: a JSON [type, key, name] (keys and names may hold any character, "|" included)."""
    etype, key, name = json.loads(vote)
    return (etype, key), name


def write_votes(client: Elasticsearch, alias: str, doc_ids: Sequence[str], votes: Sequence[Votes]) -> None:
    index, now = registry_index(alias), datetime.now(UTC).isoformat()
    actions = [{"_op_type": "index", "_index": index, "_id": votes_id(doc_id),
                "_source": {"kind": "votes", "votes": sorted(json.dumps([t, k, n], ensure_ascii=False)
                                                  for (t, k), n in vote.items()),
                            "updated_at": now}}
               for doc_id, vote in zip(doc_ids, votes, strict=True)]
    refused = [item for item in bulk_load(client, actions) if not item.ok]
    if refused:
        raise RuntimeError(f"could not write to the entity registry {index}: {refused[0].error}")


def lookup(client: Elasticsearch, alias: str, per_article: Sequence[Sequence[Entity]],
           previous: Sequence[Votes | None] = ()) -> dict[EntityId, Versioned]:
    """The entries ``registry_update`` needs, every one read in real time: the batch's keys and those its documents
    voted for before, the full names found by tail, and the targets of merged entries."""
    index = registry_index(alias)
    ids, shorts = wanted_lookups(per_article)
    ids.update(eid for votes in previous if votes for eid in votes)
    wanted = {entry_id(t, k) for t, k in ids}
    forms = sorted({form for _, form in shorts})
    for start in range(0, len(forms), TERMS_PER_QUERY):  # full names by tail: which ids, not what they hold
        query = {"query": {"terms": {"tails": forms[start:start + TERMS_PER_QUERY]}}}
        hits = read_hits(client, index, query, ["type", "tails"])
        for hit in hits:
            if any((hit["_source"]["type"], tail) in shorts for tail in hit["_source"].get("tails") or []):
                wanted.add(hit["_id"])
    found = fetch(client, index, sorted(wanted))
    targets = {entry_id(v.entry.type, v.entry.merged_into) for v in found.values() if v.entry.merged_into}
    found.update(fetch(client, index, sorted(targets - {entry_id(t, k) for t, k in found})))
    return found


def fetch(client: Elasticsearch, index: str, ids: list[str]) -> dict[EntityId, Versioned]:
    found: dict[EntityId, Versioned] = {}
    for start in range(0, len(ids), IDS_PER_MGET):
        chunk = ids[start:start + IDS_PER_MGET]
        docs = read_docs(client, index, chunk, list(FIELDS))
        found.update(versioned(doc) for doc in docs if doc.get("found"))
    return found


def read_docs(client: Elasticsearch, index: str, ids: list[str], fields: list[str]) -> list[Any]:
    """An ``mget`` of the registry (see ``registry_read``)."""
    return registry_read(index, lambda: list(client.mget(index=index, ids=ids, source_includes=fields)["docs"]))


def read_hits(client: Elasticsearch, index: str, query: Mapping[str, Any], fields: list[str]) -> list[Any]:
    """A ``scan`` of the registry (see ``registry_read``)."""
    return registry_read(index, lambda: list(scan(client, index=index, query=query, _source_includes=fields)))


def registry_read(index: str, call: Callable[[], list[Any]]) -> list[Any]:
    """Nothing when the registry index is gone (the next write makes it again from its template); the registry
    named when it cannot be read (closed, no shard)."""
    try:
        return call()
    except NotFoundError as exc:
        if exc.error == "index_not_found_exception":
            return []
        raise
    except ApiError as exc:
        raise RuntimeError(f"could not read the entity registry {index}: {exc.error}") from exc


def versioned(hit: Mapping[str, Any]) -> tuple[EntityId, Versioned]:
    entry = RegistryEntry(**{k: hit["_source"][k] for k in FIELDS if k in hit["_source"]})
    return (entry.type, entry.key), Versioned(entry, int(hit["_seq_no"]), int(hit["_primary_term"]))


def write_changes(client: Elasticsearch, alias: str, update: RegistryUpdate,
                  known: Mapping[EntityId, Versioned]) -> dict[EntityId, tuple[str, str]]:
    """Writes each entry the batch changes, conditionally; an entry changed by another writer meanwhile is read
    again and the same change applied to it. Returns the renames, from the entries as they were before each write."""
    index = registry_index(alias)
    changes = {c.eid: c for c in update.changes}
    pending = {(e.type, e.key): e for e in update.entries}
    before = {eid: v.entry for eid, v in known.items()}
    seen, final = dict(known), {}
    for attempt in range(ATTEMPTS):
        conflicted = write_entries(client, alias, pending.values(), seen)
        final.update({eid: entry for eid, entry in pending.items() if eid not in conflicted})
        if not conflicted:
            return renames_between(before, final)
        time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
        seen.update(fetch(client, index, [entry_id(t, k) for t, k in sorted(conflicted)]))
        before.update({eid: seen[eid].entry for eid in conflicted if eid in seen})
        pending = {eid: entry for eid in conflicted
                   if (entry := applied(merged_change(changes[eid], pending[eid]), current(seen, eid))) is not None}
    raise RegistryBusy(f"entity registry {index}: {len(pending)} entries changed by other writers through "
                       f"{ATTEMPTS} attempts; the batch is retried")


def merged_change(change: Change, decided: RegistryEntry) -> Change:
    """A change as it applies again: a merge decided for the batch stays decided."""
    return Change(change.eid, change.votes, change.articles, change.merged_into or decided.merged_into)


def current(seen: Mapping[EntityId, Versioned], eid: EntityId) -> RegistryEntry | None:
    return seen[eid].entry if eid in seen else None


def write_entries(client: Elasticsearch, alias: str, entries: Iterable[RegistryEntry],
                  known: Mapping[EntityId, Versioned], blind: bool = False) -> set[EntityId]:
    """Writes the entries, each conditional on the version read (or on being new); returns those another writer
    changed (or created) meanwhile. ``blind`` writes unconditionally (for seeding a registry)."""
    index, now = registry_index(alias), datetime.now(UTC).isoformat()
    actions = []
    for entry in entries:
        action: dict[str, Any] = {"_op_type": "index", "_index": index, "_id": entry_id(entry.type, entry.key),
                                  "_source": {**entry.model_dump(), "kind": "entity", "updated_at": now}}
        seen = known.get((entry.type, entry.key))
        if not blind and seen is not None:
            action.update(if_seq_no=seen.seq_no, if_primary_term=seen.primary_term)
        elif not blind:
            action["_op_type"] = "create"
        actions.append(action)
    by_id = {a["_id"]: (a["_source"]["type"], a["_source"]["key"]) for a in actions}
    items = list(bulk_load(client, actions))
    refused = [item for item in items if not item.ok and item.status != 409]
    if refused:
        raise RuntimeError(f"could not write to the entity registry {index}: {refused[0].error}")
    return {by_id[item.doc_id] for item in items if not item.ok}


def current_renames(client: Elasticsearch, alias: str,
                    shown: Mapping[EntityId, str]) -> dict[EntityId, tuple[str, str]]:
    """Entities this run's documents show under a name the registry no longer gives them (another partition, or a
    later batch, changed it): the renames that bring them to the registry's name now."""
    index = registry_index(alias)
    entries = {eid: v.entry for eid, v in fetch(client, index, [entry_id(t, k) for t, k in sorted(shown)]).items()}
    targets = {entry_id(e.type, e.merged_into) for e in entries.values() if e.merged_into} - \
        {entry_id(t, k) for t, k in entries}
    entries.update({eid: v.entry for eid, v in fetch(client, index, sorted(targets)).items()})
    renames: dict[EntityId, tuple[str, str]] = {}
    for eid, name in shown.items():
        entry = entries.get(eid)
        target = entries.get((entry.type, entry.merged_into)) if entry and entry.merged_into else None
        if target is not None:
            renames[eid] = (target.key, target.name)
        elif entry is not None and entry.name != name:
            renames[eid] = (eid[1], entry.name)
    return renames


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
    query = {"bool": {"filter": [{"exists": {"field": "key"}}, *([{"term": {"type": etype}}] if etype else [])]}}
    hits = scan(client, index=registry_index(alias), query={"query": query}, _source_includes=list(FIELDS))
    entries = [RegistryEntry(**hit["_source"]) for hit in hits]
    return sorted(entries, key=lambda e: (-e.articles, e.type, e.key))


__all__ = ["RegistryBusy", "RegistryUpdate", "RegistryWrites", "current_renames", "ensure_registry", "name_batch",
           "registry_entries", "registry_index", "rename_documents", "withdraw_votes"]
