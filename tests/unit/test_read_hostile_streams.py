"""Byte streams a hostile or foreign writer produces: wide encodings, padded gzip, huge lines."""

from __future__ import annotations

import codecs
import gzip
import json
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import flows.read.jsonl
from flows.read import ReadFailure, ReadLimits, read_articles
from flows.read.limits import READ_CHUNK
from flows.read.lines import bounded_lines
from transforms.models import RawArticle

MiB = 1024 * 1024
# "ਊ" is U+0A0A: both of its UTF-16 bytes are 0a, a newline to a byte splitter. "😀" needs a surrogate pair.
BODIES = ["Zürich ਊ wins", "second 😀 line", "третья"]


def jsonl_text(bodies: list[str] = BODIES) -> str:
    return "".join(json.dumps({"body": body}, ensure_ascii=False) + "\r\n" for body in bodies)


def results(path: Path, limits: ReadLimits | None = None) -> list[RawArticle | ReadFailure]:
    return list(read_articles([path], limits=limits or ReadLimits()))


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
        ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
    ],
)
@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson.gz"])
def test_jsonl_in_wide_encodings_is_split_into_decoded_lines(
    tmp_path: Path, codec: str, bom: bytes, expected: str, suffix: str
) -> None:
    data = bom + jsonl_text().encode(codec)
    path = tmp_path / f"a{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    items = results(path)
    assert all(isinstance(item, RawArticle) for item in items), items
    assert [item.content for item in items] == BODIES  # type: ignore[union-attr]
    assert [item.origin.line for item in items] == [1, 2, 3]
    assert {item.encoding for item in items} == {expected}  # type: ignore[union-attr]


def test_utf16_line_longer_than_the_sniffed_head(tmp_path: Path) -> None:
    bodies = ["x" * READ_CHUNK, "short"]
    path = tmp_path / "a.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + jsonl_text(bodies).encode("utf-16-le"))
    assert [item.content for item in results(path)] == bodies  # type: ignore[union-attr]


def test_broken_utf16_sequence_spoils_only_its_own_line(tmp_path: Path) -> None:
    good = jsonl_text(["one"]).encode("utf-16-le")
    broken = '{"body": "a'.encode("utf-16-le") + b"\x00\xd8" + '"}\n'.encode("utf-16-le")  # lone high surrogate
    path = tmp_path / "a.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + good + broken + good)
    assert [getattr(item, "content", None) for item in results(path)] == ["one", "a\ufffd", "one"]


def test_utf8_file_starting_with_a_nul_is_not_taken_for_utf16(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\x00{"body": "x"}\n{"body": "two"}\n{"body": "three"}\n')
    first, *rest = results(path)
    assert isinstance(first, ReadFailure) and [item.content for item in rest] == ["two", "three"]  # type: ignore[union-attr]


MEMBER = gzip.compress(b'{"body": "one"}\n')


@pytest.mark.parametrize(
    ("tail", "note"),
    [
        (b"\0" * 10240, None),  # tar-style zero padding: ignored silently, as gzip -d does
        (b"trailing garbage\n", "gzip: 17 bytes after member 1 ignored (not gzip)"),
        (b"\0" * 100 + b"x", "gzip: 101 bytes after member 1 ignored (not gzip)"),
        (b"\x1f", "gzip: 1 bytes after member 1 ignored (not gzip)"),
        (gzip.compress(b'{"body": "two"}\n') + b"junk", "gzip: 4 bytes after member 2 ignored (not gzip)"),
    ],
)
@pytest.mark.parametrize("suffix", [".jsonl.gz", ".json.gz"])
def test_bytes_after_the_last_gzip_member(tmp_path: Path, tail: bytes, note: str | None, suffix: str) -> None:
    path = tmp_path / f"a{suffix}"
    path.write_bytes(MEMBER + tail)
    items = results(path)
    if suffix == ".json.gz" and tail.startswith(b"\x1f\x8b"):  # two records in one .json: not one object
        assert [getattr(item, "reason", "ok") for item in items] == ["invalid_json"]
        return
    assert all(isinstance(item, RawArticle) for item in items), items
    assert items[-1].notes == ([note] if note else [])  # type: ignore[union-attr]
    assert all(item.notes == [] for item in items[:-1])  # type: ignore[union-attr]


def test_text_document_with_trailing_garbage_keeps_a_note(tmp_path: Path) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(b"Article text.") + b"\xff" * 3)
    [article] = results(path)
    assert isinstance(article, RawArticle) and article.content == "Article text."
    assert article.notes == ["gzip: 3 bytes after member 1 ignored (not gzip)"]


def test_a_damaged_second_member_is_still_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(MEMBER + b"\x1f\x8bjunk")
    assert [getattr(item, "reason", "ok") for item in results(path)] == ["ok", "corrupt_archive"]


def test_garbage_after_the_last_record_goes_on_a_failure_detail(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"body": "one"}\n[1]\n') + b"tail")
    first, last = results(path)
    assert isinstance(first, RawArticle) and first.notes == []
    assert isinstance(last, ReadFailure) and last.reason == "not_an_object" and "4 bytes after member 1" in last.detail


