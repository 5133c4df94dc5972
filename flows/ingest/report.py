"""The run report: every input ends as indexed, unchanged, duplicate or dead-lettered, and the sums must agree."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from pydantic import BaseModel, Field, computed_field


class RunReport(BaseModel):
    run_id: str
    index: str
    pipeline_version: str
    paths: list[str]
    started_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    inputs: int = 0
    indexed: int = 0
    unchanged: int = 0
    duplicate: int = 0
    dead_letter_reasons: dict[str, int] = Field(default_factory=dict)
    stage_seconds: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds per stage, summed over workers; dedup and index run in a thread beside the NLP.")
    wall_seconds: float = 0.0
    words: int = 0
    missing_sources: list[str] = Field(default_factory=list, description="Indexed inputs whose file is gone.")
    pruned: int = 0
    duplicates_recorded: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dead_lettered(self) -> int:
        return sum(self.dead_letter_reasons.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accounted(self) -> bool:
        return self.indexed + self.unchanged + self.duplicate + self.dead_lettered == self.inputs

    def add_dead_letters(self, reasons: Counter[str]) -> None:
        for reason, count in reasons.items():
            self.dead_letter_reasons[reason] = self.dead_letter_reasons.get(reason, 0) + count

    def add_seconds(self, seconds: Counter[str]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds[stage] = round(self.stage_seconds.get(stage, 0.0) + value, 3)

    def rows(self) -> list[tuple[str, str]]:
        rows = [("inputs", str(self.inputs)), ("indexed", str(self.indexed)), ("unchanged", str(self.unchanged)),
                ("duplicate", str(self.duplicate)), ("dead-lettered", str(self.dead_lettered))]
        rows += [(f"  {reason}", str(n)) for reason, n in sorted(self.dead_letter_reasons.items())]
        rows.append(("all accounted for", "yes" if self.accounted else "NO"))
        if self.missing_sources:
            rows.append(("sources gone", f"{len(self.missing_sources)} (pruned {self.pruned})"))
        rows += [(f"seconds {stage}", f"{value:.2f}") for stage, value in self.stage_seconds.items()]
        rows.append(("seconds wall", f"{self.wall_seconds:.2f}"))
        if self.wall_seconds > 0:
            rows.append(("docs/s", f"{self.inputs / self.wall_seconds:.1f}"))
        return rows

    def table(self) -> str:
        rows = [("run", self.run_id), ("index", self.index), *self.rows()]
        width = max(len(key) for key, _ in rows)
        return "\n".join(f"{key:<{width}}  {value}" for key, value in rows)

    def markdown(self) -> str:
        lines = ["| | |", "|---|---|", *(f"| {k.strip()} | {v} |" for k, v in self.rows())]
        return "\n".join(lines)
