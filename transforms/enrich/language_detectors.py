"""The two raw signals behind language identification, each built once per process.

Both detectors are expensive to build (langdetect parses 55 JSON profiles, lingua loads n-gram models), so
they are lazy module-level singletons: the first article pays, every later one reuses them. Lingua is built
without preloading: it loads only the models of the languages a text's script allows, which gives the
same steady-state speed as ``with_preloaded_language_models()`` without its ~12 s start and ~1.3 GB per
worker. Each function returns ``{iso639-1 code: probability}``; an empty dict means "no evidence".
"""

from __future__ import annotations

from functools import cache

# langdetect ships no type hints and no stub package exists: what it returns is Any here, and the functions below
# hand on only typed values (``dict[str, float]``, ``frozenset[str]``).
from langdetect.lang_detect_exception import LangDetectException  # type: ignore[import-untyped]
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from transforms.enrich.langdetect_fast import FastDetector, Profiles, profiles

LANGDETECT_SEED = 0
LINGUA_TOP = 8
"""Lingua's confidences beyond the best few are ~1e-20: keeping them only costs time."""
LANGDETECT_FLOOR = 1e-5

# langdetect speaks in its own codes: Chinese comes in two scripts, and ``no`` is the Norwegian
# macrolanguage, i.e. evidence for either written standard (lingua tells Bokmål from Nynorsk).
LANGDETECT_CODES: dict[str, tuple[str, ...]] = {"zh-cn": ("zh",), "zh-tw": ("zh",), "no": ("nb", "nn")}


@cache
def lingua_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().build()


def langdetect_profiles() -> Profiles:
    """Seeded: langdetect samples n-grams at random and is otherwise non-deterministic."""
    return profiles(LANGDETECT_SEED)


@cache
def lingua_languages() -> frozenset[str]:
    return frozenset(lang.iso_code_639_1.name.lower() for lang in Language.all())


@cache
def langdetect_languages() -> frozenset[str]:
    codes: set[str] = set()
    for code in langdetect_profiles().langlist:
        codes.update(LANGDETECT_CODES.get(code, (code,)))
    return frozenset(codes)


def lingua_scores(text: str, keep: str | None = None) -> dict[str, float]:
    """The best few confidences, plus that of ``keep`` (a declared language) wherever it ranks."""
    scores: dict[str, float] = {}
    for rank, value in enumerate(lingua_detector().compute_language_confidence_values(text)):
        code = value.language.iso_code_639_1.name.lower()
        if value.value > 0.0 and (rank < LINGUA_TOP or code == keep):
            scores[code] = value.value
    return scores


def langdetect_scores(text: str) -> dict[str, float]:
    """The full posterior, not ``detect_langs``' list cut at 0.1: the runner-up matters when voting."""
    detector = FastDetector(langdetect_profiles())
    detector.append(text)
    try:
        detector.get_probabilities()
    except LangDetectException:  # no n-gram features at all (digits, symbols, unknown script)
        return {}
    scores: dict[str, float] = {}
    for code, probability in zip(detector.langlist, detector.langprob, strict=True):
        if probability > LANGDETECT_FLOOR:
            for iso in LANGDETECT_CODES.get(code, (code,)):
                scores[iso] = scores.get(iso, 0.0) + probability
    return scores
