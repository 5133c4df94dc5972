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


class Settings(BaseSettings):
    """Every setting of the tool. Secrets are SecretStr so they never show in reprs, logs or reports."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    es_url: str = Field(default=LOCAL_ES_URL, validation_alias="ES_URL", description="Elasticsearch URL.")
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

    @cached_property
    def es_host(self) -> str:
        return urlsplit(self.es_url).hostname or "127.0.0.1"

    @cached_property
    def es_port(self) -> int:
        return urlsplit(self.es_url).port or 9200

    @property
    def targets_local_node(self) -> bool:
        """The embedded node serves plain http on loopback; anything else is a user's cluster."""
        parts = urlsplit(self.es_url)
        return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost"}

    @property
    def deadletter_index(self) -> str:
        return f"{self.index}-deadletter"
