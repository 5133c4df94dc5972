"""What the user says about inputs that the files cannot: which files of a folder are articles, and whose they are.

A corpus folder holds more than articles: a ``README.TXT`` would be read as one (``.txt`` is plain text) and a
``.md`` or ``.tsv`` would be a dead letter on every run. So a walk skips documentation and tables by default, and
``--include`` / ``--exclude`` globs say more. A skipped file is not silent: it is counted (``skipped_by_filters`` in
the report), it is just not an error to fix. Patterns match a file's path relative to the folder given on the command
line and its name, case-insensitively (``README*`` matches ``readme.txt``); a file named on the command line itself is
always read, as a hidden file named there is: the user asked for it.

Plain text has no metadata and many pages name no site, so ``--source NAME`` (or ``--source-per-folder``: the name
of the top folder under the given one) names the publisher of an article whose input said nothing about it, so the
source facet holds for them too. A JSON record's or a page's own source always wins.
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

from flows.read.partition import Partition
from transforms.models import Origin, encodable

DEFAULT_EXCLUDES = ("README*", "LICENSE*", "COPYING*", "CHANGES*", "CHANGELOG*", "*.md", "*.tsv", "*.csv")


class Skipped(BaseModel):
    """A file a walk found and the rules left out: counted by the run, never read."""

    model_config = ConfigDict(frozen=True)

    origin: Origin
    rule: str = Field(description="The pattern that left it out, e.g. 'exclude README*' or 'not included'.")


class InputRules(BaseModel):
    """The user's rules for the inputs of one run; the same for the flow, its preflight and a re-read."""

    model_config = ConfigDict(frozen=True)

    include: tuple[str, ...] = Field(default=(), description=(
        "Globs a file in a folder must match to be read; given, they replace the default exclusions."))
    exclude: tuple[str, ...] = Field(default=(), description="Globs of files in a folder never to read.")
    default_excludes: bool = Field(default=True, description=f"Skip {', '.join(DEFAULT_EXCLUDES)} unless included.")
    source: str | None = Field(default=None, description="Source of an article whose input names none.")
    source_per_folder: bool = Field(default=False, description=(
        "Source of an article whose input names none: its top folder under the given folder (else --source)."))
    roots: tuple[str, ...] = Field(default=(), description="The folders given, resolved: what --source-per-folder "
                                                           "and the patterns are relative to.")
    partition: Partition | None = Field(default=None, description=(
        "Only the files of this part (``flows.read.partition``); the others are not inputs of the run at all."))

    def takes(self, label: str) -> bool:
        """Whether the input file with this label (``Origin.path``) is the run's: always, unless partitioned."""
        return self.partition is None or self.partition.holds(label)

    def skip_rule(self, relative: str) -> str | None:
        """Why a file at this path under a given folder is not read (None: it is)."""
        names = (relative.lower(), PurePosixPath(relative).name.lower())
        hit = next((p for p in self.exclude if _matches(names, p)), None)
        if hit is not None:
            return f"exclude {hit}"
        if self.include:
            return None if any(_matches(names, p) for p in self.include) else "not included"
        if self.default_excludes:
            hit = next((p for p in DEFAULT_EXCLUDES if _matches(names, p)), None)
            return f"default exclude {hit}" if hit is not None else None
        return None

    def source_for(self, path: Path) -> str | None:
        """The source to give an article of this file when the file names none."""
        if self.source_per_folder:
            for root in self.roots:
                parts = _relative_parts(path, root)
                if parts is not None and len(parts) > 1:
                    return encodable(os.fsdecode(parts[0]))
        return encodable(self.source) if self.source else None


READ_EVERYTHING = InputRules(default_excludes=False)


def _matches(names: tuple[str, str], pattern: str) -> bool:
    lowered = pattern.lower()
    return any(fnmatchcase(name, lowered) for name in names)


def _relative_parts(path: Path, root: str) -> tuple[str, ...] | None:
    try:
        return path.relative_to(root).parts
    except ValueError:
        return None
