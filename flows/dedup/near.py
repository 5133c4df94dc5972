"""Near-duplicates across runs: one ``terms`` query on ``lsh_bands`` per batch, candidates verified locally.

Nothing is recomputed over the corpus: every indexed article keeps its ``minhash`` and ``lsh_bands``, so a new
batch only asks the index for the articles that share a band key with one of its own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from elasticsearch import Elasticsearch

from flows.index.layout import get_docs
from transforms.dedup.near import IndexedSignature, NearSignature, resolve_near_duplicates

SOURCE_FIELDS = ["minhash", "duplicate_of", "ingested_at"]
HITS_PER_ARTICLE = 20
MAX_HITS = 10_000  # index.max_result_window


def indexed_signature(hit: Mapping[str, Any]) -> IndexedSignature | None:
    """None for a document whose stored signature is missing or of another scheme: it cannot be compared."""
    source = hit.get("_source") or {}
    try:
        signature = NearSignature.from_minhash(source["minhash"])
    except (KeyError, TypeError, ValueError):
        return None
    return IndexedSignature(hit["_id"], signature, source.get("duplicate_of"))


def fetch_candidates(client: Elasticsearch, alias: str, batch: Sequence[tuple[str, NearSignature]],
                     exclude: Collection[str] = (),
                     filters: Sequence[Mapping[str, Any]] = ()) -> list[IndexedSignature]:
    """Indexed articles sharing a band key with the batch, earliest indexed first (ties go to them).

    The previous version of a re-enriched article stays a candidate for the others (it was there first) and is
    skipped for itself; ``exclude`` (the outdated versions the batch deletes) are not candidates at all;
    ``filters`` narrow the lookup to what the run's memory does not hold."""
    keys = sorted({key for _, signature in batch for key in signature.bands})
    skip = sorted(set(exclude))
    response = client.search(
        index=alias, size=min(MAX_HITS, HITS_PER_ARTICLE * len(batch)), source_includes=SOURCE_FIELDS,
        query={"bool": {"filter": [{"terms": {"lsh_bands": keys}}, *filters],
                        "must_not": [{"ids": {"values": skip}}]}},
        sort=[{"ingested_at": {"order": "asc", "unmapped_type": "date"}}, {"id": {"order": "asc"}}],
    )
    found = (indexed_signature(hit) for hit in response["hits"]["hits"])
    return [item for item in found if item is not None]


def find_near_duplicates(client: Elasticsearch | None, alias: str, batch: Sequence[tuple[str, NearSignature]],
                         exclude: Collection[str] = (), recent: Sequence[IndexedSignature] = (),
                         filters: Sequence[Mapping[str, Any]] = ()) -> dict[str, str]:
    """new doc id → id of the canonical article it near-duplicates (indexed, held in ``recent``: the run's memory,
    or earlier in this batch). ``client`` None: the index holds nothing the run's memory does not.

    What the index is asked must be searchable: refreshed since it was written."""
    if not batch:
        return {}
    indexed = fetch_candidates(client, alias, batch, exclude, filters) if client is not None else []
    return resolve_near_duplicates(batch, [*indexed, *recent])


def near_duplicate_updates(client: Elasticsearch, alias: str, links: Mapping[str, str]) -> list[dict[str, Any]]:
    """Partial updates adding each duplicate's id to its canonical's ``near_duplicates`` (read first, merged, so
    earlier runs' ids stay; no scripts: the local node has no painless). Run after the batch is indexed, so
    canonicals from the same batch exist."""
    by_canonical: dict[str, set[str]] = {}
    for duplicate, canonical in links.items():
        by_canonical.setdefault(canonical, set()).add(duplicate)
    if not by_canonical:
        return []
    actions = []
    for doc in get_docs(client, alias, sorted(by_canonical), ["near_duplicates"]):
        current = doc["_source"].get("near_duplicates") or []
        merged = sorted(set(current) | by_canonical[doc["_id"]])
        if merged != sorted(current):
            actions.append({"_op_type": "update", "_index": doc["_index"], "_id": doc["_id"],
                            "doc": {"near_duplicates": merged}})
    return actions
