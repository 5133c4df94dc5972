"""Where to look: the few words every temporal expression must contain, found without a regex scan.

Running twenty rule regexes over a whole article costs far too much, because a pattern that opens with
optional words ("more than", "the past") cannot skip ahead. Instead the text's vocabulary is intersected
with a table of trigger words (month and weekday names, units, "today", ...), digit runs are classified
(4-digit years, clock times, 10/29/2024), and each rule that can contain a trigger is tried anchored
(``pattern.match``) at the few word starts just before it. A (rule, start) pair is tried at most once, so
the work stays linear in the length of the text, whatever it contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transforms.enrich.dates.vocab import DECADE_WORDS, MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS


def _forms(words: list[str], family: str) -> dict[str, str]:
    return {form: family for w in words for form in (w, w.capitalize(), w.upper())}


_UNITS = [
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "weekend",
    "weekends",
    "fortnight",
    "month",
    "months",
    "quarter",
    "quarters",
    "year",
    "years",
    "decade",
    "decades",
    "century",
    "centuries",
    "half",
    "night",
    "nights",
    "ago",
]
_TABLES: list[dict[str, str]] = [
    _forms(list(MONTHS) + list(MONTH_ABBREVIATIONS), "month"),
    _forms(list(WEEKDAYS) + [w + "s" for w in WEEKDAYS], "weekday"),
    _forms(["today", "tonight", "tomorrow", "yesterday"], "dayword"),
    _forms(["morning", "afternoon", "evening"], "part"),
    _forms(_UNITS, "unit"),
    _forms(["spring", "summer", "fall", "autumn", "winter"], "season"),
    _forms(["noon", "midnight", "midday", "clock"], "clock"),
    _forms(
        ["now", "nowadays", "currently", "recently", "formerly", "past", "future", "present", "days", "soon"], "ref"
    ),
    _forms(
        [
            "daily",
            "weekly",
            "monthly",
            "annually",
            "yearly",
            "hourly",
            "nightly",
            "biweekly",
            "semiannually",
            "every",
            "each",
            "per",
            "twice",
            "once",
        ],
        "adverb",
    ),
    _forms(list(DECADE_WORDS), "decade"),
    {f"Q{n}": "q" for n in range(1, 5)},
    {
        w: "holiday"
        for w in (
            "Christmas",
            "Year",
            "Thanksgiving",
            "Election",
            "Independence",
            "Halloween",
            "Valentine",
            "Memorial",
            "Labor",
            "Veterans",
        )
    },
    _forms(["nineteen"], "spelled"),
    _forms(["period"], "period"),
]
TRIGGER_WORDS: dict[str, tuple[str, ...]] = {}
for _table in _TABLES:
    for _word, _family in _table.items():
        TRIGGER_WORDS[_word] = (*TRIGGER_WORDS.get(_word, ()), _family)
_PUNCTUATION = str.maketrans({c: " " for c in "\"'’‘“”.,;:!?()[]{}-–—/$%&*+=<>|\\#@~`^_"})
_DIGITS = re.compile(r"\d+")
_CLOCK_TAIL = re.compile(r":\d\d|\s?[aApP]\.?[mM]\b|\s(?:o['’]clock)")
WORD_START = re.compile(r"(?<!\S)\S|\b\w")
LOOK_BEHIND = 60  # characters: the longest prefix a rule puts before its trigger ("at least the past ...")


def find_triggers(text: str) -> Iterator[tuple[int, str]]:
    """(offset, family) of every trigger in ``text``, in no particular order."""
    for word in sorted(set(text.translate(_PUNCTUATION).split()) & TRIGGER_WORDS.keys()):
        families = TRIGGER_WORDS[word]
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not (start and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
                for family in families:
                    yield start, family
            start = text.find(word, end)
    yield from _digit_triggers(text)


def _digit_triggers(text: str) -> Iterator[tuple[int, str]]:
    for m in _DIGITS.finditer(text):
        start, end, size = m.start(), m.end(), m.end() - m.start()
        if size == 4:
            yield start, "year"
        elif size <= 2:
            if text.startswith("/", end):
                yield start, "slash"
            elif _CLOCK_TAIL.match(text, end):
                yield start, "clock"
            elif start and text[start - 1] in "'’":
                yield start, "decade"
            elif size == 2 and start >= 5 and text[start - 1] == "-" and text[start - 5 : start - 1].isdigit():
                yield start, "rangeend"
