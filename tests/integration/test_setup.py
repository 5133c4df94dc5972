"""`newsindex setup` is idempotent and produces exactly one template, one versioned index and one alias."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from flows.es.setup import setup

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
