"""Normalisers for expressions anchored on the publication date: "yesterday", "Tuesday", "last year",
"two weeks ago", "10 a.m. Tuesday". Without a publication date they keep an X-filled value and
``resolved=False`` rather than guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from transforms.enrich.dates.absolute import infer_year, mod_of, month_number
from transforms.enrich.dates.anchor import (
    day_value,
    month_value,
    quarter_of,
    quarter_value,
    safe_date,
    shift_month,
    week_value,
    weekday_near,
)
from transforms.enrich.dates.context import Context, Timex, unresolved
from transforms.enrich.dates.discourse import UNNAMED, quarter_in_force
from transforms.enrich.dates.vocab import ORDINALS, PARTS_OF_DAY, UNIT_GRANULARITY, WEEKDAYS, parse_number, singular

_DAY_OFFSETS = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}
_BACK = ("last", "past", "previous", "latest", "prior", "preceding")
_FORWARD = ("next", "coming", "following")


def offset_of(rel: str | None) -> int:
    """-1 for "last", "the past", "this past"; +1 for "next", "the coming"; 0 for "this", "current"."""
    words = (rel or "").lower().split()
    if any(w in _BACK for w in words):
        return -1
    if any(w in _FORWARD for w in words):
        return 1
    return 0


def day_word_date(word: str, anchor: date) -> date:
    word = " ".join(word.lower().split())
    if word.startswith("the day"):
        return anchor + timedelta(days=2 if word.endswith("tomorrow") else -2)
    return anchor + timedelta(days=_DAY_OFFSETS[word])


def _with_part(d: date | None, part: str | None, night: bool = False) -> Timex:
    code = PARTS_OF_DAY[part.lower()] if part else ("NI" if night else None)
    if d is None:
        return unresolved("time" if code else "date", None, "time" if code else "day")
    if code:
        return Timex("time", f"{day_value(d)}T{code}", "time")
    return Timex("date", day_value(d), "day")


def relative_day(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["rel"]:
        if ctx.anchor is None:
            return _with_part(None, m["part2"])
        shift = -1 if m["rel"].lower() == "last" else 0
        return _with_part(ctx.anchor + timedelta(days=shift), m["part2"])
    d = day_word_date(m["w"], ctx.anchor) if ctx.anchor else None
    timex = _with_part(d, m["part"], night=m["w"].lower() == "tonight")
    return Timex(timex.type, timex.value, timex.granularity, timex.resolved, mod_of(m))


def weekday_date(ctx: Context, m: re.Match[str], name: str, rel: str | None) -> date | None:
    return None if ctx.anchor is None else _weekday_near_anchor(ctx.anchor, ctx, m, name, rel)


def _weekday_near_anchor(anchor: date, ctx: Context, m: re.Match[str], name: str, rel: str | None) -> date:
    weekday = WEEKDAYS[name.lower()]
    step = offset_of(rel)
    if step < 0:
        return weekday_near(anchor - timedelta(days=1), weekday, -1)
    if step > 0:
        return weekday_near(anchor + timedelta(days=1), weekday, 1)
    if rel and rel.lower() == "this":
        return weekday_near(anchor, weekday, 0)
    return weekday_near(anchor, weekday, ctx.direction(m.start(), m.end()) or -1)


def weekday(m: re.Match[str], ctx: Context) -> Timex | None:
    d = weekday_date(ctx, m, m["wd"], m["rel"])
    if d is None:
        number = WEEKDAYS[m["wd"].lower()]
        return unresolved("time" if m["part"] else "date", f"XXXX-WXX-{number}", "day")
    return _with_part(d, m["part"])


def clock(m: re.Match[str], ctx: Context) -> Timex | None:
    hour, minute = _clock_time(m)
    if hour is None:
        return None
    day_name = m["day"] or m["day0"]
    anchor = ctx.anchor
    if anchor is None:
        return unresolved("time", f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "time")
    if m["mon"]:
        month = month_number(m["mon"])
        d = safe_date(infer_year(ctx, m, month, int(m["d"])) or anchor.year, month, int(m["d"]))
        if d is None:
            return None
    elif day_name is None:
        d = anchor
    elif day_name.lower() in WEEKDAYS:
        d = _weekday_near_anchor(anchor, ctx, m, day_name, None)
    else:
        d = day_word_date(day_name, anchor)
    return Timex("time", f"{day_value(d)}T{hour:02d}:{minute:02d}", "time")


def _clock_time(m: re.Match[str]) -> tuple[int | None, int]:
    if m["noon"]:
        return (24 if m["noon"].lower() == "midnight" else 12), 0
    hour = int(m["h"] or m["h2"] or m["h3"])
    minute = int(m["mi"] or m["mi2"] or 0)
    if m["ap"]:
        if not 1 <= hour <= 12:
            return None, 0
        pm = m["ap"].lower().startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    return (hour, minute) if hour <= 24 else (None, 0)


def unit_value(anchor: date, unit: str, offset: int) -> str:
    """The calendar unit containing ``anchor``, moved ``offset`` units."""
    if unit in ("week", "weekend"):
        value = week_value(anchor + timedelta(weeks=offset))
        return value + "-WE" if unit == "weekend" else value
    if unit == "month":
        return month_value(*shift_month(anchor, offset))
    if unit == "quarter":
        return quarter_value(anchor.year, quarter_of(anchor) + offset)
    if unit == "decade":
        return str(anchor.year // 10 + offset)
    if unit == "century":
        return f"{anchor.year // 100 + offset:02d}"
    return str(anchor.year + offset)


def relative_unit(m: re.Match[str], ctx: Context) -> Timex | None:
    unit, step = singular(m["unit"]), offset_of(m["rel"])
    if m["rel"].lower() == "the" and not m["mod"]:
        if unit == "year" and (m["fiscal"] or ctx.next_word(m.end()).lower() in ("ended", "ending")):
            return Timex("duration", "P1Y", "year")  # "the fiscal year", "the year ended June 30": a span
        return None  # "the year" alone is as often a duration as a date
    if unit in ("decade", "century") and step:
        if unit == "decade":
            return Timex("duration", "P10Y", "decade")  # "the past decade"
        return Timex("duration", "P100Y", "century")
    granularity = UNIT_GRANULARITY[unit]
    if ctx.anchor is None:
        return unresolved("date", None, granularity, mod_of(m))
    if unit == "year" and m["rel"].lower() == "last" and not m["mod"] and ctx.text.startswith(("'s", "’s"), m.end()):
        return year_ago(m, ctx)  # "last year's $1.5 billion" in a results story: the quarter compared with
    return Timex("date", unit_value(ctx.anchor, unit, step), granularity, mod=mod_of(m))


_QUARTER_IN_SENTENCE = re.compile(r"\b(first|second|third|fourth)[\s-]{1,2}quarter|\bquarter\b", re.I)


def ago(m: re.Match[str], ctx: Context) -> Timex | None:
    if re.match(r"\s{1,3}than\b", ctx.text[m.end() : m.end() + 8]):
        return None  # "a month earlier than usual" compares: the span is a duration, not a date
    unit, count = ("year", 1) if m["adj"] else (singular(m["unit"]), parse_number(m["num"]))
    if m["adj"] or (unit == "year" and count == 1 and m["dir"].lower() in ("ago", "earlier")):
        return year_ago(m, ctx)
    sign = -1 if m["dir"].lower() in ("ago", "earlier", "before") else 1
    if count is None:
        return Timex("date", "PAST_REF" if sign < 0 else "FUTURE_REF", None, resolved=False)
    granularity = UNIT_GRANULARITY[unit]
    if ctx.anchor is None:
        return unresolved("date", None, granularity)
    return _shifted(ctx.anchor, unit, sign * count)


def year_ago(m: re.Match[str], ctx: Context) -> Timex:
    """ "a year ago", "year-earlier": in a sentence comparing quarters (financial news) the same quarter
    a year before, as TimeBank annotates it; otherwise the previous year."""
    if ctx.anchor is None:
        return unresolved("date", None, "year")
    quarter = _QUARTER_IN_SENTENCE.search(ctx.sentence(m.start(), m.end()))
    if quarter is not None:
        number: int | None = ORDINALS[quarter[1].lower()] if quarter[1] else UNNAMED
    else:
        number = quarter_in_force(ctx, m.start())
    if number is None:
        return Timex("date", str(ctx.anchor.year - 1), "year")
    return Timex("date", quarter_value(ctx.anchor.year - 1, number or quarter_of(ctx.anchor) - 1), "quarter")


def _shifted(anchor: date, unit: str, amount: int) -> Timex | None:
    days = {"day": 1, "night": 1, "week": 7, "weekend": 7, "fortnight": 14}
    try:
        if unit in days:
            return Timex("date", day_value(anchor + timedelta(days=days[unit] * amount)), "day")
        if unit in ("hour", "minute", "second"):
            return Timex("date", day_value(anchor), "day")
        if unit in ("month", "quarter"):
            value = month_value(*shift_month(anchor, amount * (3 if unit == "quarter" else 1)))
            return Timex("date", value, "month")
        years = amount * {"year": 1, "decade": 10, "century": 100}[unit]
        return Timex("date", str(anchor.year + years), "year")
    except (OverflowError, ValueError):
        return None
