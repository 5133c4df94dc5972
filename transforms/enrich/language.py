"""Language of an article and of its paragraphs: lingua and langdetect vote, the declared language breaks ties.

Neither detector is best everywhere. Lingua (n-grams of 1-5 characters over 75 languages) is strong on short
text; langdetect (55 languages) is slightly better on whole sentences and, above all, errs differently: it
splits Hindi/Marathi, Croatian and Indonesian better, lingua Czech/Slovak and Danish/Bokmål. So the decision
is a weighted product of the two posteriors (a sum of logs), where langdetect's weight grows with the text
length because its random n-gram sampling is noisy on a few words. Rules that shape it:

* A language one detector does not know gets a neutral floor from that detector instead of "zero", so the
  other can still name it. Langdetect's floor is a fraction of its best score: it has to be outvoted by
  lingua, which trades some recall on languages only lingua knows that have a close langdetect sibling
  (Bosnian, Malay, Serbian) for fewer false switches away from the sibling (Croatian, Indonesian).
* The declared language (HTML ``lang``, metadata) multiplies its odds by a constant: it wins when the text is
  ambiguous, never against clear evidence.
* Text with fewer than a few letters, or one short word with a weak guess, is undecidable (``und``,
  probability 0), never an exception.
* Speed: a long text is judged on its first 500 characters and only re-judged on 2,000 when the detectors
  disagree or doubt; a paragraph that langdetect alone clearly places in the article's language is not
  sent to lingua. Paragraphs that are short or are lists of names keep the article's language.

The constants were tuned once, on the last 20% of each file of the lingua test sets (sentences and word
pairs; the short-word rule on the last 100 single words), as general weights: no per-language rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache

from transforms.enrich.language_detectors import (
    langdetect_languages,
    langdetect_scores,
    lingua_languages,
    lingua_scores,
)
from transforms.models import LanguageGuess

MAX_CHARS = 2000
"""Both detectors converge long before this; a longer article only costs time."""
FIRST_LOOK_CHARS = 500
FIRST_LOOK_PROBABILITY = 0.99
"""A long text is first judged on a short prefix; only a doubtful first look pays for the full sample."""
MIN_LETTERS = 3
LANGDETECT_WEIGHT = 1.0
LANGDETECT_FULL_WEIGHT_CHARS = 120
"""Below this length langdetect's vote is scaled down linearly: its sampling is unreliable on a few words."""
LANGDETECT_EPSILON = 0.05
UNKNOWN_TO_LANGDETECT = 0.1
"""Floor for a language langdetect lacks, as a fraction of langdetect's best score."""
UNKNOWN_TO_LINGUA = 0.03
LINGUA_EPSILON = 1e-6
DECLARED_ODDS = 4.0
WEAK_LETTERS = 6
WEAK_PROBABILITY = 0.35
"""A single short word whose best guess is below this is a coin toss: say ``und`` (or the declared code)."""
PARAGRAPH_MIN_CHARS = 80
"""Shorter paragraphs (captions, bylines, one-liners) keep the article's language."""
PARAGRAPH_SWITCH_PROBABILITY = 0.9
PARAGRAPH_CONFIRM_PROBABILITY = 0.999
PARAGRAPH_KEEP_PROBABILITY = 0.5
"""langdetect alone (the cheaper detector) may confirm the article's language: when it is sure, or when the
article's language is its first choice, since a switch needs ``PARAGRAPH_SWITCH_PROBABILITY`` for another language
anyway. Only a paragraph langdetect places elsewhere pays for both detectors (and lingua's models)."""
PROSE_LOWERCASE_SHARE = 0.3
"""Below this share of lowercase words a paragraph is a list of names (a team line-up), not prose."""

QUICK_LOOK_CHARS = 300
QUICK_LOOK_PROBABILITY = 0.9999
ARTICLE_QUICK_LOOK_FROM = 200
"""A whole article body (a news brief of a few sentences) may be settled by the quick look from this length: its
certainty rule is the same, and lingua's models (~7 s and ~1 GB per process to load) are then left for the texts
that need them. Sentences and paragraphs keep ``FIRST_LOOK_CHARS``."""
CONFUSABLE = frozenset({"bs", "hr", "sr", "mk", "id", "ms", "nb", "nn", "no", "da", "gl", "ca", "sk", "cs"})
"""Languages with a close sibling: the quick look never decides them alone."""
STOPWORD_SHARE = 0.3
STOPWORD_MIN_WORDS = 8
WORD = re.compile(r"[^\W\d_]+")

