"""Date facets of a few buckets whatever the range: days for a fortnight of news, years or decades for an archive.

A monthly histogram of a corpus that spans decades printed hundreds of buckets. The local node has no
``auto_date_histogram`` (the aggregations module is not in its distribution), so the interval is chosen here: the
search returns each date facet's ``stats`` (first and last date) with yearly buckets; when another interval fits
the range better, one more request (no hits, only those aggregations) asks for it. Ranges of more than 24 years
are counted in N-year ``date_range`` buckets, so an article is counted once per bucket however many of its dates
fall in it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

MAX_DATE_BUCKETS = 24
DATE_FACETS = {"published": "published_at", "mentioned": "mentioned_dates_in_range"}  # facet → field
DEFAULT_UNIT = "year"  # what the template asks for without a ``<facet>_interval`` param
YEAR_GROUPS = (5, 10, 25, 50, 100, 250, 1000)
_UNIT_CODES = {"day": "d", "week": "w", "month": "M", "quarter": "q", "year": "y"}


@dataclass(frozen=True)
class DateInterval:
    unit: str  # a calendar_interval: day, week, month, quarter, year
    years: int = 1  # for unit year: years per bucket

    @property
    def code(self) -> str:
        """``7d``-style name of the interval, as the facets report it (``1M``, ``5y`` …)."""
        return f"{self.years}y" if self.unit == "year" else f"1{_UNIT_CODES[self.unit]}"


def choose_interval(first: datetime, last: datetime, limit: int = MAX_DATE_BUCKETS) -> DateInterval:
    """The finest calendar interval that cuts ``first``…``last`` into at most ``limit`` buckets."""
    days = (last.date() - first.date()).days + 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    quarters = (last.year - first.year) * 4 + (last.month - 1) // 3 - (first.month - 1) // 3 + 1
    candidates = (("day", days), ("week", days // 7 + 2), ("month", months), ("quarter", quarters),
                  ("year", last.year - first.year + 1))
    for unit, buckets in candidates:
        if buckets <= limit:
            return DateInterval(unit)
    for years in YEAR_GROUPS:
        if last.year // years - first.year // years + 1 <= limit:
            return DateInterval("year", years)
    return DateInterval("year", YEAR_GROUPS[-1])


def year_ranges(first: datetime, last: datetime, years: int) -> list[dict[str, str]]:
    """``date_range`` ranges of ``years`` years, aligned on multiples of ``years`` (1990, 2000 …)."""
    start = first.year // years * years
    return [{"key": f"{year:04d}", "from": f"{year:04d}-01-01", "to": f"{year + years:04d}-01-01"}
            for year in range(start, last.year + 1, years)]


def stats_range(stats: dict[str, Any]) -> tuple[datetime, datetime] | None:
    if not stats.get("count") or stats.get("min") is None or stats.get("max") is None:
        return None
    return (datetime.fromtimestamp(stats["min"] / 1000, UTC), datetime.fromtimestamp(stats["max"] / 1000, UTC))


def facet_aggregation(field: str, interval: DateInterval, span: tuple[datetime, datetime]) -> dict[str, Any]:
    if interval.unit == "year" and interval.years > 1:
        return {"date_range": {"field": field, "format": "yyyy-MM-dd", "ranges": year_ranges(*span, interval.years)}}
    return {"date_histogram": {"field": field, "calendar_interval": interval.unit, "min_doc_count": 1}}


def refine_date_facets(client: Elasticsearch, alias: str, body: dict[str, Any], response: dict[str, Any]) -> None:
    """Replaces the yearly date facets of ``response`` (from ``body``) by ones of at most 24 buckets, in place; each
    facet says its interval (``"interval": "1M"``)."""
    aggregations = response.get("aggregations", {})
    wanted: dict[str, dict[str, Any]] = {}
    for name, field in DATE_FACETS.items():
        span = stats_range(aggregations.get(f"{name}_range", {}))
        interval = choose_interval(*span) if span else DateInterval(DEFAULT_UNIT)
        if name in aggregations:
            aggregations[name]["interval"] = interval.code
        if span and interval != DateInterval(DEFAULT_UNIT):
            wanted[name] = facet_aggregation(field, interval, span)
    if not wanted:
        return
    request = {key: copy.deepcopy(value) for key, value in body.items() if key in ("query", "timeout")}
    found = client.search(index=alias, size=0, track_total_hits=False, aggs=wanted, **request).body
    for name, aggregation in found.get("aggregations", {}).items():
        aggregations[name] = {**aggregation, "interval": aggregations[name]["interval"]}
