"""Hostile and broken inputs through the real flow: none crashes or hangs the run, each ends in the report as
indexed, duplicate or dead-lettered with a sensible reason, and a fixed input leaves the dead-letter store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from flows.es.setup import setup
from flows.index import deadletters
from flows.ingest.budget import ErrorBudget, ErrorBudgetExceeded
from flows.ingest.flow import IngestOptions, ingest
from flows.ingest.report import RunReport
from tests.integration.second_node import article_text, write_articles
from transforms.errors import Failure

pytestmark = [pytest.mark.integration, pytest.mark.flow]
CLI = [sys.executable, "-m", "flows.cli"]
REPO = Path(__file__).resolve().parents[2]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + bytes(64)
LONG_CHARS = 1_000_500  # over spaCy's default nlp.max_length of 1,000,000


def gzip_bomb(path: Path, inflated: int = 64 * 1024 * 1024) -> None:
    """64 MB of one letter in ~64 KB: a ratio near 1000:1."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"A" * (1024 * 1024)
    with open(path, "wb") as out:
        for _ in range(inflated // len(block)):
            out.write(compressor.compress(block))
        out.write(compressor.flush())


def long_text() -> str:
    paragraph = article_text(4242, words=240).split("\n\n", 1)[1]
    copies = LONG_CHARS // len(paragraph) + 1
    return "A very long report\n\n" + "\n\n".join(f"Part {i}. {paragraph}" for i in range(copies))


def pathological_dates() -> str:
    """Date-shaped noise a regex could backtrack on: separators, numbers, weekday and month runs."""
    return ("Calendar noise\n\nThe table listed " + "12/" * 5000 + "2004 and " + "2004-" * 5000 + "05 then "
            + "Monday Tuesday " * 2000 + "the 1st of the 2nd of " * 2000 + " January " + "31 " * 5000
            + "ended.\n\nOfficials met on 3 March 2005 to review it.\n")


def make_inputs(folder: Path, outside: Path) -> dict[str, Path]:
    folder.mkdir(parents=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files[name] = path

    good = write_articles(folder, 2, start=7000)
    files.update({p.name: p for p in good})
    put("cp1252.txt", "Shoppers\u2019 costs\n\nThe shop said \u201cprices\u201d rose \u2013 again\u2026 by "
        "a lot in the winter quarter, the owners told reporters in the market town.\n".encode("cp1252"))
    put("latin1.txt", "Transfer fee\n\nThe club paid \xa310m for the striker on Friday, the manager said "
        "after the match at the stadium.\n".encode("latin-1"))
    put("mojibake.txt", "Caf\u00e9 owners\n\nThe caf\u00e9 owners in the village said the r\u00e9sum\u00e9 "
        "of the season was poor for business and tourism.\n".encode("utf-8").decode("cp1252").encode("utf-8"))
    put("binary.txt", PNG)
    put("binary.html", PNG)
    put("empty.txt", b"")
    put("whitespace.txt", b"  \n\t\n   \r\n")
    put("notext.html", "<html><head><script>var x = 1;</script><style>p {}</style></head><body><div></div>"
        "<img src='a.png'></body></html>")
    put("nested.html", "<html><body>" + "<div>" * 10_000 + "<p>The deep council met on the harbour budget "
        "and voted for the railway plan on Monday.</p>" + "</div>" * 10_000 + "</body></html>")
    put("long.txt", long_text())
    good_record = {"title": "Harbour vote", "url": "https://example.com/harbour",
                   "body": "The council approved the harbour budget on Monday after a long debate in the hall."}
    put("mixed.jsonl", "\n".join([json.dumps(good_record), '{"title": "broken", "body": ',
                                  json.dumps({**good_record, "url": "https://example.com/other",
                                              "body": "The railway plan was delayed again, the minister said."})])
        + "\n")
    gzip_bomb(folder / "bomb.txt.gz")
    files["bomb.txt.gz"] = folder / "bomb.txt.gz"
    wide = {"title": "Wide record", "body": "The museum opened a new exhibition on farming and harvest.",
            **{f"unknown_key_{i}": i for i in range(5000)}}
    put("wide.json", json.dumps(wide))
    put("dates.txt", pathological_dates())
    twin = {"title": "Twin", "url": "https://example.com/twin", "body": "The orchestra played at the festival."}
    put("twins.jsonl", json.dumps(twin) + "\n" + json.dumps(twin) + "\n")
    outside.write_text("Outside\n\nThis file lives outside the input folder and must not be read.\n")
    (folder / "link.txt").symlink_to(outside)
    files["link.txt"] = folder / "link.txt"
    return files


def field_count(es: Elasticsearch, alias: str) -> int:
    def count(properties: dict[str, Any]) -> int:
        return sum(1 + count(spec.get("properties", {})) + len(spec.get("fields", {}))
                   for spec in properties.values())

    mappings = es.indices.get_mapping(index=alias)
    return sum(count(m["mappings"].get("properties", {})) for m in mappings.values())


def by_name(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=100, source_excludes=["minhash", "lsh_bands", "entity_details",
                                                             "passages", "sentences", "date_mentions"])
    return {Path(h["_source"]["origin"]["path"]).name + (f":{h['_source']['origin']['line']}"
                                                       if h["_source"]["origin"]["line"] else ""): h["_source"]
            for h in hits["hits"]["hits"]}


@pytest.fixture(scope="module")
def bad_run(es: Elasticsearch, prefect_harness: None, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[str, Path, dict[str, Path], RunReport, int]]:
    from tests.conftest import drop_alias_family

    alias = f"test-bad-{os.urandom(4).hex()}"
    root = tmp_path_factory.mktemp("bad")
    files = make_inputs(root / "in", root / "outside.txt")
    setup(es, alias)
    fields_before = field_count(es, alias)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", alias)
        report = ingest(paths=[str(root / "in")], options=IngestOptions(workers=0, batch_size=8))
        yield alias, root / "in", files, report, fields_before
    drop_alias_family(es, alias)


EXPECTED_LETTERS = {
    "binary.txt": "read/binary_content", "binary.html": "read/binary_content", "empty.txt": "read/empty_input",
    "whitespace.txt": "read/empty_input", "notext.html": "clean/empty_body", "mixed.jsonl:2": "read/invalid_json",
    "bomb.txt.gz": "read/gzip_bomb", "link.txt": "read/symlink_outside_input",
}
EXPECTED_INDEXED = {"07000.txt", "07001.txt", "cp1252.txt", "latin1.txt", "mojibake.txt", "nested.html", "long.txt",
                    "mixed.jsonl:1", "mixed.jsonl:3", "wide.json", "dates.txt", "twins.jsonl:1"}


def letter_key(letter: Failure) -> str:
    return Path(letter.origin.path).name + (f":{letter.origin.line}" if letter.origin.line else "")


def test_every_bad_input_is_accounted_with_its_reason(bad_run: tuple, es: Elasticsearch) -> None:
    alias, _, _, report, _ = bad_run
    expected_reasons: dict[str, int] = {}
    for reason in EXPECTED_LETTERS.values():
        expected_reasons[reason] = expected_reasons.get(reason, 0) + 1
    assert report.accounted
    assert report.dead_letter_reasons == expected_reasons
    assert (report.inputs, report.indexed, report.duplicate) == (21, len(EXPECTED_INDEXED), 1)
    assert set(by_name(es, alias)) == EXPECTED_INDEXED
    letters = {letter_key(letter): f"{letter.stage}/{letter.reason}" for letter in deadletters.list_letters(es, alias)}
    assert letters == EXPECTED_LETTERS


def test_no_input_exhausts_a_worker(bad_run: tuple) -> None:
    """The work is bounded per input (the bomb and the long file by the reader's limits), so no worker hit its time
    limit or had to be replaced; how long the run takes is for a benchmark, not a test."""
    report = bad_run[3]
    assert report.workers_replaced == 0
    assert not [reason for reason in report.dead_letter_reasons if reason.endswith(("/timeout", "/worker_crashed"))]


def test_encodings_are_decoded_and_mojibake_repaired(bad_run: tuple, es: Elasticsearch) -> None:
    docs = by_name(es, bad_run[0])
    assert "\u201cprices\u201d rose \u2013 again\u2026" in docs["cp1252.txt"]["body"]
    assert "\xa310m" in docs["latin1.txt"]["body"]
    assert "caf\u00e9 owners" in docs["mojibake.txt"]["body"] and "\u00c3" not in docs["mojibake.txt"]["body"]


def test_long_and_deep_inputs_keep_their_text(bad_run: tuple, es: Elasticsearch) -> None:
    docs = by_name(es, bad_run[0])
    assert len(docs["long.txt"]["body"]) > 1_000_000
    assert docs["long.txt"]["entities_status"] == "ok"
    assert "deep council" in docs["nested.html"]["body"]
    assert "3 March 2005" in docs["dates.txt"]["body"]


def test_unknown_keys_do_not_grow_the_mapping(bad_run: tuple, es: Elasticsearch) -> None:
    alias, _, _, _, fields_before = bad_run
    assert field_count(es, alias) == fields_before
    doc = by_name(es, alias)["wide.json"]
    assert not [key for key in doc if key.startswith("unknown_key_")]


def test_two_identical_records_give_one_document_and_one_duplicate(bad_run: tuple, es: Elasticsearch) -> None:
    docs = by_name(es, bad_run[0])
    assert "twins.jsonl:2" not in docs
    assert docs["twins.jsonl:1"]["duplicates"]["count"] == 1
    assert docs["twins.jsonl:1"]["duplicates"]["paths"] == [f"{bad_run[2]['twins.jsonl'].resolve()}:2"]


def test_the_symlink_target_outside_the_folder_was_not_read(bad_run: tuple, es: Elasticsearch) -> None:
    alias = bad_run[0]
    found = es.count(index=alias, query={"match_phrase": {"body": "lives outside the input folder"}})
    assert found["count"] == 0


def test_deadletters_cli_lists_paths_and_jsonl_line(bad_run: tuple) -> None:
    alias, folder, _, _, _ = bad_run
    done = subprocess.run([*CLI, "deadletters", "--json"], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env={**os.environ, "NEWSINDEX_INDEX": alias}, check=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    listed = {(Path(r["origin"]["path"]).name, r["origin"]["line"]): r["reason"] for r in rows}
    assert listed[("mixed.jsonl", 2)] == "invalid_json"
    assert listed[("bomb.txt.gz", None)] == "gzip_bomb"
    assert len(rows) == len(EXPECTED_LETTERS)
    assert all(r["origin"]["path"].startswith(str(folder.resolve())) or r["origin"]["path"].startswith(str(folder))
               for r in rows)
    assert all(r["detail"] for r in rows)


def test_retry_deadletters_indexes_the_fixed_file_and_forgets_its_letter(bad_run: tuple, es: Elasticsearch) -> None:
    """Runs last in this module: it changes the store the tests above read."""
    alias, _, files, _, _ = bad_run
    files["empty.txt"].write_text("Fixed now\n\nThe empty file was replaced by a report on the harbour budget.\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSINDEX_INDEX", alias)
        report = ingest(paths=[], options=IngestOptions(workers=0, retry_deadletters=True))
    assert report.accounted and report.inputs == len(EXPECTED_LETTERS)
    assert report.indexed == 1
    letters = {letter_key(letter) for letter in deadletters.list_letters(es, alias)}
    assert letters == set(EXPECTED_LETTERS) - {"empty.txt"}
    assert "empty.txt" in by_name(es, alias)
    assert es.count(index=alias, query={"match_phrase": {"body": "lives outside the input folder"}})["count"] == 0


def test_error_budget_stops_a_run_of_mostly_bad_inputs_and_keeps_its_letters(
        tmp_path: Path, es: Elasticsearch, prefect_harness: None, alias_env: str) -> None:
    for i in range(300):
        (tmp_path / f"{i:03d}.txt").write_bytes(PNG)
    budget = ErrorBudget(max_consecutive=50, max_share=0.5, min_inputs=100)
    with pytest.raises(ErrorBudgetExceeded, match=r"in a row failed.*newsindex deadletters"):
        ingest(paths=[str(tmp_path)], options=IngestOptions(workers=0, batch_size=20, budget=budget))
    es.indices.refresh(index=deadletters.deadletter_index(alias_env))
    kept = es.count(index=deadletters.deadletter_index(alias_env))["count"]
    assert 50 <= kept < 300
    assert {letter.reason for letter in deadletters.list_letters(es, alias_env)} == {"binary_content"}

