"""The Prefect flow ``ingest``: read → clean → classify → segment + enrich → index, one task per batch.

Tasks are thin: the work is in ``transforms/`` (run in worker processes) and in ``flows/index``. Incremental by
default (unchanged inputs skip all NLP); ``rebuild`` fills a new versioned index and swaps the alias atomically;
``prune`` deletes documents whose input vanished; ``retry_deadletters`` re-reads only the inputs that failed before.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TypeVar

from elasticsearch import Elasticsearch
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.context import get_run_context
from pydantic import BaseModel, Field, field_validator, model_validator

from flows.dedup.recent import DEFAULT_CAPACITY, RecentArticles
from flows.es.client import connect_checked
from flows.es.setup import setup
from flows.index import deadletters
from flows.index.entity_registry import ensure_registry
from flows.index.layout import start_month_budget
from flows.ingest import lifecycle
from flows.ingest.budget import ErrorBudget
from flows.ingest.pipeline import Pipeline
from flows.ingest.progress import Progress
from flows.ingest.report import RunReport, write_report
from flows.ingest.workers import clean_chunk, default_workers, enrich_chunk, make_pool
from flows.read import InputRules, ReadFailure, Skipped, display_path, read_articles, source_path
from flows.read.partition import Partition
from flows.settings import Settings
from flows.version import lineage, pipeline_version
from transforms.errors import Failure
from transforms.models import CleanArticle, EnrichedArticle, RawArticle

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """itertools.batched arrived in Python 3.12; the project runs on 3.11."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class IngestOptions(BaseModel):
    """Flow parameters: validated by pydantic, shown in the Prefect UI; no secrets here, ever."""

    batch_size: int = Field(default=256, ge=1, le=5000, description="Articles per task run.")
    workers: int = Field(default_factory=default_workers, ge=0, le=64, description="Worker processes (0: inline).")
    follow_symlinks: bool = False
    published_at: datetime | None = Field(default=None, description="Publication date to assume for every input.")
    rebuild: bool = Field(default=False, description="Build a new versioned index, then move the alias to it.")
    prune: bool = Field(default=False, description="Delete documents whose input file or line is gone.")
    retry_deadletters: bool = Field(default=False, description="Only re-read inputs in the dead-letter store.")
    budget: ErrorBudget = Field(default_factory=ErrorBudget)
    dask: str | None = Field(default=None, description="Dask scheduler address, or 'local', for the CPU stages.")
    near_duplicates: bool = Field(default=True, description=(
        "Near-duplicate links and story ids; off, a run only removes exact duplicates (and costs less)."))
    dedup_memory: int = Field(default=DEFAULT_CAPACITY, ge=0, le=1_000_000, description=(
        "Articles of this run held in memory for near-duplicate and story lookups; older ones are asked of the "
        "index (0: ask the index for everything, refreshing it after every batch)."))
    seconds_per_input: float = Field(default=120.0, ge=1, le=3600, description=(
        "Longest a worker may spend on one input in one stage; past it the worker process is replaced and the input "
        "dead-lettered as a timeout."))
    report_path: str | None = Field(default=None, description=(
        "Also write the report as JSON here, on failure too (then with the failure and the counts so far)."))
    show_progress: bool = False
    include: list[str] = Field(default_factory=list, description=(
        "Globs (path under a given folder, or name) a file of a folder must match to be read; given, they replace "
        "the default exclusions."))
    exclude: list[str] = Field(default_factory=list, description=(
        "Globs of files of a folder never to read, beside the defaults (README*, LICENSE*, *.md, *.tsv, *.csv …)."))
    source: str | None = Field(default=None, max_length=200, description=(
        "Source (publisher) of an article whose input names none: plain text, a page without a site name."))
    source_per_folder: bool = Field(default=False, description=(
        "An article whose input names no source gets its top folder's name under the given folder."))
    partition: str | None = Field(default=None, description=(
        "K/N (1-based): only the input files whose label hashes into part K of N; N runs share a corpus."))
    batches_in_flight: int | None = Field(default=None, ge=1, le=64, description=(
        "Batches enriched at once (memory: this many batches); default: enough to keep every worker thread busy."))
    shared_refresh_seconds: float = Field(default=5.0, ge=0.5, le=3600, description=(
        "A partitioned run refreshes the index before a near-duplicate or story lookup when it last did longer ago "
        "than this, so the other parts' newest articles are found: a copy is linked to an original another part "
        "indexed at least this long before."))

    @field_validator("partition")
    @classmethod
    def _partition_shape(cls, value: str | None) -> str | None:
        return None if value is None else str(Partition.model_validate(value))

    def input_rules(self, roots: Sequence[str] = ()) -> InputRules:
        return InputRules(include=tuple(self.include), exclude=tuple(self.exclude), source=self.source,
                          source_per_folder=self.source_per_folder, roots=tuple(roots),
                          partition=Partition.model_validate(self.partition) if self.partition else None)

    @model_validator(mode="after")
    def _one_source_of_inputs(self) -> IngestOptions:
        if self.rebuild and self.retry_deadletters:  # a new index of the failures alone would replace everything
            raise ValueError("--rebuild and --retry-deadletters do not go together: a rebuild reads every input")
        if self.rebuild and self.partition:  # the alias would move to an index of one part alone
            raise ValueError("--rebuild and --partition do not go together: a rebuild replaces the whole alias, a "
                             "partition reads only its part (rebuild with one run, or month by month with "
                             "`newsindex indices --rebuild-month`)")
        return self


