"""JSON that parses but must not be stored as given: lone surrogates, non-finite numbers, non-web URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.read import ReadFailure, read_articles
from flows.read.records import url_problem
from transforms.models import RawArticle


def read_lines(tmp_path: Path, *lines: str | bytes) -> list[RawArticle | ReadFailure]:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines))
    return list(read_articles([path]))


def only_article(tmp_path: Path, line: str | bytes) -> RawArticle:
    [item] = read_lines(tmp_path, line)
    assert isinstance(item, RawArticle), item
    item.model_dump_json()
    json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    return item


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_lone_surrogate_escapes_in_every_field_become_replacement_characters(tmp_path: Path, suffix: str) -> None:
    record = (
        r'{"title": "Half \ud83d", "body": "Text \udc00 end", "authors": ["A\ud83d", "B\ud83e"],'
        r' "url": "https://example.org/\ud83d", "source": "\ud800", "lang": "en\udfff", "date": "2024\ud83d",'
        r' "k\ud83d": 1}'
    )
    path = tmp_path / f"a{suffix}"
    path.write_text(record, encoding="utf-8")
    [article] = list(read_articles([path]))
    assert isinstance(article, RawArticle), article
    assert (article.title, article.content) == ("Half \ufffd", "Text \ufffd end")
    assert article.authors == ["A\ufffd", "B\ufffd"]
    assert (article.url, article.source, article.language) == ("https://example.org/\ufffd", "\ufffd", "en\ufffd")
    assert article.published_at == "2024\ufffd" and article.ignored_fields == 1
    article.model_dump_json().encode("utf-8")


def test_surrogate_pair_escapes_stay_one_character(tmp_path: Path) -> None:
    assert only_article(tmp_path, r'{"body": "\ud83d\ude00"}').content == "😀"


def test_utf8_encoded_surrogates_in_a_jsonl_line(tmp_path: Path) -> None:
    """CESU-style bytes (ed a0 bd): json.loads passes them through as lone surrogates when given bytes."""
    assert only_article(tmp_path, b'{"body": "x\xed\xa0\xbd y"}').content == "x\ufffd y"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("field", ["url", "title", "body", "extra"])
def test_non_finite_literals_are_not_json(tmp_path: Path, literal: str, field: str) -> None:
    line = f'{{"body": "text", "{field}": {literal}}}' if field != "body" else f'{{"body": {literal}}}'
    first, second = read_lines(tmp_path, line, '{"body": "next"}')
    assert isinstance(first, ReadFailure) and first.reason == "invalid_json" and literal in first.detail
    assert isinstance(second, RawArticle)


def test_non_finite_literal_in_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"body": "text", "url": Infinity}', encoding="utf-8")
    [failure] = list(read_articles([path]))
    assert isinstance(failure, ReadFailure) and failure.reason == "invalid_json"


def test_overflowing_number_is_dropped_with_a_note(tmp_path: Path) -> None:
    article = only_article(tmp_path, '{"body": "text", "title": 1e999, "authors": [-1e400, "Jane"], "date": 1.5}')
    assert (article.title, article.authors, article.published_at) == (None, ["Jane"], "1.5")
    assert article.notes == ["title: number out of range dropped", "authors: number out of range dropped"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "ftp://example.org/a",
        "mailto:a@example.org",
        "/relative/path",
        "//example.org/no-scheme",
        "http://",
        "https:example.org",
        "http://[::1",
        "inf",
        "https://exa\nmple.org/",
    ],
)
def test_non_web_urls_are_dropped_and_the_article_kept(tmp_path: Path, url: str) -> None:
    article = only_article(tmp_path, json.dumps({"body": "text", "url": url}))
    assert article.url is None and article.content == "text"
    [note] = article.notes
    assert note.startswith("url: URL dropped (") and "alert" not in note and "passwd" not in note


def test_a_later_url_alias_is_used_when_the_first_is_not_a_web_url(tmp_path: Path) -> None:
    article = only_article(tmp_path, json.dumps({"body": "t", "url": "javascript:x", "link": "https://ok.example/a"}))
    assert article.url == "https://ok.example/a" and article.notes == ["url: URL dropped (scheme 'javascript:')"]


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG", "http://127.0.0.1:8080/x"])
def test_web_urls_are_kept(tmp_path: Path, url: str) -> None:
    article = only_article(tmp_path, json.dumps({"body": "text", "url": url}))
    assert article.url == url and article.notes == [] and url_problem(url) is None


def test_unparseable_date_is_kept_as_given(tmp_path: Path) -> None:
    """Parsing is the clean stage's job; the reader keeps what the source said."""
    assert only_article(tmp_path, '{"body": "text", "published_at": "not a date"}').published_at == "not a date"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("true", "invalid_field"),
        ('{"a": 1}', "invalid_field"),
        ("[[1]]", "invalid_field"),
        ("9" * 5000, "invalid_json"),  # past Python's int digit limit
    ],
)
def test_wrong_types_where_a_string_is_expected(tmp_path: Path, value: str, reason: str) -> None:
    [failure] = read_lines(tmp_path, f'{{"body": "text", "title": {value}}}')
    assert isinstance(failure, ReadFailure) and failure.reason == reason
