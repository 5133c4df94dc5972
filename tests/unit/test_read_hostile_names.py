"""File names a hostile or foreign system hands over: bytes that are not UTF-8, controls, impossible names."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flows.read import ReadFailure, read_articles, read_file, scan
from flows.read.paths import display_path, source_path
from transforms.models import RawArticle


def make(folder: Path, name: bytes, content: bytes = b"Some article text.") -> Path:
    """A file whose name is raw bytes, as a Latin-1 system would write it."""
    raw = os.path.join(os.fsencode(folder), name)
    with open(raw, "wb") as out:
        out.write(content)
    return Path(os.fsdecode(raw))


def assert_serialisable(item: RawArticle | ReadFailure) -> None:
    item.model_dump_json()
    json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    item.origin.path.encode("utf-8")


def test_latin1_file_name_is_read_and_labelled_in_utf8(tmp_path: Path) -> None:
    make(tmp_path, b"caf\xe9.txt")
    [article] = list(read_articles([tmp_path]))
    assert isinstance(article, RawArticle) and article.content == "Some article text."
    assert article.origin.path == str(tmp_path.resolve()) + "/caf\\xe9.txt"
    assert_serialisable(article)


def test_labels_are_stable_and_distinct_per_byte_name(tmp_path: Path) -> None:
    for name in (b"caf\xe9.txt", b"caf\xe8.txt", b"caf\\xe9.txt", b"caf\xc3\xa9.txt"):
        make(tmp_path, name)
    first = [item.origin.path for item in read_articles([tmp_path])]
    second = [item.origin.path for item in read_articles([tmp_path])]
    assert first == second and len(set(first)) == 4
    assert {Path(label).name for label in first} == {"caf\\\\xe9.txt", "caf\\xe8.txt", "caf\\xe9.txt", "café.txt"}


def test_label_maps_back_to_the_file_for_re_reading(tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"d\xfcr")
    folder.mkdir()
    path = make(folder, b"\xff\\x\n.jsonl", b'{"body": "one"}\n{"body": "two"}\n')
    labels = [item.origin.path for item in read_articles([tmp_path])]
    assert labels == [display_path(path.resolve())] * 2
    again = list(read_file(source_path(labels[0])))
    assert [item.origin.label() for item in again] == [item.origin.label() for item in read_articles([tmp_path])]


def test_root_label_is_a_prefix_of_every_label_under_it(tmp_path: Path) -> None:
    root = tmp_path / os.fsdecode(b"in\\\xe9")
    root.mkdir()
    make(root, b"x\xe9.txt")
    [article] = list(read_articles([root]))
    assert article.origin.path.startswith(display_path(root.resolve()) + "/")


@pytest.mark.parametrize("name", [b"caf\xe9.tsv", b"no\nsuffix", b"\x1b[31mred"])
def test_failures_for_foreign_names_are_serialisable(tmp_path: Path, name: bytes) -> None:
    make(tmp_path, name)
    [failure] = list(scan([tmp_path]))
    assert isinstance(failure, ReadFailure) and failure.reason == "unsupported_format"
    assert "\n" not in failure.origin.path and "\x1b" not in failure.origin.path
    assert source_path(failure.origin.path) == tmp_path.resolve() / os.fsdecode(name)
    assert_serialisable(failure)


def test_symlink_to_a_foreign_name(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    os.symlink(os.fsdecode(b"/nowhere/\xe9"), tmp_path / "in" / "dangling.txt")
    os.symlink(make(tmp_path, b"out\xe9.txt"), tmp_path / "in" / "outside.txt")
    items = list(scan([tmp_path / "in"]))
    assert [item.reason for item in items] == ["broken_symlink", "symlink_outside_input"]  # type: ignore[union-attr]
    assert "\\xe9" in items[0].detail and "out\\xe9.txt" in items[1].detail  # type: ignore[union-attr]
    for item in items:
        assert_serialisable(item)  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["a\x00b.txt", "\ud83d.txt", "caf\udce9-missing.txt"])
def test_impossible_or_missing_names_given_by_a_caller(tmp_path: Path, given: str) -> None:
    [failure] = list(read_articles([tmp_path / given]))
    assert isinstance(failure, ReadFailure) and failure.reason == "not_found"
    assert_serialisable(failure)


def test_longest_possible_name(tmp_path: Path) -> None:
    name = b"\xe9" * (os.pathconf(tmp_path, "PC_NAME_MAX") - 4) + b".txt"
    make(tmp_path, name)
    [article] = list(read_articles([tmp_path]))
    assert isinstance(article, RawArticle) and Path(article.origin.path).name == "\\xe9" * (len(name) - 4) + ".txt"
    assert source_path(article.origin.path).name == os.fsdecode(name)


@pytest.mark.parametrize("label", ["\ud83d", "caf\udce9", "\\x", "\\", "\\xZZ", "a\\\\"])
def test_source_path_accepts_any_string(label: str) -> None:
    """A label that display_path did not produce names no file we read, but must not crash a retry."""
    assert isinstance(source_path(label), Path)
