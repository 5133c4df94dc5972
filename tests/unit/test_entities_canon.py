"""Canonicalisation rules on invented sentences and hand-made mentions (no model needed)."""

from __future__ import annotations

import pytest

from transforms.enrich.entities import Mention, canonicalise
from transforms.enrich.entities_canon import refine_spans, trim_mention
from transforms.enrich.entities_titles import is_title_word, strip_title_run


def mentions_of(text: str, *spans: tuple[str, str]) -> list[Mention]:
    """Mentions for each (surface, label), found left to right in ``text``."""
    found, cursor = [], 0
    for surface, label in spans:
        start = text.index(surface, cursor)
        found.append(Mention(surface, label, start, start + len(surface)))
        cursor = start + len(surface)
    return found


def by_name(text: str, *spans: tuple[str, str]) -> dict[str, object]:
    return {e.name: e for e in canonicalise(mentions_of(text, *spans), text)}


@pytest.mark.parametrize(
    ("surface", "label", "expected"),
    [
        ("North Korea's", "GPE", "North Korea"),
        ("Putin’s", "PERSON", "Putin"),
        ("the Pentagon", "ORG", "Pentagon"),
        ("The Kremlin’s", "ORG", "Kremlin"),
        ("“Moscow,", "GPE", "Moscow"),
        ("Doctors Without Borders'", "ORG", "Doctors Without Borders"),
        ("U.S.", "GPE", "U.S."),
        ("Acme Inc.", "ORG", "Acme Inc."),
        ("The Old Man and the Sea", "WORK_OF_ART", "The Old Man and the Sea"),
    ],
)
def test_trim_strips_possessives_articles_and_junk(surface: str, label: str, expected: str) -> None:
    text = f"Yesterday {surface} was in the news."
    trimmed = trim_mention(Mention(surface, label, 10, 10 + len(surface)), text)
    assert trimmed is not None
    assert trimmed.text == expected
    assert text[trimmed.start : trimmed.end] == expected


def test_possessive_forms_fold_into_one_entity() -> None:
    text = "North Korea's army grew. North Korea’s navy did not. North Korea is poor."
    entities = by_name(text, ("North Korea's", "GPE"), ("North Korea’s", "GPE"), ("North Korea", "GPE"))
    assert list(entities) == ["North Korea"]
    assert entities["North Korea"].count == 3
    assert entities["North Korea"].first_offset == 0


def test_dropped_labels_and_cross_paragraph_spans() -> None:
    text = "On Monday 5 people met.\n\nThe End\n\nLater Paris slept."
    spans = mentions_of(text, ("Monday", "DATE"), ("5", "CARDINAL"), ("The End\n\nLater", "ORG"), ("Paris", "GPE"))
    assert [e.name for e in canonicalise(spans, text)] == ["Paris"]


def test_short_names_link_to_the_one_full_name() -> None:
    text = (
        "Vladimir Putin met Kim Jong Un. Putin smiled and Kim waved. "
        "Defense chief Lloyd Austin watched; Austin said little."
    )
    entities = by_name(
        text,
        ("Vladimir Putin", "PERSON"), ("Kim Jong Un", "PERSON"), ("Putin", "PERSON"), ("Kim", "PERSON"),
        ("Lloyd Austin", "PERSON"), ("Austin", "PERSON"),
    )  # fmt: skip
    assert set(entities) == {"Vladimir Putin", "Kim Jong Un", "Lloyd Austin"}
    assert entities["Vladimir Putin"].count == 2
    assert entities["Vladimir Putin"].mentions == ["Vladimir Putin", "Putin"]
    assert entities["Kim Jong Un"].mentions == ["Kim Jong Un", "Kim"]


def test_short_form_before_the_full_name_still_links() -> None:
    text = "Putin spoke first. Later Vladimir Putin spoke again."
    entities = by_name(text, ("Putin", "PERSON"), ("Vladimir Putin", "PERSON"))
    assert list(entities) == ["Vladimir Putin"]
    assert entities["Vladimir Putin"].first_offset == 0
    assert entities["Vladimir Putin"].mentions == ["Putin", "Vladimir Putin"]


def test_ambiguous_short_name_stays_as_is() -> None:
    text = "Kim Jong Un and Kim Yo Jong arrived. Kim spoke."
    entities = by_name(text, ("Kim Jong Un", "PERSON"), ("Kim Yo Jong", "PERSON"), ("Kim", "PERSON"))
    assert set(entities) == {"Kim Jong Un", "Kim Yo Jong", "Kim"}
    assert all(e.count == 1 for e in entities.values())


