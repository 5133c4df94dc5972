"""The facets of a search answer, as people read them: labelled buckets, a few per facet, one per line.

Date facets have at most 24 buckets (``flows.search.date_facets`` picks days, weeks, months, quarters, years or
decades by the range), so a corpus spanning decades prints two dozen lines, not hundreds of months on one. A story
facet is an opaque id; the headline of the story's first article (by ``date``) among the hits says what it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass
from typing import Any

from flows.search.date_facets import DATE_FACETS as DATE_FIELDS
from flows.search.terminal import for_terminal

TERMS_FACETS = ("languages", "sources", "authors", "persons", "organizations", "locations", "groups", "events",
                "stories")
DATE_FACETS = tuple(DATE_FIELDS)
FACETS = TERMS_FACETS + DATE_FACETS
_INTERVAL = re.compile(r"(\d+)([dwMqy])")
# Characters of an ISO date to keep: a bucket of years is a year, of months or quarters a month, else a day.
_LABEL_CHARS = {"y": 4, "M": 7, "q": 7}
_UNIT_NAMES = {"d": "day", "w": "week", "M": "month", "q": "quarter", "y": "year"}


@dataclass(frozen=True)
class FacetBucket:
    key: str
    count: int
    headline: str | None = None  # stories: the title of the story's first article among the hits

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def date_label(key_as_string: str, interval: str | None) -> str:
    """A bucket's start, as precise as its interval (``5y``, ``1M``, ``1w`` …): ``2020`` for years, ``2024-05`` for
    months and quarters, else the day."""
    match = _INTERVAL.fullmatch(interval or "")
    return key_as_string[: _LABEL_CHARS.get(match.group(2) if match else "", 10)]


def terms_buckets(name: str, aggregation: dict[str, Any]) -> list[FacetBucket]:
    return [FacetBucket(str(b["key"]), int(b["doc_count"]), first_headline(b) if name == "stories" else None)
            for b in aggregation.get("buckets", [])]


def first_headline(bucket: dict[str, Any]) -> str | None:
    """The title of the story's first article; an untitled one (a bare text file) by the start of its body."""
    hits = bucket.get("first", {}).get("hits", {}).get("hits", [])
    if not hits:
        return None
    title = hits[0].get("_source", {}).get("title")
    if title:
        return str(title)
    start = hits[0].get("highlight", {}).get("body", [])
    return html.unescape(start[0]).strip() + " …" if start else None


def date_buckets(aggregation: dict[str, Any]) -> list[FacetBucket]:
    """Non-empty buckets only (N-year ranges can be empty)."""
    interval = aggregation.get("interval")
    return [FacetBucket(date_label(b.get("key_as_string", str(b["key"])), interval), int(b["doc_count"]))
            for b in aggregation.get("buckets", []) if b["doc_count"]]


def facets(response: dict[str, Any]) -> dict[str, list[FacetBucket]]:
    aggregations = response.get("aggregations", {})
    found = {name: terms_buckets(name, aggregations.get(name, {})) for name in TERMS_FACETS}
    found.update({name: date_buckets(aggregations.get(name, {})) for name in DATE_FACETS})
    return found


def facets_json(response: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: [bucket.to_json() for bucket in buckets] for name, buckets in facets(response).items()}


def interval_name(interval: str | None) -> str:
    """``1M`` → ``month``, ``5y`` → ``5 years``."""
    match = _INTERVAL.fullmatch(interval or "")
    if not match:
        return "year"
    count, unit = int(match.group(1)), _UNIT_NAMES[match.group(2)]
    return unit if count == 1 else f"{count} {unit}s"


def date_intervals(response: dict[str, Any]) -> dict[str, str | None]:
    aggregations = response.get("aggregations", {})
    return {name: aggregations.get(name, {}).get("interval") for name in DATE_FACETS}


def format_facets(found: dict[str, list[FacetBucket]], intervals: dict[str, str | None]) -> list[str]:
    """Terms facets on one line each (at most ten short keys); stories and dates one bucket per line."""
    lines = []
    for name, buckets in found.items():
        if not buckets:
            continue
        if name in DATE_FACETS:
            width = max(len(b.key) for b in buckets)
            lines += [f"  {name} (by {interval_name(intervals.get(name))}):"]
            lines += [f"    {b.key:<{width}}  {b.count:>6}" for b in buckets]
        elif name == "stories":
            lines += [f"  {name}:"] + [f"    {for_terminal(b.key)}  ({b.count})  {for_terminal(b.headline or '')}"
                                       .rstrip() for b in buckets]
        else:
            lines.append(f"  {name}: " + ", ".join(f"{for_terminal(b.key)} ({b.count})" for b in buckets))
    return lines
