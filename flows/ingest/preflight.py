"""A run with nothing to do ends before Prefect starts: the flow's first stage (read, skip known), done up front.

A scheduled run every few minutes over a folder that did not change should cost about what a search costs, not
Prefect's import and a flow run (seconds). So `newsindex run` first reads the inputs and asks the index, as the
flow's "skip known" stage does (the same functions): when every input is unchanged or a recorded copy, no input has
a dead letter to clear, and nothing is to be pruned, rebuilt or retried, the run's report is complete without a flow
run, and says so (``run_id`` ``preflight``). Otherwise it stops at the first input that needs work and the flow runs
as usual; the inputs read so far are read again there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from elasticsearch import Elasticsearch

from flows.es.setup import setup
from flows.index import deadletters
from flows.ingest import lifecycle
from flows.ingest.classify import known_inputs
from flows.ingest.report import Ledger, RunReport
from flows.read import InputRules, Skipped, display_path, read_articles, source_path
from flows.version import pipeline_version
from transforms.dedup.identity import source_hash
from transforms.models import RawArticle

CHUNK = 500


def chunks(items: Iterator[RawArticle | Skipped], size: int) -> Iterator[list[RawArticle | Skipped]]:
    while chunk := list(islice(items, size)):
        yield chunk


def only_articles(paths: Sequence[str], follow_symlinks: bool, rules: InputRules) -> Iterator[RawArticle | Skipped]:
    """The inputs as the flow reads them (a skipped file counts as skipped there too); a read failure ends the
    preflight (it is work for the flow)."""
    for item in read_articles([source_path(p) for p in paths], follow_symlinks=follow_symlinks, rules=rules):
        if not isinstance(item, RawArticle | Skipped):
            raise LookupError(item.origin.label())
        yield item


def preflight(client: Elasticsearch, alias: str, paths: Sequence[str], follow_symlinks: bool,
              rules: InputRules | None = None, index_settings: Mapping[str, object] | None = None,
              monthly: bool = False) -> RunReport | None:
    """The complete report of a run over unchanged inputs, or None when the flow has work to do. ``rules`` are the
    run's input rules without roots (``IngestOptions.input_rules``): they are relative to these paths."""
    started = time.perf_counter()
    # what every run's first step does: a newer template is applied in place
    setup(client, alias, upgrade=True, index_settings=index_settings, monthly=monthly)
    version = pipeline_version()
    roots = [str(source_path(p).resolve()) for p in paths]
    rules = (rules or InputRules()).model_copy(update={"roots": tuple(roots)})
    report = RunReport(run_id="preflight", index=alias, pipeline_version=version,
                       paths=[display_path(root) for root in roots],
                       partition=str(rules.partition) if rules.partition else None)
    ledger = Ledger(report)
    try:
        for chunk in chunks(only_articles(paths, follow_symlinks, rules), CHUNK):
            hashes = {raw.origin.label(): source_hash(raw) for raw in chunk if isinstance(raw, RawArticle)}
            skipped = [item.origin.label() for item in chunk if isinstance(item, Skipped)]
            unchanged, copies = known_inputs(client, alias, hashes, version)
            if len(unchanged) + len(copies) < len(hashes) or has_letters(client, alias, [*hashes, *skipped]):
                return None
            ledger.read([item.origin.label() for item in chunk])
            for label in skipped:
                ledger.settle(label, "skipped_by_filters")
            for label in unchanged:
                ledger.settle(label, "unchanged")
            for label in copies:
                ledger.settle(label, "duplicate")
    except LookupError:
        return None
    if not report.inputs - report.skipped_by_filters:
        return None  # nothing read: the flow says why (a path that does not exist is a dead letter there)
    report.missing_sources = sorted(lifecycle.missing_inputs(client, alias, roots, ledger.read_inputs(),
                                                                   rules).values())
    report.wall_seconds = round(time.perf_counter() - started, 3)
    report.finished_at = datetime.now(UTC)
    return report


def has_letters(client: Elasticsearch, alias: str, labels: list[str]) -> bool:
    """An input with a dead letter from an earlier run: the flow clears it (and counts the input as it ends)."""
    index = deadletters.deadletter_index(alias)
    ids = [deadletters.deadletter_id(label) for label in labels]
    ids += [deadletters.deadletter_id(label.rpartition(":")[0]) for label in labels if ":" in label]
    found = client.options(ignore_status=404).mget(index=index, ids=ids, source=False)
    return any(doc.get("found") or "error" in doc for doc in found.body.get("docs", []))  # unknown: the flow looks


def path_labels(paths: Sequence[Path]) -> list[str]:
    return [display_path(p) for p in paths]
