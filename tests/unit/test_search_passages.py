"""Passage hits: highlight marks mapped back to body offsets, sentences picked by the marks they hold."""

from __future__ import annotations

import argparse

import pytest

from flows.es.scripts import script_languages, setup_message
from flows.search.commands import add_commands
from flows.search.passages import passage_hits, passage_params, sentences_with, unmark
from flows.search.related import related_params

BODY = "Intro line here.\n\nKim Jong Un sent troops. Nobody else did. Troops came home.\n\nEnd."
START = BODY.index("Kim")
END = BODY.index("\n\nEnd")
PASSAGE = BODY[START:END]
SENTENCES = [[BODY.index(s), BODY.index(s) + len(s)] for s in (
    "Intro line here.", "Kim Jong Un sent troops.", "Nobody else did.", "Troops came home.", "End.")]


def response(highlight: str) -> dict:
    inner = {"_nested": {"field": "passages", "offset": 1}, "_score": 2.5,
             "_source": {"index": 1, "start": START, "end": END, "text": PASSAGE},
             "highlight": {"passages.text": [highlight]}}
    hit = {"_id": "h-1", "_score": 2.5, "_source": {"title": "T", "sentences": SENTENCES},
           "inner_hits": {"passages": {"hits": {"hits": [inner]}}}}
    return {"hits": {"total": {"value": 1}, "hits": [hit]}}


def test_unmark_returns_plain_text_and_spans() -> None:
    plain, spans = unmark("a <em>bb</em> c <em>ddd</em>")
    assert plain == "a bb c ddd"
    assert [plain[a:b] for a, b in spans] == ["bb", "ddd"]


def test_marks_are_body_offsets_and_pick_their_sentences() -> None:
    marked = PASSAGE.replace("troops", "<em>troops</em>").replace("Troops", "<em>Troops</em>")
    (hit,) = passage_hits(response(marked))
    assert BODY[hit.start:hit.end] == hit.text == PASSAGE
    assert [BODY[a:b] for a, b in hit.marks] == ["troops", "Troops"]
    assert [BODY[a:b] for a, b in hit.sentences] == ["Kim Jong Un sent troops.", "Troops came home."]


def test_a_highlight_that_is_not_the_passage_gives_no_offsets() -> None:
    (hit,) = passage_hits(response("… <em>troops</em> …"))
    assert hit.marks == [] and hit.sentences == [] and hit.highlight == PASSAGE


def test_sentences_with_ignores_marks_outside_every_sentence() -> None:
    assert sentences_with([(17, 18)], SENTENCES) == []
    assert sentences_with([(1, 3), (2, 3)], SENTENCES) == [(0, 16)]


def test_params_of_passages_and_related() -> None:
    assert passage_params(" x ", ["language=en"], per_article=2) == {
        "query": "x", "size": 10, "from": 0, "passages_per_article": 2, "language": "en"}
    assert related_params("h-1", "articles", 3) == {"id": "h-1", "alias": "articles", "size": 3}
    assert related_params("h-1", "a", include_duplicates=True)["include_duplicates"] is True


def test_script_languages_and_setup_messages() -> None:
    assert script_languages({"types_allowed": ["inline"], "language_contexts": []}) == []
    assert script_languages({"language_contexts": [{"language": "painless"}, {"language": "mustache"}]}) == [
        "mustache", "painless"]
    assert setup_message(None) == "search templates not stored: this node has no mustache (the CLI renders them)"
    assert setup_message(["articles-passages", "articles-search"]) == (
        "search templates stored: articles-passages, articles-search")


@pytest.mark.parametrize("argv", [["passages", "kim", "--filter", "language=en", "--render"],
                                  ["related", "h-1", "--size", "3", "--json"], ["kibana", "import", "--url", "u"],
                                  ["kibana", "check"]])
def test_commands_parse(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    assert callable(args.handler)
