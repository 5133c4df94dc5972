"""The `newsindex` command line. Each subcommand is a thin handler over a flows module."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from flows.settings import Settings

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


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.es.scripts import setup_message, store_templates
    from flows.es.setup import setup

    client = connect_checked(settings)
    report = setup(client, settings.index)
    print("\n".join(report.lines()))
    print(setup_message(store_templates(client)))
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.ingest.flow import IngestOptions, ingest

    if not args.paths and not args.retry_deadletters:
        raise UsageError("newsindex run: give PATH... (or --retry-deadletters)")
    extra = {"workers": args.workers} if args.workers is not None else {}
    options = IngestOptions(batch_size=args.batch_size, follow_symlinks=args.follow_symlinks, rebuild=args.rebuild,
                            prune=args.prune, retry_deadletters=args.retry_deadletters, dask=args.dask,
                            near_duplicates=not args.no_near_duplicates, dedup_memory=args.dedup_memory,
                            show_progress=not args.no_progress, **extra)
    from flows.es.client import connect_checked

    connect_checked(settings)  # fail fast, before Prefect's server starts
    report = ingest(paths=[str(p) for p in args.paths], options=options)
    print(report.table())
    if args.report:
        Path(args.report).write_text(report.model_dump_json(indent=2))
    return 0 if report.accounted else 1


def cmd_enrich(args: argparse.Namespace, settings: Settings) -> int:
    from flows.index.deadletters import DeadLetter
    from flows.index.document import to_document
    from flows.ingest.flow import iter_enriched
    from transforms.dedup.identity import article_id

    published = _parse_iso(args.published_at) if args.published_at else None
    failures = 0
    for record in iter_enriched(args.paths, published, args.follow_symlinks):
        if isinstance(record, DeadLetter):
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
            print(f"{letter.origin.label()}\t{letter.stage}/{letter.reason}\t{letter.detail}")
    if not args.json:
        print(f"{len(letters)} dead letter(s) in {settings.deadletter_index}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from flows.search.query import facet_counts, format_response, run_search, search_params
    from flows.search.render import render

    params = search_params(args.query, args.filter, size=args.size, offset=args.offset, story=args.story)
    if args.render:
        print(json.dumps(render("articles-search", params), indent=2, ensure_ascii=False))
        return 0
    from flows.es.client import connect_checked

    response = run_search(connect_checked(settings), settings.index, params)
    if args.json:
        hits = [{"id": h["_id"], "score": h["_score"], **h["_source"], "highlight": h.get("highlight", {})}
                for h in response["hits"]["hits"]]
        print(json.dumps({"total": response["hits"]["total"]["value"], "hits": hits,
                          "facets": facet_counts(response)}, ensure_ascii=False))
    else:
        print(format_response(response))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from flows.ingest.flow import IngestOptions
    from flows.ingest.schedule import serve

    extra = {"workers": args.workers} if args.workers is not None else {}
    options = IngestOptions(prune=args.prune, **extra)
    from flows.ingest.prefect_server import prefect_api

    paths = [str(p.resolve()) for p in args.paths]
    settings.home.mkdir(parents=True, exist_ok=True)
    with prefect_api(args.prefect_port, settings.home / "prefect-server.log") as url:
        print(f"serving the ingest flow on the Prefect server at {url}", file=sys.stderr)
        serve(paths, options, cron=args.cron, interval_seconds=args.interval)
    return 0


def cmd_indices(args: argparse.Namespace, settings: Settings) -> int:
    from flows.es.client import connect_checked
    from flows.ingest.lifecycle import drop_old, list_versions

    client = connect_checked(settings)
    if args.drop_old:
        dropped = drop_old(client, settings.index)
        print("dropped: " + (", ".join(dropped) if dropped else "nothing (only the live index exists)"))
    for version in list_versions(client, settings.index):
        print(f"{version.name}\t{version.documents} docs" + (f"\t← {settings.index}" if version.live else ""))
    return 0


class UsageError(ValueError):
    """Wrong command-line use: a one-line message, exit 2."""


def _parse_iso(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


EVALUATIONS = ("extraction", "dates", "language", "ner")
# Modules that add their own subcommands: each has add_commands(subparsers) and sets handler(args, settings).
COMMAND_MODULES: tuple[str, ...] = ("flows.search.commands",)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    module = importlib.import_module(f"flows.evaluate.{args.kind}")
    return int(module.main(args.rest))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsindex", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    es = sub.add_parser("es", help="the embedded local Elasticsearch node")
    es.add_argument("action", choices=["start", "stop", "status", "env"])
    es.add_argument("--json", action="store_true", help="status as JSON")
    es.set_defaults(handler=cmd_es)

    setup = sub.add_parser("setup", help="install the index template, the versioned index and the alias")
    setup.set_defaults(handler=cmd_setup)

    run = sub.add_parser("run", help="run the ingest flow over files and folders of raw articles")
    run.add_argument("paths", nargs="*", type=Path)
    run.add_argument("--report", type=Path, help="write the run report as JSON to this file")
    run.add_argument("--workers", type=int, help="worker processes for clean/enrich (default: all cores)")
    run.add_argument("--batch-size", type=int, default=256)
    run.add_argument("--dedup-memory", type=int, default=4096,
                     help="articles of this run held in memory for near-duplicate and story lookups (default 4096)")
    run.add_argument("--no-near-duplicates", action="store_true",
                     help="skip near-duplicate links and story ids (exact duplicates are still removed)")
    run.add_argument("--follow-symlinks", action="store_true", help="follow symlinks that leave the input folder")
    run.add_argument("--no-progress", action="store_true")
    run.add_argument("--rebuild", action="store_true", help="build a new versioned index, then move the alias to it")
    run.add_argument("--prune", action="store_true", help="delete documents whose input file (or line) is gone")
    run.add_argument("--dask", default=os.environ.get("NEWSINDEX_DASK"),
                     help="run clean/segment/enrich on a Dask cluster: scheduler address, or 'local'")
    run.add_argument("--retry-deadletters", action="store_true", help="re-read only the inputs that failed before")
    run.set_defaults(handler=cmd_run)

    enrich = sub.add_parser("enrich", help="read, clean, segment and enrich without indexing; print the documents")
    enrich.add_argument("paths", nargs="+", type=Path)
    enrich.add_argument("--published-at", help="ISO date or datetime to use as the publication date")
    enrich.add_argument("--json", action="store_true", help="one JSON object per line")
    enrich.add_argument("--follow-symlinks", action="store_true")
    enrich.add_argument("--strict", action="store_true", help="exit 1 when an input was rejected")
    enrich.set_defaults(handler=cmd_enrich)

    search = sub.add_parser("search", help="full-text search with highlights and facets")
    search.add_argument("query", help="free text (simple_query_string syntax); empty for all")
    search.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE",
                        help="language, source, story_id, entity, person, organization, location, group, event, "
                             "published_from, published_to, mentioned_from, mentioned_to")
    search.add_argument("--story", help="only articles of this story_id")
    search.add_argument("--size", type=int, default=10)
    search.add_argument("--offset", type=int, default=0)
    search.add_argument("--json", action="store_true")
    search.add_argument("--render", action="store_true", help="print the rendered request body, do not search")
    search.set_defaults(handler=cmd_search)

    serve = sub.add_parser("serve", help="serve the ingest flow as a Prefect deployment on a schedule")
    serve.add_argument("paths", nargs="+", type=Path)
    when = serve.add_mutually_exclusive_group(required=True)
    when.add_argument("--cron", help='cron schedule, e.g. "*/15 * * * *"')
    when.add_argument("--interval", type=float, help="seconds between runs")
    serve.add_argument("--workers", type=int)
    serve.add_argument("--prune", action="store_true")
    serve.add_argument("--prefect-port", type=int, default=4200,
                       help="port of the local Prefect server started when PREFECT_API_URL is not set")
    serve.set_defaults(handler=cmd_serve)

    indices = sub.add_parser("indices", help="versioned indices behind the alias")
    indices.add_argument("--drop-old", action="store_true", help="delete versions the alias no longer points at")
    indices.set_defaults(handler=cmd_indices)

    letters = sub.add_parser("deadletters", help="list inputs that could not be indexed, with the reason")
    letters.add_argument("--json", action="store_true")
    letters.set_defaults(handler=cmd_deadletters)

    for module_name in COMMAND_MODULES:
        import importlib

        importlib.import_module(module_name).add_commands(sub)

    evaluate = sub.add_parser("eval", help="score a stage on a public benchmark")
    evaluate.add_argument("kind", choices=EVALUATIONS)
    evaluate.add_argument("rest", nargs=argparse.REMAINDER, help="arguments of the evaluation")
    evaluate.set_defaults(handler=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The ephemeral server migrates its database on first use; 20 s (Prefect's default) is short on 2 busy cores.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    settings = Settings()
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error for what users can fix; a traceback for bugs
        message = user_message(exc)
        if message is None:
            raise
        print(f"newsindex: {message}", file=sys.stderr)
        return 2


def user_message(exc: Exception) -> str | None:
    from elasticsearch import AuthorizationException
    from elasticsearch import ConnectionError as EsConnectionError

    from flows.es.client import Unreachable
    from flows.es.install import InstallError
    from flows.es.node import NodeError
    from flows.es.setup import MappingConflict
    from flows.ingest.budget import ErrorBudgetExceeded
    from flows.search.query import BadFilter

    if isinstance(exc, AuthorizationException):
        return f"Elasticsearch refused this action for these credentials (403): {exc.message}"
    if isinstance(exc, EsConnectionError):
        return ("Elasticsearch became unreachable during the run. Documents written so far are kept; run the same "
                "command again to finish (inputs already indexed are skipped as unchanged).")
    if isinstance(exc, Unreachable | InstallError | NodeError | BadFilter | UsageError | ErrorBudgetExceeded
                  | MappingConflict):
        return str(exc)
    return None


if __name__ == "__main__":
    sys.exit(main())
