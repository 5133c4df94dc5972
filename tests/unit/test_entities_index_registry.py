"""The entity registry's decisions, without the index: one name per (type, key) across batches, renames of
older documents when a better form wins, short forms merged into the full name that dominates."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from transforms.enrich.entities_index_registry import (
    RegistryEntry,
    RegistryUpdate,
    entry_id,
    registry_update,
    renamed,
    tails_of,
    wanted_lookups,
)
from transforms.enrich.entities_keys import entity_key
from transforms.models import Entity, EntityType, Span


def entity(name: str, etype: EntityType = "person", at: int = 0) -> Entity:
    return Entity(name=name, type=etype, count=1, first_offset=at, key=entity_key(name, etype), mentions=[name],
                  spans=[Span(start=at, end=at + len(name))])


def registry(*updates: RegistryUpdate) -> dict[tuple[EntityType, str], RegistryEntry]:
    known: dict[tuple[EntityType, str], RegistryEntry] = {}
    for update in updates:
        known.update({(e.type, e.key): e for e in update.entries})
    return known


def names(update: RegistryUpdate) -> list[list[str]]:
    return [[e.name for e in entities] for entities in update.articles]


def test_one_batch_shows_every_spelling_of_a_key_under_the_most_voted_form() -> None:
    batch = [[entity("Kim Jong Un")], [entity("Kim Jong Un")], [entity("Kim Jong-un")]]
    update = registry_update(batch, {})
    assert names(update) == [["Kim Jong Un"]] * 3
    [entry] = update.entries
    assert entry.forms == {"Kim Jong Un": 2, "Kim Jong-un": 1} and entry.articles == 3
    assert update.renames == {}


def test_surface_forms_and_offsets_survive_the_display_name() -> None:
    update = registry_update([[entity("Kim Jong Un")], [entity("Kim Jong-un", at=7)]], {})
    second = update.articles[1][0]
    assert second.name == "Kim Jong Un" and second.mentions == ["Kim Jong-un"]
    assert (second.spans[0].start, second.spans[0].end) == (7, 7 + len("Kim Jong-un"))


def test_a_later_batch_follows_the_registry_and_a_new_majority_renames_older_documents() -> None:
    first = registry_update([[entity("Kim Jong-un")], [entity("Kim Jong-un")]], {})
    assert names(first) == [["Kim Jong-un"]] * 2
    second = registry_update([[entity("Kim Jong Un")]], registry(first))
    assert names(second) == [["Kim Jong-un"]]  # 2 votes to 1: the registry's form
    third = registry_update([[entity("Kim Jong Un")], [entity("Kim Jong Un")]], registry(first, second))
    assert names(third) == [["Kim Jong Un"]] * 2
    assert third.renames == {("person", "kim jong un"): ("kim jong un", "Kim Jong Un")}
    old = [entity("Kim Jong-un"), entity("Seoul", "location")]
    assert [e.name for e in renamed(old, third.renames)] == ["Kim Jong Un", "Seoul"]


def test_a_short_form_links_to_the_full_name_the_corpus_knows() -> None:
    first = registry_update([[entity("David Frost")]], {})
    later = registry_update([[entity("Frost")]], registry(first))
    assert names(later) == [["David Frost"]] and later.linked == 1


def test_a_full_name_arriving_later_absorbs_the_short_form_entry_and_renames_its_documents() -> None:
    first = registry_update([[entity("Frost")], [entity("Frost")]], {})
    second = registry_update([[entity("David Frost")]], registry(first))
    absorbed = {(e.type, e.key): e for e in second.entries}[("person", "frost")]
    assert absorbed.merged_into == "david frost"
    assert second.renames[("person", "frost")] == ("david frost", "David Frost")
    assert [e.name for e in renamed([entity("Frost")], second.renames)] == ["David Frost"]
    third = registry_update([[entity("Frost")]], registry(first, second))  # a merged entry is followed
    assert names(third) == [["David Frost"]]


def test_a_surname_of_two_equally_known_full_names_stays_itself() -> None:
    first = registry_update([[entity("Gordon Brown")], [entity("James Brown")]], {})
    later = registry_update([[entity("Brown")]], registry(first))
    assert names(later) == [["Brown"]] and later.linked == 0
    assert not [e for e in later.entries if e.merged_into]


def test_a_short_form_links_only_within_its_type() -> None:
    first = registry_update([[entity("Tony Blair")]], {})
    later = registry_update([[entity("Blair", "location")]], registry(first))
    assert names(later) == [["Blair"]]


def test_lookups_ask_for_the_keys_the_tails_and_the_short_forms() -> None:
    ids, shorts = wanted_lookups([[entity("Tony Blair"), entity("Frost"), entity("EU", "organization")]])
    assert ("person", "tony blair") in ids and ("person", "blair") in ids and ("person", "frost") in ids
    assert shorts == {("person", "Frost"), ("organization", "EU"), ("person", "Blair")}  # Blair: other Blairs
    assert tails_of("European Union", "organization") == ["EU"] and tails_of("Frost", "person") == []


def test_entry_ids_are_stable_and_typed() -> None:
    assert entry_id("person", "jordan") == entry_id("person", "jordan") != entry_id("location", "jordan")


FORMS = st.sampled_from(["Kim Jong Un", "Kim Jong-un", "KIM JONG UN", "kim jong-un"])


@given(st.lists(st.lists(FORMS, min_size=1, max_size=3), min_size=1, max_size=8))
def test_any_batch_gives_one_name_per_key_and_counts_one_vote_per_article(batch: Sequence[Sequence[str]]) -> None:
    per_article = [[entity(form, at=10 * i) for i, form in enumerate(forms)] for forms in batch]
    update = registry_update(per_article, {})
    shown = {e.name for entities in update.articles for e in entities}
    assert len(shown) == 1 and all(len(entities) == 1 for entities in update.articles)
    [entry] = update.entries
    assert entry.articles == len(batch) and sum(entry.forms.values()) == len(batch)
    assert all(sum(e.count for e in entities) == len(forms) for entities, forms in zip(update.articles, batch,
                                                                                        strict=True))


@given(st.lists(st.lists(FORMS, min_size=1, max_size=2), min_size=1, max_size=6), st.randoms())
def test_the_name_depends_on_the_counts_not_the_order(batch: list[list[str]], rnd: random.Random) -> None:
    shuffled = list(batch)
    rnd.shuffle(shuffled)
    one = registry_update([[entity(f) for f in forms] for forms in batch], {})
    two = registry_update([[entity(f) for f in forms] for forms in shuffled], {})
    assert one.entries[0].name == two.entries[0].name


def test_the_cli_offers_every_entity_type() -> None:
    from typing import get_args

    from flows.cli import ENTITY_TYPES

    assert get_args(EntityType) == ENTITY_TYPES


def test_a_document_written_again_unchanged_moves_no_vote() -> None:
    """A retried batch, a rebuild: the document's votes are what it voted before, so nothing changes."""
    first = registry_update([[entity("Kim Jong Un"), entity("Seoul", "location")]], {})
    again = registry_update([[entity("Kim Jong Un"), entity("Seoul", "location")]], registry(first), first.votes)
    assert again.changes == [] and again.entries == [] and again.renames == {}


