"""Named days ("Thanksgiving", "Election Day") and period ends ("year-end", "the weekend").

US holidays only: the corpus the rules were written against is US news. A holiday is taken in the
publication year, the nearest occurrence being the one news refers to in practice.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from transforms.enrich.dates.anchor import day_value
from transforms.enrich.dates.context import Context, Timex, unresolved
from transforms.enrich.dates.relative import unit_value
from transforms.models import Granularity

_FIXED = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "veterans day": (11, 11),
}
# (month, weekday 0 = Monday, n-th; -1 = last)
_FLOATING = {
    "thanksgiving": (11, 3, 4),
    "thanksgiving day": (11, 3, 4),
    "memorial day": (5, 0, -1),
    "labor day": (9, 0, 1),
}


def holiday_date(name: str, year: int) -> date:
    name = " ".join(name.lower().replace("’", "'").split())
    if name in _FIXED:
        return date(year, *_FIXED[name])
    if name == "election day":  # the Tuesday after the first Monday of November
        first_monday = _nth_weekday(year, 11, 0, 1)
        return first_monday + timedelta(days=1)
    return _nth_weekday(year, *_FLOATING[name])


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def holiday(m: re.Match[str], ctx: Context) -> Timex | None:
    if ctx.anchor is None:
        return unresolved("date", None, "day")
    anchor = ctx.anchor
    candidates = [holiday_date(m["h"], anchor.year + shift) for shift in (-1, 0, 1)]
    nearest = min(candidates, key=lambda d: abs((d - anchor).days))
    return Timex("date", day_value(nearest), "day")


_PERIOD_GRANULARITY: dict[str, Granularity] = {
    "weekend": "week", "month": "month", "week": "week", "quarter": "quarter",
}  # fmt: skip


def period_end(m: re.Match[str], ctx: Context) -> Timex | None:
    phrase = " ".join(m["w"].lower().replace("-", " ").split())
    unit = next(u for u in ("weekend", "month", "week", "quarter", "year") if u in phrase)
    mod = "END" if "end" in phrase and unit != "weekend" else None
    granularity = _PERIOD_GRANULARITY.get(unit, "year")
    if ctx.anchor is None:
        return unresolved("date", None, granularity, mod)
    offset = _weekend_offset(m, ctx, ctx.anchor) if unit == "weekend" else 0
    return Timex("date", unit_value(ctx.anchor, unit, offset), granularity, mod=mod)


def _weekend_offset(m: re.Match[str], ctx: Context, anchor: date) -> int:
    """ "over the weekend" in a weekday story is the one just past unless the sentence looks ahead ("will
    meet at the weekend"): news reports what happened, as with a bare weekday. On a Saturday or Sunday it is
    the weekend under way."""
    if anchor.isoweekday() >= 6:
        return 0
    return 0 if ctx.direction(m.start(), m.end()) > 0 else -1
