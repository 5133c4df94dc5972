"""One month rebuilt on its own: the month's documents copied as they are into that month's index of a newer
version (made from the template installed now), then that month alone swapped in the alias.

Why: a template change that needs new indices (a field's type, an analyzer) reaches the coming months at once
(their indices are made from it) and the months already written one at a time, without running the NLP again and
without a second copy of the whole corpus. The documents stay as the same pipeline version built them: a new
pipeline version needs ``newsindex run --rebuild``. The embedded node has no reindex API, so the copy is a scan and a
bulk load through the client, a thousand documents at a time. Run it while no ingest writes that month: a run that
writes the old month meanwhile writes an index the alias no longer holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from flows.es.setup import create_index, existing_versions, versioned_name
from flows.index.bulk import bulk_load
from flows.index.layout import MONTH_SUFFIX, forget_layouts, live_indices, month_index, version_number, version_of

MONTH = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])$")
COPY_CHUNK = 1000


class MonthRebuildError(RuntimeError):
    """The month could not be rebuilt; the alias still holds its old index."""


@dataclass(frozen=True)
class MonthRebuilt:
    month: str
    old: tuple[str, ...]
    new: str
    documents: int


def month_indices(client: Elasticsearch, alias: str, month: str) -> list[str]:
    """The live indices of one month (two versions of it after documents moved during an earlier rebuild)."""
    if not MONTH.match(month):
        raise MonthRebuildError(f"a month is written YYYY.MM (2024.05), got {month!r}")
    live = live_indices(client, alias)
    if not live:
        raise MonthRebuildError(f"there is no alias {alias} to rebuild (NEWSINDEX_INDEX; `newsindex setup` makes it)")
    if not any(MONTH_SUFFIX.match(name) for name in live):
        raise MonthRebuildError(f"{alias} is not laid out by month (NEWSINDEX_MONTHLY_INDICES): rebuild it whole "
                                f"with `newsindex run --rebuild PATH...`")
    old = [name for name in live if (m := MONTH_SUFFIX.match(name)) and m.group("month") == month]
    if not old:
        raise MonthRebuildError(f"no index of {month} behind {alias}")
    return old


def next_version(client: Elasticsearch, alias: str, old: list[str]) -> str:
    """The version months move to: the newest the alias already holds, if the month is older (a rebuild going month
    by month), else a new one."""
    live = [version_number(version_of(name)) for name in live_indices(client, alias)]
    current = max(version_number(version_of(name)) for name in old)
    version = max(live) if max(live) > current else max(existing_versions(client, alias)) + 1
    return versioned_name(alias, version)


def rebuild_month(client: Elasticsearch, alias: str, month: str) -> MonthRebuilt:
    old = month_indices(client, alias, month)
    new = month_index(next_version(client, alias, old), month)
    client.options(ignore_status=404).indices.delete(index=new)  # a copy an earlier attempt left half done
    create_index(client, new)
    client.indices.refresh(index=old)
    seen: set[str] = set()
    twice = 0  # a document in two versions of the month (a move cut short): the newest version's copy is kept
    for name in sorted(old, key=lambda index: version_number(version_of(index)), reverse=True):
        hits = scan(client, index=name, query={"query": {"match_all": {}}}, preserve_order=False)
        while chunk := list(islice(hits, COPY_CHUNK)):
            fresh = [hit for hit in chunk if hit["_id"] not in seen]
            twice += len(chunk) - len(fresh)
            seen.update(hit["_id"] for hit in fresh)
            actions = [{"_op_type": "index", "_index": new, "_id": hit["_id"], "_source": hit["_source"]}
                       for hit in fresh]
            failed = [item for item in bulk_load(client, actions) if not item.ok]
            if failed:
                raise MonthRebuildError(f"{len(failed)} documents of {month} could not be copied into {new} "
                                        f"({failed[0].error}); the alias still holds {', '.join(old)}")
    client.indices.refresh(index=[new, *old])
    expected, copied = client.count(index=old)["count"] - twice, client.count(index=new)["count"]
    if copied != expected:
        raise MonthRebuildError(f"{new} holds {copied} documents where {', '.join(old)} hold {expected} (written "
                                f"meanwhile?): the alias still holds the old month; run the rebuild again")
    client.indices.update_aliases(actions=[*({"remove": {"index": name, "alias": alias}} for name in old),
                                           {"add": {"index": new, "alias": alias}}])
    forget_layouts()
    return MonthRebuilt(month, tuple(old), new, copied)
