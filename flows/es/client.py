"""One way to get a client: API key, else basic auth from the environment, else the local node's own superuser.

Every listed node goes to the client, so a request that finds its node gone (or, with several nodes, timed out) is
sent to another; requests spread over the nodes at random. Sniffing (``ES_SNIFF``) learns the other nodes of the
cluster from the first that answers, for deployments that list only a few seed hosts.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch, OrjsonSerializer
from elasticsearch import exceptions as es_exceptions

from flows.settings import Settings, without_credentials


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
    kwargs.update(transport_options(settings))
    return Elasticsearch(list(settings.es_urls), **kwargs)  # type: ignore[arg-type]


def transport_options(settings: Settings) -> dict[str, object]:
    """Enough retries that one request can visit every node. A timed-out request is sent elsewhere only when there
    is an elsewhere: on one node it would wait as long again on the node that is already slow (bulk writes carry
    deterministic ids, so a retried bulk cannot duplicate)."""
    hosts = len(settings.es_urls)
    options: dict[str, object] = {"max_retries": max(3, hosts), "retry_on_timeout": hosts > 1}
    if settings.es_sniff:
        options.update(sniff_on_start=True, sniff_on_node_failure=True, min_delay_between_sniffing=10,
                       sniff_timeout=5)
    return options


def hosts_label(settings: Settings) -> str:
    """The nodes as the user listed them, without any credentials written into a URL."""
    shown = [without_credentials(url) for url in settings.es_urls]
    return shown[0] if len(shown) == 1 else "any of " + ", ".join(shown)


def connect_checked(settings: Settings) -> Elasticsearch:
    """Fails fast with a message that says what to do, instead of failing later mid-run."""
    try:
        client = connect(settings)
    except (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout):  # sniff_on_start found no node
        raise Unreachable(f"Elasticsearch at {hosts_label(settings)} is unreachable: check ES_URL.") from None
    try:
        client.options(request_timeout=10).cluster.health()
    except es_exceptions.AuthenticationException as exc:
        raise Unreachable(f"Elasticsearch at {hosts_label(settings)} refused the credentials (401): check ES_API_KEY "
                          f"or ES_USERNAME/ES_PASSWORD.") from exc
    except es_exceptions.AuthorizationException:
        return client  # the node answered and accepted the credentials; this key just may not read cluster health
    except (es_exceptions.ConnectionError, es_exceptions.ConnectionTimeout):
        hint = "start it with `newsindex es start`" if settings.targets_local_node else "check ES_URL"
        raise Unreachable(f"Elasticsearch at {hosts_label(settings)} is unreachable (every node tried): {hint}.") \
            from None
    return client
