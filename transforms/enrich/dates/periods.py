"""Normalisers for quarters, seasons, durations, sets and the vague PRESENT/PAST/FUTURE references."""

from __future__ import annotations

import re

from transforms.enrich.dates.absolute import DATE_PREPOSITIONS, mod_of, month_number
from transforms.enrich.dates.anchor import quarter_of, quarter_value
from transforms.enrich.dates.context import Context, Timex, unresolved
from transforms.enrich.dates.discourse import quarter_in_force
from transforms.enrich.dates.patterns import MONTH_ANY, S
from transforms.enrich.dates.relative import offset_of
from transforms.enrich.dates.vocab import (
    MONTHS,
    ORDINALS,
    SEASONS,
    TIME_UNITS,
    UNIT_GRANULARITY,
    UNITS,
    WEEKDAYS,
    parse_number,
    singular,
)

_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
_ADVERBS = {
    "daily": "P1D",
    "nightly": "P1D",
    "weekly": "P1W",
    "biweekly": "P2W",
    "monthly": "P1M",
    "annually": "P1Y",
    "yearly": "P1Y",
    "semiannually": "P6M",
    "hourly": "PT1H",
}
_REFS = {"present": "PRESENT_REF", "past": "PAST_REF", "future": "FUTURE_REF"}


def _relative_year(ctx: Context, m: re.Match[str], phrase: str | None) -> int | None:
    if phrase is None or ctx.anchor is None:
        return None
    if phrase[:1].isdigit():
        return int(phrase)
    return ctx.anchor.year + offset_of(phrase)


