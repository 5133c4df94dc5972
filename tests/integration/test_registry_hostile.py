"""A hostile tester's attacks on the entity registry in the index (``<alias>-entities``): concurrent writers,
retries, refresh windows, lookup limits, a registry in a bad state, rebuilds and prunes. A test marked ``xfail``
(strict) fails today: it flips to a pass when the break is fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.index import entity_registry
from flows.index.entity_registry import Versioned, lookup, name_batch, registry_entries, write_entries
from flows.ingest import tasks
from flows.ingest.flow import IngestOptions, ingest
from transforms.enrich.entities_index_registry import (
    MAX_REGISTERED_CHARS,
    EntityId,
    RegistryEntry,
    registry_update,
    tails_of,
)
from transforms.enrich.entities_keys import entity_key
from transforms.models import EnrichedArticle, Entity, EntityType, Span

pytestmark = [pytest.mark.integration]

HYPHEN = ("North Korean leader Kim Jong-un inspected a missile factory in Pyongyang on Monday, state media said. "
          "Kim Jong-un told engineers to double output.\n\nOfficials in Seoul said the visit was a message.")
SPACED = ("North Korean leader Kim Jong Un met Russian President Vladimir Putin in Vladivostok. "
          "Kim Jong Un arrived by armoured train.\n\nThe two leaders spoke for four hours, officials said.")


def entity(name: str, etype: EntityType = "person", at: int = 0) -> Entity:
    return Entity(name=name, type=etype, count=1, first_offset=at, key=entity_key(name, etype), mentions=[name],
                  spans=[Span(start=at, end=at + len(name))])


def entry(name: str, articles: int, etype: EntityType = "person") -> RegistryEntry:
    return RegistryEntry(type=etype, key=entity_key(name, etype), name=name, forms={name: articles},
                         articles=articles, tails=tails_of(name, etype))


def refreshed(es: Elasticsearch, alias: str) -> dict[EntityId, RegistryEntry]:
    es.indices.refresh(index=entity_registry.registry_index(alias))
    return {(e.type, e.key): e for e in registry_entries(es, alias)}


def vote(es: Elasticsearch, alias: str, per_article: Sequence[Sequence[Entity]]) -> None:
    """Another writer (another partition) names a batch and writes it, the way ``name_batch`` does."""
    known = lookup(es, alias, per_article)
    update = registry_update(per_article, {eid: v.entry for eid, v in known.items()})
    assert not write_entries(es, alias, update.entries, known)


def write(folder: Path, texts: Mapping[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text)
    return folder


def shown(es: Elasticsearch, alias: str, etype: str = "person") -> dict[str, int]:
    es.indices.refresh(index=alias)
    response = es.search(index=alias, size=0, aggs={"p": {"terms": {"field": f"entities.{etype}", "size": 100}}})
    return {b["key"]: b["doc_count"] for b in response["aggregations"]["p"]["buckets"]}


def fake_article(entities: list[Entity]) -> Any:
    """``name_batch`` only reads and replaces ``entities``: a stand-in for an enriched article."""
    class Article:
        def __init__(self, entities: list[Entity]) -> None:
            self.entities = entities

        def model_copy(self, update: Mapping[str, Any]) -> Article:
            return Article(update["entities"])

    return Article(entities)


@pytest.fixture
def registry(es: Elasticsearch, test_alias: str) -> Iterator[str]:
    entity_registry.ensure_registry(es, test_alias)
    yield test_alias


def race_after_lookup(monkeypatch: pytest.MonkeyPatch, race: Callable[[Elasticsearch, str], None]) -> None:
    """Another writer acts between a batch's read of the registry and its write."""
    real_lookup = entity_registry.lookup

    def racing_lookup(client: Elasticsearch, alias: str, per_article: Sequence[Sequence[Entity]],
                      previous: Sequence[Any] = ()) -> dict[EntityId, Versioned]:
        found = real_lookup(client, alias, per_article, previous)
        race(client, alias)
        return found

    monkeypatch.setattr(entity_registry, "lookup", racing_lookup)


# --- concurrency: two writers of one batch's entries ------------------------------------------------------------------


