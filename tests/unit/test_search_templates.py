"""The mustache templates as rendered here: valid JSON for any params, user text confined to its JSON string."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from flows.search.query import FILTERS, MAX_QUERY_CHARS, BadFilter, clean_query, parse_filters, search_params
from flows.search.render import render, template_names, template_source

TEMPLATES = ("articles-search", "articles-passages", "articles-related")
HOSTILE = ['"', "\\", "{{query}}", "{{#toJson}}x{{/toJson}}", "field:value", "*:*", "_index:x", "((a", "a))",
           '"}}, "size": 10000, "x": {"', "</em><script>", "\u0000\u2028", "body:secret"]
SAMPLE = {"query": "north korea", "language": "en", "source": "Example", "story_id": "s-1",
          "entity": "Kim Jong Un", "person": "Kim Jong Un", "organization": "Pentagon", "location": "Russia",
          "group": "Ukrainian", "event": "War", "published_from": "2024-01-01", "published_to": "2024-12-31",
          "mentioned_from": "2024-10-01", "mentioned_to": "2024-11-30", "id": "h-1", "alias": "articles",
          "size": 5, "from": 5, "passages_per_article": 2, "include_duplicates": True}


def section_names(source: str) -> set[str]:
    return set(re.findall(r"\{\{[#^/]?\s*([\w.]+)\s*\}\}", source))


def test_the_three_templates_are_committed() -> None:
    assert set(TEMPLATES) <= set(template_names())


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("keys", [(), *((k,) for k in SAMPLE), tuple(SAMPLE)])
def test_every_param_alone_and_all_together_render_json(name: str, keys: tuple[str, ...]) -> None:
    body = render(name, {key: SAMPLE[key] for key in keys})
    assert isinstance(body["query"], dict)


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("pair", list(itertools.combinations(["query", "entity", "id", "include_duplicates",
                                                                "published_from", "size"], 2)))
def test_pairs_of_params_render_json(name: str, pair: tuple[str, str]) -> None:
    render(name, {key: SAMPLE[key] for key in pair})


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("name", ["articles-search", "articles-passages"])
def test_hostile_query_text_stays_inside_its_json_string(name: str, text: str) -> None:
    body = render(name, {"query": text})
    queries = [node for node in walk(body) if isinstance(node, dict) and "simple_query_string" in node]
    assert [q["simple_query_string"]["query"] for q in queries] == [text]
    plain = render(name, {"query": "plain"})
    assert json.dumps(body).replace(json.dumps(text), '"plain"') == json.dumps(plain)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_ids_and_filter_values_stay_values(text: str) -> None:
    body = render("articles-related", {"id": text, "alias": text, "language": text})
    assert body["query"]["bool"]["must_not"][1] == {"ids": {"values": [text]}}
    # a match on a keyword sub-field is one normalised term: the value is never parsed as query syntax
    assert {"match": {"language.fold": text}} in body["query"]["bool"]["filter"]


def walk(node: object) -> list[object]:
    found = [node]
    if isinstance(node, dict):
        found += [x for value in node.values() for x in walk(value)]
    elif isinstance(node, list):
        found += [x for value in node for x in walk(value)]
    return found


def test_filter_blocks_do_not_drift_between_templates() -> None:
    def filters(name: str) -> str:
        source = template_source(name)
        return source[source.index('"filter": ['):source.index('"must_not"')]

    assert filters("articles-passages") == filters("articles-search") == filters("articles-related")


# Names Elasticsearch's mustache (mustache.java) resolves as getters of a java.lang.String on the scope stack.
JAVA_STRING_PROPERTIES = {"bytes", "class", "chars", "empty", "blank"}


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_section_name_shadows_an_attribute_of_a_string(name: str) -> None:
    """Inside a string section both engines look names up on the string first: chevron turned {{#index}} into
    str.index; mustache.java would turn {{#empty}} into String.isEmpty()."""
    names = section_names(template_source(name)) - {"toJson"}
    assert {n for n in names if hasattr("", n) or hasattr(0, n) or n in JAVA_STRING_PROPERTIES} == set()


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_filter_is_a_template_param(name: str) -> None:
    assert set(FILTERS) <= section_names(template_source(name))


@pytest.mark.parametrize("item", ["body=secret", "_index=x", "title=x", "entity", "=x", "language=", "id=h-1"])
def test_only_listed_filters_are_accepted(item: str) -> None:
    with pytest.raises(BadFilter):
        parse_filters([item])


def test_filters_keep_values_verbatim() -> None:
    assert parse_filters(["entity=Kim Jong-un", "published_from=2024-01-01"]) == {
        "entity": "Kim Jong-un", "published_from": "2024-01-01"}


def test_long_queries_are_cut_at_a_word_boundary() -> None:
    text = "word " * (MAX_QUERY_CHARS // 4)
    cut = clean_query(text)
    assert len(cut) <= MAX_QUERY_CHARS and cut.endswith("word") and text.startswith(cut)
    assert clean_query("x" * (MAX_QUERY_CHARS + 5)) == "x" * MAX_QUERY_CHARS
    assert search_params("  north  ", [])["query"] == "north"
