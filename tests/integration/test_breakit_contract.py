"""Hostile-tester findings against the per-input contract (README "What it does" and "Running it every day").

Each test states a promise and an input or sequence of runs that breaks it; they fail while the promise is broken.
Every scenario goes through the real flow and the real node, as tests/integration/test_contract.py does.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from pydantic import ValidationError

from flows.index import deadletters
from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.report import RunReport
from flows.read import display_path
from tests.stories import OTHER, STORY, THIRD

pytestmark = [pytest.mark.integration, pytest.mark.flow]

URL = "https://example.org/terminal"
URL2 = "https://example.org/ferry-terminal"


def run(paths: list[Path | str], **options: object) -> RunReport:
    options.setdefault("workers", 0)
    report = ingest(paths=[str(p) for p in paths], options=IngestOptions(**options))  # type: ignore[arg-type]
    assert report.accounted, report.table()
    return report


def hits(es: Elasticsearch, alias: str, words: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query={"match_phrase": {"body": words}})["count"])


def docs(es: Elasticsearch, alias: str) -> list[dict]:
    es.indices.refresh(index=alias)
    return [h["_source"] for h in es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]]


def url_docs(es: Elasticsearch, alias: str, url: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query={"term": {"url": url}})["count"])


def letters(es: Elasticsearch, alias: str) -> list[str]:
    es.indices.refresh(index=deadletters.deadletter_index(alias))
    return [letter.origin.label() for letter in deadletters.list_letters(es, alias)]


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


# --- a duplicate must be a duplicate of something that is still in the index ---------------------------------


def test_copy_survives_when_its_kept_copy_changes(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                  tmp_path: Path) -> None:
    """a.txt and b.txt say the same; a.txt (kept) is then edited. b.txt still says STORY, so STORY must stay
    searchable. Now a.txt's edit deletes h(STORY) and b.txt is counted a duplicate of the deleted document."""
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY)
    run([tmp_path])
    (tmp_path / "a.txt").write_text(OTHER)
    report = run([tmp_path])
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()
    assert hits(es, alias_env, "central library") == 1
    assert run([tmp_path]).indexed == 0  # and the next run over the same files changes nothing


@pytest.mark.parametrize("batch_size", [256, 1], ids=["same-batch", "next-batch"])
def test_inputs_that_swap_text_stay_searchable(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                               tmp_path: Path, batch_size: int) -> None:
    """Two files exchange their texts: both texts are still there, so both must stay searchable. Now the run ends
    'duplicate 2, withdrawn 2, all accounted for yes' with an empty index."""
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(OTHER)
    run([tmp_path], batch_size=batch_size)
    (tmp_path / "a.txt").write_text(OTHER)
    (tmp_path / "b.txt").write_text(STORY)
    report = run([tmp_path], batch_size=batch_size)
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()
    assert hits(es, alias_env, "central library") == 1, report.table()


def test_line_inserted_at_top_of_jsonl_keeps_the_other_lines(es: Elasticsearch, prefect_harness: None,
                                                             alias_env: str, tmp_path: Path) -> None:
    """A feed gains a new first record (the usual way feeds grow): every old record moves down one line. The old
    records are still in the file; now their documents are deleted and they are counted duplicates of them."""
    feed = jsonl(tmp_path / "feed.jsonl", {"body": STORY}, {"body": OTHER})
    run([feed])
    jsonl(feed, {"body": THIRD}, {"body": STORY}, {"body": OTHER})
    report = run([feed])
    assert hits(es, alias_env, "principal conductor") == 1
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()
    assert hits(es, alias_env, "central library") == 1, report.table()


def test_prune_after_rename_keeps_the_renamed_text(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                   tmp_path: Path) -> None:
    """`mv a.txt b.txt; newsindex run --prune DIR`: b.txt is counted a duplicate of a.txt's document, which the
    prune then deletes, so the text is gone from the index while its file is there."""
    (tmp_path / "a.txt").write_text(STORY)
    run([tmp_path])
    (tmp_path / "a.txt").rename(tmp_path / "b.txt")
    report = run([tmp_path], prune=True)
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()


def test_prune_of_the_kept_original_keeps_its_copy(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                   tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY)
    run([tmp_path])
    (tmp_path / "a.txt").unlink()
    report = run([tmp_path], prune=True)
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()


# --- a bad input costs only itself --------------------------------------------------------------------------


