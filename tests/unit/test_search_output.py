"""The pure parts of what search shows and of the date every document gets: interval choice, labels, merged
highlights, filter names people type, and `date`/`date_source` on documents and on merged copies."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from flows.es.analysis import missing_components
from flows.es.setup import load_template
from flows.index.document import plausible_mention
from flows.ingest.classify import Copy, first_seen
from flows.ingest.writes import merged_fields
from flows.search.date_facets import DateInterval, choose_interval, year_ranges
from flows.search.facets import FacetBucket, date_label, facets, format_facets, interval_name
from flows.search.hits import merged_highlight, search_hit
from flows.search.limits import bound_query
from flows.search.query import format_response, parse_filters, search_json


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("first", "last", "expected"), [
    ("2024-05-01", "2024-05-20", DateInterval("day")),
    ("2024-05-01", "2024-08-20", DateInterval("week")),
    ("2023-01-15", "2024-11-30", DateInterval("month")),
    ("2019-03-01", "2024-11-30", DateInterval("quarter")),
    ("2001-06-01", "2024-11-30", DateInterval("year")),
    ("1900-01-01", "2034-12-31", DateInterval("year", 10)),
    ("1990-01-01", "2089-12-31", DateInterval("year", 5)),
])
def test_the_interval_is_the_finest_that_gives_at_most_24_buckets(first: str, last: str,
                                                                    expected: DateInterval) -> None:
    assert choose_interval(day(first), day(last)) == expected


def test_every_range_gets_at_most_24_buckets() -> None:
    for first, last in [("0001-01-01", "9999-12-31"), ("1900-01-01", "2100-01-01"), ("2024-01-01", "2024-01-01")]:
        interval = choose_interval(day(first), day(last))
        if interval.years > 1:
            assert len(year_ranges(day(first), day(last), interval.years)) <= 24


def test_year_ranges_align_on_multiples_and_cover_the_range() -> None:
    ranges = year_ranges(day("1993-05-01"), day("2024-02-01"), 10)
    assert [r["key"] for r in ranges] == ["1990", "2000", "2010", "2020"]
    assert ranges[-1] == {"key": "2020", "from": "2020-01-01", "to": "2030-01-01"}


def test_bucket_labels_are_as_precise_as_the_interval() -> None:
    key = "2024-05-01T00:00:00.000Z"
    assert [date_label(key, code) for code in ("5y", "1y", "1q", "1M", "1w", "1d", None)] == [
        "2024", "2024", "2024-05", "2024-05", "2024-05-01", "2024-05-01", "2024-05-01"]
    assert (interval_name("1M"), interval_name("10y"), interval_name(None)) == ("month", "10 years", "year")


MANY_MONTHS = {"interval": "1M", "buckets": [
    {"key_as_string": f"20{y:02d}-{m:02d}-01T00:00:00.000Z", "key": 0, "doc_count": 1}
    for y in range(10, 20) for m in range(1, 13)]}


def test_date_facets_print_one_bucket_per_line_and_terms_on_one() -> None:
    response = {"aggregations": {"published": {"interval": "1y", "buckets": [
        {"key_as_string": "2023-01-01T00:00:00.000Z", "key": 1, "doc_count": 3},
        {"key_as_string": "2024-01-01T00:00:00.000Z", "key": 2, "doc_count": 0},
        {"key_as_string": "2025-01-01T00:00:00.000Z", "key": 3, "doc_count": 12}]},
        "languages": {"buckets": [{"key": "en", "doc_count": 5}, {"key": "fr", "doc_count": 1}]}}}
    lines = format_facets(facets(response), {"published": "1y", "mentioned": None})
    assert lines == ["  languages: en (5), fr (1)", "  published (by year):", "    2023       3", "    2025      12"]
    assert max(len(line) for line in format_facets(facets({"aggregations": {"published": MANY_MONTHS}}),
                                                   {"published": "1M"})) < 40


def test_story_facets_show_the_first_headline_or_the_start_of_its_body() -> None:
    def story(key: str, count: int, source: dict, highlight: dict | None = None) -> dict:
        hit = {"_source": source, **({"highlight": highlight} if highlight else {})}
        return {"key": key, "doc_count": count, "first": {"hits": {"hits": [hit]}}}

    response = {"aggregations": {"stories": {"buckets": [
        story("s-1", 4, {"title": "Troops cross the border"}),
        story("s-2", 2, {"title": None}, {"body": ["North Korean soldiers &amp; their phones"]})]}}}
    assert facets(response)["stories"] == [FacetBucket("s-1", 4, "Troops cross the border"),
                                           FacetBucket("s-2", 2, "North Korean soldiers & their phones …")]
    assert search_json({"hits": {"total": {"value": 0}, "hits": []}, **response})["facets"]["stories"][0] == {
        "key": "s-1", "count": 4, "headline": "Troops cross the border"}
    lines = format_facets(facets(response), {})
    assert lines[:2] == ["  stories:", "    s-1  (4)  Troops cross the border"]


def test_a_language_body_highlight_comes_back_as_the_body() -> None:
    french = {"_id": "a", "_score": 1.0, "_source": {"title": "Défilé"},
              "highlight": {"body": ["Les chevaux de la garde"], "lang_body.fr": ["Les <em>chevaux</em> de la"]}}
    assert merged_highlight(french) == {"body": ["Les <em>chevaux</em> de la"]}
    english = {"_id": "b", "_source": {}, "highlight": {"body": ["the <em>troops</em>"], "lang_body.de": ["x"]}}
    assert merged_highlight(english) == {"body": ["the <em>troops</em>"]}
    browsed = {"_id": "c", "_source": {}, "highlight": {"body": ["The start of the body"]}}
    assert search_hit(browsed)["snippet"] == "The start of the body"
    assert "Les «chevaux» de la" in format_response({"hits": {"total": {"value": 1}, "hits": [french]}})


def test_a_hit_has_a_date_even_from_an_index_without_one() -> None:
    old = search_hit({"_id": "x", "_score": 1.0, "_source": {"published_at": "2024-01-02T00:00:00+00:00"}})
    assert (old["date"], old["date_source"]) == ("2024-01-02T00:00:00+00:00", "published")
    new = search_hit({"_id": "y", "_score": None, "_source": {"date": "2024-02-03", "date_source": "first_seen"}})
    assert (new["id"], new["date"], new["date_source"], new["snippet"]) == ("y", "2024-02-03", "first_seen", "")
    shown = format_response({"hits": {"total": {"value": 1}, "hits": [{**new, "_id": "y", "_source": {
        "date": "2024-02-03T10:00:00+00:00", "date_source": "first_seen"}}]}})
    assert "2024-02-03 (first seen)" in shown


def test_filter_names_and_quotes_people_type() -> None:
    assert parse_filters(["author=Jane Doe", 'source="bbc news"', "language=EN", "date_from=2024-01-01"]) == {
        "authors": "Jane Doe", "source": "bbc news", "language": "EN", "date_from": "2024-01-01"}
    assert parse_filters(["source='O'Reilly'"]) == {"source": "O'Reilly"}


def test_a_star_browses_like_an_empty_query_without_a_note() -> None:
    assert bound_query("*") == ("", []) and bound_query("  *  ") == ("", [])
    assert bound_query("troop*") == ("troop*", [])


def test_mentions_out_of_the_charted_range_are_left_out() -> None:
    published = datetime(2024, 3, 7, tzinfo=UTC)
    assert plausible_mention(date(1900, 1, 1), published) and plausible_mention(date(2034, 12, 31), published)
    assert not plausible_mention(date(1, 1, 1), published) and not plausible_mention(date(2035, 1, 1), published)
    assert not plausible_mention(date(1899, 12, 31), published)


def test_a_copy_that_brings_a_publication_date_moves_the_date_off_first_seen() -> None:
    current = {"url": None, "source": "S", "authors": [], "published_at": None, "title": "T",
               "date": "2025-01-01T00:00:00+00:00", "date_source": "first_seen"}
    copy = Copy("feed.jsonl:1", published_at=datetime(2024, 3, 7, tzinfo=UTC), published_at_source="metadata")
    update = merged_fields(current, [copy], {})
    assert (update["date"], update["date_source"]) == ("2024-03-07T00:00:00+00:00", "published")
    dated = {**current, "published_at": "2023-01-01T00:00:00+00:00", "date_source": "published"}
    assert "date" not in merged_fields(dated, [copy], {})


def test_first_seen_of_an_existing_document() -> None:
    assert first_seen({"first_seen_at": "2024-01-01T00:00:00+00:00", "ingested_at": "2025-01-01T00:00:00Z"}) == \
        datetime(2024, 1, 1, tzinfo=UTC)
    assert first_seen({"ingested_at": "2025-01-01T00:00:00Z"}) == datetime(2025, 1, 1, tzinfo=UTC)
    assert first_seen({}) is None and first_seen({"ingested_at": "garbage"}) is None


def test_only_missing_analysis_components_are_added() -> None:
    wanted = load_template()["template"]["settings"]["analysis"]
    live = {kind: dict(specs) for kind, specs in wanted.items()}
    del live["analyzer"]["news_fold"]
    assert missing_components(live, wanted) == {"analyzer": {"news_fold": wanted["analyzer"]["news_fold"]}}
    assert missing_components(wanted, wanted) == {}
