"""Language identification: clear sentences, undecidable input, determinism, the declared prior, paragraphs."""

from __future__ import annotations

import pytest

from transforms.enrich.language import (
    MAX_CHARS,
    detect_language,
    detect_paragraph_languages,
    is_prose,
    normalise_code,
    sample,
)
from transforms.enrich.language_detectors import langdetect_scores
from transforms.models import LanguageGuess

SENTENCES = {
    "en": "The government announced on Tuesday that it would raise taxes on large companies next year.",
    "de": "Die Bundesregierung hat am Dienstag angekündigt, die Steuern für große Unternehmen zu erhöhen.",
    "fr": "Le gouvernement a annoncé mardi qu'il augmenterait les impôts des grandes entreprises l'an prochain.",
    "ru": "Правительство во вторник объявило, что в следующем году повысит налоги для крупных компаний.",
    "zh": "政府星期二宣布，明年将提高大公司的税收，以弥补预算赤字。",
}
METHODS = {"lingua", "langdetect", "lingua+langdetect", "ensemble", "declared"}
ENGLISH_PARAGRAPH = (
    "The central bank kept interest rates unchanged on Thursday, saying inflation had eased but remained "
    "above its target, and signalled that cuts were unlikely before the summer."
)
GERMAN_PARAGRAPH = (
    "Die Zentralbank hat die Leitzinsen am Donnerstag unverändert gelassen. Die Inflation sei zwar "
    "gesunken, liege aber weiterhin über dem Zielwert, hieß es in der Mitteilung."
)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_clear_sentences_are_identified(code: str) -> None:
    guess = detect_language(SENTENCES[code])
    assert guess.code == code
    assert guess.probability > 0.5
    assert guess.method in METHODS


@pytest.mark.parametrize("text", ["", "   ", "12345 678", "2024-10-29 14:00", "!!! ??? ...", "😀🎉👍", "ok", "ab"])
def test_undecidable_text_is_und_without_exception(text: str) -> None:
    assert detect_language(text) == LanguageGuess(code="und", probability=0.0, method="none")


def test_single_short_word_is_und_rather_than_a_guess() -> None:
    assert detect_language("hello").code == "und"


@pytest.mark.parametrize(("text", "allowed"), [("Guten Morgen", {"de", "und"}), ("Bonjour", {"fr", "und"})])
def test_short_text_gets_a_sensible_answer_or_und(text: str, allowed: set[str]) -> None:
    assert detect_language(text).code in allowed


def test_chinese_is_plain_zh_never_a_script_variant() -> None:
    assert detect_language("著痛").code == "zh"
    assert detect_language("中").code == "zh"  # one ideograph is a word: decidable by its script
    assert not any("-" in code for code in langdetect_scores(SENTENCES["zh"]))


def test_langdetect_norwegian_is_evidence_for_both_standards() -> None:
    scores = langdetect_scores("Regjeringen la fram statsbudsjettet for neste år på mandag ettermiddag.")
    assert "no" not in scores
    assert scores.get("nb") == scores.get("nn") and scores["nb"] > 0.5


def test_same_input_gives_the_same_answer() -> None:
    text = "Ciao a tutti, oggi parliamo di calcio e di politica."
    assert detect_language(text) == detect_language(text)
    assert langdetect_scores(text) == langdetect_scores(text)


def test_declared_language_decides_ambiguous_text() -> None:
    assert detect_language("Hotel Taxi", "de") == LanguageGuess(
        code="de", probability=detect_language("Hotel Taxi", "de").probability, method="declared"
    )
    assert detect_language("Hotel Taxi", "en-GB").code == "en"


def test_declared_language_does_not_override_clear_text() -> None:
    guess = detect_language(SENTENCES["de"], "fr")
    assert guess.code == "de"
    assert guess.method != "declared"


def test_declared_language_is_the_answer_when_text_has_no_evidence() -> None:
    assert detect_language("12:45", "pt-BR") == LanguageGuess(code="pt", probability=0.5, method="declared")
    assert detect_language("12:45", "xx-unknown").code == "und"


