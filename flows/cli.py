"""The `newsindex` command line. Each subcommand is a thin handler over a flows module."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

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
    from flows.es.setup import setup

    report = setup(connect_checked(settings), settings.index)
    print("\n".join(report.lines()))
    return 0


EVALUATIONS = ("extraction", "dates", "language", "ner")


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

    evaluate = sub.add_parser("eval", help="score a stage on a public benchmark")
    evaluate.add_argument("kind", choices=EVALUATIONS)
    evaluate.add_argument("rest", nargs=argparse.REMAINDER, help="arguments of the evaluation")
    evaluate.set_defaults(handler=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line error for the user; tracebacks are for --debug
        if _known_error(exc):
            print(f"newsindex: {exc}", file=sys.stderr)
            return 2
        raise


def _known_error(exc: Exception) -> bool:
    from flows.es.client import Unreachable
    from flows.es.install import InstallError
    from flows.es.node import NodeError

    return isinstance(exc, Unreachable | InstallError | NodeError)


if __name__ == "__main__":
    sys.exit(main())