def test_honorifics_and_titles_fold_into_the_name() -> None:
    text = (
        "President Vladimir Putin spoke. Mr. Putin left. President Putin returned. "
        "Defense Secretary Lloyd Austin agreed, and Secretary of State Ann Brody too."
    )
    entities = by_name(
        text,
        ("President Vladimir Putin", "PERSON"), ("Mr. Putin", "PERSON"), ("President Putin", "PERSON"),
        ("Defense Secretary Lloyd Austin", "PERSON"), ("Secretary of State Ann Brody", "PERSON"),
    )  # fmt: skip
    assert entities["Vladimir Putin"].count == 3
    assert set(entities) == {"Vladimir Putin", "Lloyd Austin", "Ann Brody"}


def test_title_before_a_mislabelled_span_makes_it_a_person() -> None:
    text = "The reply came from Mr. Dietz on Friday."
    entities = by_name(text, ("Dietz", "ORG"))
    assert entities["Dietz"].type == "person"


def test_titles_do_not_eat_company_names() -> None:
    text = "General Motors and a major Hong Kong bank merged."
    entities = by_name(text, ("General Motors", "ORG"), ("Hong Kong", "GPE"))
    assert entities["General Motors"].type == "organization"
    assert entities["Hong Kong"].type == "location"


def test_surname_mislabelled_as_org_joins_the_person() -> None:
    text = "Spokesperson Charlie Dietz declined. Dietz said more later, and Dietz left."
    entities = by_name(text, ("Charlie Dietz", "PERSON"), ("Dietz", "ORG"), ("Dietz", "ORG"))
    assert list(entities) == ["Charlie Dietz"]
    assert entities["Charlie Dietz"].type == "person"
    assert entities["Charlie Dietz"].count == 3


def test_place_named_like_a_surname_is_not_linked() -> None:
    text = "George Washington was born far from Washington."
    entities = by_name(text, ("George Washington", "PERSON"), ("Washington", "GPE"))
    assert entities["Washington"].type == "location"
    assert entities["George Washington"].count == 1


def test_type_majority_and_tie_break() -> None:
    text = "Kursk fell. Kursk burned. Kursk was rebuilt. Orla rose; Orla fell."
    entities = by_name(
        text, ("Kursk", "PRODUCT"), ("Kursk", "GPE"), ("Kursk", "GPE"), ("Orla", "ORG"), ("Orla", "PERSON")
    )
    assert entities["Kursk"].type == "location"
    assert entities["Kursk"].count == 3
    assert entities["Orla"].type == "organization"  # tie: the first mention's type


def test_sorted_by_count_then_first_offset() -> None:
    text = "Oslo and Rome. Rome and Lima. Lima and Rome."
    spans = [("Oslo", "GPE"), ("Rome", "GPE"), ("Rome", "GPE"), ("Lima", "GPE"), ("Lima", "GPE"), ("Rome", "GPE")]
    entities = canonicalise(mentions_of(text, *spans), text)
    assert [(e.name, e.count) for e in entities] == [("Rome", 3), ("Lima", 2), ("Oslo", 1)]


def test_given_name_left_out_by_the_model_is_restored() -> None:
    text = "Defense Minister Rustem Umerov said so. Umerov added more."
    entities = by_name(text, ("Umerov", "PERSON"), ("Umerov", "NORP"))
    assert list(entities) == ["Rustem Umerov"]
    assert entities["Rustem Umerov"].count == 2


def test_sentence_initial_word_is_not_a_given_name() -> None:
    text = "It rained. But Umerov stayed."
    (refined,) = refine_spans(mentions_of(text, ("Umerov", "PERSON")), text)
    assert refined.text == "Umerov"


def test_refined_offsets_point_at_the_name() -> None:
    text = "“North Korea’s” leader met President Ann Brody."
    for m in refine_spans(mentions_of(text, ("“North Korea’s”", "GPE"), ("President Ann Brody", "PERSON")), text):
        assert text[m.start : m.end] == m.text
        assert m.text in {"North Korea", "Ann Brody"}


def test_title_helpers() -> None:
    assert is_title_word("Mr.") and is_title_word("Major-General") and is_title_word("spokesman")
    assert not is_title_word("major") and not is_title_word("MX") and not is_title_word("Vladimir")
    assert strip_title_run("Mr. Putin", abbreviations_only=True) == 4
    assert strip_title_run("General Motors", abbreviations_only=True) == 0
    assert strip_title_run("President", abbreviations_only=False) == 0
