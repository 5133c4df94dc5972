"""Jobs for the work-pool tests: module-level, so worker processes can import them."""

from __future__ import annotations

import ctypes
import os
import signal

from transforms.models import Origin, Record


class Item(Record):
    origin: Origin
    action: str = "ok"


def run(items: list[Item], factor: int) -> list[str]:
    """Stuck in C (libc sleep: no Python signal handler can run), killed by a segfault, or done."""
    results = []
    for item in items:
        if item.action == "hang":
            ctypes.CDLL("libc.so.6").sleep(3600)
        if item.action == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        results.append(f"{item.origin.path}x{factor}")
    return results
