"""Find temporal expressions in a text and normalise them against the publication date.

HeidelTime-style: every expression class has a linear-time regex (``patterns``) and a normaliser; all
candidates are collected, then the leftmost-longest ones win, ties going to the earlier rule. A normaliser
may veto its match (``None``), which is how "may" the verb or "25,000 troops" are kept out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from transforms.clean.published import EARLIEST_YEAR, LATEST_YEAR
from transforms.enrich.dates import absolute, discourse, holidays, patterns, periods, relative
from transforms.enrich.dates.anchor import value_range
from transforms.enrich.dates.context import Context, Timex
from transforms.enrich.dates.triggers import LOOK_BEHIND, WORD_START, find_triggers
from transforms.models import DateMention

Normaliser = Callable[[re.Match[str], Context], Timex | None]
Candidate = tuple[int, int, int, re.Match[str], Normaliser]  # start, end, rule rank, match, normaliser

# Order is the tie-break between equally long candidates: the more specific reading first. The third field
# names the trigger families (see ``triggers``) whose words the expression always contains, the fourth how
# many words at most the expression puts before its trigger ("more than twenty five | years").
Rule = tuple[re.Pattern[str], Normaliser, frozenset[str], int]
RULES: tuple[Rule, ...] = tuple(
    (pattern, normaliser, frozenset(families.split()), words)
    for pattern, normaliser, families, words in (
        (patterns.ISO, absolute.iso_date, "year", 0),
        (patterns.NUMERIC, absolute.numeric_date, "slash", 0),
        (patterns.CLOCK, relative.clock, "clock", 4),
        (patterns.MONTH_DAY, absolute.month_day, "month", 2),
        (patterns.DAY_MONTH, absolute.month_day, "month", 4),
        (patterns.MONTH_YEAR, absolute.month_year, "month", 4),
        (patterns.QUARTER, periods.quarter, "unit q", 6),
        (patterns.REPORT_PERIOD, discourse.report_period, "unit period", 4),
        (patterns.REL_QUARTER, periods.relative_quarter, "unit", 3),
        (patterns.THAT_YEAR, discourse.that_year, "unit", 4),
        (patterns.AGO, relative.ago, "unit", 4),
        (patterns.SET, periods.frequency, "adverb weekday unit month part", 3),
        (patterns.REL_UNIT, relative.relative_unit, "unit", 7),
        (patterns.REL_DAY, relative.relative_day, "dayword part", 3),
        (patterns.WEEKDAY_REL, relative.weekday, "weekday", 3),
        (patterns.SEASON, periods.season, "season", 6),
        (patterns.DECADE, absolute.decade, "year decade", 5),
        (patterns.CENTURY, absolute.century, "unit", 2),
        (patterns.MONTH, absolute.month_alone, "month", 6),
        (patterns.YEAR_ONLY, absolute.year_alone, "year", 6),
        (patterns.YEAR_RANGE_START, absolute.year_range_start, "year", 0),
        (patterns.YEAR_RANGE_END, absolute.year_range_end, "year rangeend", 0),
        (patterns.SPELLED_YEAR, absolute.spelled_year, "spelled", 0),
        (patterns.DURATION, periods.duration, "unit", 7),
        (patterns.VAGUE_SPAN, periods.vague_span, "unit", 1),
        (patterns.REFS, periods.reference, "ref", 3),
        (patterns.PERIOD_END, holidays.period_end, "unit", 5),
        (patterns.HOLIDAY, holidays.holiday, "holiday", 1),
    )
)
MAX_TRIGGERS = 10_000  # trigger offsets per text; an article of 100,000 words has about 3,000
_RULES_BY_FAMILY: dict[str, list[int]] = {}
for _rank, _rule in enumerate(RULES):
    for _family in _rule[2]:
        _RULES_BY_FAMILY.setdefault(_family, []).append(_rank)


def find_date_mentions(text: str, published_at: datetime | date | None) -> list[DateMention]:
    """All temporal expressions of ``text``, in order, with offsets into ``text``.

    Relative expressions are resolved against ``published_at``; without it they are kept with
    ``resolved=False`` and an X-filled value (or None) instead of a guess. A date outside the years a
    publication date can have (the clean stage's ``EARLIEST_YEAR``-``LATEST_YEAR``) is no anchor either:
    the normalisers' arithmetic ("next year", the nearest Christmas) would leave the calendar near year 9999.
    """
    if not text:
        return []
    anchor = published_at.date() if isinstance(published_at, datetime) else published_at
    if anchor is not None and not EARLIEST_YEAR <= anchor.year <= LATEST_YEAR:
        anchor = None
    ctx = Context(text, anchor)
    mentions = []
    for start, end, timex in _select(_candidates(ctx), ctx):
        mentions.append(_mention(text, start, end, timex, anchor))
    return mentions


def _candidates(ctx: Context) -> list[Candidate]:
    """Every rule match that contains a trigger word, tried only at the word starts just before it."""
    text = ctx.text
    tried: dict[tuple[int, int], re.Match[str] | None] = {}  # (rule, start) → its match there, computed once
    found: dict[tuple[int, int, int], Candidate] = {}
    for position, ranks in _triggered_rules(text).items():
        starts = [m.start() for m in WORD_START.finditer(text, max(0, position - LOOK_BEHIND), position + 1)]
        for rank in ranks:
            pattern, normaliser, _families, words = RULES[rank]
            for start in starts[-1 - words :]:
                if (rank, start) not in tried:
                    tried[(rank, start)] = pattern.match(text, start)
                m = tried[(rank, start)]
                if m is not None and m.end() > position:
                    found[(start, m.end(), rank)] = (start, m.end(), rank, m, normaliser)
    return sorted(found.values(), key=lambda c: (c[0], c[0] - c[1], c[2]))


def _triggered_rules(text: str) -> dict[int, set[int]]:
    """Trigger offset -> rules to try there; past MAX_TRIGGERS the text is not prose and the rest is skipped,
    which bounds the time spent on pathological input (a megabyte of month names)."""
    by_position: dict[int, set[int]] = {}
    for position, family in find_triggers(text):
        if len(by_position) >= MAX_TRIGGERS and position not in by_position:
            continue
        by_position.setdefault(position, set()).update(_RULES_BY_FAMILY.get(family, ()))
    return by_position


def _select(candidates: list[Candidate], ctx: Context) -> list[tuple[int, int, Timex]]:
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


def _mention(text: str, start: int, end: int, timex: Timex, anchor: date | None) -> DateMention:
    span = value_range(timex.value, timex.mod) if timex.type in ("date", "time") else None
    if timex.value == "PRESENT_REF" and anchor is not None:
        span = (anchor, anchor)
    return DateMention(
        text=text[start:end],
        start=start,
        end=end,
        type=timex.type,
        value=timex.value,
        granularity=timex.granularity,
        resolved=_is_resolved(timex, span),
        range_start=span[0] if span else None,
        range_end=span[1] if span else None,
    )


def _is_resolved(timex: Timex, span: tuple[date, date] | None) -> bool:
    """Resolved = the value has no unknown part: a calendar range for dates and times, no X in durations
    and sets ("P3Y" is resolved, "PXY" and "every Tuesday" = XXXX-WXX-2 are not)."""
    if not timex.resolved or timex.value is None:
        return False
    if timex.type in ("date", "time"):
        return span is not None
    return "X" not in timex.value
