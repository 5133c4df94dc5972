"""Type corrections on invented sentences with hand-made mentions (no model): places, nationalities,
headings, time zones and the small award/competition/club/product/work rule set, each counted."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.unit.test_entities_canon import mentions_of
from transforms.enrich.entities import analyse
from transforms.enrich.entities_places import is_nationality, is_place
from transforms.enrich.entities_types import DROPPED, correct_types

QUICK = settings(max_examples=150, deadline=None)


def corrected(text: str, *spans: tuple[str, str]) -> tuple[list[tuple[str, str]], Counter[str]]:
    out, fired = correct_types(mentions_of(text, *spans), text)
    return [(m.text, m.label) for m in out], fired


@pytest.mark.parametrize(
    ("text", "surface", "label"),
    [
        ("Russian missiles struck Kyiv on Monday.", "Kyiv", "PERSON"),
        ("The convoy reached Vladivostok late at night.", "Vladivostok", "PERSON"),
        ("The battle for Kursk goes on.", "Kursk", "PRODUCT"),
        ("Fans in Glasgow celebrated.", "Glasgow", "PERSON"),
        ("Rain is expected in Wales tomorrow.", "Wales", "PERSON"),
        ("Troops left Kiev on Sunday.", "Kiev", "PERSON"),  # an alternate name from GeoNames
    ],
)
def test_known_place_called_a_person_or_product_becomes_a_place(text: str, surface: str, label: str) -> None:
    found, fired = corrected(text, (surface, label))
    assert found == [(surface, "GPE")]
    assert fired == Counter({"place_not_person": 1})


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Coach Houston said the team was ready.", [("Houston", "PERSON")]),  # a title before it
        ("Paris Hilton arrived. Later Paris said hello.", [("Paris Hilton", "PERSON"), ("Paris", "PERSON")]),
        ("Then Lincoln Chafee spoke.", [("Lincoln", "PERSON")]),  # a capitalised word after it
        ("Yesterday Zorbanek said the plan would work.", [("Zorbanek", "PERSON")]),  # no place at all
    ],
)
def test_context_that_says_person_keeps_the_person(text: str, spans: list[tuple[str, str]]) -> None:
    found, fired = corrected(text, *spans)
    assert found == spans
    assert not fired


def test_nationality_words_are_groups_not_persons() -> None:
    text = "The Welsh were happy, and so were the Russians."
    found, fired = corrected(text, ("Welsh", "PERSON"), ("Russians", "ORG"))
    assert found == [("Welsh", "NORP"), ("Russians", "NORP")]
    assert fired == Counter({"nationality_not_person": 2})
    assert is_nationality("Iraqi") and is_nationality("Japanese") and is_nationality("French")
    assert not is_nationality("Blair") and not is_place("Blair")
    assert is_nationality("Scots") and is_nationality("Briton") and is_nationality("Somali")
    assert not any(is_nationality(name) for name in ("Francis", "Brian", "Adrian", "Julian", "Simon", "Jordan"))


def test_heading_span_is_dropped_unless_the_body_names_it() -> None:
    heading = "North Korean Soldiers Access Unrestricted"
    text = f"{heading}\n\nThe soldiers were seen near the border on Tuesday."
    found, fired = corrected(text, (heading, "ORG"))
    assert found == [(heading, DROPPED)] and fired == Counter({"heading_dropped": 1})
    again = "Bank Of Northern Ruritania\n\nShares in Bank Of Northern Ruritania fell."
    found, fired = corrected(again, ("Bank Of Northern Ruritania", "ORG"), ("Bank Of Northern Ruritania", "ORG"))
    assert [label for _, label in found] == ["ORG", "ORG"] and not fired


def test_a_name_in_a_sentence_line_is_no_heading() -> None:
    text = "Later The Rolling Stones played in the park."
    found, fired = corrected(text, ("The Rolling Stones", "ORG"))
    assert found == [("The Rolling Stones", "ORG")] and not fired


def test_time_zone_after_a_clock_time_is_dropped() -> None:
    found, fired = corrected("Talks begin at 1400 GMT in Geneva.", ("GMT", "ORG"))
    assert found == [("GMT", DROPPED)] and fired == Counter({"time_zone_dropped": 1})
    found, fired = corrected("GMT said its profits rose.", ("GMT", "ORG"))  # no clock: left alone
    assert found == [("GMT", "ORG")] and not fired


@pytest.mark.parametrize(
    ("text", "spans", "expected", "rule"),
    [
        ("She won an Oscar nomination. The Oscars are in March.", [("Oscar", "PERSON"), ("Oscars", "ORG")],
         ["EVENT", "EVENT"], "award"),
        ("He is a Bafta-winning actor.", [("Bafta", "ORG")], ["EVENT"], "award"),
        ("She took the Turner Prize.", [("Turner Prize", "PERSON")], ["EVENT"], "award"),
        ("England reached the World Cup final.", [("World Cup", "ORG")], ["EVENT"], "competition"),
        ("He won the Australian Open.", [("Australian Open", "NORP")], ["EVENT"], "competition"),
        ("They lead the Premiership.", [("Premiership", "PERSON")], ["EVENT"], "competition"),
        ("Manchester United won again.", [("Manchester United", "PERSON")], ["ORG"], "club"),
        ("Lincoln 2 Wigan 1", [("Lincoln", "GPE"), ("Wigan", "GPE")], ["ORG", "ORG"], "club"),
        ("He bought an Xbox.", [("Xbox", "ORG")], ["PRODUCT"], "product"),
        ("He bought Apple's iPod in May.", [("Apple", "ORG"), ("iPod", "ORG")], ["ORG", "PRODUCT"], "product"),
        ("She starred in the film Vera Drake.", [("Vera Drake", "PERSON")], ["WORK_OF_ART"], "work"),
        ("He loved the Harry Potter films.", [("Harry Potter", "PERSON")], ["WORK_OF_ART"], "work"),
    ],
)  # fmt: skip
def test_kind_rules(text: str, spans: list[tuple[str, str]], expected: list[str], rule: str) -> None:
    found, fired = corrected(text, *spans)
    assert [label for _, label in found] == expected
    assert set(fired) == {rule}


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("A Reuters survey found it.", [("Reuters", "ORG")]),  # names the survey's owner, not a product
        ("Mexico City grew.", [("Mexico City", "GPE")]),  # a place, not a club
        ("The Arab League met.", [("Arab League", "ORG")]),  # leagues are organisations
        ("Blair's Labour won.", [("Blair", "PERSON"), ("Labour", "ORG")]),  # a person owns no product
        ("The Oscar Wilde play opened.", [("Oscar Wilde", "PERSON")]),
        ("He won the Oscar Wilde prize in Dublin.", [("Oscar Wilde", "PERSON")]),
    ],
)
def test_kind_rules_leave_these_alone(text: str, spans: list[tuple[str, str]]) -> None:
    found, fired = corrected(text, *spans)
    assert found == spans and not fired


@pytest.mark.parametrize(
    ("text", "spans", "expected", "rule"),
    [
        ("The Lib Dems say the plan fails, and Lib Dems will vote.", [("Lib Dems", "PERSON"), ("Lib Dems", "PERSON")],
         ["ORG", "ORG"], "definite_article"),
        ("The Zentrals are asking for more.", [("The Zentrals", "PERSON")], ["ORG"], "definite_article"),
        ("He is used to the Anfield club by now.", [("Anfield", "PERSON")], ["ORG"], "definite_article"),
        ("Lib Dem leader Charles Kennedy spoke.", [("Lib Dem", "PERSON"), ("Charles Kennedy", "PERSON")],
         ["ORG", "PERSON"], "role_of_someone_else"),
        ("Lib Dem home affairs spokesman Mark Oaten said no.", [("Lib Dem", "PERSON"), ("Mark Oaten", "PERSON")],
         ["ORG", "PERSON"], "role_of_someone_else"),
        ("Bolton boss Sam Allardyce was pleased.", [("Bolton", "PERSON"), ("Sam Allardyce", "PERSON")],
         ["ORG", "PERSON"], "role_of_someone_else"),
        ("Shares in Russian oil giant Yukos fell. Yukos denied it.", [("Yukos", "PERSON"), ("Yukos", "PERSON")],
         ["ORG", "ORG"], "organisation_noun_before"),
        ("It was a hit for the band Zanubo.", [("Zanubo", "PERSON")], ["ORG"], "organisation_noun_before"),
    ],
)  # fmt: skip
def test_context_rules(text: str, spans: list[tuple[str, str]], expected: list[str], rule: str) -> None:
    found, fired = corrected(text, *spans)
    assert [label for _, label in found] == expected
    assert set(fired) == {rule}


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Blair told chancellor Gordon Brown to wait.", [("Blair", "PERSON"), ("Gordon Brown", "PERSON")]),
        ("Blair and leader Ming Campbell met.", [("Blair", "PERSON"), ("Ming Campbell", "PERSON")]),
        ("Then Tony Blair said no.", [("Tony Blair", "PERSON")]),
        ("His team-mate Wayne Rooney scored.", [("Wayne Rooney", "PERSON")]),
        ("The Tony Blair government fell.", [("Tony Blair", "PERSON")]),  # a full name qualifying a noun
    ],
)
def test_context_rules_leave_persons_alone(text: str, spans: list[tuple[str, str]]) -> None:
    found, fired = corrected(text, *spans)
    assert found == spans and not fired


def test_a_country_called_an_organisation_is_the_country_but_a_city_club_is_not() -> None:
    text = "Wales beat Italy and Leeds beat Hull."
    found, fired = corrected(text, ("Wales", "ORG"), ("Italy", "ORG"), ("Leeds", "ORG"))
    assert found == [("Wales", "GPE"), ("Italy", "GPE"), ("Leeds", "ORG")]
    assert fired == Counter({"country_not_organisation": 2})


def test_a_common_noun_capitalised_once_is_no_organisation() -> None:
    text = "The Budget is out. The budget adds to the budget gap."
    found, fired = corrected(text, ("Budget", "ORG"))
    assert found == [("Budget", DROPPED)] and fired == Counter({"common_word_dropped": 1})
    text = "Apple said apple growers agree. Apple will grow."
    found, fired = corrected(text, ("Apple", "ORG"), ("Apple", "ORG"))
    assert [label for _, label in found] == ["ORG", "ORG"] and not fired


def test_a_compass_word_is_no_place() -> None:
    assert not is_place("Western") and not is_place("Central") and not is_place("Northern")
    assert is_place("Kursk") and is_place("Kyiv")


def test_corrections_are_counted_through_the_article_stage() -> None:
    text = "Fans in Glasgow cheered the Welsh at 1500 GMT as Manchester United won."
    spans = [("Glasgow", "PERSON"), ("Welsh", "PERSON"), ("GMT", "ORG"), ("Manchester United", "PERSON")]
    result = analyse(mentions_of(text, *spans), text)
    assert result.corrections == Counter(
        {"place_not_person": 1, "nationality_not_person": 1, "time_zone_dropped": 1, "club": 1}
    )
    assert {(e.name, e.type) for e in result.entities} == {
        ("Glasgow", "location"), ("Welsh", "group"), ("Manchester United", "organization")
    }  # fmt: skip


# Invented names (never a place or nationality) in sentence frames written for these tests.
invented = (
    st.text(st.sampled_from("bcdfgklmnprstvz"), min_size=2, max_size=4)
    .flatmap(lambda c: st.text(st.sampled_from("aeiou"), min_size=len(c), max_size=len(c)).map(
        lambda v: "".join(a + b for a, b in zip(c, v, strict=True)).capitalize()))
    .filter(lambda w: not is_place(w) and not is_nationality(w))
)  # fmt: skip
frames = st.sampled_from([
    "Yesterday {} said the plan would work.",
    "The minister met {} on Tuesday.",
    "According to {}, nothing has changed.",
])  # fmt: skip
labels = st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "PRODUCT"])


@QUICK
@given(name=invented, frame=frames, label=labels)
def test_no_rule_fires_on_an_unknown_name_in_plain_prose(name: str, frame: str, label: str) -> None:
    text = frame.format(name)
    found, fired = corrected(text, (name, label))
    assert found == [(name, label)] and not fired


@QUICK
@given(
    place=st.sampled_from(["Kyiv", "Vladivostok", "Kursk", "Glasgow", "Lagos", "Ontario", "Texas"]),
    frame=st.sampled_from(["Shells fell on {} overnight.", "Flights to {} were cancelled.", "In {}, prices rose."]),
    label=st.sampled_from(["PERSON", "PRODUCT"]),
)
def test_a_known_place_in_prose_is_always_a_place(place: str, frame: str, label: str) -> None:
    text = frame.format(place)
    found, fired = corrected(text, (place, label))
    assert found == [(place, "GPE")] and fired == Counter({"place_not_person": 1})


@QUICK
@given(data=st.data(), frame=frames)
def test_corrections_keep_spans_and_count_every_change(data: st.DataObject, frame: str) -> None:
    names = st.sampled_from(["Kyiv", "Welsh", "Zanubo", "World Cup", "GMT"])
    parts = data.draw(st.lists(names, min_size=1, max_size=4))
    text = frame.format(" and ".join(parts))
    spans = [(p, data.draw(labels)) for p in parts]
    mentions = mentions_of(text, *spans)
    out, fired = correct_types(mentions, text)
    assume(mentions)
    assert [(m.text, m.start, m.end) for m in out] == [(m.text, m.start, m.end) for m in mentions]
    changed = sum(a.label != b.label for a, b in zip(mentions, out, strict=True))
    assert sum(fired.values()) == changed


def test_events_and_groups_lose_a_leading_article_and_occupations_fold_away() -> None:
    text = "Before the Six Nations, the Tories met. Rapper Eminem sang."
    spans = [("the Six Nations", "EVENT"), ("the Tories", "NORP"), ("Rapper Eminem", "PERSON")]
    found = {(e.name, e.type) for e in analyse(mentions_of(text, *spans), text).entities}
    assert found == {("Six Nations", "event"), ("Tories", "group"), ("Eminem", "person")}
