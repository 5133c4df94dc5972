"""Size limits: gzip bombs, oversize documents, corrupt archives, refused fast and in bounded memory."""

from __future__ import annotations

import base64
import gzip
import os
import random
import tracemalloc
from pathlib import Path

import pytest

from flows.read import ReadFailure, ReadLimits, read_articles
from transforms.models import RawArticle

MiB = 1024 * 1024


def write_gzip(path: Path, chunks: object, level: int = 9) -> Path:
    """Stream chunks into a gzip file: the test never holds the uncompressed payload."""
    with gzip.GzipFile(path, "wb", compresslevel=level) as out:
        for chunk in chunks:  # type: ignore[attr-defined]
            out.write(chunk)
    return path


def reasons(path: Path, limits: ReadLimits | None = None) -> list[str]:
    return [getattr(item, "reason", "ok") for item in read_articles([path], limits=limits or ReadLimits())]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    zeros = bytes(MiB)
    path = write_gzip(tmp_path_factory.mktemp("bomb") / "bomb.gz", (zeros for _ in range(300)))
    assert path.stat().st_size < 1 * MiB  # 300 MB of zeros compress to ~300 KB
    return path.read_bytes()


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.jsonl.gz", "bomb.json.gz"])
def test_gzip_bomb_is_refused_quickly_in_bounded_memory(tmp_path: Path, bomb: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(bomb)
    tracemalloc.start()
    try:
        items = list(read_articles([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MiB  # the work done: never more than a few chunks of the 300 MB held
    # a JSONL stream meets the run of NUL bytes (never text) before enough is inflated to measure the ratio
    expected = {"gzip_bomb", "binary_content"} if name == "bomb.jsonl.gz" else {"gzip_bomb"}
    assert isinstance(items[-1], ReadFailure) and items[-1].reason in expected


def test_decompressed_size_cap(tmp_path: Path) -> None:
    rng = random.Random(7)
    lines = (b'{"body": "%s"}\n' % base64.b64encode(rng.randbytes(3000)) for _ in range(100))
    path = write_gzip(tmp_path / "big.jsonl.gz", lines)
    result = reasons(path, ReadLimits(max_decompressed_bytes=100_000))
    assert result[-1] == "too_large" and set(result[:-1]) == {"ok"} and len(result) < 100


def test_document_size_cap_plain_and_gzipped(tmp_path: Path) -> None:
    plain = tmp_path / "big.txt"
    plain.write_bytes(b"word " * 1000)
    gzipped = write_gzip(tmp_path / "big.txt.gz", [b"word " * 1000])
    limits = ReadLimits(max_file_bytes=1000)
    assert reasons(plain, limits) == ["too_large"]
    assert reasons(gzipped, limits) == ["too_large"]


def test_not_gzip_under_gz_name(tmp_path: Path) -> None:
    path = tmp_path / "fake.txt.gz"
    path.write_bytes(b"plain text pretending to be gzip")
    assert reasons(path) == ["corrupt_archive"]


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress(os.urandom(50_000))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    assert reasons(path)[-1] == "corrupt_archive"


def test_gzip_without_gz_suffix_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "packed.txt"
    path.write_bytes(gzip.compress(b"Some article text. " * 100))
    assert reasons(path) == ["binary_content"]


def test_normal_gzip_ratio_is_accepted(tmp_path: Path) -> None:
    """Real text compresses 3-10:1, well under the default 100:1."""
    sentence = "The minister said on Tuesday that the budget would rise by 3.5% next year. "
    rng = random.Random(3)
    words = sentence.split()
    text = " ".join(rng.choices(words, k=400_000)).encode()
    path = write_gzip(tmp_path / "article.txt.gz", [text], level=1)
    [item] = list(read_articles([path]))
    assert isinstance(item, RawArticle) and len(item.content) == len(text)


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError):
        ReadLimits(max_file_bytes=0)
