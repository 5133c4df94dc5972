"""The newsindex-analysis stable plugin on the real node: every component, by its analysis-common name.

Expected tokens are what analysis-common gives for the same input (the plugin wraps the same Lucene
classes), so an index template that passes here behaves the same on a full Elasticsearch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

pytestmark = pytest.mark.integration


def tokens(es: Elasticsearch, text: str, index: str | None = None, **spec: Any) -> list[str]:
    """Terms produced by `_analyze` (spec: analyzer=…, or tokenizer=… and filter=[…], or field=…)."""
    return [t["token"] for t in es.indices.analyze(index=index, text=text, **spec)["tokens"]]


def filtered(es: Elasticsearch, text: str, *filters: Any, tokenizer: str = "standard") -> list[str]:
    return tokens(es, text, tokenizer=tokenizer, filter=list(filters))


@pytest.fixture
def scratch_index(es: Elasticsearch) -> Iterator[str]:
    name = f"test-analysis-{uuid.uuid4().hex[:10]}"
    yield name
    es.options(ignore_status=404).indices.delete(index=name)


def test_plugin_is_loaded(es: Elasticsearch) -> None:
    names = {row["component"] for row in es.cat.plugins(format="json")}
    assert "newsindex-analysis" in names


@pytest.mark.parametrize(
    ("analyzer", "text", "expected"),
    [
        # "were" is not in Lucene's English stop set; "the" is.
        ("english", "The troops were running", ["troop", "were", "run"]),
        ("english", "John's houses", ["john", "hous"]),  # possessive removed before stemming
        ("german", "Die Häuser der Städte", ["haus", "stadt"]),
        ("french", "Les chevaux de l'armée couraient", ["cheval", "arme", "couraient"]),
        ("spanish", "Los niños corrían rápidamente", ["niñ", "corrian", "rapidament"]),
        ("italian", "I bambini correvano velocemente", ["bambin", "correvan", "velocement"]),
        ("dutch", "De kinderen liepen naar huizen", ["kinder", "liep", "huiz"]),
        ("portuguese", "As crianças corriam rapidamente", ["crianc", "corriam", "rapid"]),
        ("russian", "Дети бежали быстро в школы", ["дет", "бежа", "быстр", "школ"]),
    ],
)
def test_language_analyzers(es: Elasticsearch, analyzer: str, text: str, expected: list[str]) -> None:
    assert tokens(es, text, analyzer=analyzer) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("english", "running ponies", ["run", "poni"]),
        ("porter", "running ponies", ["run", "poni"]),
        ("light_english", "running ponies", ["running", "pony"]),
        ("minimal_english", "running ponies", ["running", "pony"]),
        ("possessive_english", "John's ponies", ["john", "ponies"]),
        ("porter2", "generously", ["generous"]),
        ("german", "Häuser Katzen", ["haus", "katz"]),
        ("light_german", "Häuser Katzen", ["haus", "katz"]),
        ("minimal_german", "Häuser", ["haus"]),
        ("french", "chevaux continuellement", ["cheval", "continuel"]),
        ("light_french", "chevaux continuellement", ["cheval", "continuel"]),
        ("minimal_french", "chevaux", ["cheval"]),
        ("spanish", "niños corriendo", ["niñ", "corr"]),
        ("light_spanish", "niños corriendo", ["niñ", "corriend"]),
        ("italian", "bambini velocemente", ["bambin", "veloc"]),
        ("light_italian", "bambini velocemente", ["bambin", "velocement"]),
        ("dutch", "kinderen lopen", ["kinder", "lop"]),
        ("portuguese", "crianças rapidamente", ["crianc", "rapid"]),
        ("light_portuguese", "crianças rapidamente", ["crianc", "rapid"]),
        ("russian", "школы бежали", ["школ", "бежа"]),
        ("light_russian", "школы бежали", ["школ", "бежал"]),
    ],
)
def test_stemmer_languages(es: Elasticsearch, language: str, text: str, expected: list[str]) -> None:
    assert filtered(es, text, "lowercase", {"type": "stemmer", "language": language}) == expected


def test_stemmer_defaults_to_porter_and_rejects_unknown_language(es: Elasticsearch) -> None:
    assert filtered(es, "running", "stemmer") == ["run"]
    with pytest.raises(BadRequestError) as err:
        filtered(es, "x", {"type": "stemmer", "language": "klingon"})
    assert "unsupported stemmer language [klingon]" in str(err.value.body)  # the cause is nested in the body


def test_porter_stem(es: Elasticsearch) -> None:
    assert filtered(es, "Running troops generalizations", "lowercase", "porter_stem") == [
        "run",
        "troop",
        "gener",
    ]


def test_asciifolding(es: Elasticsearch) -> None:
    assert filtered(es, "Café Ñandú", "lowercase", "asciifolding") == ["cafe", "nandu"]
    assert filtered(es, "café", {"type": "asciifolding", "preserve_original": True}) == ["cafe", "café"]


def test_uax_url_email_keeps_addresses_and_urls_whole(es: Elasticsearch) -> None:
    text = "Mail john.doe@example.com or see https://example.com/a?b=1 now"
    assert tokens(es, text, tokenizer="uax_url_email") == [
        "Mail",
        "john.doe@example.com",
        "or",
        "see",
        "https://example.com/a?b=1",
        "now",
    ]
    short = {"type": "uax_url_email", "max_token_length": 5}
    assert tokens(es, "abcdefgh", tokenizer=short) == ["abcde", "fgh"]


def test_pattern_capture(es: Elasticsearch) -> None:
    split_email = {"type": "pattern_capture", "patterns": ["([^@]+)", "(\\p{L}+)"]}
    assert filtered(es, "john.doe@example.com", split_email, tokenizer="whitespace") == [
        "john.doe@example.com",
        "john.doe",
        "john",
        "doe",
        "example.com",
        "example",
        "com",
    ]
    words_only = {"type": "pattern_capture", "patterns": ["(\\p{L}+)"], "preserve_original": False}
    assert filtered(es, "john.doe@example.com", words_only, tokenizer="whitespace") == [
        "john",
        "doe",
        "example",
        "com",
    ]


def test_unique(es: Elasticsearch) -> None:
    assert filtered(es, "a b a c b", "unique", tokenizer="whitespace") == ["a", "b", "c"]
    # pattern_capture stacks "foo" twice on position 0; the last "foo" sits on position 1.
    doubled = {"type": "pattern_capture", "patterns": ["(foo)"]}
    same_position = {"type": "unique", "only_on_same_position": True}
    assert filtered(es, "foo-foo foo", doubled, same_position, tokenizer="whitespace") == [
        "foo-foo",
        "foo",
        "foo",
    ]
    assert filtered(es, "foo-foo foo", doubled, "unique", tokenizer="whitespace") == ["foo-foo", "foo"]


def test_elision(es: Elasticsearch) -> None:
    assert filtered(es, "l'avion d'Air", "elision") == ["avion", "Air"]
    custom = {"type": "elision", "articles": ["l"], "articles_case": True}
    assert filtered(es, "L'avion d'Air", custom, tokenizer="whitespace") == ["avion", "d'Air"]


def test_whitespace_and_keyword_tokenizers(es: Elasticsearch) -> None:
    assert tokens(es, "São  Paulo-SP", tokenizer="whitespace") == ["São", "Paulo-SP"]
    assert filtered(es, "São Paulo", "lowercase", "asciifolding", tokenizer="keyword") == ["sao paulo"]


def test_index_settings_and_mapping_use_the_components(es: Elasticsearch, scratch_index: str) -> None:
    """The path a template takes: named filters with settings, analyzer settings, analyzers in mappings."""
    analysis = {
        "filter": {"light_en": {"type": "stemmer", "language": "light_english"}},
        "analyzer": {
            "de_all_words": {"type": "german", "stopwords": "_none_"},
            "en_custom_stops": {"type": "english", "stopwords": ["troops"], "stem_exclusion": ["running"]},
            "folded": {
                "type": "custom",
                "tokenizer": "uax_url_email",
                "filter": ["lowercase", "asciifolding", "light_en"],
            },
        },
    }
    mappings = {
        "properties": {
            "en": {"type": "text", "analyzer": "english"},
            "f": {"type": "text", "analyzer": "folded"},
        }
    }
    es.indices.create(index=scratch_index, settings={"number_of_replicas": 0, "analysis": analysis}, mappings=mappings)
    assert tokens(es, "Die Häuser", index=scratch_index, analyzer="de_all_words") == ["die", "haus"]
    assert tokens(es, "The troops were running", index=scratch_index, analyzer="en_custom_stops") == [
        "the",
        "were",
        "running",
    ]
    assert tokens(es, "Cafés at x@y.org", index=scratch_index, field="f") == ["cafe", "at", "x@y.org"]
    es.index(index=scratch_index, document={"en": "The troops were running", "f": "Cafés"}, refresh=True)
    query = {"bool": {"must": [{"match": {"en": "troop run"}}, {"match": {"f": "cafe"}}]}}
    assert es.search(index=scratch_index, query=query)["hits"]["total"]["value"] == 1


def test_keyword_analyzer_replaces_a_folding_normalizer(es: Elasticsearch, scratch_index: str) -> None:
    """Elasticsearch 8.19 refuses stable-plugin filters in keyword normalizers (they are not
    NormalizingTokenFilterFactory): a folding normalizer works on a full node only, so templates use a
    keyword-tokenizer analyzer instead; query_string's wildcard terms go through the filters' normalize()."""
    normalizer = {"type": "custom", "filter": ["lowercase", "asciifolding"]}
    with pytest.raises(BadRequestError, match="may not use filter"):
        es.indices.create(index=scratch_index, settings={"analysis": {"normalizer": {"folded": normalizer}}})
    analyzer = {"type": "custom", "tokenizer": "keyword", "filter": ["lowercase", "asciifolding"]}
    settings = {"number_of_replicas": 0, "analysis": {"analyzer": {"exact_folded": analyzer}}}
    mappings = {"properties": {"city": {"type": "text", "analyzer": "exact_folded"}}}
    es.indices.create(index=scratch_index, settings=settings, mappings=mappings)
    es.index(index=scratch_index, document={"city": "São Paulo"}, refresh=True)
    prefix = {"query_string": {"query": "SÃO*", "default_field": "city"}}  # normalized by the analyzer
    for query in ({"match": {"city": "SAO PAULO"}}, prefix):
        assert es.search(index=scratch_index, query=query)["hits"]["total"]["value"] == 1, query


def test_api_key_creation_needs_security_index_analysis(es: Elasticsearch) -> None:
    """The .security index maps fields with uax_url_email, pattern_capture and unique."""
    name = f"test-analysis-{uuid.uuid4().hex[:10]}"
    roles = {"reader": {"indices": [{"names": ["articles*"], "privileges": ["read"]}]}}
    created = es.security.create_api_key(name=name, role_descriptors=roles)
    try:
        assert created["name"] == name and created["api_key"]
        found = es.security.get_api_key(name=name)["api_keys"]
        assert [key["name"] for key in found] == [name]
    finally:
        es.security.invalidate_api_key(ids=[created["id"]])
