"""``--partition K/N``: N flow processes share one corpus without overlap, each reading only the files of its part.

The key is a file's label (``Origin.path``: the resolved path, as ``display_path`` writes it), not a JSONL line's:
a file is never split across partitions. Its lines are not independent of each other (the later line wins a URL
within a run, a file that fails as a whole is one dead letter, a withdrawal of a whole file deletes every line's
document) and each partition would otherwise have to read every file to find its lines. The hash is blake2b of the
label's bytes, not Python's ``hash`` (salted per process), so every process on every machine places a file alike;
the corpus must be seen at the same path from every machine (as the index's state, ``origin.path``, already needs).
K is 1-based: ``1/3``, ``2/3``, ``3/3``.
"""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel, ConfigDict, model_validator

_SHAPE = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")
MAX_PARTITIONS = 1024


def bucket(key: str, count: int) -> int:
    """The 0-based bucket of a key among ``count``: stable across processes, machines and Python versions."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


class Partition(BaseModel):
    """Part ``index`` (1-based) of ``count``."""

    model_config = ConfigDict(frozen=True)

    index: int
    count: int

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        """``"2/3"`` as the CLI, Prefect parameters and prefect.yaml give it."""
        if isinstance(value, str):
            return parse_shape(value)
        return value

    @model_validator(mode="after")
    def _index_within_count(self) -> Partition:
        if not 1 <= self.index <= self.count <= MAX_PARTITIONS:
            raise ValueError(f"partition {self.index}/{self.count}: K/N needs 1 <= K <= N <= {MAX_PARTITIONS} "
                             "(K is 1-based)")
        return self

    def holds(self, key: str) -> bool:
        """Whether the input file with this label is this partition's."""
        return self.count == 1 or bucket(key, self.count) == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shape(text: str) -> dict[str, int]:
    match = _SHAPE.match(text)
    if match is None:
        raise ValueError(f"--partition takes K/N, 1-based (1/3, 2/3, 3/3), not {text!r}")
    return {"index": int(match.group(1)), "count": int(match.group(2))}
