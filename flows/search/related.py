"""`newsindex related`: articles like a given one, from the `articles-related` template.

The template combines two more_like_this clauses: shared distinctive words of title and body, and shared
canonical entities (boosted: two articles naming the same people and places are about the same thing more
surely than two sharing words). It excludes the article itself and its duplicates, looked up on the node.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.query import parse_filters
from flows.search.render import render

TEMPLATE = "articles-related"


class UnknownArticle(LookupError):
    """No article has this id, URL or source path."""


def related_params(article_id: str, alias: str, size: int = 10, filters: Sequence[str] = (),
                   include_duplicates: bool = False) -> dict[str, Any]:
    params: dict[str, Any] = {"id": article_id, "alias": alias, "size": size, **parse_filters(filters)}
    if include_duplicates:
        params["include_duplicates"] = True
    return params


def resolve_article(client: Elasticsearch, alias: str, reference: str) -> str:
    """The id of the article a user names by id, canonical URL or source file path."""
    if client.exists(index=alias, id=reference):
        return reference
    keys = [reference, str(Path(reference).expanduser().resolve())]
    query = {"bool": {"should": [{"term": {"url": reference}}, {"terms": {"origin.key": keys}},
                                 {"terms": {"origin.path": keys}}]}}
    hits = client.search(index=alias, query=query, size=1, _source=False)["hits"]["hits"]
    if not hits:
        raise UnknownArticle(f"no article with id, URL or path {reference!r} in {alias}")
    return str(hits[0]["_id"])


def run_related(client: Elasticsearch, alias: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.search(index=alias, **render(TEMPLATE, params)).body  # type: ignore[no-any-return]


def related_hits(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": hit["_id"], "score": hit["_score"], **hit["_source"]} for hit in response["hits"]["hits"]]


def format_related(response: dict[str, Any], article_id: str) -> str:
    hits = related_hits(response)
    lines = [f"{len(hits)} related article(s) to {article_id}"]
    for rank, hit in enumerate(hits, 1):
        label = hit.get("title") or hit.get("origin", {}).get("path") or hit["id"]
        lines.append(f"{rank}. {label}  [{hit['id']}  score {hit['score']:.2f}]")
    return "\n".join(lines)
