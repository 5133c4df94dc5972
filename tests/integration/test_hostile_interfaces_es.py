"""Hostile articles and hostile queries against the real node: highlights arrive HTML-escaped with the templates'
marks, and a crafted query is sent bounded (what is sent is asserted, never how long it took)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.es.setup import setup
from flows.search.limits import MAX_PREFIX_TERMS, MAX_QUERY_TERMS, TERM
from flows.search.passages import passage_hits, passage_params, run_passages
from flows.search.query import plain_highlight, run_search, search_params
from flows.search.render import render

pytestmark = pytest.mark.integration
ALLOWED_FLAGS = {"AND", "OR", "NOT", "PHRASE", "PRECEDENCE", "PREFIX", "WHITESPACE", "ESCAPE"}
BODY = (
    "Officials said <script>alert(1)</script> troops & 'others' crossed the river / \"bridge\" at night; "
    "<em>fake mark</em> and <img src=x onerror=alert(2)> followed."
)
TITLE = "<b>Troops</b> cross the river"


@pytest.fixture
def hostile_doc(es: Elasticsearch, test_alias: str) -> Iterator[str]:
    setup(es, test_alias)
    document = {
        "id": "hostile-1",
        "title": TITLE,
        "body": BODY,
        "language": "en",
        "sentences": [[0, len(BODY)]],
        "passages": [{"index": 0, "start": 0, "end": len(BODY), "text": BODY}],
    }
    es.index(index=test_alias, id="hostile-1", document=document, refresh=True)
    yield test_alias


def highlights(response: dict[str, Any]) -> dict[str, list[str]]:
    (hit,) = response["hits"]["hits"]
    return hit["highlight"]  # type: ignore[no-any-return]


def test_search_highlights_escape_the_article_markup(hostile_doc: str, es: Elasticsearch) -> None:
    marked = highlights(run_search(es, hostile_doc, search_params("troops", [])))
    body, title = " ".join(marked["body"]), marked["title"][0]
    assert "&lt;script&gt;alert(1)&lt;&#x2F;script&gt;" in body and "<em>troops</em>" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body and "&lt;em&gt;fake mark&lt;&#x2F;em&gt;" in body
    assert title == "&lt;b&gt;<em>Troops</em>&lt;&#x2F;b&gt; cross the river"
    assert set(re.findall(r"<[^>]*>", body + title)) == {"<em>", "</em>"}  # the only tags are the marks
    assert plain_highlight(title) == "<b>«Troops»</b> cross the river"


def test_passage_highlights_escape_and_offsets_still_cut_the_body(hostile_doc: str, es: Elasticsearch) -> None:
    (hit,) = passage_hits(run_passages(es, hostile_doc, passage_params("troops", [])))
    assert "&lt;script&gt;" in hit.highlight and "<em>troops</em>" in hit.highlight
    assert [BODY[a:b] for a, b in hit.marks] == ["troops"] and hit.text == BODY


CRAFTED = [
    " ".join(f"{chr(97 + i % 26)}{i}*" for i in range(4000)),
    " ".join(f"foo{i}~2" for i in range(4000)),
    "|".join(f"tro{i}*" for i in range(4000)),
    "a* " * 4000,
]


@pytest.mark.parametrize("text", CRAFTED, ids=["prefixes", "fuzzy", "or-prefixes", "short-prefixes"])
def test_a_crafted_query_is_sent_bounded_and_answered(text: str, hostile_doc: str, es: Elasticsearch) -> None:
    params = search_params(text, [])
    body = render("articles-search", params)
    sent = body["query"]["bool"]["must"][0]["simple_query_string"]
    assert body["timeout"] == "5s" and set(sent["flags"].split("|")) <= ALLOWED_FLAGS
    assert len(TERM.findall(sent["query"])) <= MAX_QUERY_TERMS and sent["query"].count("*") <= MAX_PREFIX_TERMS
    response = run_search(es, hostile_doc, params)
    assert response["_shards"]["failed"] == 0 and "timed_out" in response


def test_fuzzy_operators_do_not_reach_the_node(hostile_doc: str, es: Elasticsearch) -> None:
    """The flags are the node's own guard for applications that send text straight to the template."""
    misspelt = {"query": "troopz~1"}
    assert es.search(index=hostile_doc, **render("articles-search", misspelt))["hits"]["total"]["value"] == 0
    assert run_search(es, hostile_doc, search_params("troops~1", []))["hits"]["total"]["value"] == 1
