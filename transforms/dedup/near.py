"""Near-duplicates: MinHash over word shingles of the normalised body, with LSH banding for lookup.

Why these numbers
-----------------
* Shingles are 5 consecutive words (NFKC, casefolded, punctuation dropped). Five words are long enough that two
  different articles on the same event share few of them even when they quote the same officials, and short enough
  that one reworded sentence only disturbs the ~25-30 shingles that overlap it.
* ``NUM_PERM = 126`` permutations (42 bands × 3 rows): the estimate's standard error is ``sqrt(J(1-J)/126)`` ≈ 0.045
  at J = 0.5, small next to the gap between re-publications (measured J ≥ 0.68 for a 300-word seed with a new
  headline, a different 25-word footer and one reworded sentence) and different articles on one event (the five
  seeds: J ≤ 0.016).
* ``NEAR_DUPLICATE_THRESHOLD = 0.5`` sits in that gap. On BBC (2,225 files), pairs at 0.54-0.64 are re-filed
  updates of one wire text (same paragraphs, new lead); pairs at 0.34-0.42 are different articles that share one
  quoted paragraph, and stay apart.
* LSH: the probability that a pair of Jaccard ``s`` shares at least one of the 42 band keys is
  ``1 - (1 - s**3)**42``: 0.996 at s = 0.5, 0.94 at 0.4, 0.29 at 0.2, 0.005 at 0.05. Pairs at the threshold are
  retrieved; unrelated articles (s < 0.05) almost never are. The S-curve's midpoint ``(1/42)**(1/3)`` ≈ 0.29 is
  below the threshold on purpose: recall is decided here, precision by ``similarity`` on the candidates.

Hashing is a small numpy implementation (per-token CRC32, a weighted sum over the shingle window, one
multiply-shift hash per permutation; repeated shingles are harmless to a minimum) rather than datasketch, which
hashes every shingle with SHA-1 in a Python loop and measured 1.8× slower on BBC articles (0.90 vs 0.49 ms per
article, 126 permutations). All constants are
derived with splitmix64 in this module, so a signature computed today matches one computed by any later numpy.
Changing any constant changes every signature: bump ``SCHEME`` and re-sign the index.
"""

from __future__ import annotations

import base64
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transforms.errors import RejectedArticle

SCHEME = "m1"
SHINGLE_WORDS = 5
BANDS = 42
ROWS = 3
NUM_PERM = BANDS * ROWS
NEAR_DUPLICATE_THRESHOLD = 0.5
MINHASH_BLOCK = 4096  # shingles permuted at once: 4 MB of temporaries, whatever the body's length

# Scripts written without spaces: each character is a token, so shingles still cover a few characters' context.
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]|[^\W_]+")
_MASK64 = (1 << 64) - 1
Hashes = npt.NDArray[np.uint64]
Slots = npt.NDArray[np.uint32]  # one MinHash signature: NUM_PERM values


def _splitmix64(state: int, count: int) -> list[int]:
    """A reproducible stream of 64-bit constants that does not depend on numpy's generators."""
    values = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        values.append(z ^ (z >> 31))
    return values


