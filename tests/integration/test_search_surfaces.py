"""The search templates against the real local node, on the seeds ingested by the real flow into this module's alias."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.es.scripts import MUSTACHE, script_languages, store_templates
from flows.ingest.flow import IngestOptions, ingest
from flows.search.passages import passage_hits, passage_params, run_passages
from flows.search.query import facet_counts, run_search, search_params
from flows.search.related import related_hits, related_params, resolve_article, run_related
from flows.search.render import render
from tests.conftest import drop_alias_family

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
KIM = re.compile(r"\bKim Jong[- ]Un\b", re.IGNORECASE)
HOSTILE = ['"', "\\", "{{", "{{query}}", "field:value", "*:*", "_index:x", "((a", "a))) (", '"}}, "size": 1',
           "title:North", "body:secret", "x" * 10_240, " ".join(["troops", "(internet"] * 1_000)]


@pytest.fixture(scope="module")
def seeded(es: Elasticsearch, prefect_harness: None) -> Iterator[str]:
    alias = f"test-search-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", alias)
        report = ingest(paths=[str(SEEDS)], options=IngestOptions(workers=1))
    assert report.indexed == 5
    yield alias
    drop_alias_family(es, alias)


@pytest.fixture(scope="module")
def docs(seeded: str, es: Elasticsearch) -> dict[str, dict[str, Any]]:
    """Seed number ('001') → {"id", **source}."""
    hits = es.search(index=seeded, size=100, query={"match_all": {}})["hits"]["hits"]
    return {Path(h["_source"]["origin"]["path"]).name[:3]: {"id": h["_id"], **h["_source"]} for h in hits}


def seed_of(docs: dict[str, dict[str, Any]], article_id: str) -> str:
    return next(number for number, doc in docs.items() if doc["id"] == article_id)


def test_entity_filter_finds_exactly_the_seeds_naming_kim_with_highlights_and_facets(
        seeded: str, es: Elasticsearch, docs: dict[str, dict[str, Any]]) -> None:
    expected = {number for number, doc in docs.items() if KIM.search(doc["body"])}
    assert "003" in expected and len(expected) >= 3  # 003 writes "Kim Jong-un"
    response = run_search(es, seeded, search_params("Kim Jong Un", ["entity=Kim Jong Un"]))
    hits = response["hits"]["hits"]
    assert {seed_of(docs, h["_id"]) for h in hits} == expected
    for hit in hits:
        marked = " ".join(hit["highlight"]["body"])
        assert re.search(r"<em>Kim</em>\W+<em>Jong</em>", marked, re.IGNORECASE), marked
    facets = facet_counts(response)
    # Every hit is counted once, under the one name the entity registry gives him across the corpus.
    assert sum(count for name, count in facets["persons"] if KIM.fullmatch(name)) == len(expected)
    assert ("Kim Jong Un", len(expected)) in facets["persons"]
    assert facets["languages"] == [("en", len(expected))]


def test_passage_offsets_cut_the_highlighted_passage_and_sentences_out_of_the_body(
        seeded: str, es: Elasticsearch, docs: dict[str, dict[str, Any]]) -> None:
    hits = passage_hits(run_passages(es, seeded, passage_params("Kim Jong Un", [])))
    assert {seed_of(docs, h.article_id) for h in hits} >= {"001", "002", "003", "004"}
    for hit in hits:
        body = docs[seed_of(docs, hit.article_id)]["body"]
        assert body[hit.start:hit.end] == hit.text
        marked = {body[a:b] for a, b in hit.marks}
        assert hit.sentences and any(KIM.search(body[a:b]) for a, b in hit.sentences)
        for start, end in hit.sentences:
            assert hit.start <= start < end <= hit.end and any(word in body[start:end] for word in marked)
        assert {body[a:b].lower() for a, b in hit.marks} <= {"kim", "jong", "un", "jong-un", "un’s", "un's"}


def test_related_to_001_ranks_002_first_and_never_returns_001(
        seeded: str, es: Elasticsearch, docs: dict[str, dict[str, Any]]) -> None:
    article = docs["001"]["id"]
    ranked = [seed_of(docs, h["id"]) for h in related_hits(run_related(es, seeded, related_params(article, seeded)))]
    assert ranked[0] == "002" and "001" not in ranked


def test_related_resolves_an_article_by_its_source_path(seeded: str, es: Elasticsearch,
                                                        docs: dict[str, dict[str, Any]]) -> None:
    assert resolve_article(es, seeded, docs["001"]["origin"]["path"]) == docs["001"]["id"]


def test_related_excludes_duplicates_of_the_article(seeded: str, es: Elasticsearch,
                                                    docs: dict[str, dict[str, Any]]) -> None:
    """Copies of 002's text would rank first; as duplicates of 001 (either direction) they must not appear."""
    original = docs["001"]
    copy_source = {k: v for k, v in docs["002"].items() if k != "id"}
    extra = {"dup-of-001": {**copy_source, "id": "dup-of-001", "duplicate_of": original["id"]},
             "near-of-001": {**copy_source, "id": "near-of-001"}}
    try:
        for doc_id, source in extra.items():
            es.index(index=seeded, id=doc_id, document=source)
        es.update(index=seeded, id=original["id"], doc={"near_duplicates": ["near-of-001"]}, refresh=True)
        for include in (False, True):
            params = related_params(original["id"], seeded, include_duplicates=include)
            ids = [h["id"] for h in related_hits(run_related(es, seeded, params))]
            assert not set(extra) & set(ids) and ids and seed_of(docs, ids[0]) == "002"
    finally:
        for doc_id in extra:
            es.options(ignore_status=404).delete(index=seeded, id=doc_id)
        es.update(index=seeded, id=original["id"], doc={"near_duplicates": original.get("near_duplicates")},
                  refresh=True)


