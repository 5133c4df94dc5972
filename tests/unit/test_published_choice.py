"""Reading declared dates (``html_dates``) and choosing the publication date among them (``published_choice``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.clean.html import parse_tree
from transforms.clean.html_dates import claim_of, declared_dates
from transforms.clean.html_meta import meta_values
from transforms.clean.page_zone import MAX_STAMPS, country_zone, written_in_utc, zoned_stamps
from transforms.clean.published import month_from_url, parse_date, parse_date_as_written
from transforms.clean.published_choice import Evidence, PageClock, UrlMonth, as_evidence, choose_published


@pytest.mark.parametrize(
    ("name", "claim"),
    [
        ("article:published_time", "published"), ("datepublished", "published"), ("parsely-pub-date", "published"),
        ("dc.date.issued", "published"), ("publicationdate", "published"), ("datecreated", "created"),
        ("og:updated_time", "modified"), ("article:modified_time", "modified"), ("date", "generic"),
        ("dc.date", "generic"), ("sailthru.date", "generic"), ("article:expiration_time", None),
        ("og:event:start_time", None), ("article:publisher", None), ("uploaddate", None), ("viewport", None),
    ],
)  # fmt: skip
def test_a_date_name_says_what_it_claims(name: str, claim: str | None) -> None:
    assert claim_of(name) == claim


def test_the_day_as_written_is_kept_beside_the_utc_instant() -> None:
    written = parse_date_as_written("Sat, 19 Oct 2019 00:04:00 +0200")
    assert written is not None and written.date() == date(2019, 10, 19)
    assert parse_date("Sat, 19 Oct 2019 00:04:00 +0200") == datetime(2019, 10, 18, 22, 4, tzinfo=UTC)
    assert parse_date_as_written("2019-10-18") == datetime(2019, 10, 18, tzinfo=UTC)


def _declared(html: str) -> list[tuple[str, str, str]]:
    tree = parse_tree(html)
    return [(d.claim, d.where, d.value) for d in declared_dates(tree, meta_values(tree))]


def test_json_ld_skips_embedded_media_and_reads_graphs() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "VideoObject", "uploadDate": '
        '"2015-01-16", "datePublished": "2015-01-16"}, {"@type": ["NewsArticle"], "datePublished": "2017-12-01", '
        '"dateModified": "2018-01-02"}]}</script><script type="application/ld+json">{broken</script></head></html>'
    )
    assert _declared(html) == [
        ("published", "json-ld datePublished", "2017-12-01"),
        ("modified", "json-ld dateModified", "2018-01-02"),
    ]


def test_microdata_on_visible_elements_and_teaser_lists() -> None:
    teasers = "".join(f'<time pubdate datetime="2021-01-0{n}">x</time>' for n in range(1, 5))
    html = f'<html><body><span itemprop="datePublished">4 May 2020</span>{teasers}</body></html>'
    assert _declared(html) == [("published", "microdata datepublished", "4 May 2020")]


def _evidence(value: str, kind: str) -> Evidence:
    found = as_evidence(value, kind)  # type: ignore[arg-type]
    assert found is not None
    return found


def _never() -> Evidence | None:
    raise AssertionError("htmldate must not be run when the declared dates agree")


def test_the_url_wins_and_is_confirmed_by_a_near_declared_day() -> None:
    url = Evidence(datetime(2023, 11, 8, tzinfo=UTC), "url", "2023-11-08")
    declared = [_evidence("2023-11-09T01:49:00+00:00", "published")]
    confirmed = choose_published(declared, url=url, read_page=_never)
    alone = choose_published([], url=url, read_page=_never)
    assert confirmed is not None and alone is not None
    assert (confirmed.day, confirmed.source) == (date(2023, 11, 8), "url")
    assert confirmed.confidence > alone.confidence


def test_published_beats_generic_and_modified_without_running_htmldate() -> None:
    declared = [
        _evidence("2022-02-08T13:03:12+01:00", "modified"),
        _evidence("2022-02-09", "generic"),
        _evidence("2022-02-04T15:29:27+01:00", "published"),
    ]
    found = choose_published(declared, read_page=_never)
    assert found is not None and (found.day, found.source) == (date(2022, 2, 4), "metadata")
    assert found.at == datetime(2022, 2, 4, 14, 29, 27, tzinfo=UTC)


def test_the_local_twin_of_a_utc_stamp_names_the_day() -> None:
    declared = [_evidence("2019-10-18T22:04:00Z", "published"), _evidence("Sat, 19 Oct 2019 00:04:00 +0200", "generic")]
    found = choose_published(declared, read_page=_never)
    assert found is not None and found.day == date(2019, 10, 19)


def test_disagreeing_publication_dates_are_put_to_a_vote() -> None:
    declared = [
        _evidence("2020-04-25T07:25:06Z", "published"),
        _evidence("2020-04-24T21:25:06+00:00", "published"),
        _evidence("2020-04-24", "generic"),
    ]
    found = choose_published(declared, read_page=lambda: _evidence("2020-04-24", "htmldate"))
    assert found is not None and found.day == date(2020, 4, 24)


def test_a_publication_stamped_at_every_save_yields_to_the_page() -> None:
    declared = [_evidence("2020-09-08T17:33:18+02:00", "published"), _evidence("2020-09-08T17:33:18+02:00", "modified")]
    found = choose_published(declared, read_page=lambda: _evidence("2020-04-04", "htmldate"))
    assert found is not None and (found.day, found.source) == (date(2020, 4, 4), "html")


def test_a_year_alone_is_the_last_resort() -> None:
    declared = [_evidence("2004", "created"), _evidence("2019-06-13T10:00:00Z", "modified")]
    found = choose_published(declared)
    assert found is not None and found.day == date(2019, 6, 13)
    alone = choose_published([_evidence("2004", "created")])
    assert alone is not None and alone.day == date(2004, 1, 1) and alone.confidence < 0.5


def test_nothing_gives_nothing() -> None:
    assert choose_published([]) is None


def _clock(url: str | None, html: str = "") -> PageClock:
    return PageClock(country_zone(url), lambda: zoned_stamps(html))


@pytest.mark.parametrize(
    ("url", "stamp", "day"),
    [
        ("https://zeitung.example.de/a", "2021-11-04T23:00Z", date(2021, 11, 5)),  # CET: midnight in Berlin
        ("https://zeitung.example.de/a", "2021-07-04T22:30:00+00:00", date(2021, 7, 5)),  # CEST
        ("https://zeitung.example.de/a", "2021-07-04T21:30:00+00:00", date(2021, 7, 4)),
        ("https://news.example.jp/a", "2021-07-04T16:00:00Z", date(2021, 7, 5)),
        ("https://news.example.co.uk/a", "Wed, 28 Oct 2020 23:22:49 GMT", date(2020, 10, 28)),  # GMT in winter
        ("https://news.example.com/a", "2021-11-04T23:00Z", date(2021, 11, 4)),  # generic: as written
        ("https://news.example.ca/a", "2020-08-25T00:23:33Z", date(2020, 8, 25)),  # several zones: as written
        ("https://zeitung.example.de/a", "2021-11-04 23:00", date(2021, 11, 4)),  # no zone written: as written
        ("https://zeitung.example.de/a", "2021-11-04T23:00:00-05:00", date(2021, 11, 4)),  # a zone of its own
        (None, "2021-11-04T23:00Z", date(2021, 11, 4)),
    ],
)  # fmt: skip
def test_a_utc_stamp_is_read_in_the_zone_of_a_one_zone_country(url: str | None, stamp: str, day: date) -> None:
    found = choose_published([_evidence(stamp, "published")], read_page=_never, clock=_clock(url))
    assert found is not None and found.day == day and found.source == "metadata"


def test_the_same_instant_written_anywhere_in_the_page_names_the_local_day() -> None:
    html = '<script>window.meta = {"publicationDate":"2023-11-08T22:35:29-08:00","other":"2023-11-01T10:00:00-08:00"}'
    found = choose_published(
        [_evidence("2023-11-09T06:35:29+00:00", "published")],
        read_page=_never,
        clock=_clock("https://news.example.com/a", html),
    )
    assert found is not None and found.day == date(2023, 11, 8)
    assert found.at == datetime(2023, 11, 9, 6, 35, 29, tzinfo=UTC)  # the instant itself does not move


def test_htmldate_reading_the_utc_day_of_a_restamped_time_is_no_second_opinion() -> None:
    stamp = "2020-12-05T23:15:00Z"
    declared = [_evidence(stamp, "published"), _evidence(stamp, "modified")]
    found = choose_published(
        declared, read_page=lambda: _evidence("2020-12-05", "htmldate"), clock=_clock("https://g.example.it/a")
    )
    assert found is not None and (found.day, found.source) == (date(2020, 12, 6), "metadata")
    other = choose_published(
        declared, read_page=lambda: _evidence("2020-04-04", "htmldate"), clock=_clock("https://g.example.it/a")
    )
    assert other is not None and (other.day, other.source) == (date(2020, 4, 4), "html")


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2021-11-04T23:00Z", True), ("2021-11-04T23:00:00.000Z", True), ("2021-11-04T23:00:00+00:00", True),
        ("Wed, 28 Oct 2020 22:22:49 +0000", True), ("Wed, 28 Oct 2020 22:22:49 GMT", True), ("1600000000", True),
        ("2021-11-04T23:00:00+01:00", False), ("2021-11-04 23:00", False), ("2021-11-04", False), ("Z", False),
    ],
)  # fmt: skip
def test_which_stamps_say_they_are_utc(value: str, utc: bool) -> None:
    assert written_in_utc(value) is utc


def test_page_stamps_skip_utc_and_nonsense_and_are_capped() -> None:
    html = (
        "2021-01-02T10:00:00+00:00 2021-13-02T10:00:00+01:00 12021-01-02T10:00:00+01:00 2021-01-02T10:00+0100 "
        + "2021-01-03T10:00:00,5-05:00 "
        + "2022-02-02T02:02:02+02:00 " * (MAX_STAMPS + 50)
    )
    stamps = zoned_stamps(html)
    assert stamps[0] == datetime.fromisoformat("2021-01-02T10:00:00+01:00")
    assert stamps[1] == datetime.fromisoformat("2021-01-03T10:00:00.5-05:00")
    assert len(stamps) == MAX_STAMPS


@pytest.mark.parametrize(
    "url", ["", "http://[::1", "https://example.DE./a", "https://user@host.example.de:8080/x", "mailto:a@b.de", "x"]
)
def test_country_zone_never_raises(url: str) -> None:
    zone = country_zone(url)
    assert zone is None or str(zone) == "Europe/Berlin"


@given(st.text(alphabet="0123456789-+:.,TZ ", max_size=300), st.text(max_size=80))
def test_zone_signs_never_raise(markup: str, url: str) -> None:
    stamps = zoned_stamps(markup)
    assert all(stamp.utcoffset() for stamp in stamps)
    country_zone(url)


@pytest.mark.parametrize(
    ("url", "month"),
    [
        ("https://blog.example.org/2011/12/slug/", (date(2011, 12, 1), date(2011, 12, 31))),
        ("https://blog.example.org/2012-2/slug", (date(2012, 2, 1), date(2012, 2, 29))),
        ("https://blog.example.org/2011/12/03/slug", None),  # a full date is the URL's own evidence
        ("https://www.example.de/2019/43/slug", None),  # an issue number, not a month
        ("https://blog.example.org/2011/12", None), (None, None), ("", None),
    ],
)  # fmt: skip
def test_a_month_without_a_day_in_the_url(url: str | None, month: tuple[date, date] | None) -> None:
    assert month_from_url(url) == month


def _month(inside: str | None) -> UrlMonth:
    def read(first: date, last: date) -> Evidence | None:
        assert (first, last) == (date(2011, 12, 1), date(2011, 12, 31))
        return _evidence(inside, "htmldate") if inside else None

    return UrlMonth(date(2011, 12, 1), date(2011, 12, 31), read)


def test_a_choice_outside_the_url_s_month_gives_way_to_the_page_read_within_it() -> None:
    outside = [_evidence("2010-06-01T10:00:00Z", "published")]
    found = choose_published(outside, read_page=_never, month=_month("2011-12-03"))
    assert found is not None and (found.day, found.source) == (date(2011, 12, 3), "html")
    kept = choose_published(outside, read_page=_never, month=_month("2011-12-01"))  # a month alone: no answer
    assert kept is not None and kept.day == date(2010, 6, 1)
    kept = choose_published(outside, read_page=_never, month=_month(None))
    assert kept is not None and kept.day == date(2010, 6, 1)
    inside = [_evidence("2011-12-20T10:00:00Z", "published")]
    untouched = choose_published(inside, read_page=_never, month=_month("2011-12-03"))
    assert untouched is not None and untouched.day == date(2011, 12, 20)
    nothing = choose_published([], read_page=lambda: None, month=_month("2011-12-03"))
    assert nothing is not None and nothing.day == date(2011, 12, 3)
