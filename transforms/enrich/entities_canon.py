"""Fold the raw mentions of one article into entities: one per real-world thing, under its full name.

The small model is noisy in predictable ways: it glues possessives, quotes and titles onto names, labels
a bare surname ORG or NORP once it has said PERSON for the full name, and types the same string
differently from one sentence to the next. Each rule below undoes one of those habits using only
evidence from the same article; nothing here knows any particular name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.enrich.entities_keys import display_name, entity_key
from transforms.enrich.entities_languages import ENGLISH_RULES, EntityRules
from transforms.enrich.entities_links import link_acronyms
from transforms.enrich.entities_recognise import Mention
from transforms.enrich.entities_repeat import propagate
from transforms.enrich.entities_spans import extend_given_names
from transforms.enrich.entities_titles import is_title_word, strip_title_run
from transforms.enrich.entities_types import correct_types
from transforms.models import Entity, EntityType, Span

LABEL_TO_TYPE: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
    "NORP": "group",
    "EVENT": "event",
    "PRODUCT": "product",
    "WORK_OF_ART": "work",
    "LAW": "law",
}
# Types that take a dropped leading article: "the Pentagon" is Pentagon, "the Six Nations" Six Nations, but "The
# Hobbit" stays whole.
_ARTICLE_TYPES = frozenset({"organization", "location", "event", "group"})
# Types a bare surname gets mislabelled with; a place name (Washington, Jordan) is left alone.
_SURNAME_CONFUSIONS = frozenset({"organization", "group"})

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LEADING_JUNK = re.compile(r"^[\s\"“”‘'’«‹(\[{<*•·\-–—:;,.]+")
# No period here: spaCy detaches a sentence's full stop, so a final "." belongs to "U.S." or "Inc.".
_TRAILING_JUNK = re.compile(r"[\s\"“”‘’'»›)\]}>*•·\-–—:;,!?]+$")
_POSSESSIVE = re.compile(r"\s?['’ʼ][sS]$")
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A mention after trimming: ``name`` is its whitespace-normalised surface form."""

    name: str
    type: EntityType
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ArticleEntities:
    """The entities of one article and how often each type-correction rule changed a span on the way."""

    entities: list[Entity]
    corrections: Counter[str]


def canonicalise(mentions: Sequence[Mention], text: str, rules: EntityRules = ENGLISH_RULES) -> list[Entity]:
    """All mentions of one article folded into entities, most mentioned first."""
    return analyse(mentions, text, rules).entities


def analyse(mentions: Sequence[Mention], text: str, rules: EntityRules = ENGLISH_RULES) -> ArticleEntities:
    """Every rule of the stage over one article's raw mentions (in OntoNotes labels): spans, types, repeats, then
    folding; ``rules`` says which language-bound rules run (``entities_languages``)."""
    refined, corrections = refine_article(mentions, text, rules)
    cleaned = [_as_cleaned(m) for m in refined]
    majority = _majority_types(cleaned)
    roots = link_acronyms(cleaned, majority, _link_person_names(cleaned, majority))
    linked = [_relink(c, roots, majority) for c in cleaned]
    return ArticleEntities(_build_entities(linked, cleaned), corrections)


TYPE_TO_LABEL: dict[EntityType, str] = {
    "person": "PERSON", "organization": "ORG", "location": "GPE", "group": "NORP", "event": "EVENT",
    "product": "PRODUCT", "work": "WORK_OF_ART", "law": "LAW",
}  # fmt: skip


def entity_mentions(mentions: Sequence[Mention], text: str, rules: EntityRules = ENGLISH_RULES) -> list[Mention]:
    """Every span of every entity of the article with its entity's final type, in text order: what the
    full pipeline says about each span, for scoring it against span-level gold annotations."""
    found = [
        Mention(text[s.start : s.end], TYPE_TO_LABEL[e.type], s.start, s.end)
        for e in analyse(mentions, text, rules).entities
        for s in e.spans
    ]
    return sorted(found, key=lambda m: m.start)


