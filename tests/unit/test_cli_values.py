"""Bad command-line values end as one `newsindex:` line and exit 2, before any node is asked; a closed stdout
ends quietly; an unexpected error is one line that says where its traceback is.

Through the installed `newsindex` script (a subprocess), as a user runs it. None of these reach Elasticsearch:
ES_URL points at a port nothing listens on, so a value that slipped through validation would fail differently.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from flows import cli

NEWSINDEX = str(Path(sys.executable).with_name("newsindex"))
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(
    *args: str | bytes, home: Path, stdout: int | None = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if k != "NEWSINDEX_DEBUG"}
    full = {**base, "ES_URL": f"http://127.0.0.1:{free_port()}", "NEWSINDEX_HOME": str(home), **env}
    return subprocess.run(
        [NEWSINDEX, *args], stdout=stdout, stderr=subprocess.PIPE, timeout=120, cwd=REPO, env=full, check=False
    )


BAD = {
    "size 0": ["search", "x", "--size", "0"],
    "negative size": ["search", "x", "--size", "-5"],
    "size above the max": ["search", "x", "--size", "101"],
    "huge size": ["search", "x", "--size", "9" * 40],
    "size not a number": ["search", "x", "--size", "ten"],
    "size a float": ["search", "x", "--size", "1.5"],
    "negative offset": ["search", "x", "--offset", "-1"],
    "offset past the window": ["search", "x", "--offset", "9991"],
    "huge offset": ["search", "x", "--offset", "9" * 40],
    "date not a date": ["search", "x", "--filter", "published_from=last tuesday"],
    "date out of range": ["search", "x", "--filter", "mentioned_to=2024-02-30"],
    "epoch millis": ["search", "x", "--filter", "published_to=1714521600000"],
    "unknown filter": ["search", "x", "--filter", "body=secret"],
    "empty filter value": ["search", "x", "--filter", "language="],
    "passages size 0": ["passages", "x", "--size", "0"],
    "passages per article 0": ["passages", "x", "--per-article", "0"],
    "passages per article huge": ["passages", "x", "--per-article", "100000"],
    "passages offset past the window": ["passages", "x", "--offset", "10000"],
    "related size 0": ["related", "h-1", "--size", "0"],
    "related empty id": ["related", ""],
    "related overlong id": ["related", "x" * 5000],
    "missing query": ["search"],
    "no command": [],
    "unknown command": ["frobnicate"],
    "unknown option": ["search", "x", "--sizee", "3"],
    "batch size 0": ["run", "x", "--batch-size", "0"],
    "workers beyond the bound": ["run", "x", "--workers", "1000"],
    "interval negative": ["serve", "x", "--interval", "-5"],
    "port out of range": ["serve", "x", "--cron", "* * * * *", "--prefect-port", "70000"],
    "published-at not a date": ["enrich", "x", "--published-at", "yesterday"],
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_value_is_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    done = run(*BAD[name], home=tmp_path)
    lines = done.stderr.decode().splitlines()
    assert (done.returncode, len(lines)) == (2, 1), done.stderr.decode()[-2000:]
    assert lines[0].startswith("newsindex: ") and "Traceback" not in lines[0]
    assert done.stdout == b""


@pytest.mark.parametrize(
    "variable",
    [
        "ES_REQUEST_TIMEOUT=abc",
        "ES_REQUEST_TIMEOUT=-1",
        "NEWSINDEX_ES_NODE_SETTINGS={not json",
        "NEWSINDEX_INDEX=*",
        "NEWSINDEX_INDEX=articles,.security",
        "NEWSINDEX_ES_HEAP_MIN=1g -Dx=y",
        'NEWSINDEX_ES_NODE_SETTINGS={"a\\nxpack.security.enabled": false}',
        "NEWSINDEX_ES_VERSION=../../etc",
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(variable: str, tmp_path: Path) -> None:
    key, _, value = variable.partition("=")
    done = run("search", "x", "--render", home=tmp_path, **{key: value})
    lines = done.stderr.decode().splitlines()
    assert (done.returncode, len(lines)) == (2, 1) and key in lines[0], done.stderr.decode()[-2000:]


def test_undecodable_bytes_in_argv_are_one_line(tmp_path: Path) -> None:
    done = run("search", b"caf\xe9", "--render", home=tmp_path)
    lines = done.stderr.decode().splitlines()
    assert (done.returncode, len(lines)) == (2, 1) and "UTF-8" in lines[0], done.stderr.decode()[-2000:]


def test_help_says_what_size_0_means(tmp_path: Path) -> None:
    for command in ("search", "passages", "related"):
        done = run(command, "--help", home=tmp_path)
        assert done.returncode == 0 and b"0 is refused" in done.stdout


@pytest.mark.parametrize("args", [["search", "korea", "--render"], ["--help"], ["search", "--help"]])
def test_a_closed_stdout_ends_quietly(args: list[str], tmp_path: Path) -> None:
    """The reader is gone before the first write (what `| head -1` becomes once head has its line)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = run(*args, home=tmp_path, stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode in {0, 141} and done.stderr == b"", done.stderr.decode()[-2000:]


def test_a_pipe_into_head_prints_no_traceback(tmp_path: Path) -> None:
    script = f"{NEWSINDEX} search korea --render | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        timeout=120,
        cwd=REPO,
        check=False,
        env={**os.environ, "NEWSINDEX_HOME": str(tmp_path)},
    )
    assert done.returncode in {0, 141} and done.stdout == b"{\n" and done.stderr == b""


def test_cut_query_text_is_a_note_not_an_error(tmp_path: Path) -> None:
    done = run("search", " ".join(f"w{i}*" for i in range(500)), "--render", home=tmp_path)
    assert done.returncode == 0 and done.stderr.decode().startswith("newsindex: note: ")


@pytest.fixture
def failing_indices(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def boom(args: object, settings: object) -> int:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cli, "cmd_indices", boom)
    monkeypatch.setenv("NEWSINDEX_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NEWSINDEX_DEBUG", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    return tmp_path / "home"


def test_an_unexpected_error_is_one_line_with_its_traceback_in_a_private_log(
    failing_indices: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["indices"]) == 1
    lines = capsys.readouterr().err.splitlines()
    log = failing_indices / cli.ERROR_LOG
    assert len(lines) == 1 and "RuntimeError: boom second line" in lines[0] and str(log) in lines[0]
    assert "Traceback" in log.read_text() and log.stat().st_mode & 0o077 == 0
    assert failing_indices.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("how", ["flag", "variable"])
def test_debug_prints_the_traceback(
    how: str, failing_indices: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "variable":
        monkeypatch.setenv("NEWSINDEX_DEBUG", "1")
    assert cli.main(["--debug", "indices"] if how == "flag" else ["indices"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err
