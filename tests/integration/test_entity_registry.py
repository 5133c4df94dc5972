"""The entity registry in the index, on real flow runs: every document of the corpus shows an entity under one
name whichever run or batch wrote it, older documents are renamed in bulk when a better form wins (no NLP run
again), and two writers of one entry cannot lose each other's votes."""

from __future__ import annotations

from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.index import entity_registry
from flows.index.entity_registry import lookup, registry_entries, write_entries
from flows.ingest.flow import IngestOptions, ingest
from transforms.enrich.entities_index_registry import registry_update
from transforms.enrich.entities_keys import entity_key
from transforms.models import Entity, Span

pytestmark = [pytest.mark.integration, pytest.mark.flow]

HYPHEN = ("North Korean leader Kim Jong-un inspected a missile factory in Pyongyang on Monday, state media said. "
          "Kim Jong-un told engineers to double output.\n\nOfficials in Seoul said the visit was a message.")
SPACED = ("North Korean leader Kim Jong Un met Russian President Vladimir Putin in Vladivostok. "
          "Kim Jong Un arrived by armoured train.\n\nThe two leaders spoke for four hours, officials said.")


def write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text)
    return folder


def persons(es: Elasticsearch, alias: str) -> dict[str, int]:
    es.indices.refresh(index=alias)
    response = es.search(index=alias, size=0, aggs={"p": {"terms": {"field": "entities.person", "size": 100}}})
    return {b["key"]: b["doc_count"] for b in response["aggregations"]["p"]["buckets"]}


def test_a_later_run_renames_older_documents_to_the_corpus_form(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str
) -> None:
    first = ingest(paths=[str(write(tmp_path / "a", {"a1.txt": HYPHEN, "a2.txt": HYPHEN.replace("Monday",
                                                                                                   "Tuesday")}))],
                   options=IngestOptions(workers=0))
    assert first.indexed == 2
    assert persons(es, alias_env).get("Kim Jong-un") == 2
    later = {f"b{i}.txt": SPACED.replace("four", str(i + 5)) for i in range(3)}
    second = ingest(paths=[str(write(tmp_path / "b", later))], options=IngestOptions(workers=0))
    assert second.indexed == 3
    shown = persons(es, alias_env)
    assert shown.get("Kim Jong Un") == 5 and "Kim Jong-un" not in shown, shown
    assert second.entities.get("documents renamed") == 2 and second.entities.get("registry renames") == 1
    hyphened = es.search(index=alias_env, query={"term": {"origin.path": str(tmp_path / "a" / "a1.txt")}})
    [doc] = [hit["_source"] for hit in hyphened["hits"]["hits"]]
    [kim] = [e for e in doc["entity_details"] if e["name"] == "Kim Jong Un"]
    assert kim["mentions"] == ["Kim Jong-un"]  # the surface form and its offsets stay as written
    assert all(doc["body"][s["start"]:s["end"]] == "Kim Jong-un" for s in kim["spans"])
    assert "person|kim jong un" in doc["entity_keys"]
    es.indices.refresh(index=entity_registry.registry_index(alias_env))
    [entry] = [e for e in registry_entries(es, alias_env, "person") if e.key == "kim jong un"]
    assert entry.name == "Kim Jong Un" and entry.forms == {"Kim Jong-un": 2, "Kim Jong Un": 3}
    again = ingest(paths=[str(tmp_path / "a"), str(tmp_path / "b")], options=IngestOptions(workers=0))
    assert again.unchanged == 5 and again.entities.get("documents renamed", 0) == 0  # nothing voted twice
    assert next(e for e in registry_entries(es, alias_env, "person") if e.key == "kim jong un").articles == 5


def kim(at: int = 0, name: str = "Kim Jong Un") -> Entity:
    return Entity(name=name, type="person", count=1, first_offset=at, key=entity_key(name, "person"),
                  mentions=[name], spans=[Span(start=at, end=at + len(name))])


def test_two_writers_of_one_entry_keep_both_votes(es: Elasticsearch, test_alias: str) -> None:
    """Two partitions name a batch each at the same moment: the second write is refused (its entry changed
    since it read it), the batch decides again, and the registry counts both."""
    entity_registry.ensure_registry(es, test_alias)
    stale = lookup(es, test_alias, [[kim()]])
    assert stale == {}
    losing = registry_update([[kim()]], {})
    assert not write_entries(es, test_alias, losing.entries, stale)  # the first writer
    assert write_entries(es, test_alias, losing.entries, stale) == {("person", "kim jong un")}  # the racer
    fresh = lookup(es, test_alias, [[kim()]])
    update = registry_update([[kim(name="Kim Jong-un")]], {eid: v.entry for eid, v in fresh.items()})
    assert not write_entries(es, test_alias, update.entries, fresh)
    es.indices.refresh(index=entity_registry.registry_index(test_alias))
    [entry] = registry_entries(es, test_alias)
    assert entry.articles == 2 and entry.forms == {"Kim Jong Un": 1, "Kim Jong-un": 1}
