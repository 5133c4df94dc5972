"""Index lifecycle around a run: rebuilds into a new versioned index with an atomic alias swap, inputs that
vanished from the source folders, and dropping old versions."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from flows.es.setup import alias_target, existing_versions, versioned_name
from flows.read import READ_EVERYTHING, InputRules, display_path


def start_rebuild(client: Elasticsearch, alias: str) -> str:
    """Creates the next versioned index (the template gives it settings and mappings) and returns its name.
    The alias keeps pointing at the old index until ``swap_alias``, so searches never see a half-built index."""
    versions = existing_versions(client, alias)
    target = versioned_name(alias, (versions[-1] if versions else 0) + 1)
    client.indices.create(index=target)
    return target


def swap_alias(client: Elasticsearch, alias: str, target: str) -> str | None:
    """One atomic ``_aliases`` call: readers see the old index until the instant they see the new one."""
    client.indices.refresh(index=target)
    previous = alias_target(client, alias)
    actions: list[dict[str, dict[str, object]]] = []
    if previous:
        actions.append({"remove": {"index": previous, "alias": alias}})
    actions.append({"add": {"index": target, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)
    return previous


@dataclass(frozen=True)
class VersionedIndex:
    name: str
    documents: int
    live: bool


def list_versions(client: Elasticsearch, alias: str) -> list[VersionedIndex]:
    live = alias_target(client, alias)
    names = [versioned_name(alias, v) for v in existing_versions(client, alias)]
    counts = {n: client.count(index=n)["count"] for n in names}
    return [VersionedIndex(n, counts[n], n == live) for n in names]


def drop_old(client: Elasticsearch, alias: str) -> list[str]:
    old = [v.name for v in list_versions(client, alias) if not v.live]
    if old:
        client.indices.delete(index=old)
    return old


def under_roots_query(roots: Sequence[str]) -> dict[str, object]:
    """Roots as labels are written: resolved, and shown as ``display_path`` shows a name that is not UTF-8."""
    roots = [display_path(os.path.realpath(root)) for root in roots]
    should = [{"term": {"origin.path": root}} for root in roots]
    should += [{"prefix": {"origin.path": root.rstrip("/") + "/"}} for root in roots]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def missing_inputs(client: Elasticsearch, index: str, roots: Sequence[str], seen: Collection[str],
                   rules: InputRules = READ_EVERYTHING) -> dict[str, str]:
    """Documents that came from under the run's input paths but whose input was not read this run: the file (or
    the JSONL line) is gone. With ``rules.partition``, only documents of the run's part (by their file's label, as
    discovery decides). Returns id → origin key."""
    hits = scan(client, index=index, query={"query": under_roots_query(roots)}, _source=["origin.key", "origin.path"])
    return {h["_id"]: h["_source"]["origin"]["key"] for h in hits
            if h["_source"]["origin"]["key"] not in seen and rules.takes(h["_source"]["origin"]["path"])}
