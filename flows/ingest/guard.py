"""The stage guard: every input goes through each stage here, so no stage can raise out of the flow for one input.

``RejectedArticle`` is the transform saying why; any other exception is a bug met on this input, counted under
``<stage>_error`` with its type and message, and the run goes on. Time limits are the work pool's (a process that
can be replaced); this is the part that runs inside the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from transforms.errors import Failure, RejectedArticle, Stage
from transforms.models import Origin

T = TypeVar("T")


def failure_of(exc: BaseException, origin: Origin, stage: Stage) -> Failure:
    if isinstance(exc, RejectedArticle):
        return exc.failure(origin)
    return Failure(origin=origin, stage=stage, reason=f"{stage}_error", detail=f"{type(exc).__name__}: {exc}")


def guarded(stage: Stage, origin: Origin, fn: Callable[..., T], *args: Any) -> T | Failure:
    """``fn(*args)``, or the Failure it ended in. MemoryError and RecursionError are this input's too."""
    try:
        return fn(*args)
    except Exception as exc:
        return failure_of(exc, origin, stage)
