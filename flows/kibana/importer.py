"""`newsindex kibana import`: posts the saved objects to Kibana's import API.

All files go up in one request, so references between files (the dashboard's panels, the data view) resolve in
one import. ``overwrite=true`` makes a re-import after a change replace the objects instead of failing on
conflicts. Kibana authenticates with the same Elasticsearch users, so the credentials come from the settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from flows.kibana.objects import KIBANA_DIR
from flows.settings import Settings

DEFAULT_KIBANA_URL = "http://127.0.0.1:5601"
IMPORT_PATH = "/api/saved_objects/_import"


class KibanaError(RuntimeError):
    """Kibana could not be reached or refused the import; the message says what to do."""


@dataclass
class ImportResult:
    success_count: int
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"imported {self.success_count} saved object(s)", *(f"error: {e}" for e in self.errors)]


def kibana_url(explicit: str | None = None) -> str:
    return (explicit or os.environ.get("KIBANA_URL") or DEFAULT_KIBANA_URL).rstrip("/")


def kibana_auth(settings: Settings) -> dict[str, Any]:
    """httpx arguments for the same identity the Elasticsearch client uses."""
    if settings.es_api_key:
        return {"headers": {"Authorization": f"ApiKey {settings.es_api_key.get_secret_value()}"}}
    if settings.es_username and settings.es_password:
        return {"auth": (settings.es_username, settings.es_password.get_secret_value())}
    if settings.targets_local_node:
        from flows.es.node import read_credentials

        credentials = read_credentials(settings)
        if credentials:
            return {"auth": credentials}
    return {}


def bundle(directory: Path = KIBANA_DIR) -> bytes:
    files = sorted(directory.glob("*.ndjson"))
    if not files:
        raise KibanaError(f"no saved objects (*.ndjson) in {directory}")
    return b"".join(path.read_bytes().rstrip(b"\n") + b"\n" for path in files)


def _errors(body: dict[str, Any]) -> list[str]:
    return [f"{e.get('type')} {e.get('id')}: {e.get('error', {}).get('type')} {e.get('error', {}).get('message', '')}"
            .strip() for e in body.get("errors", [])]


def import_objects(settings: Settings, url: str | None = None, directory: Path = KIBANA_DIR,
                   timeout: float = 30.0) -> ImportResult:
    base = kibana_url(url)
    auth = kibana_auth(settings)
    headers = {"kbn-xsrf": "newsindex", **auth.pop("headers", {})}
    files = {"file": ("newsindex.ndjson", bundle(directory), "application/ndjson")}
    try:
        response = httpx.post(f"{base}{IMPORT_PATH}", params={"overwrite": "true"}, files=files, headers=headers,
                              timeout=timeout, **auth)
    except httpx.TransportError as exc:
        raise KibanaError(f"Kibana at {base} is unreachable ({type(exc).__name__}): start it (`docker compose up -d "
                          f"kibana`) or point --url / KIBANA_URL at it.") from None
    if response.status_code in (401, 403):
        raise KibanaError(f"Kibana at {base} refused the credentials ({response.status_code}): set ES_USERNAME/"
                          f"ES_PASSWORD (or ES_API_KEY) to a user that may manage saved objects.")
    if response.status_code != 200:
        raise KibanaError(f"Kibana at {base} answered {response.status_code}: {response.text[:300]}")
    body = response.json()
    return ImportResult(success_count=int(body.get("successCount", 0)), errors=_errors(body))
