"""CI gate for ``newsindex eval dates``: four TempEval-3 platinum documents (CC BY 3.0, see NOTICE).

The thresholds sit a little below what the tagger measured on these files when they were added
(relaxed F1 89.13, strict F1 69.57, value accuracy 85.37, value F1 76.09), so a regression in extent
or normalisation fails the build while harmless rule changes do not.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from flows.evaluate.dates import main, parse_timeml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tempeval"
MINIMUM = {"relaxed_f1": 86.0, "strict_f1": 65.0, "value_accuracy": 80.0, "value_f1": 72.0}


def test_fixture_digests_match() -> None:
    lines = (FIXTURES / "SHA256SUMS").read_text(encoding="utf-8").split("\n")
    expected = dict(reversed(line.split("  ", 1)) for line in lines if line.strip())
    assert sorted(expected) == sorted(p.name for p in FIXTURES.glob("*.tml"))
    for name, digest in expected.items():
        assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == digest, name


def test_gate_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(FIXTURES)]) == 0
    output = capsys.readouterr().out.strip().splitlines()
    scores = json.loads(output[-1])
    assert (scores["documents"], scores["gold_timexes"]) == (4, 50)
    for key, minimum in MINIMUM.items():
        assert scores[key] >= minimum, (key, scores[key])
    assert any(line.startswith("HeidelTime-t") for line in output)


def test_parse_timeml_keeps_exact_offsets_and_dct() -> None:
    raw = (
        '<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-05-01T09:13:00" functionInDocument="CREATION_TIME">'
        'May 1</TIMEX3></DCT><TEXT>AT&amp;T said <TIMEX3 tid="t1" type="DATE" value="1998-04-30">'
        'Thursday</TIMEX3> it <EVENT eid="e1">rose</EVENT> <TIMEX3 tid="t2" type="DURATION" value="P3Y">'
        "three years</TIMEX3>.</TEXT></TimeML>"
    )
    doc = parse_timeml(raw, "x.tml")
    assert doc.text == "AT&T said Thursday it rose three years."
    assert doc.dct == datetime(1998, 5, 1, 9, 13)
    assert [(doc.text[g.start : g.end], g.type, g.value) for g in doc.gold] == [
        ("Thursday", "DATE", "1998-04-30"),
        ("three years", "DURATION", "P3Y"),
    ]
    assert parse_timeml(raw.replace("1998-05-01T09:13:00", "1998-05-01"), "x.tml").dct == date(1998, 5, 1)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    assert main([str(tmp_path)]) == 2
