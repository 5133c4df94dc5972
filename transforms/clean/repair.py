"""Unicode repair: mojibake, control characters, odd spaces, NFC.

Runs before the body is fixed, because every later offset (paragraphs, entities, date mentions)
indexes into the final body: repairing after that would silently shift them.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Curly quotes and dashes are the publisher's typography, not damage: keep them.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)

# Spaces that look like a space but break tokenisers and exact-duplicate keys.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2007]")
# Invisible characters that carry no text: zero-width marks, BOM, soft hyphen, word joiner.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff\u180e]")
_LINE_SEPARATORS = re.compile(r"\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
# C0/C1 controls other than tab and newline, and unpaired surrogates that cannot be encoded.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def fix_mojibake(text: str) -> str:
    """UTF-8 read as cp1252/latin-1 (``â€™``) is common in scraped news; ftfy undoes it safely."""
    try:
        return ftfy.fix_text(text, config=_FTFY_CONFIG)
    except Exception:  # ftfy is heuristic; a failure must not cost the article
        return text


def normalize_characters(text: str) -> str:
    """Line breaks to ``\\n``, odd spaces to a plain space, invisible and control characters out."""
    text = _LINE_SEPARATORS.sub("\n", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\t", " ")
    return _CONTROLS.sub("", text)


def repair_text(text: str) -> str:
    """The full repair, idempotent: running it twice gives the same string."""
    text = normalize_characters(fix_mojibake(text))
    return unicodedata.normalize("NFC", text)
