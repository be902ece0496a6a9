"""The command line: answers, --why, --json, context options and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mhtaxonomy.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_who_can_provide_lists_professions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "who-can-provide", "psychotherapy")
    assert status == 0 and not err
    assert "Licensed clinical social worker  (lcsw)" in out
    assert "Life coach" not in out


def test_why_prints_facts_and_sources(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "who-can-provide", "prescribing", "--jurisdiction", "NM", "--why")
    assert status == 0
    assert "in New Mexico" in out and "[S19]" in out


def test_independently_leaves_out_supervised_tiers(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "who-can-provide", "psychotherapy", "--independently")
    assert "(lmsw)" not in out and "(lcsw)" in out


def test_json_output_parses(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "who-can-provide", "CBT", "--json", "--why", "--on", "2025-06-01")
    data = json.loads(out)
    assert status == 0 and data["context"]["on"] == "2025-06-01"
    assert any(member["id"] == "lcsw" and member["why"]["facts"] for member in data["members"])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["requires-diagnosis", "coaching"], "Coaching: does not require a diagnosis"),
        (["requires-diagnosis", "90834", "--why"], "requires a diagnosis"),
        (["requires-diagnosis"], "Psychotherapy"),
        (["show", "LCSW"], "NUCC:1041C0700X"),
        (["search", "exposure"], "Exposure"),
        (["compare", "therapy", "psychotherapy"], "requires diagnosis"),
        (["refer", "medication could help"], "Psychiatrist"),
        (["referral-reasons", "LCSW", "psychiatrist"], "Medication could help"),
        (["treatments", "PTSD"], "Prolonged exposure"),
        (["requirements", "psychiatrist"], "United States Medical Licensing Examination"),
        (["what-can-provide", "LCSW"], "Psychotherapy"),
        (["titles", "LCSW"], "Clinical social work licence"),
        (["stats"], "profession"),
    ],
)
def test_each_subcommand_answers(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 0, err
    assert expected in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["who-can-provide", "psychotheraphy"], "did you mean 'psychotherapy'"),
        (["who-can-provide", "LCSW"], "who_can_provide takes a service"),
        (["show", "CPT"], "is ambiguous"),
        (["who-can-provide", "psychotherapy", "--jurisdiction", "Nwe Mexico"], "unknown jurisdiction"),
        (["who-can-provide", "psychotherapy", "--on", "2025-02-30"], "ISO date"),
        (["who-can-provide", "psychotherapy", "--data", "/nonexistent/overlay.toml"], "no such data file"),
    ],
)
def test_bad_input_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2 and not out
    assert err.startswith("mhtaxonomy: error: ") and words in err
    assert err.count("\n") == 1


def test_unknown_subcommand_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mhtaxonomy", "who-can-provide", "coaching"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "Life coach" in result.stdout
