"""Find temporal expressions in a text and normalise them against the publication date.

HeidelTime-style: every expression class has a linear-time regex (``patterns``) and a normaliser; all
candidates are collected, then the leftmost-longest ones win, ties going to the earlier rule. A normaliser
may veto its match (``None``), which is how "may" the verb or "25,000 troops" are kept out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from transforms.enrich.dates import absolute, holidays, patterns, periods, relative
from transforms.enrich.dates.anchor import value_range
from transforms.enrich.dates.context import Context, Timex
from transforms.models import DateMention

Normaliser = Callable[[re.Match[str], Context], Timex | None]

# Order is the tie-break between equally long candidates: the more specific reading first.
RULES: tuple[tuple[re.Pattern[str], Normaliser], ...] = (
    (patterns.ISO, absolute.iso_date),
    (patterns.NUMERIC, absolute.numeric_date),
    (patterns.CLOCK, relative.clock),
    (patterns.MONTH_DAY, absolute.month_day),
    (patterns.DAY_MONTH, absolute.month_day),
    (patterns.MONTH_YEAR, absolute.month_year),
    (patterns.QUARTER, periods.quarter),
    (patterns.REL_QUARTER, periods.relative_quarter),
    (patterns.AGO, relative.ago),
    (patterns.SET, periods.frequency),
    (patterns.REL_UNIT, relative.relative_unit),
    (patterns.REL_DAY, relative.relative_day),
    (patterns.WEEKDAY_REL, relative.weekday),
    (patterns.SEASON, periods.season),
    (patterns.DECADE, absolute.decade),
    (patterns.CENTURY, absolute.century),
    (patterns.MONTH, absolute.month_alone),
    (patterns.YEAR_ONLY, absolute.year_alone),
    (patterns.SPELLED_YEAR, absolute.spelled_year),
    (patterns.DURATION, periods.duration),
    (patterns.REFS, periods.reference),
    (patterns.PERIOD_END, holidays.period_end),
    (patterns.HOLIDAY, holidays.holiday),
)

_TRIGGER = re.compile(
    r"\d|(?i:today|tonight|tomorrow|yesterday|day|week|month|year|quarter|half|season|spring|summer|fall|"
    r"autumn|winter|decade|centur|now|current|recent|past|future|ly\b|noon|midnight|hour|minute|second|"
    r"eties|nties|ies\b|night|morning|evening|christmas|eve\b|thanksgiving|halloween)|[JFMASOND][a-z]{2}|[JFMASOND][A-Z]{2}|[MTWFS][a-z]{4,7}day"
)


def find_date_mentions(text: str, published_at: datetime | date | None) -> list[DateMention]:
    """All temporal expressions of ``text``, in order, with offsets into ``text``.

    Relative expressions are resolved against ``published_at``; without it they are kept with
    ``resolved=False`` and an X-filled value (or None) instead of a guess.
    """
    if not text or _TRIGGER.search(text) is None:
        return []
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    ctx = Context(text, anchor)
    mentions = []
    for start, end, timex in _select(_candidates(ctx), ctx):
        mentions.append(_mention(text, start, end, timex, anchor))
    return mentions


def _candidates(ctx: Context) -> list[tuple[int, int, int, re.Match[str], Normaliser]]:
    found = []
    for rank, (pattern, normaliser) in enumerate(RULES):
        for m in pattern.finditer(ctx.text):
            start, end = _trim(ctx.text, m.start(), m.end())
            if end > start:
                found.append((start, end, rank, m, normaliser))
    found.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
    return found


def _select(
    candidates: list[tuple[int, int, int, re.Match[str], Normaliser]], ctx: Context
) -> list[tuple[int, int, Timex]]:
    """Leftmost-longest, non-overlapping; a vetoed candidate leaves room for a shorter one."""
    chosen: list[tuple[int, int, Timex]] = []
    taken_until = 0
    for start, end, _rank, m, normaliser in candidates:
        if start < taken_until:
            continue
        timex = normaliser(m, ctx)
        if timex is not None:
            chosen.append((start, end, timex))
            taken_until = end
    return chosen


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    while start < end and text[start] in " \t\n":
        start += 1
    return start, end


def _mention(text: str, start: int, end: int, timex: Timex, anchor: date | None) -> DateMention:
    span = value_range(timex.value, timex.mod) if timex.type in ("date", "time") else None
    if timex.value == "PRESENT_REF" and anchor is not None:
        span = (anchor, anchor)
    return DateMention(
        text=text[start:end], start=start, end=end, type=timex.type, value=timex.value,
        granularity=timex.granularity, resolved=_is_resolved(timex, span),
        range_start=span[0] if span else None, range_end=span[1] if span else None,
    )


def _is_resolved(timex: Timex, span: tuple[date, date] | None) -> bool:
    """Resolved = the value has no unknown part: a calendar range for dates and times, no X in durations
    and sets ("P3Y" is resolved, "PXY" and "every Tuesday" = XXXX-WXX-2 are not)."""
    if not timex.resolved or timex.value is None:
        return False
    if timex.type in ("date", "time"):
        return span is not None
    return "X" not in timex.value

