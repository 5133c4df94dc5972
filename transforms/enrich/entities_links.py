"""Short forms linked to full names: acronyms within an article, and surnames or acronyms against the
full names a story or the whole corpus knows.

An article that says "Blair" without "Tony Blair" gets a facet value of its own, and the corpus then
has two buckets for one man; the same for "EU" and "European Union". Inside an article the evidence
is the article's own full names. Across articles the caller (the story or the index's entity registry)
passes the full names it knows with how often each was seen, and a short form links to the one
candidate that dominates: never to one of two equally likely Browns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

from transforms.models import Entity, EntityType, Span

_ACRONYM_TYPES = frozenset({"organization", "location", "group", "event"})
_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "&"})
DOMINANCE = 3.0  # a candidate must be seen this many times more often than the next one to win


class Named(Protocol):
    @property
    def name(self) -> str: ...


def initials(name: str) -> str:
    """"European Union" → "EU", "United States of America" → "USA" (function words skipped)."""
    words = name.replace("-", " ").split()
    return "".join(w[0] for w in words if w.casefold() not in _FUNCTION_WORDS and w[:1].isupper())


def acronym_of(name: str) -> str | None:
    """The letters of an acronym ("EU", "U.N.") or None for anything else."""
    letters = name.replace(".", "")
    return letters if 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper() else None


def link_acronyms(
    cleaned: Sequence[Named], majority: Mapping[str, EntityType], roots: dict[str, str]
) -> dict[str, str]:
    """``roots`` with each acronym pointing at the one full name of its type in the article it abbreviates."""
    full_by_initials: dict[tuple[EntityType, str], set[str]] = {}
    for name in {c.name for c in cleaned}:
        if majority[name] in _ACRONYM_TYPES and len(name.split()) > 1:
            full_by_initials.setdefault((majority[name], initials(name)), set()).add(roots[name])
    linked = dict(roots)
    for name, root in roots.items():
        letters = acronym_of(name)
        if letters is None or root != name:
            continue
        found = full_by_initials.get((majority[name], letters), set())
        if len(found) == 1:
            linked[name] = found.pop()
    return linked


def link_known(entities: Iterable[Entity], known: Mapping[tuple[EntityType, str], int]) -> list[Entity]:
    """Entities whose name is a short form of a dominant known full name of the same type, renamed to it
    (and merged with the article's own entity of that name, if any). ``known`` maps (type, full name)
    to how often it was seen, e.g. in the story or the corpus; a short form is a person's surname or
    trailing run of names ("Blair", "W Bush"), or an acronym of an organisation or place."""
    return linker(known)(entities)


def linker(known: Mapping[tuple[EntityType, str], int]) -> Callable[[Iterable[Entity]], list[Entity]]:
    """``link_known`` with the full names indexed once, for linking many articles against one ``known``."""
    index = _index_known(known)

    def link(entities: Iterable[Entity]) -> list[Entity]:
        return _merge([_renamed(e, index, known) for e in entities])

    return link


def _index_known(known: Mapping[tuple[EntityType, str], int]) -> dict[tuple[EntityType, str], list[str]]:
    index: dict[tuple[EntityType, str], list[str]] = {}
    for (etype, name), _ in known.items():
        words = name.split()
        if etype == "person" and len(words) > 1:
            for cut in range(1, len(words)):
                index.setdefault((etype, " ".join(words[cut:])), []).append(name)
        elif etype in _ACRONYM_TYPES and len(words) > 1:
            index.setdefault((etype, initials(name)), []).append(name)
    return index


def _renamed(
    entity: Entity, index: Mapping[tuple[EntityType, str], list[str]], known: Mapping[tuple[EntityType, str], int]
) -> Entity:
    lookup = entity.name if entity.type == "person" else acronym_of(entity.name)
    if lookup is None:
        return entity
    candidates = sorted(index.get((entity.type, lookup), []), key=lambda n: (-known[(entity.type, n)], n))
    if not candidates:
        return entity
    best = known[(entity.type, candidates[0])]
    runner_up = known[(entity.type, candidates[1])] if len(candidates) > 1 else 0
    itself = known.get((entity.type, entity.name), 0)  # "Gordon Brown" is no short form of "X Gordon Brown"
    if best < DOMINANCE * max(runner_up, itself):
        return entity
    return entity.model_copy(update={"name": candidates[0], "key": _key(candidates[0], entity.type)})


def corpus_types(votes: Mapping[tuple[str, EntityType], int], share: float = 2 / 3) -> dict[str, EntityType]:
    """Per key, the type most of the corpus gives it, when it has at least ``share`` of the votes: the
    registry's answer to an article where the model called Yukos or Labour a person."""
    by_key: dict[str, dict[EntityType, int]] = {}
    for (key, etype), n in votes.items():
        by_key.setdefault(key, {})[etype] = by_key.get(key, {}).get(etype, 0) + n
    types: dict[str, EntityType] = {}
    for key, counts in by_key.items():
        etype, n = max(sorted(counts.items()), key=lambda kv: kv[1])
        if n >= share * sum(counts.values()):
            types[key] = etype
    return types


def retype_known(entities: Iterable[Entity], types: Mapping[str, EntityType]) -> tuple[list[Entity], int]:
    """Entities given their key's corpus type, and how many changed."""
    result, changed = [], 0
    for e in entities:
        etype = types.get(e.key, e.type)
        changed += etype != e.type
        result.append(e if etype == e.type else e.model_copy(update={"type": etype, "key": _key(e.name, etype)}))
    return _merge(result), changed


def _key(name: str, etype: EntityType) -> str:
    from transforms.enrich.entities_keys import entity_key

    return entity_key(name, etype)


def merge_entities(entities: Sequence[Entity]) -> list[Entity]:
    """Entities of one (type, key) folded into one: after a rename or a link, an article shows each once."""
    return _merge(entities)


def _merge(entities: Sequence[Entity]) -> list[Entity]:
    groups: dict[tuple[str, str], list[Entity]] = {}
    for e in entities:
        groups.setdefault((e.type, e.key), []).append(e)
    merged = [group[0] if len(group) == 1 else _merged(group) for group in groups.values()]
    return sorted(merged, key=lambda e: (-e.count, e.first_offset))


def _merged(group: Sequence[Entity]) -> Entity:
    full = max(group, key=lambda e: (len(e.name.split()), e.count))
    spans = sorted((s for e in group for s in e.spans), key=lambda s: s.start)
    forms = [m for e in sorted(group, key=lambda e: e.first_offset) for m in e.mentions]
    return full.model_copy(update={
        "count": sum(e.count for e in group), "first_offset": min(e.first_offset for e in group),
        "mentions": list(dict.fromkeys(forms)), "spans": [Span(start=s.start, end=s.end) for s in spans],
    })  # fmt: skip


__all__ = ["DOMINANCE", "acronym_of", "corpus_types", "initials", "link_acronyms", "link_known", "linker",
           "merge_entities", "retype_known"]
