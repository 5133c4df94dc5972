"""Stories on really enriched articles: the five seeds are one story, unrelated BBC articles are not in it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from transforms.dedup.stories import StoryCandidate, assign_batch, candidate_from_article, story_score
from transforms.models import EnrichedArticle

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
BBC = Path(__file__).resolve().parents[3] / "shared" / "data" / "bbc-news"  # shared/ sits beside the clone
UNRELATED = ["business/003.txt", "politics/001.txt", "sport/010.txt"]  # Yukos (Russia!), UK politics, sport
NOW = datetime(2024, 11, 1, tzinfo=UTC)


@cache
def enriched(*paths: Path) -> list[EnrichedArticle]:
    """The real read → clean → segment → enrich path (spaCy NER), as `newsindex enrich` runs it."""
    from flows.ingest.workers import clean_chunk, enrich_chunk
    from flows.read import read_articles
    from flows.version import lineage
    from transforms.models import CleanArticle

    raws = [r for r in read_articles(list(paths)) if not hasattr(r, "reason")]
    cleaned = [r for r in clean_chunk(raws) if isinstance(r, CleanArticle)]
    return [r for r in enrich_chunk(cleaned, lineage()) if isinstance(r, EnrichedArticle)]


def seed_candidates() -> list[StoryCandidate]:
    articles = enriched(SEEDS)
    assert len(articles) == 5 and all(a.entities for a in articles)
    return [candidate_from_article(a, f"seed-{i}", NOW) for i, a in enumerate(articles)]


def test_the_five_seeds_are_one_story_in_any_order() -> None:
    seeds = seed_candidates()
    for order in itertools.permutations(seeds):
        found = assign_batch(list(order), [])
        assert set(found.values()) == {order[0].doc_id}


def test_the_seeds_join_an_indexed_seed_story_across_runs() -> None:
    first, *rest = seed_candidates()
    indexed = [StoryCandidate(first.doc_id, first.time, first.entities, first.terms, "story-x")]
    assert set(assign_batch(rest, indexed).values()) == {"story-x"}


@pytest.mark.skipif(not BBC.is_dir(), reason="BBC corpus not available")
def test_unrelated_bbc_articles_do_not_join_the_seed_story() -> None:
    seeds = seed_candidates()
    others = [candidate_from_article(a, f"bbc-{i}", NOW)
              for i, a in enumerate(enriched(*(BBC / name for name in UNRELATED)))]
    assert len(others) == len(UNRELATED)
    assert max(story_score(s, o) for s in seeds for o in others) < 0.25
    found = assign_batch(seeds + others, [])
    assert {found[o.doc_id] for o in others} == {o.doc_id for o in others}
