"""The enrich stage: language, named entities and date mentions added to segmented articles.

It works on a batch because spaCy is several times faster over ``nlp.pipe`` than article by article; one bad
article still only rejects itself (the batch falls back to one article at a time).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from transforms.enrich.dates import find_date_mentions
from transforms.enrich.entities import UNSUPPORTED_LANGUAGE, NerModels, analyse_texts
from transforms.enrich.language import ARTICLE_QUICK_LOOK_FROM, detect_language, detect_paragraph_languages
from transforms.errors import RejectedArticle
from transforms.models import EnrichedArticle, Entity, LanguageGuess, Lineage, SegmentedArticle


def detect_languages(article: SegmentedArticle) -> tuple[LanguageGuess, list[LanguageGuess]]:
    language = detect_language(article.body, article.declared_language, quick_from=ARTICLE_QUICK_LOOK_FROM)
    paragraphs = [article.body[p.start : p.end] for p in article.paragraphs]
    return language, detect_paragraph_languages(paragraphs, language)


EntityResult = tuple[list[Entity], str, dict[str, int]]


def entity_results(
    articles: Sequence[SegmentedArticle], languages: Sequence[LanguageGuess], models: NerModels
) -> list[EntityResult]:
    """Articles go through the model of their language, one ``nlp.pipe`` per language of the batch, and come back
    in input order; an article in a language no model covers is ``unsupported_language``, and no model is
    loaded for a language the batch does not have. Each result carries the per-rule type-correction counts."""
    results: list[EntityResult] = [([], UNSUPPORTED_LANGUAGE, {}) for _ in languages]
    by_language: dict[str, list[int]] = {}
    for i, lang in enumerate(languages):
        spec = models.language(lang.code)
        if spec is not None:
            by_language.setdefault(spec.code, []).append(i)
    for code, indices in by_language.items():
        spec, nlp = models.language(code), models.for_language(code)
        if spec is None or nlp is None:  # not so: every code of by_language is covered
            continue
        texts = [articles[i].body for i in indices]
        for i, found in zip(indices, analyse_texts(texts, spec, nlp), strict=True):
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
    articles: Sequence[SegmentedArticle], models: NerModels, lineage: Lineage
) -> Iterator[EnrichedArticle | RejectedArticle]:
    """One result per input, in order: the enriched article or the reason it was rejected."""
    try:
        languages = [detect_languages(a) for a in articles]
        entities = entity_results(articles, [lang for lang, _ in languages], models)
    except Exception:
        if len(articles) > 1:  # find the one article that breaks the batch
            for article in articles:
                yield from enrich_batch([article], models, lineage)
            return
        raise
    for article, language, found in zip(articles, languages, entities, strict=True):
        try:
            yield assemble(article, language, found, lineage)
        except RejectedArticle as exc:
            yield exc
        except Exception as exc:  # a bug in one rule must not stop the run: dead-letter with the error
            yield RejectedArticle("enrich", "enrich_error", f"{type(exc).__name__}: {exc}")
