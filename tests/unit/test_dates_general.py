"""General rules of news time expressions, each with sentences written for the test (no benchmark text).

Publication date 2024-10-30, a Wednesday, unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date

from transforms.enrich.dates import find_date_mentions
from transforms.enrich.dates.tense import direction

PUBLISHED = date(2024, 10, 30)


def found(text: str, published: date = PUBLISHED) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.type, m.value) for m in find_date_mentions(text, published)]


def test_a_full_stop_after_the_mention_ends_its_sentence() -> None:
    text = "The bullet struck him Friday. Police will look into it."
    start = text.index("Friday")
    assert direction(text, start, start + len("Friday")) == 0
    assert found(text) == [("Friday", "date", "2024-10-25")]
