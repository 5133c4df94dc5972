"""What people type and read in `newsindex search`, against the real node on documents the real flow indexed:
filters that ignore case, author and story facets, date facets of a few buckets, a snippet for every hit, the
French body's highlight under `body`, and a date on every document (Kibana's time field)."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.flow import IngestOptions, ingest
from flows.kibana.objects import load_objects
from flows.search.date_facets import MAX_DATE_BUCKETS
from flows.search.facets import facets
from flows.search.hits import search_hit
from flows.search.query import run_search, search_json, search_params
from tests.conftest import drop_alias_family

pytestmark = [pytest.mark.integration, pytest.mark.flow]
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FRENCH = ("Les chevaux de la garde républicaine ont défilé mardi sur les Champs-Élysées devant une foule nombreuse. "
          "Les cavaliers, venus de toute la France, ont salué le public avant de rejoindre leurs casernes. "
          "Selon les organisateurs, plus de deux cents chevaux ont participé à cette parade, la plus grande depuis "
          "des années. Les habitants du quartier ont applaudi les soldats et leurs montures tout au long du "
          "parcours, malgré la pluie qui tombait depuis le matin sur la capitale.")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
# Thirty distinct months over thirty years, and two mentions no chart should span to (the year 1850, far future).
HISTORY = " ".join(f"The council met again in {MONTHS[i % 12]} {1990 + i} to review the harbour plan."
                   for i in range(30)) + " The first harbour was built in 1850. A second is planned for 2090."
RECORDS = [
    {"url": "https://news.example/bbc-1", "title": "Harbour council votes", "source": "BBC News",
     "authors": ["Jane Doe"], "published_at": "2024-03-07T09:00:00Z", "body": HISTORY},
    {"url": "https://news.example/lemonde-1", "title": "Défilé de la garde", "source": "Le Monde",
     "authors": ["Zoé Lefèvre"], "published_at": "2024-07-14T10:00:00Z", "body": FRENCH},
    {"url": "https://news.example/undated-1", "title": "Undated harbour notes", "source": "bbc news",
     "body": "Harbour workers said the new cranes were delivered and tested without incident. " * 6},
]


@pytest.fixture(scope="module")
def indexed(es: Elasticsearch, prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    alias = f"test-facets-{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("facets")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    (folder / "records.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", alias)
        report = ingest(paths=[str(folder)], options=IngestOptions(workers=1))
        assert report.indexed == 8
        es.indices.refresh(index=alias)
        yield alias
    drop_alias_family(es, alias)


def search(es: Elasticsearch, alias: str, query: str = "", filters: list[str] | None = None,
           size: int = 20) -> dict[str, Any]:
    return run_search(es, alias, search_params(query, filters or [], size=size))


def by_url(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    return {h["_source"].get("url") or h["_source"]["origin"]["path"]: h["_source"] for h in hits}


def total(response: dict[str, Any]) -> int:
    return int(response["hits"]["total"]["value"])


def test_filters_people_type_ignore_case_and_accents(indexed: str, es: Elasticsearch) -> None:
    english = total(search(es, indexed, filters=["language=en"]))
    assert english >= 6 and total(search(es, indexed, filters=["language=EN"])) == english
    bbc = search(es, indexed, filters=['source="bbc news"'])  # as typed: --filter 'source="bbc news"'
    assert {h["_source"]["source"] for h in bbc["hits"]["hits"]} == {"BBC News", "bbc news"}
    assert total(search(es, indexed, filters=["source=LE MONDE"])) == 1
    assert total(search(es, indexed, filters=["author=zoe lefevre"])) == 1  # accents folded, singular name
    assert total(search(es, indexed, filters=["authors=JANE DOE"])) == 1


def test_facets_show_the_values_as_written_with_an_author_facet(indexed: str, es: Elasticsearch) -> None:
    found = facets(search(es, indexed))
    assert {(b.key, b.count) for b in found["authors"]} == {("Jane Doe", 1), ("Zoé Lefèvre", 1)}
    assert {"BBC News", "bbc news", "Le Monde"} <= {b.key for b in found["sources"]}


def test_story_facets_show_the_first_headline_and_the_size(indexed: str, es: Elasticsearch) -> None:
    response = search(es, indexed)
    stories = facets(response)["stories"]
    assert stories, "the seeds share stories"
    docs = by_url(es, indexed)
    for bucket in stories:
        members = sorted((d["date"], d["id"]) for d in docs.values() if d.get("story_id") == bucket.key)
        first = next(d for d in docs.values() if d["id"] == members[0][1])
        assert bucket.count == len(members) > 0, bucket
        expected = first["title"] or first["body"][:40]
        assert bucket.headline and bucket.headline.startswith(expected), (bucket, expected)


def test_date_facets_have_at_most_24_buckets_and_mentions_stay_in_range(indexed: str, es: Elasticsearch) -> None:
    response = search(es, indexed)
    mentioned = facets(response)["mentioned"]
    assert 1 < len(mentioned) <= MAX_DATE_BUCKETS
    assert mentioned[0].key >= "1990" and mentioned[-1].key < "2090"  # 1850 and 2090 are out of the range
    assert len(facets(response)["published"]) <= MAX_DATE_BUCKETS
    doc = by_url(es, indexed)["https://news.example/bbc-1"]
    assert len({d[:7] for d in doc["mentioned_dates_in_range"]}) == 30  # thirty months: a monthly facet had 30
    assert "1850-01-01" in doc["mentioned_dates"] and "1850-01-01" not in doc["mentioned_dates_in_range"]


@pytest.mark.parametrize("query", ["", "*"])
def test_browsing_without_a_query_gives_every_hit_a_snippet(indexed: str, es: Elasticsearch, query: str) -> None:
    response = search(es, indexed, query)
    assert total(response) == 8
    for hit in response["hits"]["hits"]:
        assert search_hit(hit)["snippet"], hit["_id"]


def test_a_french_match_is_highlighted_under_body(indexed: str, es: Elasticsearch) -> None:
    """`cheval` finds `chevaux` only through French stemming (lang_body.fr); the mark must reach `body`."""
    response = search(es, indexed, "cheval")
    (hit,) = response["hits"]["hits"]
    assert "<em>" in " ".join(hit["highlight"]["lang_body.fr"])
    assert "<em>" not in " ".join(hit["highlight"].get("body", []))
    shown = search_json(response)["hits"][0]
    assert "<em>chevaux</em>" in " ".join(shown["highlight"]["body"]) and "lang_body.fr" not in shown["highlight"]
    assert "<em>chevaux</em>" in shown["snippet"]


def test_every_document_has_a_date_and_says_where_it_came_from(indexed: str, es: Elasticsearch) -> None:
    docs = by_url(es, indexed)
    for doc in docs.values():
        assert doc["date"] and doc["date_source"] in {"published", "first_seen"}
        expected = doc["published_at"] if doc["date_source"] == "published" else doc["first_seen_at"]
        assert doc["date"] == expected and (doc["published_at"] is None) == (doc["date_source"] == "first_seen")
    assert docs["https://news.example/undated-1"]["date_source"] == "first_seen"
    assert docs["https://news.example/bbc-1"]["date"].startswith("2024-03-07")
    assert es.count(index=indexed, query={"bool": {"must_not": {"exists": {"field": "date"}}}})["count"] == 0


def test_the_kibana_time_field_is_an_aggregatable_date_of_the_live_index(indexed: str, es: Elasticsearch) -> None:
    (view,) = [o for o in load_objects() if o["id"] == "newsindex-articles"]
    caps = es.field_caps(index=indexed, fields=view["attributes"]["timeFieldName"])["fields"]
    assert caps["date"]["date"]["aggregatable"]


def test_a_rewrite_keeps_the_first_seen_date(indexed: str, es: Elasticsearch, tmp_path: Path) -> None:
    """The same URL with other text is the same document written again: an undated one keeps its date."""
    before = by_url(es, indexed)["https://news.example/undated-1"]
    changed = {**RECORDS[2], "body": "Harbour workers said the cranes were repainted after the tests. " * 6}
    (tmp_path / "again.jsonl").write_text(json.dumps(changed) + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", indexed)
        report = ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0))
        letters = es.options(ignore_status=404).search(index=f"{indexed}-deadletter")
        assert report.indexed == 1, letters
    es.indices.refresh(index=indexed)
    after = by_url(es, indexed)["https://news.example/undated-1"]
    assert "repainted" in after["body"] and after["ingested_at"] != before["ingested_at"]
    assert (after["date"], after["first_seen_at"], after["date_source"]) == (
        before["date"], before["first_seen_at"], "first_seen")
