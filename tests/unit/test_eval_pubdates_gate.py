"""CI gate for ``newsindex eval pubdates``, on pages this test writes itself (no third-party page in the repository).

Each page states its date in one of the ways real pages do, or in several that disagree the way real pages
disagree: a UTC stamp beside the local time (in the markup or in a script), a UTC stamp near midnight on a
domain of a country with one time zone, a site's date outside the month its URL names, a modification after the
publication, a video's upload date in the JSON-LD, a list of teasers each with its own date, a URL whose day
differs from a UTC stamp. Measured when pinned: F1 1.000 on the 20 dated pages with one undated page (F1 0.976
overall); the minimum leaves room for one page to change.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from flows.evaluate import pubdates

MIN_F1 = 0.93
PROSE = (
    "<p>The council met on a wet evening to discuss the plans for the new library, which has been delayed "
    "twice since the first designs were shown to residents in the old town hall.</p>"
    "<p>Members asked the architects to keep the reading rooms open during the building work, and the "
    "architects agreed to publish a revised timetable before the next meeting of the committee.</p>"
    "<p>Residents who spoke at the meeting welcomed the change but said that the car park should stay "
    "open as well, because many older readers come to the library by car from the villages.</p>"
)


def _page(head: str = "", top: str = "", tail: str = "") -> str:
    return (
        f"<html><head><title>Library plans delayed</title>{head}</head><body><article><h1>Library plans delayed</h1>"
        f"{top}{PROSE}{tail}</article></body></html>"
    )


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _meta(prop: str, value: str) -> str:
    return f'<meta property="{prop}" content="{value}">'


TEASERS = "".join(
    f'<li><time pubdate datetime="2021-0{month}-1{month}T10:00:00Z">{month}</time> Older story {month}</li>'
    for month in range(1, 6)
)
PAGES: dict[str, tuple[str, str | None, str]] = {  # id: (html, crawler URL, gold day)
    "og-local": (_page(_meta("article:published_time", "2022-03-04T00:30:00+02:00")), None, "2022-03-04"),
    "og-utc": (_page(_meta("article:published_time", "2022-03-04T09:30:00Z")), None, "2022-03-04"),
    "json-ld": (_page(_ld({"@type": "NewsArticle", "datePublished": "2021-11-05T08:00:00+01:00"})), None, "2021-11-05"),
    "microdata": (_page(top='<time itemprop="datePublished" datetime="2020-06-02">2 June 2020</time>'), None,
                  "2020-06-02"),
    "url-only": (_page(), "https://news.example/2019/10/21/library-plans", "2019-10-21"),
    "url-beats-utc-stamp": (_page(_meta("article:published_time", "2023-11-09T01:49:00+00:00")),
                            "https://news.example/2023/11/08/library", "2023-11-08"),
    "local-twin-of-utc": (_page(_ld({"@type": "Article", "datePublished": "2019-10-18T22:04:00Z"})
                                + '<meta name="date" content="Sat, 19 Oct 2019 00:04:00 +0200">'), None, "2019-10-19"),
    "published-before-modified": (_page(_meta("article:modified_time", "2022-02-08T13:03:12+01:00")
                                        + _meta("article:published_time", "2022-02-04T15:29:27+01:00")), None,
                                  "2022-02-04"),
    "microdata-beats-modified": (_page('<meta itemprop="dateModified" content="2020-02-07T18:13">',
                                       top='<time itemprop="datePublished" datetime="2020-02-08 11:00">8 Feb</time>'),
                                 None, "2020-02-08"),
    "video-upload-is-not-the-page": (_page(_ld([{"@type": "VideoObject", "uploadDate": "2015-01-16"},
                                                {"@type": "BlogPosting", "datePublished": "2017-12-01T10:00:00Z"}])),
                                     None, "2017-12-01"),
    "published-beats-created": (_page(_ld({"@type": "Article", "dateCreated": "2020-01-17T09:00:00Z",
                                           "datePublished": "2020-01-20T06:00:00Z"})), None, "2020-01-20"),
    "teasers-are-not-the-page": (_page(_meta("article:published_time", "2021-07-07T12:00:00Z"),
                                       tail=f"<aside><ul>{TEASERS}</ul></aside>"), None, "2021-07-07"),
    "htmldate-reads-the-page": (_page(top="<p class='date'>Published 17 May 2023</p>"), None, "2023-05-17"),
    "dateline": (_page(top="<p>LONDON, March 4, 2021 - The council said on Thursday that the plans would change.</p>"),
                 None, "2021-03-04"),
    "year-only-is-a-last-resort": (_page(_meta("article:published_time", "2004")
                                         + _meta("article:modified_time", "2019-06-13T10:00:00Z")), None,
                                   "2019-06-13"),
    "modified-only": (_page(_meta("og:updated_time", "2018-05-05T10:00:00Z")), None, "2018-05-05"),
    "utc-stamp-of-a-one-zone-country": (_page(_meta("article:published_time", "2021-11-04T23:00Z")),
                                        "https://lokal.example.de/rat/bibliothek", "2021-11-05"),
    "utc-stamp-of-a-generic-domain": (_page(_meta("article:published_time", "2021-11-04T23:00Z")),
                                      "https://news.example.com/council/library", "2021-11-04"),
    "url-month-bounds-the-page": (("<html><head><title>Library plans delayed</title></head><body><header>"
                                   '<p class="date">Online since 01.06.2010</p></header><article>'
                                   f"<h1>Library plans delayed</h1><p>Posted on 3 December 2011</p>{PROSE}</article>"
                                   "</body></html>"), "https://blog.example.org/news/2011/12/library-plans/",
                                  "2011-12-03"),
    "script-twin-of-a-utc-stamp": (_page(_meta("article:published_time", "2023-11-09T06:35:29+00:00")
                                         + '<script>var page = {"publicationDate":"2023-11-08T22:35:29-08:00"};'
                                           "</script>"), "https://news.example.com/library", "2023-11-08"),
    "no-date-at-all": (_page(), "https://news.example/library-plans", "2020-01-01"),
}  # fmt: skip


@pytest.fixture
def pages_dir(tmp_path: Path) -> Path:
    (tmp_path / "pages").mkdir()
    gold = {}
    for key, (html, url, day) in PAGES.items():
        (tmp_path / "pages" / f"{key}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        gold[key] = {"date": day, "url": url}
    (tmp_path / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return tmp_path


@pytest.mark.timeout(60)
def test_publication_dates_do_not_regress(pages_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert pubdates.main([str(pages_dir), "--errors"]) == 0
    output = capsys.readouterr().out.strip().splitlines()
    report = json.loads(output[-1])
    ours = report["newsindex"]
    assert report["pages"] == len(PAGES)
    assert ours["f1"] >= MIN_F1, "\n".join(line for line in output if "\tgold " in line)
    assert ours["fp"] == 0  # every page that states a date gets that date
    assert set(report["peers"]) == set(pubdates.PEERS)
    assert set(report["folds"]) == {"newsindex", *pubdates.PEERS}
    assert len(report["folds"]["newsindex"]["per_fold"]) == 5


def test_the_confidence_is_stored_beside_the_date(pages_dir: Path) -> None:
    html, encoding = pubdates.read_page(pages_dir, "url-beats-utc-stamp")
    confirmed = pubdates.product_date(html, encoding, PAGES["url-beats-utc-stamp"][1], "x")
    html, encoding = pubdates.read_page(pages_dir, "htmldate-reads-the-page")
    guessed = pubdates.product_date(html, encoding, None, "y")
    assert (confirmed.date, confirmed.source) == ("2023-11-08", "url")
    assert (guessed.date, guessed.source) == ("2023-05-17", "html")
    assert confirmed.confidence is not None and guessed.confidence is not None
    assert confirmed.confidence > guessed.confidence


def test_metric_is_htmldate_s() -> None:
    gold = {key: pubdates.Gold("2020-01-02", None) for key in "abcd"}
    predicted = {
        "a": pubdates.Prediction("2020-01-02"),
        "b": pubdates.Prediction("2020-01-02"),
        "c": pubdates.Prediction("2020-01-03"),  # another day: a false positive
        "d": pubdates.Prediction(None),  # none: a false negative
    }
    scores = pubdates.score(gold, predicted, sorted(gold))
    assert (scores.tp, scores.fp, scores.fn) == (2, 1, 1)
    assert (scores.precision, scores.recall, scores.f1) == (2 / 3, 2 / 3, 4 / 6)


def test_missing_gold_is_an_error(tmp_path: Path) -> None:
    assert pubdates.main([str(tmp_path)]) == 2
