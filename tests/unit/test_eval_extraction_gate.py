"""Quality gate for HTML extraction, as trafilatura's CI does: a pinned benchmark subset, pinned minima.

Measured on this subset when pinned: F1 0.985, P 0.992, R 0.978 (the full public half: F1 0.978).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from flows.evaluate import extraction
from flows.evaluate.extraction import aggregate, match, score, shingles

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "extraction"
MIN_F1 = 0.975
MIN_PRECISION = 0.98
MIN_RECALL = 0.965


def _digests() -> dict[str, str]:
    lines = (FIXTURE / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name.strip(): digest for digest, name in (line.split(maxsplit=1) for line in lines if line)}


def test_fixture_matches_its_digest() -> None:
    digests = _digests()
    on_disk = {"ground-truth.json", *(f"html/{p.name}" for p in (FIXTURE / "html").glob("*.html.gz"))}
    assert set(digests) == on_disk
    for name, digest in digests.items():
        assert hashlib.sha256((FIXTURE / name).read_bytes()).hexdigest() == digest, name
    truth = json.loads((FIXTURE / "ground-truth.json").read_text(encoding="utf-8"))
    assert {f"html/{key}.html.gz" for key in truth} == on_disk - {"ground-truth.json"}


@pytest.mark.timeout(60)
def test_extraction_quality_does_not_regress(capsys: pytest.CaptureFixture[str]) -> None:
    assert extraction.main([str(FIXTURE)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])["newsindex"]
    per_fold = next(line for line in lines if line.startswith("newsindex F1 / P / R per fold: "))
    assert per_fold.count("|") + 1 == len(json.loads(lines[-1])["folds"]["newsindex"]["per_fold"])
    assert result["documents"] == len(_digests()) - 1
    assert result["f1"] >= MIN_F1
    assert result["precision"] >= MIN_PRECISION
    assert result["recall"] >= MIN_RECALL


def test_missing_folder_is_an_error_not_a_crash(tmp_path: Path) -> None:
    assert extraction.main([str(tmp_path)]) == 2


def test_shingles_are_a_multiset_of_token_4grams() -> None:
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }
    assert shingles("too short") == {("too", "short"): 1}
    assert shingles("") == {}


def test_match_is_normalised_per_document() -> None:
    assert match("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    tp, fp, fn = match("a b c d e", "a b c d x y")
    assert (tp, fp, fn) == pytest.approx((1 / 4, 2 / 4, 1 / 4))  # abcd shared; bcdx, cdxy extra; bcde missed
    assert match("", "") == (0.0, 0.0, 0.0)


def test_f1_is_harmonic_mean_of_mean_precision_and_recall() -> None:
    counts = [(1.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.5, 0.0, 0.5)]
    f1, precision, recall = aggregate(counts)
    assert precision == pytest.approx((1 + 0.5 + 1) / 3)
    assert recall == pytest.approx((1 + 1 + 0.5) / 3)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_empty_prediction_counts_against_recall_only() -> None:
    result = score({"a": "one two three four five"}, {}, bootstrap=False)
    assert result.recall == 0.0
    assert result.precision == 0.0  # no document had tp+fp>0: the mean over nothing is 0
    assert result.accuracy == 0.0
