"""The `newsindex` command line. Each subcommand is a thin handler over a flows module."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError
from pydantic_settings import SettingsError

from flows.settings import Settings, default_home

# transforms.models.EntityType, spelled out: the CLI starts without importing the models (a test keeps them equal)
ENTITY_TYPES = ("person", "organization", "location", "group", "event", "product", "work", "law")

Handler = Callable[[argparse.Namespace, Settings], int]


def cmd_es(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es import node

    if args.action == "start":
        print(node.start(settings))
    elif args.action == "stop":
        print(node.stop(settings))
    elif args.action == "env":
        print(node.env_exports(settings))
    else:
        state = node.status(settings)
        print(json.dumps(state, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in state.items()))
        return 0 if state["running"] else 3
    return 0


def cmd_prefect(args: argparse.Namespace, settings: Settings) -> int:
    from flows import prefect_local

    if args.action == "start":
        print(prefect_local.start(settings, settings.prefect_port))
    elif args.action == "stop":
        print(prefect_local.stop(settings))
    else:
        state = prefect_local.status(settings)
        print(json.dumps(state, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in state.items()))
        return 0 if state["running"] else 3
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Both local services, left running for every later command: the node, then the Prefect server."""
    from flows import prefect_local
    from flows.es import node

    print(node.start(settings))
    print(prefect_local.start(settings, settings.prefect_port))
    return 0


def cmd_down(args: argparse.Namespace, settings: Settings) -> int:
    from flows import prefect_local
    from flows.es import node

    print(prefect_local.stop(settings))
    print(node.stop(settings))
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from flows import prefect_local
    from flows.es import node

    state = {"elasticsearch": node.status(settings), "prefect": prefect_local.status(settings)}
    if args.json:
        print(json.dumps(state, indent=2))
    else:
        for service, values in state.items():
            print(f"{service}:\n" + "\n".join(f"  {k}: {v}" for k, v in values.items()))
    return 0 if all(values["running"] for values in state.values()) else 3


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.es.scripts import setup_message, store_templates
    from flows.es.setup import setup
    from flows.index.deadletters import ensure_store
    from flows.index.entity_registry import ensure_registry

    client = connect_checked(settings)
    report = setup(client, settings.index, index_settings=settings.index_settings, monthly=settings.monthly_indices)
    changed = (report.created + ensure_store(client, settings.index, settings.index_settings)
               + ensure_registry(client, settings.index, settings.index_settings))
    done = f"created or changed {', '.join(changed)}" if changed else "already set up"
    print(f"alias {report.alias} → {report.index} (template {report.template}): {done}; "
          f"{setup_message(store_templates(client))}")
    for note in report.notes:
        print(f"note: {note}")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return run_paths(args, settings)
    except Exception as exc:
        if args.report and not getattr(args, "flow_started", False):  # the flow writes its own, on failure too
            failed_before_the_flow(args, settings, exc)
        raise


def failed_before_the_flow(args: argparse.Namespace, settings: Settings, exc: Exception) -> None:
    """A run that stopped before its flow (the node unreachable, an index closed) still leaves the report it was
    asked for, with the reason, so a scheduler reading it does not take the last run's report for this one's."""
    from flows.ingest.report import RunReport, write_report
    from flows.version import pipeline_version

    message = user_message(exc) or f"unexpected error: {type(exc).__name__}: {exc}"
    report = RunReport(run_id="none", index=settings.index, pipeline_version=pipeline_version(),
                       paths=[str(p) for p in args.paths], failure=one_line(message))
    with contextlib.suppress(OSError):  # the error itself is what the user must see
        write_report(report, args.report)


def writable_report(path: str | None) -> None:
    """The report is written after the run: a path it cannot be written to is said before any work is done."""
    if not path:
        return
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(2, "No such file or directory", str(folder))
    if not os.access(target if target.exists() else folder, os.W_OK):
        raise PermissionError(13, "Permission denied", path)


