"""File names as labels: every ``Origin.path`` is valid UTF-8, the same every run, and maps back to the file.

POSIX names are bytes. Python hands a name that is not UTF-8 (``b"caf\\xe9.txt"`` from a Latin-1 system) over as
surrogate escapes, which no JSON encoder, hash or Elasticsearch query accepts, and which the models' repair to
U+FFFD would make ambiguous (``caf\\xe9`` and ``caf\\xe8`` would become the same label). So such bytes are
written as ``\\xe9`` instead, as are control bytes (a newline in a name must not split a log line).

The mapping is reversible, which makes labels distinct for distinct names: a backslash of the name itself is
doubled wherever it could be read as the start of an escape (before ``x``, a backslash or an escaped byte), and
left alone elsewhere, so an ordinary name, Windows-looking ones included, is its own label. ``source_path``
undoes it, e.g. to re-read a dead letter; and since ``display_path(root) + "/"`` is a prefix of the label of
every file under ``root``, prefix queries on labels work too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# control bytes, undecodable bytes as surrogate escapes, and the placeholder of a ':' that would end a label
_ESCAPED_BYTE = "\x00-\x1f\x7f\udc80-\udcff\udc3a"
# `feed.jsonl:1` as a file name must not read as line 1 of feed.jsonl; escaped in folder names too, so that the
# label of a folder stays a prefix of the labels of its files
_LINE_SUFFIX = re.compile(r":(?=\d+(?:/|$))")
_NEEDS_ESCAPE = re.compile(f"[{_ESCAPED_BYTE}]|\\\\(?=[x\\\\{_ESCAPED_BYTE}])")
_ESCAPE_SEQUENCE = re.compile(rb"\\(\\|x[0-9a-fA-F]{2})")


def display_path(path: str | os.PathLike[str]) -> str:
    """The label of ``path``: its name as UTF-8 text, with undecodable and control bytes as ``\\xNN``."""
    text = _LINE_SUFFIX.sub("\udc3a", _name_bytes(path).decode("utf-8", "surrogateescape"))
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(_escape, text)


def source_path(label: str) -> Path:
    """The file a label names: the inverse of ``display_path``."""
    raw = _ESCAPE_SEQUENCE.sub(_unescape, _name_bytes(label))
    return Path(os.fsdecode(raw))


def _name_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a str no file system could have produced, e.g. a lone "\ud83d" from JSON
        return os.fspath(path).encode("utf-8", "surrogatepass")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    return f"\\x{code - 0xDC00 if code >= 0xDC00 else code:02x}"


def _unescape(match: re.Match[bytes]) -> bytes:
    sequence = match.group(1)
    return b"\\" if sequence == b"\\" else bytes([int(sequence[1:], 16)])
