"""The per-article contract through the real flow and the real node: every input ends indexed, unchanged, duplicate
or dead-lettered, a duplicate is a duplicate of a document that was written, an input that now says something else
leaves nothing stale behind, a richer copy gives the kept document what it lacks, one document per URL with the
later text, and a run that fails still writes its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ingest.budget import ErrorBudget, ErrorBudgetExceeded
from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.report import RunReport
from tests.stories import OTHER, STORY, THIRD

pytestmark = [pytest.mark.integration, pytest.mark.flow]


def run(paths: list[Path], **options: object) -> RunReport:
    report = ingest(paths=[str(p) for p in paths], options=IngestOptions(workers=0, **options))  # type: ignore[arg-type]
    assert report.accounted, report.table()
    return report


def docs(es: Elasticsearch, alias: str) -> list[dict]:
    es.indices.refresh(index=alias)
    return [h["_source"] for h in es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]]


def hits(es: Elasticsearch, alias: str, words: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query={"match_phrase": {"body": words}})["count"])


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("batch_size", [256, 1], ids=["same-batch", "next-batch"])
def test_copy_of_a_kept_copy_that_fails_is_indexed_instead(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                           tmp_path: Path, batch_size: int) -> None:
    """The kept copy (read first) cannot be written: its copy is decided again and indexed, not counted a duplicate
    of nothing. A re-run is then stable: the failed copy is a duplicate of the written one."""
    jsonl(tmp_path / "a.jsonl", {"body": STORY, "authors": ["x" * 40_000]})
    (tmp_path / "b.txt").write_text(STORY)
    report = run([tmp_path], batch_size=batch_size)
    assert (report.inputs, report.indexed, report.duplicate, report.dead_lettered) == (2, 1, 0, 1)
    assert [k.split("/")[0] for k in report.dead_letter_reasons] == ["index"]
    [doc] = docs(es, alias_env)
    assert Path(doc["origin"]["path"]).name == "b.txt"
    assert hits(es, alias_env, "new ferry terminal") == 1
    again = run([tmp_path], batch_size=batch_size)
    assert (again.indexed, again.unchanged, again.duplicate, again.dead_lettered) == (0, 1, 1, 0)


def test_input_that_becomes_a_copy_or_empty_leaves_nothing_stale(es: Elasticsearch, prefect_harness: None,
                                                                 alias_env: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.txt").write_text(OTHER)
    (tmp_path / "c.txt").write_text(THIRD)
    assert run([tmp_path]).indexed == 3
    (tmp_path / "a.txt").write_text(OTHER)  # now a copy of b
    (tmp_path / "c.txt").write_text("   \n")  # now says nothing
    report = run([tmp_path])
    assert (report.unchanged, report.duplicate, report.dead_lettered) == (1, 1, 1)
    assert report.withdrawn == 2
    assert hits(es, alias_env, "new ferry terminal") == 0
    assert hits(es, alias_env, "principal conductor") == 0
    assert hits(es, alias_env, "central library") == 1
    assert len(docs(es, alias_env)) == 1


def test_richer_copy_later_fills_the_kept_document(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                   tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "story.txt").write_text(STORY)
    run([plain])
    feed = jsonl(tmp_path / "feed.jsonl", {"body": STORY, "url": "https://example.org/ferry", "source": "Harbour News",
                                           "published_at": "2024-03-07T09:00:00Z", "authors": ["Ann Lee"]})
    report = run([feed])
    assert (report.duplicate, report.indexed) == (1, 0)
    [doc] = docs(es, alias_env)
    assert Path(doc["origin"]["path"]).name == "story.txt"
    assert doc["url"] == "https://example.org/ferry"
    assert doc["source"] == "Harbour News"
    assert doc["published_at"].startswith("2024-03-07")
    assert doc["authors"] == ["Ann Lee"]
    assert es.count(index=alias_env, query={"term": {"source": "Harbour News"}})["count"] == 1


@pytest.mark.parametrize("batch_size", [256, 1], ids=["same-batch", "next-batch"])
def test_one_document_per_url_with_the_later_text(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                  tmp_path: Path, batch_size: int) -> None:
    url = "https://example.org/terminal"
    feed = jsonl(tmp_path / "feed.jsonl", {"url": url, "body": STORY}, {"url": url, "body": STORY + "\nUpdated.\n"})
    report = run([feed], batch_size=batch_size)
    assert (report.inputs, report.duplicate, report.dead_lettered) == (2, 1, 0)
    [doc] = docs(es, alias_env)
    assert doc["origin"]["line"] == 2 and "Updated." in doc["body"]
    again = run([feed], batch_size=batch_size)
    assert (again.indexed, again.unchanged, again.duplicate) == (0, 1, 1)
    later = jsonl(tmp_path / "later.jsonl", {"url": url, "body": OTHER})  # a later run: its text wins too
    assert run([later]).indexed == 1
    [doc] = docs(es, alias_env)
    assert "central library" in doc["body"]


def test_exception_in_enrichment_costs_only_its_article(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import transforms.enrich.article as article

    original = article.assemble

    def breaks_on_library(segmented, *args):  # type: ignore[no-untyped-def]
        if "library" in segmented.body:
            raise RuntimeError("a rule met something it never saw")
        return original(segmented, *args)

    monkeypatch.setattr(article, "assemble", breaks_on_library)
    for name, text in (("a.txt", STORY), ("b.txt", OTHER), ("c.txt", THIRD)):
        (tmp_path / name).write_text(text)
    report = run([tmp_path])
    assert (report.indexed, report.dead_lettered) == (2, 1)
    assert list(report.dead_letter_reasons) == ["enrich/enrich_error"]


def test_failed_run_still_writes_its_report(es: Elasticsearch, prefect_harness: None, alias_env: str,
                                            tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"bad{i}.txt").write_bytes(b"\x00\x01\x02" * 50)
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    with pytest.raises(ErrorBudgetExceeded):
        ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0, batch_size=2, report_path=str(target),
                                                            budget=ErrorBudget(max_consecutive=2)))
    written = json.loads(target.read_text())
    assert written["failure"].startswith("ErrorBudgetExceeded")
    assert written["inputs"] >= 2 and written["dead_letter_reasons"]
    assert target.stat().st_mode & 0o077 == 0
