"""The command line: every command fits 80 columns, its JSON follows the schema, errors are one line."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
import tomli_w

import mhtaxonomy as mht
from mhtaxonomy.cli import COMMAND_MODULES, SCHEMA_VERSION, main
from mhtaxonomy.cli.commands import COMMANDS
from mhtaxonomy.cli.render import Page, clean, colour_wanted

SCHEMA = json.loads(resources.files("mhtaxonomy.cli").joinpath("output.schema.json").read_text(encoding="utf-8"))

#: At least one invocation of every command, with and without context; ``--why`` is added below.
INVOCATIONS = [
    ["who-can-provide", "psychotherapy"],
    ["who-can-provide", "prescribing", "--jurisdiction", "NM"],
    ["who-can-provide", "therapy"],
    ["who-can-provide", "psychotherapy", "--independently", "--payer", "medicare"],
    ["what-can-provide", "LCSW"],
    ["what-can-provide", "therapist", "--independently"],
    ["requires-diagnosis", "coaching"],
    ["requires-diagnosis", "90834"],
    ["requires-diagnosis"],
    ["requirements", "psychiatrist"],
    ["requirements", "LCSW"],
    ["requirements", "LCSW", "--jurisdiction", "NY"],
    ["show", "LCSW"],
    ["show", "psychotherapy"],
    ["search", "exposure"],
    ["search", "xyzzyq"],
    ["compare", "therapist", "psychiatrist"],
    ["compare", "therapy", "psychotherapy"],
    ["compare", "LCSW", "90837"],
    ["refer", "medication could help"],
    ["refer", "trauma processing", "--from", "LCSW"],
    ["referral-reasons", "LCSW", "psychiatrist"],
    ["treatments", "PTSD"],
    ["treatments", "F43.1"],
    ["titles", "LPC", "--jurisdiction", "IL"],
    ["stats"],
    ["code", "50"],
    ["code", "53", "--with-em"],
    ["code", "100", "--service", "crisis psychotherapy"],
    ["code", "5"],
    ["who-can-bill", "90837", "--payer", "medicare", "--on", "2025-06-01"],
    ["who-can-bill", "90837", "--payer", "medicare", "--on", "2023-06-01"],
    ["check-claim", "99213", "90833", "--profession", "psychiatrist", "--minutes", "30", "--diagnosis", "F41.1"],
    ["check-claim", "90837", "90834", "--profession", "LCSW"],
    ["list", "professions"],
    ["list", "payers"],
    ["list", "codes"],
    ["coverage"],
    ["can-practice", "psychologist", "TX", "AZ", "--on", "2025-06-01"],
    ["can-practice", "PMHNP", "TX", "FL", "--on", "2025-06-01"],
    ["telehealth", "90837", "--payer", "medicare", "--on", "2025-06-01"],
    ["telehealth", "90837", "--audio-only", "--on", "2023-06-01"],
]
CASES = [argv + extra for argv in INVOCATIONS for extra in ([], ["--why"])]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def test_the_invocations_cover_every_command() -> None:
    """Commands that write files are run by their own tests (tests/test_export.py, ...)."""
    for module in COMMAND_MODULES:  # the parser imports them when it is first built
        importlib.import_module(f"mhtaxonomy.cli.{module}")
    assert {argv[0] for argv in INVOCATIONS} == {name for name, command in COMMANDS.items() if not command.writes}


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_no_line_is_wider_than_the_terminal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out, err = run(capsys, *argv)
    assert status in (0, 1) and not err, err
    assert out.strip()
    too_wide = [line for line in out.splitlines() if len(line) > 80]
    assert not too_wide, too_wide


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_json_follows_the_schema(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == SCHEMA_VERSION and data["command"] == argv[0]
    refused = data["result"].get("ok") is False or data["result"].get("allowed") is False
    assert status == (1 if refused else 0)


def test_width_follows_columns(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    _, out, _ = run(capsys, "who-can-provide", "psychotherapy", "--why")
    lines = out.splitlines()
    assert max(map(len, lines)) <= 50 and max(map(len, lines)) > 40


def test_compare_fits_one_screen_and_all_lists_everything(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "compare", "therapist", "psychiatrist")
    assert len(out.splitlines()) < 40
    assert "... and" in out and "Same on both sides:" in out and "Different:" in out
    assert "only Psychiatrist" in out and "Neither has" in out
    _, everything, _ = run(capsys, "compare", "therapist", "psychiatrist", "--all")
    assert "... and" not in everything
    services = mht.load().what_can_provide("psychiatrist").names
    assert all(name in " ".join(everything.split()) for name in services)


def test_rows_empty_on_both_sides_are_not_differences(tax: mht.Taxonomy) -> None:
    comparison = tax.compare("therapist", "psychiatrist")
    row = comparison.row("training requirements")
    assert not row.a and not row.b and row.same and row not in comparison.differences


def test_why_lists_the_facts_then_each_source_once(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    status, out, _ = run(capsys, "who-can-provide", "psychotherapy", "--why")
    assert status == 0 and out.count("Sources") == 1
    listing = out.split("Sources", 1)[1]
    cited = {s for m in tax.who_can_provide("psychotherapy") for f in tax.who_can_provide("psychotherapy").why(m) for s in f.sources}
    for source_id in cited:
        assert listing.count(f"[{source_id}]") == 1, source_id
    assert "1. [" in listing


def test_members_show_their_qualifiers(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "who-can-provide", "psychotherapy")
    text = " ".join(out.split())
    assert "Licensed master social worker (lmsw): only under supervision" in text
    assert "LPC Associate (lpc-associate): only under supervision; only in Texas" in text
    assert "Therapist (therapist): group" in text


def test_groups_are_marked_in_billing_answers_too(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "who-can-bill", "90834", "--json")
    members = {m["id"]: m for m in json.loads(out)["result"]["members"]}
    assert members["therapist"]["qualifiers"]["group"] and not members["lcsw"]["qualifiers"]["group"]


def test_who_can_bill_names_the_jurisdiction(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "who-can-bill", "90837", "--payer", "medicare", "--jurisdiction", "TX")
    header = " ".join(out.split(":\n")[0].split())
    assert header.startswith("who can bill 90837") and header.endswith("in Texas")


def test_an_option_that_changes_nothing_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "requirements", "psychiatrist", "--payer", "medicare", "--json")
    notes = json.loads(out)["context"]["notes"]
    assert [note["option"] for note in notes] == ["payer"]
    _, text, _ = run(capsys, "requirements", "psychiatrist", "--payer", "medicare")
    assert "note: --payer Medicare: the answer is the same without it" in " ".join(text.split())
    _, applied, _ = run(capsys, "who-can-bill", "90837", "--payer", "medicare", "--on", "2023-06-01", "--json")
    assert json.loads(applied)["context"]["notes"] == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["who-can-provide", "therapy"], "ask about Psychotherapy"),
        (["code", "53", "--with-em"], "90838 is an add-on code: bill it with one of 99202"),
        (["requirements", "LCSW"], "state-specific"),
        (["treatments", "F43.1"], "F43.1 is an ICD-10-CM category; its codes F43.10-F43.12 are Post-traumatic"),
    ],
)
def test_guidance_where_users_go_wrong(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    status, out, _ = run(capsys, *argv)
    assert status == 0 and words in " ".join(out.split())
    _, data, _ = run(capsys, *argv, "--json")
    assert any(words in hint for hint in json.loads(data)["result"]["hints"])


def test_treatments_by_category_are_those_of_the_condition(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    _, out, _ = run(capsys, "treatments", "F43.1", "--json")
    assert {m["id"] for m in json.loads(out)["result"]["members"]} == tax.treatments_for("PTSD").ids


def test_a_category_of_several_conditions_is_ambiguous(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "treatments", "F43")
    assert status == 2 and "ambiguous" in err


def test_requirements_show_alternatives_as_alternatives(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "requirements", "psychiatrist")
    lines = out.splitlines()
    degree = next(i for i, line in enumerate(lines) if "(medical-degree)" in line)
    assert lines[degree + 1].strip() == "one of:"
    assert {lines[degree + 2].split("(")[-1], lines[degree + 3].split("(")[-1]} == {"md)", "do)"}
    _, data, _ = run(capsys, "requirements", "psychiatrist", "--json")
    assert sorted(json.loads(data)["result"]["alternatives"]["medical-licensing-exam"]) == ["comlex-usa", "usmle"]


def test_list_names_each_kind(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    _, out, _ = run(capsys, "list", "payers", "--json")
    assert {item["id"] for item in json.loads(out)["result"]["items"]} == {p.id for p in tax.entities("payer")}
    _, text, _ = run(capsys, "list", "professions")
    assert "Therapist  (therapist): group" in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0 and capsys.readouterr().out.startswith(f"mhtaxonomy {mht.__version__} (data ")


def test_every_argument_has_help() -> None:
    for command in COMMANDS.values():
        assert command.help
        for argument in command.arguments:
            assert argument.options.get("help"), (command.name, argument.flags)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["who-can-provide", "psychotheraphy"], "did you mean 'psychotherapy'"),
        (["who-can-provide", "LCSW"], "who_can_provide takes a service"),
        (["show", "CPT"], "is ambiguous"),
        (["who-can-provide", "psychotherapy", "--jurisdiction", "Nwe Mexico"], "unknown jurisdiction"),
        (["who-can-provide", "psychotherapy", "--payer", "medicair"], "the payers the data know: "),
        (["who-can-provide", "psychotherapy", "--on", "2025-02-30"], "ISO date"),
        (["who-can-provide", "psychotherapy", "--data", "/nonexistent/overlay.toml"], "overlay.toml"),
        (["code", "50", "--service", "LCSW"], "is a profession"),
        (["search", "   "], "search needs some text"),
        (["search", "x", "--limit", "0"], "limit must be at least 1"),
    ],
)
def test_bad_input_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2 and not out
    assert err.startswith("mhtaxonomy: error: ") and words in err
    assert err.count("\n") == 1
    status, out, err = run(capsys, *argv, "--json")
    assert status == 2 and not out
    error = json.loads(err)
    jsonschema.validate(error, SCHEMA)
    assert words in error["error"]["message"]


def test_bad_payer_lists_the_payers(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    _, _, err = run(capsys, "who-can-bill", "90837", "--payer", "medicair")
    assert all(payer.name in err for payer in tax.entities("payer"))


def test_empty_jurisdiction_is_treated_as_the_api_treats_it(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    try:
        expected: str | None = repr(tax.where(jurisdiction=""))
    except (KeyError, ValueError, TypeError) as error:
        expected = None
        message = str(error)
    status, out, err = run(capsys, "who-can-provide", "psychotherapy", "--jurisdiction", "")
    if expected is None:
        assert status == 2 and err == f"mhtaxonomy: error: {' '.join(message.split())}\n"
    else:
        assert status == 0 and not err


@pytest.mark.parametrize("problem", ["directory", "empty path", "not UTF-8", "not TOML", "deep nesting"])
def test_bad_data_files_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, problem: str
) -> None:
    path = tmp_path / "overlay.toml"
    if problem == "directory":
        path = tmp_path
    elif problem == "empty path":
        path = Path()
    elif problem == "not UTF-8":
        path.write_bytes(b'[[payer]]\nid = "\xff\xfe"\n')
    elif problem == "not TOML":
        path.write_text("[[payer]\n", encoding="utf-8")
    else:
        path.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    target = "" if problem == "empty path" else str(path)
    status, out, err = run(capsys, "stats", "--data", target)
    assert status == 2 and not out
    assert err.startswith("mhtaxonomy: error: ") and err.count("\n") == 1
    assert (target or "empty") in err


def test_control_characters_from_data_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    overlay = tmp_path / "payers.toml"
    evil = {"id": "zz-evil", "name": "Evil\x1b[2J payer\x07", "type": "private", "sources": ["SEED-000"]}
    overlay.write_text(tomli_w.dumps({"payer": [evil]}), encoding="utf-8")
    # The loader refuses control characters in names; the one-line error escapes them too.
    status, out, err = run(capsys, "list", "payers", "--data", str(overlay))
    assert status == 2 and not out
    assert "\x1b" not in err and "\x07" not in err and err.count("\n") == 1 and "payers.toml" in err


def test_errors_never_echo_control_characters_or_huge_values(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "show", "\x1b[31m" + "x" * 100_000)
    assert status == 2 and "\x1b" not in err and len(err) < 1000 and err.count("\n") == 1


def test_a_refused_claim_exits_with_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check-claim", "90837", "90834", "--profession", "LCSW", "--why")
    assert status == 1 and out.startswith("refused") or "refus" in out.splitlines()[0].lower()


def test_usage_errors_are_json_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "frobnicate", "--json")
    assert status == 2 and not out
    error = json.loads(err)
    jsonschema.validate(error, SCHEMA)
    assert "invalid choice" in error["error"]["message"]
    status, _, err = run(capsys, "frobnicate")
    assert status == 2 and "usage: mhtaxonomy" in err and "invalid choice" in err


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert colour_wanted(Terminal()) and not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Terminal())
    page = Page(width=80, colour=True)
    page.heading("title")
    assert page.lines == ("\033[1mtitle\033[0m",)


def test_clean_escapes_every_control_character() -> None:
    for code in (*range(0x20), *range(0x7F, 0xA0), 0x202E, 0x200B):
        assert not any(ord(c) == code for c in clean(f"a{chr(code)}b"))


@given(st.text(max_size=40))
def test_clean_is_the_escape_of_every_unsafe_character(text: str) -> None:
    """The printable fast path gives what the pattern alone gives, whatever the text."""
    import re

    from mhtaxonomy.cli import render

    expected = re.sub(render._UNSAFE, lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    assert clean(text) == expected
    assert clean(text).isprintable() or not text.isprintable()


def test_python_dash_m_runs_the_same_command() -> None:
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run(
        [sys.executable, "-m", "mhtaxonomy", "who-can-provide", "coaching"], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0 and "Life coach" in result.stdout


def _members(data: dict[str, Any]) -> set[str]:
    return {m["id"] for m in data["result"]["members"]}


def test_json_members_match_the_api(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    _, out, _ = run(capsys, "who-can-provide", "CBT", "--json", "--why", "--on", "2025-06-01")
    data = json.loads(out)
    assert data["context"]["on"] == "2025-06-01" and data["context"]["date_given"]
    assert _members(data) == tax.where(on="2025-06-01").who_can_provide("CBT").ids
    lcsw = next(m for m in data["result"]["members"] if m["id"] == "lcsw")
    assert lcsw["why"]["facts"] and {s["id"] for s in data["result"]["sources"]} >= set(lcsw["why"]["facts"][0]["sources"])


def test_help_lists_every_command_and_each_command_its_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    assert all(name in listing for name in COMMANDS)
    for command in COMMANDS.values():
        with pytest.raises(SystemExit):
            main([command.name, "--help"])
        text = capsys.readouterr().out
        assert "--jurisdiction" in text and "--json" in text
        for argument in command.arguments:
            assert argument.options.get("metavar", argument.flags[0]) in text


def test_a_place_the_data_know_nothing_about_is_named(capsys: pytest.CaptureFixture[str], tax: mht.Taxonomy) -> None:
    mentioned = {ref for f in tax.facts() for ref in (f.subject, f.object, *(f.jurisdictions or ()))}
    silent = next(j for j in tax.entities(mht.Kind.JURISDICTION) if j.id not in mentioned)
    _, out, _ = run(capsys, "who-can-provide", "prescribing", "--jurisdiction", silent.id, "--json")
    notes = json.loads(out)["context"]["notes"]
    assert len(notes) == 1 and f"no fact specific to {silent.name}" in notes[0]["reason"]


def test_command_homes_name_the_module_of_every_command() -> None:
    import importlib

    from mhtaxonomy.cli import COMMAND_HOMES, COMMAND_MODULES
    from mhtaxonomy.cli.commands import COMMANDS

    for module in COMMAND_MODULES:
        importlib.import_module(f"mhtaxonomy.cli.{module}")
    homes = {command.name: command.run.__module__.rsplit(".", 1)[1] for command in COMMANDS.values()}
    assert {name: module for name, module in homes.items() if module != "commands"} == COMMAND_HOMES


def test_a_command_imports_only_its_own_module() -> None:
    import subprocess
    import sys

    script = (
        "import contextlib, io, sys\n"
        "from mhtaxonomy.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['stats'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('mhtaxonomy.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "['mhtaxonomy.cli.commands', 'mhtaxonomy.cli.render']"


@given(
    text=st.text(alphabet=st.sampled_from("ab -\t\n\u00a0\u2014x,."), max_size=60),
    width=st.integers(min_value=20, max_value=90),
    indent=st.integers(min_value=0, max_value=8),
    hang=st.integers(min_value=0, max_value=6),
)
def test_lines_wrap_as_textwrap_wraps_them(text: str, width: int, indent: int, hang: int) -> None:
    # a line that fits skips textwrap; the result must be what textwrap would have given
    import textwrap

    wrapper = textwrap.TextWrapper(
        width=width,
        initial_indent=" " * indent,
        subsequent_indent=" " * min(indent + hang, width // 2),
        break_on_hyphens=False,
    )
    page = Page(width=width)
    page.line(text, indent=indent, hang=hang)
    assert list(page.lines) == (wrapper.wrap(clean(text)) or [""])


@given(
    words=st.lists(st.text(alphabet=st.sampled_from("abcxyz-(),;:\u00a0\u2014"), min_size=1, max_size=14), min_size=1, max_size=30),
    gaps=st.lists(st.sampled_from([1, 1, 1, 2, 3]), min_size=30, max_size=30),
    width=st.integers(min_value=20, max_value=90),
    indent=st.integers(min_value=0, max_value=8),
    hang=st.integers(min_value=0, max_value=6),
)
def test_plain_words_wrap_as_textwrap_wraps_them(words: list[str], gaps: list[int], width: int, indent: int, hang: int) -> None:
    """Words apart by spaces take the quick path: line for line what textwrap gives."""
    import textwrap

    text = "".join(f"{' ' * gap}{word}" for word, gap in zip(words, [0, *gaps]))
    first, rest = " " * indent, " " * min(indent + hang, width // 2)
    expected = textwrap.TextWrapper(width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False).wrap(text) or [""]
    page = Page(width=width)
    page.line(text, indent=indent, hang=hang)
    assert list(page.lines) == expected


@pytest.mark.parametrize("columns", [None, "", "0", "-3", "abc", "55", "200", "10"])
def test_terminal_width_is_what_shutil_answers(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    import shutil

    from mhtaxonomy.cli.render import terminal_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_width() == max(shutil.get_terminal_size((80, 24)).columns, 20)


def test_answering_a_question_imports_neither_shutil_nor_json() -> None:
    script = (
        "import contextlib, io, sys\n"
        "from mhtaxonomy.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['who-can-provide', 'psychotherapy'])\n"
        "print(sorted(m for m in ('shutil', 'json', 'bz2', 'lzma') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_the_command_freezes_the_collector_only_in_its_own_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``run`` (the console script) freezes what is left before exiting; ``main`` never does."""
    import gc

    from mhtaxonomy.cli import run as run_command

    before = gc.get_freeze_count()
    assert main(["stats"]) == 0 and gc.get_freeze_count() == before
    monkeypatch.setattr(sys, "argv", ["mhtaxonomy", "stats"])
    try:
        with pytest.raises(SystemExit) as exited:
            run_command()
        assert exited.value.code == 0 and gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
    assert "facts" in capsys.readouterr().out


def test_the_console_script_exits_with_the_commands_status() -> None:
    script = Path(sys.executable).parent / "mhtaxonomy"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mhtaxonomy"]
    assert subprocess.run([*command, "show", "lcsw"], capture_output=True, check=False).returncode == 0
    assert subprocess.run([*command, "show", "no-such-thing-at-all"], capture_output=True, check=False).returncode == 2
