"""The clean stage's entry point: formats, precedence of given metadata, hashing, rejection."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from transforms.clean.article import clean_article, content_hash
from transforms.errors import RejectedArticle
from transforms.models import Origin, RawArticle

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SENTENCE = "The city council approved the new budget on Tuesday after a long debate about transport and schools."
PAGE = f"""<html lang="fr"><head><title>Budget approved | Gazette</title>
<meta property="og:site_name" content="Gazette">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-10-29T14:03:00-04:00">
<link rel="canonical" href="https://gazette.example/budget"></head>
<body><article><h1>Budget approved</h1><p>{SENTENCE}</p>
<p>Members voted 12 to 3 in favour, with the opposition saying rural bus routes were left without money.</p>
<p>Read more: Council tax to rise</p></article></body></html>"""


def _raw(content: str, fmt: str = "text", **fields: object) -> RawArticle:
    return RawArticle(origin=Origin(path="/in/x"), format=fmt, content=content, **fields)  # type: ignore[arg-type]


def test_seed_004_is_cleaned_end_to_end() -> None:
    path = next(SEEDS.glob("004_*.txt"))
    article = clean_article(_raw(path.read_text(encoding="utf-8")))
    assert article.title is None
    assert article.removed_lines == 1
    assert "Daily Caller" not in article.body and "[email" not in article.body
    assert "\n\n" in article.body and "\n\n\n" not in article.body
    assert article.body == article.body.strip()
    assert article.content_hash == content_hash(article.body, article.title)


def test_html_article() -> None:
    article = clean_article(_raw(PAGE, "html"))
    assert article.body.startswith(SENTENCE)
    assert article.body.count("\n\n") == 1  # two paragraphs; the "Read more" line is gone
    assert article.removed_lines == 1
    assert article.title == "Budget approved"
    assert article.source == "Gazette"
    assert article.url == "https://gazette.example/budget"
    assert article.authors == ["Jane Doe"]
    assert article.declared_language == "fr"
    assert article.published_at == datetime(2024, 10, 29, 18, 3, tzinfo=UTC)
    assert article.published_at_source == "metadata"


def test_given_metadata_wins_over_the_page() -> None:
    article = clean_article(
        _raw(
            PAGE,
            "html",
            title="Given title",
            source="Given Source",
            url="https://given.example/a",
            authors=["Given Author"],
            language="de",
            published_at="2020-01-02",
        )
    )
    assert (article.title, article.source, article.url) == ("Given title", "Given Source", "https://given.example/a")
    assert (article.authors, article.declared_language) == (["Given Author"], "de")
    assert article.published_at == datetime(2020, 1, 2, tzinfo=UTC)
    assert article.published_at_source == "metadata"


def test_unparseable_given_date_falls_back_to_the_url_then_the_text() -> None:
    from_url = clean_article(_raw(SENTENCE, "json", published_at="soon", url="https://x.example/2021/03/04/a"))
    assert (from_url.published_at, from_url.published_at_source) == (datetime(2021, 3, 4, tzinfo=UTC), "url")
    from_text = clean_article(_raw(f"LONDON, March 4, 2021 - {SENTENCE}"))
    assert (from_text.published_at, from_text.published_at_source) == (datetime(2021, 3, 4, tzinfo=UTC), "text")
    none = clean_article(_raw(SENTENCE))
    assert (none.published_at, none.published_at_source) == (None, None)


def test_text_title_detection_and_mojibake_repair() -> None:
    article = clean_article(_raw("Storm hits coast\n\nThe stormâ€™s damage was severe.\n"))
    assert article.title == "Storm hits coast"
    assert article.body == "The storm’s damage was severe."


def test_content_hash_ignores_whitespace_and_boilerplate() -> None:
    plain = clean_article(_raw(f"{SENTENCE}\n\nSecond paragraph here."))
    noisy = clean_article(_raw(f"  {SENTENCE}  \n\n\nSecond   paragraph here.\nShare this article\n"))
    assert plain.content_hash == noisy.content_hash
    assert content_hash("a  b\nc") == content_hash("a b c")
    assert content_hash("Grand Slam") != content_hash("grand slam")  # an edit, not a copy
    assert content_hash("ﬁne") == content_hash("fine")  # NFKC
    assert content_hash("a b") != content_hash("a c")
    assert content_hash("same body", "One headline") != content_hash("same body", "Another headline")
    assert content_hash("same body", "Headline") == content_hash("same  body", "Headline ")
    assert len(plain.content_hash) == 64


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("", "text"),
        ("   \n\n  ", "text"),
        ("Share this article\nAdvertisement", "text"),
        ("<html><body><script>x()</script></body></html>", "html"),
        ("", "html"),
        ("…—", "json"),
    ],
)
def test_nothing_left_is_rejected(content: str, fmt: str) -> None:
    with pytest.raises(RejectedArticle) as caught:
        clean_article(_raw(content, fmt))
    assert (caught.value.stage, caught.value.reason) == ("clean", "empty_body")


def test_a_body_too_long_for_a_news_article_is_rejected_before_nlp() -> None:
    from transforms.clean.article import MAX_BODY_CHARS

    raw = RawArticle(origin=Origin(path="/x/huge.txt"), format="text", content="word " * (MAX_BODY_CHARS // 5 + 10))
    with pytest.raises(RejectedArticle) as rejected:
        clean_article(raw)
    assert (rejected.value.stage, rejected.value.reason) == ("clean", "too_long")
