"""Index lifecycle around a run: rebuilds into a new versioned index with an atomic alias swap, inputs that
vanished from the source folders, and dropping old versions."""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from flows.es.setup import existing_versions, versioned_name
from flows.index.layout import (
    ensure_month,
    forget_layouts,
    layout,
    live_indices,
    month_of,
    rebuild_target,
    version_number,
    version_of,
)
from flows.read import READ_EVERYTHING, InputRules, display_path


def start_rebuild(client: Elasticsearch, alias: str, monthly: bool = False) -> str:
    """Creates the next versioned index (the template gives it settings and mappings) and returns what the run
    writes to: that index, or (``monthly``) the pattern of its months, whose first is this month's. The alias keeps
    pointing at the old indices until ``swap_alias``, so searches never see a half-built index."""
    versions = existing_versions(client, alias)
    base = versioned_name(alias, (versions[-1] if versions else 0) + 1)
    forget_layouts()
    if not monthly:
        client.indices.create(index=base)
        return base
    target = rebuild_target(base)
    ensure_month(client, layout(client, target), month_of({}))
    return target


class RebuildIncomplete(RuntimeError):
    """The rebuild's target lost documents before the swap: the alias stays where it was."""


def check_rebuilt(client: Elasticsearch, target: str, written: int) -> None:
    """Before the alias moves: the target holds every document the run wrote (an index or a month of it deleted
    meanwhile, by `indices --drop-old` or by hand, would otherwise be swapped in without a word)."""
    client.indices.refresh(index=target)
    held = int(client.count(index=target)["count"])
    if held < written:
        raise RebuildIncomplete(f"the rebuild wrote {written} documents but {target} holds {held}: part of it was "
                                f"deleted during the run; the alias was not moved (run the rebuild again)")


def swap_alias(client: Elasticsearch, alias: str, target: str) -> str | None:
    """One atomic ``_aliases`` call: readers see the old indices until the instant they see the new ones (one
    index, or every month of a monthly rebuild). Returns the version the alias left."""
    client.indices.refresh(index=target)
    previous = live_indices(client, alias)
    new = sorted(client.indices.get(index=target).keys())
    actions: list[dict[str, dict[str, object]]] = [{"remove": {"index": name, "alias": alias}} for name in previous]
    single = not target.endswith("-*")  # one index takes the alias's writes too; months are written by name
    actions += [{"add": {"index": name, "alias": alias, **({"is_write_index": True} if single else {})}}
                for name in new]
    client.indices.update_aliases(actions=actions)
    forget_layouts()
    if not previous:
        return None
    versions = sorted({version_of(name) for name in previous}, key=version_number)
    # The months of a version are named as the run's own target is: "articles-v1-*".
    return ", ".join(v if v in previous else f"{v}-*" for v in versions)


@dataclass(frozen=True)
class ConcreteIndex:
    name: str
    documents: int
    bytes: int
    live: bool
    closed: bool = False  # a closed month is searched by nobody: shown, so that its absence from results has a reason


@dataclass(frozen=True)
class VersionedIndex:
    name: str
    documents: int
    live: bool  # the alias holds it, or (rebuilt month by month) some of its months
    indices: tuple[ConcreteIndex, ...] = ()  # its months, when it has them


def list_versions(client: Elasticsearch, alias: str) -> list[VersionedIndex]:
    """Every version of the alias's family, with its documents, and its months with their counts and sizes."""
    live = set(live_indices(client, alias))
    names = names_of(client, alias)
    rows: list[dict[str, str]] = client.cat.indices(  # type: ignore[assignment]
        index=f"{alias}-v*", format="json", bytes="b", h="index,store.size,status", expand_wildcards="all").body
    articles = articles_per_index(client, f"{alias}-v*")  # the cat API counts each nested passage as a document
    concrete = sorted((ConcreteIndex(row["index"], articles.get(row["index"], 0), int(row.get("store.size") or 0),
                                     row["index"] in live, row.get("status") == "close")
                       for row in rows if version_of(row["index"]) in names), key=lambda index: index.name)
    versions = []
    for name in names:
        months = tuple(index for index in concrete if index.name != name and version_of(index.name) == name)
        documents = sum(m.documents for m in months) if months else client.count(index=name)["count"]
        versions.append(VersionedIndex(name, documents, name in live or any(m.live for m in months), months))
    return versions


def articles_per_index(client: Elasticsearch, pattern: str) -> dict[str, int]:
    aggs = {"per_index": {"terms": {"field": "_index", "size": 10_000}}}
    found = client.search(index=pattern, size=0, aggs=aggs, track_total_hits=False).body.get("aggregations")
    return {bucket["key"]: int(bucket["doc_count"]) for bucket in (found or {}).get("per_index", {}).get("buckets", [])}


def names_of(client: Elasticsearch, alias: str) -> list[str]:
    return [versioned_name(alias, v) for v in existing_versions(client, alias)]


def drop_old(client: Elasticsearch, alias: str) -> list[str]:
    """Deletes every index of the family the alias does not hold: whole versions, and the months a month-by-month
    rebuild replaced. Returns what went: a version's name when all of it went, else its months' names."""
    dropped: list[str] = []
    names: list[str] = []
    versions = list_versions(client, alias)
    newest_live = max((version_number(v.name) for v in versions if v.live), default=0)
    for version in versions:
        if version_number(version.name) > newest_live:
            continue  # newer than the live version: a rebuild filling it now (one that stopped: drop it by name)
        if version.indices:
            old = [m.name for m in version.indices if not m.live]
        else:
            old = [] if version.live else [version.name]
        names += old
        dropped += [version.name] if old and not version.live else old
    if names:
        client.indices.delete(index=names)
    return dropped


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
