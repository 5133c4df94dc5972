"""Why an article was rejected. Every rejection ends in the dead-letter store with its stage and reason."""

from __future__ import annotations

from typing import Literal

Stage = Literal["read", "clean", "segment", "enrich", "dedup", "index"]


class RejectedArticle(Exception):
    """A single input cannot go on; the run does.

    ``reason`` is a short stable code that the run report counts (e.g. ``binary_content``, ``empty_body``,
    ``invalid_json``); ``detail`` is the human explanation. Neither may contain credentials.
    """

    def __init__(self, stage: Stage, reason: str, detail: str = "") -> None:
        super().__init__(f"{stage}/{reason}: {detail}" if detail else f"{stage}/{reason}")
        self.stage: Stage = stage
        self.reason = reason
        self.detail = detail
