"""Index setup as its own step (never a side effect of loading): template, versioned index, alias.

Everything reads and writes through the alias (``articles``); the concrete index is versioned (``articles-v1``,
``articles-v2`` …) so a rebuild fills a new index and swaps the alias atomically.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from flows.es.analysis import add_missing_analysis
from flows.es.templates import apply_to_index, put_if_changed, with_index_settings
from flows.index.layout import MONTH_SUFFIX, forget_layouts, live_indices, month_index, month_of, version_of

DEFAULT_ALIAS = "articles"
MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "index_mappings"


@cache
def load_template(name: str = "articles") -> dict[str, Any]:
    template: dict[str, Any] = json.loads((MAPPINGS_DIR / f"{name}.template.json").read_text())
    return template


def template_for(alias: str, name: str = "articles",
                 index_settings: Mapping[str, object] | None = None) -> dict[str, Any]:
    """A committed template with its index patterns bound to the configured alias (files are written for
    the default alias ``articles``) and the environment's index settings (``Settings.index_settings``) over its own."""
    template = copy.deepcopy(load_template(name))
    template["index_patterns"] = [alias + pattern.removeprefix(DEFAULT_ALIAS) for pattern in template["index_patterns"]]
    return with_index_settings(template, index_settings or {})


def template_said(name: str, changes: list[str]) -> list[str]:
    """What ``setup`` says of a template: made, or updated with what changed (said once)."""
    if not changes:
        return []
    return [f"template {name}"] if changes == ["new"] else [f"template {name} updated ({'; '.join(changes)})"]


def ensure_companion(client: Elasticsearch, alias: str, name: str, index: str,
                     index_settings: Mapping[str, object] | None = None) -> list[str]:
    """A one-index store beside the articles (dead letters, the entity registry): its template (with the
    environment's index settings, so it survives what the articles survive) and the index; returns what changed."""
    changes = template_said(index, put_if_changed(client, index, template_for(alias, name, index_settings)))
    if not client.indices.exists(index=index):
        client.options(ignore_status=400).indices.create(index=index)
        return [*changes, f"index {index}"]
    return changes + apply_to_index(client, index, index_settings or {})


COMPANIONS = ("deadletter", "entities")  # one-index stores beside the articles: ``<alias>-<name>``


def drop_family(client: Elasticsearch, alias: str) -> None:
    """Every index and template of an alias (tests and benchmarks clean up with it); by name, as the node refuses
    wildcard deletes (``action.destructive_requires_name``)."""
    names = list(client.indices.get(index=f"{alias}-*", expand_wildcards="all").keys())
    if names:
        client.indices.delete(index=names)
    forget_layouts()
    for template in (alias, *(f"{alias}-{name}" for name in COMPANIONS)):
        client.options(ignore_status=404).indices.delete_index_template(name=template)


def versioned_name(alias: str, version: int) -> str:
    return f"{alias}-v{version}"


def existing_versions(client: Elasticsearch, alias: str) -> list[int]:
    """Versions by their indices: ``articles-v2``, or its months ``articles-v2-2024.05``."""
    names = client.indices.get(index=f"{alias}-v*", expand_wildcards="open,closed").keys()
    pattern = re.compile(rf"^{re.escape(alias)}-v(\d+)(-\d{{4}}\.\d{{2}})?$")
    return sorted({int(m.group(1)) for name in names if (m := pattern.match(name))})


@dataclass
class SetupReport:
    template: str
    index: str
    alias: str
    created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        done = ", ".join(self.created) if self.created else "nothing new (already set up)"
        return [f"template {self.template}, index {self.index}, alias {self.alias} → {self.index}",
                f"created: {done}", *self.notes]


def put_template(client: Elasticsearch, alias: str, index_settings: Mapping[str, object] | None = None) -> list[str]:
    """Installs the template unless the installed one is the same, whole; returns what changed (``["new"]``)."""
    return put_if_changed(client, alias, template_for(alias, index_settings=index_settings))


