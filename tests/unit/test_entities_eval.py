"""``newsindex eval ner`` on an invented CoNLL-format file (CoNLL text itself must never be committed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluate import ner
from transforms.enrich.entities import Mention

# Invented sentences; like the eng.testb mirror, the first document has no -DOCSTART- line. CRLF endings.
INVENTED = "\r\n".join(
    [
        "Anna NNP I-NP I-PER", "Berg NNP I-NP I-PER", "visited VBD I-VP O", "Oslo NNP I-NP I-LOC",
        ". . O O", "",
        "-DOCSTART- -X- -X- O", "",
        "Tromso NNP I-NP I-ORG", "beat VBD I-VP O", "Bodo NNP I-NP B-ORG", "Glimt NNP I-NP I-ORG",
        "Lillestrom NNP I-NP B-ORG", ". . O O", "",
        "Anna NNP I-NP I-PER", "", "Berg NNP I-NP I-PER", "wins VBZ I-VP O", "", "",
    ]
)  # fmt: skip


@pytest.fixture
def conll_file(tmp_path: Path) -> Path:
    path = tmp_path / "invented.conll"
    path.write_bytes(INVENTED.encode("utf-8"))
    return path


def test_read_conll_handles_crlf_and_a_missing_first_docstart(conll_file: Path) -> None:
    with conll_file.open(encoding="utf-8", newline="") as handle:
        docs = ner.read_conll(handle)
    assert len(docs) == 2
    assert docs[0].tokens == ["Anna", "Berg", "visited", "Oslo", "."]
    text, starts = docs[0].text_and_offsets()
    assert text == "Anna Berg visited Oslo ."
    assert [text[s : s + len(t)] for s, t in zip(starts, docs[0].tokens, strict=True)] == docs[0].tokens
    assert docs[1].text_and_offsets()[0].split("\n") == ["Tromso beat Bodo Glimt Lillestrom .", "Anna", "Berg wins"]


def test_iob1_spans_split_on_b_tags_and_sentence_starts(conll_file: Path) -> None:
    with conll_file.open(encoding="utf-8", newline="") as handle:
        docs = ner.read_conll(handle)
    assert ner.iob1_spans(docs[0].tags, docs[0].sentence_starts) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert ner.iob1_spans(docs[1].tags, docs[1].sentence_starts) == [
        (0, 1, "ORG"), (2, 4, "ORG"), (4, 5, "ORG"), (6, 7, "PER"), (7, 8, "PER"),
    ]  # fmt: skip
    assert ner.iob1_spans(docs[1].tags)[-1] == (6, 8, "PER")  # without sentence breaks they would merge


def test_predicted_spans_must_align_to_tokens() -> None:
    tokens = ["Anna", "Berg", "visited", "Oslo", "."]
    starts = [0, 5, 10, 18, 23]
    mentions = [
        Mention("Anna Berg", "PERSON", 0, 9),
        Mention("Osl", "GPE", 18, 21),  # cuts inside a token: can never be right
        Mention("Norwegian", "NORP", 10, 17),
        Mention("Monday", "DATE", 10, 17),  # dropped label
    ]
    spans = ner.predicted_spans(mentions, starts, tokens)
    assert spans == [(0, 2, "PER"), (3, -1, "LOC"), (2, 3, "MISC")]


def test_tally_scores_exact_matches_only() -> None:
    tally = ner.Tally()
    tally.add(gold=[(0, 2, "PER"), (3, 4, "LOC")], predicted=[(0, 2, "PER"), (3, 4, "ORG"), (5, 6, "LOC")])
    overall = tally.scores()
    assert (overall["gold"], overall["predicted"], overall["correct"]) == (2, 3, 1)
    assert overall["precision"] == pytest.approx(33.33)
    assert overall["recall"] == pytest.approx(50.0)
    assert tally.scores("PER")["f1"] == 100.0
    assert tally.scores("LOC")["f1"] == 0.0


def test_main_prints_a_table_and_a_json_last_line(conll_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ner.main([str(conll_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["documents"] == 2
    assert summary["overall"]["gold"] == 7
    assert set(summary["per_type"]) == {"PER", "ORG", "LOC", "MISC"}
    assert any("92.98" in line for line in lines)


def test_main_missing_file_exits_2(tmp_path: Path) -> None:
    assert ner.main([str(tmp_path / "absent")]) == 2
