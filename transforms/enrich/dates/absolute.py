"""Normalisers for expressions that name the calendar: "Oct. 29, 2024", "2024-10-29", "1998", "the 1990s".

Only the year may be missing ("Oct. 29"); it is then taken from the publication date, moved one year back or
forth when the sentence's tense says the date lies on the other side of it, as HeidelTime does for news.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date

from transforms.enrich.dates.anchor import day_value, month_value, safe_date
from transforms.enrich.dates.context import Context, Timex, unresolved
from transforms.enrich.dates.patterns import YEAR_RANGE_START
from transforms.enrich.dates.vocab import (
    AMBIGUOUS_MONTHS,
    DECADE_WORDS,
    MODIFIERS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
)

DATE_PREPOSITIONS = frozenset(
    {
        "in",
        "since",
        "until",
        "till",
        "by",
        "from",
        "through",
        "during",
        "of",
        "before",
        "after",
        "early",
        "late",
        "mid",
        "last",
        "next",
        "this",
        "to",
        "between",
        "and",
        "or",
        "end",
        "each",
        "every",
    }
)
_COUNT_NOUNS = re.compile(
    r"\s(?:people|persons|troops|soldiers|workers|employees|jobs|members|votes|shares|units|cars|homes|"
    r"students|children|men|women|residents|refugees|cases|deaths|tons|barrels|acres|miles|feet|meters|"
    r"metres|km|kilometers|pounds|dollars|euros|yuan|yen|points|seats|rooms|beds|copies|words|pages)\b",
    re.IGNORECASE,
)
_QUANTITY_WORDS = frozenset(
    {
        "about",
        "nearly",
        "some",
        "than",
        "over",
        "almost",
        "approximately",
        "roughly",
        "number",
        "no",
        "no.",
        "page",
        "route",
        "flight",
        "model",
        "only",
        "around",
    }
)


def month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return MONTHS.get(word) or MONTH_ABBREVIATIONS[word]


def mod_of(m: re.Match[str]) -> str | None:
    mod = m.groupdict().get("mod")
    return MODIFIERS.get(" ".join(mod.lower().split())) if mod else None


def infer_year(ctx: Context, m: re.Match[str], month: int, day: int = 0, rel: str | None = None) -> int | None:
    """The year of a month (and day) named without one; None without a publication date."""
    if ctx.anchor is None:
        return None
    anchor = ctx.anchor
    later = (month, day) > (anchor.month, anchor.day if day else 0)
    earlier = (month, day) < (anchor.month, anchor.day if day else 0)
    last_word = (rel or "").lower().split()[-1:] or [""]
    if last_word[0] in ("last", "past"):
        return anchor.year - 1 if not earlier else anchor.year
    if last_word[0] in ("next", "coming"):
        return anchor.year + 1 if not later else anchor.year
    if last_word[0] == "this":
        return anchor.year
    return _nearest_year(anchor, month, day or 15, ctx.direction(m.start(), m.end()))


def _nearest_year(anchor: date, month: int, day: int, direction: int) -> int:
    """The year that puts month/day nearest the anchor; a clear tense moves it across the anchor only when
    the date is far from it (a month named in a past-tense sentence a few weeks ahead is still ahead)."""

    def distance(year: int) -> int:
        return abs((date(year, month, min(day, monthrange(year, month)[1])) - anchor).days)

    year = min((anchor.year - 1, anchor.year, anchor.year + 1), key=distance)
    target = date(year, month, min(day, monthrange(year, month)[1]))
    if direction < 0 and (target - anchor).days > 90:
        return year - 1
    if direction > 0 and (anchor - target).days > 90:
        return year + 1
    return year


def iso_date(m: re.Match[str], ctx: Context) -> Timex | None:
    d = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if d is None:
        return None
    if m["H"]:
        return Timex("time", f"{day_value(d)}T{m['H']}:{m['M']}", "time")
    return Timex("date", day_value(d), "day")


def numeric_date(m: re.Match[str], ctx: Context) -> Timex | None:
    """10/29/2024 (US order), or 29/10/2024 when the first number cannot be a month."""
    a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
    if len(m["y"]) == 2:
        year += 2000 if year < 50 else 1900
    month, day = (a, b) if a <= 12 else (b, a)
    d = safe_date(year, month, day)
    return Timex("date", day_value(d), "day") if d else None


def month_day(m: re.Match[str], ctx: Context) -> Timex | None:
    month, day = month_number(m["mon"]), int(m["d"])
    if m["y"]:
        year: int | None = int(m["y"])
    else:
        year = infer_year(ctx, m, month, day)
    if year is None:
        return unresolved("date", f"XXXX-{month:02d}-{day:02d}", "day") if 1 <= day <= 31 else None
    d = safe_date(year, month, day)
    return Timex("date", day_value(d), "day") if d else None


def month_year(m: re.Match[str], ctx: Context) -> Timex | None:
    return Timex("date", month_value(int(m["y"]), month_number(m["mon"])), "month", mod=mod_of(m))


def month_alone(m: re.Match[str], ctx: Context) -> Timex | None:
    month = month_number(m["mon"])
    if not (m["rel"] or m["mod"]):
        if m["mon"].lower() in AMBIGUOUS_MONTHS and ctx.previous_word(m.start()) not in DATE_PREPOSITIONS:
            return None
        if ctx.previous_is_name(m.start()) or ctx.next_word(m.end())[:1].isupper():
            return None
    if ctx.next_word(m.end())[:1].isdigit():
        return None  # "February 30": a day the month-day rule rejected, not the month itself
    year = infer_year(ctx, m, month, rel=m["rel"])
    if year is None:
        return unresolved("date", f"XXXX-{month:02d}", "month", mod_of(m))
    return Timex("date", month_value(year, month), "month", mod=mod_of(m))


def year_alone(m: re.Match[str], ctx: Context) -> Timex | None:
    """A bare 4-digit number is a year unless it counts something: "about 2000 troops", "than 1998"."""
    bare = not (m["mod"] or m["fiscal"])
    if bare and (ctx.previous_word(m.start()) in _QUANTITY_WORDS or _COUNT_NOUNS.match(ctx.text, m.end())):
        return None
    return Timex("date", m["y"], "year", mod=mod_of(m))


def year_range_start(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the 2009-2010 pandemic", "1957-58": each end of a span of years is a year of its own, as in TimeML."""
    second = re.match(r"-(\d{4}|\d\d)", ctx.text[m.end() : m.end() + 5])
    if second is None or _range_last_year(int(m["y"]), second[1]) is None:
        return None
    if ctx.previous_word(m.start()) in _QUANTITY_WORDS or _COUNT_NOUNS.match(ctx.text, m.end() + len(second[0])):
        return None  # "about 2000-3000 troops"
    return Timex("date", m["y"], "year")


