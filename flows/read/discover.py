"""Which files to read: folders walked depth-first in name order, so every run sees the same sequence.

Nothing vanishes silently: an unsupported file, a dangling or escaping symlink and a missing path each
yield a ``ReadFailure``; a file the user's rules leave out (``flows.read.rules``) yields a ``Skipped``, counted but
no error. Hidden files and folders (".git", ".DS_Store") are the one silent exception, because they are never
articles. Symlinks are followed only inside the input folder unless asked, and a
link back to an enclosing folder is reported, not walked, so loops cannot hang a run.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from flows.read.failure import ReadFailure
from flows.read.paths import display_path
from flows.read.rules import READ_EVERYTHING, InputRules, Skipped
from transforms.models import Origin

SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
}

_Stack = list[tuple[Iterator[os.DirEntry[str]], tuple[Path, ...]]]


def source_format(path: Path) -> str | None:
    """'text', 'html', 'json', 'jsonl' or 'warc' from the suffix (case-insensitive, an outer .gz allowed)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return SUFFIX_FORMATS.get(os.path.splitext(name)[1])


def discover(paths: Sequence[Path], *, follow_symlinks: bool = False,
             rules: InputRules = READ_EVERYTHING) -> Iterator[Path]:
    """The readable input files (resolved), in a deterministic order; problems are skipped (see ``scan``)."""
    for item in scan(paths, follow_symlinks=follow_symlinks, rules=rules):
        if isinstance(item, Path):
            yield item


def scan(paths: Sequence[Path], *, follow_symlinks: bool = False,
         rules: InputRules = READ_EVERYTHING) -> Iterator[Path | ReadFailure | Skipped]:
    """Like ``discover``, but also yields a ``ReadFailure`` for each path that will not be read, and a ``Skipped``
    for each file of a folder that the rules leave out. A partitioned run (``rules.partition``) sees only its
    part: the file's label decides, so a file, its failure and its skip land in the same part every run."""
    seen: set[Path] = set()
    for given in paths:
        for item in _scan_given(Path(given), follow_symlinks, rules):
            if rules.partition is not None and \
                    not rules.takes(display_path(item) if isinstance(item, Path) else item.origin.path):
                continue  # another partition's: neither read, counted nor skipped here
            if isinstance(item, Path):
                if item in seen:
                    continue  # the same file reached twice (named twice, or through a symlink)
                seen.add(item)
            yield item


def _scan_given(given: Path, follow_symlinks: bool, rules: InputRules) -> Iterator[Path | ReadFailure | Skipped]:
    """A path named by the user is read even if hidden, a symlink or excluded: they asked for it."""
    failure = _stat_failure(given)
    if failure is not None:
        yield failure
    elif given.is_dir():
        yield from _walk(Path(os.path.realpath(given)), follow_symlinks, rules)
    else:
        yield _file_or_failure(Path(os.path.realpath(given)))


def _walk(root: Path, follow_symlinks: bool, rules: InputRules) -> Iterator[Path | ReadFailure | Skipped]:
    """Depth-first in name order, with a stack of folder iterators: deep trees cannot hit the recursion limit."""
    stack: _Stack = []
    yield from _enter(root, (root,), stack)
    while stack:
        entries, ancestors = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
        elif not entry.name.startswith("."):
            for item in _visit(Path(entry.path), root, ancestors, follow_symlinks, rules):
                if isinstance(item, tuple):
                    yield from _enter(item[0], item[1], stack)
                else:
                    yield item


def _enter(directory: Path, ancestors: tuple[Path, ...], stack: _Stack) -> Iterator[ReadFailure]:
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        yield _failure(directory, "unreadable", f"cannot list folder: {exc.strerror or exc}")
        return
    stack.append((iter(entries), ancestors))


def _visit(
    path: Path, root: Path, ancestors: tuple[Path, ...], follow_symlinks: bool, rules: InputRules
) -> Iterator[Path | ReadFailure | Skipped | tuple[Path, tuple[Path, ...]]]:
    """One folder entry: a file to read, a folder to walk (as a tuple), a file skipped, or a failure."""
    failure = _stat_failure(path)
    if failure is not None:
        yield failure
        return
    real = Path(os.path.realpath(path))
    if path.is_symlink() and not follow_symlinks and not real.is_relative_to(root):
        yield _failure(path, "symlink_outside_input", f"points to {display_path(real)}; use follow_symlinks")
    elif real.is_dir():
        if real in ancestors:
            yield _failure(path, "symlink_loop", f"points back to the enclosing folder {display_path(real)}")
        else:
            yield (real, (*ancestors, real))
    elif (rule := rules.skip_rule(_relative(path, root))) is not None:
        yield Skipped(origin=Origin(path=display_path(real)), rule=rule)  # labelled as if read: the same key
    else:
        yield _file_or_failure(real)


def _relative(path: Path, root: Path) -> str:
    """The path the patterns see: under the given folder, or the name alone for a file reached through a link."""
    try:
        return display_path(path.relative_to(root).as_posix())
    except ValueError:
        return display_path(path.name)


def _stat_failure(path: Path) -> ReadFailure | None:
    try:
        os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            return _failure(path, "broken_symlink", f"target {_link_target(path)} does not exist")
        return _failure(path, "not_found", "no such file or folder")
    except OSError as exc:
        if os.path.islink(path):
            return _failure(path, "symlink_loop", f"cannot resolve: {exc.strerror or exc}")
        return _failure(path, "unreadable", exc.strerror or str(exc))
    except ValueError:  # a NUL byte, or a string no file system can hold (a lone surrogate from JSON)
        return _failure(path, "not_found", "not a possible file name")
    return None


def _link_target(link: Path) -> str:
    try:
        return display_path(os.readlink(link))
    except OSError:  # removed or replaced since it was listed
        return "(unreadable)"


def _file_or_failure(real: Path) -> Path | ReadFailure:
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:  # gone or changed since it was listed
        return _failure(real, "not_found" if isinstance(exc, FileNotFoundError) else "unreadable", str(exc.strerror))
    if not stat.S_ISREG(mode):
        return _failure(real, "unsupported_format", "not a regular file (device, FIFO or socket)")
    if source_format(real) is None:
        suffix = display_path("".join(real.suffixes[-2:])) or "(none)"
        return _failure(real, "unsupported_format", f"unsupported suffix {suffix}")
    return real


def _failure(path: Path, reason: str, detail: str) -> ReadFailure:
    return ReadFailure(origin=Origin(path=display_path(os.path.abspath(path))), reason=reason, detail=detail)
