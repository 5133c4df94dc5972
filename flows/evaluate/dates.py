"""``newsindex eval dates DIR``: score ``find_date_mentions`` on TimeML documents, TempEval-3 task A style.

Each ``.tml`` file under DIR is read; the plain text of ``<TEXT>`` is rebuilt with the exact character
offsets of its gold ``TIMEX3`` spans, the ``<DCT>`` value is the publication date, and the tagger's output
is compared with the gold spans. The DCT timex itself is not scored (the official scorer skips ``t0``).

Definitions (TempEval-3 official scorer ``evaluate_entities.py`` and UzZaman et al. 2013, "SemEval-2013
Task 1: TempEval-3", section 5):

* relaxed match: a system and a gold timex overlap by at least one character (the scorer aligns them by
  overlap, then compares ids); strict match: identical extent.
* P = matched system timexes / system timexes; R = matched gold timexes / gold timexes; F1 their harmonic
  mean, computed for strict and relaxed matching. Counts are pooled over all documents (micro average).
* type / value accuracy = relaxed matches whose ``type`` / ``value`` string is identical / relaxed matches.
* value F1 = relaxed F1 x value accuracy (type F1 likewise). TempEval-3 ranks task A systems by value F1.

Here the alignment is one-to-one (exact extent first, then largest overlap), so a gold timex split in two
by the system counts once; the official id-based alignment behaves the same way.

Anchors (full 20-document te3-platinum set, UzZaman et al. 2013 Table 3): HeidelTime-t value F1 77.61,
relaxed F1 90.30, strict F1 81.34; SUTime 67.38 / 90.32 / 79.57; ClearTK-1,2 64.66 / 90.23 / 82.71.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flows.evaluate.folds import DEFAULT_FOLDS, format_folds, per_fold, summary
from transforms.enrich.dates import find_date_mentions

ANCHORS = {  # system: (relaxed F1, strict F1, value F1), te3-platinum, all 20 documents
    "HeidelTime-t": (90.30, 81.34, 77.61),
    "SUTime": (90.32, 79.57, 67.38),
    "ClearTK-1,2": (90.23, 82.71, 64.66),
}
_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*)>")
_ATTR = re.compile(r'([A-Za-z]+)="([^"]*)"')
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL)
_DCT = re.compile(r"<DCT>\s*<TIMEX3([^>]*)>", re.DOTALL)


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    type: str
    value: str


@dataclass(frozen=True)
class Document:
    name: str
    dct: date | datetime | None
    text: str
    gold: list[Gold]


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    relaxed: int = 0
    strict: int = 0
    type_ok: int = 0
    value_ok: int = 0
    errors: list[str] = field(default_factory=list)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.gold + other.gold, self.system + other.system, self.relaxed + other.relaxed,
                      self.strict + other.strict, self.type_ok + other.type_ok, self.value_ok + other.value_ok,
                      self.errors + other.errors)  # fmt: skip


def parse_timeml(raw: str, name: str = "") -> Document:
    """Plain text of <TEXT> with gold TIMEX3 offsets into it; entities are unescaped as the text is built."""
    body = _TEXT.search(raw)
    if body is None:
        raise ValueError(f"{name}: no <TEXT> element")
    parts: list[str] = []
    length = 0
    opened: list[tuple[int, dict[str, str]]] = []
    gold: list[Gold] = []
    position = 0
    for tag in _TAG.finditer(body.group(1)):
        chunk = html.unescape(body.group(1)[position : tag.start()])
        parts.append(chunk)
        length += len(chunk)
        position = tag.end()
        if tag.group(2) != "TIMEX3":
            continue
        if tag.group(1):
            start, attrs = opened.pop()
            gold.append(Gold(start, length, attrs.get("type", ""), attrs.get("value", "")))
        elif not tag.group(3).rstrip().endswith("/"):
            opened.append((length, dict(_ATTR.findall(tag.group(3)))))
    parts.append(html.unescape(body.group(1)[position:]))
    return Document(name, _dct(raw), "".join(parts), sorted(gold, key=lambda g: g.start))


def _dct(raw: str) -> date | datetime | None:
    match = _DCT.search(raw)
    value = dict(_ATTR.findall(match.group(1))).get("value", "") if match else ""
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


def score_document(doc: Document, counts: Counts) -> None:
    system = find_date_mentions(doc.text, doc.dct)
    counts.gold += len(doc.gold)
    counts.system += len(system)
    pairs = []
    for gi, g in enumerate(doc.gold):
        for si, s in enumerate(system):
            overlap = min(g.end, s.end) - max(g.start, s.start)
            if overlap > 0:
                pairs.append(((g.start, g.end) == (s.start, s.end), overlap, gi, si))
    used_gold: set[int] = set()
    used_system: set[int] = set()
    for exact, _overlap, gi, si in sorted(pairs, key=lambda p: (not p[0], -p[1], p[2])):
        if gi in used_gold or si in used_system:
            continue
        used_gold.add(gi)
        used_system.add(si)
        g, s = doc.gold[gi], system[si]
        counts.relaxed += 1
        counts.strict += exact
        counts.type_ok += g.type == s.type.upper()
        counts.value_ok += g.value == s.value
        if g.value != s.value or g.type != s.type.upper():
            counts.errors.append(
                f"{doc.name}\tWRONG\t{doc.text[g.start : g.end]!r} {g.type} {g.value}\t"
                f"{s.text!r} {s.type.upper()} {s.value}"
            )
    counts.errors += [
        f"{doc.name}\tMISSED\t{doc.text[g.start : g.end]!r} {g.type} {g.value}"
        for gi, g in enumerate(doc.gold)
        if gi not in used_gold
    ]
    counts.errors += [
        f"{doc.name}\tSPURIOUS\t{s.text!r} {s.type.upper()} {s.value}"
        for si, s in enumerate(system)
        if si not in used_system
    ]


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def summarise(counts: Counts, documents: int) -> dict[str, float | int]:
    """Percentages, rounded to two decimals as the official scorer prints them."""

    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    p, r = ratio(counts.relaxed, counts.system), ratio(counts.relaxed, counts.gold)
    sp, sr = ratio(counts.strict, counts.system), ratio(counts.strict, counts.gold)
    relaxed_f1 = _f1(p, r)
    value_acc, type_acc = ratio(counts.value_ok, counts.relaxed), ratio(counts.type_ok, counts.relaxed)
    scores = {
        "relaxed_p": p,
        "relaxed_r": r,
        "relaxed_f1": relaxed_f1,
        "strict_p": sp,
        "strict_r": sr,
        "strict_f1": _f1(sp, sr),
        "type_accuracy": type_acc,
        "value_accuracy": value_acc,
        "type_f1": relaxed_f1 * type_acc,
        "value_f1": relaxed_f1 * value_acc,
    }
    result: dict[str, float | int] = {k: round(100 * v, 2) for k, v in scores.items()}
    result.update(documents=documents, gold_timexes=counts.gold, system_timexes=counts.system)
    return result


def score_directory(directory: Path) -> dict[str, Counts]:
    """Counts per document, keyed by its path under ``directory``: the unit a fold is made of."""
    per_document: dict[str, Counts] = {}
    for path in sorted(directory.rglob("*.tml")):
        counts = per_document[path.relative_to(directory).as_posix()] = Counts()
        score_document(parse_timeml(path.read_text(encoding="utf-8"), path.name), counts)
    return per_document


def pooled(per_document: dict[str, Counts], names: Sequence[str]) -> Counts:
    return sum((per_document[name] for name in names), Counts())


def evaluate_directory(directory: Path) -> tuple[dict[str, float | int], list[str]]:
    per_document = score_directory(directory)
    counts = pooled(per_document, sorted(per_document))
    return summarise(counts, len(per_document)), counts.errors


def fold_value_f1s(per_document: dict[str, Counts], k: int = DEFAULT_FOLDS) -> list[float]:
    """Value F1 of each fold of documents, counts pooled within the fold as over the whole set."""

    def value_f1(part: Sequence[str]) -> float:
        return float(summarise(pooled(per_document, part), len(part))["value_f1"])

    return per_fold(sorted(per_document), value_f1, k)


def _table(scores: dict[str, float | int]) -> str:
    lines = [
        f"{'system':<16}{'relaxed F1':>11}{'P':>8}{'R':>8}{'strict F1':>11}{'type acc':>10}"
        f"{'value acc':>11}{'value F1':>10}",
        f"{'newsindex':<16}{scores['relaxed_f1']:>11.2f}{scores['relaxed_p']:>8.2f}"
        f"{scores['relaxed_r']:>8.2f}{scores['strict_f1']:>11.2f}{scores['type_accuracy']:>10.2f}"
        f"{scores['value_accuracy']:>11.2f}{scores['value_f1']:>10.2f}",
    ]
    for name, (relaxed, strict, value) in ANCHORS.items():
        lines.append(
            f"{name + ' *':<16}{relaxed:>11.2f}{'':>8}{'':>8}{strict:>11.2f}{'':>10}"
            f"{100 * value / relaxed:>11.2f}{value:>10.2f}"
        )
    lines.append("* published, full te3-platinum (20 docs), UzZaman et al. 2013 Table 3")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsindex eval dates", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="folder of TimeML .tml files, searched recursively")
    parser.add_argument("--errors", action="store_true", help="list every missed, spurious or wrong timex")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="k for the k-fold figures")
    args = parser.parse_args(argv)
    if not args.dir.is_dir() or args.folds < 1:
        print(f"not a directory: {args.dir} (or --folds below 1)", file=sys.stderr)
        return 2
    per_document = score_directory(args.dir)
    counts = pooled(per_document, sorted(per_document))
    scores, errors = summarise(counts, len(per_document)), counts.errors
    if not scores["documents"]:
        print(f"no .tml files under {args.dir}", file=sys.stderr)
        return 2
    if args.errors:
        print("\n".join(errors))
    print(
        f"{scores['documents']} documents, {scores['gold_timexes']} gold timexes (DCT excluded), "
        f"{scores['system_timexes']} found"
    )
    print(_table(scores))
    folds = fold_value_f1s(per_document, args.folds)
    print(format_folds(f"value F1 per fold ({args.folds} folds of documents by a hash of the path)",
                       float(scores["value_f1"]), folds, precision=2))  # fmt: skip
    print(json.dumps({**scores, "folds": summary(folds, args.folds, digits=2)}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
