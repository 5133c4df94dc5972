"""Settings from the environment. Defaults point at the embedded local node so that nothing needs configuring."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_ES_URL = "http://127.0.0.1:9200"


def default_home() -> Path:
    """Where the local node, its data and its generated password live: a user cache, never the repo.

    As root the node runs as an unprivileged user that cannot enter /root, so root's cache is system-wide.
    """
    if os.environ.get("NEWSINDEX_HOME"):
        return Path(os.environ["NEWSINDEX_HOME"])
    if os.geteuid() == 0:
        return Path("/var/cache/newsindex")
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsindex"


def without_credentials(url: str) -> str:
    """A URL fit for a message: a user and password written into it are dropped."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else url.rpartition("@")[2]


def parse_hosts(value: str, variable: str = "ES_URL") -> tuple[str, ...]:
    """``http(s)://host[:port]`` items separated by commas; a path is kept (a proxy prefix), anything else refused."""
    hosts = tuple(item.strip().rstrip("/") for item in value.split(","))
    for host in hosts:
        try:
            parts = urlsplit(host)
            port = parts.port
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname or parts.query \
                or parts.fragment or (port is not None and not 0 < port < 65536):
            shown = without_credentials(host) if host else "(empty)"
            raise ValueError(f"{variable}: {shown!r} is not a URL like http://host:9200 (several: separate them "
                             f"with commas)")
    if len(set(hosts)) != len(hosts):
        raise ValueError(f"{variable}: a host is listed twice")
    return hosts


