"""Near-duplicate signatures: a re-publication is caught, different articles on the same event are not."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from transforms.dedup import near
from transforms.dedup.near import (
    NEAR_DUPLICATE_THRESHOLD,
    IndexedSignature,
    NearSignature,
    resolve_near_duplicates,
    signature,
    similarity,
)
from transforms.errors import RejectedArticle

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
FOOTER_A = ("This article first appeared on World Desk Daily. Copyright 2024 World Desk Media. All rights reserved. "
            "Follow us for the latest updates on international affairs.")
FOOTER_B = ("Originally published by The Morning Ledger. Subscribe to our newsletter for daily briefings delivered to "
            "your inbox, and share this story with your friends and family.")


def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in SEEDS]


def republished(text: str) -> tuple[str, str]:
    """(original, copy): the copy has another headline, another footer and one sentence reworded."""
    sentences = text.split(". ")
    middle = len(sentences) // 2
    words = sentences[middle].split()
    sentences[middle] = "Officials said that " + " ".join(reversed(words[: len(words) // 2])) + " " + " ".join(
        words[len(words) // 2 :])
    original = f"North Korean soldiers in Russia\n\n{text}\n\n{FOOTER_A}"
    copy = f"Troops seen abroad: what we know\n\n{'. '.join(sentences)}\n\n{FOOTER_B}"
    return original, copy


@pytest.mark.parametrize("index", range(len(SEEDS)))
def test_republication_with_new_headline_footer_and_reworded_sentence_is_caught(index: int) -> None:
    original, copy = republished(seed_texts()[index])
    assert similarity(signature(original), signature(copy)) >= NEAR_DUPLICATE_THRESHOLD


def test_different_articles_on_the_same_event_are_not_near_duplicates() -> None:
    signatures = [signature(text) for text in seed_texts()]
    assert len(signatures) == 5
    for a, b in itertools.combinations(signatures, 2):
        assert similarity(a, b) < 0.1 < NEAR_DUPLICATE_THRESHOLD


def test_signature_is_deterministic_compact_and_layout_insensitive() -> None:
    text = seed_texts()[0]
    first, again = signature(text), signature(" \n".join(text.upper().split()))
    assert first == again
    assert first.minhash.startswith(near.SCHEME + ":") and len(first.minhash) < 800
    assert len(first.bands) == near.BANDS
    assert [key.split(":")[0] for key in first.bands] == [f"{b:02d}" for b in range(near.BANDS)]
    assert NearSignature.from_minhash(first.minhash) == first


def test_estimate_tracks_exact_jaccard() -> None:
    words = seed_texts()[2].split()
    half = signature(" ".join(words[: len(words) // 2]))
    whole = signature(" ".join(words))
    assert similarity(half, whole) == pytest.approx(0.5, abs=0.12)


def test_short_and_spaceless_texts_get_signatures() -> None:
    assert signature("Breaking news").bands
    text = "朝鲜军队在俄罗斯库尔斯克地区与乌克兰军队交战。"
    troops, economy = signature(text), signature("完全不同的一篇文章讲述经济增长。")
    assert similarity(troops, economy) < 0.5 <= similarity(troops, signature(text.rstrip("。")))


def test_a_body_without_words_is_rejected() -> None:
    with pytest.raises(RejectedArticle) as caught:
        signature(" ... —— !!! ")
    assert (caught.value.stage, caught.value.reason) == ("dedup", "no_words")


def test_a_foreign_or_corrupt_stored_signature_is_refused() -> None:
    with pytest.raises(ValueError):
        NearSignature.from_minhash("m0:AAAA")
    with pytest.raises(ValueError):
        NearSignature.from_minhash(near.SCHEME + ":AAAA")


def test_resolution_prefers_indexed_canonicals_and_follows_duplicates_to_their_canonical() -> None:
    original, copy = republished(seed_texts()[1])
    base, dup = signature(original), signature(copy)
    other = signature(seed_texts()[3])
    indexed = [IndexedSignature("old-dup", dup, duplicate_of="canon"), IndexedSignature("other", other)]
    found = resolve_near_duplicates([("new", base), ("new-other", other)], indexed)
    assert found == {"new": "canon", "new-other": "other"}


def test_within_a_batch_the_earlier_article_wins_and_groups_do_not_chain() -> None:
    original, copy = republished(seed_texts()[4])
    a, b = signature(original), signature(copy)
    found = resolve_near_duplicates([("first", a), ("second", b), ("third", a)], [])
    assert found == {"second": "first", "third": "first"}


def test_an_article_never_duplicates_itself_or_its_own_duplicates() -> None:
    original, copy = republished(seed_texts()[0])
    a, b = signature(original), signature(copy)
    indexed = [IndexedSignature("me", a), IndexedSignature("my-copy", b, duplicate_of="me")]
    assert resolve_near_duplicates([("me", a)], indexed) == {}
