"""Segment stage: sentence rules for news text, passage windows, and offset invariants on random bodies."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest

from transforms.errors import RejectedArticle
from transforms.models import CleanArticle, Origin, SegmentedArticle
from transforms.segment import segment

BBC = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news"  # shared/ sits beside the clone


def article(body: str) -> CleanArticle:
    return CleanArticle(
        origin=Origin(path="/in/a.txt"),
        format="text",
        encoding="utf-8",
        title="T",
        body=body,
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
    )


def sentences(body: str, **kwargs: int) -> list[str]:
    result = segment(article(body), **kwargs)
    return [body[s.start : s.end] for s in result.sentences]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Mr. Smith went to Washington. He arrived at 3 p.m. on Monday.",
            ["Mr. Smith went to Washington.", "He arrived at 3 p.m. on Monday."],
        ),
        ("John F. Kennedy was president. He was shot.", ["John F. Kennedy was president.", "He was shot."]),
        ("Profits rose 3.5% to $1,000.50m. Shares fell 2.", ["Profits rose 3.5% to $1,000.50m.", "Shares fell 2."]),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
        ("He said (in private.) Then left.", ["He said (in private.)", "Then left."]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ('"Why?" he asked. Nobody knew.', ['"Why?" he asked.', "Nobody knew."]),
        ("Wait... What happened? And then… nothing.", ["Wait...", "What happened?", "And then… nothing."]),
        ("He moved to the U.S. The weather was fine.", ["He moved to the U.S.", "The weather was fine."]),
        ("The U.S. Army and the U.K. Government agreed.", ["The U.S. Army and the U.K. Government agreed."]),
        (
            "Dr. Who met St. Paul and Gen. Smith. Prof. Jones left.",
            ["Dr. Who met St. Paul and Gen. Smith.", "Prof. Jones left."],
        ),
        ("It was No. 10 on Jan. 5. The next day it rained.", ["It was No. 10 on Jan. 5.", "The next day it rained."]),
        ("Use tools, e.g. Hammers, i.e. Heavy ones. Done.", ["Use tools, e.g. Hammers, i.e. Heavy ones.", "Done."]),
        (
            "Apple Inc. Chief Executive Tim Cook spoke. Apple Inc. The firm grew.",
            ["Apple Inc. Chief Executive Tim Cook spoke.", "Apple Inc.", "The firm grew."],
        ),
        ("Born in 1990. 20 years later he won.", ["Born in 1990.", "20 years later he won."]),
        ("Visit bbc.co.uk/news for more. Thanks.", ["Visit bbc.co.uk/news for more.", "Thanks."]),
        ("Am 3. Oktober feierte Deutschland. Das war schön.", ["Am 3. Oktober feierte Deutschland.", "Das war schön."]),
        (
            "Der Preis stieg um 5 Mio. Euro. Die Firma jubelte.",
            ["Der Preis stieg um 5 Mio. Euro.", "Die Firma jubelte."],
        ),
        ("Поэт А. С. Пушкин родился в Москве. Это правда.", ["Поэт А. С. Пушкин родился в Москве.", "Это правда."]),
        ("« Non », a-t-il dit. Puis il est parti !", ["« Non », a-t-il dit.", "Puis il est parti !"]),
        ("今天下雨。明天晴天！好吗？", ["今天下雨。", "明天晴天！", "好吗？"]),
        ("No period at the end", ["No period at the end"]),
    ],
)
def test_sentence_rules(body: str, expected: list[str]) -> None:
    assert sentences(body) == expected


def test_sentences_never_cross_paragraphs() -> None:
    body = "First paragraph without a stop\n\nsecond one starts lower case. Fine."
    result = segment(article(body))
    assert [body[s.start : s.end] for s in result.sentences] == [
        "First paragraph without a stop",
        "second one starts lower case.",
        "Fine.",
    ]
    assert [s.paragraph for s in result.sentences] == [0, 1, 1]
    assert [body[p.start : p.end] for p in result.paragraphs] == [
        "First paragraph without a stop",
        "second one starts lower case. Fine.",
    ]


def test_run_on_sentence_is_cut_below_the_cap() -> None:
    body = " ".join(["word"] * 1000) + " " + "x" * 300
    parts = sentences(body, passage_max_chars=200)
    assert all(len(part) <= 200 for part in parts)
    assert "".join(parts).replace(" ", "") == body.replace(" ", "")


def test_balanced_windows_within_a_paragraph() -> None:
    body = " ".join(f"Sentence number {i} is here and it is long enough." for i in range(7))
    result = segment(article(body))
    assert [(p.first_sentence, p.last_sentence) for p in result.passages] == [(0, 2), (3, 4), (5, 6)]
    four = " ".join(f"Sentence number {i} is here." for i in range(4))
    assert [(p.first_sentence, p.last_sentence) for p in segment(article(four)).passages] == [(0, 1), (2, 3)]


def test_short_paragraph_joins_the_next_passage() -> None:
    lead = "Short lead."
    long_paragraph = " ".join(f"Sentence number {i} says something longer about the news." for i in range(4))
    body = f"{lead}\n\n{long_paragraph}\n\nA final standalone paragraph that closes the article."
    result = segment(article(body))
    spans = [(p.first_sentence, p.last_sentence) for p in result.passages]
    assert spans == [(0, 2), (3, 4), (5, 5)]
    assert body[result.passages[0].start : result.passages[0].end].startswith("Short lead.\n\nSentence number 0")


def test_passage_char_cap() -> None:
    body = " ".join(f"This is sentence {i}, which carries about sixty characters." for i in range(9))
    result = segment(article(body), passage_sentences=3, passage_max_chars=130)
    assert all(p.end - p.start <= 130 for p in result.passages)
    assert [p.last_sentence - p.first_sentence + 1 for p in result.passages] == [2, 1, 2, 1, 2, 1]


def test_article_fields_are_kept() -> None:
    source = article("One. Two.")
    result = segment(source)
    assert isinstance(result, SegmentedArticle)
    assert result.model_dump(include=set(CleanArticle.model_fields)) == source.model_dump()


@pytest.mark.parametrize("body", ["", "   \n\n \t"])
def test_empty_body_is_rejected(body: str) -> None:
    with pytest.raises(RejectedArticle) as raised:
        segment(article(body))
    assert (raised.value.stage, raised.value.reason) == ("segment", "empty_body")


def check_invariants(body: str, result: SegmentedArticle, size: int, max_chars: int) -> None:
    non_space = {i for i, char in enumerate(body) if not char.isspace()}
    covered: list[int] = []
    for kind in (result.paragraphs, result.sentences):
        previous_end = 0
        covered = []
        for span in kind:
            text = body[span.start : span.end]
            assert 0 <= previous_end <= span.start < span.end <= len(body)
            assert text == text.strip()
            covered.extend(range(span.start, span.end))
            previous_end = span.end
        assert non_space <= set(covered) and len(covered) == len(set(covered))
    for paragraph in result.paragraphs:
        assert "\n\n" not in body[paragraph.start : paragraph.end]
    for sentence in result.sentences:
        paragraph = result.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start and sentence.end <= paragraph.end
        assert sentence.end - sentence.start <= max_chars
    expected_first = 0
    for index, passage in enumerate(result.passages):
        assert passage.index == index and passage.first_sentence == expected_first
        assert passage.first_sentence <= passage.last_sentence
        assert passage.start == result.sentences[passage.first_sentence].start
        assert passage.end == result.sentences[passage.last_sentence].end
        assert passage.end - passage.start <= max_chars
        assert passage.last_sentence - passage.first_sentence < size
        expected_first = passage.last_sentence + 1
    assert expected_first == len(result.sentences)


TOKENS = [
    "the",
    "minister",
    "said",
    "Mr.",
    "U.S.",
    "3.5",
    "1,000.50",
    "J.",
    "e.g.",
    "No.",
    "Jan.",
    "…",
    "...",
    "?",
    "!",
    ".",
    ". ",
    '."',
    "'",
    "«",
    "»",
    "(",
    ")",
    "Zürich",
    "Москва.",
    "東京。",
    "\t",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n \n",
    "A",
    "Z.",
    "St.",
    "etc.",
    "\u00a0",
    "\u3000",
    "word.The",
    "x" * 40,
]


@pytest.mark.parametrize("seed", range(300))
def test_random_bodies_keep_offset_invariants(seed: int) -> None:
    rng = random.Random(seed)
    body = "".join(rng.choice(TOKENS) + rng.choice(["", " ", " ", " "]) for _ in range(rng.randint(1, 400)))
    if not body.strip():
        body += "x"
    size, max_chars = rng.choice([1, 2, 3, 5]), rng.choice([20, 80, 1200])
    check_invariants(body, segment(article(body), passage_sentences=size, passage_max_chars=max_chars), size, max_chars)


@pytest.mark.skipif(not BBC.exists(), reason="BBC corpus not available")
def test_bbc_articles_keep_offset_invariants() -> None:
    for path in sorted(BBC.glob("*/*.txt"))[::10]:
        body = path.read_bytes().decode("utf-8", errors="replace").partition("\n")[2].strip()
        check_invariants(body, segment(article(body)), 3, 1200)
