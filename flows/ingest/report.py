"""The run report: every input ends as indexed, unchanged, duplicate, dead-lettered or skipped by the input rules
(``--include``/``--exclude``), and the sums must agree.

The counts have one owner, the ``Ledger``: the flow tells it which inputs were read, and the step that writes tells
it how each one ended. An outcome may change once more (an input whose URL a later input of the run took over is a
duplicate once the later text is written), so the ledger keeps one status per input and the counts follow it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from transforms.errors import Failure

Status = Literal["indexed", "unchanged", "duplicate", "skipped_by_filters"]
DEAD_LETTER_EXAMPLES = 10  # in the report and the Prefect artifact; the store has them all


class DeadLetterExample(BaseModel):
    input: str
    reason: str = Field(description="stage/reason, as counted.")
    detail: str


class RunReport(BaseModel):
    run_id: str
    index: str
    pipeline_version: str
    paths: list[str]
    partition: str | None = Field(default=None, description=(
        "K/N: the run read only the input files of part K (``--partition``); counts and pruning are that part's."))
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    inputs: int = 0
    indexed: int = 0
    unchanged: int = 0
    duplicate: int = 0
    skipped_by_filters: int = Field(default=0, description=(
        "Files of the input folders the input rules left out (README*, *.md… or --include/--exclude): not read."))
    entities_unsupported_language: int = Field(default=0, description=(
        "Of the indexed inputs, those written without entities because no NER model covers their language "
        "(entities_status 'unsupported_language'): as many as the run's documents with that status."))
    dead_letter_reasons: dict[str, int] = Field(default_factory=dict)
    dead_letter_examples: list[DeadLetterExample] = Field(default_factory=list, description=(
        f"The first {DEAD_LETTER_EXAMPLES} inputs that ended dead-lettered; `newsindex deadletters` lists all."))
    workers: int = Field(default=0, description="Worker processes of the CPU stages (0: inline, in one thread).")
    stage_seconds: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds per stage, summed over worker processes (so they can exceed the wall time); dedup and "
                    "index run in a thread beside the NLP.")
    alias: str | None = Field(default=None, description="A rebuild: the alias it moved to ``index``.")
    previous_index: str | None = Field(default=None, description="A rebuild: where the alias pointed before.")
    wall_seconds: float = 0.0
    words: int = 0
    missing_sources: list[str] = Field(default_factory=list, description="Indexed inputs whose file is gone.")
    pruned: int = 0
    withdrawn: int = Field(default=0, description=(
        "Documents deleted because their input now says something else: a copy of another input, or nothing."))
    duplicates_recorded: int = 0
    slots: int = Field(default=0, description=(
        "Chunks the CPU stages ran at once: worker processes, or the Dask cluster's accepted worker threads (most)."))
    batches_in_flight: int = Field(default=0, description="Batches being enriched at once (most), sized by slots.")
    refused_workers: list[str] = Field(default_factory=list, description=(
        "Dask workers sent no work because their code or model versions differ from the flow's, and why."))
    entities: dict[str, int] = Field(default_factory=dict, description=(
        "Entity spans each type-correction rule changed (``corrected <rule>``), short forms linked to a full name "
        "the corpus knows, and the registry's renames (entities whose display name changed or that merged into a "
        "full name) with the older documents updated for them."))
    workers_replaced: int = Field(default=0, description="Worker processes replaced after a timeout or a crash.")
    failure: str | None = Field(default=None, description="Why the run stopped early; the counts say how far it got.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dead_lettered(self) -> int:
        return sum(self.dead_letter_reasons.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accounted(self) -> bool:
        settled = self.indexed + self.unchanged + self.duplicate + self.dead_lettered + self.skipped_by_filters
        return settled == self.inputs

    def add_entities(self, counts: Mapping[str, int]) -> None:
        for name, n in counts.items():
            self.entities[name] = self.entities.get(name, 0) + n

    def add_seconds(self, seconds: Mapping[str, float]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds[stage] = round(self.stage_seconds.get(stage, 0.0) + value, 3)

    def rows(self) -> list[tuple[str, str]]:
        rows = [("inputs", str(self.inputs)), ("indexed", str(self.indexed))]
        if self.entities_unsupported_language:
            rows.append(("  no entities: unsupported language", str(self.entities_unsupported_language)))
        rows += [("unchanged", str(self.unchanged)), ("duplicate", str(self.duplicate)),
                 ("dead-lettered", str(self.dead_lettered))]
        rows += [(f"  {reason}", str(n)) for reason, n in sorted(self.dead_letter_reasons.items())]
        rows.append(("skipped by filters", str(self.skipped_by_filters)))
        rows.append(("all accounted for", "yes" if self.accounted else "NO"))
        if self.partition:
            rows.append(("partition", f"{self.partition} (inputs of the other parts are not counted)"))
        if self.alias:
            rows.append(("alias", f"{self.alias} moved from {self.previous_index or '(none)'} to {self.index}"))
        if self.failure:
            rows.append(("FAILED", self.failure))
        if self.withdrawn:
            rows.append(("withdrawn", str(self.withdrawn)))
        if self.workers_replaced:
            rows.append(("workers replaced", str(self.workers_replaced)))
        rows += [("worker refused", refusal) for refusal in self.refused_workers]
        if self.entities:
            rows.append(("entities", ""))
            rows += [(f"  {name}", str(n)) for name, n in sorted(self.entities.items())]
        if self.missing_sources:
            rows.append(("sources gone", f"{len(self.missing_sources)} (pruned {self.pruned})"))
        rows += self.seconds_rows()
        return rows

    def seconds_rows(self) -> list[tuple[str, str]]:
        """Stage seconds are busy time summed over the workers (dedup and index: the flow's writing thread), so
        they are shown apart from the wall time they can exceed; a rate only of what was indexed."""
        rows = []
        if self.stage_seconds:
            workers = f"{self.workers} worker processes" if self.workers else "1 thread (inline)"
            rows.append((f"stage seconds (summed over {workers})", ""))
            rows += [(f"  {stage}", f"{value:.2f}") for stage, value in self.stage_seconds.items()]
        rows.append(("wall seconds", f"{self.wall_seconds:.2f}"))
        rate = self.indexed / self.wall_seconds if self.wall_seconds > 0 and self.indexed else None
        rows.append(("indexed/s (wall)", f"{rate:.1f}" if rate is not None else "-"))
        return rows

    def table(self) -> str:
        rows = [("run", self.run_id), ("index", self.index), *self.rows()]
        width = max(len(key) for key, _ in rows)
        return "\n".join(f"{key:<{width}}  {value}" for key, value in rows)

    def markdown(self) -> str:
        """The Prefect artifact: which run, into which index, the counts, and the first dead letters to look at."""
        rows = [("flow run", self.run_id), ("index", self.index), *self.rows()]
        lines = ["| | |", "|---|---|", *(f"| {_cell(k.strip())} | {_cell(v)} |" for k, v in rows)]
        if self.dead_letter_examples:
            more = self.dead_lettered - len(self.dead_letter_examples)
            lines += ["", f"**Dead letters** (first {len(self.dead_letter_examples)}"
                          + (f", {more} more: `newsindex deadletters`" if more > 0 else "") + ")", "",
                      "| input | reason | detail |", "|---|---|---|"]
            lines += [f"| {_cell(e.input)} | {_cell(e.reason)} | {_cell(e.detail)} |"
                      for e in self.dead_letter_examples]
        return "\n".join(lines)


def _cell(text: str) -> str:
    """A table cell cannot hold a newline or an unescaped pipe; details quote inputs."""
    return " ".join(text.split()).replace("|", "\\|")[:300]


def write_report(report: RunReport, path: str) -> None:
    """Written beside the data, closed to other users: it names every input path."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(report.model_dump_json(indent=2))


class Ledger:
    """One status per input read; the report's counts are the sums of the statuses. An indexed input may carry a
    note (its document has no entities: unsupported language), counted while its status is ``indexed``."""

    def __init__(self, report: RunReport) -> None:
        self.report = report
        self.status: dict[str, str] = {}
        self.unsupported_language: set[str] = set()

    def read(self, labels: Iterable[str]) -> None:
        for label in labels:
            if label not in self.status:
                self.status[label] = ""
                self.report.inputs += 1

    def settle(self, label: str, outcome: Status | Failure, *, unsupported_language: bool = False) -> None:
        """``unsupported_language``: with ``indexed``, the document written has no entities for that reason."""
        self.count(self.status.get(label, ""), -1)
        self.count_unsupported(label, -1)
        status = f"dead:{outcome.key()}" if isinstance(outcome, Failure) else outcome
        self.status[label] = status
        if status == "indexed":
            if unsupported_language:
                self.unsupported_language.add(label)
            else:
                self.unsupported_language.discard(label)
        self.count(status, +1)
        self.count_unsupported(label, +1)
        self.note_example(label, outcome)

    def count_unsupported(self, label: str, step: int) -> None:
        if self.status.get(label) == "indexed" and label in self.unsupported_language:
            self.report.entities_unsupported_language += step

    def note_example(self, label: str, outcome: Status | Failure) -> None:
        """Keeps the first few dead letters of the run, and drops one whose input went through after all."""
        examples = self.report.dead_letter_examples
        examples[:] = [example for example in examples if example.input != label]
        if isinstance(outcome, Failure) and len(examples) < DEAD_LETTER_EXAMPLES:
            examples.append(DeadLetterExample(input=label, reason=outcome.key(), detail=outcome.detail[:300]))

    def read_inputs(self) -> set[str]:
        """The inputs read this run: a skipped file is not one (its old document, if any, is an input gone)."""
        return {label for label, status in self.status.items() if status != "skipped_by_filters"}

    def count(self, status: str, step: int) -> None:
        if not status:
            return
        if status.startswith("dead:"):
            reasons = self.report.dead_letter_reasons
            key = status.removeprefix("dead:")
            reasons[key] = reasons.get(key, 0) + step
            if not reasons[key]:
                del reasons[key]
        else:
            setattr(self.report, status, getattr(self.report, status) + step)

    def unsettled(self) -> list[str]:
        return [label for label, status in self.status.items() if not status]