def current_run_id() -> str:
    try:
        return str(get_run_context().flow_run.id)  # type: ignore[union-attr]
    except Exception:
        return "local"


def select_inputs(client: Elasticsearch, alias: str, paths: list[str], retry: bool,
                  follow_symlinks: bool, rules: InputRules) -> Iterator[RawArticle | ReadFailure | Skipped]:
    """All inputs under the paths, or with ``retry`` only those the dead-letter store lists."""
    if not retry:
        yield from read_articles([source_path(p) for p in paths], follow_symlinks=follow_symlinks, rules=rules)
        return
    letters = {letter.origin.label(): letter for letter in deadletters.list_letters(client, alias)
               if rules.takes(letter.origin.path)}  # another partition's letters are its own to retry
    files = sorted({letter.origin.path for letter in letters.values()
                    if follow_symlinks or not source_path(letter.origin.path).is_symlink()})
    produced: set[str] = set()
    for item in read_articles([source_path(f) for f in files], follow_symlinks=follow_symlinks, rules=rules):
        if isinstance(item, Skipped):
            continue  # a file named is never skipped; here for the type
        if item.origin.label() in letters or item.origin.path in letters:
            produced.update({item.origin.label(), item.origin.path})
            yield item
    for label, letter in letters.items():
        if label not in produced:  # not re-readable under the same rules: still failed, still counted
            yield ReadFailure(origin=letter.origin, reason=letter.reason, detail=letter.detail)


def account_for_vanished(client: Elasticsearch, pipeline: Pipeline, roots: list[str], prune: bool) -> None:
    """Inputs indexed before but not read now are reported; deleted only when asked. A partitioned run looks only
    at its own part: the other parts' documents were not read here because they are not this run's inputs."""
    missing = lifecycle.missing_inputs(client, pipeline.index, roots, pipeline.seen, pipeline.rules)
    pipeline.report.missing_sources = sorted(missing.values())  # a file now skipped by the rules is one of them
    if prune and missing:
        pipeline.report.pruned = pipeline.delete(sorted(missing))


