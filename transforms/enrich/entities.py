"""Named entities of an article: spaCy's small English model, then in-article canonicalisation.

Recognition (``entities_recognise``) and folding (``entities_canon``) live in their own modules; this
one is the stage's entry point and decides which articles the model may see at all.
"""

from __future__ import annotations

from spacy.language import Language

from transforms.enrich.entities_canon import LABEL_TO_TYPE, analyse, canonicalise, clean_mention
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

# The model is trained on English only; on other languages it tags capitalised words at random.
COVERED_LANGUAGES = frozenset({"en"})


def entities_for(text: str, language: str, nlp: Language) -> tuple[list[Entity], str]:
    """Entities of one article and a status: 'ok', or why the article got none."""
    if not isinstance(text, str):
        raise RejectedArticle("enrich", "invalid_text", f"entity text must be str, not {type(text).__name__}")
    code = _base_language(language)
    if code not in COVERED_LANGUAGES:
        return [], f"skipped: language {code} not covered by the model {model_label()}"
    mentions = next(recognise([text], nlp))
    return canonicalise(mentions, text), "ok"


def _base_language(language: str | None) -> str:
    """'en-GB', 'EN' and 'en_US' are all English; a missing code is 'und'."""
    if not language:
        return "und"
    return language.replace("_", "-").split("-")[0].strip().lower() or "und"


__all__ = [
    "COVERED_LANGUAGES",
    "LABEL_TO_TYPE",
    "MODEL_NAME",
    "MODEL_PACKAGE",
    "MODEL_VERSION",
    "Mention",
    "analyse",
    "canonicalise",
    "clean_mention",
    "entities_for",
    "load_ner_model",
    "model_label",
    "recognise",
    "split_chunks",
]
