"""Social work cells of the state layer (issue 12, branch sw2)."""

import pytest


@pytest.mark.parametrize("state", ["us-tx", "us-va", "us-wi"])
def test_masters_exam_is_sourced(grid, state):
    cell = grid.cell(state, "lmsw", "exam")
    assert cell.status == "sourced"
    assert cell.answer == ("aswb-masters",)
    assert cell.sources


def test_virginia_masters_title(tax):
    assert "lmsw-license" in tax.where(jurisdiction="us-va").titles("lmsw").ids


@pytest.mark.parametrize(
    ("state", "experience", "hours"),
    [
        ("us-tx", "tx-csw-supervised-experience", 3000),
        ("us-va", "va-csw-supervised-experience", 3000),
        ("us-wi", "wi-csw-supervised-experience", 3000),
        ("us-ut", "ut-csw-supervised-experience", 4000),
    ],
)
def test_clinical_experience_is_sourced(tax, grid, state, experience, hours):
    cell = grid.cell(state, "lcsw", "experience")
    assert cell.status == "sourced"
    assert cell.answer == (experience,)
    assert tax.get(experience).hours == hours


@pytest.mark.parametrize(("state", "title"), [("us-wi", "apsw-license"), ("us-ut", "utah-csw-license")])
def test_masters_title_is_sourced(grid, state, title):
    cell = grid.cell(state, "lmsw", "title")
    assert cell.status == "sourced"
    assert title in cell.answer


def test_utah_masters_exam_stays_unknown(grid):
    # a Utah CSW may sit either the Master's or the Clinical exam
    assert grid.cell("us-ut", "lmsw", "exam").status == "unknown"
