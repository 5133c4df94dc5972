"""Several Elasticsearch hosts and index settings from the environment: parsed once, refused in one line."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.cli import main
from flows.es.client import hosts_label, transport_options
from flows.es.setup import template_for, template_version
from flows.es.templates import flat_settings, template_changes
from flows.settings import Settings
from flows.version import pipeline_version


def settings(**values: object) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


def test_a_comma_separated_es_url_gives_every_host_in_order() -> None:
    given = settings(ES_URL="http://a:9200, http://b:9201/,https://c")
    assert given.es_urls == ("http://a:9200", "http://b:9201", "https://c")
    assert (given.node_url, given.es_host, given.es_port) == ("http://a:9200", "a", 9200)
    assert not given.targets_local_node  # several nodes are a cluster: credentials must be given


def test_es_hosts_wins_over_es_url() -> None:
    given = settings(ES_URL="http://127.0.0.1:9200", ES_HOSTS="http://x:1,http://y:2")
    assert given.es_urls == ("http://x:1", "http://y:2")


def test_one_loopback_host_is_still_the_local_node() -> None:
    assert settings(ES_URL="http://127.0.0.1:9200").targets_local_node


@pytest.mark.parametrize("value", ["http://a:9200,,http://b:9200", "http://a:99999", "ftp://a", "a:9200",
                                   "http://a:9200,http://a:9200", "http://a:port", "http://a:9200?x=1"])
def test_a_malformed_host_list_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="ES_URL"):
        settings(ES_URL=value)


def test_a_malformed_list_is_one_line_on_the_command_line(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ES_URL", "http://user:secret@a:9200,http://b:notaport")
    assert main(["deadletters"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsindex: invalid value:") and "b:notaport" in err
    assert "Traceback" not in err and "secret" not in err


def test_the_unreachable_label_names_every_host_without_credentials() -> None:
    given = settings(ES_URL="http://u:pw@a:9200,http://b:9200")
    assert hosts_label(given) == "any of http://a:9200, http://b:9200"


def test_the_client_may_retry_on_every_node_and_sniffs_only_when_asked() -> None:
    one = transport_options(settings(ES_URL="http://a:9200"))
    assert one == {"max_retries": 3, "retry_on_timeout": False}
    five = transport_options(settings(ES_URL=",".join(f"http://n{i}:9200" for i in range(5)), ES_SNIFF="1"))
    assert five["max_retries"] == 5 and five["retry_on_timeout"] is True
    assert five["sniff_on_start"] is True and five["sniff_on_node_failure"] is True


def test_index_settings_from_the_environment() -> None:
    assert settings().index_settings == {}
    given = settings(NEWSINDEX_SHARDS="3", NEWSINDEX_REPLICAS="1", NEWSINDEX_REFRESH_INTERVAL="5s")
    assert given.index_settings == {"number_of_shards": 3, "number_of_replicas": 1, "refresh_interval": "5s"}
    for bad in ({"NEWSINDEX_SHARDS": "0"}, {"NEWSINDEX_REPLICAS": "-1"}, {"NEWSINDEX_REFRESH_INTERVAL": "soon"}):
        with pytest.raises(ValidationError):
            settings(**bad)


def test_index_settings_reach_both_templates_but_not_the_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    before = (pipeline_version(), template_version(), template_for("articles")["_meta"])
    overrides = settings(NEWSINDEX_SHARDS="3", NEWSINDEX_REPLICAS="1").index_settings
    for name in ("articles", "deadletter"):
        index = template_for("articles", name, overrides)["template"]["settings"]["index"]
        assert (index["number_of_shards"], index["number_of_replicas"]) == (3, 1)
    assert template_for("articles", "deadletter")["template"]["settings"]["index"]["number_of_replicas"] == \
        template_for("articles")["template"]["settings"]["index"]["number_of_replicas"]
    pipeline_version.cache_clear()
    monkeypatch.setenv("NEWSINDEX_REPLICAS", "2")
    assert (pipeline_version(), template_version(), template_for("articles", index_settings=overrides)["_meta"]) \
        == before  # replicas say nothing about a document: no re-enrichment


def test_templates_compare_as_elasticsearch_returns_them() -> None:
    wanted = template_for("articles")
    installed = {**wanted, "composed_of": [], "template": {  # stringified, as GET returns it
        **wanted["template"], "settings": flat_settings(wanted["template"]["settings"])}}
    assert template_changes(wanted, installed) == []
    changed = template_for("articles", index_settings={"number_of_replicas": 2})
    assert template_changes(changed, installed) == ["index.number_of_replicas 0 → 2"]
    assert template_changes(wanted, None) == ["new"]


def test_a_dead_letter_store_without_any_node_says_elasticsearch_is_unreachable() -> None:
    """A node killed mid-run is first felt by whatever writes next; when that is the dead-letter store the user
    must still read that Elasticsearch went away (and that a re-run finishes), not that one index is unhealthy."""
    from flows.index.deadletters import unavailable

    gone = str(unavailable("news-deadletter", "ConnectionError", cluster_answers=False))
    assert "unreachable" in gone and "run the same command again" in gone
    for cause in ("503 no_shard_available_action_exception", "ConnectionError"):  # a node of several gone
        red = str(unavailable("news-deadletter", cause, cluster_answers=True))
        assert "unreachable" not in red and "NEWSINDEX_REPLICAS" in red