def quarter(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["q"]:
        number, unit, phrase = int(m["q"][1]), "quarter", m["qy"]
    else:
        number, unit = ORDINALS[m["ord"].lower()], m["unit"].lower()
        phrase = m["pre"].replace("'s", "").replace("’s", "") if m["pre"] else m["post"]
    letter, per_year = ("Q", 4) if unit == "quarter" else ("H", 2)
    back = 1 if phrase and phrase.lower().endswith(("-ago", "-earlier", "prior-year")) else 0
    year = None if back else _relative_year(ctx, m, phrase)
    if year is None and ctx.anchor is not None:
        current = quarter_of(ctx.anchor) if per_year == 4 else (ctx.anchor.month - 1) // 6 + 1
        ahead = number > current and ctx.direction(m.start(), m.end()) <= 0
        year = ctx.anchor.year - (1 if ahead else 0) - back  # "the year-ago third quarter": a year before
    value = f"{year:04d}-{letter}{number}" if year is not None else f"XXXX-{letter}{number}"
    return Timex("date", value, "quarter" if per_year == 4 else "half", resolved=year is not None)


def relative_quarter(m: re.Match[str], ctx: Context) -> Timex | None:
    rel = " ".join(m["rel"].lower().split())
    if ctx.anchor is None:
        return unresolved("date", None, "quarter")
    current = quarter_of(ctx.anchor)
    if rel in ("the current", "this"):
        return Timex("date", quarter_value(ctx.anchor.year, current), "quarter")
    if "year-" in rel:
        return Timex("date", quarter_value(ctx.anchor.year - 1, current - 1), "quarter")
    named = quarter_in_force(ctx, m.start()) if rel == "the" else None
    if named:  # "the quarter" after "fiscal second-quarter net": the quarter the story is reporting
        return Timex("date", quarter_value(ctx.anchor.year - (1 if named > current else 0), named), "quarter")
    ended = _quarter_ended(ctx, m.end()) if rel == "the" else None
    if ended is not None:  # no fiscal number said: the closing date tells the calendar quarter
        return Timex("date", ended, "quarter")
    return Timex("date", quarter_value(ctx.anchor.year, current - 1), "quarter")


_ENDED = re.compile(rf"{S}(?i:ended|ending){S}(?P<mon>{MONTH_ANY})(?:{S}(?P<d>\d{{1,2}})(?!\d))?")


def _quarter_ended(ctx: Context, end: int) -> str | None:
    """ "the quarter ended Sept. 30" names its quarter by the closing date: the calendar quarter holding most
    of the three months it spans (the middle one), so a quarter ended July 31 is the second. The year is the
    one of the closing date, which a results story reports after the fact."""
    closing = _ENDED.match(ctx.text, end)
    if closing is None or ctx.anchor is None:
        return None
    month = month_number(closing["mon"])
    year = ctx.anchor.year - (1 if (month, int(closing["d"] or 1)) > (ctx.anchor.month, ctx.anchor.day) else 0)
    middle = month - 1 or 12
    return quarter_value(year - (1 if middle == 12 else 0), (middle - 1) // 3 + 1)


def season(m: re.Match[str], ctx: Context) -> Timex | None:
    code = SEASONS[m["s"].lower()]
    rel = (m["rel"] or "").lower()
    if not (m["y"] or m["mod"]) and rel in ("", "the"):
        if code in ("SP", "FA") and (not rel or ctx.next_word(m.end()).lower() == "of"):
            return None  # "fall" and "spring" are verbs and nouns far more often than seasons
        if not rel and ctx.previous_word(m.start()) not in DATE_PREPOSITIONS:
            return None
    mod = mod_of(m) or {"early": "START", "late": "END"}.get(rel)
    if m["y"]:
        return Timex("date", f"{m['y']}-{code}", "season", mod=mod)
    if ctx.anchor is None:
        return unresolved("date", f"XXXX-{code}", "season", mod)
    year, step = ctx.anchor.year, offset_of(rel)
    now_start = {12: 12, 1: 12, 2: 12}.get(ctx.anchor.month, (ctx.anchor.month // 3) * 3)
    if now_start == 12 and ctx.anchor.month < 12:
        year -= 1
    if step < 0 and _SEASON_START[code] >= now_start:
        year -= 1
    elif step > 0 and _SEASON_START[code] <= now_start:
        year += 1
    return Timex("date", f"{year}-{code}", "season", mod=mod)


def duration(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["old"]:
        return None  # ages ("a 27-year-old man") are not annotated as durations in TimeML news
    unit = singular(m["unit"] or m["vunit"])
    count = parse_number(m["num"]) if m["num"] else None
    if count is not None and count >= 1000:
        return None  # "the 1988 quarter" is a year, not 1988 quarters
    if unit == "second" and _is_ordinal_second(m, ctx):
        return None
    value = duration_value(unit, count, bool(m["half"]))
    if value is None:
        return None
    return Timex("duration", value, UNIT_GRANULARITY[unit])


_AFTER_A_SECOND = frozenset(
    {"later", "earlier", "ago", "before", "after", "or", "and", "of", "longer", "more", "too", "the", "he", "she",
     "it", "they", "we", "i", "you"}
)  # fmt: skip


def _is_ordinal_second(m: re.Match[str], ctx: Context) -> bool:
    """ "a second term", "a second blow": news uses "a second" before a noun as the ordinal far more often
    than as one second; the unit reading needs a word that can follow a span ("a second later") or none."""
    if (m["num"] or "").lower() not in ("a", "an") or m["det"] or m["half"]:
        return False
    following = ctx.next_word(m.end())
    return following[:1].isalpha() and following.lower().rstrip(",.;:!?") not in _AFTER_A_SECOND


_SPAN_BEFORE = frozenset({"for", "within", "over", "after", "follows", "following"})
_SPAN_BEFORE_THE = frozenset({"over", "through", "throughout"})
_NOT_BEFORE_OF = frozenset({"the", "of", "in", "these", "those", "many", "some", "several", "few", "recent"})


def vague_span(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "for years", "within weeks", "over the years", "months of talks": a span of unsaid length (PXY).
    A bare plural elsewhere ("in the weeks before") is left alone: it is as often no timex at all."""
    before = ctx.previous_word(m.start())
    after_preposition = before in (_SPAN_BEFORE_THE if m["the"] else _SPAN_BEFORE)
    before_of = not m["the"] and before not in _NOT_BEFORE_OF and ctx.next_word(m.end()).lower() == "of"
    if not (after_preposition or before_of):
        return None
    unit = singular(m["unit"])
    value = duration_value(unit, None)
    return Timex("duration", value, UNIT_GRANULARITY[unit]) if value else None



def duration_value(unit: str, count: float | None, half: bool = False) -> str | None:
    """P3Y, PT48H, P10Y for "a decade"; PXY when the count is vague ("several years")."""
    if unit == "weekend":
        return f"P{count}WE" if count else "PXWE"
    if unit == "fortnight":
        unit, count = "week", (count or 1) * 2
    if unit in ("decade", "century"):
        unit, count = "year", (count * (10 if unit == "decade" else 100) if count else None)
        if count is None:
            return "PXDE" if unit == "decade" else "PXCE"
    letter = UNITS[unit]
    prefix = "PT" if unit in TIME_UNITS else "P"
    if count is None:
        return f"{prefix}X{letter}"
    amount: float = count + (0.5 if half else 0)
    text = f"{amount:g}" if amount < 1e6 else None
    return f"{prefix}{text}{letter}" if text else None


def frequency(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["adv"]:
        if _names_a_publication(m["adv"], m.start(), m.end(), ctx):
            return None
        return Timex("set", _ADVERBS[m["adv"].lower()], None)
    if m["wd"] or m["wds"]:
        return Timex("set", f"XXXX-WXX-{WEEKDAYS[(m['wd'] or m['wds']).lower()]}", "day")
    if m["mon"]:
        return Timex("set", f"XXXX-{MONTHS[m['mon'].lower()]:02d}", "month")
    if m["rate"] and not _after_amount(ctx, m.start()):
        return None
    word = (m["unit"] or m["funit"] or m["runit"]).lower()
    if word in ("morning", "afternoon", "evening"):
        return Timex("set", "XXXX-XX-XXT" + {"morning": "MO", "afternoon": "AF", "evening": "EV"}[word], "time")
    if word == "season":
        return None
    unit = singular(word)
    value = duration_value(unit, 2 if m["other"] else 1)
    return Timex("set", value, UNIT_GRANULARITY[unit])


_PUBLICATION_ADVERBS = frozenset({"daily", "weekly", "monthly"})
_REPORTING_VERBS = frozenset({"said", "says", "reported", "reports", "wrote", "writes", "quoted", "quotes"})


def _names_a_publication(word: str, start: int, end: int, ctx: Context) -> bool:
    """ "the party daily Voice", "the Evening Daily", "the weekly said": the noun for a newspaper, which news
    names its sources with, not a frequency. A title follows it, or it is capitalised inside a sentence, or
    it is the subject of a reporting verb."""
    if word.lower() not in _PUBLICATION_ADVERBS:
        return False
    following = ctx.next_word(end).strip("\"'“”‘’,.;:")
    if following[:1].isupper() and following.lower() not in MONTHS and following.lower() not in WEEKDAYS:
        return True
    if word[:1].isupper() and ctx.previous_word(start)[-1:].isalpha() and ctx.previous_is_name(start):
        return True
    return following.lower() in _REPORTING_VERBS


def _after_amount(ctx: Context, start: int) -> bool:
    """ "a year" is a rate only after an amount: "$5 million a year", "3% a year", "twice a year"."""
    before = ctx.text[max(0, start - 12) : start].rstrip().lower()
    return before[-1:].isdigit() or before.endswith(("%", "million", "billion", "percent", "cents", "dollars"))


def reference(m: re.Match[str], ctx: Context) -> Timex | None:
    if m["soon"]:
        # "will soon begin", "may soon seek": the near future; in a past narrative ("he soon left") it is
        # relative to the story's own time, which TimeML leaves unannotated.
        return None if ctx.direction(m.start(), m.end()) < 0 else Timex("date", "FUTURE_REF", None, resolved=False)
    kind = next(k for k in _REFS if m[k])
    if kind == "present" and m[kind].lower() == "now" and _discourse_now(ctx, m.start(), m.end()):
        return None
    return Timex(
        "date", _REFS[kind], "day" if kind == "present" else None, resolved=kind == "present" and ctx.anchor is not None
    )


def _discourse_now(ctx: Context, start: int, end: int) -> bool:
    """ "Now, ..." opening a sentence and "now and then" are discourse, not a reference to the present."""
    after = ctx.text[end : end + 10].lower()
    if after.startswith((" and then", " and again", " or never")):
        return True
    before = ctx.text[max(0, start - 3) : start].strip()
    sentence_start = not before or before[-1:] in ".!?\"'\n"
    return sentence_start and after.startswith(",")
