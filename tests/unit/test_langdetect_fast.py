"""The table-based detector must be langdetect itself, bit for bit, or the language figures silently change."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from transforms.enrich.langdetect_fast import FastDetector, profiles
from transforms.enrich.language_detectors import LANGDETECT_SEED

TEXTS = [
    "The government announced on Monday that the budget would be presented next week.",
    "Le gouvernement a annoncé lundi que le budget serait présenté la semaine prochaine.",
    "Die Regierung kündigte am Montag an, dass der Haushalt nächste Woche vorgestellt wird.",
    "Правительство объявило в понедельник, что бюджет будет представлен на следующей неделе.",
    "政府は月曜日、予算案を来週提出すると発表した。",
    "Regjeringen la fram statsbudsjettet for neste år på mandag ettermiddag.",
    "ok",
    "12345 !!! ???",
    "x" * 5000,
]


@cache
def original_factory() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = LANGDETECT_SEED
    return factory


def posterior(detector: object, text: str) -> list[float] | str:
    detector.append(text)  # type: ignore[attr-defined]
    try:
        detector.get_probabilities()  # type: ignore[attr-defined]
    except LangDetectException as error:
        return f"error {error.code}"
    return list(detector.langprob)  # type: ignore[attr-defined]


def both(text: str) -> tuple[list[float] | str, list[float] | str]:
    return (posterior(original_factory().create(), text),
            posterior(FastDetector(profiles(LANGDETECT_SEED)), text))


@pytest.mark.parametrize("text", TEXTS)
def test_same_posterior_as_langdetect(text: str) -> None:
    original, fast = both(text)
    assert fast == original


def test_same_languages_in_the_same_order() -> None:
    assert profiles(LANGDETECT_SEED).langlist == list(original_factory().langlist)


WORDS = st.sampled_from(["the", "of", "and", "budget", "le", "la", "de", "der", "die", "und", "в", "и", "на", "政府",
                         "予算", "år", "og", "på", "mandag", "ok", "2024", "!", "é", "ß"])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=0, max_size=40).map(" ".join) | st.text(max_size=300))
def test_same_posterior_on_any_text(text: str) -> None:
    original, fast = both(text)
    assert fast == original