@flow(name="ingest", log_prints=False, validate_parameters=True)
def ingest(paths: list[str], options: IngestOptions | None = None) -> RunReport:
    """Ingest files and folders of raw articles into the index behind the alias.

    ``paths`` are labels (``flows.read.display_path``): a name that is not UTF-8 is given with ``\\xNN`` escapes,
    since Prefect sends parameters as JSON; the CLI converts them."""
    options = options or IngestOptions()
    settings = Settings()
    alias = settings.index
    client = connect_checked(settings)  # fails fast, before anything is recorded as done
    start_month_budget(settings.max_new_months)
    setup(client, alias, upgrade=not options.rebuild, index_settings=settings.index_settings,
          monthly=settings.monthly_indices)
    deadletters.ensure_store(client, alias, settings.index_settings)
    ensure_registry(client, alias, settings.index_settings)
    target = lifecycle.start_rebuild(client, alias, settings.monthly_indices) if options.rebuild else alias
    roots = [str(source_path(p).resolve()) for p in paths]
    rules = options.input_rules(roots)
    report = RunReport(run_id=current_run_id(), index=target, pipeline_version=pipeline_version(),
                       paths=[display_path(root) for root in roots], workers=options.workers,
                       partition=options.partition)
    clear = bool(deadletters.count(client, alias))
    shared = options.shared_refresh_seconds if options.partition else None  # other parts write meanwhile
    recent = RecentArticles(options.dedup_memory, refresh_every=shared) if options.near_duplicates else None
    started = time.perf_counter()
    pipeline: Pipeline | None = None
    try:
        with make_pool(options.workers, options.dask, options.seconds_per_input) as pool, \
                Progress(options.show_progress) as progress:
            pipeline = Pipeline(client, target, alias, pool, options.published_at, report,
                                options.budget.model_copy(), clear, recent=recent, rules=rules,
                                in_flight=options.batches_in_flight)
            inputs = select_inputs(client, alias, paths, options.retry_deadletters, options.follow_symlinks, rules)
            if not options.retry_deadletters:
                progress.count_inputs([source_path(p) for p in paths], options.follow_symlinks, rules)
            for batch in batched(inputs, options.batch_size):
                pipeline.run_batch(batch)
                progress.advance(len(batch), report)
            pipeline.drain()
            progress.advance(0, report)
            if not options.rebuild and not options.retry_deadletters:
                account_for_vanished(client, pipeline, roots, options.prune)
                pipeline.drain()  # copies of what the prune deleted
            pipeline.finish()
            report.workers_replaced = getattr(pool, "replaced", 0)
            report.slots = max(getattr(pool, "most_slots", 0), pool.slots())
            report.refused_workers = list(getattr(pool, "refusals", list)())
            report.add_seconds(pool.busy)
        if options.rebuild:
            lifecycle.check_rebuilt(client, target, report.indexed)
            report.previous_index = lifecycle.swap_alias(client, alias, target)
            report.alias = alias
    except BaseException as exc:
        if pipeline is not None:
            pipeline.abandon()
        report.failure = f"{type(exc).__name__}: {exc}".removesuffix(": ")[:2000]
        raise
    finally:
        report.wall_seconds = round(time.perf_counter() - started, 3)
        report.finished_at = datetime.now(UTC)
        if options.report_path:
            write_report(report, options.report_path)
    for refusal in report.refused_workers:
        get_run_logger().warning("Dask worker refused (other code or models than the flow's): %s", refusal)
    get_run_logger().info("ingest finished: %s", report.model_dump_json(
        include={"inputs", "indexed", "unchanged", "duplicate", "dead_lettered", "skipped_by_filters"}))
    create_markdown_artifact(key="ingest-report", markdown=report.markdown(), description="newsindex run report")
    return report


def iter_enriched(paths: Sequence[Path], published_at: datetime | None = None, follow_symlinks: bool = False,
                  rules: InputRules | None = None) -> Iterator[EnrichedArticle | Failure | Skipped]:
    """The `newsindex enrich` path: the same stages without Elasticsearch or Prefect, inline, in input order."""
    rules = rules or InputRules(roots=tuple(str(Path(p).resolve()) for p in paths))
    for batch in batched(read_articles(list(paths), follow_symlinks=follow_symlinks, rules=rules), 64):
        yield from (r for r in batch if isinstance(r, Skipped))
        yield from (r for r in batch if isinstance(r, Failure))
        cleaned = clean_chunk([r for r in batch if isinstance(r, RawArticle)], published_at)
        yield from (r for r in cleaned if isinstance(r, Failure))
        yield from enrich_chunk([r for r in cleaned if isinstance(r, CleanArticle)], lineage())
