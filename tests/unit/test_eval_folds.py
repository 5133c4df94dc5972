"""The fold splitter behind every evaluation's k-fold figures: stable, disjoint, covering, and honest."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import pytest

from flows.evaluate.folds import cross_validate, fold_of, format_folds, per_fold, split, summary

IDS = [f"page-{n}" for n in range(1000)] + ["Übersicht-ä", "\udcff-surrogate"]


def test_folds_are_disjoint_and_cover_every_item() -> None:
    folds = split(IDS, 5)
    assert sorted(item for fold in folds for item in fold) == sorted(IDS)
    assert sum(len(fold) for fold in folds) == len(IDS)  # no item in two folds


def test_folds_are_balanced_enough_to_compare() -> None:
    sizes = [len(fold) for fold in split(IDS, 5)]
    assert min(sizes) > 0.8 * len(IDS) / 5 and max(sizes) < 1.2 * len(IDS) / 5


def test_an_item_keeps_its_fold_whatever_else_is_in_the_set() -> None:
    """Adding or dropping items must not move the others: the folds of this half and of a grown half agree."""
    small = split(IDS[:100], 5)
    large = split(IDS, 5)
    for small_fold, large_fold in zip(small, large, strict=True):
        assert set(small_fold) <= set(large_fold)


def test_the_fold_does_not_depend_on_the_process() -> None:
    """Python salts ``hash()`` per process; a fold must be the same in every run and on every machine."""
    code = "from flows.evaluate.folds import fold_of; print([fold_of(f'page-{n}') for n in range(20)])"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other.strip() == str([fold_of(f"page-{n}") for n in range(20)])
    assert fold_of("page-0", 5) == fold_of("page-0", 5)


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        fold_of("x", 0)


def test_per_fold_scores_each_fold_alone() -> None:
    seen: list[list[str]] = []

    def score(part: Sequence[str]) -> float:
        seen.append(list(part))
        return float(len(part))

    figures = per_fold(IDS, score, 5)
    assert figures == [float(len(fold)) for fold in split(IDS, 5)]
    assert seen == split(IDS, 5)


def test_cross_validate_picks_on_the_other_folds_only() -> None:
    """The choice for a fold is made without looking at it: a threshold that suits only that fold loses."""
    folds = split(IDS, 3)
    favourite = {item: index for index, fold in enumerate(folds) for item in fold}

    def score(part: Sequence[str], choice: int) -> float:
        return sum(favourite[item] == choice for item in part) / len(part)

    figures, picked = cross_validate(IDS, [0, 1, 2], score, 3)
    assert all(choice != index for index, choice in enumerate(picked))
    assert figures == [0.0, 0.0, 0.0]  # each fold's own favourite was never picked for it


def test_summary_and_line() -> None:
    stats = summary([0.9, 1.0], 2)
    assert stats == {"k": 2, "per_fold": [0.9, 1.0], "mean": 0.95, "std": 0.05, "min": 0.9, "max": 1.0}
    assert summary([], 5)["mean"] is None
    assert format_folds("F1", 0.95, [0.9, 1.0]) == "F1: whole 0.950 | 2 folds mean 0.950 ± 0.050 | 0.900 1.000"
