"""The WARC reader: HTML responses become articles keyed by record; everything else is counted, never failed."""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.read import ReadFailure, ReadLimits, read_articles
from tests.unit.test_read_properties import assert_storable
from tests.warcs import CRAWL_DATE, METADATA, REQUEST, WARCINFO, http_block, page, record, response, write_warc
from transforms.models import RawArticle

SUFFIXES = [".warc", ".warc.gz"]
HTML = b"<!DOCTYPE html><html><body><p>The harbour authority approved a new ferry terminal.</p></body></html>"


def read_all(path: Path, limits: ReadLimits | None = None) -> list[RawArticle | ReadFailure]:
    items = list(read_articles([path], limits=limits or ReadLimits()))
    assert_storable(items)
    return items


def articles(items: list[RawArticle | ReadFailure]) -> list[RawArticle]:
    assert all(isinstance(item, RawArticle) for item in items), items
    return [item for item in items if isinstance(item, RawArticle)]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_html_responses_are_articles_with_their_url_and_crawl_date(tmp_path: Path, suffix: str) -> None:
    path = write_warc(
        tmp_path / f"crawl{suffix}",
        [
            WARCINFO,
            REQUEST,
            response(HTML, "https://example.org/a"),
            METADATA,
            response(HTML.replace(b"ferry", b"bus"), "https://example.org/b", date="2024-03-06T00:00:00Z"),
        ],
    )
    first, second = articles(read_all(tmp_path))  # found by walking the folder: .warc is a known suffix
    assert (first.origin.path, first.origin.line, second.origin.line) == (str(path), 3, 5)
    assert (first.url, first.crawled_at, second.url, second.crawled_at) == (
        "https://example.org/a",
        CRAWL_DATE,
        "https://example.org/b",
        "2024-03-06T00:00:00Z",
    )
    assert first.format == "html" and first.content == HTML.decode() and first.published_at is None
    assert first.notes == [] and second.notes == ["warc: 3 records skipped (metadata 1, request 1, warcinfo 1)"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_records_that_are_not_articles_are_counted_on_the_last_item_not_failed(tmp_path: Path, suffix: str) -> None:
    junk = [
        REQUEST,
        METADATA,
        record("revisit", http_block(b"")),
        record("resource", b"x", content_type="text/plain"),
        response(HTML, status="404 Not Found"),
        response(b"", status="301 Moved", headers=("Location: /b",)),
        response(HTML, status="503 Service Unavailable"),
        response(b"\x89PNG\r\n\x1a\n", headers=("Content-Type: image/png",)),
        response(b"%PDF-1.7\n", headers=("Content-Type: application/pdf",)),
        record("response", b"example.org. 300 IN A 93.184.216.34\r\n", "dns:example.org", content_type="text/dns"),
        record("response", http_block(HTML, "OK OK"), content_type="application/http; msgtype=response"),
    ]
    [article] = articles(read_all(write_warc(tmp_path / f"crawl{suffix}", [response(HTML), *junk])))
    assert article.origin.line == 1
    assert article.notes == [
        "warc: 11 records skipped (metadata 1, not HTML 2, not HTTP 1, request 1, resource 1, "
        "revisit 1, status 3xx 1, status 4xx 1, status 5xx 1, status invalid 1)"
    ]


def test_charset_of_the_http_header_is_used_before_the_pages_own(tmp_path: Path) -> None:
    body = '<html><head><meta charset="windows-1251"></head><body><p>Новый паром</p></body></html>'.encode("koi8-r")
    path = write_warc(tmp_path / "ru.warc", [response(body, headers=("Content-Type: text/html; charset=KOI8-R",))])
    [article] = articles(read_all(path))
    assert "Новый паром" in article.content and article.encoding == "koi8_r"


def test_without_an_http_charset_the_page_declares_its_own(tmp_path: Path) -> None:
    body = '<html><head><meta charset="iso-8859-1"></head><body><p>Die Straße ist groß</p></body></html>'
    [article] = articles(read_all(write_warc(tmp_path / "de.warc", [response(body.encode("latin-1"))])))
    assert "Die Straße ist groß" in article.content and article.encoding == "cp1252"


def test_a_response_without_content_type_is_sniffed(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "bare.warc",
        [response(b"\n  <!doctype HTML><p>x</p>", headers=()), response(b"GIF89a\x01\x00", headers=())],
    )
    [article] = articles(read_all(path))
    assert article.origin.line == 1 and article.notes == ["warc: 1 records skipped (not HTML 1)"]


def test_xhtml_is_html(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "x.warc", [response(HTML, headers=("Content-Type: application/xhtml+xml",))])
    assert articles(read_all(path))[0].format == "html"


def test_chunked_and_gzip_encoded_bodies_are_decoded_by_the_library(tmp_path: Path) -> None:
    squeezed = gzip.compress(HTML)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (squeezed[:10], squeezed[10:])) + b"0\r\n\r\n"
    headers = ("Content-Type: text/html; charset=utf-8", "Transfer-Encoding: chunked", "Content-Encoding: gzip")
    [article] = articles(read_all(write_warc(tmp_path / "enc.warc.gz", [response(chunked, headers=headers)])))
    assert article.content == HTML.decode()


