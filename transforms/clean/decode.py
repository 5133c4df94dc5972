"""Bytes → text, before any cleaning.

Order of trust: a byte-order mark, then strict UTF-8 (what almost every modern source is), then the
charset the document declares about itself (``hint``, e.g. an HTML ``<meta charset>``), then detection.
Statistical detectors are unreliable on short texts (charset-normalizer reads the BBC's Latin-1 "£10m"
file as cp932, and a short KOI8-R sentence as Shift JIS), so detection only proposes candidates and a
general plausibility test picks among them: the right codepage yields no symbols inside words, no
capitals after lower-case letters and no half-width katakana. Text whose non-ASCII bytes sit inside
mostly-ASCII words is Latin script, and only cp1252 and cp1250 are considered (cp1252 wins ties: it is
the web's commonest legacy encoding). Mojibake already *in* the characters is left alone: the clean
stage repairs it.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from transforms.errors import RejectedArticle

_SAMPLE_BYTES = 65_536
_MAX_CONTROL_SHARE = 0.03
_SCORE_BYTES = 16_384
_LATIN_SCRIPT_MAX_HIGH_SHARE = 0.6
_MAX_DETECTED = 5
_COMMON_NON_LATIN = ("cp1251", "koi8_r")  # short Cyrillic texts are where the detector fails most
_ODD_BLOCKS = frozenset(chr(code) for code in range(0x80, 0xA0)) | {"\ufffd"}
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
    if _latin_script(data):
        candidates = ["cp1252", "cp1250"]
    else:
        detected = [match.encoding for match in charset_normalizer.from_bytes(data[:_SAMPLE_BYTES])]
        candidates = [*detected[:_MAX_DETECTED], *_COMMON_NON_LATIN]
    return _least_implausible(data, candidates)


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


def _latin_script(data: bytes) -> bool:
    """Latin-script text has its non-ASCII letters inside mostly-ASCII words ("Größe", "déclaré");
    Cyrillic, Greek or CJK in a legacy encoding has words made of high bytes only."""
    words = [word for word in data[:_SAMPLE_BYTES].split() if not word.isascii()]
    high = sum(len(word) - len(word.translate(None, _HIGH_BYTES)) for word in words)
    return high <= _LATIN_SCRIPT_MAX_HIGH_SHARE * sum(len(word) for word in words)


def _least_implausible(data: bytes, candidates: list[str]) -> str:
    """The first candidate whose decoding has the fewest signs of a wrong codepage; latin-1 never fails."""
    scores: dict[str, int] = {}
    for candidate in dict.fromkeys(_normalise_label(name) or name for name in candidates):
        score = _implausibility(data, candidate)
        if score is not None:
            scores[candidate] = score
    return min(scores, key=scores.__getitem__) if scores else "latin-1"


def _implausibility(data: bytes, encoding: str) -> int | None:
    """None if the bytes cannot be this encoding; else a count of characters real text rarely has."""
    sample = data[:_SCORE_BYTES]
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not a character cut in half by the sample boundary
            return None
        text = sample[: exc.start].decode(encoding)
    except LookupError:
        return None
    return sum(_is_odd(text, match.start()) for match in _NON_ASCII.finditer(text))


def _is_odd(text: str, i: int) -> bool:
    """A symbol inside a word (``ma³o``), a capital after a lower-case letter (``рТЕЗИДЕНТ``: KOI8-R
    read as cp1251), a C1 control, a private-use character or half-width katakana (``ﾅﾚﾉ``: a
    single-byte text read as Shift JIS)."""
    char = text[i]
    if char in _ODD_BLOCKS or "\uff61" <= char <= "\uff9f" or "\ue000" <= char <= "\uf8ff":
        return True
    before = text[i - 1] if i else " "
    if char.isupper() and before.islower():
        return True
    after = text[i + 1] if i + 1 < len(text) else " "
    return not char.isalpha() and before.islower() and after.islower()


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
