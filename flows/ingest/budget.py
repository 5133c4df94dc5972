"""An error budget, as Elastic's connectors keep one: stop a run that is grinding through a broken setup.

A run stops when too many inputs in a row failed, or when more than a set share of the inputs failed once enough
inputs were seen for the share to mean something. Everything dead-lettered before the stop stays recorded.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBudgetExceeded(RuntimeError):
    """The run stopped on purpose; the message says why and what to look at."""


class ErrorBudget(BaseModel):
    max_consecutive: int = Field(default=200, ge=1, description="Failed inputs in a row that stop the run.")
    max_share: float = Field(default=0.5, gt=0, le=1, description="Share of failed inputs that stops the run.")
    min_inputs: int = Field(default=200, ge=1, description="Inputs seen before the share is checked.")
    inputs: int = 0
    failures: int = 0
    consecutive: int = 0

    def record_batch(self, outcomes: list[bool]) -> None:
        """``outcomes``: one bool per input of the batch, True when it failed, in input order."""
        for failed in outcomes:
            self.inputs += 1
            self.failures += failed
            self.consecutive = self.consecutive + 1 if failed else 0
        self.check()

    def check(self) -> None:
        if self.consecutive >= self.max_consecutive:
            raise ErrorBudgetExceeded(f"{self.consecutive} inputs in a row failed: the setup looks broken. "
                                      f"See `newsindex deadletters` for the reasons.")
        if self.inputs >= self.min_inputs and self.failures / self.inputs > self.max_share:
            raise ErrorBudgetExceeded(f"{self.failures} of {self.inputs} inputs failed (more than "
                                      f"{self.max_share:.0%}). See `newsindex deadletters` for the reasons.")
