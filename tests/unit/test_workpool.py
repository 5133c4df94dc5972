"""The per-input time limit interrupts the work: a worker stuck in C code or killed is replaced, and only the input
it was on fails; every other input of the job, before and after it in the same group, comes back done."""

from __future__ import annotations

from flows.ingest.workpool import WorkPool
from tests.unit.workpool_jobs import Item, run
from transforms.errors import Failure
from transforms.models import Origin


def items(*actions: str) -> list[Item]:
    return [Item(origin=Origin(path=f"in{i}"), action=a) for i, a in enumerate(actions)]


def test_hung_input_is_a_timeout_and_the_rest_of_its_group_is_done() -> None:
    with WorkPool(workers=1, seconds_per_input=2, group_size=4) as pool:
        results = pool.submit(run, items("ok", "hang", "ok", "ok", "ok"), 3, stage="clean").result(timeout=120)
        assert pool.replaced == 2  # the group's worker, then the worker that held the culprit alone
    assert results[0] == "in0x3" and results[2:] == ["in2x3", "in3x3", "in4x3"]
    failure = results[1]
    assert isinstance(failure, Failure)
    assert (failure.stage, failure.reason, failure.origin.path) == ("clean", "timeout", "in1")


def test_crashing_input_costs_only_itself() -> None:
    with WorkPool(workers=2, seconds_per_input=60, group_size=2) as pool:
        first = pool.submit(run, items("ok", "crash", "ok"), 1, stage="enrich")
        second = pool.submit(run, items("ok", "ok"), 2, stage="enrich")
        results, others = first.result(timeout=120), second.result(timeout=120)
    assert others == ["in0x2", "in1x2"]
    assert results[0] == "in0x1" and results[2] == "in2x1"
    assert isinstance(results[1], Failure) and results[1].reason == "worker_crashed"


def test_order_is_kept_across_groups_and_workers() -> None:
    with WorkPool(workers=2, seconds_per_input=60, group_size=3) as pool:
        results = pool.submit(run, items(*["ok"] * 10), 5, stage="clean").result(timeout=120)
        assert pool.replaced == 0
        assert set(pool.busy) == {"clean"}
    assert results == [f"in{i}x5" for i in range(10)]


def test_empty_job_is_done_at_once() -> None:
    with WorkPool(workers=1, seconds_per_input=1) as pool:
        assert pool.submit(run, [], 1, stage="clean").result(timeout=5) == []