COMBINATIONS = [{}, {"query": "troops"}, {"query": "troops", "size": 2, "from": 1},
                {"entity": "Kim Jong Un"}, {"person": "Kim Jong Un"}, {"organization": "Pentagon"},
                {"location": "Russia"}, {"group": "Ukrainian"}, {"event": "war"}, {"language": "en"},
                {"source": "none"}, {"story_id": "s-1"}, {"published_from": "2024-01-01", "published_to": "now"},
                {"mentioned_from": "2024-10-01", "mentioned_to": "2024-11-30"}, {"include_duplicates": True},
                {"passages_per_article": 1, "query": "internet"},
                {"query": "troops", "language": "en", "entity": "Kim Jong Un", "published_from": "2000-01-01",
                 "mentioned_to": "2030-01-01", "include_duplicates": True, "size": 3}]


@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda p: "+".join(p) or "none")
@pytest.mark.parametrize("template", ["articles-search", "articles-passages", "articles-related"])
def test_every_rendered_template_is_accepted_by_the_node(template: str, params: dict[str, Any], seeded: str,
                                                         es: Elasticsearch, docs: dict[str, dict[str, Any]]) -> None:
    if template == "articles-related":
        params = {**params, "id": docs["001"]["id"], "alias": seeded}
    response = es.search(index=seeded, **render(template, params))
    assert response["hits"]["total"]["value"] >= 0 and response["_shards"]["failed"] == 0


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:12])
def test_hostile_query_text_never_errors(text: str, seeded: str, es: Elasticsearch) -> None:
    run_search(es, seeded, search_params(text, []))
    run_search(es, seeded, {"query": text})  # unbounded, as an application could send it
    run_passages(es, seeded, passage_params(text, []))


@pytest.mark.parametrize("text", ['"', "{{", "*", "_all", "../_search", "a" * 600])
def test_hostile_related_ids_never_error(text: str, seeded: str, es: Elasticsearch) -> None:
    assert run_related(es, seeded, related_params(text, seeded))["hits"]["hits"] == []


def test_field_syntax_cannot_reach_fields_the_template_does_not_name(
        seeded: str, es: Elasticsearch, docs: dict[str, dict[str, Any]]) -> None:
    """Each value is in its field (a term query finds it), so a parser honouring `field:value` would hit."""
    doc = docs["001"]
    index = next(iter(es.indices.get_alias(name=seeded)))
    probes = {"id": doc["id"], "origin.path": doc["origin"]["path"], "language": "en",
              "content_hash": doc["content_hash"], "_id": doc["id"], "_index": index}
    for field, value in probes.items():
        assert es.count(index=seeded, query={"term": {field: value}})["count"] >= 1, field
        for text in (f"{field}:{value}", f'{field}:"{value}"', value):
            assert run_search(es, seeded, search_params(text, []))["hits"]["total"]["value"] == 0, text
    assert run_search(es, seeded, search_params("body:troops", []))["hits"]["total"]["value"] == 0
    assert run_search(es, seeded, search_params("troops", []))["hits"]["total"]["value"] >= 4


def test_store_templates_is_none_on_a_node_without_mustache(es: Elasticsearch) -> None:
    assert MUSTACHE not in script_languages(es.get_script_languages().body)
    assert store_templates(es) is None
