"""The index's entity registry as pure functions: one entry per (type, key) with the forms seen, the
name shown, and the full name a short form was merged into.

``corpus_entities`` (``entities_registry``) applies the corpus rules to a corpus held in memory; a run
sees one batch at a time, so the registry keeps what earlier batches, runs and machines saw in the index
and this module decides, from a batch and the entries it touches, the names the batch's documents carry,
the entries to write, and the names older documents must change to. The choice depends on the counts
only (``display_name``), so any machine with the same registry decides the same.

Counts are article votes, kept exact: an article shows one form per entity and votes once for it, and
the registry remembers each document's votes (``Votes``), so an article written again (a retried batch,
a rebuild, a changed text) moves its votes rather than adding them, and a deleted document takes its
votes back. A batch's effect on an entry is a ``Change`` (votes added and removed, a merge), applied to
whatever the entry holds when it is written: a writer that lost a race applies the same change again to
the entry as the other writer left it, never the whole batch.
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
        return [" ".join(words[cut:]) for cut in range(max(1, len(words) - MAX_TAIL_WORDS), len(words))]
    return [initials(name)] if etype in ACRONYM_TYPES and len(initials(name)) >= 2 else []


def short_form(entity: Entity) -> str | None:
    """What a single-word person name or an acronym is looked up under among full names' tails."""
    if entity.type == "person" and len(entity.name.split()) == 1:
        return entity.name
    return acronym_of(entity.name) if entity.type in ACRONYM_TYPES else None


Votes = dict[EntityId, str]  # one document's votes: the name it shows for each of its entities
MAX_REGISTERED_CHARS = 200  # a longer "name" is the model's accident: shown as found, never registered
MAX_TAIL_WORDS = 8  # a person's tails are every trailing run of its words: quadratic, so bounded


@dataclass(frozen=True, slots=True)
class Change:
    """What one batch does to one entry: form votes added (positive) and taken back (negative), and, for a
    short form a full name now dominates, the key it merges into."""

    eid: EntityId
    votes: Counter[str]
    articles: int
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryUpdate:
    """What one batch does to the registry and to the documents."""

    articles: list[list[Entity]]  # every article's entities under the registry's names
    entries: list[RegistryEntry]  # the entries as they will be written, from the entries read
    renames: dict[EntityId, tuple[str, str]]  # (type, old key) in older documents → (new key, new name)
    linked: int  # entities of the batch linked to a full name known to the corpus
    changes: list[Change]  # to apply again to an entry another writer changed meanwhile
    votes: list[Votes]  # each article's votes, to remember for the next time it is written


def registry_update(per_article: Sequence[Sequence[Entity]], known: Mapping[EntityId, RegistryEntry],
                    previous: Sequence[Votes | None] | None = None) -> RegistryUpdate:
    """The registry's decision for a batch. ``known`` holds the entries of the batch's keys, the full names
    whose tails are the batch's short forms, the short forms the batch's full names answer to, and the targets
    of merged entries (``wanted_lookups`` says which); entries not in it are new. ``previous`` holds, per
    article, the votes its document cast when it was last written (None: never)."""
    previous = previous if previous is not None else [None] * len(per_article)
    full = _full_names(per_article, known)
    merged = [[_follow(e, known) for e in entities] for entities in per_article]
    link = linker(full)
    linked = [link(entities) for entities in merged]
    linked_count = sum(len({e.name for e in before} - {e.name for e in after})
                       for before, after in zip(merged, linked, strict=True))
    votes = [{(e.type, e.key): e.name for e in entities if registered(e)} for entities in linked]
    changes = _vote_changes(votes, previous)
    # A merged short form's documents show its full name, so the full name counts them: a vote taken back
    # from a merged entry (its document rewritten or deleted) is taken from the full name too.
    changes += [Change((c.eid[0], target), Counter(), c.articles) for c in changes
                if (target := _merged_into(known, c.eid)) is not None and c.articles]
    absorbed = _absorbed(known, link, _entries(changes, known))
    for eid, entry in absorbed.items():
        changes = [Change(c.eid, c.votes, c.articles, entry.merged_into) if c.eid == eid else c for c in changes]
        if not any(c.eid == eid for c in changes):
            changes.append(Change(eid, Counter(), 0, entry.merged_into))
        changes.append(Change((eid[0], entry.merged_into or ""), Counter(), entry.articles))  # its documents move
    changes = combined(changes)
    entries = _entries(changes, known)
    renames = renames_between(known, entries)
    names = {eid: entry.name for eid, entry in entries.items()}
    result = [merge_entities([_named(e, names) for e in entities]) for entities in linked]
    return RegistryUpdate(result, list(entries.values()), renames, linked_count, changes, votes)


def combined(changes: Sequence[Change]) -> list[Change]:
    """One change per entry: the votes and article counts summed, a merge kept. A writer that lost a race applies
    the whole of it again, so it must be whole."""
    by_eid: dict[EntityId, Change] = {}
    for c in changes:
        old = by_eid.get(c.eid)
        by_eid[c.eid] = c if old is None else Change(c.eid, _summed(old, c),
                                                       old.articles + c.articles, old.merged_into or c.merged_into)
    return list(by_eid.values())