def run_paths(args: argparse.Namespace, settings: Settings) -> int:
    writable_report(args.report)
    if args.paths and not (args.rebuild or args.retry_deadletters):
        done = run_preflight(args, settings)
        if done is not None:
            return done
    from flows.prefect_local import use_local_server

    use_local_server(settings)  # before Prefect is imported: the local server, else the ephemeral one
    from flows.ingest.flow import IngestOptions, ingest

    if not args.paths and not args.retry_deadletters:
        raise UsageError("newsindex run: give PATH... (or --retry-deadletters)")
    extra = {"workers": args.workers} if args.workers is not None else {}
    options = IngestOptions(batch_size=args.batch_size, follow_symlinks=args.follow_symlinks, rebuild=args.rebuild,
                            prune=args.prune, retry_deadletters=args.retry_deadletters, dask=args.dask,
                            near_duplicates=not args.no_near_duplicates, dedup_memory=args.dedup_memory,
                            show_progress=not args.no_progress, report_path=args.report,
                            seconds_per_input=args.seconds_per_input, **input_options(args), **extra)
    from flows.es.client import connect_checked

    connect_checked(settings)  # fail fast, before Prefect's server starts
    from flows.read import display_path

    args.flow_started = True
    report = ingest(paths=[display_path(p) for p in args.paths], options=options)  # labels: JSON for Prefect
    print(report.table())  # the flow wrote --report itself, on failure too
    return 0 if report.accounted else 1


def run_preflight(args: argparse.Namespace, settings: Settings) -> int | None:
    """Nothing changed: the report without a flow run (and without importing Prefect). None: run the flow."""
    from flows.es.client import connect_checked
    from flows.ingest.preflight import path_labels, preflight
    from flows.ingest.report import write_report
    from flows.read import InputRules

    rules = InputRules(**{k: tuple(v) if isinstance(v, list) else v for k, v in input_options(args).items()})
    report = preflight(connect_checked(settings), settings.index, path_labels(args.paths), args.follow_symlinks, rules,
                       settings.index_settings, settings.monthly_indices)
    if report is None or (args.prune and report.missing_sources):
        return None
    print(report.table() + "\nflow run  none: every input is unchanged or a recorded copy")
    if args.report:
        write_report(report, args.report)
    return 0


def input_options(args: argparse.Namespace) -> dict[str, list[str] | str | bool | None]:
    """The input rules of `run` and `serve` (``flows.read.rules``), by their IngestOptions names."""
    return {"include": args.include, "exclude": args.exclude, "source": args.source,
            "source_per_folder": args.source_per_folder, "partition": args.partition}


def cmd_enrich(args: argparse.Namespace, settings: Settings) -> int:
    from flows.index.document import to_document
    from flows.ingest.flow import iter_enriched
    from flows.read import Skipped
    from transforms.dedup.identity import article_id
    from transforms.errors import Failure

    published = _parse_iso(args.published_at) if args.published_at else None
    failures = 0
    for record in iter_enriched(args.paths, published, args.follow_symlinks):
        if isinstance(record, Skipped):
            print(f"skipped {record.origin.label()}: {record.rule}", file=sys.stderr)
            continue
        if isinstance(record, Failure):
            failures += 1
            print(f"rejected {record.origin.label()}: {record.stage}/{record.reason}: {record.detail}", file=sys.stderr)
            continue
        document = to_document(record, article_id(record))
        print(json.dumps(document, ensure_ascii=False, indent=None if args.json else 2))
    return 1 if failures and args.strict else 0


