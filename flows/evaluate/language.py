"""``newsindex eval language DIR``: score ``detect_language`` on the lingua language-identification test data.

DIR has the lingua-py layout: ``sentences/``, ``word-pairs/``, ``single-words/`` with one ``<iso>.txt`` per
language (one sample per line), and ``published-accuracy/<set>-accuracy-values.csv`` with the accuracy each
published detector reached per language (``NaN`` = language not supported by that detector).

Metric (lingua-py's accuracy reports): per language, the % of its samples whose detected code equals the file's
code; a set's score is the unweighted mean over languages. The headline mean is taken over the languages that
langdetect, langid and lingua all support (read off the CSVs' NaN pattern: 49 languages), because a mean over
each detector's own languages compares different things. The published langdetect and lingua-high numbers are
averaged over exactly the same languages, so the columns are comparable.

langdetect is pure Python, so the run fans out over ``--workers`` processes (one language file per task); each
worker builds its detectors once. The last line printed is a JSON object with all scores.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

from lingua import Language

from flows.evaluate.folds import DEFAULT_FOLDS, fold_of, format_folds, summary
from transforms.enrich.language import detect_language

SETS = ("sentences", "word-pairs", "single-words")
PUBLISHED = {"langdetect": "langdetect", "lingua-high": "lingua-high-accuracy"}
COMMON_WITH = ("langdetect", "langid", "lingua-high-accuracy")
NAME_TO_CODE = {lang.name.lower(): lang.iso_code_639_1.name.lower() for lang in Language.all()}

Published = dict[str, dict[str, float | None]]  # iso code → detector column → accuracy (None = unsupported)
Job = tuple[str, str, str, int, int | None, int]  # set, code, path, offset, limit, folds
Result = tuple[str, str, int, int, list[int], list[int]]  # set, code, correct, total, correct and total per fold


def read_published(root: Path, name: str) -> Published:
    path = root / "published-accuracy" / f"{name}-accuracy-values.csv"
    table: Published = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            values = {key: float(v) for key, v in row.items() if key != "language"}
            table[NAME_TO_CODE[row["language"].lower()]] = {
                key: None if math.isnan(v) else v for key, v in values.items()
            }
    return table


def common_languages(published: Published) -> set[str]:
    return {code for code, row in published.items() if all(row.get(col) is not None for col in COMMON_WITH)}


def read_samples(path: Path, offset: int, limit: int | None) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[offset : None if limit is None else offset + limit]


def score_file(job: Job) -> Result:
    """Worker task: one language file of one set. A sample's fold comes from its set, language and line number."""
    name, code, path, offset, limit, k = job
    samples = read_samples(Path(path), offset, limit)
    fold_correct, fold_total = [0] * k, [0] * k
    for index, text in enumerate(samples):
        fold = fold_of(f"{name}/{code}/{offset + index}", k)
        fold_total[fold] += 1
        fold_correct[fold] += detect_language(text).code == code
    return name, code, sum(fold_correct), len(samples), fold_correct, fold_total


def run_jobs(jobs: list[Job], workers: int) -> list[Result]:
    if workers <= 1:
        return list(map(score_file, jobs))
    with get_context("spawn").Pool(workers) as pool:
        return list(pool.imap_unordered(score_file, jobs))


def collect(results: Iterable[Result], fold: int | None = None) -> dict[str, dict[str, float]]:
    """Accuracy per set and language, over all samples or over one fold's. Files with no sample left (after
    --offset, or in that fold) are dropped rather than scored 0."""
    accuracy: dict[str, dict[str, float]] = {}
    for name, code, correct, total, fold_correct, fold_total in results:
        if fold is not None:
            correct, total = fold_correct[fold], fold_total[fold]
        if total:
            accuracy.setdefault(name, {})[code] = 100.0 * correct / total
    return accuracy


def fold_means(results: Sequence[Result], name: str, published: Published, k: int) -> list[float]:
    """The headline (mean accuracy over the common languages) within each fold of samples."""
    means = (summarise(collect(results, fold).get(name, {}), published).mean_common for fold in range(k))
    return [value for value in means if value is not None]


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None and not math.isnan(v)]
    return round(sum(present) / len(present), 2) if present else None


