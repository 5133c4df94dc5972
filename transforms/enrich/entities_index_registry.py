"""The index's entity registry as pure functions: one entry per (type, key) with the forms seen, the
name shown, and the full name a short form was merged into.

``corpus_entities`` (``entities_registry``) applies the corpus rules to a corpus held in memory; a run
sees one batch at a time, so the registry keeps what earlier batches, runs and machines saw in the index
and this module decides, from a batch and the entries it touches, the names the batch's documents carry,
the entries to write, and the names older documents must change to. The choice depends on the counts
only (``display_name``), so any machine with the same registry decides the same.

Counts are article votes: an article shows one form per entity and votes once for it. An article
enriched again (its text changed, or a new pipeline version) votes again; the counts then lean towards
the forms of re-enriched articles, which changes a display name only when two forms are close.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import Field

from transforms.enrich.entities_keys import display_name, entity_key
from transforms.enrich.entities_links import acronym_of, initials, linker, merge_entities
from transforms.models import Entity, EntityType, Record

ACRONYM_TYPES = frozenset({"organization", "location", "group", "event"})
EntityId = tuple[EntityType, str]  # (type, key)


class RegistryEntry(Record):
    """One entity of the corpus as the registry holds it."""

    type: EntityType
    key: str
    name: str = Field(description="The display name every document shows for this (type, key).")
    forms: dict[str, int] = Field(description="Each surface form shown, with the articles that showed it.")
    articles: int = Field(ge=0)
    tails: list[str] = Field(default_factory=list, description=(
        "Short forms this full name answers to: a person's trailing names, an organisation's initials."))
    merged_into: str | None = Field(default=None, description="Key of the full name (same type) it links to.")


def entry_id(etype: str, key: str) -> str:
    """The registry document id of (type, key): stable, so every machine writes the same entry."""
    return hashlib.sha256(f"{etype}|{key}".encode()).hexdigest()[:32]


def tails_of(name: str, etype: EntityType) -> list[str]:
    """The short forms a full name may be written as: "Tony Blair" → ["Blair"], "European Union" → ["EU"]."""
    words = name.split()
    if len(words) < 2:
        return []
    if etype == "person":
        return [" ".join(words[cut:]) for cut in range(1, len(words))]
    return [initials(name)] if etype in ACRONYM_TYPES and len(initials(name)) >= 2 else []


def short_form(entity: Entity) -> str | None:
    """What a single-word person name or an acronym is looked up under among full names' tails."""
    if entity.type == "person" and len(entity.name.split()) == 1:
        return entity.name
    return acronym_of(entity.name) if entity.type in ACRONYM_TYPES else None


@dataclass(frozen=True, slots=True)
class RegistryUpdate:
    """What one batch does to the registry and to the documents."""

    articles: list[list[Entity]]  # every article's entities under the registry's names
    entries: list[RegistryEntry]  # entries to write (new or changed)
    renames: dict[EntityId, tuple[str, str]]  # (type, old key) in older documents → (new key, new name)
    linked: int  # entities of the batch linked to a full name known to the corpus


def registry_update(per_article: Sequence[Sequence[Entity]], known: Mapping[EntityId, RegistryEntry]) -> RegistryUpdate:
    """The registry's decision for a batch. ``known`` holds the entries of the batch's keys, the full names
    whose tails are the batch's short forms, the short forms the batch's full names answer to, and the targets
    of merged entries (``wanted_lookups`` says which); entries not in it are new."""
    full = _full_names(per_article, known)
    merged = [[_follow(e, known) for e in entities] for entities in per_article]
    link = linker(full)
    linked = [link(entities) for entities in merged]
    linked_count = sum(len({e.name for e in before} - {e.name for e in after})
                       for before, after in zip(merged, linked, strict=True))
    votes: dict[EntityId, Counter[str]] = {}
    for entities in linked:
        for e in entities:
            votes.setdefault((e.type, e.key), Counter())[e.name] += 1
    entries = {eid: _voted(known.get(eid), eid, forms) for eid, forms in votes.items()}
    renames = {eid: (eid[1], entry.name) for eid, entry in entries.items()
               if (old := known.get(eid)) is not None and old.name != entry.name}
    for eid, entry in _absorbed(known, link, entries).items():
        entries[eid] = entry
        target = entries.get((entry.type, entry.merged_into or "")) or known[(entry.type, entry.merged_into or "")]
        renames[eid] = (target.key, target.name)
    names = {eid: entry.name for eid, entry in entries.items()}
    result = [merge_entities([_named(e, names) for e in entities]) for entities in linked]
    return RegistryUpdate(result, list(entries.values()), renames, linked_count)


