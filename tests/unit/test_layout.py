"""The month a document is filed under, and the names of monthly indices (``flows.index.layout``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from flows.index.layout import Layout, month_index, month_of, version_of

NOW_MONTH = f"{datetime.now(UTC):%Y.%m}"


def test_the_date_decides_in_utc() -> None:
    assert month_of({"date": "2024-05-31T23:30:00-02:00"}) == "2024.06"
    assert month_of({"date": "2024-06-01T00:30:00+02:00"}) == "2024.05"
    assert month_of({"date": "2024-05-12"}) == "2024.05"


def test_a_date_no_news_has_falls_back_to_first_seen() -> None:
    assert month_of({"date": "0001-01-01T00:00:00Z", "first_seen_at": "2025-03-02T10:00:00Z"}) == "2025.03"
    assert month_of({"date": "2999-01-01T00:00:00Z", "first_seen_at": "2025-03-02T10:00:00Z"}) == "2025.03"
    assert month_of({"date": "not a date", "first_seen_at": None, "ingested_at": "2025-04-01T00:00:00Z"}) == "2025.04"
    assert month_of({}) == NOW_MONTH


@given(st.one_of(st.text(max_size=40), st.none(), st.integers(), st.datetimes(timezones=st.just(UTC)).map(
    lambda d: d.isoformat())))
def test_any_date_field_gives_a_month_an_index_can_be_named_after(value: object) -> None:
    month = month_of({"date": value})
    assert re.fullmatch(r"\d{4}\.(0[1-9]|1[0-2])", month)
    assert 1900 <= int(month[:4]) <= datetime.now(UTC).year + 1


@given(st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2025, 12, 30)),
       st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_any_offset_files_the_instant_under_its_utc_month(moment: datetime, minutes: int) -> None:
    local = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    assert month_of({"date": local.isoformat()}) == f"{local.astimezone(UTC):%Y.%m}"


def test_names() -> None:
    assert month_index("articles-v2", "2024.05") == "articles-v2-2024.05"
    assert version_of("articles-v2-2024.05") == "articles-v2"
    assert version_of("articles-v12") == "articles-v12"
    assert version_of("my-v1-news-v3-2024.01") == "my-v1-news-v3"


def test_a_rebuild_reads_its_own_months_and_a_live_alias_reads_itself() -> None:
    assert Layout("articles-v3-*", "articles-v3", monthly=True).reads == "articles-v3-*"
    assert Layout("articles", "articles-v3", monthly=True, joins="articles").reads == "articles"
    assert Layout("articles", "articles-v3", monthly=False, joins="articles").reads == "articles"