def test_a_content_encoding_the_library_cannot_undo_fails_that_record_alone(tmp_path: Path) -> None:
    path = write_warc(
        tmp_path / "br.warc",
        [response(b"\x1b\x00\x00", headers=("Content-Type: text/html", "Content-Encoding: br")), response(HTML)],
    )
    failure, article = read_all(path)
    assert isinstance(failure, ReadFailure) and (failure.origin.line, failure.reason) == (1, "unsupported_format")
    assert isinstance(article, RawArticle) and article.origin.line == 2


def test_one_gzip_member_for_the_whole_file_reads_as_well(tmp_path: Path) -> None:
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(WARCINFO + response(HTML, "https://example.org/a") + response(HTML)))
    assert [a.origin.line for a in articles(read_all(path))] == [2, 3]


def test_gzip_under_a_plain_name_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "named-wrong.warc"
    path.write_bytes(gzip.compress(response(HTML)))
    assert len(articles(read_all(path))) == 1


def test_cut_gzip_member_gives_the_records_before_it_then_a_failure_at_the_cut_record(tmp_path: Path) -> None:
    members = [gzip.compress(r) for r in (response(HTML, "https://example.org/a"), REQUEST, response(HTML))]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(b"".join(members)[: -len(members[-1]) // 2])
    article, failure = read_all(path)
    assert isinstance(article, RawArticle) and article.url == "https://example.org/a"
    assert isinstance(failure, ReadFailure) and (failure.origin.line, failure.reason) == (3, "corrupt_archive")
    assert failure.detail == "gzip stream truncated; warc: 1 records skipped (request 1)"


@pytest.mark.parametrize("cut", [40, 200])  # inside the last record's body; inside its headers
def test_plain_warc_cut_inside_a_record_is_a_failure_at_that_record(tmp_path: Path, cut: int) -> None:
    data = response(HTML, "https://example.org/a") + response(HTML)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: len(data) - len(b"\r\n\r\n") - cut])
    article, failure = read_all(path)
    assert isinstance(article, RawArticle) and article.origin.line == 1
    assert isinstance(failure, ReadFailure) and (failure.origin.line, failure.reason) == (2, "corrupt_archive")


NOT_WARC = [b"hello, world\n", b"WARC/9.9\r\nWARC-Type: response\r\n\r\n", b"\x1f\x8bnot gzip"]