def wanted_lookups(per_article: Sequence[Sequence[Entity]]) -> tuple[set[EntityId], set[tuple[EntityType, str]]]:
    """What the caller fetches before ``registry_update``: the entries of the batch's (type, key)s (including
    the keys of the batch's tails, which may be short forms on their own), and the (type, short form)s
    whose full names are looked up by tail."""
    ids: set[EntityId] = set()
    shorts: set[tuple[EntityType, str]] = set()
    for entities in per_article:
        for e in entities:
            ids.add((e.type, e.key))
            ids.update((e.type, entity_key(tail, e.type)) for tail in tails_of(e.name, e.type))
            if (form := short_form(e)) is not None:
                shorts.add((e.type, form))
    return ids, shorts


def renamed(entities: Sequence[Entity], renames: Mapping[EntityId, tuple[str, str]]) -> list[Entity]:
    """An older document's entities after the registry renamed or merged some of its keys."""
    changed = [e if (e.type, e.key) not in renames else
               e.model_copy(update={"key": renames[(e.type, e.key)][0], "name": renames[(e.type, e.key)][1]})
               for e in entities]
    return merge_entities(changed)


def _full_names(per_article: Sequence[Sequence[Entity]], known: Mapping[EntityId, RegistryEntry]
                ) -> Counter[tuple[EntityType, str]]:
    """(type, full name) → articles, from the registry and the batch: what a short form may link to."""
    full: Counter[tuple[EntityType, str]] = Counter()
    for entry in known.values():
        if entry.merged_into is None and len(entry.name.split()) > 1:
            full[(entry.type, entry.name)] += entry.articles
    for entities in per_article:
        for e in entities:
            if len(e.name.split()) > 1:
                name = known[(e.type, e.key)].name if (e.type, e.key) in known else e.name
                full[(e.type, name)] += 1
    return full


def _follow(entity: Entity, known: Mapping[EntityId, RegistryEntry]) -> Entity:
    """A short form the registry already merged goes to its full name."""
    entry = known.get((entity.type, entity.key))
    if entry is None or entry.merged_into is None or (entity.type, entry.merged_into) not in known:
        return entity
    target = known[(entity.type, entry.merged_into)]
    return entity.model_copy(update={"key": target.key, "name": target.name})


def _voted(old: RegistryEntry | None, eid: EntityId, votes: Counter[str]) -> RegistryEntry:
    forms = Counter(old.forms if old else {}) + votes
    name = display_name(forms)
    return RegistryEntry(type=eid[0], key=eid[1], name=name, forms=dict(forms),
                         articles=(old.articles if old else 0) + sum(votes.values()),
                         tails=tails_of(name, eid[0]), merged_into=old.merged_into if old else None)


def _absorbed(known: Mapping[EntityId, RegistryEntry], link: Callable[[Iterable[Entity]], list[Entity]],
              entries: Mapping[EntityId, RegistryEntry]) -> dict[EntityId, RegistryEntry]:
    """Short-form entries of earlier batches that a full name now dominates, marked merged into it."""
    absorbed: dict[EntityId, RegistryEntry] = {}
    for eid, entry in {**known, **entries}.items():
        if entry.merged_into is not None or len(entry.name.split()) != 1:
            continue
        probe = Entity(name=entry.name, type=entry.type, count=1, first_offset=0, key=entry.key,
                       mentions=[entry.name], spans=[])
        [linked] = link([probe])
        target = (linked.type, linked.key)
        if linked.name != entry.name and target != eid and (target in entries or target in known):
            absorbed[eid] = entry.model_copy(update={"merged_into": linked.key})
    return absorbed


def _named(entity: Entity, names: Mapping[EntityId, str]) -> Entity:
    name = names.get((entity.type, entity.key), entity.name)
    return entity if name == entity.name else entity.model_copy(update={"name": name})


__all__ = ["RegistryEntry", "RegistryUpdate", "entry_id", "registry_update", "renamed", "short_form", "tails_of",
           "wanted_lookups"]
