"""Unicode repair and publication-date parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.clean.published import date_from_text, date_from_url, parse_date
from transforms.clean.repair import repair_text

# --- repair -------------------------------------------------------------------------------------


def test_mojibake_is_undone() -> None:
    assert repair_text("North Koreaâ€™s strict governance") == "North Korea’s strict governance"
    assert repair_text("â€œfull supportâ€\x9d") == "“full support”"


def test_typography_is_kept() -> None:
    text = "“Curly” quotes, ‘single’, en – and em — dashes"
    assert repair_text(text) == text


def test_controls_odd_spaces_and_invisibles() -> None:
    assert repair_text("a\u00a0b\u2009c\u200bd\x00e\x07f\ufeff") == "a b cdef"
    assert repair_text("line one\r\nline two\rthree\u2028four") == "line one\nline two\nthree\nfour"


def test_nfc_and_idempotence() -> None:
    decomposed = "cafe\u0301"
    assert repair_text(decomposed) == "café"
    once = repair_text("Ã©tÃ© \u00a0 text")
    assert repair_text(once) == once


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-10-29T14:03:00-04:00", datetime(2024, 10, 29, 18, 3, tzinfo=UTC)),
        ("2024-10-29T14:03:00Z", datetime(2024, 10, 29, 14, 3, tzinfo=UTC)),
        ("2024-10-29", datetime(2024, 10, 29, tzinfo=UTC)),
        ("Tue, 29 Oct 2024 18:03:00 GMT", datetime(2024, 10, 29, 18, 3, tzinfo=UTC)),
        ("Tue, 29 Oct 2024 14:03:00 -0400", datetime(2024, 10, 29, 18, 3, tzinfo=UTC)),
        ("Oct. 29, 2024 5:03 p.m. EDT", datetime(2024, 10, 29, 21, 3, tzinfo=UTC)),
        ("October 29, 2024", datetime(2024, 10, 29, tzinfo=UTC)),
        ("29 October 2024 10:00 BST", datetime(2024, 10, 29, 9, 0, tzinfo=UTC)),
        ("Monday, 18 November 2019", datetime(2019, 11, 18, tzinfo=UTC)),
        ("1730224980", datetime(2024, 10, 29, 18, 3, tzinfo=UTC)),
    ],
)
def test_parse_date_formats_to_utc(value: str, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() is not None


@pytest.mark.parametrize("garbage", [None, "", "   ", "hello", "5", "May", "9999-99-99", "x" * 500, "0000-00-00"])
def test_parse_date_garbage_is_none(garbage: str | None) -> None:
    assert parse_date(garbage) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/news/2024/10/29/story.html", datetime(2024, 10, 29, tzinfo=UTC)),
        ("https://example.com/2024-10-29-storm-hits", datetime(2024, 10, 29, tzinfo=UTC)),
        ("https://example.com/20241029/storm", datetime(2024, 10, 29, tzinfo=UTC)),
        ("https://example.com/entertainment/2019/11/florida-man", None),  # month only
        ("https://example.com/article/1234567890123", None),
        ("https://example.com/2024/13/45/bad", None),
        (None, None),
    ],
)
def test_date_from_url(url: str | None, expected: datetime | None) -> None:
    assert date_from_url(url) == expected


def test_dateline_at_the_top_is_found() -> None:
    assert date_from_text("WASHINGTON, Oct. 29, 2024 (Reuters) - The talks ended.") == datetime(
        2024, 10, 29, tzinfo=UTC
    )
    assert date_from_text("Headline\nPublished: 29 October 2024\nBody") == datetime(2024, 10, 29, tzinfo=UTC)


def test_a_date_inside_a_sentence_is_not_a_dateline() -> None:
    assert date_from_text("On October 29, 2024, the council met to vote.") is None
    assert date_from_text("A\nB\nC\nPublished: 29 October 2024") is None  # too deep to be a dateline
