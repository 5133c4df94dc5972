"""The run report says what its figures are (issue #18, point 3): stage seconds summed over workers apart from the
wall time, a rate only of what was indexed, the run id and the first dead letters in the artifact, where a rebuild
moved the alias, and skipped files inside the sums."""

from __future__ import annotations

from flows.ingest.report import DEAD_LETTER_EXAMPLES, Ledger, RunReport
from transforms.errors import Failure
from transforms.models import Origin


def report(**fields: object) -> RunReport:
    return RunReport(run_id="0b7c-run", index="articles-v2", pipeline_version="c2", paths=["/data"],
                     **fields)  # type: ignore[arg-type]


def failure(label: str, reason: str = "binary_content") -> Failure:
    return Failure(origin=Origin(path=label), stage="read", reason=reason, detail=f"{label} | is not text\nat all")


def test_stage_seconds_are_said_to_be_summed_over_the_workers_and_kept_apart_from_wall() -> None:
    table = report(workers=2, stage_seconds={"enrich": 1154.77, "clean": 20.0}, wall_seconds=650.59,
                   inputs=1, indexed=1).table()
    assert "stage seconds (summed over 2 worker processes)" in table
    assert "  enrich" in table and "wall seconds" in table
    assert "seconds enrich" not in table
    inline = report(workers=0, stage_seconds={"enrich": 1.0}, wall_seconds=2.0).table()
    assert "stage seconds (summed over 1 thread (inline))" in inline


def test_no_rate_for_a_run_that_indexed_nothing() -> None:
    nothing = dict(report(inputs=2000, unchanged=2000, wall_seconds=6.0).rows())
    assert nothing["indexed/s (wall)"] == "-"
    some = dict(report(inputs=100, indexed=100, wall_seconds=4.0).rows())
    assert some["indexed/s (wall)"] == "25.0"


def test_the_artifact_names_the_run_and_shows_the_first_dead_letters() -> None:
    run = report()
    ledger = Ledger(run)
    labels = [f"/data/bad-{n:02}.txt" for n in range(DEAD_LETTER_EXAMPLES + 3)]
    ledger.read(labels)
    for label in labels:
        ledger.settle(label, failure(label))
    markdown = run.markdown()
    assert "| flow run | 0b7c-run |" in markdown
    assert f"(first {DEAD_LETTER_EXAMPLES}, 3 more: `newsindex deadletters`)" in markdown
    assert "| /data/bad-00.txt | read/binary_content | /data/bad-00.txt \\| is not text at all |" in markdown
    assert "bad-12.txt" not in markdown


def test_an_input_that_went_through_after_all_is_no_dead_letter_example() -> None:
    run = report()
    ledger = Ledger(run)
    ledger.read(["/data/a.txt", "/data/b.txt"])
    ledger.settle("/data/a.txt", failure("/data/a.txt", "not_written"))
    ledger.settle("/data/b.txt", failure("/data/b.txt"))
    ledger.settle("/data/a.txt", "indexed")
    assert [e.input for e in run.dead_letter_examples] == ["/data/b.txt"]
    assert run.accounted


def test_a_rebuild_says_where_the_alias_moved() -> None:
    rows = dict(report(alias="articles", previous_index="articles-v1").rows())
    assert rows["alias"] == "articles moved from articles-v1 to articles-v2"
    assert "alias" not in dict(report().rows())


def test_skipped_files_are_inputs_that_balance_the_sums() -> None:
    run = report()
    ledger = Ledger(run)
    ledger.read(["/data/README.TXT", "/data/a.txt"])
    ledger.settle("/data/README.TXT", "skipped_by_filters")
    assert not run.accounted
    ledger.settle("/data/a.txt", "indexed")
    assert (run.inputs, run.indexed, run.skipped_by_filters, run.accounted) == (2, 1, 1, True)
    assert dict(run.rows())["skipped by filters"] == "1"
    assert ledger.read_inputs() == {"/data/a.txt"}  # an old document of README.TXT is an input gone


def test_indexed_inputs_without_entities_for_their_language_are_counted_while_they_stay_indexed() -> None:
    run = report()
    ledger = Ledger(run)
    ledger.read(["/data/de.txt", "/data/fr.txt", "/data/de-copy.txt", "/data/it.txt"])
    ledger.settle("/data/de.txt", "indexed", unsupported_language=True)
    ledger.settle("/data/fr.txt", "indexed")
    ledger.settle("/data/de-copy.txt", "indexed", unsupported_language=True)
    ledger.settle("/data/it.txt", failure("/data/it.txt"))
    assert (run.indexed, run.entities_unsupported_language) == (3, 2)
    ledger.settle("/data/de-copy.txt", "duplicate")  # a later input of the run took its text over
    ledger.settle("/data/de.txt", "indexed", unsupported_language=True)  # settled again: counted once
    assert (run.indexed, run.entities_unsupported_language, run.duplicate) == (2, 1, 1)
    assert run.accounted and dict(run.rows())["  no entities: unsupported language"] == "1"
    assert "no entities: unsupported language" not in dict(report(inputs=1, indexed=1).rows())
