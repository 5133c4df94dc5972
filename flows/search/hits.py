"""What a search hit shows: its fields, the date it sorts by, and one body highlight whatever its language.

Bodies in German, French … are matched through ``lang_body.<code>`` (that language's stemming), so the node
returns their marks under that field; a caller wants the body's snippet under one name. The body's highlight is
configured with ``no_match_size``, so an article matched only through ``lang_body``, or browsed without a query,
still has a snippet: the start of its body, unmarked. Marked fragments win over unmarked ones.
"""

from __future__ import annotations

from typing import Any

MARK = "<em>"
LANG_BODY = "lang_body."
SNIPPET_SEPARATOR = " … "


def marked(fragments: list[str]) -> bool:
    return any(MARK in fragment for fragment in fragments)


def body_highlight(highlight: dict[str, list[str]]) -> list[str]:
    """The body's fragments: marked ones from ``body``, else from a ``lang_body.<code>``, else the unmarked start
    of the body (``no_match_size``)."""
    body = highlight.get("body", [])
    if marked(body):
        return body
    for name in sorted(highlight):
        if name.startswith(LANG_BODY) and marked(highlight[name]):
            return highlight[name]
    return body


def merged_highlight(hit: dict[str, Any]) -> dict[str, list[str]]:
    """The hit's highlight with ``lang_body.*`` folded into ``body``."""
    highlight = hit.get("highlight", {})
    merged = {name: fragments for name, fragments in highlight.items() if not name.startswith(LANG_BODY)}
    body = body_highlight(highlight)
    if body:
        merged["body"] = body
    return merged


def search_hit(hit: dict[str, Any]) -> dict[str, Any]:
    """One hit of ``newsindex search --json``: the stored fields the template returns, plus ``id``, ``score``,
    ``snippet`` (html-encoded, ``<em>`` marks) and ``highlight`` (``title``, ``body``)."""
    source = hit.get("_source", {})
    highlight = merged_highlight(hit)
    return {"id": hit["_id"], "score": hit.get("_score"), **source, **hit_date(source),
            "snippet": SNIPPET_SEPARATOR.join(highlight.get("body", [])), "highlight": highlight}


def hit_date(source: dict[str, Any]) -> dict[str, Any]:
    """Documents indexed before ``date`` existed have their publication date, when they have one."""
    if source.get("date"):
        return {"date": source["date"], "date_source": source.get("date_source")}
    published = source.get("published_at")
    return {"date": published, "date_source": "published" if published else None}
