"""The recogniser with the real (pinned, local) model: chunking offsets, language gate, seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from transforms.enrich import entities_recognise
from transforms.enrich.entities import NerModels, entities_for, load_ner_model, ner_models, recognise, split_chunks
from transforms.errors import RejectedArticle

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NEWS = "Angela Merkel met Emmanuel Macron in Paris on Monday. Later, Merkel flew to Berlin."


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_ner_model()


@pytest.fixture(scope="module")
def models() -> NerModels:
    return ner_models()


def test_model_is_loaded_once_with_only_tok2vec_and_ner(nlp: Language, models: NerModels) -> None:
    assert load_ner_model() is nlp and models.for_language("en") is nlp
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert nlp.max_length >= 2_000_000


def test_split_chunks_cuts_at_paragraphs_and_covers_the_text() -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * (i % 7 + 3) for i in range(200))
    chunks = split_chunks(text, bound=300)
    assert "".join(chunk for _, chunk in chunks) == text
    assert all(len(chunk) <= 300 for _, chunk in chunks)
    assert all(chunk.endswith("\n\n") for _, chunk in chunks[:-1])
    assert all(text[offset : offset + len(chunk)] == chunk for offset, chunk in chunks)


def test_split_chunks_hard_cuts_a_text_without_separators() -> None:
    chunks = split_chunks("x" * 1000, bound=300)
    assert [len(chunk) for _, chunk in chunks] == [300, 300, 300, 100]


def test_recognise_yields_one_list_per_text_in_order(nlp: Language) -> None:
    results = list(recognise(["", NEWS, "no names here at all."], nlp, batch_size=2))
    assert len(results) == 3
    assert results[0] == [] and results[2] == []
    assert {m.text for m in results[1]} >= {"Angela Merkel", "Paris", "Berlin"}
    assert all(NEWS[m.start : m.end] == m.text for m in results[1])


def test_chunked_text_keeps_offsets(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities_recognise, "CHUNK_CHARS", 500)
    text = "\n\n".join([NEWS] * 40)
    (mentions,) = recognise([text], nlp)
    assert all(text[m.start : m.end] == m.text for m in mentions)
    assert sum(m.text == "Angela Merkel" for m in mentions) == 40


def test_two_million_characters_do_not_trip_max_length(nlp: Language) -> None:
    text = NEWS + "\n\n" + "x" * 2_000_000 + "\n\n" + NEWS
    (mentions,) = recognise([text], nlp)
    merkels = [m for m in mentions if m.text == "Angela Merkel"]
    assert len(merkels) == 2
    assert merkels[1].start > 2_000_000
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_inner_possessive_is_split_into_owner_and_name(nlp: Language) -> None:
    text = "A source spoke to The Financial Times’ Gideon Rachman on Tuesday."
    (mentions,) = recognise([text], nlp)
    labels = {m.text: m.label for m in mentions}
    assert labels.get("Gideon Rachman") == "PERSON"
    assert all(text[m.start : m.end] == m.text for m in mentions)


@pytest.mark.parametrize("language", ["en", "en-GB", "EN", "en_US"])
def test_entities_for_english(models: NerModels, language: str) -> None:
    entities, status = entities_for(NEWS, language, models)
    assert status == "ok"
    names = {e.name: e for e in entities}
    assert names["Angela Merkel"].count == 2  # "Merkel" linked to the full name


@pytest.mark.parametrize("language", ["de", "es", "it", "und", ""])
def test_entities_for_other_languages_is_unsupported_language(models: NerModels, language: str) -> None:
    entities, status = entities_for("Angela Merkel traf Emmanuel Macron in Paris.", language, models)
    assert (entities, status) == ([], "unsupported_language")


def test_entities_for_rejects_non_text(models: NerModels) -> None:
    with pytest.raises(RejectedArticle) as caught:
        entities_for(b"bytes", "en", models)  # type: ignore[arg-type]
    assert caught.value.reason == "invalid_text"


SEED_EXPECTATIONS = {
    "000_20cf5afc6d247b5a.txt": {"North Korea", "Russia", "Ukraine", "Rustem Umerov"},
    "001_4a5f8fefb64a7661.txt": {"North Korea", "Russia", "Ukraine", "Kim Jong Un", "Vladimir Putin", "Charlie Dietz"},
    "002_b0deeebdd426c84d.txt": {"North Korea", "Russia", "Kim Jong Un", "Vladimir Putin", "Charlie Dietz",
                                 "Gideon Rachman"},
    "004_de4faee3b2bb2e22.txt": {"North Korea", "Russia", "Ukraine", "Kim Jong Un", "Vladimir Putin",
                                 "Lloyd Austin", "Gideon Rachman"},
}  # fmt: skip


@pytest.mark.parametrize("seed", sorted(SEED_EXPECTATIONS))
def test_seed_articles_have_each_key_entity_once(models: NerModels, seed: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    entities, status = entities_for(text, "en", models)
    names = [e.name for e in entities]
    assert status == "ok"
    for expected in SEED_EXPECTATIONS[seed]:
        assert names.count(expected) == 1, expected
    assert not any(name.endswith(("'s", "’s")) for name in names)
    short_forms = {"Putin", "Kim", "Dietz", "Rachman", "Umerov", "Austin"}
    assert not short_forms & set(names)
