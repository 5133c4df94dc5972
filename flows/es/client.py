"""One way to get a client: API key, else basic auth from the environment, else the local node's own superuser."""

from __future__ import annotations

from elasticsearch import Elasticsearch, OrjsonSerializer
from elasticsearch import exceptions as es_exceptions

from flows.settings import Settings


class Unreachable(RuntimeError):
    """Elasticsearch did not answer; raised before any work is recorded as done."""


def connect(settings: Settings) -> Elasticsearch:
    kwargs: dict[str, object] = {"request_timeout": settings.es_request_timeout, "serializer": OrjsonSerializer()}
    if settings.es_ca_cert:
        kwargs["ca_certs"] = str(settings.es_ca_cert)
    if settings.es_api_key:
        kwargs["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username and settings.es_password:
        kwargs["basic_auth"] = (settings.es_username, settings.es_password.get_secret_value())
    elif settings.targets_local_node:
        from flows.es.node import read_credentials

        credentials = read_credentials(settings)
        if credentials:
            kwargs["basic_auth"] = credentials
    return Elasticsearch(settings.es_url, **kwargs)  # type: ignore[arg-type]


def connect_checked(settings: Settings) -> Elasticsearch:
    """Fails fast with a message that says what to do, instead of failing later mid-run."""
    client = connect(settings)
    try:
        client.options(request_timeout=10).cluster.health()
    except es_exceptions.AuthenticationException as exc:
        raise Unreachable(f"Elasticsearch at {settings.es_url} refused the credentials (401): check ES_API_KEY "
                          f"or ES_USERNAME/ES_PASSWORD.") from exc
    except es_exceptions.AuthorizationException:
        return client  # the node answered and accepted the credentials; this key just may not read cluster health
    except (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout):
        hint = "start it with `newsindex es start`" if settings.targets_local_node else "check ES_URL"
        raise Unreachable(f"Elasticsearch at {settings.es_url} is unreachable: {hint}.") from None
    return client
