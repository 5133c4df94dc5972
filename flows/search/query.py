"""`newsindex search`: the committed template, rendered, sent to _search; hits with highlights and facets."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.limits import (
    MAX_QUERY_CHARS,
    BadFilter,
    bound_query,
    check_filter_value,
    check_text,
    check_window,
)
from flows.search.render import render

__all__ = ["FACETS", "FILTERS", "MAX_QUERY_CHARS", "BadFilter", "clean_query", "parse_filters", "search_params"]

# Parameters a user may set; everything else is refused, so no input reaches a field the template does not name.
FILTERS = ("language", "source", "story_id", "entity", "person", "organization", "location", "group", "event",
           "published_from", "published_to", "mentioned_from", "mentioned_to")
FACETS = ("languages", "sources", "persons", "organizations", "locations", "groups", "events", "stories",
          "published", "mentioned")


def parse_filters(filters: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in filters:
        field, sep, value = check_text(item, "--filter").partition("=")
        field, value = field.strip(), value.strip()
        if not sep or field not in FILTERS or not value:
            raise BadFilter(f"--filter {item!r}: expected FIELD=VALUE with FIELD one of {', '.join(FILTERS)}")
        params[field] = check_filter_value(field, value)
    return params


def clean_query(query: str) -> str:
    """User text as the templates take it: trimmed and bounded (see ``flows.search.limits``)."""
    return bound_query(query)[0]


def search_params(query: str, filters: Sequence[str], size: int = 10, offset: int = 0,
                  story: str | None = None) -> dict[str, Any]:
    check_window(size, offset)
    params: dict[str, Any] = {"query": clean_query(query), "size": size, "from": offset, **parse_filters(filters)}
    if story:
        params["story_id"] = check_filter_value("story_id", check_text(story, "--story"), option="--story")
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


# Control characters (ESC sequences included) in an article would drive the terminal that shows it.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKS = re.compile(r"</?em>")


def for_terminal(text: str) -> str:
    """One line of text that cannot move the cursor, retitle the window or clear the screen."""
    return " ".join(_CONTROL.sub("\ufffd", text).split())


def plain_highlight(fragment: str) -> str:
    """An html-encoded highlight (the templates' encoder) for a terminal: one line, «marked» terms, raw text."""
    marked = _MARKS.sub(lambda m: "«" if m.group(0) == "<em>" else "»", fragment)
    return for_terminal(html.unescape(marked))


def format_response(response: dict[str, Any]) -> str:
    total = response["hits"]["total"]["value"]
    lines = [f"{total} hit(s)"]
    for rank, hit in enumerate(response["hits"]["hits"], 1):
        src, highlight = hit["_source"], hit.get("highlight", {})
        title = plain_highlight(highlight["title"][0]) if highlight.get("title") else for_terminal(
            src.get("title") or "(untitled)")
        lines.append(f"\n{rank}. {title}  [{hit['_id']}  score {hit['_score']:.2f}]")
        path = for_terminal(str(src.get("origin", {}).get("path", "")))
        lines.append(f"   {src.get('language', '')}  {src.get('published_at') or ''}  {path}")
        for fragment in highlight.get("body", [])[:3]:
            lines.append(f"   … {plain_highlight(fragment)} …")
    lines.append("\nfacets:")
    for name, buckets in facet_counts(response).items():
        if buckets:
            lines.append(f"  {name}: " + ", ".join(f"{for_terminal(key)} ({count})" for key, count in buckets))
    return "\n".join(lines)
