"""Date mentions: words that look like dates but are not, no publication date, and hostile input."""

from __future__ import annotations

import sys
from datetime import date

import pytest

from transforms.enrich.dates import find_date_mentions
from transforms.enrich.dates.anchor import value_range

PUBLISHED = date(2024, 11, 1)


@pytest.mark.parametrize(
    "text",
    [
        "We will see what happens.",
        "Prices may rise and protesters march on the capital.",
        "The sun rose over the hills and we watched.",
        "The army sent 25,000 troops and spent $3 billion.",
        "About 2000 people and 1500 workers attended.",
        "Theresa May met the committee.",
        "He is in his forties and she is a 27-year-old nurse.",
        "Profits fall in spring are common, said the report on the fall of Rome.",
        "Now, consider the alternative.",
        "The quarterly dividend is 25 cents.",
        "The reading was 3.1998 on the scale and Flight 1998 landed.",
        "",
    ],
)
def test_no_false_dates(text: str) -> None:
    assert [(m.text, m.value) for m in find_date_mentions(text, PUBLISHED)] == []


def test_march_and_may_are_months_only_in_date_context() -> None:
    mentions = find_date_mentions("Talks began in March and may end in May.", PUBLISHED)
    assert [(m.text, m.start) for m in mentions] == [("March", 15), ("May", 36)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The council voted Tuesday.", "XXXX-WXX-2"),
        ("Rain fell in late October.", "XXXX-10"),
        ("The law passed in June.", "XXXX-06"),
        ("Profits fell last year.", None),
        ("He resigned yesterday.", None),
        ("Sales grew in the first quarter.", "XXXX-Q1"),
    ],
)
def test_without_publication_date_relative_mentions_stay_unresolved(text: str, value: str | None) -> None:
    [mention] = find_date_mentions(text, None)
    assert (mention.value, mention.resolved, mention.range_start, mention.range_end) == (value, False, None, None)


def test_without_publication_date_explicit_dates_still_resolve() -> None:
    [mention] = find_date_mentions("The treaty was signed on March 3, 1998.", None)
    assert (mention.value, mention.resolved, mention.range_start) == ("1998-03-03", True, date(1998, 3, 3))


def test_impossible_calendar_dates_are_not_guessed() -> None:
    mentions = find_date_mentions("It was due on February 30, 2023 or 13/13/2023.", PUBLISHED)
    assert [(m.text, m.value) for m in mentions] == [("2023", "2023")]


def test_value_range_covers_weeks_quarters_decades_and_mods() -> None:
    assert value_range("2024-W44") == (date(2024, 10, 28), date(2024, 11, 3))
    assert value_range("2024-Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert value_range("2023-WI") == (date(2023, 12, 1), date(2024, 2, 29))
    assert value_range("199") == (date(1990, 1, 1), date(1999, 12, 31))
    assert value_range("2024", "START") == (date(2024, 1, 1), date(2024, 5, 1))
    assert value_range("PRESENT_REF") is None and value_range("XXXX-10") is None


@pytest.mark.parametrize(
    "text",
    [
        "1" * 1_000_000,
        ("May March June 12, 1998 October 29 " * 40_000)[:1_000_000],
        ("the past two years ago every day 10/29/2024 9 a.m. " * 25_000)[:1_000_000],
        "1," * 500_000,
        "(" * 500_000 + "2024" + ")" * 500_000,
    ],
    ids=["digits", "month-names", "dense-expressions", "comma-numbers", "brackets"],
)
@pytest.mark.timeout(120)  # finishing is the property; how fast is the benchmark's to say, not a test's
def test_pathological_input_finishes(text: str) -> None:
    mentions = find_date_mentions(text, PUBLISHED)
    assert all(text[m.start : m.end] == m.text for m in mentions[:100])


def python_steps(text: str) -> tuple[int, int]:
    """Lines of Python the tagger runs over ``text`` (a count of work done, the same on any machine), and mentions."""
    steps = 0

    def trace(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal steps
        steps += event == "line"
        return trace

    sys.settrace(trace)
    try:
        mentions = find_date_mentions(text, PUBLISHED)
    finally:
        sys.settrace(None)
    return steps, len(mentions)


def test_work_grows_linearly_on_news_prose() -> None:
    """Twice the text costs about twice the work: no step of the tagger is quadratic in the length of an article."""
    paragraph = (
        "The company said on Tuesday that third-quarter profit rose 12% from a year ago, to $3 billion, "
        "and that it expects to hire 25,000 workers in the next two years. Shares have gained since "
        "early October, and the board will meet again next week. Analysts said the results were strong. "
    )
    single, found = python_steps(paragraph * 100)
    double, found_double = python_steps(paragraph * 200)
    assert (found, found_double) == (100 * 6, 200 * 6)
    assert double < 2.2 * single