def _summed(one: Change, two: Change) -> Counter[str]:
    votes = Counter(one.votes)
    votes.update(two.votes)  # update, not +: negative votes (taken back) must survive the sum
    return votes


def _entries(changes: Sequence[Change], known: Mapping[EntityId, RegistryEntry]) -> dict[EntityId, RegistryEntry]:
    """Every changed entry after its changes (several changes of one entry apply in turn)."""
    entries: dict[EntityId, RegistryEntry] = {}
    for change in changes:
        old = entries.get(change.eid, known.get(change.eid))
        if (entry := applied(change, old)) is not None:
            entries[change.eid] = entry
    return entries


def _merged_into(known: Mapping[EntityId, RegistryEntry], eid: EntityId) -> str | None:
    entry = known.get(eid)
    return entry.merged_into if entry is not None else None


def registered(entity: Entity) -> bool:
    return len(entity.name) <= MAX_REGISTERED_CHARS


def _vote_changes(votes: Sequence[Votes], previous: Sequence[Votes | None]) -> list[Change]:
    """The batch's votes less what its documents voted before: zero for a document written again unchanged."""
    forms: dict[EntityId, Counter[str]] = {}
    articles: Counter[EntityId] = Counter()
    for now, before in zip(votes, previous, strict=True):
        for eid, name in now.items():
            forms.setdefault(eid, Counter())[name] += 1
            articles[eid] += 1
        for eid, name in (before or {}).items():
            forms.setdefault(eid, Counter())[name] -= 1
            articles[eid] -= 1
    return [Change(eid, Counter({k: v for k, v in counts.items() if v}), articles[eid])
            for eid, counts in forms.items() if any(counts.values()) or articles[eid]]


def applied(change: Change, old: RegistryEntry | None) -> RegistryEntry | None:
    """The entry after the change (None: a change that takes votes from an entry that is not there)."""
    forms = Counter(old.forms if old else {})
    forms.update(change.votes)
    forms = Counter({form: n for form, n in forms.items() if n > 0})
    if old is None and not forms:
        return None
    name = display_name(forms) if forms else old.name if old else ""
    merged = change.merged_into or (old.merged_into if old else None)
    return RegistryEntry(type=change.eid[0], key=change.eid[1], name=name, forms=dict(forms),
                         articles=max(0, (old.articles if old else 0) + change.articles),
                         tails=tails_of(name, change.eid[0]), merged_into=merged)


def renames_between(before: Mapping[EntityId, RegistryEntry], after: Mapping[EntityId, RegistryEntry]
                    ) -> dict[EntityId, tuple[str, str]]:
    """What older documents must change to: a new display name, or the full name a short form merged into."""
    renames: dict[EntityId, tuple[str, str]] = {}
    for eid, entry in after.items():
        target = after.get((entry.type, entry.merged_into or "")) or before.get((entry.type, entry.merged_into or ""))
        if entry.merged_into and target is not None:
            renames[eid] = (target.key, target.name)
        elif (old := before.get(eid)) is not None and old.name != entry.name:
            renames[eid] = (eid[1], entry.name)
    return renames


def wanted_lookups(per_article: Sequence[Sequence[Entity]]) -> tuple[set[EntityId], set[tuple[EntityType, str]]]:
    """What the caller fetches before ``registry_update``: the entries of the batch's (type, key)s (including
    the keys of the batch's tails, which may be short forms on their own), and the (type, short form)s
    whose full names are looked up by tail."""
    ids: set[EntityId] = set()
    shorts: set[tuple[EntityType, str]] = set()
    for entities in per_article:
        for e in entities:
            ids.add((e.type, e.key))
            tails = tails_of(e.name, e.type)
            ids.update((e.type, entity_key(tail, e.type)) for tail in tails)
            shorts.update((e.type, tail) for tail in tails)  # the other full names a short form may mean
            if (form := short_form(e)) is not None:
                shorts.add((e.type, form))
    return ids, shorts


def renamed(entities: Sequence[Entity], renames: Mapping[EntityId, tuple[str, str]]) -> list[Entity]:
    """An older document's entities after the registry renamed or merged some of its keys (a merge into a full
    name that was itself renamed since is followed to its end)."""
    return merge_entities([_renamed_one(e, renames) for e in entities])


def _renamed_one(entity: Entity, renames: Mapping[EntityId, tuple[str, str]]) -> Entity:
    key, name = entity.key, entity.name
    for _ in range(len(renames) + 1):
        target = renames.get((entity.type, key))
        if target is None or target == (key, name):
            break
        key, name = target
    return entity if (key, name) == (entity.key, entity.name) else entity.model_copy(update={"key": key, "name": name})


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


__all__ = ["Change", "RegistryEntry", "RegistryUpdate", "Votes", "applied", "entry_id", "registry_update", "renamed",
           "renames_between", "short_form", "tails_of", "wanted_lookups"]