def write_long_line(path: Path, size: int) -> Path:
    """A JSONL file whose first line is ``size`` bytes, written in pieces: the test never holds it either."""
    with path.open("wb") as out:
        out.write(b'{"body": "')
        for _ in range(size // MiB):
            out.write(b"x" * MiB)
        out.write(b'"}\n{"body": "after"}\n')
    return path


def peak_while(read: Callable[[], object]) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_an_oversized_line_costs_the_limit_not_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    path = write_long_line(tmp_path / "big.jsonl", 30 * MiB)
    if suffix.endswith(".gz"):
        path = tmp_path / "big.jsonl.gz"
        path.write_bytes(gzip.compress((tmp_path / "big.jsonl").read_bytes(), 1))
    parsed: list[int] = []
    real_parse = flows.read.jsonl.parse_json

    def counting_parse(text: bytes) -> object:
        parsed.append(len(text))
        return real_parse(text)

    monkeypatch.setattr(flows.read.jsonl, "parse_json", counting_parse)
    limit = 1 * MiB
    items, peak = peak_while(lambda: results(path, ReadLimits(max_line_bytes=limit, max_compression_ratio=1e6)))
    assert [getattr(item, "reason", "ok") for item in items] == ["line_too_long", "ok"]  # type: ignore[attr-defined]
    assert parsed == [len('{"body": "after"}')]  # the long line was never parsed
    assert peak < limit * 1.25 + 1 * MiB  # the line buffer with its growth slack, the gzip buffers; not 30 MiB


def test_an_oversized_json_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write_long_line(tmp_path / "big.jsonl", 30 * MiB).rename(tmp_path / "big.json")
    items, peak = peak_while(lambda: results(path, ReadLimits(max_line_bytes=1 * MiB)))
    assert [getattr(item, "reason", "ok") for item in items] == ["too_large"]  # type: ignore[attr-defined]
    assert peak < 256 * 1024


def test_a_gzipped_json_document_is_refused_at_the_record_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json.gz"
    path.write_bytes(gzip.compress(b'{"body": "' + b"x" * (4 * MiB) + b'"}', 1))
    items, peak = peak_while(lambda: results(path, ReadLimits(max_line_bytes=1 * MiB, max_compression_ratio=1e6)))
    assert [getattr(item, "reason", "ok") for item in items] == ["too_large"]  # type: ignore[attr-defined]
    assert peak < 3 * MiB


def chunked(data: bytes, sizes: Iterator[int]) -> Iterator[bytes]:
    start = 0
    while start < len(data):
        size = next(sizes)
        yield data[start : start + size]
        start += size


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64])
def test_bounded_lines_at_the_limit_and_across_chunks(chunk: int) -> None:
    data = b"abcd\nabcde\n\nabc\r\nlonger line\nabcd"
    lines = list(bounded_lines(chunked(data, iter(lambda: chunk, None)), max_bytes=4))
    assert lines == [b"abcd", None, b"", b"abc\r", None, b"abcd"]


@pytest.mark.parametrize("content", [b"", b"\n\n \r\n\t\n"])
def test_a_jsonl_file_without_records_is_reported(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(content)
    [failure] = results(path)
    assert isinstance(failure, ReadFailure) and failure.reason == "empty_input" and failure.origin.line is None


def test_binary_under_a_jsonl_name_is_given_up_after_a_run_of_bad_lines(tmp_path: Path) -> None:
    """Not one dead letter per newline byte of a 1 MB image: reading stops after the budget."""
    path = tmp_path / "image.jsonl"
    path.write_bytes(bytes(range(1, 256)) * 4096)
    items = results(path, ReadLimits(max_consecutive_bad_lines=50))
    reasons = [item.reason for item in items]  # type: ignore[union-attr]
    assert len(reasons) == 51 and set(reasons[:-1]) <= {"invalid_json", "binary_content"}
    assert reasons[-1] == "too_many_bad_lines"
    assert items[-1].origin.line is None and "lines 1-" in items[-1].detail  # type: ignore[union-attr]


def test_a_good_record_resets_the_bad_line_budget_and_blank_lines_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"x\n\nx\n" + b'{"body": "ok"}\n' + b"x\n\n\nx\n" + b'{"body": "ok"}\n')
    reasons = [getattr(item, "reason", "ok") for item in results(path, ReadLimits(max_consecutive_bad_lines=3))]
    assert reasons == ["invalid_json", "invalid_json", "ok", "invalid_json", "invalid_json", "ok"]


def member_of_size(size: int, body: bytes) -> bytes:
    """A stored (level 0) gzip member exactly ``size`` bytes long, to put a member boundary where we want it."""
    for pad in range(size):
        member = gzip.compress(b'{"body": "' + body + b"x" * pad + b'"}\n', compresslevel=0, mtime=0)
        if len(member) == size:
            return member
    raise AssertionError(size)


@pytest.mark.parametrize("cut", [READ_CHUNK - 1, READ_CHUNK, READ_CHUNK + 1])
def test_member_boundary_at_a_read_boundary(tmp_path: Path, cut: int) -> None:
    """The next member's magic split across two reads (1f | 8b) is still a member, not trailing garbage."""
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(member_of_size(cut, b"one") + gzip.compress(b"") + gzip.compress(b'{"body": "two"}\n'))
    items = results(path)
    assert [item.content[:3] for item in items] == ["one", "two"]  # type: ignore[union-attr]
    assert all(item.notes == [] for item in items)  # type: ignore[union-attr]
