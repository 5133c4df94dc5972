"""Which reporting period a results story is talking about, read from the words before a mention.

Earnings stories name a quarter once ("third-quarter profit fell") and then compare with "a year earlier",
"the year-ago period" or "the latest period"; TimeBank annotates those as the same quarter (a year back),
not as a year. The quarter in force is the one the nearest period phrase before the mention names, unless a
nearer phrase switches to another span ("the first nine months", "the full year"): then no quarter applies.
"That year" points back the same way, to the last year the story wrote out.
"""

from __future__ import annotations

import re

from transforms.enrich.dates.anchor import quarter_of, quarter_value
from transforms.enrich.dates.context import Context, Timex, unresolved
from transforms.enrich.dates.vocab import ORDINALS

_PERIOD_PHRASE = re.compile(
    r"\b(?:(?P<ord>first|second|third|fourth)[\s-]{1,2}(?:fiscal[\s-]{1,2})?quarter|Q(?P<q>[1-4])\b|"
    r"(?P<bare>quarters?)\b|(?P<other>(?:six|nine)[\s-]months|(?:first|second)[\s-]half|full[\s-]year|fiscal[\s-]year|"
    r"the\s(?:fiscal\s)?year\s(?:ended|ending)|for\sthe\syear\b|year\sto\sdate|annual)\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\w$£€#.,/-])(?:1[6-9]|20)\d\d(?![\w%/-]|[.,]\d)")
WINDOW = 1000  # characters before the mention: the paragraph or two a results story keeps one quarter for
UNNAMED = 0  # a quarter is in force but its number was not said ("the quarter ended Sept. 30")


def quarter_in_force(ctx: Context, start: int) -> int | None:
    """The number (1-4) of the quarter the text before ``start`` is reporting on, ``UNNAMED`` when it only
    says "the quarter", None when the nearest period phrase is not a quarter or there is none."""
    phrases = list(_PERIOD_PHRASE.finditer(ctx.text, max(0, start - WINDOW), start))
    if not phrases or phrases[-1]["other"]:
        return None
    for phrase in reversed(phrases):  # "the quarter" goes on with the quarter named before it
        if phrase["other"]:
            break
        if phrase["ord"]:
            return ORDINALS[phrase["ord"].lower()]
        if phrase["q"]:
            return int(phrase["q"])
    return UNNAMED


def report_period(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the latest period", "the year-ago quarter", "the 1988 period", "last year's quarter": the quarter in
    force, in the publication year or the one before. Outside a results story "period" is no date at all."""
    which = " ".join((m["which"] or "").lower().split())
    if which in ("latest", "most recent") and m.group().lower().endswith("quarter"):
        return None  # "the latest quarter" is the last one completed, whatever the story said before
    if which == "same" and not m["last"]:
        return None  # "in the same period" may be this year's: only "the same period last year" says which
    number = quarter_in_force(ctx, m.start())
    if number is None:
        if which in ("year-ago", "year-earlier", "prior-year") and m.group().lower().endswith("quarter"):
            number = UNNAMED  # "the year-ago quarter" is a quarter in any story
        else:
            return None
    if ctx.anchor is None:
        return unresolved("date", None, "quarter")
    current = quarter_of(ctx.anchor)
    if which[:1].isdigit():
        year = int(which)
    elif which in ("latest", "most recent") and not m["last"]:
        year = ctx.anchor.year
    else:
        year = ctx.anchor.year - 1
    if number == UNNAMED:
        return Timex("date", quarter_value(year, current - 1), "quarter")
    if number > current and not which[:1].isdigit():
        year -= 1  # the fourth quarter reported in February is last year's
    return Timex("date", quarter_value(year, number), "quarter")


def year_in_force(ctx: Context, start: int) -> int | None:
    """The last year written out before ``start`` (within the window): what "that year" points back to."""
    years = _YEAR.findall(ctx.text, max(0, start - WINDOW), start)
    return int(years[-1]) if years else None


def that_year(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "that year", "later that year": the year the story last named; "earlier in the year": this one."""
    if m["in"]:
        year = ctx.anchor.year if ctx.anchor else None
    else:
        year = year_in_force(ctx, m.start())
        if year is None:
            return None  # nothing to point back to: leave it rather than guess
    if year is None:
        return unresolved("date", None, "year")
    return Timex("date", str(year), "year")
