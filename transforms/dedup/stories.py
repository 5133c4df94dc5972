"""Stories: articles about the same event, written independently, share a ``story_id``.

Near-duplicate detection (``near.py``) catches re-publications of one text; a story groups different texts. Two
articles are about the same event when, within a few days of each other, they name the same specific actors and
places AND use the same content words. Either signal alone fails: entity overlap alone joins every article about
"Labour" and "Tony Blair"; word overlap alone joins articles of one genre (match reports, earnings results).

Score = ``ENTITY_WEIGHT`` × cosine(entity vectors) + (1 − ``ENTITY_WEIGHT``) × cosine(term vectors), where
* entity weights are ``(1 + ln count) × type weight``: locations and groups (nationalities) are named by many
  unrelated articles and weigh half as much as people, organisations and events;
* term weights are ``1 + ln tf`` over content words (no stop words, no reporting vocabulary, ≥ 3 letters, English
  plurals folded).
An article joins the story of its best-scoring earlier article when the score ≥ ``STORY_THRESHOLD`` (0.3) and its mean
score against that story's latest members ≥ ``STORY_MEAN_THRESHOLD`` (0.3; stops chaining); otherwise it starts a
story named after itself, so assignment is deterministic and needs no counter. Measured with the real enrichment:
the five seeds score 0.35-0.63 pairwise, the best BBC article against any seed 0.20; on BBC (no dates, so every
article is in every other's window: the worst case) the largest story has 22 articles (see benchmarks/dedup_cost.py).
"""

from __future__ import annotations

import importlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache, cached_property
from typing import Any

from transforms.models import EnrichedArticle

STORY_THRESHOLD = 0.3
STORY_MEAN_THRESHOLD = 0.3
STORY_SAMPLE = 20  # latest members of a story an article is compared with
ENTITY_WEIGHT = 0.4
STORY_WINDOW = timedelta(days=4)
TYPE_WEIGHTS = {"location": 0.5, "group": 0.5}
QUERY_ENTITIES = 12
QUERY_TERMS = 12
MIN_SHARED_KEYS = 2  # of those salient entities and terms, for two articles to be compared at all
NEARBY = 20  # articles scored per new article, the most specific matches first
MIN_TERM_LETTERS = 3

# Words of reporting that every news text uses whatever its event, in English (the default language).
REPORTING_WORDS = frozenset({
    "said", "says", "say", "saying", "told", "tell", "added", "according", "also", "would", "could", "should",
    "may", "might", "year", "years", "week", "weeks", "month", "months", "day", "days", "time", "times",
    "people", "new", "mr", "mrs", "ms", "dr", "just", "like", "make", "made", "get", "got", "well", "going",
    "one", "two", "three", "first", "last", "many", "much", "including", "since", "still", "however", "around",
    "statement", "reported", "reports", "report", "percent", "cent",
})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class StoryCandidate:
    """What story assignment needs of an article: when, who/where (entities) and what (content words)."""

    doc_id: str
    time: datetime
    entities: Mapping[str, float] = field(default_factory=dict)
    terms: Mapping[str, float] = field(default_factory=dict)
    story_id: str | None = None  # known for indexed articles
    counts: Mapping[str, int] = field(default_factory=dict, compare=False)  # content words: what is stored

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The blocking keys (see ``story_keys``), computed once: assignment and lookup ask for them often."""
        return tuple(sorted({"e:" + name for name in self.query_entities()}
                            | {"t:" + term for term in self.query_terms()}))

    def query_entities(self) -> list[str]:
        """The most salient entity names (original spelling, as stored in ``entity_names``)."""
        return _top(self.entities, QUERY_ENTITIES)

    def query_terms(self) -> list[str]:
        return _top(self.terms, QUERY_TERMS)


def _top(weights: Mapping[str, float], count: int) -> list[str]:
    return [key for key, _ in sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:count]]


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop list for the language (English when it has none), plus the reporting vocabulary."""
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        module = importlib.import_module("spacy.lang.en.stop_words")
    return frozenset(module.STOP_WORDS) | REPORTING_WORDS


