"""The ingest flow end to end on seeds/: a real Prefect flow run into the real local node."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.report import RunReport
from flows.search.query import facet_counts, run_search, search_params
from tests.conftest import ingested_alias

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FOOTER_MARKERS = ("All content created by the Daily Caller News Foundation", "Read the original article here",
                  "[email protected]", "[email\xa0protected]")


@pytest.fixture(scope="module")
def seeded(es: Elasticsearch, prefect_harness: None) -> Iterator[tuple[str, RunReport]]:
    with ingested_alias(es, "test-seeds", [str(SEEDS)]) as (alias, report):
        yield alias, report


def all_docs(es: Elasticsearch, alias: str) -> dict[str, dict]:
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {Path(h["_source"]["origin"]["path"]).name: h["_source"] for h in hits}


def test_five_articles_indexed_and_accounted(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    alias, report = seeded
    assert (report.inputs, report.indexed, report.dead_lettered) == (5, 5, 0)
    assert report.accounted
    assert es.count(index=alias)["count"] == 5


def test_title_of_002_is_its_first_line_and_others_have_none_taken_from_the_body(
    seeded: tuple[str, RunReport], es: Elasticsearch
) -> None:
    docs = all_docs(es, seeded[0])
    first_line = (SEEDS / "002_b0deeebdd426c84d.txt").read_text().splitlines()[0].strip()
    assert docs["002_b0deeebdd426c84d.txt"]["title"] == first_line
    assert not docs["002_b0deeebdd426c84d.txt"]["body"].startswith(first_line)


def test_no_body_carries_syndication_boilerplate(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    for name, doc in all_docs(es, seeded[0]).items():
        for marker in FOOTER_MARKERS:
            assert marker not in doc["body"], f"{marker!r} left in {name}"


def test_offsets_cut_passages_and_sentences_out_of_the_body(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    for doc in all_docs(es, seeded[0]).values():
        body = doc["body"]
        assert doc["passages"] and doc["sentences"]
        for passage in doc["passages"]:
            assert body[passage["start"] : passage["end"]] == passage["text"]
        for start, end in doc["sentences"]:
            assert body[start:end].strip() == body[start:end] != ""
        for mention in doc["date_mentions"]:
            assert body[mention["start"] : mention["end"]] == mention["text"]


def test_entity_facets_are_canonical(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    response = run_search(es, seeded[0], search_params("", [], size=1))
    names = {key for bucket in ("persons", "locations", "organizations") for key, _ in facet_counts(response)[bucket]}
    wanted = {"North Korea", "Russia", "Ukraine", "Kim Jong Un", "Vladimir Putin", "Lloyd Austin",
              "Rustem Umerov", "Charlie Dietz", "Gideon Rachman"}
    aggs = es.search(index=seeded[0], size=0, aggs={
        t: {"terms": {"field": f"entities.{t}", "size": 500}} for t in ("person", "location", "organization")})
    every = [b["key"] for agg in aggs["aggregations"].values() for b in agg["buckets"]]
    for name in wanted:
        assert every.count(name) == 1, f"{name} appears {every.count(name)} times in {sorted(every)}"
    assert not [n for n in every if n.endswith(("'s", "’s")) or n in {"Kim", "Putin", "Austin"}]
    kims = [n for n in every if n.casefold().replace("-", " ").startswith("kim jong")]
    assert kims == ["Kim Jong Un"], kims  # 003 writes "Kim Jong-un": the registry shows the corpus's form
    top_persons = [key for key, _ in facet_counts(response)["persons"][:3]]
    assert {"Kim Jong Un", "Vladimir Putin"} <= set(top_persons)  # the facets users see lead with them
    assert {"North Korea", "Russia", "Ukraine"} <= names


def test_search_returns_highlighted_hits_and_facets(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    response = run_search(es, seeded[0], search_params("North Korean troops internet", []))
    hits = response["hits"]["hits"]
    assert len(hits) >= 3
    assert all("<em>" in " ".join(h["highlight"].get("body", [])) for h in hits)
    facets = facet_counts(response)
    assert facets["languages"] == [("en", len(hits))]
    assert facets["persons"] and facets["locations"]


def test_search_filter_by_entity_any_spelling(seeded: tuple[str, RunReport], es: Elasticsearch) -> None:
    docs = all_docs(es, seeded[0])
    def spelled_kim(name: str) -> bool:
        return " ".join(name.lower().replace("-", " ").split()) == "kim jong un"

    expected = {name for name, doc in docs.items() if any(spelled_kim(n) for n in doc["entity_names"])}
    assert len(expected) >= 3  # 001, 002, 004 write "Kim Jong Un"; 003 writes "Kim Jong-un"
    for spelling in ("Kim Jong Un", "kim jong-un"):
        response = run_search(es, seeded[0], search_params("", [f"entity={spelling}"]))
        found = {Path(h["_source"]["origin"]["path"]).name for h in response["hits"]["hits"]}
        assert found == expected and expected


def test_jsonl_with_published_at_resolves_relative_dates(
    tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str
) -> None:
    body = (SEEDS / "004_de4faee3b2bb2e22.txt").read_text()
    body += "\nOfficials expect a decision by late October, the report said."
    record = {"url": "https://example.com/news/nk-troops", "title": "North Korean troops online",
              "source": "Example News", "published_at": "2024-11-01T09:00:00Z", "body": body}
    (tmp_path / "one.jsonl").write_text(json.dumps(record) + "\n")
    report = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0))
    assert report.indexed == 1
    doc = es.search(index=alias_env, size=1)["hits"]["hits"][0]["_source"]
    values = {m["text"]: m["value"] for m in doc["date_mentions"]}
    assert values.get("Tuesday") == "2024-10-29"
    assert values.get("late October", values.get("by late October")) == "2024-10"
    assert doc["published_at"].startswith("2024-11-01")
    assert doc["origin"]["line"] == 1 and doc["url"] == "https://example.com/news/nk-troops"
