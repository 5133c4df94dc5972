"""Bulk loading as a generator of actions (elasticsearch-py's ``streaming_bulk``), with every item accounted for.

Chunks are bounded by count and bytes. Rejections with 429 (the node's write queue is full), per item or for a whole
request, are retried with exponential backoff and jitter, and only the rejected items are sent again. An item that
fails for good (a mapping conflict, a document too large) comes back as a failure for the dead-letter store instead
of failing the batch. Transport errors (the node gone) raise, so the Prefect task retries the batch: the
deterministic ``_id`` makes that retry idempotent.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import streaming_bulk

from flows.index.layout import place


@dataclass(frozen=True)
class BulkLimits:
    chunk_size: int = 250
    max_chunk_bytes: int = 20 * 1024 * 1024
    max_retries: int = 8
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    in_flight: int = 2  # bulk requests at once: one shard indexes one request per write thread
    shard_timeout: str | None = None  # how long the node waits for an unavailable primary (Elasticsearch: 1m)


@dataclass(frozen=True)
class ItemResult:
    doc_id: str
    op: str
    ok: bool
    status: int
    error: str = ""


def too_large(action: dict[str, Any], limits: BulkLimits) -> bool:
    """A document bigger than half a chunk is refused here: the node would reject the request as a whole."""
    source = action.get("_source") or action.get("doc")
    return source is not None and len(json.dumps(source, ensure_ascii=False)) > limits.max_chunk_bytes // 2


def describe_error(error: Any) -> str:
    if isinstance(error, dict):
        reason = error.get("reason", "")
        caused = error.get("caused_by", {}).get("reason", "")
        return f"{error.get('type', 'error')}: {reason}" + (f" ({caused})" if caused else "")
    return str(error)


def backoff_seconds(attempt: int, limits: BulkLimits) -> float:
    """Full jitter around the exponential step, so parallel writers do not retry in lockstep."""
    step = min(limits.max_backoff, limits.initial_backoff * 2.0**attempt)
    return step * random.uniform(0.5, 1.5)


def item_status(info: dict[str, Any]) -> int:
    """Whole-request failures arrive per item with the exception attached; only a 429 is worth a retry."""
    exception = info.get("exception")
    if exception is not None:
        if isinstance(exception, ApiError) and exception.status_code == 429:
            return 429
        raise exception
    return int(info.get("status", 0))


def send_once(client: Elasticsearch, actions: list[dict[str, Any]], limits: BulkLimits,
              retry: list[dict[str, Any]], last_attempt: bool) -> Iterator[ItemResult]:
    wait: dict[str, Any] = {"timeout": limits.shard_timeout} if limits.shard_timeout else {}
    results = streaming_bulk(client, actions, chunk_size=limits.chunk_size, max_chunk_bytes=limits.max_chunk_bytes,
                             raise_on_error=False, raise_on_exception=False, max_retries=0, yield_ok=True, **wait)
    for action, (ok, item) in zip(actions, results, strict=True):
        op, info = next(iter(item.items()))
        status = item_status(info)
        if status == 429 and not last_attempt:
            retry.append(action)
            continue
        ok = ok or (op == "delete" and status == 404)
        yield ItemResult(str(action["_id"]), op, bool(ok), status, "" if ok else describe_error(info.get("error")))


def bulk_load(client: Elasticsearch, actions: Iterable[dict[str, Any]],
              limits: BulkLimits = BulkLimits()) -> Iterator[ItemResult]:
    """One ItemResult per action (retried ones when they settle). Deletes of missing documents count as success.
    Actions on an alias of monthly indices are placed first (``flows.index.layout.place``)."""
    placed = place(client, list(actions))
    for action, reason in placed.refused:
        yield ItemResult(str(action["_id"]), action.get("_op_type", "index"), False, 400, reason)
    if not placed.moves:
        yield from load_all(client, placed.actions, limits)
        return
    results = list(load_all(client, placed.actions, limits))
    failed = {item.doc_id for item in results if not item.ok}
    moves = [move for move in placed.moves if str(move["_id"]) not in failed]
    stuck = {item.doc_id: item.error for item in load_all(client, moves, limits) if not item.ok}
    kept: set[str] = set()
    if stuck:  # the old copy cannot go (a read-only month): the new one is taken back, as after a failed rewrite
        written = {str(a["_id"]): a["_index"] for a in placed.actions if str(a["_id"]) in stuck}
        undo = [{"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id, index in written.items()]
        kept = {item.doc_id for item in load_all(client, undo, limits) if not item.ok}
    for item in results:
        if item.ok and item.doc_id in stuck:
            twice = " (and the new copy could not be taken back)" if item.doc_id in kept else ""
            item = replace(item, ok=False, error=f"move_refused: the old copy could not be deleted{twice}: "
                                                 f"{stuck[item.doc_id]}")
        yield item


def load_all(client: Elasticsearch, actions: list[dict[str, Any]], limits: BulkLimits) -> Iterator[ItemResult]:
    pending: list[dict[str, Any]] = []
    for action in actions:
        if too_large(action, limits):
            yield ItemResult(action["_id"], action.get("_op_type", "index"), False, 413,
                             f"document_too_large: over {limits.max_chunk_bytes // 2} bytes of JSON")
        else:
            pending.append(action)
    groups = [pending[i : i + limits.chunk_size] for i in range(0, len(pending), limits.chunk_size)]
    if len(groups) <= 1 or limits.in_flight <= 1:
        for group in groups:
            yield from load_group(client, group, limits)
        return
    with ThreadPoolExecutor(max_workers=limits.in_flight) as pool:
        for results in pool.map(lambda group: list(load_group(client, group, limits)), groups):
            yield from results


def load_group(client: Elasticsearch, actions: list[dict[str, Any]], limits: BulkLimits) -> Iterator[ItemResult]:
    """One chunk's worth of actions, with rejected items retried until they settle."""
    pending = actions
    for attempt in range(limits.max_retries + 1):
        retry: list[dict[str, Any]] = []
        yield from send_once(client, pending, limits, retry, last_attempt=attempt == limits.max_retries)
        if not retry:
            return
        time.sleep(backoff_seconds(attempt, limits))
        pending = retry
