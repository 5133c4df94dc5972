"""Where an article document lives: one index per version (``articles-v1``), or, with
``NEWSINDEX_MONTHLY_INDICES=true``, one index per month of the document's ``date`` (its publication, else when it was
first seen) behind the same alias (``articles-v1-2024.05``, ``articles-v1-2024.06`` …).

Months are for clusters that keep years of news: each shard stays of a bounded size, a month that no longer changes
can be force-merged, moved to cheaper nodes or dropped on its own (where ILM takes over), and a new template reaches
the next month's index without touching the others.

The price is in reads by id. Elasticsearch runs a get on one index only: over an alias of many months, every
``mget`` item comes back as an error. So every read by id goes through ``get_docs``: ``mget`` where one index holds
the documents; otherwise a refresh, then an ``ids`` search (after the refresh, the search sees every write a real-time
get would). And every write names its concrete index: ``place`` gives an index action its month, an update or a
delete the index that holds the document now, and deletes a document's old copy when its date moved it to another
month (after the new copy is written: a reader may see both for an instant, never neither).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch

MONTH_SUFFIX = re.compile(r"^(?P<base>.+-v\d+)-(?P<month>\d{4}\.\d{2})$")
IDS_PER_SEARCH = 1000  # an ``ids`` search returns at most ``index.max_result_window`` (10,000) hits
EARLIEST_YEAR = 1900  # a date before it (or after next year) is not a month to make an index for: first seen instead


@dataclass(frozen=True)
class Layout:
    """How the documents behind ``name`` (an alias, or a rebuild's target) are spread over indices."""

    name: str
    base: str  # the version's name: ``articles-v2``
    monthly: bool
    joins: str | None = None  # the alias a new month's index joins at once; None: a rebuild's, joined at the swap

    @property
    def reads(self) -> str:
        """What searches and refreshes name: the alias, or the pattern of a rebuild's months."""
        return self.name if self.joins or not self.monthly else f"{self.base}-*"


_layouts: dict[tuple[int, str], Layout] = {}
_months: set[tuple[int, str, str]] = set()  # (client, month index, alias joined): made by this process
DEFAULT_NEW_MONTHS = 24
_budget = {"new months": DEFAULT_NEW_MONTHS, "made": 0}  # month indices a run may create, and how many it did


class MonthBudgetSpent(RuntimeError):
    """The run made as many month indices as it may (``NEWSINDEX_MAX_NEW_MONTHS``)."""


class MonthOutsideAlias(RuntimeError):
    """The month's index exists outside the alias: someone took it out."""


def forget_layouts() -> None:
    """After setup, a rebuild's swap, or a dropped family, layouts are read again from the cluster."""
    _layouts.clear()
    _months.clear()


def start_month_budget(new_months: int) -> None:
    """At a run's start: each month index is a shard or more, which the whole cluster shares; a feed whose dates
    spread over a century must not make 1,200 of them in one go."""
    _budget.update({"new months": new_months, "made": 0})


def rebuild_target(base: str) -> str:
    """The name a monthly rebuild writes to and reads from until its swap: its months, by pattern."""
    return f"{base}-*"


def layout(client: Elasticsearch, name: str) -> Layout:
    key = (id(client), name)
    if key not in _layouts:
        _layouts[key] = read_layout(client, name)
    return _layouts[key]


def read_layout(client: Elasticsearch, name: str) -> Layout:
    if name.endswith("-*"):
        return Layout(name, name.removesuffix("-*"), monthly=True)
    if not client.indices.exists_alias(name=name):
        return Layout(name, name, monthly=False)
    names = sorted(client.indices.get_alias(name=name).keys())
    months = [m for n in names if (m := MONTH_SUFFIX.match(n))]
    if not months:
        return Layout(name, names[-1], monthly=False, joins=name)
    newest = max(months, key=lambda m: (version_number(m.group("base")), m.group("month")))
    return Layout(name, newest.group("base"), monthly=True, joins=name)


def version_number(base: str) -> int:
    return int(base.rpartition("-v")[2])


def month_of(source: Mapping[str, Any]) -> str:
    """The month a document is filed under: its ``date``; a date no news has (year 1, 2999) files it under the
    month it was first seen, so hostile dates cannot make an index each."""
    for name in ("date", "first_seen_at", "ingested_at"):
        try:
            when = datetime.fromisoformat(str(source[name]))
        except (KeyError, TypeError, ValueError):
            continue
        when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
        if EARLIEST_YEAR <= when.year <= datetime.now(UTC).year + 1:
            return f"{when:%Y.%m}"
    return f"{datetime.now(UTC):%Y.%m}"


def month_index(base: str, month: str) -> str:
    return f"{base}-{month}"


def ensure_month(client: Elasticsearch, lay: Layout, month: str) -> str:
    """The month's index, made from the template if new, and in the alias if the layout is live."""
    name = month_index(lay.base, month)
    key = (id(client), name, lay.joins or "")
    if key in _months:
        return name
    family = lay.base.rpartition("-v")[0] or lay.base
    if not client.indices.exists(index=f"{family}-v*-{month}", allow_no_indices=False):  # a rebuild's are not new
        if _budget["made"] >= _budget["new months"]:
            raise MonthBudgetSpent(f"this run made {_budget['made']} month indices already, the most it may "
                                   f"(NEWSINDEX_MAX_NEW_MONTHS); the next run makes {name}")
        _budget["made"] += 1
    try:
        client.indices.create(index=name)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":  # another partition made it first
            raise
        if lay.joins:
            refuse_aged_out(client, name, lay.joins)
    if lay.joins:
        client.indices.update_aliases(actions=[{"add": {"index": name, "alias": lay.joins}}])
    _months.add(key)
    return name


JOIN_SECONDS = 600  # a month made this long ago and not behind the alias was taken out on purpose


def refuse_aged_out(client: Elasticsearch, name: str, alias: str) -> None:
    """A month that exists but is not behind the alias: made a moment ago by another partition (which adds it
    too), or taken out by someone ageing it out, which a run must not undo by writing to it."""
    if client.indices.exists_alias(name=alias, index=name):
        return
    made = client.indices.get_settings(index=name, name="index.creation_date", flat_settings=True)
    created_ms = int(made[name]["settings"]["index.creation_date"])
    if time.time() - created_ms / 1000 > JOIN_SECONDS:
        raise MonthOutsideAlias(f"{name} exists but is not behind {alias} (taken out to age it out?): its articles "
                                f"are not written; add it back to the alias (POST _aliases) to write to it")


def get_docs(client: Elasticsearch, index: str, ids: Sequence[str], source_includes: Sequence[str] | None = None,
             realtime: bool = True) -> list[dict[str, Any]]:
    """The documents of ``ids`` that exist (``_index``, ``_id``, ``_source``), as a real-time get sees them; one
    per id (a document caught in two months by a move that did not finish is given once). ``realtime`` off: as
    searches see them (a reader, who may not refresh)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    lay = layout(client, index)
    fields: dict[str, Any] = {} if source_includes is None else (
        {"source_includes": list(source_includes)} if source_includes else {"source": False})
    if not lay.monthly:
        docs = client.mget(index=index, ids=wanted, **fields)["docs"]
        return [doc for doc in docs if doc.get("found")]
    found: dict[str, dict[str, Any]] = {}
    for hit in id_hits(client, lay, wanted, fields, refresh=realtime):
        found.setdefault(hit["_id"], {**hit, "_source": hit.get("_source", {})})
    return [found[doc_id] for doc_id in wanted if doc_id in found]


def id_hits(client: Elasticsearch, lay: Layout, ids: Sequence[str], fields: Mapping[str, Any] | None = None,
            refresh: bool = True) -> Iterable[dict[str, Any]]:
    """Every copy of these documents in the layout's months, newest month first (after a refresh)."""
    if refresh:
        client.indices.refresh(index=lay.reads)
    fields = {"source": False} if fields is None else fields  # {}: the whole source, as ``mget`` gives it
    includes = list(fields.get("source_includes", [])) or None
    whole = not includes and fields.get("source", True) is not False
    for start in range(0, len(ids), IDS_PER_SEARCH):
        chunk = list(ids[start:start + IDS_PER_SEARCH])
        response = client.search(index=lay.reads, query={"ids": {"values": chunk}}, size=2 * len(chunk) + 10,
                                 source_includes=includes, source=None if includes or whole else False,
                                 sort=[{"_index": "desc"}])
        yield from response["hits"]["hits"]


def locations(client: Elasticsearch, lay: Layout, ids: Sequence[str]) -> dict[str, list[str]]:
    """Every index holding each of these documents (a move may have left two)."""
    where: dict[str, list[str]] = {}
    for hit in id_hits(client, lay, list(dict.fromkeys(ids))):
        where.setdefault(hit["_id"], []).append(hit["_index"])
    return where


@dataclass
class Placed:
    """``place``'s answer: the actions with their concrete index, the deletes of copies a move leaves behind (sent
    after the actions, and only for documents whose every action succeeded: a failed rewrite keeps the old copy
    searchable; their results are not reported, the moved document's result is its index action's), and the
    actions whose month's index the cluster refused to make (the shard limit, a closed index): those documents
    fail alone, with the reason."""

    actions: list[dict[str, Any]]
    moves: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def place(client: Elasticsearch, actions: list[dict[str, Any]]) -> Placed:
    """Several actions on one document in one call see each other: an update after a rewrite goes to the rewrite's
    month, and the copies left behind are the ones the last action does not hold (deleting a missing copy is a
    success)."""
    monthly = {name for name in {a["_index"] for a in actions} if layout(client, name).monthly}
    if not monthly:
        return Placed(actions)
    where = {name: locations(client, layout(client, name), [a["_id"] for a in actions if a["_index"] == name])
             for name in sorted(monthly)}
    placed = Placed([])
    holders: dict[tuple[str, str], list[str]] = {}  # where the document is once the actions so far are done
    touched: dict[tuple[str, str], set[str]] = {}  # every index that held or was given the document
    for action in actions:
        if action["_index"] not in monthly:
            placed.actions.append(action)
            continue
        lay = layout(client, action["_index"])
        key = (action["_index"], str(action["_id"]))
        held = holders.setdefault(key, list(where[action["_index"]].get(action["_id"], [])))
        seen = touched.setdefault(key, set(held))
        op = action.get("_op_type", "index")
        try:
            if op in ("index", "create"):
                target = ensure_month(client, lay, month_of(action["_source"]))
                holders[key] = [target]
            elif held:
                target = held[0]
                if op == "delete":
                    holders[key] = []
            else:  # an update of a document no month holds fails as it would on one index: document missing
                target = ensure_month(client, lay, month_of({}))
        except ApiError as exc:
            placed.refused.append((action, f"month_index_refused: {exc.message}"))
            continue
        except (MonthBudgetSpent, MonthOutsideAlias) as exc:
            placed.refused.append((action, f"month_index_refused: {exc}"))
            continue
        if op == "delete":
            seen.discard(target)  # the action itself deletes it there
        else:
            seen.add(target)
        placed.actions.append({**action, "_index": target})
    for key, seen in touched.items():
        placed.moves += [{"_op_type": "delete", "_index": old, "_id": key[1]}
                         for old in sorted(seen - set(holders[key]))]
    return placed


def live_indices(client: Elasticsearch, alias: str) -> list[str]:
    """The concrete indices behind the alias: one, or the live version's months."""
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).keys())


def version_of(index: str) -> str:
    """``articles-v2-2024.05`` → ``articles-v2``; a version's own name is its version."""
    match = MONTH_SUFFIX.match(index)
    return match.group("base") if match else index