@pytest.mark.parametrize("content", NOT_WARC)
def test_a_file_that_is_not_warc_fails_as_a_whole(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "not.warc"
    path.write_bytes(content)
    [failure] = read_all(path)
    assert isinstance(failure, ReadFailure) and failure.origin.line is None and failure.reason == "corrupt_archive"


def test_a_warc_without_html_responses_is_empty_input(tmp_path: Path) -> None:
    [failure] = read_all(write_warc(tmp_path / "robots.warc.gz", [WARCINFO, REQUEST, METADATA]))
    assert isinstance(failure, ReadFailure) and failure.origin.line is None and failure.reason == "empty_input"
    assert failure.detail == "no HTML response records; warc: 3 records skipped (metadata 1, request 1, warcinfo 1)"


def test_an_empty_file_is_empty_input(tmp_path: Path) -> None:
    (tmp_path / "empty.warc").write_bytes(b"")
    [failure] = read_all(tmp_path / "empty.warc")
    assert isinstance(failure, ReadFailure) and failure.reason == "empty_input"


def test_size_cap_applies_per_record(tmp_path: Path) -> None:
    big = b"<html><body>" + b"<p>word</p>" * 200 + b"</body></html>"
    path = write_warc(tmp_path / "big.warc.gz", [response(big), response(HTML), response(b" \n ")])
    too_large, article, empty = read_all(path, ReadLimits(max_file_bytes=1000))
    assert isinstance(too_large, ReadFailure) and (too_large.origin.line, too_large.reason) == (1, "too_large")
    assert isinstance(article, RawArticle) and article.origin.line == 2
    assert isinstance(empty, ReadFailure) and (empty.origin.line, empty.reason) == (3, "empty_input")


def test_a_crawl_inflating_past_the_per_file_cap_is_still_read(tmp_path: Path) -> None:
    records = [response(HTML, f"https://example.org/{n}") for n in range(40)]
    items = read_all(write_warc(tmp_path / "crawl.warc.gz", records), ReadLimits(max_decompressed_bytes=1000))
    assert len(articles(items)) == 40


def test_a_target_uri_that_is_not_a_web_url_is_dropped_with_a_note(tmp_path: Path) -> None:
    [article] = articles(read_all(write_warc(tmp_path / "u.warc", [response(HTML, "https:///no-host")])))
    assert article.url is None and article.notes == ["WARC-Target-URI: URL dropped (no host)"]


def test_record_keys_stay_when_records_are_appended(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "grow.warc.gz", [WARCINFO, response(HTML, "https://example.org/a")])
    before = [a.origin.label() for a in articles(read_all(path))]
    with path.open("ab") as out:
        out.write(gzip.compress(REQUEST) + gzip.compress(response(HTML, "https://example.org/b")))
    assert [a.origin.label() for a in articles(read_all(path))] == [*before, f"{path}:4"]


def test_files_from_warcios_own_writer_read(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "warcio.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("warcio.warc.gz", {"software": "tests"}))
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record("https://example.org/w", "response", payload=io.BytesIO(HTML), http_headers=http)
        )
    [article] = articles(read_all(path))
    assert (article.url, article.origin.line, article.content) == ("https://example.org/w", 2, HTML.decode())
    assert article.crawled_at and article.crawled_at.startswith("20")


# --- properties: nothing a file holds makes the reader raise ----------------------------------------------------

FILES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = WARCINFO + response(page("Ferry terminal\nApproved on Thursday.")) + REQUEST + response(HTML, headers=())


def read_bytes(name: str, content: bytes, limits: ReadLimits | None = None) -> list[RawArticle | ReadFailure]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        items = read_all(path, limits)
        assert items, "a WARC file vanished without an article or a failure"
        assert all(item.reason != "unexpected_error" for item in items if isinstance(item, ReadFailure)), items
        return items


@FILES
@given(content=st.binary(max_size=4096), gzipped=st.booleans(), prefix=st.sampled_from([b"", b"WARC/1.0\r\n"]))
def test_random_bytes_never_raise(content: bytes, gzipped: bool, prefix: bytes) -> None:
    data = prefix + content
    read_bytes("random.warc.gz" if gzipped else "random.warc", gzip.compress(data) if gzipped else data)


@FILES
@given(
    cut=st.integers(0, len(VALID)),
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=4),
    gzipped=st.booleans(),
    max_file_bytes=st.integers(1, 4096),
)
def test_damaged_warcs_never_raise(cut: int, flips: list[tuple[int, int]], gzipped: bool, max_file_bytes: int) -> None:
    data = bytearray(VALID)
    for at, value in flips:
        data[at] = value
    members = gzip.compress(bytes(data)) if gzipped else bytes(data)
    read_bytes("damaged.warc", members[:cut], ReadLimits(max_file_bytes=max_file_bytes))