def test_a_conflict_on_one_entry_does_not_count_the_other_entries_twice(
    es: Elasticsearch, registry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def seoul(client: Elasticsearch, alias: str) -> None:
        if not calls:  # another partition writes Seoul between this batch's read and its write
            vote(client, alias, [[entity("Seoul", "location")]])
        calls.append(1)

    race_after_lookup(monkeypatch, seoul)
    batch = {"a.txt": fake_article([entity("Kim Jong Un"), entity("Seoul", "location", 40)])}
    name_batch(es, registry, batch)
    entries = refreshed(es, registry)
    assert entries[("location", "seoul")].articles == 2  # both writers' votes: this holds
    assert entries[("person", "kim jong un")].articles == 1, entries[("person", "kim jong un")]


def test_a_busy_entry_never_loses_the_other_writers_votes(
    es: Elasticsearch, registry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    racer_votes: list[int] = []

    def kim(client: Elasticsearch, alias: str) -> None:
        vote(client, alias, [[entity("Kim Jong-un")]])  # a busy entry: another part votes at every attempt
        racer_votes.append(1)

    race_after_lookup(monkeypatch, kim)
    name_batch(es, registry, {"a.txt": fake_article([entity("Kim Jong Un")])})
    kim = refreshed(es, registry)[("person", "kim jong un")]
    assert kim.articles == 1 + len(racer_votes), (kim, len(racer_votes))
    assert kim.forms == {"Kim Jong Un": 1, "Kim Jong-un": len(racer_votes)}


def test_a_single_writer_within_the_refresh_interval_counts_each_article_once(es: Elasticsearch,
                                                                              registry: str) -> None:
    """One run, no other writer: batch after batch within the registry's refresh interval (a 256-article batch takes
    seconds, a short batch less than the 1 s default; here the interval is off so that it is certain)."""
    index = entity_registry.registry_index(registry)
    es.indices.put_settings(index=index, settings={"index.refresh_interval": "-1"})
    name_batch(es, registry, {"a.txt": fake_article([entity("Emmanuel Macron")])})
    es.indices.refresh(index=index)  # the search sees this version
    name_batch(es, registry, {"b.txt": fake_article([entity("Emmanuel Macron")])})  # and not this one
    name_batch(es, registry, {"c.txt": fake_article([entity("Macron"), entity("Tokyo", "location", 20)])})
    entries = refreshed(es, registry)
    assert entries[("location", "tokyo")].articles == 1, entries[("location", "tokyo")]
    assert entries[("person", "emmanuel macron")].articles == 3, entries[("person", "emmanuel macron")]


@pytest.mark.flow
def test_after_one_run_the_registry_and_the_documents_agree(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str
) -> None:
    import random

    from elasticsearch.helpers import scan

    rnd = random.Random(11)
    people = [("Kim Jong Un", "Kim Jong-un"), ("Vladimir Putin", "Putin"), ("Emmanuel Macron", "Macron")]
    places = ["Berlin", "Moscow", "Tokyo", "Seoul"]
    texts = {}
    for i in range(48):
        said = " ".join(f"{rnd.choice(pair)} spoke about item {i * 31 + n} in {rnd.choice(places)} on day {i}."
                        for n, pair in enumerate(people))
        texts[f"art{i:02d}.txt"] = f"Report number {i}\n\n{said}\n\nMore on item {i * 7919}, ref {rnd.random()}."
    report = ingest(paths=[str(write(tmp_path / "c", texts))], options=IngestOptions(workers=0, batch_size=4))
    assert (report.indexed, report.accounted) == (48, True)
    es.indices.refresh(index=alias_env)
    names: dict[EntityId, set[str]] = {}
    documents: dict[EntityId, int] = {}
    for hit in scan(es, index=alias_env, query={"query": {"match_all": {}}}, _source_includes=["entity_details"]):
        for detail in hit["_source"]["entity_details"]:
            eid = (detail["type"], detail["key"])
            names.setdefault(eid, set()).add(detail["name"])
            documents[eid] = documents.get(eid, 0) + 1
    registry = refreshed(es, alias_env)
    wrong = {eid: (sorted(names[eid]), documents[eid], registry[eid].name, registry[eid].articles)
             for eid in names if names[eid] != {registry[eid].name} or registry[eid].merged_into is not None
             or registry[eid].articles != documents[eid]}
    assert not wrong, wrong


# --- lookups: what a batch reads before it decides ------------------------------------------------------------------


def test_one_article_of_a_rare_full_name_does_not_absorb_an_ambiguous_surname(es: Elasticsearch,
                                                                             registry: str) -> None:
    vote(es, registry, [[entity("Jack Frost")]] * 10 + [[entity("David Frost")]] * 10)
    es.indices.refresh(index=entity_registry.registry_index(registry))
    name_batch(es, registry, {f"f{i}.txt": fake_article([entity("Frost")]) for i in range(5)})
    assert refreshed(es, registry)[("person", "frost")].merged_into is None  # ambiguous: it stays itself
    named = name_batch(es, registry, {"jim.txt": fake_article([entity("Jim Frost")])})
    assert ("person", "frost") not in named.renames, named.renames
    assert refreshed(es, registry)[("person", "frost")].merged_into is None


def test_a_common_surname_does_not_hide_another_short_forms_full_name(es: Elasticsearch, registry: str) -> None:
    fillers = [entry(f"Person{i} Lee", 1) for i in range(10_000)]  # a single search's whole result window
    assert not write_entries(es, registry, fillers, {}, blind=True)
    es.indices.refresh(index=entity_registry.registry_index(registry))
    assert not write_entries(es, registry, [entry("John Smith", 50)], {}, blind=True)
    es.indices.refresh(index=entity_registry.registry_index(registry))
    alone = name_batch(es, registry, {"a.txt": fake_article([entity("Smith")])})
    assert [e.name for e in alone.articles["a.txt"].entities] == ["John Smith"]  # holds: Smith alone links
    both = name_batch(es, registry, {"b.txt": fake_article([entity("Smith"), entity("Lee", at=20)])})
    assert "John Smith" in [e.name for e in both.articles["b.txt"].entities]


def test_a_batch_with_more_short_forms_than_a_terms_query_takes_is_named(es: Elasticsearch, registry: str) -> None:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    acronyms = [a + b + c + d for a in letters for b in letters for c in letters for d in letters][:70_000]
    per_article = [[entity(name, "organization", at=5 * i) for i, name in enumerate(acronyms[n::50])]
                   for n in range(50)]
    found = lookup(es, registry, per_article)
    assert found == {}


def test_thousands_of_entities_in_one_batch_are_written_and_named(es: Elasticsearch, registry: str) -> None:
    """Holds: 6,000 distinct entities (mget of ~12,000 ids, registry bulk of 6,000, rename of 3,000 keys)."""
    names = [f"Zorbax{i} Quillon" for i in range(3000)]
    batch = {f"a{n}.txt": fake_article([entity(name, at=30 * i) for i, name in enumerate(names[n::10])])
             for n in range(10)}
    batch["acr.txt"] = fake_article([entity(f"Q{i:04d}X", "organization", at=10 * i) for i in range(3000)])
    first = name_batch(es, registry, batch)
    assert first.entries_written == 6000
    second = name_batch(es, registry, {"b.txt": fake_article([entity(n.upper()) for n in names])})
    assert second.entries_written == 3000 and not second.renames  # capitals never win over mixed case
    entries = refreshed(es, registry)
    assert len(entries) == 6000 and all(e.articles == 2 for (t, _), e in entries.items() if t == "person")


def test_hostile_names_survive_the_registry_round_trip(es: Elasticsearch, registry: str) -> None:
    """Holds: forms with dots, pipes, quotes, control, RTL and zero-width characters are stored and read back
    exactly (``forms`` is not indexed); a 2 kB "name" is the model's accident and is never registered."""
    hostile = ["U.S.", "AT|T", 'John "Jack" Kennedy', "O'Neill", "a..b", ".", "Tab\tName", "Nul\x00Name",
               "\u202eAbbas\u202c", "Zero\u200bWidth", "محمود عباس", "Ω" * 5, "Long " + "Name " * 400]
    per_article = [[entity(name, at=0)] for name in hostile]
    named = name_batch(es, registry, {f"{i}.txt": fake_article(e) for i, e in enumerate(per_article)})
    registered = [n for n in hostile if len(n) <= MAX_REGISTERED_CHARS]  # the 2 kB one is shown, not registered
    assert named.entries_written == len({entity_key(n, "person") for n in registered})
    entries = refreshed(es, registry)
    for name in registered:
        got = entries[("person", entity_key(name, "person"))]
        assert name in got.forms, name
    again = lookup(es, registry, per_article)
    assert {eid: v.entry.forms for eid, v in again.items()} == {eid: e.forms for eid, e in entries.items()}


def test_one_enormous_name_costs_only_itself(es: Elasticsearch, registry: str) -> None:
    huge = " ".join(f"Word{i}" for i in range(2000))
    named = name_batch(es, registry, {"huge.txt": fake_article([entity(huge)]),
                                      "kim.txt": fake_article([entity("Kim Jong Un")])})
    assert named.entries_written == 1  # Kim; the 2,000-word "name" is shown as found and never registered
    assert [e.name for e in named.articles["huge.txt"].entities] == [huge]


# --- the registry index in a bad state ----------------------------------------------------------------------------


def break_registry(client: Elasticsearch, name: str, breakage: str) -> None:
    if breakage == "deleted":
        client.indices.delete(index=name)
    elif breakage == "closed":
        client.indices.close(index=name)
    else:
        client.indices.put_settings(index=name, settings={"index.blocks.write": True})


@pytest.mark.flow
@pytest.mark.parametrize("breakage", ["deleted", "closed", "read_only"])
def test_a_registry_broken_mid_run(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str, monkeypatch: pytest.MonkeyPatch,
    breakage: str,
) -> None:
    """Holds: the registry deleted mid-run (after the run's setup, before its first batch is named) is made again
    from its template and the run finishes; closed or read-only, the run stops after its retries with one line that
    names the registry and the cause (no input is recorded as done that was not)."""
    registry_name = entity_registry.registry_index(alias_env)
    real = entity_registry.name_batch
    broken: list[str] = []

    def breaking(client: Elasticsearch, alias: str, articles: Mapping[str, EnrichedArticle],
                 doc_ids: Mapping[str, str] | None = None) -> entity_registry.RegistryWrites:
        if not broken:
            break_registry(client, registry_name, breakage)
            broken.append(breakage)
        return real(client, alias, articles, doc_ids)

    monkeypatch.setattr(tasks, "name_batch", breaking)
    folder = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": SPACED})
    try:
        if breakage == "deleted":
            report = ingest(paths=[str(folder)], options=IngestOptions(workers=0))
            assert (report.indexed, report.dead_lettered, report.accounted) == (2, 0, True)
            assert refreshed(es, alias_env)[("person", "kim jong un")].articles == 2
            mapping = es.indices.get_mapping(index=registry_name)[registry_name]["mappings"]
            assert mapping["dynamic"] == "strict"  # made again from the template, not by dynamic mapping
        else:
            with pytest.raises(RuntimeError, match=f"entity registry {registry_name}"):
                ingest(paths=[str(folder)], options=IngestOptions(workers=0))
    finally:
        if breakage == "closed":
            es.indices.open(index=registry_name)
        elif breakage == "read_only":
            es.indices.put_settings(index=registry_name, settings={"index.blocks.write": None})


# --- flows: retries, refresh windows, partitions, rebuilds, prunes -------------------------------------------------


def docs_with(es: Elasticsearch, alias: str, key: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query={"term": {"entity_keys": key}})["count"])


@pytest.mark.flow
def test_a_retried_write_does_not_vote_twice(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from elasticsearch import ConnectionTimeout

    real = tasks.write_letters
    failed: list[int] = []

    def flaky(*args: Any) -> None:  # the last step of the batch's write, after the registry's
        if not failed:
            failed.append(1)
            raise ConnectionTimeout("the node took too long once")
        real(*args)

    monkeypatch.setattr(tasks, "write_letters", flaky)
    folder = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": SPACED})
    report = ingest(paths=[str(folder)], options=IngestOptions(workers=0))
    assert (report.indexed, report.accounted, failed) == (2, True, [1])
    kim = refreshed(es, alias_env)[("person", "kim jong un")]
    assert kim.articles == docs_with(es, alias_env, "person|kim jong un") == 2, kim


@pytest.mark.flow
@pytest.mark.parametrize("refresh_interval", [None, "30s"])
def test_documents_of_the_previous_batch_are_renamed_too(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str, monkeypatch: pytest.MonkeyPatch,
    refresh_interval: str | None,
) -> None:
    if refresh_interval:
        monkeypatch.setenv("NEWSINDEX_REFRESH_INTERVAL", refresh_interval)
    first = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": HYPHEN.replace("Monday", "Tuesday")})
    later = write(tmp_path / "b", {f"b{i}.txt": SPACED.replace("four", str(i + 5)) for i in range(3)})
    report = ingest(paths=[str(first), str(later)], options=IngestOptions(workers=0, batch_size=2))
    assert (report.indexed, report.accounted) == (5, True)
    assert refreshed(es, alias_env)[("person", "kim jong un")].name == "Kim Jong Un"
    assert shown(es, alias_env).get("Kim Jong Un") == 5, shown(es, alias_env)


@pytest.mark.flow
def test_a_rename_by_another_partition_during_a_batch_reaches_its_documents(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": HYPHEN.replace("Monday", "Tuesday")})
    assert ingest(paths=[str(older)], options=IngestOptions(workers=0)).indexed == 2
    real = entity_registry.name_batch

    def then_the_other_part(client: Elasticsearch, alias: str, articles: Mapping[str, EnrichedArticle],
                            doc_ids: Mapping[str, str] | None = None) -> entity_registry.RegistryWrites:
        named = real(client, alias, articles, doc_ids)  # this part read "Kim Jong-un" (2 votes to its 1)
        other = [[entity("Kim Jong Un")]] * 2  # part 2 of 2 names its own batch now, and renames
        known = lookup(client, alias, other)
        update = registry_update(other, {eid: v.entry for eid, v in known.items()})
        assert not write_entries(client, alias, update.entries, known)
        assert entity_registry.rename_documents(client, alias, update.renames) == 2
        return named

    monkeypatch.setattr(tasks, "name_batch", then_the_other_part)
    mine = write(tmp_path / "c", {"c1.txt": SPACED})
    assert ingest(paths=[str(mine)], options=IngestOptions(workers=0, partition="1/1")).indexed == 1
    assert refreshed(es, alias_env)[("person", "kim jong un")].name == "Kim Jong Un"
    assert "Kim Jong-un" not in shown(es, alias_env), shown(es, alias_env)


@pytest.mark.flow
def test_a_rebuild_of_the_same_inputs_does_not_double_the_votes(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str
) -> None:
    folder = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": SPACED})
    assert ingest(paths=[str(folder)], options=IngestOptions(workers=0)).indexed == 2
    rebuilt = ingest(paths=[str(folder)], options=IngestOptions(workers=0, rebuild=True))
    assert (rebuilt.indexed, rebuilt.accounted) == (2, True)
    kim = refreshed(es, alias_env)[("person", "kim jong un")]
    assert kim.articles == docs_with(es, alias_env, "person|kim jong un") == 2, kim


@pytest.mark.flow
def test_a_pruned_documents_votes_do_not_name_the_corpus(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str
) -> None:
    gone = write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": HYPHEN.replace("Monday", "Tuesday")})
    kept = write(tmp_path / "b", {"b1.txt": SPACED})
    assert ingest(paths=[str(gone)], options=IngestOptions(workers=0)).indexed == 2
    for file in gone.iterdir():
        file.unlink()
    assert ingest(paths=[str(gone)], options=IngestOptions(workers=0, prune=True)).pruned == 2
    assert ingest(paths=[str(kept)], options=IngestOptions(workers=0)).indexed == 1
    assert shown(es, alias_env) .get("Kim Jong Un") == 1, shown(es, alias_env)


def test_two_parts_setting_up_a_new_alias_at_once_both_start(
    es: Elasticsearch, test_alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.es import setup as es_setup

    real = es_setup.create_index
    raced: list[int] = []

    def racing(client: Elasticsearch, name: str) -> None:
        if not raced:  # the other part's setup runs between this part's checks and its create
            raced.append(1)
            es_setup.setup(client, test_alias)
        real(client, name)

    monkeypatch.setattr(es_setup, "create_index", racing)
    report = es_setup.setup(es, test_alias)
    assert report.index == f"{test_alias}-v1"


def test_a_document_written_again_with_a_pipe_in_a_name_moves_no_vote(es: Elasticsearch, registry: str) -> None:
    """Vote records hold keys and names as they are: a "|" in either must not shift the fields apart."""
    batch = {"a.txt": fake_article([entity("AT|T", "organization"), entity("Kim|Jong Un")])}
    name_batch(es, registry, batch)
    name_batch(es, registry, batch)  # the same document again (a retried batch): nothing moves
    entries = refreshed(es, registry)
    assert entries[("organization", entity_key("AT|T", "organization"))].articles == 1
    assert entries[("person", entity_key("Kim|Jong Un", "person"))].articles == 1
    assert len(entries) == 2
