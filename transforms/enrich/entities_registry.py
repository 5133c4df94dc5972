"""What the corpus knows about names, applied to every article's entities: the registry's rules as one
pure function, so that the facet measure, the tests and (later) the index's registry agree.

One article alone cannot know that its "Blair" is the corpus's "Tony Blair", that its "Labour"
labelled a person is an organisation in nine articles out of ten, or that "Kim Jong-un" is written
"Kim Jong Un" everywhere else. Given the entities of many articles, each entity is retyped to its
key's corpus type (when most of the corpus agrees), a short form is linked to the dominant full name
of its type, and every (type, key) is shown under one display name chosen from the corpus's counts.
The result depends on the counts only, not on the order of the articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transforms.enrich.entities_keys import display_name
from transforms.enrich.entities_links import corpus_types, link_known, retype_known
from transforms.models import Entity, EntityType


@dataclass(frozen=True, slots=True)
class CorpusEntities:
    """Every article's entities after the corpus rules, and how many entities each rule changed."""

    articles: list[list[Entity]]
    retyped: int
    linked: int
    renamed: int


def corpus_entities(per_article: Sequence[Sequence[Entity]]) -> CorpusEntities:
    """The corpus rules over the entities of every article (see the module docstring)."""
    votes: Counter[tuple[str, EntityType]] = Counter()
    for entities in per_article:
        votes.update((e.key, e.type) for e in entities)
    types = corpus_types(votes)
    retyped_count, retyped = 0, []
    for entities in per_article:
        changed, n = retype_known(entities, types)
        retyped.append(changed)
        retyped_count += n
    known: Counter[tuple[EntityType, str]] = Counter()
    for entities in retyped:
        known.update((e.type, e.name) for e in entities if len(e.name.split()) > 1)
    linked = [link_known(entities, known) for entities in retyped]
    linked_count = sum(len(_names(a) - _names(b)) for a, b in zip(retyped, linked, strict=True))
    forms: dict[tuple[EntityType, str], Counter[str]] = {}
    for entities in linked:  # one vote per article for the name it shows, as a facet counts articles
        for e in entities:
            forms.setdefault((e.type, e.key), Counter())[e.name] += 1
    names = {k: display_name(c) for k, c in forms.items()}
    result = [[_named(e, names[(e.type, e.key)]) for e in entities] for entities in linked]
    renamed = sum(e.name != names[(e.type, e.key)] for entities in linked for e in entities)
    return CorpusEntities(result, retyped_count, linked_count, renamed)


def _names(entities: Sequence[Entity]) -> set[str]:
    return {e.name for e in entities}


def _named(entity: Entity, name: str) -> Entity:
    return entity if entity.name == name else entity.model_copy(update={"name": name})


__all__ = ["CorpusEntities", "corpus_entities"]