def test_file_named_like_a_jsonl_line_label_costs_only_itself(es: Elasticsearch, prefect_harness: None,
                                                               alias_env: str, tmp_path: Path) -> None:
    """A stray unsupported file `feed.jsonl:1` has the label of line 1 of feed.jsonl: its dead letter withdraws
    that line's document and the ledger counts the two as one input (inputs 2 for 3 inputs)."""
    jsonl(tmp_path / "feed.jsonl", {"body": STORY}, {"body": OTHER})
    run([tmp_path])
    (tmp_path / "feed.jsonl:1").write_text("a note, not an article")
    report = run([tmp_path])
    assert hits(es, alias_env, "new ferry terminal") == 1, report.table()
    assert report.inputs == 3, report.table()
    assert report.dead_letter_reasons == {"read/unsupported_format": 1}


def test_non_utf8_path_argument_costs_only_itself(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                  tmp_path: Path) -> None:
    """Found: `newsindex run good/ $'caf\\xe9/' --report r.json` stopped before anything is read with
    "UnicodeEncodeError: 'utf-8' codec can't encode character '\\udce9' ... surrogates not allowed" (the paths go to
    Prefect's API as JSON), and writes no report."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(STORY)
    odd = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    odd.mkdir()
    (odd / "b.txt").write_text(OTHER)
    target = tmp_path / "report.json"
    labels = [display_path(good), display_path(odd)]  # the flow's parameters are JSON: names go as labels
    report = ingest(paths=labels, options=IngestOptions(workers=0, report_path=str(target)))
    assert (report.inputs, report.indexed) == (2, 2), report.table()
    assert target.exists()
    assert hits(es, alias_env, "central library") == 1


# --- one document per URL, the later text wins, and a re-run changes nothing ---------------------------------


def test_url_owned_by_two_inputs_settles_after_one_run(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                       tmp_path: Path) -> None:
    """a.jsonl and b.jsonl give the same URL other text, first indexed in separate runs (b later). Every run over
    both then re-indexes the URL and the text alternates between the two forever: 'indexed 1, unchanged 1'."""
    a = jsonl(tmp_path / "a.jsonl", {"url": URL, "body": STORY})
    b = jsonl(tmp_path / "b.jsonl", {"url": URL, "body": OTHER})
    run([a])
    run([b])
    run([tmp_path])
    [doc] = docs(es, alias_env)
    assert "central library" in doc["body"]  # b: later in the run's read order and the later run
    again = run([tmp_path])
    assert (again.indexed, again.unchanged, again.duplicate) == (0, 1, 1), again.table()
    [doc] = docs(es, alias_env)
    assert "central library" in doc["body"]


def test_one_document_per_url_after_a_richer_copy_lent_its_url(es: Elasticsearch, prefect_harness: None,
                                                               alias_env: str, tmp_path: Path) -> None:
    """A feed record fills the URL of a plain file's document (the richer-copy promise); when the record at that
    URL is later updated, a second document with the same URL appears (u-… beside h-…)."""
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "story.txt").write_text(STORY)
    run([plain])
    feed = jsonl(tmp_path / "feed.jsonl", {"url": URL, "body": STORY, "source": "Harbour News"})
    run([feed])
    assert url_docs(es, alias_env, URL) == 1
    jsonl(feed, {"url": URL, "body": STORY + "\nUpdated: the council confirmed the timetable.\n",
                 "source": "Harbour News"})
    run([feed])
    assert url_docs(es, alias_env, URL) == 1


def test_changed_url_replaces_the_old_one(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                          tmp_path: Path) -> None:
    """A record keeps its text but moves to a new URL: the run says 'duplicate 1' (of its own old document), the
    old URL stays and the new one is not found."""
    feed = jsonl(tmp_path / "feed.jsonl", {"url": URL, "body": STORY})
    run([feed])
    jsonl(feed, {"url": URL2, "body": STORY})
    report = run([feed])
    assert url_docs(es, alias_env, URL2) == 1, report.table()
    assert url_docs(es, alias_env, URL) == 0


# --- an input that changes, or becomes a copy or empty, leaves nothing stale -----------------------------------


def test_input_that_becomes_a_copy_again_leaves_nothing_stale(es: Elasticsearch, prefect_harness: None,
                                                              alias_env: str, tmp_path: Path) -> None:
    """b.txt starts as a copy of a.txt, says THIRD for one run, then is a copy again. It is skipped as a known
    copy before classification, so THIRD (its own document) is never withdrawn."""
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY)
    run([tmp_path])
    (tmp_path / "b.txt").write_text(THIRD)
    run([tmp_path])
    (tmp_path / "b.txt").write_text(STORY)
    report = run([tmp_path])
    assert hits(es, alias_env, "principal conductor") == 0, report.table()
    assert len(docs(es, alias_env)) == 1


def test_jsonl_file_that_becomes_empty_leaves_nothing_stale(es: Elasticsearch, prefect_harness: None,
                                                            alias_env: str, tmp_path: Path) -> None:
    """A .jsonl truncated to 0 bytes is dead-lettered as read/empty_input, but its records' documents stay
    searchable ('sources gone 2 (pruned 0)'), unlike a .txt that becomes empty."""
    feed = jsonl(tmp_path / "feed.jsonl", {"body": STORY}, {"body": OTHER})
    run([tmp_path])
    feed.write_text("")
    report = run([tmp_path])
    assert report.dead_letter_reasons == {"read/empty_input": 1}
    assert hits(es, alias_env, "new ferry terminal") == 0, report.table()


# --- dead letters: a later success removes them ---------------------------------------------------------------


def test_fixed_jsonl_file_clears_its_dead_letter(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                 tmp_path: Path) -> None:
    """A file-level JSONL dead letter (here empty_input; also corrupt_archive, too_many_bad_lines) is keyed by the
    file, its successes by file:line, so fixing the file never removes it; --retry-deadletters neither."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("")
    run([tmp_path])
    assert letters(es, alias_env) == [str(feed)]
    jsonl(feed, {"body": STORY})
    assert run([tmp_path]).indexed == 1
    assert letters(es, alias_env) == []
    run([], retry_deadletters=True)
    assert letters(es, alias_env) == []