@dataclass(frozen=True)
class SetScore:
    """One test set's scores; published columns are averaged over exactly the same languages as ours."""

    common_languages: int
    mean_common: float | None
    published_langdetect_common: float | None
    published_lingua_high_common: float | None
    languages: int
    mean_all: float | None
    published_lingua_high_all: float | None
    per_language: dict[str, float]


def summarise(ours: dict[str, float], published: Published) -> SetScore:
    common = sorted(common_languages(published) & ours.keys())
    return SetScore(
        common_languages=len(common),
        mean_common=mean([ours[c] for c in common]),
        published_langdetect_common=mean([published[c]["langdetect"] for c in common]),
        published_lingua_high_common=mean([published[c]["lingua-high-accuracy"] for c in common]),
        languages=len(ours),
        mean_all=mean(list(ours.values())),
        published_lingua_high_all=mean([published[c]["lingua-high-accuracy"] for c in ours]),
        per_language={code: round(ours[code], 2) for code in sorted(ours)},
    )


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.2f}"


def print_table(name: str, ours: dict[str, float], published: Published, score: SetScore) -> None:
    common = common_languages(published)
    print(f"\n== {name} ==\n{'lang':6} {'ours':>6} {'langdetect':>10} {'lingua-high':>11}  common")
    for code in sorted(ours):
        row = published[code]
        flag = "yes" if code in common else ""
        print(f"{code:6} {fmt(ours[code])} {fmt(row['langdetect']):>10} {fmt(row['lingua-high-accuracy']):>11}  {flag}")
    print(
        f"mean over {score.common_languages} common languages: ours {fmt(score.mean_common)}  "
        f"langdetect {fmt(score.published_langdetect_common)}  lingua-high {fmt(score.published_lingua_high_common)}"
    )
    print(
        f"mean over all {score.languages} languages: ours {fmt(score.mean_all)}  "
        f"lingua-high {fmt(score.published_lingua_high_all)}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsindex eval language", description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path, help="lingua test-data directory")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated subset of " + ", ".join(SETS))
    parser.add_argument("--limit", type=int, default=None, help="samples per language (default: all)")
    parser.add_argument("--offset", type=int, default=0, help="skip the first N samples (tune on a held-out part)")
    parser.add_argument("--languages", default=None, help="comma-separated ISO codes (default: every file)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="k for the k-fold figures")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in names if s not in SETS]
    if unknown or not (args.dir / "published-accuracy").is_dir() or args.folds < 1:
        print(f"error: unknown set(s) {unknown} or no published-accuracy/ in {args.dir}", file=sys.stderr)
        return 2
    wanted = set(args.languages.split(",")) if args.languages else None
    jobs = [
        (name, path.stem, str(path), args.offset, args.limit, args.folds)
        for name in names
        for path in sorted((args.dir / name).glob("*.txt"))
        if path.stem in NAME_TO_CODE.values() and (wanted is None or path.stem in wanted)
    ]
    started = time.perf_counter()
    results = run_jobs(jobs, args.workers)
    accuracy = collect(results)
    wall = round(time.perf_counter() - started, 1)
    scores: dict[str, dict[str, object]] = {}
    for name in names:
        published = read_published(args.dir, name)
        score = summarise(accuracy.get(name, {}), published)
        print_table(name, accuracy.get(name, {}), published, score)
        folds = fold_means(results, name, published, args.folds)
        print(format_folds(f"mean over common languages per fold ({args.folds} folds of samples)",
                           score.mean_common or 0.0, folds, precision=2))  # fmt: skip
        scores[name] = {**asdict(score), "folds": summary(folds, args.folds, digits=2)}
    print(f"\nwall time {wall} s with {args.workers} worker(s)")
    print(json.dumps({"limit": args.limit, "offset": args.offset, "wall_seconds": wall, "sets": scores}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
