"""What a document costs Elasticsearch to index, by part of the mapping: the bulk phase alone, per variant.

    .venv/bin/python -m benchmarks.bulk_variants [--from-alias ALIAS] [--copies 3]

Without ``--from-alias`` it first runs the flow over the BBC corpus into a fresh alias (as benchmarks.pipeline does)
to get real enriched documents. Then, for each variant of the committed template (the full mapping; passages
without the ``std`` sub-field, as committed; passages not indexed; only the body), it creates an index, bulk-loads
``copies`` copies of every document (distinct ids) with the flow's own ``bulk_load`` and prints docs/s and
Elasticsearch CPU milliseconds per document (read from the node's pid), every variant once per round. Every index it
creates is deleted.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from benchmarks.pipeline import BBC, TOPICS, bench_alias, cpu_seconds, elasticsearch_process, run_flow

Mapping = dict[str, Any]


def with_std_passages(properties: Mapping) -> None:
    properties["passages"]["properties"]["text"]["fields"] = {"std": {"type": "text", "analyzer": "news_standard"}}


def passages_not_indexed(properties: Mapping) -> None:
    properties["passages"] = {"type": "object", "enabled": False}


VARIANTS: dict[str, tuple[Callable[[Mapping], None] | None, Callable[[Mapping], Mapping] | None]] = {
    "committed mapping": (None, None),
    "passages with a std sub-field": (with_std_passages, None),
    "passages not indexed": (passages_not_indexed, None),
    "body only": (None, lambda doc: {"id": doc["id"], "body": doc["body"]}),
}


def load_variant(client: Any, name: str, docs: list[Mapping], change: Callable[[Mapping], None] | None,
                 slim: Callable[[Mapping], Mapping] | None) -> tuple[float, float]:
    from flows.es.setup import load_template
    from flows.index.bulk import bulk_load

    template = copy.deepcopy(load_template()["template"])
    if change:
        change(template["mappings"]["properties"])
    index = f"bulk-variant-{abs(hash(name)) % 10**8}"
    client.options(ignore_status=404).indices.delete(index=index)
    client.indices.create(index=index, settings=template["settings"], mappings=template["mappings"])
    actions = [{"_op_type": "index", "_index": index, "_id": doc["id"], "_source": slim(doc) if slim else doc}
               for doc in docs]
    node = elasticsearch_process()
    cpu, started = cpu_seconds(node), time.perf_counter()
    ok = sum(1 for item in bulk_load(client, actions) if item.ok)
    seconds, cpu = time.perf_counter() - started, cpu_seconds(node) - cpu
    client.indices.delete(index=index)
    return ok / seconds, 1000 * cpu / max(ok, 1)


def main(argv: list[str] | None = None) -> int:
    from elasticsearch.helpers import scan

    from flows.es.client import connect
    from flows.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from-alias", help="an alias already holding enriched documents (skips the flow run)")
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="every variant once per round, in turn")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        alias = args.from_alias
        if alias is None:
            alias = stack.enter_context(bench_alias())
            run_flow([BBC / topic for topic in TOPICS], workers=2)
        client = connect(Settings())
        found = [hit["_source"] for hit in scan(client, index=alias, query={"query": {"match_all": {}}})]
        docs = [{**doc, "id": f"{doc['id']}-{n}"} for n in range(args.copies) for doc in found]
        print(f"{len(docs)} enriched documents ({len(found)} x {args.copies})")
        load_variant(client, "warm-up", docs[: len(found)], None, None)  # the node's JIT, not the mapping
        for round_ in range(1, args.rounds + 1):
            for name, (change, slim) in VARIANTS.items():
                rate, cpu_ms = load_variant(client, name, docs, change, slim)
                print(f"round {round_}  {name:32s} {rate:7.0f} docs/s   Elasticsearch CPU {cpu_ms:.2f} ms/document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