def test_fixed_copy_clears_its_dead_letter(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                           tmp_path: Path) -> None:
    """b.txt (a copy) breaks, then is fixed back: it ends 'duplicate' (known before cleaning), but its dead letter
    stays in `newsindex deadletters`."""
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(STORY)
    run([tmp_path])
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02" * 50)
    assert run([tmp_path]).dead_lettered == 1
    (tmp_path / "b.txt").write_text(STORY)
    report = run([tmp_path])
    assert (report.duplicate, report.dead_lettered) == (1, 0)
    assert letters(es, alias_env) == []


# --- rebuild ----------------------------------------------------------------------------------------------------


def test_rebuild_with_retry_deadletters_keeps_everything_searchable(es: Elasticsearch, prefect_harness: None,
                                                                    alias_env: str, tmp_path: Path) -> None:
    """`newsindex run --rebuild --retry-deadletters` builds a new index from the dead letters only and moves the
    alias to it: every article that had been indexed disappears from search. Refusing the combination is fine."""
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(OTHER)
    (tmp_path / "c.txt").write_bytes(b"\x00\x01\x02" * 50)
    run([tmp_path])
    (tmp_path / "c.txt").write_text(THIRD)
    with pytest.raises((ValueError, ValidationError)):  # refused: a rebuild reads every input
        run([], rebuild=True, retry_deadletters=True)
    assert hits(es, alias_env, "new ferry terminal") == 1
    assert hits(es, alias_env, "central library") == 1


# --- a stuck input is stopped by the per-input time limit -----------------------------------------------------


def test_read_stage_respects_the_time_limit(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                            tmp_path: Path) -> None:
    """A sparse .jsonl (no disk cost: `truncate -s 16G`) is streamed in the flow process with no time or size
    bound: ~6 s per GB here, so `truncate -s 1T` holds a run for well over an hour whatever --seconds-per-input
    says. Here: 16 GB, limit 2 s per input."""
    subprocess.run(["truncate", "-s", "16G", str(tmp_path / "big.jsonl")], check=True)
    (tmp_path / "a.txt").write_text(STORY)
    report = run([tmp_path], workers=1, seconds_per_input=2)
    assert report.indexed == 1 and report.dead_letter_reasons == {"read/binary_content": 1}, report.table()


def test_cli_takes_a_path_argument_that_is_not_utf8(es: Elasticsearch, alias_env: str, prefect_harness: None,
                                                      tmp_path: Path) -> None:
    odd = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(odd)
    with open(odd + b"/b.txt", "w") as out:
        out.write(OTHER)
    report = tmp_path / "r.json"
    done = subprocess.run([os.fsencode(Path(os.sys.executable)), b"-m", b"flows.cli", b"run", odd, b"--workers", b"0",
                           b"--no-progress", b"--report", os.fsencode(report)],
                          capture_output=True, cwd=Path(__file__).resolve().parents[2], timeout=300,
                          env={**os.environ, "NEWSINDEX_INDEX": alias_env})
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(report.read_text())["indexed"] == 1
    assert hits(es, alias_env, "central library") == 1


