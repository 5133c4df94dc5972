"""The Kibana saved objects, checked without Kibana: fields against the mapping, references between objects,
and the import request as it leaves this tool (received by a local HTTP listener, not by Kibana)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import SecretStr

from flows.es.setup import load_template
from flows.kibana.importer import KibanaError, bundle, import_objects
from flows.kibana.objects import field_problems, field_uses, load_objects, mapping_types, reference_problems
from flows.settings import Settings

MAPPING = load_template()["template"]["mappings"]
OBJECTS = load_objects()


def by_type(kind: str) -> list[dict]:
    return [obj for obj in OBJECTS if obj["type"] == kind]


def test_every_field_exists_and_aggregated_ones_are_aggregatable() -> None:
    assert field_problems(OBJECTS, MAPPING) == []


def test_every_reference_resolves() -> None:
    assert reference_problems(OBJECTS) == []


def test_data_view_is_the_alias_with_published_at_as_time_field() -> None:
    (view,) = by_type("index-pattern")
    assert view["attributes"]["title"] == "articles"
    assert view["attributes"]["timeFieldName"] == "published_at"


def test_saved_search_shows_the_useful_columns() -> None:
    (search,) = by_type("search")
    assert search["attributes"]["columns"] == ["title", "source", "language", "entities.person", "published_at"]


def test_dashboard_covers_time_languages_entities_sources_and_date_mentions() -> None:
    (dashboard,) = by_type("dashboard")
    panel_ids = {ref["id"] for ref in dashboard["references"]}
    aggregated = {use.field for use in field_uses(OBJECTS) if use.aggregated and use.object_id in panel_ids}
    assert {"published_at", "language", "entities.person", "entities.organization", "entities.location",
            "source", "mentioned_dates"} <= aggregated
    assert all(obj["attributes"]["visualizationType"] in {"lnsXY", "lnsPie"} for obj in by_type("lens"))


# Highest migration of each type in Kibana's own 8.x sample data / Lens migrations (8.9.0). Kibana refuses an
# object that claims a newer version than it knows, so these must not grow past what 8.19 ships.
SAFE_VERSIONS = {"index-pattern": "7.11.0", "search": "7.9.3", "lens": "8.9.0", "dashboard": "8.7.0"}


def test_objects_claim_migration_versions_kibana_8_knows() -> None:
    def version(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("."))

    for obj in OBJECTS:
        assert obj["coreMigrationVersion"] == "8.8.0"
        assert version(obj["typeMigrationVersion"]) <= version(SAFE_VERSIONS[obj["type"]]), obj["id"]


def test_mapping_types_include_multi_fields_and_objects() -> None:
    types = mapping_types(MAPPING["properties"])
    assert types["title"] == "text" and types["title.raw"] == "keyword" and types["entities.person"] == "keyword"


def test_a_terms_chart_on_a_text_field_is_reported() -> None:
    broken = copy.deepcopy(OBJECTS)
    lens = next(obj for obj in broken if obj["id"] == "newsindex-lens-persons")
    lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]["layer1"]["columns"]["x"][
        "sourceField"] = "body"
    assert field_problems(broken, MAPPING) == ["newsindex-lens-persons: field 'body' is text, not aggregatable"]


def test_a_missing_field_and_a_dangling_reference_are_reported() -> None:
    broken = copy.deepcopy(OBJECTS)
    next(obj for obj in broken if obj["type"] == "search")["attributes"]["columns"].append("entities.people")
    broken = [obj for obj in broken if obj["id"] != "newsindex-lens-languages"]
    assert field_problems(broken, MAPPING) == [
        "newsindex-articles-search: field 'entities.people' is not in the mapping"]
    assert any("newsindex-lens-languages is not in the files" in p for p in reference_problems(broken))


class Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.requests.append((self.path, dict(self.headers), body))
        answer = json.dumps({"success": True, "successCount": len(OBJECTS)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.requests = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_import_posts_every_object_with_xsrf_header_and_basic_auth(listener: str) -> None:
    settings = Settings(ES_URL="https://es.example:9200", ES_USERNAME="elastic", ES_PASSWORD=SecretStr("pw"))
    result = import_objects(settings, url=listener)
    assert result.success_count == len(OBJECTS) and result.errors == []
    ((path, headers, body),) = Recorder.requests
    assert path == "/api/saved_objects/_import?overwrite=true"
    assert headers["kbn-xsrf"] and headers["Authorization"] == "Basic ZWxhc3RpYzpwdw=="
    assert headers["Content-Type"].startswith("multipart/form-data") and bundle() in body


def test_unreachable_kibana_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    port = server.server_port
    server.server_close()  # a port nothing listens on
    monkeypatch.setenv("KIBANA_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(KibanaError, match=f"127.0.0.1:{port} is unreachable"):
        import_objects(Settings(ES_URL="https://es.example:9200"), timeout=5)
    with pytest.raises(KibanaError, match="no saved objects"):
        bundle(tmp_path)