def content_words(text: str, language: str = "en") -> Counter[str]:
    """Casefolded words without stop words; English plurals folded so "troops" meets "troop"."""
    stops = stop_words(language)
    folded = (text if text.isascii() else unicodedata.normalize("NFKC", text)).casefold()
    words = [w for w in _WORD.findall(folded) if len(w) >= MIN_TERM_LETTERS and w not in stops]
    if language == "en":
        words = [w[:-1] if w[-1] == "s" and len(w) > 3 and w[-2] not in "sui" else w for w in words]
    return Counter(words)


def entity_weights(entities: Iterable[tuple[str, str, int]]) -> dict[str, float]:
    """(name, type, count) → weight; names keep their spelling so they match ``entity_names`` terms."""
    weights: dict[str, float] = {}
    for name, kind, count in entities:
        weight = (1.0 + math.log(max(1, count))) * TYPE_WEIGHTS.get(kind, 1.0)
        weights[name] = max(weights.get(name, 0.0), weight)
    return weights


def build_candidate(doc_id: str, time: datetime, text: str, entities: Iterable[tuple[str, str, int]],
                    language: str = "en", story_id: str | None = None) -> StoryCandidate:
    return candidate_from_counts(doc_id, time, content_words(text, language), entities, story_id)


def candidate_from_counts(doc_id: str, time: datetime, counts: Mapping[str, int],
                          entities: Iterable[tuple[str, str, int]], story_id: str | None = None) -> StoryCandidate:
    terms = {word: 1.0 + math.log(count) for word, count in counts.items()}
    return StoryCandidate(doc_id, _aware(time), unit(entity_weights(entities)), unit(terms), story_id, dict(counts))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def candidate_from_article(article: EnrichedArticle, doc_id: str, ingested_at: datetime) -> StoryCandidate:
    """Publication time when known, else ingestion time: an undated article is news when it arrives."""
    text = f"{article.title}\n\n{article.body}" if article.title else article.body
    entities = [(e.name, e.type, e.count) for e in article.entities]
    return build_candidate(doc_id, article.published_at or ingested_at, text, entities, article.language.code)


def story_terms(candidate: StoryCandidate) -> str:
    """The content words as stored on the document (``story_terms``: "word word:2 …", a count only above 1), so an
    indexed article takes part in later story assignments without its body being fetched and tokenised again.
    Entities need nothing extra: ``entity_details`` holds name, type and count."""
    return " ".join(w if n == 1 else f"{w}:{n}" for w, n in sorted(candidate.counts.items()))