DENSE_SCRIPTS = re.compile("[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
UNDETERMINED = LanguageGuess(code="und", probability=0.0, method="none")


def normalise_code(declared: str | None) -> str | None:
    """'en-GB', 'EN_us', 'zh-Hant' → 'en', 'en', 'zh'; anything neither detector knows → None."""
    if not declared:
        return None
    code = declared.strip().replace("_", "-").split("-")[0].lower()
    code = {"no": "nb", "iw": "he", "in": "id"}.get(code, code)
    return code if code in lingua_languages() | langdetect_languages() else None


def sample(text: str, size: int = MAX_CHARS) -> str:
    """A bounded prefix cut at a word boundary, so the cost per article does not grow with its length."""
    if len(text) <= size:
        return text
    cut = text.rfind(" ", size // 2, size)
    return text[: cut if cut > 0 else size]


def letter_count(text: str) -> int:
    """Letters, where one CJK character (a word or a syllable, not a sound) counts as three: one is decidable."""
    return sum(3 if ch >= "\u1100" and DENSE_SCRIPTS.match(ch) else 1 for ch in text if ch.isalpha())


def combined_scores(lingua: dict[str, float], langdetect: dict[str, float], length: int) -> dict[str, float]:
    """Log-score per candidate: log p_lingua + w(length) · log p_langdetect, with floors for unknown languages."""
    if not langdetect:
        return {code: math.log(p + LINGUA_EPSILON) for code, p in lingua.items()}
    weight = LANGDETECT_WEIGHT * min(1.0, length / LANGDETECT_FULL_WEIGHT_CHARS)
    known_to_lingua, known_to_langdetect = lingua_languages(), langdetect_languages()
    langdetect_best = max(langdetect.values())
    scores: dict[str, float] = {}
    for code in lingua.keys() | langdetect.keys():
        p_lingua = lingua.get(code, 0.0) if code in known_to_lingua else UNKNOWN_TO_LINGUA
        p_langdetect = (
            langdetect.get(code, 0.0) if code in known_to_langdetect else UNKNOWN_TO_LANGDETECT * langdetect_best
        )
        scores[code] = math.log(p_lingua + LINGUA_EPSILON) + weight * math.log(p_langdetect + LANGDETECT_EPSILON)
    return scores


def softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    weights = {code: math.exp(score - top) for code, score in scores.items()}
    total = sum(weights.values())
    return {code: weight / total for code, weight in weights.items()}


def deciding_method(winner: str, lingua: dict[str, float], langdetect: dict[str, float]) -> str:
    lingua_top = max(lingua, key=lingua.__getitem__) if lingua else None
    langdetect_top = max(langdetect, key=langdetect.__getitem__) if langdetect else None
    if winner == lingua_top == langdetect_top:
        return "lingua+langdetect"
    if winner == lingua_top:
        return "lingua"
    if winner == langdetect_top:
        return "langdetect"
    return "ensemble"


def with_prior(scores: dict[str, float], declared: str | None) -> dict[str, float]:
    """The declared language gets extra odds; if no detector proposed it, it starts from the weakest candidate."""
    if declared is None:
        return scores
    floor = min(scores.values())
    return {**scores, declared: scores.get(declared, floor) + math.log(DECLARED_ODDS)}


def quick_look(text: str, prior: str | None) -> LanguageGuess | None:
    """On a long text, langdetect alone on a short prefix is enough when it is certain, agrees with any declared
    language and names no language with a close sibling that only the combination tells apart."""
    scores = langdetect_scores(sample(text, QUICK_LOOK_CHARS))
    if not scores:
        return None
    code = max(scores, key=scores.__getitem__)
    if scores[code] < QUICK_LOOK_PROBABILITY or code in CONFUSABLE or prior not in (None, code):
        return None
    return LanguageGuess(code=code, probability=round(scores[code], 6), method="langdetect")


def detect_language(text: str, declared: str | None = None, quick_from: int = FIRST_LOOK_CHARS) -> LanguageGuess:
    """Best guess for one text; ``und`` (or the declared language) when the text carries no evidence. Texts longer
    than ``quick_from`` characters may be settled by the quick look."""
    prior = normalise_code(declared)
    text = text or ""
    if len(text) > quick_from and (quick := quick_look(text, prior)):
        return quick
    if len(text) > FIRST_LOOK_CHARS:
        first = decide(sample(text, FIRST_LOOK_CHARS), prior)
        if first.probability >= FIRST_LOOK_PROBABILITY and first.method == "lingua+langdetect":
            return first
    return decide(sample(text), prior)


def decide(text: str, prior: str | None) -> LanguageGuess:
    fallback = LanguageGuess(code=prior, probability=0.5, method="declared") if prior else UNDETERMINED
    letters = letter_count(text)
    if letters < MIN_LETTERS:
        return fallback
    lingua, langdetect = lingua_scores(text, keep=prior), langdetect_scores(text)
    scores = combined_scores(lingua, langdetect, len(text))
    if not scores:
        return fallback
    unbiased = max(scores, key=scores.__getitem__)
    probabilities = softmax(with_prior(scores, prior))
    winner = max(probabilities, key=probabilities.__getitem__)
    if letters < WEAK_LETTERS and probabilities[winner] < WEAK_PROBABILITY:
        return fallback
    method = "declared" if winner != unbiased else deciding_method(winner, lingua, langdetect)
    return LanguageGuess(code=winner, probability=round(probabilities[winner], 6), method=method)


def is_prose(paragraph: str) -> bool:
    words = [word for word in paragraph.split() if word[:1].isalpha()]
    cased = [word for word in words if word[0].lower() != word[0].upper()]
    return not cased or sum(word[0].islower() for word in cased) >= PROSE_LOWERCASE_SHARE * len(cased)


@cache
def stop_words(code: str) -> frozenset[str]:
    """spaCy's stop-word list for the language, or nothing when spaCy has none."""
    try:
        from spacy.util import get_lang_class

        return frozenset(get_lang_class(code).Defaults.stop_words)
    except Exception:
        return frozenset()


def written_in(paragraph: str, code: str) -> bool:
    """Function words make up a third or more of running prose in its own language and a few percent in another,
    so a paragraph dense in the article language's stop words needs no detector: the cheap test that keeps
    paragraph languages affordable (a detector call costs 2-5 ms per paragraph)."""
    stops = stop_words(code)
    words = WORD.findall(paragraph.lower())
    if not stops or len(words) < STOPWORD_MIN_WORDS:
        return False
    return sum(w in stops for w in words) >= STOPWORD_SHARE * len(words)


def paragraph_language(paragraph: str, article: LanguageGuess) -> LanguageGuess:
    """A paragraph leaves the article's language only on strong evidence, so one-liners do not flip-flop."""
    if article.code == "und":
        return detect_language(paragraph)
    inherited = LanguageGuess(code=article.code, probability=article.probability, method="article")
    if len(paragraph.strip()) < PARAGRAPH_MIN_CHARS or not is_prose(paragraph):
        return inherited
    if written_in(paragraph, article.code):
        return LanguageGuess(code=article.code, probability=article.probability, method="stopwords")
    scores = langdetect_scores(sample(paragraph, FIRST_LOOK_CHARS))
    confirmed = scores.get(article.code, 0.0)
    if confirmed >= PARAGRAPH_CONFIRM_PROBABILITY or (scores and max(scores, key=scores.__getitem__) == article.code
                                                        and confirmed >= PARAGRAPH_KEEP_PROBABILITY):
        return LanguageGuess(code=article.code, probability=round(confirmed, 6), method="langdetect")
    guess = detect_language(paragraph, declared=article.code)
    if guess.code not in (article.code, "und") and guess.probability >= PARAGRAPH_SWITCH_PROBABILITY:
        return guess
    if guess.code == article.code and guess.method != "declared":
        return guess
    return inherited


def detect_paragraph_languages(paragraphs: Sequence[str], article: LanguageGuess) -> list[LanguageGuess]:
    return [paragraph_language(paragraph, article) for paragraph in paragraphs]
