"""The small things of issue #18, point 7, that need no service: every option says what it does, half a basic-auth
pair is refused, `serve` names its deployment apart from prefect.yaml's and hints a command that works, and the
README's settings table lists every setting the code reads."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from flows.cli import build_parser
from flows.ingest.prefect_server import run_hint
from flows.ingest.schedule import DEPLOYMENT_NAME
from flows.settings import Settings
from tests.unit.test_cli_values import run

REPO = Path(__file__).resolve().parents[2]
# Read from the environment outside Settings: all must be in the README's table too.
ENV_READ = re.compile(r"""environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
SET_NOT_READ = {"PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                "XDG_CACHE_HOME"}  # set for Prefect, not read; XDG's own, in NEWSINDEX_HOME's default


def options(parser: argparse.ArgumentParser, path: str = "") -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from options(sub, f"{path} {name}".strip())
        elif not isinstance(action, argparse._HelpAction):
            yield f"{path} {action.option_strings[0] if action.option_strings else action.dest}".strip(), action


def test_every_option_and_argument_has_help() -> None:
    missing = {name for name, action in options(build_parser()) if not action.help}
    assert not missing, f"options without help: {sorted(missing)}"


def test_run_and_serve_take_the_input_rules() -> None:
    names = {name for name, _ in options(build_parser())}
    for command in ("run", "serve"):
        assert {f"{command} --include", f"{command} --exclude", f"{command} --source",
                f"{command} --source-per-folder"} <= names


def test_a_password_without_a_user_is_refused_in_one_line(tmp_path: Path) -> None:
    done = run("deadletters", home=tmp_path, ES_PASSWORD="secret-value")
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert "ES_PASSWORD is set but ES_USERNAME is not" in lines[0] and "secret-value" not in lines[0]


def test_a_user_without_a_password_is_refused_and_an_api_key_needs_neither(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ES_USERNAME", "ES_PASSWORD", "ES_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ES_USERNAME", "elastic")
    with pytest.raises(ValueError, match="ES_USERNAME is set but ES_PASSWORD is not"):
        Settings()
    monkeypatch.setenv("ES_API_KEY", "aWQ6a2V5")
    assert Settings().es_username == "elastic"


def test_serve_and_prefect_yaml_name_different_deployments() -> None:
    declared = yaml.safe_load((REPO / "prefect.yaml").read_text())
    names = {deployment["name"] for deployment in declared["deployments"]}
    assert DEPLOYMENT_NAME not in names
    readme = (REPO / "README.md").read_text()
    schedules = readme.split("### Schedules", 1)[1].split("\n## ", 1)[0]
    assert f"ingest/{DEPLOYMENT_NAME}" in schedules and all(f"ingest/{name}" in schedules for name in names)


def test_prefect_yaml_takes_the_input_rules_as_parameters() -> None:
    declared = yaml.safe_load((REPO / "prefect.yaml").read_text())
    options = declared["deployments"][0]["parameters"]["options"]
    assert {"include", "exclude", "source", "source_per_folder"} <= set(options)
    from flows.ingest.flow import IngestOptions

    IngestOptions(**options)  # the flow accepts them as declared


def test_the_serve_hint_names_the_server() -> None:
    hint = run_hint("http://127.0.0.1:4311/api")
    assert hint.startswith("PREFECT_API_URL=http://127.0.0.1:4311/api ")
    assert hint.endswith(f"deployment run ingest/{DEPLOYMENT_NAME}")


def readme_settings() -> set[str]:
    readme = (REPO / "README.md").read_text()
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_readme_settings_table_lists_every_setting() -> None:
    aliases = {str(field.validation_alias) for field in Settings.model_fields.values()}
    read = set()
    for source in (REPO / "flows").rglob("*.py"):
        read.update(ENV_READ.findall(source.read_text()))
    listed = readme_settings()
    assert aliases <= listed, f"settings missing from the README: {sorted(aliases - listed)}"
    assert read - SET_NOT_READ <= listed, f"variables missing from the README: {sorted(read - SET_NOT_READ - listed)}"


@pytest.mark.parametrize("report", ["/nonexistent/folder/report.json", "/"])
def test_a_report_path_that_cannot_be_written_is_said_before_any_work(
        report: str, capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import main

    assert main(["run", "seeds", "--report", report]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsindex: ") and "Traceback" not in err
