"""``newsindex eval extraction DIR``: score the clean stage on the article-extraction-benchmark.

The metric re-implements the benchmark's own (token 4-gram shingles as a multiset, per-document
normalised tp/fp/fn, F1 as the harmonic mean of mean precision and mean recall) so that our figure
can be set beside the published ones without an asterisk. Peers are re-scored on the same pages
from ``peer-outputs/`` because the published anchors cover all 181 pages, not this folder's half.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from flows.evaluate.folds import DEFAULT_FOLDS, format_folds, per_fold, split, summary
from transforms.clean.article import clean_article
from transforms.errors import RejectedArticle
from transforms.models import Origin, RawArticle

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4
BOOTSTRAP_ROUNDS = 1000
BOOTSTRAP_SEED = 42

TpFpFn = tuple[float, float, float]

PUBLISHED_ANCHORS: dict[str, tuple[float, float, float, float]] = {
    # tool: (F1, precision, recall, accuracy) from the benchmark's README, all 181 pages.
    "rs_trafilatura": (0.970, 0.951, 0.990, 0.287),
    "go_trafilatura": (0.960, 0.940, 0.980, 0.287),
    "trafilatura": (0.958, 0.938, 0.978, 0.293),
    "newspaper": (0.949, 0.964, 0.934, 0.326),
    "news_please": (0.948, 0.964, 0.933, 0.326),
    "readability_js": (0.947, 0.914, 0.982, 0.166),
    "readability": (0.922, 0.913, 0.931, 0.315),
    "dragnet": (0.907, 0.925, 0.889, 0.221),
    "goose3": (0.896, 0.940, 0.856, 0.232),
    "boilerpipe": (0.860, 0.850, 0.870, 0.006),
    "justext": (0.804, 0.858, 0.756, 0.088),
    "html-text": (0.665, 0.500, 0.994, 0.000),
    "AutoExtract": (0.970, 0.984, 0.956, 0.470),
    "Diffbot": (0.951, 0.958, 0.944, 0.348),
}


@dataclass(frozen=True)
class Scores:
    f1: float
    precision: float
    recall: float
    accuracy: float
    f1_std: float | None = None
    documents: int = 0


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Texts shorter than ``size`` tokens still give one (shorter) shingle, as in the benchmark."""
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(gram for gram in grams if gram)


