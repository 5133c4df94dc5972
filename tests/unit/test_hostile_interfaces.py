"""Hostile use of the search surfaces, without a node: what one query may cost, what the templates ask of the node,
and what reaches a terminal or an HTML page from an article."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flows.search.limits import (
    MAX_PREFIX_TERMS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_RESULT_WINDOW,
    MAX_SIZE,
    TERM,
    BadFilter,
    BadValue,
    bound_query,
    check_window,
)
from flows.search.passages import encode_html, passage_params, unmark
from flows.search.query import format_response, parse_filters, plain_highlight, search_params
from flows.search.related import related_params
from flows.search.render import render

TEMPLATES = ("articles-search", "articles-passages", "articles-related")
ALLOWED_FLAGS = {"AND", "OR", "NOT", "PHRASE", "PRECEDENCE", "PREFIX", "WHITESPACE", "ESCAPE"}
CRAFTED = {
    "prefixes": " ".join(f"{chr(97 + i % 26)}*" for i in range(5000)),
    "long prefixes": " ".join(f"word{i}*" for i in range(5000)),
    "fuzzy": " ".join(f"foo{i}~2" for i in range(5000)),
    "slop": " ".join(f'"a b{i}"~99' for i in range(2000)),
    "no spaces": "|".join(f"term{i}*" for i in range(5000)),
    "punctuation": ",".join(["x"] * 5000),
    "han": "中" * 5000,
    "emoji": "😀" * 5000,
    "one long word": "a" * 100_000 + "*",
}


def walk(node: object) -> list[Any]:
    found: list[Any] = [node]
    if isinstance(node, dict):
        found += [x for value in node.values() for x in walk(value)]
    elif isinstance(node, list):
        found += [x for value in node for x in walk(value)]
    return found


def sent_queries(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [n["simple_query_string"] for n in walk(body) if isinstance(n, dict) and "simple_query_string" in n]


@pytest.mark.parametrize("name", list(CRAFTED))
@pytest.mark.parametrize("template", ["articles-search", "articles-passages"])
def test_a_crafted_query_sends_bounded_work(template: str, name: str) -> None:
    params = (search_params if template == "articles-search" else passage_params)(CRAFTED[name], [])
    (query,) = sent_queries(render(template, params))
    text = query["query"]
    assert len(text) <= MAX_QUERY_CHARS and len(TERM.findall(text)) <= MAX_QUERY_TERMS
    assert text.count("*") <= MAX_PREFIX_TERMS and "~" not in text
    assert set(query["flags"].split("|")) <= ALLOWED_FLAGS  # not ALL: no FUZZY, SLOP or NEAR


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_gives_the_node_a_time_limit(name: str) -> None:
    assert render(name, {"query": "x", "id": "h-1"})["timeout"] == "5s"


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_highlighter_encodes_html(name: str) -> None:
    highlights = [
        n["highlight"]
        for n in walk(render(name, {"query": "x", "id": "h-1"}))
        if isinstance(n, dict) and isinstance(n.get("highlight"), dict)
    ]
    assert all(h["encoder"] == "html" for h in highlights)
    assert highlights or name == "articles-related"  # related shows no highlights


def test_every_cut_is_noted() -> None:
    _, notes = bound_query(CRAFTED["fuzzy"])
    assert any("'~'" in n for n in notes) and any(f"{MAX_QUERY_TERMS} terms" in n for n in notes)
    assert bound_query("north korea* troops") == ("north korea* troops", [])


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("troops~1", "troops"),
        ('"north korea"~5 troops', '"north korea" troops'),
        ("a~b", "a b"),
        ("*", ""),
        ("ab* korea*", "ab korea*"),
        ("-korea*", "-korea*"),
        ("  ", ""),
        ("", ""),
        ("\x00\u2028\x1b[2J", "\x00\u2028\x1b[2J"),
    ],
)
def test_query_operators_that_expand_are_dropped(text: str, sent: str) -> None:
    assert bound_query(text)[0] == sent


def test_only_the_first_prefixes_expand() -> None:
    text, _ = bound_query(" ".join(f"korea{i}*" for i in range(20)))
    assert text.split()[:MAX_PREFIX_TERMS] == [f"korea{i}*" for i in range(MAX_PREFIX_TERMS)]
    assert text.split()[MAX_PREFIX_TERMS:] == [f"korea{i}" for i in range(MAX_PREFIX_TERMS, 20)]


@pytest.mark.parametrize("text", ["\udcff", "caf\udce9", "\ud83d"])
def test_undecodable_text_is_refused_not_sent(text: str) -> None:
    for call in (
        lambda: search_params(text, []),
        lambda: parse_filters([f"entity={text}"]),
        lambda: related_params(text, "articles"),
        lambda: search_params("x", [], story=text),
    ):
        with pytest.raises(BadValue, match="UTF-8"):
            call()


@pytest.mark.parametrize(
    ("size", "offset"),
    [(0, 0), (-1, 0), (MAX_SIZE + 1, 0), (10, -1), (10**30, 0), (10, MAX_RESULT_WINDOW - 9), (100, MAX_RESULT_WINDOW)],
)
def test_sizes_and_offsets_outside_the_node_bounds_are_refused(size: int, offset: int) -> None:
    with pytest.raises(BadValue):
        check_window(size, offset)
    with pytest.raises(BadValue):
        search_params("x", [], size=size, offset=offset)


def test_sizes_at_the_bounds_are_taken() -> None:
    check_window(1, 0)
    check_window(MAX_SIZE, MAX_RESULT_WINDOW - MAX_SIZE)
    with pytest.raises(BadValue):
        passage_params("x", [], per_article=0)
    with pytest.raises(BadValue):
        related_params("h-1", "a", size=0)


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "20240101",
        "1714521600000",
        "2024",
        "2024-05-31 12:00",
        "now-7x",
        "2024-05-31T25:00",
        "0000-01-01",
        "٢٠٢٤-٠١-٠١",
    ],
)
def test_date_filters_must_be_iso_dates(value: str) -> None:
    with pytest.raises(BadFilter, match="ISO date"):
        parse_filters([f"published_from={value}"])


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-31",
        "2024-05-31T12:00",
        "2024-05-31T12:00:00Z",
        "2024-05-31T12:00:00.123+02:00",
        "now",
        "now-7d",
        "now-1M/d",
    ],
)
def test_iso_dates_and_date_math_are_taken(value: str) -> None:
    assert parse_filters([f"mentioned_to={value}"]) == {"mentioned_to": value}


def test_overlong_filter_values_are_refused() -> None:
    with pytest.raises(BadFilter, match="at most"):
        parse_filters(["entity=" + "Kim " * 1000])


BODY = "Before <script>alert(1)</script> the troops & 'friends' / \"home\" <em>fake</em>."


def test_html_encoded_highlights_map_back_to_the_raw_text() -> None:
    marked = encode_html(BODY).replace("troops", "<em>troops</em>")
    plain, spans = unmark(marked)
    assert plain == BODY and [plain[a:b] for a, b in spans] == ["troops"]
    assert "<script>" not in marked and "&lt;script&gt;" in marked


def test_a_terminal_gets_raw_text_without_control_characters() -> None:
    fragment = encode_html("a <b> & \x1b]0;owned\x07 \x1b[2J").replace("a", "<em>a</em>", 1)
    shown = plain_highlight(fragment)
    assert shown.startswith("«a» <b> & ") and "\x1b" not in shown and "\x07" not in shown
    hit = {"_id": "h-1", "_score": 1.0, "_source": {"title": "\x1b[31mred", "origin": {"path": "/x\x1b[2J"}}}
    text = format_response({"hits": {"total": {"value": 1}, "hits": [hit]}})
    assert "\x1b" not in text and "red" in text


def test_rendered_bodies_stay_json_for_hostile_bounded_text() -> None:
    for text in CRAFTED.values():
        body = render("articles-search", search_params(text, []))
        assert json.loads(json.dumps(body)) == body
