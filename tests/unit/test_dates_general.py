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