class Settings(BaseSettings):
    """Every setting of the tool. Secrets are SecretStr so they never show in reprs, logs or reports."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    es_url: str = Field(default=LOCAL_ES_URL, validation_alias="ES_URL",
                        description="Elasticsearch URL, or several separated by commas (nodes of one cluster).")
    es_hosts: str | None = Field(default=None, validation_alias="ES_HOSTS",
                                 description="Comma-separated node URLs; wins over ES_URL when set.")
    es_sniff: bool = Field(default=False, validation_alias="ES_SNIFF",
                           description="Ask the cluster for its other nodes at start and when one fails.")
    es_username: str | None = Field(default=None, validation_alias="ES_USERNAME",
                                    description="Basic-auth user; goes with ES_PASSWORD.")
    es_password: SecretStr | None = Field(default=None, validation_alias="ES_PASSWORD",
                                          description="Basic-auth password; goes with ES_USERNAME.")
    es_api_key: SecretStr | None = Field(
        default=None, validation_alias="ES_API_KEY", description="Base64 'id:key' API key; wins over basic auth."
    )
    es_ca_cert: Path | None = Field(default=None, validation_alias="ES_CA_CERT", description="CA for https.")
    es_request_timeout: float = Field(default=60.0, gt=0, le=600, validation_alias="ES_REQUEST_TIMEOUT",
                                      description="Seconds to wait for one Elasticsearch request.")
    # A plain index name: a wildcard or a comma would make "the alias" every index the credentials can read.
    index: str = Field(default="articles", validation_alias="NEWSINDEX_INDEX", pattern=r"^[a-z0-9][a-z0-9._-]{0,199}$",
                       description="Alias to read/write: lowercase letters, digits, '.', '_', '-'.")
    home: Path = Field(default_factory=default_home, validation_alias="NEWSINDEX_HOME",
                       description="The local node, its data and password; the local Prefect server's database.")
    prefect_port: int = Field(default=4200, ge=1, le=65535, validation_alias="NEWSINDEX_PREFECT_PORT",
                              description="Port of the embedded local Prefect server (`newsindex prefect start`).")
    # These three end up in a Maven coordinate, a path and the JVM's command line: shapes, not free text.
    es_version: str = Field(default="8.19.21", validation_alias="NEWSINDEX_ES_VERSION", pattern=r"^\d+\.\d+\.\d+$")
    es_heap_min: str = Field(default="512m", validation_alias="NEWSINDEX_ES_HEAP_MIN", pattern=r"^\d+[kmgKMG]?$")
    es_heap_max: str = Field(default="1g", validation_alias="NEWSINDEX_ES_HEAP_MAX", pattern=r"^\d+[kmgKMG]?$")
    es_node_settings: dict[str, str | int | float | bool] = Field(
        default_factory=dict, validation_alias="NEWSINDEX_ES_NODE_SETTINGS",
        description="Extra elasticsearch.yml settings for the local node, as JSON (e.g. thread pool sizes in tests).")
    shards: int | None = Field(default=None, ge=1, le=1024, validation_alias="NEWSINDEX_SHARDS",
                               description="Primary shards of new article and dead-letter indices.")
    replicas: int | None = Field(default=None, ge=0, le=32, validation_alias="NEWSINDEX_REPLICAS",
                                 description="Replicas of the article and dead-letter indices.")
    refresh_interval: str | None = Field(default=None, validation_alias="NEWSINDEX_REFRESH_INTERVAL",
                                         pattern=r"^(-1|\d+(ms|s|m|h))$",
                                         description="Refresh interval of both indices, e.g. 30s or -1.")
    monthly_indices: bool = Field(default=False, validation_alias="NEWSINDEX_MONTHLY_INDICES", description=(
        "One article index per month of publication (else of first sight) behind the alias, for clusters that keep "
        "years of news; takes effect on a new alias or with `newsindex run --rebuild`."))
    max_new_months: int = Field(default=24, ge=1, le=1200, validation_alias="NEWSINDEX_MAX_NEW_MONTHS", description=(
        "Month indices one run may create (monthly layout): each is a shard or more on the cluster, so a feed of "
        "dates spread over a century cannot exhaust the cluster's shard limit; the articles of months beyond it "
        "are dead-lettered (month_index_refused) and the next run makes the next ones."))
    es_start_timeout: float = Field(default=180.0, gt=0, le=1800, validation_alias="NEWSINDEX_ES_START_TIMEOUT")

    @field_validator("es_node_settings")
    @classmethod
    def _plain_setting_names(cls, value: dict[str, str | int | float | bool]) -> dict[str, str | int | float | bool]:
        """Names are written unquoted into elasticsearch.yml: a newline or a colon in one would add other settings."""
        bad = [name for name in value if not re.fullmatch(r"[A-Za-z0-9_.-]+", name)]
        if bad:
            raise ValueError(f"setting names may hold only letters, digits, '.', '_' and '-': {bad}")
        return value

    @model_validator(mode="after")
    def _basic_auth_in_pairs(self) -> Settings:
        """Half of a basic-auth pair would be ignored, and the run would go on as the local node's superuser (or
        fail with a 401 that does not say why): refused, naming what is missing."""
        if self.es_api_key is None and (self.es_username is None) != (self.es_password is None):
            given, missing = ("ES_PASSWORD", "ES_USERNAME") if self.es_username is None else \
                ("ES_USERNAME", "ES_PASSWORD")
            raise ValueError(f"{given} is set but {missing} is not: basic auth needs both (or set ES_API_KEY)")
        return self

    @model_validator(mode="after")
    def _hosts_parse(self) -> Settings:
        """A bad host fails here, as one line naming the variable, rather than as a traceback at first use."""
        parse_hosts(self.es_hosts if self.es_hosts is not None else self.es_url,
                    "ES_HOSTS" if self.es_hosts is not None else "ES_URL")
        return self

    @cached_property
    def es_urls(self) -> tuple[str, ...]:
        """Every node the client may use, in the order given: the first is tried first."""
        if self.es_hosts is not None:
            return parse_hosts(self.es_hosts, "ES_HOSTS")
        return parse_hosts(self.es_url, "ES_URL")

    @property
    def node_url(self) -> str:
        """The node the local node manager starts and watches: the first listed."""
        return self.es_urls[0]

    @cached_property
    def es_host(self) -> str:
        """The first node's host: the one the local node manager starts."""
        return urlsplit(self.es_urls[0]).hostname or "127.0.0.1"

    @cached_property
    def es_port(self) -> int:
        return urlsplit(self.es_urls[0]).port or 9200

    @property
    def targets_local_node(self) -> bool:
        """The embedded node serves plain http on loopback; anything else (several hosts too) is a user's cluster."""
        parts = urlsplit(self.es_urls[0])
        return len(self.es_urls) == 1 and parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost"}

    @property
    def index_settings(self) -> dict[str, str | int]:
        """Index settings from the environment, laid over both templates. Deliberately outside the pipeline
        version: how the index is spread over nodes says nothing about what a document holds."""
        given = {"number_of_shards": self.shards, "number_of_replicas": self.replicas,
                 "refresh_interval": self.refresh_interval}
        return {name: value for name, value in given.items() if value is not None}

    @property
    def deadletter_index(self) -> str:
        return f"{self.index}-deadletter"
