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

from flows.index.layout import get_docs
from flows.search.limits import BadValue, check_text, check_window
from flows.search.query import for_terminal, parse_filters
from flows.search.render import render

TEMPLATE = "articles-related"
MAX_ID_BYTES = 512  # the node's bound on an _id: a longer reference can only be a URL or a path
MAX_REFERENCE_CHARS = 4096  # PATH_MAX


class UnknownArticle(LookupError):
    """No article has this id, URL or source path."""


def related_params(article_id: str, alias: str, size: int = 10, filters: Sequence[str] = (),
                   include_duplicates: bool = False) -> dict[str, Any]:
    check_window(size)
    params: dict[str, Any] = {"id": check_reference(article_id), "alias": alias, "size": size,
                              **parse_filters(filters)}
    if include_duplicates:
        params["include_duplicates"] = True
    return params


def check_reference(reference: str) -> str:
    """An id, URL or path as the node can take it: text, and no longer than a path may be."""
    check_text(reference, "the article id, URL or path")
    if not reference.strip() or len(reference) > MAX_REFERENCE_CHARS:
        raise BadValue(f"an article id, URL or path of 1 to {MAX_REFERENCE_CHARS} characters is expected, "
                       f"got {len(reference)}")
    return reference


def resolve_article(client: Elasticsearch, alias: str, reference: str) -> str:
    """The id of the article a user names by id, canonical URL or source file path."""
    return locate_article(client, alias, reference)[0]


def locate_article(client: Elasticsearch, alias: str, reference: str) -> tuple[str, str]:
    """The article's id and the concrete index that holds it: the template's lookups by id (``more_like_this``,
    terms lookups) run on one index, and an alias of monthly indices has many."""
    check_reference(reference)
    if len(reference.encode()) <= MAX_ID_BYTES and (found := get_docs(client, alias, [reference], [],
                                                                       realtime=False)):
        return reference, str(found[0]["_index"])
    keys = [reference, *local_path(reference)]
    query = {"bool": {"should": [{"term": {"url": reference}}, {"terms": {"origin.key": keys}},
                                 {"terms": {"origin.path": keys}}]}}
    hits = client.search(index=alias, query=query, size=1, source=False)["hits"]["hits"]
    if not hits:
        shown = reference if len(reference) <= 120 else reference[:119] + "…"
        raise UnknownArticle(f"no article with id, URL or path {shown!r} in {alias}")
    return str(hits[0]["_id"]), str(hits[0]["_index"])


def local_path(reference: str) -> list[str]:
    """The reference as an absolute path, when it can be one (a NUL byte or an overlong name cannot)."""
    try:
        return [str(Path(reference).expanduser().resolve())]
    except (OSError, ValueError, RuntimeError):
        return []


def run_related(client: Elasticsearch, alias: str, params: dict[str, Any]) -> dict[str, Any]:
    return client.search(index=alias, **render(TEMPLATE, params)).body  # type: ignore[no-any-return]


def related_hits(response: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": hit["_id"], "score": hit["_score"], **hit["_source"]} for hit in response["hits"]["hits"]]


def format_related(response: dict[str, Any], article_id: str) -> str:
    hits = related_hits(response)
    lines = [f"{len(hits)} related article(s) to {article_id}"]
    for rank, hit in enumerate(hits, 1):
        label = for_terminal(hit.get("title") or hit.get("origin", {}).get("path") or hit["id"])
        lines.append(f"{rank}. {label}  [{hit['id']}  score {hit['score']:.2f}]")
    return "\n".join(lines)
