"""Discovery: deterministic order, suffixes, hidden files, symlinks inside and outside the input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.read import ReadFailure, discover, read_articles, scan, source_format


def touch(path: Path, text: str = "Some text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def names(items: list) -> list[str]:
    return [
        Path(item).name if isinstance(item, Path) else f"{Path(item.origin.path).name}:{item.reason}" for item in items
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", "text"),
        ("A.TXT", "text"),
        ("a.htm", "html"),
        ("a.html.gz", "html"),
        ("a.json", "json"),
        ("a.jsonl.gz", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.tsv", None),
        ("README", None),
        ("a.gz", None),
    ],
)
def test_source_format(name: str, expected: str | None) -> None:
    assert source_format(Path(name)) == expected


def test_folder_walk_is_sorted_depth_first_and_reports_unsupported(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.html", "a/b/c.json", "c.jsonl.gz", "notes.tsv", "README", "a0.txt"]:
        touch(tmp_path / name)
    items = list(scan([tmp_path]))
    assert names(items) == [  # code-point order: upper case sorts first
        "README:unsupported_format",
        "c.json",
        "z.html",
        "a0.txt",
        "b.txt",
        "c.jsonl.gz",
        "notes.tsv:unsupported_format",
    ]
    assert names(list(discover([tmp_path]))) == ["c.json", "z.html", "a0.txt", "b.txt", "c.jsonl.gz"]
    assert all(Path(p).is_absolute() for p in discover([tmp_path]))


def test_order_is_deterministic(tmp_path: Path) -> None:
    for i in range(50):
        touch(tmp_path / f"d{i % 7}" / f"f{(i * 37) % 50}.txt")
    assert list(discover([tmp_path])) == list(discover([tmp_path])) == sorted(discover([tmp_path]))


def test_hidden_files_and_folders_are_skipped_silently(tmp_path: Path) -> None:
    touch(tmp_path / ".hidden.txt")
    touch(tmp_path / ".git" / "x.txt")
    touch(tmp_path / "visible.txt")
    assert names(list(scan([tmp_path]))) == ["visible.txt"]


def test_explicit_paths_missing_and_unsupported(tmp_path: Path) -> None:
    tsv = touch(tmp_path / "data.tsv")
    hidden = touch(tmp_path / ".explicit.txt")
    items = list(scan([tmp_path / "missing.txt", tsv, hidden]))
    assert names(items) == ["missing.txt:not_found", "data.tsv:unsupported_format", ".explicit.txt"]


def test_same_file_twice_is_read_once(tmp_path: Path) -> None:
    path = touch(tmp_path / "a.txt")
    assert len(list(read_articles([path, tmp_path, path]))) == 1


def test_symlink_outside_input_is_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = touch(tmp_path / "outside" / "secret.txt")
    touch(tmp_path / "outside" / "more" / "deep.txt")
    root = tmp_path / "input"
    touch(root / "own.txt")
    (root / "link.txt").symlink_to(outside)
    (root / "linkdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert names(list(scan([root]))) == [
        "link.txt:symlink_outside_input",
        "linkdir:symlink_outside_input",
        "own.txt",
    ]
    failure = next(item for item in scan([root]) if isinstance(item, ReadFailure))
    assert failure.origin.path == str(root.resolve() / "link.txt")
    # linkdir's secret.txt was already read through link.txt: each file is read once
    assert names(list(scan([root], follow_symlinks=True))) == ["secret.txt", "deep.txt", "own.txt"]


def test_symlink_inside_input_is_followed(tmp_path: Path) -> None:
    target = touch(tmp_path / "real" / "a.txt")
    (tmp_path / "alias.txt").symlink_to(target)
    (tmp_path / "b_alias").symlink_to(tmp_path / "real", target_is_directory=True)
    assert list(discover([tmp_path])) == [target.resolve()]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    touch(tmp_path / "sub" / "a.txt")
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "ping").symlink_to(tmp_path / "pong")
    (tmp_path / "pong").symlink_to(tmp_path / "ping")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    for follow in (False, True):
        items = names(list(scan([tmp_path], follow_symlinks=follow)))
        assert items == [
            "dangling.txt:broken_symlink",
            "ping:symlink_loop",
            "pong:symlink_loop",
            "self:symlink_loop",
            "a.txt",
            "up:symlink_loop",
        ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    touch(locked / "a.txt")
    locked.chmod(0)
    try:
        assert names(list(scan([tmp_path]))) == ["locked:unreadable"]
    finally:
        locked.chmod(0o755)


def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert names(list(read_articles([tmp_path]))) == ["pipe.txt:unsupported_format"]