def template_version() -> int:
    return int(load_template()["template"]["mappings"]["_meta"]["version"])


def index_version(client: Elasticsearch, index: str) -> int | None:
    """The template version the live index's mapping was made or last updated from (``_meta.version``)."""
    mappings = client.indices.get_mapping(index=index)[index]["mappings"]
    version = (mappings.get("_meta") or {}).get("version")
    return int(version) if version is not None else None


class MappingConflict(RuntimeError):
    """The live index cannot take the new template version in place; a rebuild can."""


def update_mapping(client: Elasticsearch, index: str) -> list[str]:
    """A new template version adds fields; the index behind the alias takes them in place (Elasticsearch accepts
    new fields on a live index), after the analysis components they name (``flows.es.analysis``). A change it
    cannot take (a field's type) needs ``newsindex run --rebuild``. Returns the analysis components added."""
    template = load_template()["template"]
    mappings = template["mappings"]
    try:
        added = add_missing_analysis(client, index, template["settings"].get("analysis", {}))
        client.indices.put_mapping(index=index, **mappings)
        return added
    except BadRequestError as exc:
        reason = exc.body.get("error", {}).get("reason", exc.message) if isinstance(exc.body, dict) else exc.message
        raise MappingConflict(f"The index {index} cannot take template version {template_version()} "
                              f"in place ({' '.join(reason.split())}): run `newsindex run --rebuild PATH...` to build "
                              f"a new index from the sources.") from exc


def create_index(client: Elasticsearch, name: str) -> None:
    """Settings and mappings come from the template; creating is enough. Another process may create it between
    our check and this call (two partitions starting on a new alias): the index it made is the one wanted."""
    try:
        client.indices.create(index=name)
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":
            raise


def setup(client: Elasticsearch, alias: str, upgrade: bool = True,
          index_settings: Mapping[str, object] | None = None, monthly: bool = False) -> SetupReport:
    """Idempotent: a second call creates nothing. ``upgrade`` off (a rebuild, which makes a new index anyway)
    leaves the live indices' mapping as it is. ``index_settings`` (replicas, refresh interval) are also set on the
    live indices. ``monthly`` (``flows.index.layout``) is how a new alias is laid out: one index, or one per month
    (this month's first); an alias that exists keeps its layout until a rebuild."""
    report = SetupReport(template=alias, index="", alias=alias)
    report.created += template_said(alias, put_template(client, alias, index_settings))
    forget_layouts()
    live = live_indices(client, alias)
    for index in live:
        report.created += apply_to_index(client, index, index_settings or {})
        if upgrade and (index_version(client, index) or 0) < template_version():
            added = update_mapping(client, index)
            report.created += [f"{component} added to {index}" for component in added]
            report.created.append(f"mapping of {index} updated")
    if live:
        report.index = version_of(live[-1])
        if monthly != any(MONTH_SUFFIX.match(index) for index in live):
            report.notes.append(f"{alias} is {'months' if not monthly else 'one index'}; NEWSINDEX_MONTHLY_INDICES="
                                f"{str(monthly).lower()} takes effect with `newsindex run --rebuild PATH...`")
        return report
    if client.indices.exists(index=alias):
        raise RuntimeError(f"An index named {alias!r} exists where the alias should be: delete or rename it.")
    versions = existing_versions(client, alias)
    report.index = versioned_name(alias, (versions[-1] if versions else 0) + 1)
    first = month_index(report.index, month_of({})) if monthly else report.index
    if not client.indices.exists(index=first):
        create_index(client, first)
        report.created.append(f"index {first}")
    single = {} if monthly else {"is_write_index": True}  # months are written by name, never through the alias
    client.indices.update_aliases(actions=[{"add": {"index": first, "alias": alias, **single}}])
    report.created.append(f"alias {alias}")
    forget_layouts()
    return report
