"""Why an input did not become a document: the project's one failure type, and the exception transforms raise.

A transform says "this input cannot go on" by raising ``RejectedArticle``; the stage guard (``flows/ingest/guard``)
turns that, any other exception and any overrun of the per-input time limit into a ``Failure``, and every
``Failure`` ends in the dead-letter store with its stage and reason. Nothing else converts between them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from transforms.models import Origin, Record

MAX_DETAIL = 4000

Stage = Literal["read", "clean", "segment", "enrich", "dedup", "index"]


class Failure(Record):
    """One input failed at ``stage`` for ``reason``: a short stable code the run report counts (``binary_content``,
    ``empty_body``, ``timeout``…); ``detail`` is the human explanation and never holds credentials."""

    origin: Origin
    stage: Stage
    reason: str
    detail: str = ""

    @field_validator("detail")
    @classmethod
    def _bounded(cls, detail: str) -> str:
        """A detail may quote the input; the store keeps a bounded excerpt, never a whole hostile payload."""
        return detail[:MAX_DETAIL]

    def key(self) -> str:
        return f"{self.stage}/{self.reason}"


class RejectedArticle(Exception):
    """A single input cannot go on; the run does."""

    def __init__(self, stage: Stage, reason: str, detail: str = "") -> None:
        super().__init__(f"{stage}/{reason}: {detail}" if detail else f"{stage}/{reason}")
        self.stage: Stage = stage
        self.reason = reason
        self.detail = detail

    def failure(self, origin: Origin) -> Failure:
        return Failure(origin=origin, stage=self.stage, reason=self.reason, detail=self.detail)