def parse_story_terms(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in text.split():
        word, _, count = item.partition(":")
        counts[word] = int(count) if count.isdigit() else 1
    return counts


def candidate_from_source(doc_id: str, source: Mapping[str, Any]) -> StoryCandidate | None:
    """The candidate of an indexed document (``_source`` of a hit); None when it has no stored ``story_terms``
    (indexed before the field existed: it is re-enriched by the next run, the pipeline version having changed)."""
    text = source.get("story_terms")
    if not isinstance(text, str):
        return None
    moment = source.get("published_at") or source.get("ingested_at") or "1970-01-01T00:00:00+00:00"
    entities = [(e["name"], e["type"], e["count"]) for e in source.get("entity_details") or []]
    return candidate_from_counts(doc_id, datetime.fromisoformat(moment), parse_story_terms(text), entities,
                                 source.get("story_id") or doc_id)


def unit(weights: Mapping[str, float]) -> dict[str, float]:
    """Scaled to length 1 once, so a cosine is a sum over shared keys."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {key: w / norm for key, w in weights.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Of two unit vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b[key] for key, weight in a.items() if key in b)


def story_score(a: StoryCandidate, b: StoryCandidate) -> float:
    """0 outside the time window; an article without entities is judged by its words alone."""
    if abs(a.time - b.time) > STORY_WINDOW:
        return 0.0
    terms = cosine(a.terms, b.terms)
    if not a.entities or not b.entities:
        return terms
    return ENTITY_WEIGHT * cosine(a.entities, b.entities) + (1.0 - ENTITY_WEIGHT) * terms


def best_story(candidate: StoryCandidate, nearby: Iterable[StoryCandidate],
               members: Mapping[str, Sequence[StoryCandidate]]) -> tuple[str, float] | None:
    """The story of the best-scoring nearby article at or above ``STORY_THRESHOLD``, provided the article also
    scores ``STORY_MEAN_THRESHOLD`` on average against that story's latest members: single links alone chain
    "Blair" → "Blair and Brown" → "Brown's Budget" into one giant story. Ties go to the smaller story id."""
    scores: dict[str, float] = {}
    best: dict[str, float] = {}
    for other in nearby:
        if other.doc_id == candidate.doc_id or other.story_id is None:
            continue
        score = scores[other.doc_id] = story_score(candidate, other)
        if score >= STORY_THRESHOLD and score > best.get(other.story_id, 0.0):
            best[other.story_id] = score
    for story, score in sorted(best.items(), key=lambda item: (-item[1], item[0])):
        group = members.get(story, ())[-STORY_SAMPLE:]
        total = sum(scores[m.doc_id] if m.doc_id in scores else story_score(candidate, m) for m in group)
        if group and total / len(group) >= STORY_MEAN_THRESHOLD:
            return story, score
    return None


def story_keys(candidate: StoryCandidate) -> list[str]:
    """Blocking keys, stored in ``story_keys``: two articles are compared only when they share
    ``MIN_SHARED_KEYS`` of them, in a batch and in the index lookup alike."""
    return list(candidate.keys)


def nearest(keys: Iterable[str], postings: Mapping[str, Collection[int]], total: int) -> list[int]:
    """The ``NEARBY`` earlier articles (their numbers in ``postings``, out of ``total``) sharing at least
    ``MIN_SHARED_KEYS`` keys, ranked by the summed rarity of the keys they share (as the index lookup ranks by
    BM25): a key every other article has ("UK", "government") says little. Bounded, so that scoring costs the same
    whether the pool is 10 articles or 10,000."""
    shared: Counter[int] = Counter()
    weight: dict[int, float] = {}
    for key in keys:
        found = postings.get(key, ())
        rarity = math.log(1.0 + total / len(found)) if found else 0.0
        for i in found:
            shared[i] += 1
            weight[i] = weight.get(i, 0.0) + rarity
    ranked = sorted((i for i, count in shared.items() if count >= MIN_SHARED_KEYS), key=lambda i: (-weight[i], i))
    return ranked[:NEARBY]


def assign_batch(batch: Sequence[StoryCandidate], indexed: Sequence[StoryCandidate],
                 near: Mapping[str, str] | None = None) -> dict[str, str]:
    """doc id → story id for a batch, in order: each article may join an indexed article's story or the story of
    an earlier article of the batch; only articles sharing a salient entity or term are compared (blocking).
    An article re-enriched keeps the story its indexed version has; a near-duplicate (``near``: doc id → canonical
    id) takes its canonical's story when the canonical is known."""
    near = near or {}
    assigned: dict[str, str] = {}
    seen: list[StoryCandidate] = []
    postings: dict[str, list[int]] = {}
    members: dict[str, list[StoryCandidate]] = {}

    def remember(candidate: StoryCandidate, keys: set[str]) -> None:
        for key in keys:
            postings.setdefault(key, []).append(len(seen))
        seen.append(candidate)
        members.setdefault(candidate.story_id or candidate.doc_id, []).append(candidate)

    for other in indexed:
        remember(other, set(story_keys(other)))
    stories = {c.doc_id: c.story_id for c in indexed if c.story_id}
    for candidate in batch:
        keys = set(story_keys(candidate))
        story = stories.get(candidate.doc_id) or stories.get(near.get(candidate.doc_id, ""))
        if story is None:
            nearby = [seen[i] for i in nearest(keys, postings, len(seen))]
            found = best_story(candidate, nearby, members)
            story = found[0] if found else candidate.doc_id
        assigned[candidate.doc_id] = stories[candidate.doc_id] = story
        remember(replace(candidate, story_id=story), keys)
    return assigned
