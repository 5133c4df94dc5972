"""Bytes → text, before any cleaning.

Order of trust: a byte-order mark, then strict UTF-8 (what almost every modern source is), then the
charset the document itself declares (``hint``, e.g. an HTML ``<meta charset>``), then detection.
Detection is split by script because statistical detectors are unreliable on short Latin texts
(charset-normalizer reads the BBC's Latin-1 "£10m" file as cp932): text whose non-ASCII bytes are a
small minority is a Latin-script single-byte encoding, decided between cp1252 and cp1250 by which one
produces fewer symbols inside words; text dominated by high bytes (Cyrillic, Greek, CJK) goes to
charset-normalizer. Mojibake that is already *in* the characters is left alone: the clean stage repairs it.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from transforms.errors import RejectedArticle

_SAMPLE_BYTES = 65_536
_MAX_CONTROL_SHARE = 0.03
_LATIN_SCRIPT_MAX_HIGH_SHARE = 0.30
# C0 controls that never occur in text; tab, LF, VT, FF, CR and ESC (ISO-2022) are allowed.
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B))
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels that browsers (WHATWG Encoding) decode as windows-1252, because that is what such pages really are.
_WINDOWS_1252_ALIASES = {"latin_1", "iso8859_1", "ascii", "iso8859_15", "cp819"}
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def decode(data: bytes, *, hint: str | None = None) -> tuple[str, str]:
    """Decode one input; ``hint`` is a charset the document declares about itself (used only if not UTF-8).

    Raises ``RejectedArticle("read", "empty_input" | "binary_content")``.
    """
    if not data.strip():
        raise RejectedArticle("read", "empty_input", "no content, or whitespace only")
    encoding = _bom_encoding(data) or _bomless_utf16(data)
    if encoding is None:
        _reject_binary(data)
        encoding = _guess_encoding(data, hint)
    text = _decode_with_fallback(data, encoding)
    if not text.strip():
        raise RejectedArticle("read", "empty_input", "whitespace only")
    return text, encoding


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte, on one side only."""
    sample = data[:_SAMPLE_BYTES]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, encoding in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
        if nuls > 0.6 * half and other == 0 and _decodes(data, encoding):
            return encoding
    return None


def _reject_binary(data: bytes) -> None:
    """NUL bytes or a run of C0 controls mean an image, archive or executable under a text name."""
    sample = data[:_SAMPLE_BYTES]
    if b"\x00" in sample:
        raise RejectedArticle("read", "binary_content", "NUL bytes in the first 64 KB")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise RejectedArticle("read", "binary_content", f"{controls} control bytes in the first 64 KB")


def _guess_encoding(data: bytes, hint: str | None) -> str:
    if data.isascii() or _decodes(data, "utf-8"):
        return "utf-8"
    declared = _normalise_label(hint)
    if declared and declared != "utf-8" and _decodes(data, declared):
        return declared
    if _high_byte_share(data) <= _LATIN_SCRIPT_MAX_HIGH_SHARE:
        return _latin_codepage(data)
    best = charset_normalizer.from_bytes(data[:_SAMPLE_BYTES]).best()
    if best is not None and _decodes(data, best.encoding):
        return _normalise_label(best.encoding) or best.encoding
    return _latin_codepage(data)


def _normalise_label(label: str | None) -> str | None:
    """Map a declared charset label to a Python codec name; unknown labels are ignored, not trusted."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    return "utf-8" if name == "utf_8" else name


def _high_byte_share(data: bytes) -> float:
    sample = data[:_SAMPLE_BYTES]
    visible = len(sample.translate(None, b" \t\r\n"))
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    return high / visible if visible else 0.0


def _latin_codepage(data: bytes) -> str:
    """cp1252 (Western) unless cp1250 (Central European) explains the text with fewer symbols inside words."""
    scores = {enc: _implausibility(data, enc) for enc in ("cp1252", "cp1250")}
    if scores["cp1252"] <= scores["cp1250"] and scores["cp1252"] < float("inf"):
        return "cp1252"
    if scores["cp1250"] < float("inf"):
        return "cp1250"
    return "latin-1"


def _implausibility(data: bytes, encoding: str) -> float:
    try:
        text = data[:_SAMPLE_BYTES].decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < _SAMPLE_BYTES - 4:  # a byte the codepage leaves undefined: impossible
            return float("inf")
        text = data[: exc.start].decode(encoding)
    return float(sum(_odd_inside_word(text, m.start()) for m in _NON_ASCII.finditer(text)))


def _odd_inside_word(text: str, i: int) -> bool:
    """A non-letter (``ma³o``) or a capital (``wiŸmy``) between two lowercase letters: the wrong codepage."""
    if i == 0 or i + 1 >= len(text) or not (text[i - 1].islower() and text[i + 1].islower()):
        return False
    return not text[i].isalpha() or text[i].isupper()


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _decode_with_fallback(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace")