def year_range_end(m: re.Match[str], ctx: Context) -> Timex | None:
    first = YEAR_RANGE_START.match(ctx.text, m.start() - 5) if m.start() >= 5 else None
    if first is None or year_range_start(first, ctx) is None:
        return None  # the first year is a code or an amount ("A1957-58", "$2009-10"), so is this
    year = _range_last_year(int(m["first"]), m["y"])
    return Timex("date", str(year), "year") if year is not None else None


def _range_last_year(first: int, second: str) -> int | None:
    """The year that closes the span: "58" after 1957 is 1958, "00" after 1999 is 2000. A span runs forward
    and, written with two digits, over a few years at most: "1957-12" is a code, not 1957 to 2012."""
    if len(second) == 4:
        year = int(second)
        return year if first < year <= first + 100 else None
    year = first - first % 100 + int(second)
    if year <= first:
        year += 100
    return year if year <= first + 20 else None


def spelled_year(m: re.Match[str], ctx: Context) -> Timex | None:
    year = 1900 + NUMBER_WORDS[m["tens"].lower()] + (NUMBER_WORDS[m["ones"].lower()] if m["ones"] else 0)
    return Timex("date", str(year), "year")


def decade(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["y"]:
        value = m["y"]
    elif m["word"] and not m["the"]:
        return None  # "in his forties" is an age
    else:
        digit = int(m["yy"]) if m["yy"] else DECADE_WORDS[m["word"].lower()]
        if ctx.anchor is None:
            return unresolved("date", f"XX{digit}", "decade", mod_of(m))
        century = ctx.anchor.year // 100 - (1 if digit * 10 > ctx.anchor.year % 100 else 0)
        value = f"{century}{digit}"
    return Timex("date", value, "decade", mod=mod_of(m))


def century(m: re.Match[str], ctx: Context) -> Timex | None:
    words = {"twenty-first": 21, "twentieth": 20, "nineteenth": 19, "eighteenth": 18}
    number = int(m["n"]) if m["n"] else words[m["w"].lower()]
    return Timex("date", f"{number - 1:02d}", "century") if 1 <= number <= 30 else None
