"""The corpus rules (corpus type per key, short forms linked to dominant full names, one display name per
key) on hand-made entities, and on the five really enriched seeds."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.enrich.entities_keys import entity_key
from transforms.enrich.entities_places import is_place
from transforms.enrich.entities_registry import corpus_entities
from transforms.models import Entity, EntityType, Span

sys.path.insert(0, str(Path(__file__).parent))
from test_stories_seeds import SEEDS, enriched  # the real read → enrich path, cached


def entity(name: str, etype: EntityType, count: int = 1) -> Entity:
    return Entity(name=name, key=entity_key(name, etype), type=etype, count=count, first_offset=0,
                  mentions=[name], spans=[Span(start=0, end=len(name))])  # fmt: skip


def names(articles: list[list[Entity]]) -> list[set[tuple[str, str]]]:
    return [{(e.name, e.type) for e in a} for a in articles]


def test_one_display_name_per_key_across_articles() -> None:
    corpus = [[entity("Kim Jong Un", "person")], [entity("Kim Jong Un", "person")], [entity("Kim Jong-un", "person")]]
    result = corpus_entities(corpus)
    assert names(result.articles) == [{("Kim Jong Un", "person")}] * 3
    assert result.renamed == 1


def test_a_surname_links_to_the_dominant_full_name_of_the_corpus() -> None:
    corpus = [[entity("Tony Blair", "person")]] * 4 + [[entity("Blair", "person")]]
    assert names(corpus_entities(corpus).articles)[-1] == {("Tony Blair", "person")}
    ambiguous = [[entity("Gordon Brown", "person")], [entity("James Brown", "person")], [entity("Brown", "person")]]
    assert names(corpus_entities(ambiguous).articles)[-1] == {("Brown", "person")}


def test_a_key_takes_the_type_most_of_the_corpus_gives_it() -> None:
    corpus = [[entity("Labour", "organization")]] * 5 + [[entity("Labour", "person")]]
    result = corpus_entities(corpus)
    assert names(result.articles)[-1] == {("Labour", "organization")}
    assert result.retyped == 1


forms = st.sampled_from(
    ["Kim Jong Un", "Kim Jong-un", "KIM JONG UN", "Tony Blair", "Blair", "Lib Dems", "the Lib Dems"]
)
etypes = st.sampled_from(["person", "organization"])


@settings(max_examples=80, deadline=None)
@given(corpus=st.lists(st.lists(st.tuples(forms, etypes), min_size=1, max_size=3), min_size=1, max_size=6))
def test_choices_do_not_depend_on_the_order_of_articles(corpus: list[list[tuple[str, EntityType]]]) -> None:
    articles = [[entity(n, t) for n, t in dict.fromkeys(a)] for a in corpus]
    forward = corpus_entities(articles).articles
    backward = corpus_entities(articles[::-1]).articles[::-1]
    assert names(forward) == names(backward)
    shown: dict[tuple[str, str], set[str]] = {}
    for e in itertools.chain.from_iterable(forward):
        shown.setdefault((e.type, e.key), set()).add(e.name)
    assert all(len(v) == 1 for v in shown.values()), shown


PEOPLE = {"Kim Jong Un", "Vladimir Putin", "Rustem Umerov", "Charlie Dietz", "Gideon Rachman", "Lloyd Austin"}


def test_seeds_every_person_under_one_name_and_no_place_a_person() -> None:
    articles = enriched(SEEDS)
    assert len(articles) == 5
    corpus = corpus_entities([a.entities for a in articles]).articles
    persons: dict[str, set[str]] = {}
    for entities in corpus:
        shown = [e.name for e in entities if e.type == "person"]
        assert len(shown) == len(set(shown)), shown  # once per article
        for e in entities:
            if e.type == "person":
                persons.setdefault(e.key, set()).add(e.name)
            if is_place(e.name) or e.name in {"Kyiv", "Vladivostok", "Kursk"}:
                assert e.type == "location", (e.name, e.type)
    assert all(len(shown) == 1 for shown in persons.values()), persons
    assert {name for shown in persons.values() for name in shown} == PEOPLE
    # the article stage alone already keys the two spellings together
    assert {e.key for a in articles for e in a.entities if e.name in {"Kim Jong Un", "Kim Jong-un"}} == {"kim jong un"}