def cmd_deadletters(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.index.deadletters import list_letters

    letters = list_letters(connect_checked(settings), settings.index)
    for letter in letters:
        if args.json:
            print(letter.model_dump_json())
        else:
            when = letter.failed_at.isoformat(timespec="seconds") if letter.failed_at else "-"
            print(f"{letter.origin.label()}\t{letter.stage}/{letter.reason}\t{letter.detail}"
                  f"\trun {letter.run_id or '-'}\t{when}")
    if not args.json:
        print(f"{len(letters)} dead letter(s) in {settings.deadletter_index}", file=sys.stderr)
    return 0


def cmd_entities(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.index.entity_registry import registry_entries, registry_index

    client = connect_checked(settings)
    if not client.indices.exists(index=registry_index(settings.index)):
        print(f"no entity registry yet ({registry_index(settings.index)}): run `newsindex run PATH...`",
              file=sys.stderr)
        return 0
    client.indices.refresh(index=registry_index(settings.index))
    entries = registry_entries(client, settings.index, args.type)
    shown = entries[: args.limit] if args.limit > 0 else entries
    for entry in shown:
        if args.json:
            print(entry.model_dump_json())
            continue
        forms = ", ".join(f"{form} ({n})" for form, n in sorted(entry.forms.items(), key=lambda kv: -kv[1]))
        merged = f"\t→ merged into {entry.merged_into}" if entry.merged_into else ""
        print(f"{entry.type}\t{entry.name}\t{entry.articles}\t{forms}{merged}")
    if not args.json:
        print(f"{len(shown)} of {len(entries)} entities in {registry_index(settings.index)}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from flows.search.commands import note_if_partial, note_query_cuts
    from flows.search.query import format_response, run_search, search_json, search_params
    from flows.search.render import render

    params = search_params(args.query, args.filter, size=args.size, offset=args.offset, story=args.story)
    note_query_cuts(args.query)
    if args.render:
        print(json.dumps(render("articles-search", params), indent=2, ensure_ascii=False))
        return 0
    from flows.es.client import connect_checked

    response = run_search(connect_checked(settings), settings.index, params)
    note_if_partial(response)
    if args.json:
        print(json.dumps(search_json(response), ensure_ascii=False))
    else:
        print(format_response(response))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from flows.prefect_local import use_local_server

    use_local_server(settings)
    from flows.ingest.flow import IngestOptions
    from flows.ingest.schedule import deployment_name, serve

    extra = {"workers": args.workers} if args.workers is not None else {}
    options = IngestOptions(prune=args.prune, **input_options(args), **extra)
    from flows.ingest.prefect_server import prefect_api, run_hint

    paths = [str(p.resolve()) for p in args.paths]
    ensure_home(settings.home)
    with prefect_api(args.prefect_port, settings.home / "prefect-server.log") as url:
        hint = run_hint(url, deployment_name(options.partition))
        print(f"serving the ingest flow on the Prefect server at {url}; to run it now:\n  {hint}",
              file=sys.stderr)
        serve(paths, options, cron=args.cron, interval_seconds=args.interval)
    return 0


def cmd_indices(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.index.month_rebuild import MonthRebuildError, rebuild_month
    from flows.ingest.lifecycle import drop_old, list_versions

    client = connect_checked(settings)
    for month in args.rebuild_month:
        try:
            done = rebuild_month(client, settings.index, month)
        except MonthRebuildError as exc:
            print(f"newsindex: {exc}", file=sys.stderr)
            return 2
        print(f"rebuilt {done.month}: {done.documents} docs copied from {', '.join(done.old)} into {done.new}, "
              f"now behind {settings.index} (the old month stays until --drop-old)")
    if args.drop_old:
        dropped = drop_old(client, settings.index)
        print("dropped: " + (", ".join(dropped) if dropped else "nothing (only the live index exists)"))
    versions = list_versions(client, settings.index)
    if not versions:
        print(f"no index of {settings.index} yet (NEWSINDEX_INDEX; `newsindex setup` or a run makes it)")
    for version in versions:
        print(f"{version.name}\t{version.documents} docs" + (f"\t← {settings.index}" if version.live else ""))
        for month in version.indices:
            size = f"\t{month.documents} docs\t{month.bytes / 1e6:.1f} MB"
            state = "\tclosed: not searched" if month.closed else size
            print(f"  {month.name}{state}" + (f"\t← {settings.index}" if month.live else ""))
    return 0


class UsageError(ValueError):
    """Wrong command-line use: a one-line message, exit 2."""


class CliParser(argparse.ArgumentParser):
    """argparse's errors as one `newsindex:` line, like every other error (its own is the usage block, then it)."""

    def error(self, message: str) -> NoReturn:
        where = self.prog.removeprefix("newsindex").strip()
        if "required: query" in message:
            message += " (a query that starts with '-' goes after --: newsindex search -- -word)"
        self.exit(2, f"newsindex: {where + ': ' if where else ''}{one_line(message)} (see {self.prog} --help)\n")


def number_in(kind: Callable[[str], float], low: float, high: float) -> Callable[[str], float]:
    """An argparse type: a number within bounds, refused with the bounds named."""
    def parse(text: str) -> float:
        value = kind(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not within {_plain_number(low)} to {_plain_number(high)}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in "invalid int value"
    return parse


def partition_arg(text: str) -> str:
    """An argparse type: ``K/N`` with 1 <= K <= N (``flows.read.partition``), refused in one line."""
    from pydantic import ValidationError

    from flows.read.partition import Partition

    try:
        return str(Partition.model_validate(text))
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise argparse.ArgumentTypeError(reason) from None


partition_arg.__name__ = "K/N"


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _parse_iso(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--published-at {value!r}: expected an ISO date or datetime, e.g. 2024-05-31") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def ensure_home(home: Path) -> None:
    """A cache made here is private; one that exists is the node's to arrange (`es start` shares it with the
    node's group when root runs the node as its own user), so it is left as it is."""
    from flows.es.install import private_dir

    if not home.exists():
        private_dir(home)


EVALUATIONS = ("extraction", "dates", "language", "ner", "pubdates", "entity_facets")
# Modules that add their own subcommands: each has add_commands(subparsers) and sets handler(args, settings).
COMMAND_MODULES: tuple[str, ...] = ("flows.search.commands",)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    module = importlib.import_module(f"flows.evaluate.{args.kind}")
    return int(module.main(args.rest))


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(prog="newsindex", description=__doc__)
    parser.add_argument("--debug", action="store_true",
                        help="print the traceback of an unexpected error (also NEWSINDEX_DEBUG=1)")
    sub = parser.add_subparsers(dest="command", required=True)

    es = sub.add_parser("es", help="the embedded local Elasticsearch node")
    es.add_argument("action", choices=["start", "stop", "status", "env"],
                    help="start or stop the node, show its state, or print `export` lines for its URL and credentials")
    es.add_argument("--json", action="store_true", help="status as JSON")
    es.set_defaults(handler=cmd_es)

    prefect = sub.add_parser("prefect", help="the embedded local Prefect server every run and `serve` reuse")
    prefect.add_argument("action", choices=["start", "stop", "status"], help="start or stop the server, or its state")
    prefect.add_argument("--json", action="store_true", help="status as JSON")
    prefect.set_defaults(handler=cmd_prefect)

    up = sub.add_parser("up", help="start both local services (Elasticsearch, Prefect) and leave them running")
    up.set_defaults(handler=cmd_up)
    down = sub.add_parser("down", help="stop both local services")
    down.set_defaults(handler=cmd_down)
    status = sub.add_parser("status", help="state of both local services (exit 3 unless both run)")
    status.add_argument("--json", action="store_true", help="as JSON")
    status.set_defaults(handler=cmd_status)

    setup = sub.add_parser("setup", help="install the index template, the versioned index and the alias")
    setup.set_defaults(handler=cmd_setup)

    run = sub.add_parser("run", help="run the ingest flow over files and folders of raw articles")
    run.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="files and folders of articles (.txt, .html, .json, .jsonl, .warc, each optionally .gz)")
    run.add_argument("--report", type=str, help="write the run report as JSON to this file (also when the run fails)")
    run.add_argument("--seconds-per-input", type=float, default=120.0, metavar="S",
                     help="longest a worker may spend on one input in one stage before it is replaced (default 120)")
    run.add_argument("--workers", type=int, help="worker processes for clean/enrich (default: all cores)")
    run.add_argument("--batch-size", type=int, default=256, help="inputs per batch (task run); default 256")
    run.add_argument("--dedup-memory", type=int, default=4096,
                     help="articles of this run held in memory for near-duplicate and story lookups (default 4096)")
    run.add_argument("--no-near-duplicates", action="store_true",
                     help="skip near-duplicate links and story ids (exact duplicates are still removed)")
    run.add_argument("--follow-symlinks", action="store_true", help="follow symlinks that leave the input folder")
    run.add_argument("--no-progress", action="store_true", help="no progress bar (there is none off a terminal)")
    run.add_argument("--rebuild", action="store_true", help="build a new versioned index, then move the alias to it")
    run.add_argument("--prune", action="store_true", help="delete documents whose input file (or line) is gone")
    run.add_argument("--dask", default=os.environ.get("NEWSINDEX_DASK"),
                     help="run clean/segment/enrich on a Dask cluster: scheduler address, or 'local'")
    run.add_argument("--retry-deadletters", action="store_true", help="re-read only the inputs that failed before")
    add_input_rules(run)
    run.set_defaults(handler=cmd_run)

    enrich = sub.add_parser("enrich", help="read, clean, segment and enrich without indexing; print the documents")
    enrich.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files and folders of articles")
    enrich.add_argument("--published-at", help="ISO date or datetime to use as the publication date")
    enrich.add_argument("--json", action="store_true", help="one JSON object per line")
    enrich.add_argument("--follow-symlinks", action="store_true", help="follow symlinks that leave the input folder")
    enrich.add_argument("--strict", action="store_true", help="exit 1 when an input was rejected")
    enrich.set_defaults(handler=cmd_enrich)

    from flows.search.commands import FILTER_HELP, OFFSET_HELP, QUERY_HELP, SIZE_HELP

    search = sub.add_parser("search", help="full-text search with highlights and facets")
    search.add_argument("query", nargs="?", default="", help=QUERY_HELP)
    search.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE", help=FILTER_HELP)
    search.add_argument("--story", help="only articles of this story_id")
    search.add_argument("--size", type=int, default=10, help=SIZE_HELP)
    search.add_argument("--offset", type=int, default=0, help=OFFSET_HELP)
    search.add_argument("--json", action="store_true", help="the hits and facets as one JSON object, for scripts")
    search.add_argument("--render", action="store_true", help="print the rendered request body, do not search")
    search.set_defaults(handler=cmd_search)

    serve = sub.add_parser("serve", help="serve the ingest flow as a Prefect deployment on a schedule")
    serve.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="folders (or files) every run ingests")
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=number_in(float, 1, 366 * 86400), help="seconds between runs")
    serve.add_argument("--workers", type=int, help="worker processes for clean/enrich (default: all cores)")
    serve.add_argument("--prune", action="store_true", help="each run deletes documents whose input is gone")
    add_input_rules(serve)
    serve.add_argument("--prefect-port", type=number_in(int, 1, 65535), default=4200,
                       help="port of the local Prefect server started when PREFECT_API_URL is not set")
    serve.set_defaults(handler=cmd_serve)

    indices = sub.add_parser("indices", help="versioned indices behind the alias, with their months")
    indices.add_argument("--drop-old", action="store_true", help="delete versions the alias no longer points at")
    indices.add_argument("--rebuild-month", action="append", default=[], metavar="YYYY.MM", help=(
        "copy one month's documents into that month's index of a newer version, made from the template installed "
        "now, and swap that month in the alias (monthly indices; repeatable)"))
    indices.set_defaults(handler=cmd_indices)

    letters = sub.add_parser("deadletters", help="list inputs that could not be indexed, with the reason")
    letters.add_argument("--json", action="store_true", help="one JSON object per dead letter")
    letters.set_defaults(handler=cmd_deadletters)

    registry = sub.add_parser("entities", help="the entity registry: the name each entity is shown under, and why")
    registry.add_argument("--type", choices=ENTITY_TYPES, help="only entities of this type")
    registry.add_argument("--limit", type=number_in(int, 0, 10_000_000), default=30,
                          help="how many, most articles first (0: all)")
    registry.add_argument("--json", action="store_true", help="one JSON object per entity")
    registry.set_defaults(handler=cmd_entities)

    for module_name in COMMAND_MODULES:
        import importlib

        importlib.import_module(module_name).add_commands(sub)

    evaluate = sub.add_parser("eval", help="score a stage on a public benchmark")
    evaluate.add_argument("kind", choices=EVALUATIONS, help="the stage to score")
    evaluate.add_argument("rest", nargs=argparse.REMAINDER, help="arguments of the evaluation")
    evaluate.set_defaults(handler=cmd_eval)
    return parser


def add_input_rules(parser: argparse.ArgumentParser) -> None:
    """`run` and `serve` take the same input rules (``flows.read.rules``)."""
    from flows.read.rules import DEFAULT_EXCLUDES

    parser.add_argument("--include", action="append", default=[], metavar="GLOB", help=(
        "read only files of a folder that match (path under the folder, or name; repeatable); replaces the "
        "default exclusions"))
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB", help=(
        f"never read files of a folder that match (repeatable); always skipped: {', '.join(DEFAULT_EXCLUDES)}, "
        "unless --include names them"))
    parser.add_argument("--source", metavar="NAME", help=(
        "source (publisher) of articles whose input names none: plain text, pages without a site name"))
    parser.add_argument("--source-per-folder", action="store_true", help=(
        "articles whose input names no source get the name of their top folder under the given folder"))
    parser.add_argument("--partition", type=partition_arg, metavar="K/N", help=(
        "only the input files in part K of N (1-based: 1/3, 2/3, 3/3), by a stable hash of the file's path; "
        "N runs share a corpus without overlap, and --prune deletes only this part's vanished inputs"))


def main(argv: Sequence[str] | None = None) -> int:
    """Every failure ends as one `newsindex:` line on stderr: exit 2 for what the user can fix, 1 for a bug (its
    traceback goes to a log, or to stderr with --debug). A reader that closes the pipe early ends the output."""
    tolerate_unencodable_output()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The ephemeral server migrates its database on first use; 20 s (Prefect's default) is short on 2 busy cores.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    debug = os.environ.get("NEWSINDEX_DEBUG", "") not in {"", "0"}
    try:
        code = run_command(argv, debug)
        sys.stdout.flush()  # here, not at exit, so a closed pipe is caught below
        return code
    except BrokenPipeError:
        return stdout_closed()
    except KeyboardInterrupt:
        return 130


def run_command(argv: Sequence[str] | None, debug: bool) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (exit 0), or CliParser.error's line (exit 2)
        return done.code if isinstance(done.code, int) else 2
    handler: Handler = args.handler
    try:
        return handler(args, Settings())
    except (BrokenPipeError, KeyboardInterrupt):
        raise
    except Exception as exc:
        return report_error(exc, debug or args.debug)


def tolerate_unencodable_output() -> None:
    """A terminal whose encoding lacks a character (LANG=…ISO-8859-1 and a Korean title) gets an escape, not a
    UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def stdout_closed() -> int:
    """`newsindex search … | head -1`: the reader has what it wants. What is still buffered goes to /dev/null,
    not into a second BrokenPipeError at exit; 141 is what a shell reports for a writer that SIGPIPE ended."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 141


def report_error(exc: Exception, debug: bool) -> int:
    message = user_message(exc)
    if message is not None:
        print(f"newsindex: {one_line(message)}", file=sys.stderr)
        return 2
    if debug:
        traceback.print_exception(exc)
        return 1
    where = save_traceback(exc)
    print(f"newsindex: unexpected error: {one_line(f'{type(exc).__name__}: {exc}')} ({where})", file=sys.stderr)
    return 1


ERROR_LOG = "cli-errors.log"


def save_traceback(exc: Exception) -> str:
    """Appends the traceback to a private log in the cache; says where, or why it could not."""
    path = default_home() / ERROR_LOG
    try:
        ensure_home(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()} newsindex {' '.join(sys.argv[1:2])}\n")
            log.write("".join(traceback.format_exception(exc)))
    except Exception as failure:
        return f"traceback not saved ({type(failure).__name__}: {failure}); --debug or NEWSINDEX_DEBUG=1 prints it"
    return f"traceback in {path}; --debug or NEWSINDEX_DEBUG=1 prints it"


def one_line(text: str, limit: int = 1500) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def user_message(exc: Exception) -> str | None:
    """The message of an error the user can act on (a value, the node, credentials, a path); None for a bug."""
    from flows.es.client import Unreachable
    from flows.es.install import InstallError
    from flows.es.node import NodeError
    from flows.es.setup import MappingConflict
    from flows.index.deadletters import StoreUnavailable
    from flows.ingest.budget import ErrorBudgetExceeded
    from flows.ingest.lifecycle import RebuildIncomplete
    from flows.search.limits import BadValue

    if isinstance(exc, ValidationError):
        return invalid_values(exc)
    if isinstance(exc, SettingsError):  # a value pydantic-settings could not even decode (JSON of a dict setting)
        field = re.search(r'field "(\w+)"', str(exc))
        return f"invalid value: {setting_variable(field.group(1)) if field else 'a setting'}: {exc.__cause__ or exc}"
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError | NotADirectoryError):
        return f"{exc.strerror}: {exc.filename}" if exc.filename else str(exc)
    if isinstance(exc, Unreachable | InstallError | NodeError | BadValue | UsageError | ErrorBudgetExceeded
                  | MappingConflict | StoreUnavailable | RebuildIncomplete):
        return str(exc)
    return elasticsearch_message(exc)


def elasticsearch_message(exc: Exception) -> str | None:
    """What the node's answer (or silence) means for the user; None for an error that is a bug of ours."""
    from elasticsearch import ApiError, AuthorizationException, ConnectionTimeout, NotFoundError
    from elasticsearch import ConnectionError as EsConnectionError

    if isinstance(exc, AuthorizationException):
        return f"Elasticsearch refused this action for these credentials (403): {exc.message}"
    if isinstance(exc, ConnectionTimeout):
        return f"Elasticsearch did not answer in time ({exc.message}); try again, or raise ES_REQUEST_TIMEOUT."
    if isinstance(exc, EsConnectionError):
        return ("Elasticsearch became unreachable during the run. Documents written so far are kept; run the same "
                "command again to finish (inputs already indexed are skipped as unchanged).")
    if isinstance(exc, ApiError) and exc.status_code == 503:
        return (f"Elasticsearch is not ready ({exc.error}, 503): some shard has no active copy. Documents written "
                f"so far are kept; check `GET _cluster/health?level=indices` and run the same command again.")
    if isinstance(exc, ApiError) and exc.error == "index_closed_exception":
        index = exc.body.get("error", {}).get("index") if isinstance(exc.body, dict) else None
        return (f"Elasticsearch: index {index or '(unnamed)'} is closed, and every search of the alias fails while it "
                f"is: open it (POST {index or 'INDEX'}/_open), or take it out of the alias first to age it out.")
    if isinstance(exc, NotFoundError) and exc.error == "index_not_found_exception":
        reason = exc.body.get("error", {}).get("reason") if isinstance(exc.body, dict) else None
        return f"Elasticsearch: {reason or exc.message}: run `newsindex setup`, or check NEWSINDEX_INDEX."
    return None


def setting_variable(field: str) -> str:
    """The environment variable of a Settings field, as the user sets it."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    return alias if isinstance(alias, str) else field.upper()


def invalid_values(exc: ValidationError) -> str:
    """pydantic's errors by name (a flag as --batch-size, a setting by its variable), without the values: a
    setting may be a secret."""
    names = [".".join(str(part) for part in error["loc"]) for error in exc.errors()]
    parts = [f"{name if name.isupper() else '--' + name.replace('_', '-')}: {error['msg']}" if name
             else str(error["msg"]).removeprefix("Value error, ")  # a rule over several values names them itself
             for name, error in zip(names, exc.errors(), strict=True)]
    return "invalid value: " + "; ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