_MULTIPLIERS = np.array([v | 1 for v in _splitmix64(0x6E657773, NUM_PERM)], dtype=np.uint64)
_OFFSETS = np.array(_splitmix64(0x696E6478, NUM_PERM), dtype=np.uint64)
_WINDOW = np.array(_splitmix64(0x5368696E, SHINGLE_WORDS), dtype=np.uint64) | np.uint64(1)
_BAND_SALT = np.array(_splitmix64(0x42616E64, BANDS), dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class NearSignature:
    """What is stored per article: ``minhash`` (the ``minhash`` field) and ``bands`` (the ``lsh_bands`` field)."""

    minhash: str
    bands: tuple[str, ...]

    @classmethod
    def from_minhash(cls, minhash: str) -> NearSignature:
        """Rebuilds the band keys from a stored ``minhash`` value (a hit's ``_source``)."""
        return cls(minhash, band_keys(decode(minhash)))

    def values(self) -> Slots:
        return decode(self.minhash)


def tokens(body: str) -> list[str]:
    """Casefolded words; NFKC only when needed (it is the costliest step, and a no-op on ASCII)."""
    text = body if body.isascii() else unicodedata.normalize("NFKC", body)
    return _TOKEN.findall(text.casefold())


def _mix(values: Hashes) -> Hashes:
    """splitmix64's finaliser, vectorised: spreads the bits of a polynomial shingle hash over all 64."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(words: list[str]) -> Hashes:
    """One 64-bit hash per window of ``SHINGLE_WORDS`` words (one window for a shorter text). Repeated shingles
    are kept: they cannot change a minimum, and sorting them out would cost more than hashing them."""
    ids = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    width = min(SHINGLE_WORDS, len(ids))
    count = len(ids) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            combined += ids[offset : offset + count] * _WINDOW[offset]
    return _mix(combined)


def minhash_values(hashes: Hashes) -> Slots:
    """Multiply-shift hashing, one function per permutation; the minimum of each is one signature slot.

    Shingles are permuted ``MINHASH_BLOCK`` at a time: all at once, a body of a million words made a
    million × 126 matrix (1 GB, and 2 GB at peak with its temporaries) and took 14 s instead of 1.
    """
    minimum = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for first in range(0, len(hashes), MINHASH_BLOCK):
            block = hashes[first : first + MINHASH_BLOCK, None]
            permuted = (block * _MULTIPLIERS[None, :] + _OFFSETS[None, :]) >> np.uint64(32)
            np.minimum(minimum, permuted.min(axis=0), out=minimum)
    return minimum.astype(np.uint32)


def band_keys(values: Slots) -> tuple[str, ...]:
    """``"07:3f9a…"``: the band number first, so equal rows in different bands never collide in ``lsh_bands``."""
    rows = values.astype(np.uint64).reshape(BANDS, ROWS)
    folded = _BAND_SALT.copy()
    with np.errstate(over="ignore"):
        for column in range(ROWS):
            folded = _mix(folded ^ rows[:, column])
    digits = folded.astype(">u8").tobytes().hex()
    return tuple(f"{band:02d}:{digits[16 * band : 16 * band + 16]}" for band in range(BANDS))


def encode(values: Slots) -> str:
    return SCHEME + ":" + base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")


def decode(minhash: str) -> Slots:
    scheme, _, payload = minhash.partition(":")
    values = np.frombuffer(base64.b64decode(payload), dtype="<u4") if scheme == SCHEME else np.empty(0, "<u4")
    if len(values) != NUM_PERM:
        raise ValueError(f"not a {SCHEME} MinHash signature of {NUM_PERM} values")
    return values


def signature(body: str) -> NearSignature:
    """The near-duplicate signature of a cleaned body; a body without a single word cannot have one."""
    words = tokens(body)
    if not words:
        raise RejectedArticle("dedup", "no_words", "the body has no word to compute a near-duplicate signature from")
    values = minhash_values(shingle_hashes(words))
    return NearSignature(encode(values), band_keys(values))


def similarity(a: NearSignature, b: NearSignature) -> float:
    """Estimated Jaccard similarity of the two bodies' shingle sets: the share of equal slots."""
    return float(np.count_nonzero(a.values() == b.values())) / NUM_PERM


def is_near_duplicate(a: NearSignature, b: NearSignature) -> bool:
    return similarity(a, b) >= NEAR_DUPLICATE_THRESHOLD


@dataclass(frozen=True, slots=True)
class IndexedSignature:
    """An article already in the index, as the ``lsh_bands`` lookup returns it."""

    doc_id: str
    signature: NearSignature
    duplicate_of: str | None = None

    @property
    def canonical(self) -> str:
        return self.duplicate_of or self.doc_id


def _postings(items: Sequence[IndexedSignature]) -> dict[str, list[IndexedSignature]]:
    postings: dict[str, list[IndexedSignature]] = {}
    for item in items:
        for key in item.signature.bands:
            postings.setdefault(key, []).append(item)
    return postings


def _best_canonical(doc_id: str, sig: NearSignature, candidates: Iterable[IndexedSignature]) -> str | None:
    """The canonical of the most similar candidate at or above the threshold; ties go to the earlier article
    (indexed before batch, batch in order). A candidate that leads back to ``doc_id`` itself (an article being
    re-indexed, and its own near-duplicates) is never a canonical."""
    best: tuple[float, str] | None = None
    for candidate in candidates:
        if candidate.doc_id == doc_id or candidate.canonical == doc_id:
            continue
        score = similarity(sig, candidate.signature)
        if score >= NEAR_DUPLICATE_THRESHOLD and (best is None or score > best[0]):
            best = (score, candidate.canonical)
    return best[1] if best else None


def resolve_near_duplicates(batch: Sequence[tuple[str, NearSignature]],
                            indexed: Sequence[IndexedSignature]) -> dict[str, str]:
    """new doc id → canonical doc id, for the batch articles that near-duplicate an indexed article or an earlier
    article of the batch. Canonical = the earliest article of a group: a candidate that is a duplicate itself
    leads to its own canonical, so groups never chain."""
    postings = _postings(indexed)
    order = {item.doc_id: rank for rank, item in enumerate(indexed)}
    found: dict[str, str] = {}
    for doc_id, sig in batch:
        seen: dict[str, IndexedSignature] = {}
        for key in sig.bands:
            for candidate in postings.get(key, ()):
                seen.setdefault(candidate.doc_id, candidate)
        ordered = sorted(seen.values(), key=lambda item: order[item.doc_id])
        canonical = _best_canonical(doc_id, sig, ordered)
        if canonical is not None:
            found[doc_id] = canonical
        mine = IndexedSignature(doc_id, sig, canonical)
        order.setdefault(doc_id, len(order))
        for key in sig.bands:
            postings.setdefault(key, []).append(mine)
    return found