@pytest.mark.parametrize(
    ("declared", "code"), [("en-GB", "en"), ("EN_us", "en"), ("zh-Hant", "zh"), ("no", "nb"), ("", None), ("xx", None)]
)
def test_declared_codes_are_normalised(declared: str, code: str | None) -> None:
    assert normalise_code(declared) == code


def test_long_text_is_sampled_at_a_word_boundary() -> None:
    text = " ".join([SENTENCES["en"]] * 200)
    cut = sample(text)
    assert len(cut) <= MAX_CHARS
    assert text.startswith(cut) and text[len(cut)] == " "
    assert detect_language(text).code == "en"


def test_short_paragraphs_inherit_the_article_language() -> None:
    article = LanguageGuess(code="de", probability=0.99, method="lingua+langdetect")
    result = detect_paragraph_languages(["Photo: Reuters", "Read more", GERMAN_PARAGRAPH, "OK"], article)
    assert [g.code for g in result] == ["de", "de", "de", "de"]
    assert result[0].method == "article"
    assert result[0].probability == 0.99


def test_long_paragraph_in_another_language_switches() -> None:
    article = LanguageGuess(code="de", probability=0.99, method="lingua+langdetect")
    result = detect_paragraph_languages([GERMAN_PARAGRAPH, ENGLISH_PARAGRAPH], article)
    assert [g.code for g in result] == ["de", "en"]
    assert result[1].probability >= 0.9


def test_paragraphs_of_an_undetermined_article_are_detected_on_their_own() -> None:
    undetermined = LanguageGuess(code="und", probability=0.0, method="none")
    result = detect_paragraph_languages([ENGLISH_PARAGRAPH, "42", ""], undetermined)
    assert [g.code for g in result] == ["en", "und", "und"]


def test_a_list_of_names_is_not_prose_and_keeps_the_article_language() -> None:
    names = (
        "Giovanni Rossi (Milano), Marco Bianchi (Torino), Luca Ferrari (Napoli), Paolo Esposito (Roma), Andrea Romano"
    )
    assert not is_prose(names)
    assert is_prose(GERMAN_PARAGRAPH)  # capitalised nouns are not names
    article = LanguageGuess(code="en", probability=0.99, method="lingua+langdetect")
    assert detect_paragraph_languages([names], article)[0].method == "article"


def test_a_paragraph_in_the_article_language_is_confirmed() -> None:
    article = LanguageGuess(code="en", probability=0.99, method="lingua+langdetect")
    guess = detect_paragraph_languages([ENGLISH_PARAGRAPH], article)[0]
    assert guess.code == "en"
    assert guess.method in {"stopwords", "langdetect", "lingua+langdetect"}


def test_stop_word_gate_confirms_own_language_and_not_another() -> None:
    from transforms.enrich.language import written_in

    assert written_in(ENGLISH_PARAGRAPH, "en") and written_in(GERMAN_PARAGRAPH, "de")
    assert not written_in(GERMAN_PARAGRAPH, "en") and not written_in(ENGLISH_PARAGRAPH, "de")
    assert not written_in(ENGLISH_PARAGRAPH, "xx")  # no list: the detectors decide


def test_quick_look_decides_long_clear_text_and_defers_on_a_declared_mismatch() -> None:
    long_english = " ".join([ENGLISH_PARAGRAPH] * 4)
    assert detect_language(long_english).method == "langdetect"
    assert detect_language(long_english, declared="de").method != "langdetect"
    assert detect_language(long_english, declared="de").code == "en"  # deferred to both detectors, still English


def test_a_short_clear_article_is_settled_by_the_quick_look_a_sentence_is_not() -> None:
    from transforms.enrich.article import detect_languages
    from transforms.models import Origin, SegmentedArticle

    brief = (ENGLISH_PARAGRAPH + " " + ENGLISH_PARAGRAPH)[:320]
    assert 200 < len(brief) <= 500
    article = SegmentedArticle.model_construct(body=brief, declared_language=None, paragraphs=[],
                                               origin=Origin(path="brief.txt"))
    assert detect_languages(article)[0].method == "langdetect"  # the article path: langdetect alone when certain
    assert detect_language(brief).method != "langdetect"  # the sentence path: both detectors decide
    assert detect_language(brief).method == "lingua+langdetect" and detect_language(brief).code == "en"
