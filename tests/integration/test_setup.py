"""`newsindex setup` is idempotent and produces exactly one template, one versioned index and one alias."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.es.setup import MappingConflict, setup, template_for, template_version
from flows.index.deadletters import deadletter_index, ensure_store
from flows.ingest.lifecycle import start_rebuild
from flows.settings import Settings

pytestmark = pytest.mark.integration


def test_setup_twice_leaves_one_template_one_index_one_alias(es: Elasticsearch, test_alias: str) -> None:
    first = setup(es, test_alias)
    second = setup(es, test_alias)
    assert first.created == [f"template {test_alias}", f"index {test_alias}-v1", f"alias {test_alias}"]
    assert second.created == []
    templates = es.indices.get_index_template(name=test_alias)["index_templates"]
    assert len(templates) == 1
    assert list(es.indices.get(index=f"{test_alias}-*").keys()) == [f"{test_alias}-v1"]
    assert list(es.indices.get_alias(name=test_alias).keys()) == [f"{test_alias}-v1"]


def test_body_analyzer_stems_english(es: Elasticsearch, test_alias: str) -> None:
    setup(es, test_alias)
    tokens = es.indices.analyze(index=test_alias, field="body", text="The troops were running")["tokens"]
    assert [t["token"] for t in tokens] == ["troop", "were", "run"]


def test_mapping_is_strict(es: Elasticsearch, test_alias: str) -> None:
    setup(es, test_alias)
    refused = es.options(ignore_status=400).index(index=test_alias, document={"stray_field": 1})
    assert refused.meta.status == 400 and "strict" in str(refused.body)


def without_story_fields(template: dict) -> dict:
    template = copy.deepcopy(template)
    for name in ("story_keys", "story_terms"):
        del template["template"]["mappings"]["properties"][name]
    template["_meta"]["version"] -= 1
    template["template"]["mappings"]["_meta"]["version"] -= 1
    return template


def test_a_new_template_version_adds_its_fields_to_the_live_index(es: Elasticsearch, test_alias: str) -> None:
    es.indices.put_index_template(name=test_alias, **without_story_fields(template_for(test_alias)))
    es.indices.create(index=f"{test_alias}-v1", aliases={test_alias: {"is_write_index": True}})
    report = setup(es, test_alias)
    now = template_version()
    assert report.created == [f"template {test_alias} updated (_meta.version {now - 1} → {now}; mappings)",
                              f"mapping of {test_alias}-v1 updated"]
    properties = es.indices.get_mapping(index=f"{test_alias}-v1")[f"{test_alias}-v1"]["mappings"]["properties"]
    assert properties["story_keys"]["type"] == "keyword"
    assert setup(es, test_alias).created == []


def test_a_template_change_the_index_cannot_take_says_rebuild(es: Elasticsearch, test_alias: str) -> None:
    old = without_story_fields(template_for(test_alias))
    old["template"]["mappings"]["properties"]["story_keys"] = {"type": "integer"}
    es.indices.put_index_template(name=test_alias, **old)
    es.indices.create(index=f"{test_alias}-v1", aliases={test_alias: {"is_write_index": True}})
    with pytest.raises(MappingConflict, match="--rebuild"):
        setup(es, test_alias)
    with pytest.raises(MappingConflict):  # the template is in place now; the index is still behind it
        setup(es, test_alias)
    assert setup(es, test_alias, upgrade=False).index == f"{test_alias}-v1"  # what a rebuild's setup does


OLD_TEMPLATE = Path(__file__).resolve().parents[1] / "fixtures" / "templates" / "articles.template.v4.json"


def test_yesterdays_index_takes_the_fold_analyzer_and_fields_in_place(es: Elasticsearch, test_alias: str) -> None:
    """An index made from the committed template of version 4 (before `.fold`): setup adds the analyzer its new
    fields name (closing and reopening the index), then the fields, and the index answers folded filters."""
    old = json.loads(OLD_TEMPLATE.read_text())
    old["index_patterns"] = [f"{test_alias}-v*"]
    assert "news_fold" not in old["template"]["settings"]["analysis"]["analyzer"]
    es.indices.put_index_template(name=test_alias, **old)
    index = f"{test_alias}-v1"
    es.indices.create(index=index, aliases={test_alias: {"is_write_index": True}})
    report = setup(es, test_alias)
    assert report.created[0].startswith(f"template {test_alias} updated (_meta.version 4 → {template_version()}; ")
    assert report.created[1:] == [f"analyzer news_fold added to {index}", f"mapping of {index} updated"]
    assert es.cluster.health(index=index)["status"] in {"green", "yellow"}
    properties = es.indices.get_mapping(index=index)[index]["mappings"]["properties"]
    assert properties["source"]["fields"]["fold"]["analyzer"] == "news_fold"
    assert properties["date"]["type"] == "date"
    es.index(index=test_alias, id="a", document={"id": "a", "source": "BBC News", "authors": ["Zoé Lefèvre"]},
             refresh=True)
    assert es.count(index=test_alias, query={"match": {"source.fold": "bbc news"}})["count"] == 1
    assert es.count(index=test_alias, query={"match": {"authors.fold": "ZOE LEFEVRE"}})["count"] == 1
    assert setup(es, test_alias).created == []


def test_an_edit_without_a_version_bump_is_applied_and_named(es: Elasticsearch, test_alias: str) -> None:
    """Comparing only ``_meta.version`` left a changed setting silently unapplied on a cluster that had the
    template; the whole template is compared now, and what differs is said once."""
    setup(es, test_alias)
    edited = template_for(test_alias)
    edited["template"]["settings"]["index"]["refresh_interval"] = "5s"
    es.indices.put_index_template(name=test_alias, **edited)
    report = setup(es, test_alias)
    assert report.created == [f"template {test_alias} updated (index.refresh_interval 5s → 30s)"]
    assert setup(es, test_alias).created == []


def test_index_settings_from_the_environment_reach_template_and_live_indices(es: Elasticsearch,
                                                                             test_alias: str) -> None:
    setup(es, test_alias)
    ensure_store(es, test_alias)
    wanted = Settings(NEWSINDEX_REPLICAS=1, NEWSINDEX_REFRESH_INTERVAL="2s", NEWSINDEX_SHARDS=2).index_settings
    report = setup(es, test_alias, index_settings=wanted)
    index = f"{test_alias}-v1"
    assert report.created[0].startswith(f"template {test_alias} updated (index.number_of_replicas 0 → 1; ")
    assert f"{index} index.number_of_replicas 0 → 1" in report.created
    assert any("keeps 1 shards" in line for line in report.created)  # a shard count takes a new index
    store = deadletter_index(test_alias)
    changed = ensure_store(es, test_alias, wanted)
    assert f"{store} index.number_of_replicas 0 → 1" in changed and f"{store} index.refresh_interval (default) → 2s" \
        in changed
    for name in (index, store):
        live = es.indices.get_settings(index=name)[name]["settings"]["index"]
        assert (live["number_of_replicas"], live["refresh_interval"]) == ("1", "2s")
    assert es.indices.get_index_template(name=store)["index_templates"][0]["index_template"]["template"][
        "settings"]["index"]["number_of_shards"] == "2"
    assert [line for line in setup(es, test_alias, index_settings=wanted).created if "keeps" not in line] == []
    assert ensure_store(es, test_alias, wanted) == [f"{store} keeps 1 shards (2 apply to indices made from now on: "
                                                    f"`newsindex run --rebuild`)"]
    rebuilt = start_rebuild(es, test_alias)
    assert es.indices.get_settings(index=rebuilt)[rebuilt]["settings"]["index"]["number_of_shards"] == "2"
