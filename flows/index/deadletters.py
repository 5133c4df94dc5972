"""The dead-letter store: an index beside the articles (``<alias>-deadletter``), one document per failed input.

An index rather than files, so the state follows the cluster to any machine that runs the flow, Kibana can show
it, and a later successful run removes the entry (same deterministic id, derived from the input's origin).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from flows.es.setup import template_for
from transforms.errors import Failure
from transforms.models import Origin


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


def ensure_store(client: Elasticsearch, alias: str) -> None:
    index = deadletter_index(alias)
    client.indices.put_index_template(name=index, **template_for(alias, "deadletter"))
    if not client.indices.exists(index=index):
        client.options(ignore_status=400).indices.create(index=index)


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


def list_letters(client: Elasticsearch, alias: str) -> list[StoredLetter]:
    index = deadletter_index(alias)
    if not client.indices.exists(index=index):
        return []
    hits = scan(client, index=index, query={"query": {"match_all": {}}, "sort": ["_doc"]})
    fields = ("origin", "stage", "reason", "detail", "run_id", "failed_at")
    letters = [StoredLetter(**{k: hit["_source"][k] for k in fields if k in hit["_source"]}) for hit in hits]
    return sorted(letters, key=lambda letter: (letter.origin.path, letter.origin.line or 0))
