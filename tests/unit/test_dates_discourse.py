"""Date mentions that read the story around them: the quarter a results story reports on, "that year", spans of
years, vague spans, comparisons. Publication date 2024-11-01 (a Friday, fourth quarter)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.enrich.dates import find_date_mentions

PUBLISHED = date(2024, 11, 1)


def found(text: str, published: date | None = PUBLISHED) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.type, m.value) for m in find_date_mentions(text, published)]


def test_year_earlier_in_the_next_sentence_keeps_the_reported_quarter() -> None:
    text = "Acme said third-quarter sales rose. Net income was $4 million, against $3 million a year earlier."
    assert found(text)[-1] == ("a year earlier", "date", "2023-Q3")


def test_a_nearer_span_than_the_quarter_makes_it_a_year_again() -> None:
    text = "Acme said third-quarter sales rose. In the first nine months, profit fell from a year earlier."
    assert found(text)[-1] == ("a year earlier", "date", "2023")


def test_year_ago_without_any_quarter_is_the_year_before() -> None:
    assert found("The bridge opened a year ago.") == [("a year ago", "date", "2023")]


@pytest.mark.parametrize(
    ("sentence", "extent", "value"),
    [
        ("Margins widened in the latest period.", "the latest period", "2024-Q3"),
        ("Margins were thinner in the year-ago period.", "the year-ago period", "2023-Q3"),
        ("Margins were thinner in the 2023 period.", "the 2023 period", "2023-Q3"),
        ("Sales for last year's quarter were $2 million.", "last year's quarter", "2023-Q3"),
        ("Margins were thinner for the quarter a year ago.", "the quarter a year ago", "2023-Q3"),
        ("Sales beat last year's $1.5 billion.", "last year", "2023-Q3"),
        ("Sales rose in the quarter.", "the quarter", "2024-Q3"),
    ],
)
def test_results_story_periods_take_the_quarter_in_force(sentence: str, extent: str, value: str) -> None:
    text = "Acme posted a third-quarter loss on weak demand. " + sentence
    assert found(text)[1:] == [(extent, "date", value)]


def test_the_quarter_goes_on_with_the_fiscal_quarter_named_before() -> None:
    text = "Acme earned $2 million in its fiscal second quarter. Orders grew in the quarter ended Sept. 30."
    assert ("the quarter", "date", "2024-Q2") in found(text)


def test_the_year_ago_third_quarter_is_a_year_back() -> None:
    assert found("Profit beat the year-ago third quarter.") == [("the year-ago third quarter", "date", "2023-Q3")]


@pytest.mark.parametrize(
    "text",
    ["The trial period ended in tears.", "It was the latest period of calm in the region.", "A period of rest."],
)
def test_period_outside_a_results_story_is_no_date(text: str) -> None:
    assert found(text) == []


def test_last_year_without_a_possessive_stays_a_year() -> None:
    text = "Acme posted a third-quarter loss. Sales fell from $5 million last year."
    assert found(text)[-1] == ("last year", "date", "2023")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The 2009-2010 outbreak killed many.", [("2009", "2009"), ("2010", "2010")]),
        ("He crossed the ice in 1957-58 with two dogs.", [("1957", "1957"), ("58", "1958")]),
        ("The 1999-00 season was long.", [("1999", "1999"), ("00", "2000")]),
        ("It cost $2009-10 to fix.", []),
        ("About 2000-3000 troops were sent.", []),
        ("Part 1957-12 was recalled.", []),
        ("Dial 555-1957-58 for help.", []),
    ],
)
def test_span_of_years_is_two_years(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.value) for m in find_date_mentions(text, PUBLISHED)] == expected


@given(st.integers(1600, 2078), st.integers(1, 20))
def test_two_digit_end_of_a_span_is_the_later_year(first: int, span: int) -> None:
    last = first + span
    text = f"The plan for {first}-{last % 100:02d} was approved."
    assert [m.value for m in find_date_mentions(text, PUBLISHED)] == [str(first), str(last)]


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("The season began a month earlier than usual.", "a month", "P1M"),
        ("Talks ended after three days of argument.", "three days", "P3D"),
        ("He has lived here for years.", "years", "PXY"),
        ("A deal could come within weeks.", "weeks", "PXW"),
        ("The town grew over the years.", "the years", "PXY"),
        ("The vote follows months of talks.", "months", "PXM"),
        ("Profit fell in the fiscal year.", "the fiscal year", "P1Y"),
        ("Profit fell in the year ended June 30.", "the year", "P1Y"),
    ],
)
def test_spans(text: str, extent: str, value: str) -> None:
    assert (extent, "duration", value) in found(text)


@pytest.mark.parametrize(
    "text", ["Rain fell in the weeks before the vote.", "He is 40 years old.", "It took the years of his youth."]
)
def test_bare_plural_elsewhere_is_no_span(text: str) -> None:
    assert [m for m in find_date_mentions(text, PUBLISHED) if m.value in ("PXW", "PXY")] == []


def test_first_months_of_a_year_are_not_a_bare_span() -> None:
    assert ("six months", "duration", "P6M") not in found("Sales rose in the first six months of 2024.")


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("The plant opened in 2019. It closed later that year.", "later that year", "2019"),
        ("Imports reached $3 billion in 2021, a record that year.", "that year", "2021"),
        ("Rain delayed planting earlier in the year.", "earlier in the year", "2024"),
        ("The firm was founded several years ago.", "several years ago", "PAST_REF"),
    ],
)
def test_back_references(text: str, extent: str, value: str) -> None:
    assert found(text)[-1] == (extent, "date", value)


def test_that_year_with_nothing_to_point_back_to_is_left_alone() -> None:
    assert found("Nobody knew what happened that year.") == []


def test_month_end_in_a_past_sentence_counts_its_real_day() -> None:
    """Jan. 31 is 92 days after Oct. 31: far enough ahead that a past tense puts it in the year before."""
    assert found("The fiscal year ended Jan. 31.", date(2024, 10, 31))[-1] == ("Jan. 31", "date", "2024-01-31")
