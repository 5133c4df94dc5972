"""Entity keys and display names: every way of writing one name lands on one facet value."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from transforms.enrich.entities_keys import display_name, entity_key
from transforms.enrich.entities_titles import QUALIFIERS, is_abbreviated_honorific, is_title_word
from transforms.models import EntityType

QUICK = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize(
    ("forms", "etype"),
    [
        (["Kim Jong-un", "Kim Jong Un", "KIM JONG UN", "kim  jong‐un"], "person"),
        (["the Lib Dems", "Lib Dems", "The Lib Dems", "LIB DEMS"], "organization"),
        (["Blair", "Blair's", "Blair’s", "Mr Blair", "Mr. Blair"], "person"),
        (["Vladimir Putin", "President Vladimir Putin", "Vladimir Putin's", "Mr. Vladimir Putin"], "person"),
        (["Müller", "Muller", "MÜLLER"], "person"),
        (["Alex Ferguson", "Sir Alex Ferguson"], "person"),
        (["U.S.", "US", "U.S"], "location"),
        (["Labour", "Labour Party", "the Labour Party"], "organization"),
        (["São Paulo", "Sao Paulo", "SAO PAULO"], "location"),
        (["Lib Dem", "Lib Dems", "the Lib Dems"], "organization"),
        (["Tory", "Tories"], "organization"),
        (["Oscar", "Oscars", "the Oscars"], "event"),
    ],
)
def test_forms_of_one_name_share_a_key(forms: list[str], etype: EntityType) -> None:
    assert len({entity_key(form, etype) for form in forms}) == 1, {form: entity_key(form, etype) for form in forms}


@pytest.mark.parametrize(
    ("a", "b", "etype"),
    [
        ("General Motors", "Motors", "organization"),  # job titles fold away only for persons
        ("Tony Blair", "Cherie Blair", "person"),
        ("Kim Jong Un", "Kim Jong Il", "person"),
        ("Bush", "George W Bush", "person"),  # short forms are linked, not keyed together
        ("Williams", "William", "person"),  # plurals fold only for organisations, groups and events
        ("Philippines", "Philippine", "location"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str, etype: EntityType) -> None:
    assert entity_key(a, etype) != entity_key(b, etype)


def test_a_key_never_empties_a_name() -> None:
    assert entity_key("The", "organization") == "the"
    assert entity_key("Mr", "person") == "mr"
    assert entity_key("'s", "person")


def test_display_name_prefers_mixed_case_then_count_then_diacritics() -> None:
    assert display_name({"KIM JONG UN": 9, "Kim Jong Un": 3, "Kim Jong-un": 1}) == "Kim Jong Un"
    assert display_name({"Muller": 2, "Müller": 2}) == "Müller"
    assert display_name({"Muller": 3, "Müller": 2}) == "Muller"
    assert display_name({"b": 1, "a": 1}) == "a"
    with pytest.raises(ValueError):
        display_name({})


# Invented name words: capitalised letters, never a title, honorific or article.
_ARTICLES = {"the", "le", "la", "les", "el", "los", "las"}
words = (
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=9)
    .map(str.capitalize)
    .filter(lambda w: not is_title_word(w) and w.casefold() not in _ARTICLES)
)
names = st.lists(words, min_size=1, max_size=4).map(" ".join)
etypes = st.sampled_from(["person", "organization", "location", "group", "event", "product"])
_ACCENTED = str.maketrans("aeiounc", "áéíöüñç")


@QUICK
@given(name=names, etype=etypes)
def test_key_ignores_case_spacing_hyphens_and_diacritics(name: str, etype: EntityType) -> None:
    key = entity_key(name, etype)
    assert entity_key(name.upper(), etype) == key
    assert entity_key(name.lower(), etype) == key
    assert entity_key(name.replace(" ", "-"), etype) == key
    assert entity_key(name.replace(" ", "  "), etype) == key
    assert entity_key(name.translate(_ACCENTED), etype) == key


@QUICK
@given(name=names, etype=etypes)
def test_key_ignores_possessives_and_leading_articles(name: str, etype: EntityType) -> None:
    key = entity_key(name, etype)
    assert entity_key(name + "'s", etype) == key
    assert entity_key(name + "’", etype) == key
    assert entity_key("the " + name, etype) == key
    assert entity_key("The " + name, etype) == key


@QUICK
@given(name=names, title=st.sampled_from(["Mr", "Mrs.", "Dr", "President", "Prime Minister", "Sir", "Gen."]))
def test_person_key_ignores_titles(name: str, title: str) -> None:
    # A role takes qualifiers after it ("Secretary of State"), so a name that starts with one after a role
    # ("President Supreme Aa") is ambiguous on its face; after an honorific ("Mr Eu Aa") it is the name.
    assume(is_abbreviated_honorific(title) or name.split()[0].lower() not in QUALIFIERS)
    assert entity_key(f"{title} {name}", "person") == entity_key(name, "person")


@QUICK
@given(counts=st.dictionaries(names, st.integers(1, 50), min_size=1, max_size=6))
def test_display_name_does_not_depend_on_order(counts: dict[str, int]) -> None:
    reordered = dict(reversed(list(counts.items())))
    assert display_name(counts) == display_name(reordered)
    assert display_name(counts) in counts
