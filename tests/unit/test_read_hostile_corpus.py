"""The shared hostile corpus through the read stage alone: every good input comes out as an article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.read import READ_FAILURE_REASONS, ReadFailure, read_articles
from flows.read.records import url_problem
from transforms.models import RawArticle

hostile_corpus = pytest.importorskip("tests.hostile_corpus")
REASONS = READ_FAILURE_REASONS


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_good_input_is_read_and_everything_is_storable(tmp_path: Path, seed: int) -> None:
    markers = hostile_corpus.write_corpus(tmp_path, seed=seed, good=60, hostile=90)
    items = list(read_articles([tmp_path]))
    articles = [item for item in items if isinstance(item, RawArticle)]
    failures = [item for item in items if isinstance(item, ReadFailure)]
    assert {failure.reason for failure in failures} <= REASONS - {"unexpected_error"}
    for item in items:
        json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    assert all(article.url is None or url_problem(article.url) is None for article in articles)
    text = "\n".join(f"{article.title}\n{article.content}" for article in articles)
    assert [marker for marker in markers if marker not in text] == []
