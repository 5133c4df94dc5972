"""The per-article contract's pure parts: strings every record holds are encodable, the ledger's counts follow one
status per input, and a copy fills what the kept document lacks without overwriting what it has."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from flows.ingest.classify import Copy
from flows.ingest.report import Ledger, RunReport
from flows.ingest.writes import merged_fields
from transforms.errors import Failure
from transforms.models import Origin, RawArticle, encodable


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)))
def test_every_string_becomes_encodable_and_valid_text_is_kept(text: str) -> None:
    repaired = encodable(text)
    repaired.encode("utf-8")
    assert encodable(repaired) == repaired
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert repaired == text


def test_models_repair_surrogates_in_nested_fields() -> None:
    raw = RawArticle(origin=Origin(path="a\udce9.txt"), format="json", content="ok \ud83d\ude00",
                     title="half \ud83d", authors=["x\udc80"], notes=["n\ud800"])
    assert raw.content == "ok \U0001f600"
    for value in (raw.origin.path, raw.title, *raw.authors, *raw.notes):
        assert value is not None
        value.encode("utf-8")
        assert "\ufffd" in value


def report() -> RunReport:
    return RunReport(run_id="r", index="i", pipeline_version="v", paths=[])


def test_ledger_counts_follow_the_last_status_of_each_input() -> None:
    ledger = Ledger(rep := report())
    ledger.read(["a", "b", "c", "a"])
    assert rep.inputs == 3 and not rep.accounted and ledger.unsettled() == ["a", "b", "c"]
    ledger.settle("a", "indexed")
    ledger.settle("b", Failure(origin=Origin(path="b"), stage="clean", reason="empty_body"))
    ledger.settle("c", "indexed")
    ledger.settle("a", "duplicate")  # a later input took over a's URL
    assert (rep.indexed, rep.duplicate, rep.dead_lettered) == (1, 1, 1)
    assert rep.dead_letter_reasons == {"clean/empty_body": 1} and rep.accounted
    ledger.settle("b", "indexed")
    assert rep.dead_letter_reasons == {} and rep.indexed == 2 and rep.accounted


def test_copy_fills_missing_fields_and_keeps_present_ones() -> None:
    current = {"url": None, "source": "Kept Source", "authors": [], "published_at": None, "title": "Kept"}
    published = datetime(2024, 3, 7, 9, tzinfo=UTC)
    copies = [Copy("feed.jsonl:1", url="https://example.org/a", source="Other", published_at=published,
                   published_at_source="metadata", authors=("Ann Lee",), title="Other title"),
              Copy("feed.jsonl:2", url="https://example.org/b")]
    update = merged_fields(current, copies, {"feed.jsonl:1": "h1"})
    assert update["url"] == "https://example.org/a"
    assert "source" not in update and "title" not in update
    assert update["authors"] == ["Ann Lee"] and update["published_at"].startswith("2024-03-07")
    assert update["duplicates"]["urls"] == ["https://example.org/b"]
    assert update["duplicates"]["count"] == 2 and update["duplicates"]["inputs"] == ["feed.jsonl:1|h1"]


def test_nothing_to_merge_is_no_update() -> None:
    current = {"url": "https://example.org/a", "duplicates": {"paths": ["x"], "urls": [], "count": 1, "inputs": []}}
    assert merged_fields(current, [Copy("x")], {}) == {}
