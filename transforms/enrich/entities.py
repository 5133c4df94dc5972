"""Named entities of an article: the spaCy model of its language, then in-article canonicalisation.

Recognition (``entities_recognise``), the covered languages and their rules (``entities_languages``), the models
(``entities_models``) and folding (``entities_canon``) live in their own modules; this one is the stage's entry
point and decides which articles a model may see at all: English and French. Every other language (Spanish too:
no Spanish model is installable here) gets no entities and the status ``unsupported_language``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from spacy.language import Language

from transforms.enrich.entities_canon import LABEL_TO_TYPE, ArticleEntities, analyse, canonicalise, clean_mention
from transforms.enrich.entities_french import adapt_french
from transforms.enrich.entities_languages import (
    COVERED_LANGUAGES,
    NER_LANGUAGES,
    UNSUPPORTED_LANGUAGE,
    NerLanguage,
    base_language,
)
from transforms.enrich.entities_models import NerModels, ner_models
from transforms.enrich.entities_recognise import (
    MODEL_NAME,
    MODEL_PACKAGE,
    MODEL_VERSION,
    Mention,
    load_ner_model,
    model_label,
    recognise,
    split_chunks,
)
from transforms.errors import RejectedArticle
from transforms.models import Entity


def keep_mentions(mentions: list[Mention], text: str) -> list[Mention]:
    """English mentions are already in OntoNotes labels and need no adapting."""
    return mentions


# Each covered language's raw model mentions → mentions in OntoNotes labels, which every rule reads.
ADAPTERS: dict[str, Callable[[list[Mention], str], list[Mention]]] = {"en": keep_mentions, "fr": adapt_french}


def entities_for(text: str, language: str, models: NerModels) -> tuple[list[Entity], str]:
    """Entities of one article and a status: 'ok', or 'unsupported_language' when no model covers its language."""
    if not isinstance(text, str):
        raise RejectedArticle("enrich", "invalid_text", f"entity text must be str, not {type(text).__name__}")
    spec, nlp = models.language(language), models.for_language(language)
    if spec is None or nlp is None:
        return [], UNSUPPORTED_LANGUAGE
    [found] = list(analyse_texts([text], spec, nlp))
    return found.entities, "ok"


def analyse_texts(texts: Sequence[str], spec: NerLanguage, nlp: Language) -> Iterator[ArticleEntities]:
    """One result per text of one language, in order: the model over all of them (``nlp.pipe``), then the
    language's label adapter and the rules it runs."""
    mentions = recognise(texts, nlp, split_possessives=spec.rules.inner_possessives)
    for text, found in zip(texts, mentions, strict=True):
        yield analyse(ADAPTERS[spec.code](found, text), text, spec.rules)


__all__ = [
    "ADAPTERS",
    "COVERED_LANGUAGES",
    "LABEL_TO_TYPE",
    "MODEL_NAME",
    "MODEL_PACKAGE",
    "MODEL_VERSION",
    "NER_LANGUAGES",
    "UNSUPPORTED_LANGUAGE",
    "Mention",
    "NerModels",
    "analyse",
    "analyse_texts",
    "base_language",
    "canonicalise",
    "clean_mention",
    "entities_for",
    "load_ner_model",
    "model_label",
    "ner_models",
    "recognise",
    "split_chunks",
]
