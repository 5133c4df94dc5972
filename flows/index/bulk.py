"""Bulk loading as a generator of actions (elasticsearch-py's ``streaming_bulk``), with every item accounted for.

Chunks are bounded by count and bytes; 429 rejections are retried item by item with exponential backoff; an item
that fails for good (a mapping conflict, a document too large) comes back as a failure for the dead-letter store
instead of failing the batch. Transport errors (the node gone) raise, so the Prefect task retries the batch: the
deterministic ``_id`` makes that retry idempotent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import streaming_bulk


@dataclass(frozen=True)
class BulkLimits:
    chunk_size: int = 500
    max_chunk_bytes: int = 20 * 1024 * 1024
    max_retries: int = 6
    initial_backoff: float = 0.5
    max_backoff: float = 30.0


@dataclass(frozen=True)
class ItemResult:
    doc_id: str
    op: str
    ok: bool
    status: int
    error: str = ""


def too_large(action: dict[str, Any], limits: BulkLimits) -> bool:
    """A document bigger than a whole chunk can never be sent; it is refused here, not by the node."""
    source = action.get("_source") or action.get("doc")
    return source is not None and len(json.dumps(source, ensure_ascii=False)) > limits.max_chunk_bytes // 2


def describe_error(error: Any) -> str:
    if isinstance(error, dict):
        reason = error.get("reason", "")
        caused = error.get("caused_by", {}).get("reason", "")
        return f"{error.get('type', 'error')}: {reason}" + (f" ({caused})" if caused else "")
    return str(error)


def bulk_load(client: Elasticsearch, actions: Iterable[dict[str, Any]],
              limits: BulkLimits = BulkLimits()) -> Iterator[ItemResult]:
    """One ItemResult per action, in order. Deletes of missing documents count as success."""
    sendable: list[dict[str, Any]] = []
    for action in actions:
        if too_large(action, limits):
            yield ItemResult(action["_id"], action.get("_op_type", "index"), False, 413,
                             f"document_too_large: over {limits.max_chunk_bytes // 2} bytes of JSON")
        else:
            sendable.append(action)
    results = streaming_bulk(
        client, sendable, chunk_size=limits.chunk_size, max_chunk_bytes=limits.max_chunk_bytes,
        raise_on_error=False, max_retries=limits.max_retries, initial_backoff=limits.initial_backoff,
        max_backoff=limits.max_backoff, yield_ok=True,
    )
    for ok, item in results:
        op, info = next(iter(item.items()))
        status = int(info.get("status", 0))
        if op == "delete" and status == 404:
            ok = True
        yield ItemResult(str(info.get("_id")), op, bool(ok), status, "" if ok else describe_error(info.get("error")))
