"""Settings, the committed template and docker-compose: checks that need no server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from flows.es.setup import load_template, template_for
from flows.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_point_at_the_local_node(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ES_URL", "ES_USERNAME", "ES_PASSWORD", "ES_API_KEY", "NEWSINDEX_INDEX", "NEWSINDEX_HOME"):
        monkeypatch.delenv(var, raising=False)
    settings = Settings()
    assert settings.es_url == "http://127.0.0.1:9200"
    assert settings.index == "articles"
    assert settings.targets_local_node
    assert ".cache" in str(settings.home) or str(settings.home) == "/var/cache/newsindex"


def test_settings_come_from_the_environment_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ES_URL", "https://es.example:9243")
    monkeypatch.setenv("ES_PASSWORD", "s3cret-value")
    monkeypatch.setenv("ES_API_KEY", "a2V5LXNlY3JldA==")
    monkeypatch.setenv("NEWSINDEX_INDEX", "news")
    monkeypatch.setenv("HOME", "/somewhere/else")  # a generic name must not leak into a setting
    settings = Settings()
    assert (settings.es_host, settings.es_port, settings.index) == ("es.example", 9243, "news")
    assert not settings.targets_local_node
    shown = repr(settings) + str(settings.model_dump())
    assert "s3cret-value" not in shown and "a2V5LXNlY3JldA==" not in shown
    assert "/somewhere/else" not in str(settings.home)


def test_every_mapped_field_has_a_description_or_is_structural() -> None:
    described = {"keyword", "text", "date", "float", "flattened"}
    structural = ("date_mentions", "passages", "origin", "duplicates", "lineage")  # sub-fields of documented objects

    def walk(props: dict, prefix: str = "") -> list[str]:
        missing = []
        for name, spec in props.items():
            if "properties" in spec:
                missing += walk(spec["properties"], f"{prefix}{name}.")
            elif spec.get("type") in described and "meta" not in spec and not prefix.startswith(structural):
                missing.append(prefix + name)
        return missing

    for name in ("articles", "deadletter", "entities"):
        template = load_template(name)
        assert template["template"]["mappings"]["dynamic"] == "strict"
        assert isinstance(template["_meta"]["version"], int)
        assert walk(template["template"]["mappings"]["properties"]) == [], name


def test_template_pattern_follows_the_alias() -> None:
    assert template_for("news")["index_patterns"] == ["news-v*"]
    assert template_for("articles")["index_patterns"] == ["articles-v*"]


def test_docker_compose_pins_the_local_node_version() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    version = Settings().es_version
    images = {name: spec["image"] for name, spec in services.items() if "image" in spec}
    assert images["elasticsearch"] == f"docker.elastic.co/elasticsearch/elasticsearch:{version}"
    assert images["kibana"] == f"docker.elastic.co/kibana/kibana:{version}"
    prefect_pin = re.search(r"^prefect==([\d.]+)", (ROOT / "requirements.lock").read_text(), re.M)
    assert prefect_pin and images["prefect-server"].startswith(f"prefecthq/prefect:{prefect_pin.group(1)}-")
    es_env = services["elasticsearch"]["environment"]
    assert "xpack.security.enabled=true" in es_env
    assert any(item.startswith("ELASTIC_PASSWORD=${ELASTIC_PASSWORD") for item in es_env)
    assert services["kibana"]["depends_on"]
    env_example = (ROOT / ".env.example").read_text()
    for var in re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()):
        assert f"{var}=" in env_example, f"{var} is not explained in .env.example"
