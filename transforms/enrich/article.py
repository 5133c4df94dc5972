"""The enrich stage: language, named entities and date mentions added to segmented articles.

It works on a batch because spaCy is several times faster over ``nlp.pipe`` than article by article; one bad
article still only rejects itself (the batch falls back to one article at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.language import Language

from transforms.enrich.dates import find_date_mentions
from transforms.enrich.entities import COVERED_LANGUAGES, analyse, model_label, recognise
from transforms.enrich.language import ARTICLE_QUICK_LOOK_FROM, detect_language, detect_paragraph_languages
from transforms.errors import RejectedArticle
from transforms.models import EnrichedArticle, Entity, LanguageGuess, Lineage, SegmentedArticle


def detect_languages(article: SegmentedArticle) -> tuple[LanguageGuess, list[LanguageGuess]]:
    language = detect_language(article.body, article.declared_language, quick_from=ARTICLE_QUICK_LOOK_FROM)
    paragraphs = [article.body[p.start : p.end] for p in article.paragraphs]
    return language, detect_paragraph_languages(paragraphs, language)


EntityResult = tuple[list[Entity], str, dict[str, int]]


def entity_results(
    articles: Sequence[SegmentedArticle], languages: Sequence[LanguageGuess], nlp: Language
) -> list[EntityResult]:
    """Only articles in a language the model covers go through NER; the others say why they have none.
    Each result carries the per-rule type-correction counts, which the run report sums."""
    covered = [i for i, lang in enumerate(languages) if lang.code in COVERED_LANGUAGES]
    results: list[EntityResult] = [
        ([], f"skipped: language {lang.code} not covered by the model {model_label()}", {}) for lang in languages
    ]
    texts = [articles[i].body for i in covered]
    for i, mentions in zip(covered, recognise(texts, nlp), strict=True):
        found = analyse(mentions, articles[i].body)
        results[i] = (found.entities, "ok", dict(found.corrections))
    return results


def assemble(
    article: SegmentedArticle,
    languages: tuple[LanguageGuess, list[LanguageGuess]],
    entities: EntityResult,
    lineage: Lineage,
) -> EnrichedArticle:
    mentions = find_date_mentions(article.body, article.published_at)
    return EnrichedArticle(
        **article.model_dump(),
        language=languages[0],
        paragraph_languages=languages[1],
        entities=entities[0],
        entities_status=entities[1],
        entity_corrections=entities[2],
        date_mentions=mentions,
        lineage=lineage,
    )


def enrich_batch(
    articles: Sequence[SegmentedArticle], nlp: Language, lineage: Lineage
) -> Iterator[EnrichedArticle | RejectedArticle]:
    """One result per input, in order: the enriched article or the reason it was rejected."""
    try:
        languages = [detect_languages(a) for a in articles]
        entities = entity_results(articles, [lang for lang, _ in languages], nlp)
    except Exception:
        if len(articles) > 1:  # find the one article that breaks the batch
            for article in articles:
                yield from enrich_batch([article], nlp, lineage)
            return
        raise
    for article, language, found in zip(articles, languages, entities, strict=True):
        try:
            yield assemble(article, language, found, lineage)
        except RejectedArticle as exc:
            yield exc
        except Exception as exc:  # a bug in one rule must not stop the run: dead-letter with the error
            yield RejectedArticle("enrich", "enrich_error", f"{type(exc).__name__}: {exc}")
