"""k-fold figures for the evaluations: one score per fold of the public half, beside the whole-half score.

The rules are written, not trained, so nothing is refitted per fold; what k-fold shows is variance. A rule
fitted to a few public items lifts the fold that holds them and leaves or lowers the others, and a spread
that is wide next to the gain warns before the held-out half is scored. A fold is picked by a hash of the
item's id, not by its position, so that adding or removing items never moves the others between folds,
and the same item falls in the same fold on every machine and every run.

When an evaluation does have a choice picked on data (a threshold), ``cross_validate`` picks it on k-1 folds
and scores it on the fold left out, so the reported figure never saw its own fold.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

DEFAULT_FOLDS = 5

C = TypeVar("C", bound=Hashable)


def fold_of(item_id: str, k: int = DEFAULT_FOLDS) -> int:
    """sha256 rather than ``hash()``: Python salts string hashes per process."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    digest = hashlib.sha256(item_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") % k


def split(item_ids: Iterable[str], k: int = DEFAULT_FOLDS) -> list[list[str]]:
    """The ids of each fold, in input order; a fold may be empty when there are few items."""
    folds: list[list[str]] = [[] for _ in range(k)]
    for item_id in item_ids:
        folds[fold_of(item_id, k)].append(item_id)
    return folds


def per_fold(item_ids: Iterable[str], score: Callable[[Sequence[str]], float], k: int = DEFAULT_FOLDS) -> list[float]:
    """``score`` of each non-empty fold: the figure an item set of that fold's size would give."""
    return [score(fold) for fold in split(item_ids, k) if fold]


def cross_validate(
    item_ids: Iterable[str], choices: Sequence[C], score: Callable[[Sequence[str], C], float], k: int = DEFAULT_FOLDS
) -> tuple[list[float], list[C]]:
    """For each fold: the choice that scores best on the other folds, and its score on this one."""
    folds = [fold for fold in split(item_ids, k) if fold]
    figures: list[float] = []
    picked: list[C] = []
    for index, held_out in enumerate(folds):
        develop = [item for other, fold in enumerate(folds) if other != index for item in fold]
        best = max(choices, key=lambda choice: score(develop, choice))
        figures.append(score(held_out, best))
        picked.append(best)
    return figures, picked


def mean_std(figures: Sequence[float]) -> tuple[float, float]:
    mean = sum(figures) / len(figures)
    return mean, math.sqrt(sum((value - mean) ** 2 for value in figures) / len(figures))


def summary(figures: Sequence[float], k: int = DEFAULT_FOLDS, digits: int = 4) -> dict[str, object]:
    """Mean and population standard deviation: the spread of these folds, not an estimate for others."""
    if not figures:
        return {"k": k, "per_fold": [], "mean": None, "std": None, "min": None, "max": None}
    mean, std = mean_std(figures)
    return {
        "k": k,
        "per_fold": [round(value, digits) for value in figures],
        "mean": round(mean, digits),
        "std": round(std, digits),
        "min": round(min(figures), digits),
        "max": round(max(figures), digits),
    }


def format_folds(label: str, whole: float, figures: Sequence[float], precision: int = 3) -> str:
    """One line: the whole-half figure, then mean ± std over the folds, then each fold."""
    if not figures:
        return f"{label}: whole {whole:.{precision}f}, no folds"
    mean, std = mean_std(figures)
    folds = " ".join(f"{value:.{precision}f}" for value in figures)
    return (
        f"{label}: whole {whole:.{precision}f} | {len(figures)} folds mean {mean:.{precision}f}"
        f" ± {std:.{precision}f} | {folds}"
    )
