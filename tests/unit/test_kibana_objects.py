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
from flows.kibana.objects import (
    committed_mappings,
    field_problems,
    field_uses,
    load_objects,
    mapping_types,
    reference_problems,
)
from flows.settings import Settings

MAPPING = load_template()["template"]["mappings"]
MAPPINGS = committed_mappings()
OBJECTS = load_objects()


def by_type(kind: str) -> list[dict]:
    return [obj for obj in OBJECTS if obj["type"] == kind]


def test_every_field_exists_and_aggregated_ones_are_aggregatable() -> None:
    assert field_problems(OBJECTS, MAPPINGS) == []


def test_every_reference_resolves() -> None:
    assert reference_problems(OBJECTS) == []


def by_id(object_id: str) -> dict:
    (found,) = [obj for obj in OBJECTS if obj["id"] == object_id]
    return found


def test_articles_data_view_is_the_alias_with_the_date_every_document_has_as_time_field() -> None:
    view = by_id("newsindex-articles")
    assert view["attributes"]["title"] == "articles"
    assert view["attributes"]["timeFieldName"] == "date"
    assert MAPPING["properties"]["date"]["type"] == "date"


def test_saved_search_shows_the_useful_columns_newest_first() -> None:
    search = by_id("newsindex-articles-search")
    assert search["attributes"]["columns"] == ["title", "source", "language", "entities.person", "date",
                                               "date_source"]
    assert search["attributes"]["sort"] == [["date", "desc"]]


def test_a_dead_letter_data_view_and_search_show_the_failures_by_time() -> None:
    view = by_id("newsindex-deadletters")
    assert (view["attributes"]["title"], view["attributes"]["timeFieldName"]) == ("articles-deadletter", "failed_at")
    search = by_id("newsindex-deadletters-search")
    assert {"stage", "reason", "detail", "origin.path"} <= set(search["attributes"]["columns"])
    assert [ref["id"] for ref in search["references"]] == ["newsindex-deadletters"]
    assert all(use.data_view == "newsindex-deadletters" for use in field_uses([view, search]))


def test_a_dead_letter_field_is_checked_against_the_dead_letter_mapping() -> None:
    broken = copy.deepcopy(OBJECTS)
    next(obj for obj in broken if obj["id"] == "newsindex-deadletters-search")["attributes"]["columns"].append(
        "title")  # an article field: not in the dead-letter index
    assert field_problems(broken, MAPPINGS) == [
        "newsindex-deadletters-search: field 'title' is not in the mapping of articles-deadletter"]


def test_charts_use_the_date_and_the_mentions_in_range() -> None:
    def x_field(object_id: str) -> str:
        layers = by_id(object_id)["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]
        return str(layers["layer1"]["columns"]["x"]["sourceField"])

    assert x_field("newsindex-lens-articles-over-time") == "date"
    assert x_field("newsindex-lens-date-mentions") == "mentioned_dates_in_range"


def test_dashboard_covers_time_languages_entities_sources_and_date_mentions() -> None:
    (dashboard,) = by_type("dashboard")
    panel_ids = {ref["id"] for ref in dashboard["references"]}
    aggregated = {use.field for use in field_uses(OBJECTS) if use.aggregated and use.object_id in panel_ids}
    assert {"date", "language", "entities.person", "entities.organization", "entities.location",
            "source", "mentioned_dates_in_range"} <= aggregated
    assert all(obj["attributes"]["visualizationType"] in {"lnsXY", "lnsPie"} for obj in by_type("lens"))


# The versions an export from Kibana 8.19 writes: the last legacy migration of index-pattern (8.0.0), lens (8.9.0)
# and visualization (8.5.0); types moved to model versions write 10.<model version>.0 (search 10.5.0, dashboard
# 10.2.0); every object's coreMigrationVersion is 8.8.0. Kibana refuses an object that claims a newer version than
# it knows, and runs no migration on one that claims its own: the attributes must be in that version's format.
KIBANA_8_19_VERSIONS = {"index-pattern": "8.0.0", "search": "10.5.0", "lens": "8.9.0", "dashboard": "10.2.0",
                        "visualization": "8.5.0"}


def test_objects_claim_the_migration_versions_kibana_8_19_writes() -> None:
    for obj in OBJECTS:
        assert obj["coreMigrationVersion"] == "8.8.0", obj["id"]
        assert obj["typeMigrationVersion"] == KIBANA_8_19_VERSIONS[obj["type"]], obj["id"]
        assert "migrationVersion" not in obj, obj["id"]  # the pre-8.8 field; an export has the two above


def test_mapping_types_include_multi_fields_and_objects() -> None:
    types = mapping_types(MAPPING["properties"])
    assert types["title"] == "text" and types["title.raw"] == "keyword" and types["entities.person"] == "keyword"


def test_a_terms_chart_on_a_text_field_is_reported() -> None:
    broken = copy.deepcopy(OBJECTS)
    lens = next(obj for obj in broken if obj["id"] == "newsindex-lens-persons")
    lens["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]["layer1"]["columns"]["x"][
        "sourceField"] = "body"
    assert field_problems(broken, MAPPINGS) == ["newsindex-lens-persons: field 'body' is text, not aggregatable"]


def test_a_missing_field_and_a_dangling_reference_are_reported() -> None:
    broken = copy.deepcopy(OBJECTS)
    next(obj for obj in broken if obj["id"] == "newsindex-articles-search")["attributes"]["columns"].append(
        "entities.people")
    broken = [obj for obj in broken if obj["id"] != "newsindex-lens-languages"]
    assert field_problems(broken, MAPPINGS) == [
        "newsindex-articles-search: field 'entities.people' is not in the mapping of articles"]
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
