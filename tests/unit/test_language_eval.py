"""`newsindex eval language` on a tiny hand-made test-data directory (lingua-py layout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.evaluate.language import common_languages, main, read_published

HEADER = "language,cld2,langdetect,langid,lingua-high-accuracy\n"
ROWS = {  # English and German are supported by all three detectors; Bosnian not by langdetect
    "English": "99.0,99.3,99.2,99.3",
    "German": "98.0,99.0,97.0,99.5",
    "Bosnian": "NaN,NaN,40.0,35.0",
}
SAMPLES = {
    "en": ["The weather was cold and wet all week in the north of the country.", "Prices rose again in May."],
    "de": ["Das Wetter war die ganze Woche kalt und nass im Norden des Landes.", "Die Preise stiegen im Mai."],
    "bs": ["Vrijeme je cijele sedmice bilo hladno i vlažno na sjeveru zemlje."],
}


@pytest.fixture
def testdata(tmp_path: Path) -> Path:
    (tmp_path / "published-accuracy").mkdir()
    (tmp_path / "sentences").mkdir()
    csv_text = HEADER + "".join(f"{name},{row}\n" for name, row in ROWS.items())
    (tmp_path / "published-accuracy" / "sentences-accuracy-values.csv").write_text(csv_text)
    for code, lines in SAMPLES.items():
        (tmp_path / "sentences" / f"{code}.txt").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_common_languages_follow_the_nan_pattern(testdata: Path) -> None:
    published = read_published(testdata, "sentences")
    assert common_languages(published) == {"en", "de"}
    assert published["bs"]["langdetect"] is None


def test_main_prints_the_scores_as_json_on_the_last_line(testdata: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(testdata), "--sets", "sentences", "--workers", "1"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])["sets"]["sentences"]
    assert report["common_languages"] == 2
    assert report["mean_common"] == 100.0
    assert report["published_langdetect_common"] == round((99.3 + 99.0) / 2, 2)
    assert report["published_lingua_high_common"] == round((99.3 + 99.5) / 2, 2)
    assert set(report["per_language"]) == {"en", "de", "bs"}


def test_limit_and_offset_select_the_samples(testdata: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(testdata), "--sets", "sentences", "--workers", "1", "--offset", "1", "--limit", "1"]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sets"]["sentences"]
    assert set(report["per_language"]) == {"en", "de"}  # bs has a single line, skipped by the offset


def test_unknown_set_is_an_error(testdata: Path) -> None:
    assert main([str(testdata), "--sets", "paragraphs"]) == 2
