"""The NER models of the covered languages, as one object the enrich stage is handed instead of a bare pipeline.

Each model is loaded the first time an article of its language asks for it, then kept for the process (the
pipelines themselves are cached in ``entities_recognise``, so every ``NerModels`` of a process shares them): an
English-only corpus never pays the French model's load (3.8 s and +236 MiB of RSS in a process that
has the English model: 151 → 387 MiB).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from spacy.language import Language

from transforms.enrich.entities_languages import NER_LANGUAGES, NerLanguage, base_language, models_label
from transforms.enrich.entities_recognise import load_pipeline


def load_language(spec: NerLanguage) -> Language:
    return load_pipeline(spec.module, spec.exclude)


class NerModels:
    """Which languages have a model, and that model on demand: ``for_language("fr")`` loads French once."""

    def __init__(self, languages: Mapping[str, NerLanguage] = NER_LANGUAGES,
                 load: Callable[[NerLanguage], Language] = load_language) -> None:
        self.languages = dict(languages)
        self.load = load
        self.pipelines: dict[str, Language] = {}

    def language(self, code: str | None) -> NerLanguage | None:
        """The covered language of a code ('fr', 'fr-CA', 'FR'), or None for any other."""
        return self.languages.get(base_language(code))

    def for_language(self, code: str | None) -> Language | None:
        """The language's pipeline, loaded on first use; None when no model covers the language."""
        spec = self.language(code)
        if spec is None:
            return None
        if spec.code not in self.pipelines:
            self.pipelines[spec.code] = self.load(spec)
        return self.pipelines[spec.code]

    def loaded(self) -> list[str]:
        """Codes of the languages whose model this object has loaded so far."""
        return sorted(self.pipelines)

    def label(self) -> str:
        return models_label(list(self.languages.values()))


_DEFAULT = NerModels()


def ner_models() -> NerModels:
    """The process's models: every caller of a process shares the loads."""
    return _DEFAULT


__all__ = ["NerModels", "load_language", "ner_models"]
