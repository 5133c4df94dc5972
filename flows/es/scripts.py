"""Stores the committed search templates on clusters that can run them.

A full Elasticsearch runs mustache, so applications call ``_search/template`` with an ``id`` and the cluster
renders the very files in ``index_mappings/search/``. The embedded local node ships without the lang-mustache
module; there the CLI renders the same files itself (``flows.search.render``), so nothing is stored and nothing
is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elasticsearch import Elasticsearch

from flows.search.render import template_names, template_source

MUSTACHE = "mustache"


def script_languages(response: Mapping[str, Any]) -> list[str]:
    """Languages a ``GET _script_language`` answer lists; an empty ``language_contexts`` means none."""
    return sorted(str(entry.get("language")) for entry in response.get("language_contexts", []))


def runs_mustache(client: Elasticsearch) -> bool:
    return MUSTACHE in script_languages(client.get_script_languages().body)


def store_templates(client: Elasticsearch) -> list[str] | None:
    """Stores every template as ``PUT _scripts/<name>``; None where the node has no mustache.

    Idempotent: a stored script of the same id is replaced, so re-running setup after a template change
    updates the cluster.
    """
    if not runs_mustache(client):
        return None
    stored = []
    for name in template_names():
        client.put_script(id=name, script={"lang": MUSTACHE, "source": template_source(name)})
        stored.append(name)
    return stored


def setup_message(result: list[str] | None) -> str:
    if result is None:
        return "search templates not stored: this node has no mustache (the CLI renders them)"
    return "search templates stored: " + (", ".join(result) if result else "none found")
