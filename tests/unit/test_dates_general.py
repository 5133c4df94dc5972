"""General rules of news time expressions, each with sentences written for the test (no benchmark text).

Publication date 2024-10-30, a Wednesday, unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.enrich.dates import find_date_mentions
from transforms.enrich.dates.tense import direction

PUBLISHED = date(2024, 10, 30)


def found(text: str, published: date = PUBLISHED) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.type, m.value) for m in find_date_mentions(text, published)]


def test_a_full_stop_after_the_mention_ends_its_sentence() -> None:
    text = "The bullet struck him Friday. Police will look into it."
    start = text.index("Friday")
    assert direction(text, start, start + len("Friday")) == 0
    assert found(text) == [("Friday", "date", "2024-10-25")]


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("The plant should open by mid-2025.", "mid-2025", "2025"),
        ("Sales slumped in late-2023, the firm said.", "late-2023", "2023"),
        ("The law was drafted in early-2019.", "early-2019", "2019"),
    ],
)
def test_a_year_joined_to_its_modifier_by_a_hyphen(text: str, extent: str, value: str) -> None:
    assert found(text) == [(extent, "date", value)]


@given(st.integers(1900, 2078))
def test_hyphenated_numbers_that_are_not_modifiers_stay_out(year: int) -> None:
    assert found(f"Part A-{year} of the code and item 25-{year} were cited.") == []


def test_holidays_that_open_with_a_word_before_their_trigger() -> None:
    assert found("Fireworks lit the sky on New Year's Day.") == [("New Year's Day", "date", "2025-01-01")]
    assert found("Shops close early on New Year's Eve.") == [("New Year's Eve", "date", "2024-12-31")]


@pytest.mark.parametrize(
    "text",
    [
        "The party daily Voice printed the letter.",
        "The state-run daily said the talks had failed.",
        "A report in the Daily Courier was denied.",
        "The business weekly Fortune named him.",
    ],
)
def test_a_newspaper_called_a_daily_is_no_frequency(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "extent", "value"),
    [
        ("Trains leave daily for the coast.", "daily", "P1D"),
        ("Daily flights resume next month.", "Daily", "P1D"),
        ("The museum is open daily, the city said.", "daily", "P1D"),
        ("The figures are published monthly.", "monthly", "P1M"),
    ],
)
def test_frequency_adverbs_still_count(text: str, extent: str, value: str) -> None:
    assert (extent, "set", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["She won a second term in office.", "It would be a second blow to the town.", "He made a second attempt."],
)
def test_a_second_before_a_noun_is_the_ordinal(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text", ["A second later the lights went out.", "He paused for a second.", "For a second, nobody spoke."]
)
def test_a_second_as_a_span(text: str) -> None:
    assert [(m[0].lower(), m[2]) for m in found(text)] == [("a second", "PT1S")]


@pytest.mark.parametrize(
    ("text", "published", "value"),
    [
        ("Talks broke down over the weekend.", date(2024, 10, 30), "2024-W43-WE"),
        ("Rebels shelled the town over the weekend, officials said.", date(2024, 10, 28), "2024-W43-WE"),
        ("The leaders will meet at the weekend.", date(2024, 10, 30), "2024-W44-WE"),
        ("Crowds gathered in the square over the weekend.", date(2024, 11, 2), "2024-W44-WE"),
    ],
)
def test_the_weekend_is_the_one_just_past_unless_the_sentence_looks_ahead(
    text: str, published: date, value: str
) -> None:
    assert found(text, published) == [("the weekend", "date", value)]


@pytest.mark.parametrize(
    ("closing", "value"),
    [("Sept. 30", "2024-Q3"), ("July 31", "2024-Q2"), ("June 30", "2024-Q2"), ("Jan. 31", "2023-Q4")],
)
def test_the_quarter_ended_a_date_is_the_calendar_quarter_it_mostly_spans(closing: str, value: str) -> None:
    mentions = found(f"The bank lost money in the quarter ended {closing}, it said.")
    assert mentions[0] == ("the quarter", "date", value)


@given(st.sampled_from(["Dec. 31", "Nov. 30", "December 31", "November 30"]))
def test_a_quarter_that_closes_after_the_publication_date_is_last_years(closing: str) -> None:
    assert found(f"Profit rose in the quarter ended {closing}.")[0][2] == "2023-Q4"


@pytest.mark.parametrize(
    "text", ["The ferry will resume service soon.", "The board may soon name a new chief.", "Rates could rise soon."]
)
def test_soon_in_a_sentence_about_the_future(text: str) -> None:
    assert found(text) == [("soon", "date", "FUTURE_REF")]


@pytest.mark.parametrize(
    "text",
    [
        "Call us as soon as you can.",
        "Soon after the storm, the roads reopened.",
        "It is too soon to say who won.",
        "The guests soon left the hall.",
        "How soon can the bridge reopen?",
    ],
)
def test_soon_that_is_no_reference_to_the_future(text: str) -> None:
    assert found(text) == []