def refine_article(
    mentions: Sequence[Mention], text: str, rules: EntityRules = ENGLISH_RULES
) -> tuple[list[Mention], Counter[str]]:
    """The per-mention rules, the counted type corrections, then the unlabelled repeats of what is left."""
    corrected, corrections = correct_types(refine_spans(mentions, text, rules), text, rules.type_rules)
    kept = [m for m in corrected if m.label in LABEL_TO_TYPE]
    repeated = propagate(kept, text, frozenset(LABEL_TO_TYPE))
    return [t for m in repeated if (t := trim_mention(m, text, rules))], corrections


def refine_spans(mentions: Sequence[Mention], text: str, rules: EntityRules = ENGLISH_RULES) -> list[Mention]:
    """The raw mentions with repaired boundaries and labels, in text order, unwanted labels dropped:
    what the spans of an article look like after every rule that works on one mention at a time."""
    ordered = sorted(mentions, key=lambda m: m.start)
    repaired = extend_given_names(ordered, text) if rules.given_names else ordered
    return [t for m in repaired if (t := trim_mention(m, text, rules))]


def trim_mention(mention: Mention, text: str, rules: EntityRules = ENGLISH_RULES) -> Mention | None:
    """Trim one raw mention to the name it carries (label PERSON if a title shows it is one), or None
    when its label is not one we keep or nothing name-like is left."""
    etype = LABEL_TO_TYPE.get(mention.label)
    if etype is None or _PARAGRAPH_BREAK.search(mention.text):
        return None
    start, surface = _trim(mention.start, mention.text)
    if etype in _ARTICLE_TYPES and rules.leading_the:
        start, surface = _drop_match(start, surface, _LEADING_ARTICLE)
    if rules.titles:
        start, surface, etype = _fold_titles(start, surface, etype, text)
    if rules.titles and etype == "person" and all(is_title_word(word) for word in surface.split()):
        return None  # "President" alone names nobody in particular
    if not any(ch.isupper() or ch.isdigit() for ch in surface):
        return None
    label = "PERSON" if etype == "person" else mention.label
    return Mention(surface, label, start, start + len(surface))


def clean_mention(mention: Mention, text: str, rules: EntityRules = ENGLISH_RULES) -> Cleaned | None:
    """One mention as canonicalisation sees it: trimmed, whitespace-normalised and typed."""
    trimmed = trim_mention(mention, text, rules)
    return None if trimmed is None else _as_cleaned(trimmed)


def _as_cleaned(trimmed: Mention) -> Cleaned:
    return Cleaned(" ".join(trimmed.text.split()), LABEL_TO_TYPE[trimmed.label], trimmed.start, trimmed.end)


def _trim(start: int, surface: str) -> tuple[int, str]:
    """Strip surrounding quotes, brackets, punctuation and possessives until nothing changes."""
    while True:
        before = surface
        start, surface = _drop_match(start, surface, _LEADING_JUNK)
        surface = _POSSESSIVE.sub("", _TRAILING_JUNK.sub("", surface))
        if surface == before:
            return start, surface


def _drop_match(start: int, surface: str, pattern: re.Pattern[str]) -> tuple[int, str]:
    match = pattern.match(surface)
    if match is None or match.end() == len(surface):
        return start, surface
    return start + match.end(), surface[match.end() :]


def _fold_titles(start: int, surface: str, etype: EntityType, text: str) -> tuple[int, str, EntityType]:
    """Fold "Defense Secretary Lloyd Austin" to "Lloyd Austin"; a title before or inside the span makes
    it a person ("Mr. Dietz" that the model called ORG)."""
    strict = etype != "person"
    cut = strip_title_run(surface, abbreviations_only=strict)
    if cut:
        return start + cut, surface[cut:], "person"
    if strict and _title_precedes(text, start) and _looks_like_name(surface):
        return start, surface, "person"
    return start, surface, etype