def test_the_owner_s_edit_wins_its_url_over_its_earlier_copies(es: Elasticsearch, prefect_harness: None,
                                                               alias_env: str, tmp_path: Path) -> None:
    """Three inputs give one URL three texts: the last read owns it, the others are its copies. When the owner is
    edited, its copies are decided again (they were copies of the old text); they come earlier in read order, so
    the edit must keep the URL, not hand it back to an earlier copy."""
    first = jsonl(tmp_path / "1.jsonl", {"url": URL, "body": STORY})
    jsonl(tmp_path / "2.jsonl", {"url": URL, "body": OTHER})
    third = jsonl(tmp_path / "3.jsonl", {"url": URL, "body": THIRD})
    run([tmp_path])
    [doc] = docs(es, alias_env)
    assert doc["origin"]["key"] == f"{display_path(third)}:1"
    edited = THIRD + "\nUpdated: the ferry timetable was confirmed on Friday evening.\n"
    jsonl(third, {"url": URL, "body": edited})
    again = run([tmp_path])
    assert (again.indexed, again.duplicate) == (1, 2), again.table()
    [doc] = docs(es, alias_env)
    assert doc["origin"]["key"] == f"{display_path(third)}:1" and "timetable was confirmed" in doc["body"]
    assert hits(es, alias_env, "timetable was confirmed on Friday evening") == 1
    assert f"{display_path(first)}:1" in doc["duplicates"]["paths"]


def test_a_leftover_that_holds_a_copy_s_text_is_not_repaired_away(es: Elasticsearch, prefect_harness: None,
                                                                  alias_env: str, tmp_path: Path) -> None:
    """The skip-known repair deletes an input's documents beside its current one (a rewrite cut short); one that
    holds a recorded copy's text is that copy's only text, and stays."""
    a = jsonl(tmp_path / "a.jsonl", {"body": STORY})
    jsonl(tmp_path / "b.jsonl", {"body": STORY})  # a copy of a's text
    run([tmp_path])
    es.indices.refresh(index=alias_env)
    [old] = es.search(index=alias_env, size=10)["hits"]["hits"]
    jsonl(a, {"body": OTHER})
    run([tmp_path])  # a's new text, and b's text kept under b
    es.index(index=old["_index"], id=old["_id"], document=old["_source"], refresh=True)  # as a crash leaves it
    again = run([tmp_path])
    assert again.accounted
    assert hits(es, alias_env, "ending two years of debate") >= 1  # b's text (STORY) is still searchable
    assert hits(es, alias_env, "central library will stay open") == 1


def test_metadata_an_input_drops_does_not_come_back_from_its_document(es: Elasticsearch, prefect_harness: None,
                                                                      alias_env: str, tmp_path: Path) -> None:
    """What the copies gave is kept on a re-enrichment of the same input; an input that itself drops its source,
    authors and date must not get them back because the document has a copy."""
    a = jsonl(tmp_path / "a.jsonl", {"url": URL, "body": STORY, "source": "Harbour News", "authors": ["Ann Author"],
                                     "published_at": "2024-03-05T10:00:00Z"})
    jsonl(tmp_path / "b.jsonl", {"url": URL2, "body": STORY})  # the same text, no metadata: a copy
    run([tmp_path])
    jsonl(a, {"url": URL, "body": STORY})
    run([tmp_path])
    [doc] = docs(es, alias_env)
    assert (doc["source"], doc["authors"], doc["published_at"]) == (None, [], None)


def test_a_line_inserted_at_the_top_of_a_feed_whose_lines_share_a_url(es: Elasticsearch, prefect_harness: None,
                                                                     alias_env: str, tmp_path: Path) -> None:
    """Every line's label moves down one: the line that now says the URL's indexed text owns it, the other is its
    copy, and the run accounts for every input."""
    feed = tmp_path / "f.jsonl"
    jsonl(feed, {"url": URL, "body": STORY}, {"url": URL, "body": OTHER})
    run([tmp_path])
    jsonl(feed, {"url": URL2, "body": THIRD}, {"url": URL, "body": STORY}, {"url": URL, "body": OTHER})
    report = run([tmp_path])  # asserts that it accounts for every input
    assert (report.indexed, report.duplicate) == (2, 1), report.table()
    by_url = {doc["url"]: doc for doc in docs(es, alias_env)}
    assert by_url[URL]["origin"]["key"] == f"{display_path(feed)}:3" and "central library" in by_url[URL]["body"]
    assert f"{display_path(feed)}:2" in by_url[URL]["duplicates"]["paths"]
    again = run([tmp_path])
    assert (again.indexed, again.unchanged, again.duplicate) == (0, 2, 1), again.table()
