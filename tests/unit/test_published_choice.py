"""Reading declared dates (``html_dates``) and choosing the publication date among them (``published_choice``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from transforms.clean.html import parse_tree
from transforms.clean.html_dates import claim_of, declared_dates
from transforms.clean.html_meta import meta_values
from transforms.clean.published import parse_date, parse_date_as_written
from transforms.clean.published_choice import Evidence, as_evidence, choose_published


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
