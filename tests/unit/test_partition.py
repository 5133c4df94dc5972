"""``--partition K/N``: a stable hash of the file's label; the parts are disjoint and cover every input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from flows.cli import main
from flows.read import InputRules, read_articles, scan
from flows.read.partition import Partition, bucket

LABELS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


def test_the_hash_is_pinned_and_the_same_in_every_process() -> None:
    """Pinned values: a change of the hash would move files between parts of runs already deployed."""
    assert [bucket(f"/data/inbox/{n}.txt", 7) for n in range(6)] == PINNED
    code = "from flows.read.partition import bucket; print([bucket(f'/data/inbox/{n}.txt', 7) for n in range(6)])"
    for seed in ("1", "2"):  # Python's own hash differs per process; ours must not
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
        assert out.stdout.strip() == str(PINNED)


PINNED = [3, 2, 0, 6, 3, 0]


@given(labels=st.lists(LABELS, max_size=50), count=st.integers(1, 16))
@settings(max_examples=200, deadline=None)
def test_parts_are_disjoint_and_cover_every_label(labels: list[str], count: int) -> None:
    parts = [Partition(index=k, count=count) for k in range(1, count + 1)]
    for label in labels:
        assert sum(part.holds(label) for part in parts) == 1


def test_parts_are_balanced_enough() -> None:
    counts = [0] * 4
    for n in range(4000):
        counts[bucket(f"/corpus/bbc/{n:05d}.txt", 4)] += 1
    assert all(900 < c < 1100 for c in counts), counts


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", "-1/2", "1/2000"])
def test_bad_shapes_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="K/N"):
        Partition.model_validate(text)


def test_a_shape_is_read_as_one_based() -> None:
    assert Partition.model_validate(" 2 / 3 ") == Partition(index=2, count=3)
    assert str(Partition.model_validate("1/1")) == "1/1" and Partition.model_validate("1/1").holds("anything")


def test_the_cli_refuses_a_bad_partition_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--partition", "3/2", "/nowhere"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsindex: run: argument --partition") and "1-based" in lines[0]


def corpus(root: Path) -> None:
    for n in range(30):
        (root / f"sub{n % 3}").mkdir(exist_ok=True)
        (root / f"sub{n % 3}" / f"{n}.txt").write_text(f"Article number {n}.\n\nIt says something about {n}.")
    (root / "feed.jsonl").write_text("".join(f'{{"text": "line {n} of the feed"}}\n' for n in range(5)))
    (root / "README.md").write_text("not an article")
    (root / "odd.bin").write_bytes(b"\0")


def labels(root: Path, partition: str | None) -> list[str]:
    rules = InputRules(roots=(str(root),), partition=Partition.model_validate(partition) if partition else None)
    return [item.origin.label() for item in read_articles([root], rules=rules)]


def test_partitions_of_a_folder_read_every_input_once_and_keep_a_file_whole(tmp_path: Path) -> None:
    corpus(tmp_path)
    whole = labels(tmp_path, None)
    parts = [labels(tmp_path, f"{k}/3") for k in (1, 2, 3)]
    assert sorted(whole) == sorted(label for part in parts for label in part)
    assert sum(len(part) for part in parts) == len(whole) == 30 + 5 + 2  # articles, lines, README, .bin
    feed = [i for i, part in enumerate(parts) if any("feed.jsonl" in label for label in part)]
    assert len(feed) == 1 and sum("feed.jsonl" in label for label in parts[feed[0]]) == 5  # never split
    assert all(part for part in parts)  # 37 inputs in 32 files: every part has some


def test_scan_filters_failures_and_skips_by_the_same_key(tmp_path: Path) -> None:
    corpus(tmp_path)
    rules = [InputRules(roots=(str(tmp_path),), partition=Partition(index=k, count=2)) for k in (1, 2)]
    found = [list(scan([tmp_path], rules=r)) for r in rules]
    assert len(found[0]) + len(found[1]) == len(list(scan([tmp_path], rules=InputRules(roots=(str(tmp_path),)))))


def test_each_part_is_a_deployment_of_its_own_with_the_one_run_rule() -> None:
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from flows.ingest.flow import IngestOptions
    from flows.ingest.schedule import DEPLOYMENT_NAME, deployment

    parts = [deployment(["/inbox"], IngestOptions(partition=f"{k}/2", workers=0), interval_seconds=60)
             for k in (1, 2)]
    assert [d.name for d in parts] == [f"{DEPLOYMENT_NAME}-part-1-of-2", f"{DEPLOYMENT_NAME}-part-2-of-2"]
    for k, part in enumerate(parts, 1):
        assert part.parameters["options"]["partition"] == f"{k}/2"
        limit = part.concurrency_options
        assert part.concurrency_limit == 1 and limit is not None
        assert limit.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW
    assert deployment(["/inbox"], IngestOptions(workers=0), cron="* * * * *").name == DEPLOYMENT_NAME


def test_a_partitioned_rebuild_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A rebuild moves the whole alias; a part reads only its inputs: the alias would lose every other part."""
    assert main(["run", "seeds", "--rebuild", "--partition", "1/2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--rebuild and --partition do not go together" in err
