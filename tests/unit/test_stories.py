"""Story scoring and assignment, on hand-made candidates (fast, pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from transforms.dedup import stories
from transforms.dedup.stories import (
    STORY_THRESHOLD,
    StoryCandidate,
    assign_batch,
    build_candidate,
    content_words,
    story_score,
)

NOW = datetime(2024, 11, 1, 12, tzinfo=UTC)
QUAKE = [("Sulawesi", "location", 3), ("Red Cross", "organization", 2), ("Palu", "location", 2)]
BUDGET = [("Gordon Brown", "person", 4), ("Treasury", "organization", 2)]
QUAKE_A = ("A powerful earthquake struck Sulawesi, collapsing buildings in Palu. Rescuers searched rubble for "
           "survivors as aftershocks shook the island and the Red Cross sent emergency shelter and water.")
QUAKE_B = ("Rescuers in Palu dug through collapsed buildings after the earthquake on Sulawesi. Aftershocks hampered "
           "the search for survivors; the Red Cross flew in shelter kits and clean water for the island.")
BUDGET_A = ("Gordon Brown set out his budget, raising tax credits and spending on schools while the Treasury "
            "forecast growth. Critics said borrowing would rise and pensioners would gain little.")


def candidate(doc_id: str, text: str, entities: list[tuple[str, str, int]], when: datetime = NOW,
              story: str | None = None) -> StoryCandidate:
    return build_candidate(doc_id, when, text, entities, "en", story)


def test_reporting_and_stop_words_are_not_content() -> None:
    words = content_words("He said the people told reporters that the troops were there last year.")
    assert set(words) == {"reporter", "troop"}


def test_same_event_in_other_words_scores_above_threshold_other_event_below() -> None:
    a, b, c = candidate("a", QUAKE_A, QUAKE), candidate("b", QUAKE_B, QUAKE), candidate("c", BUDGET_A, BUDGET)
    assert story_score(a, b) >= STORY_THRESHOLD
    assert story_score(a, c) < 0.1
    assert story_score(a, b) == story_score(b, a)


def test_outside_the_time_window_nothing_matches() -> None:
    a = candidate("a", QUAKE_A, QUAKE)
    late = candidate("b", QUAKE_B, QUAKE, NOW + stories.STORY_WINDOW + timedelta(hours=1))
    assert story_score(a, late) == 0.0


def test_an_article_without_entities_is_judged_by_its_words() -> None:
    a, b = candidate("a", QUAKE_A, []), candidate("b", QUAKE_B, QUAKE)
    assert story_score(a, b) >= STORY_THRESHOLD


def test_new_story_is_named_after_its_first_article_and_batch_members_join_it() -> None:
    batch = [candidate("a", QUAKE_A, QUAKE), candidate("c", BUDGET_A, BUDGET), candidate("b", QUAKE_B, QUAKE)]
    assert assign_batch(batch, []) == {"a": "a", "c": "c", "b": "a"}


def test_new_articles_join_the_story_of_indexed_ones() -> None:
    indexed = [candidate("old", QUAKE_A, QUAKE, NOW - timedelta(days=1), story="story-1")]
    assert assign_batch([candidate("new", QUAKE_B, QUAKE)], indexed) == {"new": "story-1"}


def test_a_near_duplicate_takes_its_canonicals_story() -> None:
    indexed = [candidate("canon", BUDGET_A, BUDGET, story="budget-story")]
    found = assign_batch([candidate("copy", QUAKE_A, QUAKE)], indexed, near={"copy": "canon"})
    assert found == {"copy": "budget-story"}


def test_a_single_link_does_not_chain_unrelated_articles_into_one_story() -> None:
    """b is close to a, c is close to b only: c must not join a's story through b, on average it is far."""
    a = StoryCandidate("a", NOW, {}, {"x": 1.0}, "s")
    b = StoryCandidate("b", NOW, {}, {"x": 0.866, "y": 0.5}, "s")
    c = StoryCandidate("c", NOW, {}, {"y": 1.0})
    members = {"s": [a, b]}
    assert story_score(c, b) >= STORY_THRESHOLD and story_score(c, a) == 0.0
    assert stories.best_story(c, [a, b], members) is None
    assert stories.best_story(c, [b], {"s": [b]}) == ("s", story_score(c, b))


def test_a_re_enriched_article_keeps_its_story() -> None:
    indexed = [candidate("same", QUAKE_A, QUAKE, story="story-7")]
    assert assign_batch([candidate("same", BUDGET_A, BUDGET)], indexed) == {"same": "story-7"}


def test_stored_features_rebuild_the_candidate_without_the_body() -> None:
    original = candidate("a", QUAKE_A, QUAKE, story="story-1")
    details = [{"name": name, "type": kind, "count": count} for name, kind, count in QUAKE]
    source = {"story_terms": stories.story_terms(original), "entity_details": details, "ingested_at": NOW.isoformat(),
              "story_id": "s"}
    rebuilt = stories.candidate_from_source("a", source)
    assert rebuilt is not None and rebuilt.story_id == "s" and rebuilt.time == NOW
    assert rebuilt.terms == original.terms and rebuilt.entities == original.entities
    assert "aftershock" in source["story_terms"].split()
    assert stories.candidate_from_source("old", {"body": QUAKE_A, "ingested_at": NOW.isoformat()}) is None


def test_story_keys_are_the_blocking_keys_entities_and_terms() -> None:
    keys = stories.story_keys(candidate("a", QUAKE_A, QUAKE))
    assert {"e:Sulawesi", "e:Red Cross", "t:aftershock"} <= set(keys) and keys == sorted(keys)
    assert len(keys) <= stories.QUERY_ENTITIES + stories.QUERY_TERMS
