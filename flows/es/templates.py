"""Index templates compared whole, and index settings from the environment laid over them and over live indices.

Comparing only ``_meta.version`` let an edit of the file (or a new ``NEWSINDEX_REPLICAS``) go silently unapplied on
a cluster that already had the template. Elasticsearch gives a template back normalised (settings nested under
``index`` with every value a string), so both sides are flattened the same way before they are compared, and the
differences are named, so that ``newsindex setup`` can say what it changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from elasticsearch import Elasticsearch

# What a live index takes without being rebuilt; the number of shards is fixed when an index is created.
DYNAMIC_SETTINGS = ("number_of_replicas", "refresh_interval")


def with_index_settings(template: dict[str, Any], overrides: Mapping[str, object]) -> dict[str, Any]:
    """The template with the environment's index settings in place of the committed ones."""
    if not overrides:
        return template
    merged = copy.deepcopy(template)
    merged.setdefault("template", {}).setdefault("settings", {}).setdefault("index", {}).update(overrides)
    return merged


def flat_settings(settings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"index": {"number_of_shards": 1}}`` and ``{"number_of_shards": "1"}`` both become
    ``{"index.number_of_shards": "1"}``, as Elasticsearch stores them."""
    flat: dict[str, Any] = {}
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flat_settings(value, name + "."))
            continue
        if not name.startswith("index."):
            name = "index." + name
        flat[name] = [str(v) for v in value] if isinstance(value, list) else str(value).lower() \
            if isinstance(value, bool) else str(value)
    return flat


def template_changes(wanted: Mapping[str, Any], installed: Mapping[str, Any] | None) -> list[str]:
    """What putting ``wanted`` would change in ``installed`` (None: no template yet), one phrase per part."""
    if installed is None:
        return ["new"]
    changes: list[str] = []
    for part in ("index_patterns", "priority", "composed_of"):
        default: object = [] if part == "composed_of" else None
        if wanted.get(part, default) != installed.get(part, default):
            changes.append(part)
    meta_then, meta_now = installed.get("_meta") or {}, wanted.get("_meta") or {}
    if meta_then != meta_now:
        changes.append(f"_meta.version {meta_then.get('version')} → {meta_now.get('version')}"
                       if meta_then.get("version") != meta_now.get("version") else "_meta")
    then = flat_settings(installed.get("template", {}).get("settings", {}))
    now = flat_settings(wanted.get("template", {}).get("settings", {}))
    for name in sorted(set(then) | set(now)):
        if then.get(name) != now.get(name):
            changes.append(f"{name} {then.get(name, '(unset)')} → {now.get(name, '(unset)')}")
    if wanted.get("template", {}).get("mappings") != installed.get("template", {}).get("mappings"):
        changes.append("mappings")
    return changes


def put_if_changed(client: Elasticsearch, name: str, body: dict[str, Any]) -> list[str]:
    """Puts the template unless the installed one is the same; returns what changed (empty: nothing)."""
    current = client.options(ignore_status=404).indices.get_index_template(name=name)
    found = current.get("index_templates", []) if current.meta.status == 200 else []
    changes = template_changes(body, found[0]["index_template"] if found else None)
    if changes:
        client.indices.put_index_template(name=name, **body)
    return changes


def apply_to_index(client: Elasticsearch, index: str, overrides: Mapping[str, object]) -> list[str]:
    """Sets the dynamic settings the environment gives on a live index; a different shard count is reported, not
    applied (it takes a rebuild: ``newsindex run --rebuild``)."""
    if not overrides:
        return []
    live = flat_settings(client.indices.get_settings(index=index)[index]["settings"])
    wanted = flat_settings(overrides)
    dynamic = {name: value for name, value in wanted.items()
               if name.removeprefix("index.") in DYNAMIC_SETTINGS and live.get(name) != value}
    notes = [f"{index} {name} {live.get(name, '(default)')} → {value}" for name, value in sorted(dynamic.items())]
    if dynamic:
        client.indices.put_settings(index=index, settings=dynamic)
    shards = wanted.get("index.number_of_shards")
    if shards is not None and live.get("index.number_of_shards") != shards:
        notes.append(f"{index} keeps {live.get('index.number_of_shards')} shards ({shards} apply to indices made "
                     f"from now on: `newsindex run --rebuild`)")
    return notes
