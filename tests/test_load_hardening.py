"""Regression tests for the loader's hardening (issue 9): each bad input is a DataError saying where.

Each test is named for the defect it keeps fixed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import mhtaxonomy as mht
from mhtaxonomy import billing
from mhtaxonomy import load as loader_module  # noqa: F401  (the package attribute is the load() function)
from mhtaxonomy.load import (
    BILLING_PERIODS,
    MAX_FILE_BYTES,
    MAX_PAIRS_PER_TABLE,
    DataError,
    _find_cycle,
    read,
)
from mhtaxonomy.model import Code, Fact, Relation

loader = sys.modules["mhtaxonomy.load"]


def overlay(tmp_path: Path, text: str | bytes, name: str = "overlay.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str | bytes) -> DataError:
    """The DataError for an overlay, which must name the overlay file."""
    path = overlay(tmp_path, text)
    with pytest.raises(DataError) as caught:
        read(path)
    assert caught.value.file == str(path)
    assert len(str(caught.value)) < 600, "an error message never echoes a huge value whole"
    return caught.value


def fact(subject: str, relation: str, obj: str, extra: str = "") -> str:
    return (
        f'[[fact]]\nsubject = "{subject}"\nrelation = "{relation}"\nobject = "{obj}"\n'
        f'sources = ["SEED-003"]\n{extra}\n'
    )


def billing_code(extra: str, code: str = "99999") -> str:
    return (
        f'[[billing_code]]\nid = "zz-code"\nname = "Zz code"\nsystem = "cpt"\ncode = "{code}"\n'
        f'sources = ["SEED-003"]\n{extra}\n'
    )


def credential(extra: str) -> str:
    return f'[[credential]]\nid = "zz-cred"\nname = "Zz credential"\ntype = "license"\nsources = ["SEED-003"]\n{extra}\n'


# -- item 1: overlays that load never crash a query later ----------------------------------------


def test_add_on_to_self_loop_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, fact("cpt-90785", "add_on_to", "cpt-90785"))
    assert "add_on_to forms a cycle: cpt-90785 -> cpt-90785" in str(error)
    assert error.record == "cpt-90785.add_on_to.cpt-90785"


def test_add_on_to_cycle_through_shipped_facts_is_refused_and_blames_the_overlay(tmp_path: Path) -> None:
    error = refused(tmp_path, fact("cpt-90791", "add_on_to", "cpt-90785"))
    assert "add_on_to forms a cycle" in str(error)
    assert error.record == "cpt-90791.add_on_to.cpt-90785"


def test_requires_cycle_is_refused(tmp_path: Path) -> None:
    text = (
        credential("")
        + fact("zz-cred", "requires", "physician-license")
        + fact("physician-license", "requires", "zz-cred")
    )
    assert "requires forms a cycle" in str(refused(tmp_path, text))


@pytest.mark.parametrize(
    ("subject", "relation"),
    [("cpt-90833", "excludes"), ("psychiatrist", "refers_to"), ("physician-license", "requires")],
)
def test_self_loops_that_mean_nothing_are_refused(tmp_path: Path, subject: str, relation: str) -> None:
    extra = 'reason = "needs-prescriber-care"' if relation == "refers_to" else ""
    error = refused(tmp_path, fact(subject, relation, subject, extra))
    assert "from an entity to itself" in str(error)
    assert error.field == "object"


def test_cycle_search_finds_every_relations_cycle_and_only_cycles() -> None:
    def facts(*pairs: str) -> list[Fact]:
        return [
            Fact(id=pair, subject=pair[0], relation=Relation.FORM_OF, object=pair[1], sources=("S",))
            for pair in pairs
        ]

    assert _find_cycle(facts("ab", "bc", "ac", "cd")) is None
    cycle = _find_cycle(facts("ab", "bc", "cd", "db"))
    assert cycle is not None and [f.id for f in cycle] == ["bc", "cd", "db"]
    # A long chain is searched without recursion.
    chain = [Fact(id=str(i), subject=str(i), relation=Relation.IS_A, object=str(i + 1), sources=("S",)) for i in range(5000)]
    assert _find_cycle(chain) is None
    looped = [*chain, Fact(id="back", subject="5000", relation=Relation.IS_A, object="0", sources=("S",))]
    found = _find_cycle(looped)
    assert found is not None and len(found) == 5001


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("unit_minutes = 0", "unit_minutes", "out of range"),
        ("min_minutes = -5", "min_minutes", "out of range"),
        ("max_minutes = 100000000", "max_minutes", "out of range"),
        ("min_minutes = 1.5", "min_minutes", "expected a whole number"),
        ('per = "fortnight"', "per", "not a billing period"),
        ('per = ""', "per", "not a billing period"),
    ],
)
def test_billing_code_numbers_and_periods_out_of_range_are_refused(
    tmp_path: Path, extra: str, field: str, words: str
) -> None:
    error = refused(tmp_path, billing_code(extra))
    assert (error.record, error.field) == ("zz-code", field)
    assert words in str(error)


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("hours = -1", "hours", "out of range"),
        ("years = nan", "years", "finite"),
        ("years = inf", "years", "finite"),
        ("years = -inf", "years", "finite"),
        ("years = 1e300", "years", "out of range"),
    ],
)
def test_credential_numbers_must_be_finite_and_in_range(tmp_path: Path, extra: str, field: str, words: str) -> None:
    error = refused(tmp_path, credential(extra))
    assert (error.record, error.field) == ("zz-cred", field)
    assert words in str(error)


def test_every_period_the_billing_rules_limit_is_a_known_period(tax: mht.Taxonomy) -> None:
    assert set(billing._ONCE_PER) <= BILLING_PERIODS
    assert {code.per for code in tax.entities("billing_code")} <= BILLING_PERIODS  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (billing_code("", code=""), "code", "a code is letters and digits"),
        (billing_code("", code="-"), "code", "a code is letters and digits"),
        (credential('aliases = ["-"]'), "aliases", "not a name"),
        (credential('abbreviations = [" "]'), "abbreviations", "name is empty"),
        (credential('description = "Zz\\u0007bell"'), "description", "control character"),
        (credential('codes = ["NUCC:"]'), "codes", "SYSTEM:value"),
        (credential('codes = ["ICD-10-CM:-"]'), "codes", "range LOW-HIGH"),
        (credential('codes = ["ICD-10-CM:F99-F00"]'), "codes", "starts after it ends"),
        (credential('codes = ["ICD-10-CM:F10-F11-F12"]'), "codes", "range LOW-HIGH"),
        (credential('codes = ["ICD-10-CM:F 10"]'), "codes", "a code is letters and digits"),
        ('[[source]]\nid = ""\ntitle = "T"\nquality = "primary"\n', "id", "ids are letters"),
        ('[[source]]\nid = "ZZ-1"\ntitle = ""\nquality = "primary"\n', "title", "name is empty"),
        ('[[source]]\nid = "ZZ-1"\ntitle = "T"\nquality = "primary"\nurl = "javascript:x"\n', "url", "https://"),
        (fact("lcsw", "holds", "msw", 'id = "mine\\nsecond line"'), "id", "control character"),
        (fact("lcsw", "holds", "msw", 'id = "Mine Two"'), "id", "ids are lowercase"),
        ('[[jurisdiction]]\nid = "zz-j"\nname = "Zz j"\ntype = "state"\nusps = "new"\nsources = ["S1"]\n', "usps", "two capital"),
    ],
)
def test_empty_or_meaningless_names_codes_and_ids_are_refused(tmp_path: Path, text: str, field: str, words: str) -> None:
    error = refused(tmp_path, text)
    assert error.field == field
    assert words in str(error)


def test_code_ranges_are_well_formed() -> None:
    assert Code.parse("ICD-10-CM:F32.0-F32.5").matches("F32.1")
    for bad in ("ICD-10-CM:-", "ICD-10-CM:F99-F00", "ICD-10-CM:F32-", "X:a b", ":F32"):
        with pytest.raises(ValueError):
            Code.parse(bad)


# -- item 2: every file problem is a DataError naming the file -------------------------------------


def test_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    assert "not UTF-8 text: byte 16 (line 2) is b'\\xff'" in str(refused(tmp_path, b'[[payer]]\nid = "\xff"\n'))


def test_toml_nested_too_deeply_is_a_data_error_not_recursion_error(tmp_path: Path) -> None:
    assert "nested too deeply" in str(refused(tmp_path, "x = " + "[" * 100_000))


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="a directory, not a data file") as caught:
        read(tmp_path)
    assert caught.value.file == str(tmp_path)


@pytest.mark.parametrize("path", ["", " "])
def test_an_empty_path_is_refused_not_read_as_the_current_directory(path: str) -> None:
    with pytest.raises(DataError, match="an empty path names no file"):
        read(path)



def test_an_empty_pathlib_path_is_the_current_directory_and_refused_as_one() -> None:
    # Path("") is Path("."): nothing tells it from naming the directory.
    with pytest.raises(DataError, match="a directory, not a data file"):
        read(Path(""))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such data file"):
        read(tmp_path / "absent.toml")


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(DataError, match="cannot open the file") as caught:
        read(loop)
    assert caught.value.file == str(loop)


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = overlay(tmp_path, "")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who reads every file (root)")
    with pytest.raises(DataError, match="cannot open the file"):
        read(path)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read(fifo)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "reading a FIFO waited for a writer"
    assert isinstance(outcome[0], DataError) and "named pipe" in str(outcome[0])


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_dev_zero_is_refused_without_reading_it() -> None:
    with pytest.raises(DataError, match="a device, not a data file"):
        read("/dev/zero")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(DataError, match=f"more than the {MAX_FILE_BYTES} a data file may hold"):
        read(path)


def test_an_unknown_field_names_the_field(tmp_path: Path) -> None:
    error = refused(tmp_path, credential('colour = "red"'))
    assert error.field == "colour"
    assert "valid fields are" in str(error) and "'$'" not in str(error)


def _fails_on_a_shipped_record_with_overlay(overlay_name: str) -> object:
    """A stand-in check: a shipped record fails whenever the named overlay is loaded."""

    def check(entities: object, origins: dict[str, str], shipped: set[str]) -> None:
        if any(file.endswith(overlay_name) for file in origins.values()):
            raise DataError("broken by what came later", file="mhtaxonomy/data/professions.toml", record="lcsw", field="name")

    return check


def test_an_overlay_that_breaks_a_shipped_record_is_named_not_the_shipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No shipped record can fail through an overlay today (replacements keep id and kind); the loader
    # still names the overlay should a future check let that happen.
    good = overlay(tmp_path, credential(""), "good.toml")
    bad = overlay(tmp_path, credential("").replace("zz-cred", "zz-other").replace("Zz credential", "Zz other"), "bad.toml")
    monkeypatch.setattr(loader, "_check_labels", _fails_on_a_shipped_record_with_overlay("bad.toml"))
    with pytest.raises(DataError) as caught:
        read(good, bad)
    assert caught.value.file == str(bad)
    assert "this overlay breaks the shipped record 'lcsw' in mhtaxonomy/data/professions.toml" in str(caught.value)
    assert read(good).origins["zz-cred"] == str(good)


@pytest.mark.parametrize(
    ("text", "field", "owner"),
    [
        ('[[code_system]]\nid = "zz-sys"\nname = "Zz"\nabbreviations = ["NUCC"]\nsources = ["SEED-003"]\n', "abbreviations", "nucc"),
        ('[[code_system]]\nid = "zz-sys"\nname = "n.u.c.c."\nsources = ["SEED-003"]\n', "name", "nucc"),
        ('[[payer]]\nid = "zz-medicare"\nname = "Medicare"\ntype = "public"\nsources = ["SEED-003"]\n', "name", "medicare"),
        ('[[payer]]\nid = "zz-p"\nname = "Zz p"\naliases = ["LCSW"]\ntype = "public"\nsources = ["SEED-003"]\n', "aliases", "lcsw"),
        (billing_code("", code="90837"), "code", "cpt-90837"),
    ],
)
def test_an_overlay_cannot_take_over_a_shipped_label(tmp_path: Path, text: str, field: str, owner: str) -> None:
    error = refused(tmp_path, text)
    assert error.field == field
    assert f"already names the shipped" in str(error) and repr(owner) in str(error)
    assert "replace = true" in str(error)


# -- item 3: bounded cost ---------------------------------------------------------------------------


def test_a_fact_table_expanding_to_millions_of_facts_is_refused(tmp_path: Path) -> None:
    subjects = ", ".join(f'"s{i}"' for i in range(2000))
    objects = ", ".join(f'"o{i}"' for i in range(2000))
    text = f'[[fact]]\nsubject = [{subjects}]\nrelation = "holds"\nobject = [{objects}]\nsources = ["S1"]\n'
    error = refused(tmp_path, text)
    assert f"states 4000000 facts; one table may state at most {MAX_PAIRS_PER_TABLE}" in str(error)


def test_the_whole_dataset_is_bounded_in_facts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_FACTS", 840)
    text = '[[fact]]\nsubject = ["lcsw", "lpc", "lmft", "psychiatrist", "pmhnp", "clinical-psychologist"]\nrelation = "holds"\nobject = "zz-cred"\nsources = ["S1"]\n'
    assert "more than 840 facts in all" in str(refused(tmp_path, credential("") + text))


def test_a_huge_wrong_value_is_never_echoed_whole(tmp_path: Path) -> None:
    huge = "x" * 5_000_000
    for text in (
        credential(f'years = "{huge}"'),
        credential(f"hours = [{', '.join(['1'] * 100_000)}]"),
        fact("lcsw", "holds", huge),
        f'[[{huge[:100_000]}]]\nid = "x"\n',
        credential(f'codes = ["ICD-10-CM:- {huge}"]'),
    ):
        error = refused(tmp_path, text)
        assert "characters)" in str(error)


def test_a_ten_megabyte_overlay_is_refused_by_size(tmp_path: Path) -> None:
    error = refused(tmp_path, credential(f'note = "{"x" * 10_000_000}"'))
    assert "a data file may hold" in str(error)


# -- item 7: explicit overrides ---------------------------------------------------------------------


def test_replace_changes_a_shipped_record_and_origins_name_the_overlay(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        '[[payer]]\nid = "medicare"\nname = "Medicare (our contract)"\ntype = "public"\n'
        'replace = true\nsources = ["SEED-003"]\n',
    )
    data = read(path)
    assert data.entities["medicare"].name == "Medicare (our contract)"
    assert data.origins["medicare"] == str(path)
    assert data.origins["lcsw"] == "mhtaxonomy/data/professions.toml"
    assert mht.load(path).get("Medicare (our contract)").id == "medicare"


def test_replaced_and_added_facts_show_their_overlay_in_why(tmp_path: Path, tax: mht.Taxonomy) -> None:
    replaced_id = "lcsw.holds.clinical-social-work-license"
    assert tax.fact(replaced_id).origin is None
    path = overlay(
        tmp_path,
        fact("lcsw", "holds", "clinical-social-work-license", 'replace = true\nnote = "Our board reads it so."')
        + '[[profession]]\nid = "zz-counsellor"\nname = "Zz counsellor"\nsources = ["SEED-003"]\n'
        + fact("zz-counsellor", "holds", "clinical-social-work-license"),
    )
    layered = mht.load(path)
    assert layered.fact(replaced_id).note == "Our board reads it so."
    assert read(path).origins[replaced_id] == str(path)
    answer = layered.who_can_provide("psychotherapy")
    for member, overlay_fact in (("lcsw", replaced_id), ("zz-counsellor", "zz-counsellor.holds.clinical-social-work-license")):
        explanation = answer.why(member)
        assert [f.origin for f in explanation if f.id == overlay_fact] == [str(path)]
        assert f"from overlay: {path}" in str(explanation)
        facts = explanation.to_dict()["facts"]
        assert {f["origin"] for f in facts if f["id"] == overlay_fact} == {str(path)}
    # Shipped facts name no overlay.
    assert "from overlay" not in str(tax.who_can_provide("psychotherapy").why("lcsw"))


def test_replace_that_names_nothing_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, credential("replace = true"))
    assert (error.field, error.record) == ("replace", "zz-cred")
    assert "names nothing" in str(error)
    assert "names nothing" in str(refused(tmp_path, fact("lcsw", "holds", "phd", "replace = true")))


def test_replace_must_keep_the_kind(tmp_path: Path) -> None:
    text = '[[credential]]\nid = "lcsw"\nname = "Zz"\ntype = "license"\nreplace = true\nsources = ["S1"]\n'
    assert "'lcsw' is a profession; its replacement must be one too" in str(refused(tmp_path, text))


def test_replace_must_be_true_or_false(tmp_path: Path) -> None:
    error = refused(tmp_path, credential('replace = "yes"'))
    assert error.field == "replace" and "true or false" in str(error)


def test_a_plain_duplicate_of_a_shipped_record_stays_an_error_and_says_how_to_replace(tmp_path: Path) -> None:
    error = refused(tmp_path, '[[payer]]\nid = "medicare"\nname = "Zz"\ntype = "public"\nsources = ["S1"]\n')
    assert "duplicate id" in str(error) and "replace = true" in str(error)


def test_replace_twice_in_one_file_is_a_duplicate(tmp_path: Path) -> None:
    one = '[[payer]]\nid = "medicare"\nname = "Medicare"\ntype = "public"\nreplace = true\nsources = ["S1"]\n'
    assert "duplicate id in the same file" in str(refused(tmp_path, one + one))


def test_a_replacement_is_checked_like_any_record(tmp_path: Path) -> None:
    text = '[[payer]]\nid = "medicare"\nname = "Medicare"\ntype = "public"\nreplace = true\nsources = ["NOPE"]\n'
    assert "unknown source 'NOPE'" in str(refused(tmp_path, text))


# -- the command ------------------------------------------------------------------------------------


def run_command(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mhtaxonomy.load", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_load_command_says_ok_or_prints_the_data_error(tmp_path: Path) -> None:
    good = run_command(overlay(tmp_path, credential(""), "good.toml"))
    assert good.returncode == 0
    assert good.stdout.startswith("OK: ")
    bad = run_command(overlay(tmp_path, fact("lcsw", "holds", "msw", 'id = "a\\u001b[31mb"'), "bad.toml"))
    assert bad.returncode == 2 and bad.stdout == ""
    assert "error: " in bad.stderr and "bad.toml" in bad.stderr
    assert "\x1b" not in bad.stderr, "terminal control characters are escaped"
