"""Each reader: text, HTML, JSON and JSONL, plain and gzipped, and the failures each can report."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from flows.read import ReadFailure, ReadLimits, read_articles
from transforms.models import RawArticle

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bad_input"


def read_all(*paths: Path, **kwargs: object) -> list[RawArticle | ReadFailure]:
    return list(read_articles(list(paths), **kwargs))  # type: ignore[arg-type]


def only_article(path: Path) -> RawArticle:
    [item] = read_all(path)
    assert isinstance(item, RawArticle), item
    return item


def only_failure(path: Path, **kwargs: object) -> ReadFailure:
    [item] = read_all(path, **kwargs)
    assert isinstance(item, ReadFailure), item
    return item


def write_json(path: Path, record: object) -> Path:
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_text_file_is_one_article_with_resolved_origin(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nBody text.", encoding="utf-8")
    article = only_article(path)
    assert (article.format, article.content, article.encoding) == ("text", "Title\n\nBody text.", "utf-8")
    assert article.origin.path == str(path.resolve()) and article.origin.line is None


def test_latin1_text_file(tmp_path: Path) -> None:
    article = only_article(shutil.copy(FIXTURES / "latin1_pound.txt", tmp_path))
    assert "£10m" in article.content and article.encoding == "cp1252"


def test_mojibake_text_is_read_as_is() -> None:
    assert "cafÃ©" in only_article(FIXTURES / "mojibake_utf8.txt").content


def test_html_honours_meta_charset() -> None:
    article = only_article(FIXTURES / "meta_charset_latin1.html")
    assert article.format == "html" and "Die Straße ist groß" in article.content and "5 €" in article.content


@pytest.mark.parametrize("name", ["image.txt", "image.html", "image.htm"])
def test_binary_content_under_a_text_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes((FIXTURES / "image_named.html").read_bytes())
    assert only_failure(path).reason == "binary_content"


@pytest.mark.parametrize("content", [b"", b"  \n\n\t "])
def test_empty_and_whitespace_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert only_failure(path).reason == "empty_input"


def test_json_article_with_aliases(tmp_path: Path) -> None:
    record = {
        "Title": "Headline",
        "text": "Body.",
        "pubDate": "2024-10-29",
        "author": "Jane Doe",
        "lang": "en",
        "source": {"id": "bbc", "name": "BBC News"},
        "url": "https://example.org/a",
    }
    article = only_article(write_json(tmp_path / "a.json", record))
    assert article.format == "json" and article.content == "Body." and article.title == "Headline"
    assert article.published_at == "2024-10-29" and article.authors == ["Jane Doe"]
    assert (article.language, article.source, article.url) == ("en", "BBC News", "https://example.org/a")
    assert article.ignored_fields == 0


def test_body_wins_over_text_and_content(tmp_path: Path) -> None:
    record = {"content": "C", "text": "T", "body": "B"}
    assert only_article(write_json(tmp_path / "a.json", record)).content == "B"


def test_html_text_field_gives_html_format(tmp_path: Path) -> None:
    article = only_article(write_json(tmp_path / "a.json", {"body": "  <p>Hello <b>world</b></p>"}))
    assert article.format == "html"


def test_five_thousand_unknown_keys(tmp_path: Path) -> None:
    record = {f"extra_{i}": i for i in range(5000)} | {"body": "Text."}
    article = only_article(write_json(tmp_path / "a.json", record))
    assert article.ignored_fields == 5000 and article.content == "Text."


def test_scalars_are_coerced_and_lists_joined(tmp_path: Path) -> None:
    record = {"body": ["Para one.", "Para two."], "title": 2024, "published": 1730160000, "authors": ["A", "A", " "]}
    article = only_article(write_json(tmp_path / "a.json", record))
    assert article.content == "Para one.\n\nPara two."
    assert (article.title, article.published_at, article.authors) == ("2024", "1730160000", ["A"])


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"title": "no text"}, "missing_text"),
        ({"body": None}, "missing_text"),
        ({"body": {"nested": "x"}}, "invalid_field"),
        ({"body": "ok", "title": {"a": 1}}, "invalid_field"),
        ({"body": "ok", "authors": [["nested"]]}, "invalid_field"),
        ({"body": "   "}, "empty_input"),
        ([{"body": "an array"}], "not_an_object"),
    ],
)
def test_json_record_failures(tmp_path: Path, record: object, reason: str) -> None:
    failure = only_failure(write_json(tmp_path / "a.json", record))
    assert failure.reason == reason and failure.detail


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"body": "unterminated', encoding="utf-8")
    assert only_failure(path).reason == "invalid_json"


def test_malformed_jsonl_line_fails_alone() -> None:
    items = read_all(FIXTURES / "mixed.jsonl")
    assert [type(item).__name__ for item in items] == ["RawArticle", "ReadFailure", "RawArticle"]
    assert [item.origin.line for item in items] == [1, 2, 4]
    assert items[1].reason == "invalid_json"  # type: ignore[union-attr]
    assert items[2].language == "en"  # type: ignore[union-attr]


def test_jsonl_latin1_line_and_non_object_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes('{"body": "£5"}\n'.encode("latin-1") + b"[1, 2]\n" + b'{"body": "ok"}\n')
    first, second, third = read_all(path)
    assert isinstance(first, RawArticle) and first.content == "£5"
    assert isinstance(second, ReadFailure) and second.reason == "not_an_object" and second.origin.line == 2
    assert isinstance(third, RawArticle)


def test_a_jsonl_date_that_is_not_a_date_is_noted_and_the_article_kept(tmp_path: Path) -> None:
    """The reader keeps what the source said; the clean stage, which cannot read it, says so on the document."""
    from transforms.clean.article import clean_article

    path = tmp_path / "a.jsonl"
    body = "The council met on Tuesday and agreed to build a new bridge over the river before the winter."
    path.write_text(json.dumps({"body": body, "published": "not a date"}) + "\n"
                    + json.dumps({"body": body + " Again.", "published": "2024-05-31"}) + "\n")
    bad, good = (clean_article(raw) for raw in read_all(path))  # type: ignore[arg-type]
    assert bad.published_at is None
    assert "published_at: not a date, dropped ('not a date')" in bad.notes
    assert good.published_at is not None and not any("published_at" in note for note in good.notes)


def test_jsonl_line_too_long_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    long_line = json.dumps({"body": "x" * 5000})
    path.write_text(f'{{"body": "one"}}\n{long_line}\n{{"body": "three"}}\n', encoding="utf-8")
    items = read_all(path, limits=ReadLimits(max_line_bytes=1000))
    assert [getattr(item, "reason", "ok") for item in items] == ["ok", "line_too_long", "ok"]
    assert items[2].content == "three" and items[2].origin.line == 3  # type: ignore[union-attr]


def test_jsonl_hundred_thousand_lines_stream(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(100_000):
            out.write(f'{{"body": "Article {i}."}}\n')
    stream = read_articles([path])
    first = next(stream)
    assert isinstance(first, RawArticle) and first.origin.line == 1
    assert sum(1 for _ in stream) == 99_999


@pytest.mark.parametrize("suffix", [".json.gz", ".jsonl.gz", ".txt.gz", ".html.gz"])
def test_gzipped_inputs(tmp_path: Path, suffix: str) -> None:
    payload = '{"body": "Gzipped body."}' if "json" in suffix else "Gzipped body."
    path = tmp_path / f"a{suffix}"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(payload + "\n")
    article = only_article(path)
    assert article.content.strip() == "Gzipped body."
    assert article.origin.line == (1 if "jsonl" in suffix else None)


def test_multi_member_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"body": "one"}\n') + gzip.compress(b'{"body": "two"}\n'))
    assert [item.content for item in read_all(path)] == ["one", "two"]  # type: ignore[union-attr]


def test_reading_is_lazy_and_a_vanished_file_is_reported(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("One.", encoding="utf-8")
    second.write_text("Two.", encoding="utf-8")
    stream = read_articles([tmp_path])
    assert isinstance(next(stream), RawArticle)
    second.unlink()
    [failure] = list(stream)
    assert isinstance(failure, ReadFailure) and failure.reason == "not_found"


def test_newsapi_style_record(tmp_path: Path) -> None:
    record = {
        "source": {"id": None, "name": "Reuters"},
        "author": None,
        "authors": [{"name": "A. Writer"}, "B. Writer"],
        "publishedAt": "2024-10-29T10:00:00Z",
        "content": "Body [+1234 chars]",
        "urlToImage": "x",
    }
    article = only_article(write_json(tmp_path / "a.json", record))
    assert (article.source, article.published_at) == ("Reuters", "2024-10-29T10:00:00Z")
    assert article.authors == ["A. Writer", "B. Writer"] and article.ignored_fields == 1


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="windows-1251">', "windows-1251"),
        (b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=KOI8-R'>", "KOI8-R"),
        (b'<?xml version="1.0" encoding="ISO-8859-2"?>', "ISO-8859-2"),
        (b"<html><head><title>none</title>", None),
    ],
)
def test_declared_charset(head: bytes, expected: str | None) -> None:
    from flows.read.html import declared_charset

    assert declared_charset(head + b"<body>x</body>") == expected
