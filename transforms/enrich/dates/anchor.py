"""Calendar arithmetic and TIMEX3 value formatting, shared by every normaliser.

Values are built here and only here, so the format (``2024-W44``, ``2024-Q4``, ``199``) is consistent, and
the calendar range a value covers is derived back from the value itself: one parser for every rule.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}

_VALUE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<m>\d\d)(?:-(?P<d>\d\d))?|W(?P<w>\d\d)(?P<we>-WE)?|Q(?P<q>[1-4])|H(?P<h>[12])"
    r"|(?P<s>SP|SU|FA|WI)))?(?:T.*)?$|(?P<decade>\d{3})$|(?P<century>\d{2})$"
)


def day_value(d: date) -> str:
    return d.isoformat()


def week_value(d: date) -> str:
    iso = d.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def month_value(year: int, month: int) -> str:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}"


def quarter_value(year: int, quarter: int) -> str:
    year, quarter = year + (quarter - 1) // 4, (quarter - 1) % 4 + 1
    return f"{year:04d}-Q{quarter}"


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def safe_date(year: int, month: int, day: int) -> date | None:
    """A real calendar day or None: "Feb. 30" is a parse mistake, not a date."""
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and 1 <= year <= 9999):
        return None
    return date(year, month, day)


def weekday_near(anchor: date, weekday: int, direction: int) -> date:
    """The ``weekday`` (1 = Monday) nearest ``anchor``: on or before it (direction -1), on or after it (+1),
    or inside the anchor's own ISO week (0). HeidelTime resolves news weekdays the same way from tense."""
    offset = weekday - anchor.isoweekday()
    if direction < 0 and offset > 0:
        offset -= 7
    elif direction > 0 and offset < 0:
        offset += 7
    return anchor + timedelta(days=offset)


def shift_month(anchor: date, months: int) -> tuple[int, int]:
    total = anchor.year * 12 + anchor.month - 1 + months
    return total // 12, total % 12 + 1


def value_range(value: str | None, mod: str | None = None) -> tuple[date, date] | None:
    """First and last calendar day a TIMEX3 value covers, narrowed to a third for early/mid/late."""
    match = _VALUE.match(value or "")
    if match is None:
        return None
    span = _span(match)
    if span is None or mod not in ("START", "MID", "END") or span[0] == span[1]:
        return span
    first, last = span
    third = (last - first).days // 3
    if mod == "START":
        return first, first + timedelta(days=third)
    if mod == "END":
        return last - timedelta(days=third), last
    return first + timedelta(days=third), last - timedelta(days=third)


def _span(m: re.Match[str]) -> tuple[date, date] | None:
    if m["decade"]:
        start = int(m["decade"]) * 10
        return date(max(start, 1), 1, 1), date(start + 9, 12, 31)
    if m["century"]:
        start = int(m["century"]) * 100
        return date(max(start, 1), 1, 1), date(start + 99, 12, 31)
    year = int(m["y"])
    if year < 1:
        return None
    if m["d"]:
        d = safe_date(year, int(m["m"]), int(m["d"]))
        return (d, d) if d else None
    if m["m"]:
        return _months(year, int(m["m"]), int(m["m"]))
    if m["w"]:
        return _week(year, int(m["w"]), bool(m["we"]))
    if m["q"]:
        q = int(m["q"])
        return _months(year, 3 * q - 2, 3 * q)
    if m["h"]:
        h = int(m["h"])
        return _months(year, 6 * h - 5, 6 * h)
    if m["s"]:
        return _months(year, *SEASON_MONTHS[m["s"]])
    return date(year, 1, 1), date(year, 12, 31)


def _months(year: int, first: int, last: int) -> tuple[date, date] | None:
    if not 1 <= first <= 12:
        return None
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    if end_year > 9999:
        return None
    return date(year, first, 1), date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])


def _week(year: int, week: int, weekend: bool) -> tuple[date, date] | None:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    if weekend:
        return monday + timedelta(days=5), monday + timedelta(days=6)
    return monday, monday + timedelta(days=6)