def _title_precedes(text: str, start: int) -> bool:
    match = re.search(r"(\S+)[ \t]+$", text[max(0, start - 40) : start])
    return match is not None and is_title_word(match.group(1))


def _looks_like_name(surface: str) -> bool:
    words = surface.split()
    return 1 <= len(words) <= 3 and all(word[:1].isupper() for word in words)


def _majority_types(cleaned: Sequence[Cleaned]) -> dict[str, EntityType]:
    """Per name, the type most of its mentions got; on a tie the type seen first wins."""
    by_name: dict[str, Counter[EntityType]] = {}
    for c in cleaned:
        by_name.setdefault(c.name, Counter())[c.type] += 1
    # Counter keeps insertion order and max() returns the first maximum: the earliest type wins ties.
    return {name: max(counts, key=lambda t: counts[t]) for name, counts in by_name.items()}


def _link_person_names(cleaned: Sequence[Cleaned], majority: dict[str, EntityType]) -> dict[str, str]:
    """Map each short name to the one longer person name containing it; ambiguous names map to
    themselves. Longest names are settled first so "Kim" → "Kim Jong" → "Kim Jong Un" collapses."""
    names = sorted({c.name for c in cleaned}, key=lambda n: -len(n.split()))
    roots: dict[str, str] = {}
    # Person names under each of their words: a short form shares its first word with every name it is part of,
    # so only those are compared (comparing all pairs took 40 s on a list of 6,000 names).
    persons_by_word: dict[str, list[str]] = {}
    for name in names:
        etype = majority[name]
        words = name.split()
        sharing = persons_by_word.get(words[0], []) if words else []
        candidates = {roots[p] for p in sharing if _is_short_form(name, p, last_only=etype != "person")}
        if etype == "person" or (etype in _SURNAME_CONFUSIONS and len(words) == 1):
            roots[name] = candidates.pop() if len(candidates) == 1 else name
        else:
            roots[name] = name
        if etype == "person":
            for word in dict.fromkeys(words):
                persons_by_word.setdefault(word, []).append(name)
    return roots


def _is_short_form(short: str, full: str, *, last_only: bool) -> bool:
    """True when ``short``'s words are a contiguous run of ``full``'s (only its last word if last_only)."""
    small, big = short.split(), full.split()
    if len(small) >= len(big):
        return False
    if last_only:
        return small == big[-1:]
    return any(big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1))


def _relink(c: Cleaned, roots: dict[str, str], majority: dict[str, EntityType]) -> Cleaned:
    root = roots[c.name]
    return Cleaned(root, majority[root], c.start, c.end)


def _build_entities(linked: Sequence[Cleaned], surfaces: Sequence[Cleaned]) -> list[Entity]:
    """One entity per (type, key): "Kim Jong-un" and "Kim Jong Un" in one article are one entity, shown
    under the display name its full forms' counts choose."""
    groups: dict[tuple[EntityType, str], list[int]] = {}
    for index, c in enumerate(linked):
        groups.setdefault((c.type, entity_key(c.name, c.type)), []).append(index)
    entities = []
    for idx in groups.values():
        name = display_name(Counter(linked[i].name for i in idx))
        entities.append(_entity(name, [linked[i] for i in idx], [surfaces[i] for i in idx]))
    return sorted(entities, key=lambda e: (-e.count, e.first_offset))


def _entity(name: str, linked: Sequence[Cleaned], surfaces: Sequence[Cleaned]) -> Entity:
    ordered = sorted(surfaces, key=lambda c: c.start)
    return Entity(
        name=name,
        key=entity_key(name, linked[0].type),
        type=linked[0].type,
        count=len(linked),
        first_offset=ordered[0].start,
        mentions=list(dict.fromkeys(c.name for c in ordered)),
        spans=[Span(start=c.start, end=c.end) for c in ordered],
    )
