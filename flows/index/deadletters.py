"""The dead-letter store: an index beside the articles (``<alias>-deadletter``), one document per failed input.

An index rather than files, so the state follows the cluster to any machine that runs the flow, Kibana can show
it, and a later successful run removes the entry (same deterministic id, derived from the input's origin).

The store is small and on the path of every run, so a moment without it (its node restarting, a replica being
promoted) is waited out like any other I/O fault, with backoff; past that a run, or `newsindex deadletters`, ends
with one line that says which index and what to do, never a raw 503.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from elasticsearch import ApiError, ConnectionTimeout, Elasticsearch
from elasticsearch import ConnectionError as EsConnectionError
from elasticsearch.helpers import scan

from flows.es.setup import ensure_companion
from flows.index.bulk import BulkLimits, bulk_load
from transforms.errors import Failure
from transforms.models import Origin

T = TypeVar("T")
# About half a minute in all: a replica is promoted in seconds, a restarted node on two cores is back in ~25 s.
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 15.0)
# A bulk waits this long for the store's primary shard, not Elasticsearch's minute, so retries happen meanwhile.
WRITE_LIMITS = BulkLimits(in_flight=1, shard_timeout="10s")


class StoreUnavailable(RuntimeError):
    """The dead-letter index did not answer through every retry; the message is for the user."""


def transient(exc: Exception) -> bool:
    """No node, or no active shard of the store (503), or an overloaded node: worth waiting for."""
    if isinstance(exc, EsConnectionError | ConnectionTimeout):
        return True
    return isinstance(exc, ApiError) and exc.status_code in {429, 503}


def unavailable(index: str, cause: object, cluster_answers: bool = True) -> StoreUnavailable:
    if not cluster_answers:  # no node answered at all: that is the cluster, not this index
        return StoreUnavailable(
            f"Elasticsearch became unreachable during the run (writing to {index}, through {len(RETRY_DELAYS)} "
            f"retries over {sum(RETRY_DELAYS):.0f} s). Documents written so far are kept; run the same command "
            f"again to finish (inputs already indexed are skipped as unchanged).")
    return StoreUnavailable(
        f"The dead-letter index {index} is unavailable ({cause}) and stayed so through {len(RETRY_DELAYS)} retries "
        f"over {sum(RETRY_DELAYS):.0f} s. Documents written so far are kept; check `GET _cluster/health/{index}` and "
        f"run the same command again. Set NEWSINDEX_REPLICAS=1 (then `newsindex setup`) so it outlives one node.")


def retrying(client: Elasticsearch, index: str, action: Callable[[], T]) -> T:
    """``action`` until it works, through transient faults, with jittered exponential backoff."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return action()
        except Exception as exc:
            if not transient(exc):
                raise
            wait_or_give_up(client, index, delay, describe(exc))
    raise AssertionError("unreachable")


def wait_or_give_up(client: Elasticsearch, index: str, delay: float | None, cause: str) -> None:
    """One step of the backoff: a jittered sleep, or, when the delays are spent, the store's clear message (which
    says whether the cluster still answers: a node killed mid-run is felt first by whatever writes next)."""
    if delay is None:
        raise unavailable(index, cause, cluster_answers(client)) from None  # the cause is in the message
    time.sleep(delay * random.uniform(0.75, 1.25))


def cluster_answers(client: Elasticsearch) -> bool:
    """Any node, with the client's retries on the other hosts: one dead node of several is not the cluster.
    (Cluster health, not ``ping``: the embedded distribution has no handler for ``/``.)"""
    try:
        client.options(request_timeout=5).cluster.health()
        return True
    except Exception:
        return False


def describe(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return f"{exc.status_code} {exc.error}"
    return type(exc).__name__


class StoredLetter(Failure):
    """A dead letter as the store holds it: the failure, and which run recorded it when (so a letter can be told
    from one that a later run would have cleared, and found in that run's logs)."""

    run_id: str | None = None
    failed_at: datetime | None = None


def deadletter_index(alias: str) -> str:
    return f"{alias}-deadletter"


def deadletter_id(origin: Origin | str) -> str:
    label = origin if isinstance(origin, str) else origin.label()
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def ensure_store(client: Elasticsearch, alias: str, index_settings: Mapping[str, object] | None = None) -> list[str]:
    """The template (the same replicas as the articles) and the index; returns what changed."""
    return ensure_companion(client, alias, "deadletter", deadletter_index(alias), index_settings)


def record_actions(letters: Iterable[Failure], alias: str, run_id: str) -> Iterator[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    for letter in letters:
        yield {"_op_type": "index", "_index": deadletter_index(alias), "_id": deadletter_id(letter.origin),
               "_source": {"origin": letter.origin.model_dump(), "stage": letter.stage, "reason": letter.reason,
                           "detail": letter.detail, "run_id": run_id, "failed_at": now}}


def clear_actions(origins: Iterable[Origin | str], alias: str) -> Iterator[dict[str, Any]]:
    """Deletes by id through bulk: no _delete_by_query on the local node (no reindex module)."""
    for origin in origins:
        yield {"_op_type": "delete", "_index": deadletter_index(alias), "_id": deadletter_id(origin)}


def write(client: Elasticsearch, actions: list[dict[str, Any]], alias: str) -> None:
    """Writes (and deletes) letters; items the store could not take for want of a shard are sent again."""
    index = deadletter_index(alias)
    pending = actions
    for delay in (*RETRY_DELAYS, None):
        try:
            results = list(bulk_load(client, pending, WRITE_LIMITS))
        except Exception as exc:
            if not transient(exc):
                raise
            wait_or_give_up(client, index, delay, describe(exc))
            continue
        retry = [action for action, item in zip(pending, results, strict=True) if not item.ok and item.status
                 in {429, 503}]
        refused = [item for item in results if not item.ok and item.status not in {429, 503}]
        if refused:
            raise RuntimeError(f"could not write to the dead-letter store: {refused[0].error}")
        if not retry:
            return
        wait_or_give_up(client, index, delay, next(item.error for item in results if not item.ok).split(":")[0])
        pending = retry


def count(client: Elasticsearch, alias: str) -> int:
    index = deadletter_index(alias)
    return int(retrying(client, index, lambda: client.count(index=index))["count"])


def refresh(client: Elasticsearch, alias: str) -> None:
    """Best effort: the store's own refresh interval shows the letters soon anyway, and the refresh of an index
    without an active primary waits a minute before it answers."""
    index = deadletter_index(alias)
    try:
        client.options(request_timeout=10, max_retries=0).indices.refresh(index=index)
    except Exception as exc:
        if not transient(exc):
            raise


def list_letters(client: Elasticsearch, alias: str) -> list[StoredLetter]:
    """Every letter, or StoreUnavailable: a list missing the letters of a lost shard would look complete."""
    index = deadletter_index(alias)
    if not retrying(client, index, lambda: client.indices.exists(index=index)):
        return []

    def read() -> list[dict[str, Any]]:
        return list(scan(client, index=index, query={"query": {"match_all": {}}, "sort": ["_doc"]},
                         allow_partial_search_results=False))

    fields = ("origin", "stage", "reason", "detail", "run_id", "failed_at")
    letters = [StoredLetter(**{k: hit["_source"][k] for k in fields if k in hit["_source"]})
               for hit in retrying(client, index, read)]
    return sorted(letters, key=lambda letter: (letter.origin.path, letter.origin.line or 0))
