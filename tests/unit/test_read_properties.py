"""Properties of the read stage over arbitrary input: it never raises, and all it produces can be stored.

Every file ends as articles or failures with a known reason (never ``unexpected_error``, which would be a
reader bug), and every string in them encodes as UTF-8, so JSON, hashes and queries accept it.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.read import READ_FAILURE_REASONS, SUFFIX_FORMATS, ReadFailure, ReadLimits, read_articles
from flows.read.lines import bounded_lines
from flows.read.paths import display_path, source_path
from flows.read.records import url_problem
from transforms.models import RawArticle

FILES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PURE = settings(max_examples=300, deadline=None)
SUFFIXES = [*SUFFIX_FORMATS, *(suffix + ".gz" for suffix in SUFFIX_FORMATS)]
NAME_MAX = 255
REASONS = READ_FAILURE_REASONS

# Bytes of a name: no "/" and no NUL, which no POSIX name can hold; "." and ".." are not new files.
name_bytes = st.binary(min_size=1, max_size=NAME_MAX).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_"))
names = name_bytes.filter(lambda b: b not in (b".", b".."))
nasty_chars = st.characters(codec=None, categories=["Cs"]) | st.sampled_from(
    ["\ud83d", "\n", "\r", "\x00", "\\", '"', "\u2028", "😀", "é", "\ufeff"]
)
texts = st.text(st.characters() | nasty_chars, max_size=30)


class Token(str):
    """A JSON token written as is: numbers Python would not write, and literals JSON does not have."""


tokens = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "9" * 5000, "-0", "1E-400", "[" * 3000 + "]" * 3000]
).map(Token)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts | tokens
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4))
field_values = (
    values | texts | st.sampled_from(["javascript:alert(1)", "https://example.org/a", "data:,x", "not a date"])
)
records = (
    st.fixed_dictionaries(
        {},
        optional={
            key: field_values
            for key in ["body", "Text", "content", "html", "title", "url", "link", "authors", "source", "date", "lang"]
        },
    )
    | values
)
limits = st.builds(
    ReadLimits,
    max_file_bytes=st.integers(1, 4096),
    max_line_bytes=st.integers(1, 4096),
    max_decompressed_bytes=st.integers(1, 8192),
    max_compression_ratio=st.floats(1.5, 1000),
    ratio_grace_bytes=st.integers(0, 4096),
    max_consecutive_bad_lines=st.integers(1, 3),
) | st.just(ReadLimits())


def dump(value: Any, ascii: bool = True) -> str:
    """JSON text; with ``ascii`` off, a lone surrogate stays a raw character instead of a ``\\ud83d`` escape."""
    if isinstance(value, Token):
        return str(value)
    if isinstance(value, dict):
        pairs = (f"{json.dumps(key, ensure_ascii=ascii)}: {dump(item, ascii)}" for key, item in value.items())
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(item, ascii) for item in value) + "]"
    return json.dumps(value, ensure_ascii=ascii)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_storable(items: list[RawArticle | ReadFailure]) -> None:
    for item in items:
        assert isinstance(item, RawArticle | ReadFailure)
        if isinstance(item, ReadFailure):
            assert item.reason in REASONS and item.reason != "unexpected_error", item
        else:
            assert item.url is None or url_problem(item.url) is None, item.url
        item.model_dump_json()
        json.dumps(item.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
        for text in strings(item.model_dump()):
            text.encode("utf-8")


def read_one(folder: str, name: bytes, content: bytes, read_limits: ReadLimits) -> list[RawArticle | ReadFailure]:
    raw = os.path.join(os.fsencode(folder), name)
    with open(raw, "wb") as out:
        out.write(content)
    items = list(read_articles([Path(os.fsdecode(raw))], limits=read_limits))
    assert items, "a file vanished without an article or a failure"
    assert_storable(items)
    return items


@FILES
@given(content=st.binary(max_size=2048), suffix=st.sampled_from(SUFFIXES), read_limits=limits)
def test_arbitrary_bytes_under_every_suffix(content: bytes, suffix: str, read_limits: ReadLimits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_one(folder, b"input" + suffix.encode(), content, read_limits)


@FILES
@given(
    content=st.binary(max_size=2048),
    tail=st.sampled_from([b"", b"\0" * 64, b"garbage", b"\x1f\x8b", b"\x1f"]),
    suffix=st.sampled_from([s for s in SUFFIXES if s.endswith(".gz")]),
    read_limits=limits,
)
def test_arbitrary_bytes_gzipped(content: bytes, tail: bytes, suffix: str, read_limits: ReadLimits) -> None:
    with tempfile.TemporaryDirectory() as folder:
        read_one(folder, b"input" + suffix.encode(), gzip.compress(content) + tail, read_limits)


@FILES
@given(name=names, suffix=st.sampled_from([*SUFFIXES, ""]))
def test_arbitrary_file_names(name: bytes, suffix: str) -> None:
    name = name[: NAME_MAX - len(suffix)] + suffix.encode()
    with tempfile.TemporaryDirectory() as folder:
        content = b'{"body": "Text."}' if "json" in suffix else b"Text."
        items = read_one(folder, name, content, ReadLimits())
        walked = list(read_articles([Path(folder)]))
        assert_storable(walked)
        assert [item.origin for item in walked] == ([] if name.startswith(b".") else [item.origin for item in items])
        for item in items:
            assert os.fsencode(source_path(item.origin.path)) == os.path.join(
                os.fsencode(os.path.realpath(folder)), name
            )


@FILES
@given(
    lines=st.lists(records, min_size=1, max_size=5),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "cesu"]),
    suffix=st.sampled_from([".jsonl", ".ndjson.gz", ".json", ".json.gz"]),
    read_limits=limits,
)
def test_arbitrary_json(lines: list[Any], codec: str, suffix: str, read_limits: ReadLimits) -> None:
    text = "\n".join(dump(line, ascii=codec != "cesu") for line in lines) + "\n"
    # "cesu": surrogates written as UTF-8 bytes (ed a0 bd), as a careless encoder does
    data = text.encode("utf-8", "surrogatepass") if codec == "cesu" else text.encode(codec)
    with tempfile.TemporaryDirectory() as folder:
        content = gzip.compress(data) if suffix.endswith(".gz") else data
        items = read_one(folder, b"input" + suffix.encode(), content, read_limits)
        if "jsonl" in suffix or "ndjson" in suffix:
            assert len(items) <= len(lines) + 1  # one per line, at most one more for the file


@PURE
@given(path=st.lists(name_bytes, min_size=1, max_size=4))
def test_labels_are_utf8_printable_and_reversible(path: list[bytes]) -> None:
    parts = [part for part in path if part not in (b".", b"..")] or [b"x"]
    raw = b"/" + b"/".join(parts)
    label = display_path(os.fsdecode(raw))
    label.encode("utf-8")
    assert not any(ord(char) < 0x20 or ord(char) == 0x7F for char in label)
    assert os.fsencode(source_path(label)) == raw
    assert display_path(os.fsdecode(raw + b"/child")).startswith(label + "/")


@PURE
@given(first=name_bytes, second=name_bytes)
def test_distinct_names_have_distinct_labels(first: bytes, second: bytes) -> None:
    if first != second:
        assert display_path(os.fsdecode(first)) != display_path(os.fsdecode(second))


@PURE
@given(
    data=st.binary(max_size=300) | st.text("ab\n\r", max_size=300).map(str.encode),
    sizes=st.data(),
    limit=st.integers(0, 40),
)
def test_bounded_lines_match_a_plain_split(data: bytes, sizes: st.DataObject, limit: int) -> None:
    chunks, start = [], 0
    while start < len(data):
        size = sizes.draw(st.integers(1, 50))
        chunks.append(data[start : start + size])
        start += size
    expected: list[bytes | None] = [line if len(line) <= limit else None for line in data.split(b"\n")]
    if expected[-1] == b"":
        expected.pop()  # nothing after the final newline
    assert list(bounded_lines(chunks, limit)) == expected


@PURE
@given(bodies=st.lists(st.text(st.characters(codec="utf-8"), min_size=1, max_size=20), min_size=1, max_size=4))
def test_bom_encodings_round_trip(bodies: list[str]) -> None:
    """Whatever the BOM'd encoding, the same records come out: lines are split after decoding."""
    text = "".join(json.dumps({"body": body}) + "\n" for body in bodies)
    expected = [body if body.strip() else None for body in bodies]  # a blank body is an empty_input failure
    with tempfile.TemporaryDirectory() as folder:
        for codec, bom in [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-32-be", codecs.BOM_UTF32_BE)]:
            path = Path(folder) / f"{codec}.jsonl"
            path.write_bytes(bom + text.encode(codec))
            items = list(read_articles([path]))
            assert [getattr(item, "content", None) for item in items] == expected