def match(true: str, predicted: str) -> TpFpFn:
    """Multiset overlap, normalised by tp+fp+fn so that a long page weighs as much as a short one."""
    expected, got = shingles(true), shingles(predicted)
    tp = sum((expected & got).values())
    fp = sum((got - expected).values())
    fn = sum((expected - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float | None:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp > 0 else None


def _recall(tp: float, fp: float, fn: float) -> float | None:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn > 0 else None


def _mean(values: Sequence[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else 0.0


def aggregate(counts: Sequence[TpFpFn]) -> tuple[float, float, float]:
    """(F1, P, R): F1 is the harmonic mean of the mean P and the mean R, not a mean of per-page F1s."""
    precision = _mean([_precision(*c) for c in counts])
    recall = _mean([_recall(*c) for c in counts])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def bootstrap_f1_std(counts: Sequence[TpFpFn], rounds: int = BOOTSTRAP_ROUNDS) -> float:
    rng = random.Random(BOOTSTRAP_SEED)
    f1s = [aggregate(rng.choices(counts, k=len(counts)))[0] for _ in range(rounds)]
    mean = sum(f1s) / len(f1s)
    return math.sqrt(sum((f - mean) ** 2 for f in f1s) / len(f1s))


def score(truth: Mapping[str, str], predicted: Mapping[str, str], bootstrap: bool = True) -> Scores:
    """Pages missing from ``predicted`` count as empty predictions, as a failed extraction would."""
    counts = [match(truth[key], predicted.get(key, "")) for key in sorted(truth)]
    exact = sum(tokenize(truth[key]) == tokenize(predicted.get(key, "")) for key in truth)
    f1, precision, recall = aggregate(counts)
    std = bootstrap_f1_std(counts) if bootstrap and counts else None
    return Scores(f1, precision, recall, exact / len(truth) if truth else 0.0, std, len(truth))


def load_truth(folder: Path) -> dict[str, str]:
    data = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: value.get("articleBody", "") for key, value in data.items()}


def load_urls(folder: Path) -> dict[str, str | None]:
    data = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: value.get("url") for key, value in data.items()}


def extract_page(path: Path, url: str | None) -> str:
    """A rejected page is an empty prediction: the benchmark scores what a run would index."""
    html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    raw = RawArticle(origin=Origin(path=str(path)), format="html", content=html, url=url)
    try:
        return clean_article(raw).body
    except RejectedArticle:
        return ""


def extract_all(folder: Path, keys: Sequence[str]) -> dict[str, str]:
    urls = load_urls(folder)
    return {key: extract_page(folder / "html" / f"{key}.html.gz", urls.get(key)) for key in keys}


def peer_outputs(folder: Path, truth: Mapping[str, str]) -> dict[str, dict[str, str]]:
    peers: dict[str, dict[str, str]] = {}
    for path in sorted((folder / "peer-outputs").glob("*.json")):
        output = json.loads(path.read_text(encoding="utf-8")).get("output", {})
        peers[path.stem] = {key: (output.get(key) or {}).get("articleBody") or "" for key in truth}
    return peers


def peer_scores(folder: Path, truth: Mapping[str, str]) -> dict[str, Scores]:
    return {name: score(truth, predicted, bootstrap=False) for name, predicted in peer_outputs(folder, truth).items()}


def fold_f1s(truth: Mapping[str, str], predicted: Mapping[str, str], k: int = DEFAULT_FOLDS) -> list[float]:
    """F1 of each fold of pages, aggregated within the fold as the benchmark aggregates the whole set."""
    return per_fold(sorted(truth), lambda part: score({key: truth[key] for key in part}, predicted, False).f1, k)


def format_table(ours: Scores, peers: Mapping[str, Scores]) -> str:
    header = f"{'tool':<18} {'F1':>14} {'P':>6} {'R':>6} {'acc':>6}   published (181 pages) F1/P/R/acc"
    lines = [header, "-" * len(header)]
    rows = [("newsindex", ours), *sorted(peers.items(), key=lambda item: -item[1].f1)]
    for name, s in rows:
        f1 = f"{s.f1:.3f}" + (f" ± {s.f1_std:.3f}" if s.f1_std is not None else "")
        anchor = PUBLISHED_ANCHORS.get(name)
        published = " / ".join(f"{v:.3f}" for v in anchor) if anchor else "-"
        lines.append(f"{name:<18} {f1:>14} {s.precision:>6.3f} {s.recall:>6.3f} {s.accuracy:>6.3f}   {published}")
    return "\n".join(lines)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="newsindex eval extraction",
        description="Score HTML main-text extraction on an article-extraction-benchmark folder.",
    )
    parser.add_argument("dir", type=Path, help="folder with html/*.html.gz and ground-truth.json")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="k for the k-fold figures")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if not (args.dir / "ground-truth.json").is_file() or args.folds < 1:
        print(f"error: {args.dir}/ground-truth.json not found (or --folds below 1)", file=sys.stderr)
        return 2
    truth = load_truth(args.dir)
    predicted = extract_all(args.dir, sorted(truth))
    ours = score(truth, predicted)
    outputs = peer_outputs(args.dir, truth) if (args.dir / "peer-outputs").is_dir() else {}
    peers = {name: score(truth, output, bootstrap=False) for name, output in outputs.items()}
    print(format_table(ours, peers))
    folds = {"newsindex": fold_f1s(truth, predicted, args.folds)}
    folds.update((name, fold_f1s(truth, output, args.folds)) for name, output in outputs.items())
    print(f"\nF1 per fold ({args.folds} folds by a hash of the page id)")
    print("\n".join(format_folds(f"{name:<18}", (ours if name == "newsindex" else peers[name]).f1, figures)
                    for name, figures in folds.items()))  # fmt: skip
    by_fold = [score({key: truth[key] for key in part}, predicted, False) for part in split(sorted(truth), args.folds)
               if part]
    print("newsindex F1 / P / R per fold: " + " | ".join(f"{s.f1:.3f} / {s.precision:.3f} / {s.recall:.3f}"
                                                          for s in by_fold))
    result = {"newsindex": asdict(ours), "peers": {name: asdict(s) for name, s in peers.items()},
              "folds": {name: summary(figures, args.folds) for name, figures in folds.items()}}  # fmt: skip
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
