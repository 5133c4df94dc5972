"""Renders the committed mustache search templates the way Elasticsearch's mustache engine does.

The same files are stored with ``PUT _scripts/<id>`` on a cluster that runs mustache; on any node (the local one
has no mustache) the CLI renders them here and sends the body to ``_search``. Either way the same query runs.
Elasticsearch adds ``{{#toJson}}``, ``{{#join}}`` and ``{{#url}}``; they are provided here as chevron lambdas.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import chevron  # type: ignore[import-untyped]  # no stubs in the lock (types-chevron exists on PyPI)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "index_mappings" / "search"


@cache
def template_source(name: str) -> str:
    path = TEMPLATES_DIR / f"{name}.mustache"
    if not path.is_file():
        raise KeyError(f"no search template {name!r} in {TEMPLATES_DIR}")
    return path.read_text()


def template_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.mustache"))


def lookup(params: Mapping[str, Any], dotted: str) -> Any:
    value: Any = params
    for part in dotted.strip().split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def es_lambdas(params: Mapping[str, Any]) -> dict[str, Callable[[str, Callable[[str], str]], str]]:
    def to_json(text: str, render: Callable[[str], str]) -> str:
        return json.dumps(lookup(params, text), ensure_ascii=False)

    def join(text: str, render: Callable[[str], str]) -> str:
        value = lookup(params, text)
        return ",".join(str(v) for v in value) if isinstance(value, list) else str(value or "")

    def url(text: str, render: Callable[[str], str]) -> str:
        return quote(render(text), safe="")

    return {"toJson": to_json, "join": join, "url": url}


def render(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The request body the template produces for these params; raises ValueError on invalid JSON."""
    data = {**params, **es_lambdas(params)}
    text = chevron.render(template_source(name), data)
    try:
        return json.loads(text)  # type: ignore[no-any-return]
    except json.JSONDecodeError as exc:
        raise ValueError(f"template {name} rendered invalid JSON for {sorted(params)}: {exc}") from exc
