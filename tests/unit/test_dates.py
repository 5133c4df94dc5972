"""Date mentions: each expression class, normalised against a publication date (2024-11-01, a Friday)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from transforms.enrich.dates import find_date_mentions

PUBLISHED = date(2024, 11, 1)


def only(text: str, published: date | datetime | None = PUBLISHED):
    mentions = find_date_mentions(text, published)
    assert len(mentions) == 1, [(m.text, m.value) for m in mentions]
    mention = mentions[0]
    assert text[mention.start : mention.end] == mention.text
    return mention


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("It happened on October 29, 2024 in Ohio.", "October 29, 2024", "2024-10-29"),
        ("It happened on 29 Oct 2024 in Ohio.", "29 Oct 2024", "2024-10-29"),
        ("It happened on 2024-10-29 in Ohio.", "2024-10-29", "2024-10-29"),
        ("It happened on 10/29/2024 in Ohio.", "10/29/2024", "2024-10-29"),
        ("It happened on 29/10/2024 in Ohio.", "29/10/2024", "2024-10-29"),
        ("The plant opened in 1998.", "1998", "1998"),
        ("Sales peaked in the 1990s.", "the 1990s", "199"),
        ("He was born in June 1970.", "June 1970", "1970-06"),
        ("Prices rose in the 20th century.", "the 20th century", "19"),
        ("The agency said on Monday, Oct. 28, that it agreed.", "Monday, Oct. 28", "2024-10-28"),
    ],
)
def test_explicit_dates(text: str, extent: str, value: str) -> None:
    mention = only(text)
    assert (mention.text, mention.value, mention.type, mention.resolved) == (extent, value, "date", True)


@pytest.mark.parametrize(
    ("text", "extent", "value", "first", "last"),
    [
        ("The council voted Tuesday.", "Tuesday", "2024-10-29", date(2024, 10, 29), date(2024, 10, 29)),
        ("Rain fell in late October.", "late October", "2024-10", date(2024, 10, 21), date(2024, 10, 31)),
        ("Profits fell last year.", "last year", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("The law passed in June.", "June", "2024-06", date(2024, 6, 1), date(2024, 6, 30)),
        ("He resigned yesterday.", "yesterday", "2024-10-31", date(2024, 10, 31), date(2024, 10, 31)),
        ("The vote is next week.", "next week", "2024-W45", date(2024, 11, 4), date(2024, 11, 10)),
        ("He left two weeks ago.", "two weeks ago", "2024-10-18", date(2024, 10, 18), date(2024, 10, 18)),
        ("Sales grew this month.", "this month", "2024-11", date(2024, 11, 1), date(2024, 11, 30)),
        ("Sales grew in the first quarter.", "the first quarter", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("Exports slowed this summer.", "this summer", "2024-SU", date(2024, 6, 1), date(2024, 8, 31)),
        ("Shares rose today.", "today", "2024-11-01", date(2024, 11, 1), date(2024, 11, 1)),
    ],
)
def test_relative_dates_resolve_against_publication(
    text: str, extent: str, value: str, first: date, last: date
) -> None:
    mention = only(text)
    assert (mention.text, mention.value, mention.resolved) == (extent, value, True)
    assert (mention.range_start, mention.range_end) == (first, last)


def test_weekday_follows_tense() -> None:
    """A Friday article: "said Tuesday" is the Tuesday before, "will vote Tuesday" the one after."""
    assert only("The mayor said Tuesday that taxes rise.").value == "2024-10-29"
    assert only("The board will vote on Tuesday.").value == "2024-11-05"
    assert only("The board voted last Friday.").value == "2024-10-25"


def test_month_far_ahead_in_future_sentence_is_next_year() -> None:
    assert only("The company will open the plant in March.").value == "2025-03"


def test_year_ago_in_quarterly_results_is_a_quarter() -> None:
    text = "Third-quarter profit rose 5% from a year ago."
    mentions = find_date_mentions(text, PUBLISHED)
    assert [(m.text, m.value) for m in mentions] == [("Third-quarter", "2024-Q3"), ("a year ago", "2023-Q3")]


@pytest.mark.parametrize(
    ("text", "extent", "value", "granularity"),
    [
        ("The war lasted three years.", "three years", "P3Y", "year"),
        ("Prices doubled in a decade.", "a decade", "P10Y", "decade"),
        ("Talks went on for 48 hours.", "48 hours", "PT48H", "time"),
        ("Rates held for the past two weeks.", "the past two weeks", "P2W", "week"),
        ("It took several months.", "several months", "PXM", "month"),
    ],
)
def test_durations(text: str, extent: str, value: str, granularity: str) -> None:
    mention = only(text)
    assert (mention.text, mention.type, mention.value, mention.granularity) == (extent, "duration", value, granularity)
    assert mention.range_start is None and mention.range_end is None


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("The panel meets every week.", "every week", "P1W"),
        ("The report is published annually.", "annually", "P1Y"),
        ("Bills arrive each month.", "each month", "P1M"),
        ("The market is open on Mondays.", "Mondays", "XXXX-WXX-1"),
        ("It pays $5 million a year.", "a year", "P1Y"),
    ],
)
def test_sets(text: str, extent: str, value: str) -> None:
    mention = only(text)
    assert (mention.text, mention.type, mention.value) == (extent, "set", value)


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("Polls open at 10 a.m. Tuesday.", "10 a.m. Tuesday", "2024-10-29T10:00"),
        ("The deadline is noon.", "noon", "2024-11-01T12:00"),
        ("Shares fell this morning.", "this morning", "2024-11-01TMO"),
        ("The strike ended at 6:30 p.m.", "6:30 p.m.", "2024-11-01T18:30"),
    ],
)
def test_times(text: str, extent: str, value: str) -> None:
    mention = only(text)
    assert (mention.text, mention.type, mention.value) == (extent, "time", value)


def test_present_ref_only_as_time_reference() -> None:
    assert only("The company is currently profitable.").value == "PRESENT_REF"
    assert only("Prices are now higher.").value == "PRESENT_REF"
    assert find_date_mentions("Now, consider the costs.", PUBLISHED) == []


def test_holiday_is_the_nearest_occurrence() -> None:
    assert only("Stores expect crowds on Thanksgiving.").value == "2024-11-28"


def test_datetime_publication_and_offsets_in_longer_text() -> None:
    text = "On Tuesday, the minister said the budget for 2025 would be ready by March 3."
    mentions = find_date_mentions(text, datetime(2024, 11, 1, 9, 30))
    assert [(m.text, m.value) for m in mentions] == [
        ("Tuesday", "2024-10-29"),
        ("2025", "2025"),
        ("March 3", "2025-03-03"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
