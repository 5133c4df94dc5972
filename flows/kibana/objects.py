"""The Kibana saved objects in ``kibana/*.ndjson`` and what they need from the index mappings.

Kibana cannot run everywhere this project runs, so the objects are checked statically instead: every field
they show, sort or aggregate on must exist in the committed mapping of the index their data view names (the
articles alias, or the dead-letter index; aggregations need doc values: keyword, date, numeric, boolean), and
every reference between objects must name an object in the files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIBANA_DIR = Path(__file__).resolve().parents[2] / "kibana"
AGGREGATABLE = {"keyword", "date", "date_nanos", "boolean", "integer", "long", "short", "byte", "float",
                "double", "half_float", "scaled_float", "unsigned_long", "ip"}
RECORDS = "___records___"  # Lens' pseudo-field for count()
_KQL_FIELD = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*:")


@dataclass(frozen=True)
class FieldUse:
    object_id: str
    field: str
    aggregated: bool
    data_view: str  # id of the data view whose index must have the field


def committed_mappings() -> dict[str, Mapping[str, Any]]:
    """Data view title (the index pattern Kibana queries) → the committed mapping behind it."""
    from flows.es.setup import load_template

    return {"articles": load_template("articles")["template"]["mappings"],
            "articles-deadletter": load_template("deadletter")["template"]["mappings"]}


def data_view_of(obj: dict[str, Any]) -> str:
    if obj["type"] == "index-pattern":
        return str(obj["id"])
    views = [ref["id"] for ref in obj.get("references", []) if ref["type"] == "index-pattern"]
    return str(views[0]) if views else ""


def load_objects(directory: Path = KIBANA_DIR) -> list[dict[str, Any]]:
    objects = []
    for path in sorted(directory.glob("*.ndjson")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip():
                try:
                    objects.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path.name}:{number}: not JSON: {exc}") from exc
    return objects


def mapping_types(properties: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted field name → mapping type, with multi-fields (``title.raw``) and object sub-fields."""
    types: dict[str, str] = {}
    for name, spec in properties.items():
        dotted = f"{prefix}{name}"
        types[dotted] = spec.get("type", "object")
        types.update(mapping_types(spec.get("properties", {}), f"{dotted}."))
        types.update(mapping_types(spec.get("fields", {}), f"{dotted}."))
    return types


def kql_fields(query: str) -> list[str]:
    return _KQL_FIELD.findall(query)


def _lens_uses(obj: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    state = obj["attributes"]["state"]
    for layer in state["datasourceStates"]["formBased"]["layers"].values():
        for column in layer["columns"].values():
            field = column.get("sourceField")
            if field and field != RECORDS:  # every Lens operation on a field runs an aggregation on it
                yield field, True
    for field in kql_fields(state.get("query", {}).get("query", "")):
        yield field, False


def _search_uses(obj: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    attributes = obj["attributes"]
    for field in attributes.get("columns", []):
        yield field, False
    for field, _direction in attributes.get("sort", []):
        yield field, True  # sorting needs doc values like aggregating
    source = json.loads(attributes["kibanaSavedObjectMeta"]["searchSourceJSON"])
    for field in kql_fields(source.get("query", {}).get("query", "")):
        yield field, False


def _data_view_uses(obj: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    attributes = obj["attributes"]
    if attributes.get("timeFieldName"):
        yield attributes["timeFieldName"], True
    for entry in json.loads(attributes.get("sourceFilters") or "[]"):
        yield entry["value"], False


def field_uses(objects: list[dict[str, Any]]) -> list[FieldUse]:
    readers = {"lens": _lens_uses, "search": _search_uses, "index-pattern": _data_view_uses}
    return [FieldUse(obj["id"], field, aggregated, data_view_of(obj))
            for obj in objects if obj["type"] in readers for field, aggregated in readers[obj["type"]](obj)]


def field_problems(objects: list[dict[str, Any]], mappings: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """``mappings``: data view title → mapping (``committed_mappings()``)."""
    titles = {obj["id"]: obj["attributes"].get("title") for obj in objects if obj["type"] == "index-pattern"}
    types = {title: mapping_types(mapping["properties"]) for title, mapping in mappings.items()}
    problems = []
    for use in field_uses(objects):
        title = titles.get(use.data_view)
        if title not in types:
            problems.append(f"{use.object_id}: data view {use.data_view!r} ({title}) has no committed mapping")
            continue
        kind = types[title].get(use.field)
        if kind is None:
            problems.append(f"{use.object_id}: field {use.field!r} is not in the mapping of {title}")
        elif use.aggregated and kind not in AGGREGATABLE:
            problems.append(f"{use.object_id}: field {use.field!r} is {kind}, not aggregatable")
    return problems


def _panel_refs(obj: dict[str, Any]) -> list[str]:
    panels = json.loads(obj["attributes"].get("panelsJSON") or "[]")
    return [f"{panel['panelIndex']}:{panel['panelRefName']}" for panel in panels if panel.get("panelRefName")]


def _named_refs(obj: dict[str, Any]) -> list[str]:
    """Reference names the object's own attributes point at; each must be in its references."""
    if obj["type"] == "dashboard":
        return _panel_refs(obj)
    if obj["type"] == "lens":
        layers = obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
        return [f"indexpattern-datasource-layer-{layer}" for layer in layers]
    if obj["type"] == "search":
        source = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        return [source["indexRefName"]] if source.get("indexRefName") else []
    return []


def reference_problems(objects: list[dict[str, Any]]) -> list[str]:
    known = {(obj["type"], obj["id"]) for obj in objects}
    problems = []
    for obj in objects:
        names = {ref["name"] for ref in obj.get("references", [])}
        for ref in obj.get("references", []):
            if (ref["type"], ref["id"]) not in known:
                problems.append(f"{obj['id']}: reference {ref['name']} → {ref['type']} {ref['id']} is not in the files")
        problems.extend(f"{obj['id']}: {name} has no reference" for name in _named_refs(obj) if name not in names)
    ids = [(obj["type"], obj["id"]) for obj in objects]
    problems.extend(f"duplicate object {kind} {oid}" for kind, oid in sorted(set(ids)) if ids.count((kind, oid)) > 1)
    return problems