def test_a_rewritten_document_moves_its_vote_and_a_deleted_one_takes_it_back() -> None:
    first = registry_update([[entity("Kim Jong-un")], [entity("Kim Jong Un")], [entity("Kim Jong Un")]], {})
    assert registry(first)[("person", "kim jong un")].forms == {"Kim Jong-un": 1, "Kim Jong Un": 2}
    moved = registry_update([[entity("Kim Jong Un")]], registry(first), [first.votes[0]])
    kim = registry(moved)[("person", "kim jong un")]
    assert kim.forms == {"Kim Jong Un": 3} and kim.articles == 3
    gone = registry_update([[], []], registry(first, moved), [first.votes[1], first.votes[2]])
    kim = registry(gone)[("person", "kim jong un")]
    assert kim.forms == {"Kim Jong Un": 1} and kim.articles == 1


def test_a_merged_short_forms_documents_count_for_the_full_name() -> None:
    first = registry_update([[entity("Frost")], [entity("Frost")]], {})
    second = registry_update([[entity("David Frost")]], registry(first))
    assert registry(first, second)[("person", "david frost")].articles == 3  # its own and the two merged
    gone = registry_update([[]], registry(first, second), [first.votes[0]])  # a "Frost" document deleted
    assert registry(first, second, gone)[("person", "david frost")].articles == 2
