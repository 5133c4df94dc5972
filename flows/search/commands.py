"""Subcommands of the search surfaces: `passages`, `related` and `kibana import|check`.

Registered through ``flows.cli.COMMAND_MODULES``; every handler takes ``(args, settings)`` and returns the exit code.
``--render`` prints the request a template produces, for applications that talk to a node without mustache.
"""

from __future__ import annotations

import argparse
import json
import sys

from flows.search.limits import (
    MAX_PASSAGES_PER_ARTICLE,
    MAX_PREFIX_TERMS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_RESULT_WINDOW,
    MAX_SIZE,
    MIN_PREFIX_CHARS,
    bound_query,
)
from flows.settings import Settings

FILTER_HELP = ("language, source, authors (or author), story_id, entity, person, organization, location, group, "
               "event (these ignore case and accents), published_from, published_to, date_from, date_to (date: "
               "publication date, else first seen), mentioned_from, mentioned_to (dates: ISO, e.g. 2024-05-31, or "
               "now-7d)")
QUERY_HELP = (f"free text in simple_query_string syntax (+ | - \"phrase\" (…) word*; no ~ operators); empty or * "
              f"for all. At most {MAX_QUERY_CHARS} characters, {MAX_QUERY_TERMS} terms and {MAX_PREFIX_TERMS} prefixes "
              f"of {MIN_PREFIX_CHARS}+ characters are used; a note on stderr says what was cut")
SIZE_HELP = f"hits to show, 1 to {MAX_SIZE} (default 10; 0 is refused: there is no facets-only page)"
OFFSET_HELP = f"hits to skip (offset + size <= {MAX_RESULT_WINDOW})"


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def note(message: str) -> None:
    print(f"newsindex: note: {message}", file=sys.stderr)


def note_query_cuts(query: str) -> None:
    """Says on stderr what the bounds cut from the query, so a shorter search is never a silent one."""
    for message in bound_query(query)[1]:
        note(message)


def note_if_partial(response: dict[str, object]) -> None:
    if response.get("timed_out"):
        note("the node stopped the search at its time limit: the hits are those found until then")


def cmd_passages(args: argparse.Namespace, settings: Settings) -> int:
    from flows.search.passages import TEMPLATE, format_passages, passage_hits, passage_params, run_passages
    from flows.search.render import render

    params = passage_params(args.query, args.filter, size=args.size, offset=args.offset,
                            per_article=args.per_article)
    note_query_cuts(args.query)
    if args.render:
        _print_json(render(TEMPLATE, params))
        return 0
    from flows.es.client import connect_checked

    response = run_passages(connect_checked(settings), settings.index, params)
    note_if_partial(response)
    if args.json:
        print(json.dumps({"total": response["hits"]["total"]["value"],
                          "passages": [hit.to_json() for hit in passage_hits(response)]}, ensure_ascii=False))
    else:
        print(format_passages(response))
    return 0


def cmd_related(args: argparse.Namespace, settings: Settings) -> int:
    from flows.search.related import (
        TEMPLATE,
        UnknownArticle,
        format_related,
        locate_article,
        related_hits,
        related_params,
        run_related,
    )
    from flows.search.render import render

    params = related_params(args.id, settings.index, args.size, args.filter)  # refuses bad values before connecting
    if args.render:
        _print_json(render(TEMPLATE, params))
        return 0
    from flows.es.client import connect_checked

    client = connect_checked(settings)
    try:
        article_id, holder = locate_article(client, settings.index, args.id)
    except UnknownArticle as exc:
        print(f"newsindex: {exc}", file=sys.stderr)
        return 2
    response = run_related(client, settings.index, related_params(article_id, holder, args.size, args.filter))
    note_if_partial(response)
    if args.json:
        print(json.dumps({"id": article_id, "related": related_hits(response)}, ensure_ascii=False))
    else:
        print(format_related(response, article_id))
    return 0


def cmd_kibana(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "check":
        from flows.kibana.objects import committed_mappings, field_problems, load_objects, reference_problems

        objects = load_objects()
        problems = field_problems(objects, committed_mappings()) + reference_problems(objects)
        print("\n".join(problems) if problems else f"{len(objects)} saved object(s): fields and references OK")
        return 1 if problems else 0
    from flows.kibana.importer import KibanaError, import_objects

    try:
        result = import_objects(settings, url=args.url)
    except KibanaError as exc:
        print(f"newsindex: {exc}", file=sys.stderr)
        return 2
    print("\n".join(result.lines()))
    return 1 if result.errors else 0


def _add_search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--filter", action="append", default=[], metavar="FIELD=VALUE", help=FILTER_HELP)
    parser.add_argument("--size", type=int, default=10, help=SIZE_HELP)
    parser.add_argument("--json", action="store_true", help="the hits and facets as one JSON object, for scripts")
    parser.add_argument("--render", action="store_true", help="print the rendered request body, do not search")


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    passages = sub.add_parser("passages", help="passage-level hits with body offsets and highlights")
    passages.add_argument("query", help=QUERY_HELP)
    _add_search_options(passages)
    passages.add_argument("--offset", type=int, default=0, help=OFFSET_HELP)
    passages.add_argument("--per-article", type=int, default=3,
                          help=f"passages shown per article, 1 to {MAX_PASSAGES_PER_ARTICLE} (default 3)")
    passages.set_defaults(handler=cmd_passages)

    related = sub.add_parser("related", help="articles like a given one (by id, canonical URL or source path)")
    related.add_argument("id", help="an article id (`newsindex search --json` shows them), its canonical URL or "
                                    "its source path")
    _add_search_options(related)
    related.set_defaults(handler=cmd_related)

    kibana = sub.add_parser("kibana", help="Kibana saved objects: import them, or check them against the mapping")
    kibana.add_argument("action", choices=["import", "check"],
                        help="import the saved objects into Kibana, or check them against the mapping offline")
    kibana.add_argument("--url", help="Kibana URL (default: $KIBANA_URL or http://127.0.0.1:5601)")
    kibana.set_defaults(handler=cmd_kibana)
