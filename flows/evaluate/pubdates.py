"""``newsindex eval pubdates DIR``: score the publication date the clean stage finds for raw HTML pages.

DIR holds ``pages/<id>.html.gz`` and ``gold.json`` (``{id: {"date": "YYYY-MM-DD", "url": ...}}``), the layout of
htmldate's evaluation set. Each page goes through the product's own path: decoded as the HTML reader decodes
it, then ``clean_article`` with the gold URL as the crawler's URL, exactly as a crawled page would arrive. A
page the clean stage rejects has no date, as it would have none in the index.

Metric (htmldate's ``tests/evaluation.py``): per page a predicted day or none; equal to gold is a true
positive, another day a false positive, none a false negative; F1 = 2tp / (2tp + fp + fn).

Peers: htmldate's ``find_date(html, original_date=True)`` fast and extensive, on the same decoded text, both
without the URL (as htmldate's published figures and the data set's README) and with it (as the product).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import htmldate

from flows.evaluate.folds import DEFAULT_FOLDS, format_folds, per_fold, summary
from flows.read.html import declared_charset
from transforms.clean.article import clean_article
from transforms.clean.decode import decode
from transforms.errors import RejectedArticle
from transforms.models import Origin, RawArticle

PRODUCT = "newsindex"
PEERS = {  # name: (extensive_search, give the URL)
    "htmldate fast": (False, False),
    "htmldate extensive": (True, False),
    "htmldate fast +url": (False, True),
    "htmldate extensive +url": (True, True),
}
PUBLISHED = {  # htmldate's docs/evaluation.rst, all 1,000 pages (htmldate was developed on them)
    "htmldate fast": 0.925,
    "htmldate extensive": 0.949,
}
logging.getLogger("htmldate").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Gold:
    date: str
    url: str | None


@dataclass(frozen=True)
class Prediction:
    date: str | None
    source: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class Scores:
    f1: float
    precision: float
    recall: float
    tp: int
    fp: int
    fn: int


def load_gold(folder: Path) -> dict[str, Gold]:
    data = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    return {key: Gold(value["date"], value.get("url")) for key, value in data.items()}


def read_page(folder: Path, key: str) -> tuple[str, str]:
    """(text, encoding) as ``HtmlReader`` decodes the bytes: the declared charset is a hint, not the truth."""
    data = gzip.decompress((folder / "pages" / f"{key}.html.gz").read_bytes())
    return decode(data, hint=declared_charset(data))


def product_date(html: str, encoding: str, url: str | None, label: str) -> Prediction:
    raw = RawArticle(origin=Origin(path=label), format="html", content=html, encoding=encoding, url=url)
    try:
        article = clean_article(raw)
    except RejectedArticle:
        return Prediction(None)
    day = article.published_on or (article.published_at.date() if article.published_at else None)
    if day is None:
        return Prediction(None)
    return Prediction(day.isoformat(), article.published_at_source, article.published_at_confidence)


def peer_date(html: str, url: str | None, extensive: bool) -> Prediction:
    try:
        found = htmldate.find_date(html, original_date=True, extensive_search=extensive, url=url)
    except Exception:  # a peer's crash on one page is its miss, not the end of the run
        return Prediction(None)
    return Prediction(found if isinstance(found, str) else None)


def predict_all(folder: Path, gold: Mapping[str, Gold]) -> dict[str, dict[str, Prediction]]:
    """tool → page id → prediction, for the product and every peer."""
    tools: dict[str, dict[str, Prediction]] = {PRODUCT: {}, **{name: {} for name in PEERS}}
    for key in sorted(gold):
        html, encoding = read_page(folder, key)
        url = gold[key].url
        tools[PRODUCT][key] = product_date(html, encoding, url, str(folder / "pages" / f"{key}.html.gz"))
        for name, (extensive, with_url) in PEERS.items():
            tools[name][key] = peer_date(html, url if with_url else None, extensive)
    return tools


def score(gold: Mapping[str, Gold], predicted: Mapping[str, Prediction], keys: Sequence[str]) -> Scores:
    tp = sum(predicted[key].date == gold[key].date for key in keys)
    fn = sum(predicted[key].date is None for key in keys)
    fp = len(keys) - tp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return Scores(f1, precision, recall, tp, fp, fn)


def fold_f1s(gold: Mapping[str, Gold], predicted: Mapping[str, Prediction], keys: Sequence[str], k: int) -> list[float]:
    return per_fold(keys, lambda part: score(gold, predicted, part).f1, k)


def by_source(gold: Mapping[str, Gold], predicted: Mapping[str, Prediction]) -> dict[str, dict[str, float]]:
    """How often the product was right per source and stated confidence: the check that a confidence means
    what it says (of the pages given 0.85, about 85% right)."""
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for key, prediction in predicted.items():
        source = f"{prediction.source or 'none'} {prediction.confidence or 0:.2f}"
        seen[source] += 1
        right[source] += prediction.date is not None and prediction.date == gold[key].date
    return {source: {"pages": seen[source], "correct": right[source],
                     "precision": round(right[source] / seen[source], 4)} for source in sorted(seen)}  # fmt: skip


def format_table(results: Mapping[str, Scores]) -> str:
    header = f"{'tool':<26} {'F1':>6} {'P':>6} {'R':>6} {'tp':>5} {'fp':>4} {'fn':>4}   published F1 (1,000 pages)"
    lines = [header, "-" * len(header)]
    for name, s in results.items():
        published = f"{PUBLISHED[name]:.3f}" if name in PUBLISHED else "-"
        lines.append(
            f"{name:<26} {s.f1:>6.3f} {s.precision:>6.3f} {s.recall:>6.3f} {s.tp:>5} {s.fp:>4} {s.fn:>4}   {published}"
        )
    return "\n".join(lines)


def error_lines(gold: Mapping[str, Gold], predicted: Mapping[str, Prediction]) -> list[str]:
    return [
        f"{key}\tgold {gold[key].date}\tgot {p.date}\tfrom {p.source}\t{gold[key].url}"
        for key, p in sorted(predicted.items())
        if p.date != gold[key].date
    ]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="newsindex eval pubdates", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="folder with pages/<id>.html.gz and gold.json")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="k for the k-fold figures")
    parser.add_argument("--errors", action="store_true", help="list every page the product got wrong or missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    if not (args.dir / "gold.json").is_file() or args.folds < 1:
        print(f"error: {args.dir}/gold.json not found (or --folds below 1)", file=sys.stderr)
        return 2
    gold = load_gold(args.dir)
    keys = sorted(gold)
    began = time.perf_counter()
    tools = predict_all(args.dir, gold)
    seconds = round(time.perf_counter() - began, 1)
    results = {name: score(gold, predicted, keys) for name, predicted in tools.items()}
    folds = {name: fold_f1s(gold, predicted, keys, args.folds) for name, predicted in tools.items()}
    if args.errors:
        print("\n".join(error_lines(gold, tools[PRODUCT])))
    print(f"{len(keys)} pages, {seconds} s; the product is given each page's URL as a crawler would")
    print(format_table(results))
    print(f"\nF1 per fold ({args.folds} folds by a hash of the page id)")
    print("\n".join(format_folds(f"{name:<26}", results[name].f1, folds[name]) for name in tools))
    sources = by_source(gold, tools[PRODUCT])
    print("\nproduct by source: " + ", ".join(f"{s} {v['correct']}/{v['pages']}" for s, v in sources.items()))
    report = {
        "pages": len(keys),
        "seconds": seconds,
        PRODUCT: {**asdict(results[PRODUCT]), "by_source": sources},
        "peers": {name: asdict(results[name]) for name in PEERS},
        "folds": {name: summary(folds[name], args.folds) for name in tools},
    }
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
