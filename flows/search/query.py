"""`newsindex search`: the committed template, rendered, sent to _search; hits with highlights and facets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.render import render

# Parameters a user may set; everything else is refused, so no input reaches a field the template does not name.
FILTERS = ("language", "source", "story_id", "entity", "person", "organization", "location", "group", "event",
           "published_from", "published_to", "mentioned_from", "mentioned_to")
FACETS = ("languages", "sources", "persons", "organizations", "locations", "groups", "events", "stories",
          "published", "mentioned")


# A query is words, not a document: longer text is cut (at a word boundary) so no request grows without bound.
MAX_QUERY_CHARS = 16_384


class BadFilter(ValueError):
    """A --filter that is not FIELD=VALUE with a known FIELD."""


def parse_filters(filters: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in filters:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep or field not in FILTERS or not value.strip():
            raise BadFilter(f"--filter {item!r}: expected FIELD=VALUE with FIELD one of {', '.join(FILTERS)}")
        params[field] = value.strip()
    return params


def clean_query(query: str) -> str:
    """User text as the templates take it: trimmed and bounded; its syntax is left to simple_query_string,
    which never raises on malformed input and only searches the fields the template names."""
    text = query.strip()
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(None, 1)[0] if " " in cut else cut
    return text


def search_params(query: str, filters: Sequence[str], size: int = 10, offset: int = 0,
                  story: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"query": clean_query(query), "size": size, "from": offset, **parse_filters(filters)}
    if story:
        params["story_id"] = story
    return params


def run_search(client: Elasticsearch, alias: str, params: dict[str, Any],
               template: str = "articles-search") -> dict[str, Any]:
    return client.search(index=alias, **render(template, params)).body  # type: ignore[no-any-return]


def facet_counts(response: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    facets = {}
    for name in FACETS:
        buckets = response.get("aggregations", {}).get(name, {}).get("buckets", [])
        facets[name] = [(b["key_as_string"][:10] if "key_as_string" in b else str(b["key"]), int(b["doc_count"]))
                        for b in buckets]
    return facets


def plain_highlight(fragment: str) -> str:
    """A highlight for a terminal: one line, «marked» terms."""
    return re.sub(r"</?em>", lambda m: "«" if m.group(0) == "<em>" else "»", " ".join(fragment.split()))


_plain = plain_highlight


def format_response(response: dict[str, Any]) -> str:
    total = response["hits"]["total"]["value"]
    lines = [f"{total} hit(s)"]
    for rank, hit in enumerate(response["hits"]["hits"], 1):
        src = hit["_source"]
        title = _plain(hit.get("highlight", {}).get("title", [src.get("title") or "(untitled)"])[0])
        lines.append(f"\n{rank}. {title}  [{hit['_id']}  score {hit['_score']:.2f}]")
        path = src.get("origin", {}).get("path", "")
        lines.append(f"   {src.get('language', '')}  {src.get('published_at') or ''}  {path}")
        for fragment in hit.get("highlight", {}).get("body", [])[:3]:
            lines.append(f"   … {_plain(fragment)} …")
    lines.append("\nfacets:")
    for name, buckets in facet_counts(response).items():
        if buckets:
            lines.append(f"  {name}: " + ", ".join(f"{key} ({count})" for key, count in buckets))
    return "\n".join(lines)
