"""Analysis components (normalizers, analyzers, filters) a new template version adds to a live index.

A mapping that names a normalizer the index does not have is refused, and analysis settings can only change on a
closed index: so the missing components go in first (close, put settings, open), then the mapping. Components the
index already has are never redefined: changing one would change how indexed terms were made, which only a
rebuild can do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elasticsearch import Elasticsearch

COMPONENTS = ("char_filter", "tokenizer", "filter", "normalizer", "analyzer")


def missing_components(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The components of ``wanted`` (a template's ``analysis``) that ``live`` (the index's) has no entry for."""
    missing: dict[str, dict[str, Any]] = {}
    for kind in COMPONENTS:
        have = live.get(kind, {})
        added = {name: spec for name, spec in wanted.get(kind, {}).items() if name not in have}
        if added:
            missing[kind] = added
    return missing


def live_analysis(client: Elasticsearch, index: str) -> dict[str, Any]:
    settings = client.indices.get_settings(index=index, flat_settings=False)[index]["settings"]
    analysis: dict[str, Any] = settings.get("index", {}).get("analysis", {})
    return analysis


def add_missing_analysis(client: Elasticsearch, index: str, wanted: Mapping[str, Any]) -> list[str]:
    """Adds what the index lacks; returns ``kind name`` of each component added (none: the index stays open)."""
    missing = missing_components(live_analysis(client, index), wanted)
    if not missing:
        return []
    client.indices.close(index=index, wait_for_active_shards="all")
    try:
        client.indices.put_settings(index=index, settings={"analysis": missing})
    finally:  # a failed update must not leave the index behind the alias closed
        client.indices.open(index=index, wait_for_active_shards="all")
    client.cluster.health(index=index, wait_for_status="yellow", timeout="30s")
    return [f"{kind} {name}" for kind, specs in missing.items() for name in specs]
