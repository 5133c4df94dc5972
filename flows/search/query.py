"""`newsindex search`: the committed template, rendered, sent to _search; hits with highlights and facets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.date_facets import refine_date_facets
from flows.search.facets import FACETS, date_intervals, facets, facets_json, format_facets
from flows.search.hits import merged_highlight, search_hit
from flows.search.limits import (
    MAX_QUERY_CHARS,
    BadFilter,
    bound_query,
    check_filter_value,
    check_text,
    check_window,
)
from flows.search.render import render
from flows.search.terminal import for_terminal, plain_highlight

__all__ = ["FACETS", "FILTERS", "MAX_QUERY_CHARS", "BadFilter", "clean_query", "for_terminal", "parse_filters",
           "plain_highlight", "search_params"]

# Parameters a user may set; everything else is refused, so no input reaches a field the template does not name.
# The templates match language, source, authors and entity names case- and accent-insensitively (``.fold``).
FILTERS = ("language", "source", "authors", "story_id", "entity", "person", "organization", "location", "group",
           "event", "published_from", "published_to", "date_from", "date_to", "mentioned_from", "mentioned_to")
# Names people type for a filter (the singular of a plural field) → the template's param.
FILTER_ALIASES = {"author": "authors"}


def parse_filters(filters: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in filters:
        field, sep, value = check_text(item, "--filter").partition("=")
        field, value = FILTER_ALIASES.get(field.strip(), field.strip()), value.strip()
        if not sep or field not in FILTERS or not value:
            raise BadFilter(f"--filter {item!r}: expected FIELD=VALUE with FIELD one of {', '.join(FILTERS)}")
        params[field] = check_filter_value(field, unquoted(value))
    return params


def unquoted(value: str) -> str:
    """``source="bbc news"`` typed inside single quotes reaches here with its double quotes: they are not part of
    the value."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


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
    """The template's answer, with date facets of at most 24 buckets (one more request when the range needs
    another interval than years: ``flows.search.date_facets``)."""
    body = render(template, params)
    response: dict[str, Any] = client.search(index=alias, **body).body
    refine_date_facets(client, alias, body, response)
    return response


def facet_counts(response: dict[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """Facet name → (key, count) pairs; ``flows.search.facets`` has the labelled buckets."""
    return {name: [(bucket.key, bucket.count) for bucket in buckets] for name, buckets in facets(response).items()}


def format_response(response: dict[str, Any]) -> str:
    total = response["hits"]["total"]["value"]
    lines = [f"{total} hit(s)"]
    for rank, hit in enumerate(response["hits"]["hits"], 1):
        src, highlight = hit["_source"], merged_highlight(hit)
        title = plain_highlight(highlight["title"][0]) if highlight.get("title") else for_terminal(
            src.get("title") or "(untitled)")
        lines.append(f"\n{rank}. {title}  [{hit['_id']}  score {hit.get('_score') or 0:.2f}]")
        path = for_terminal(str(src.get("origin", {}).get("path", "")))
        lines.append(f"   {src.get('language', '')}  {shown_date(src)}  {path}")
        for fragment in highlight.get("body", [])[:3]:
            lines.append(f"   … {plain_highlight(fragment)} …")
    lines.append("\nfacets:")
    lines += format_facets(facets(response), date_intervals(response))
    return "\n".join(lines)


def shown_date(source: dict[str, Any]) -> str:
    """The day a hit sorts by, marked when it is the first-seen time rather than a publication date."""
    date = str(source.get("date") or source.get("published_at") or "")[:10]
    return f"{date} (first seen)" if date and source.get("date_source") == "first_seen" else date


def search_json(response: dict[str, Any]) -> dict[str, Any]:
    """``newsindex search --json``: ``total``, ``hits`` (``flows.search.hits.search_hit``) and ``facets`` (name →
    ``{"key", "count"}`` buckets; stories add ``headline``)."""
    return {"total": response["hits"]["total"]["value"], "hits": [search_hit(h) for h in response["hits"]["hits"]],
            "facets": facets_json(response)}
