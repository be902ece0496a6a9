"""Social work cells of the state layer (issue 12, branch sw2)."""

import mhtaxonomy as mht
import pytest


@pytest.fixture(scope="module")
def tax():
    return mht.load()


@pytest.fixture(scope="module")
def grid(tax):
    return tax.coverage()


@pytest.mark.parametrize("state", ["us-tx", "us-va"])
def test_masters_exam_is_sourced(grid, state):
    cell = grid.cell(state, "lmsw", "exam")
    assert cell.status == "sourced"
    assert cell.answer == ("aswb-masters",)
    assert cell.sources


def test_virginia_masters_title(tax):
    assert "lmsw-license" in tax.where(jurisdiction="us-va").titles("lmsw").ids


@pytest.mark.parametrize(
    ("state", "experience", "hours"),
    [("us-tx", "tx-csw-supervised-experience", 3000), ("us-va", "va-csw-supervised-experience", 3000)],
)
def test_clinical_experience_is_sourced(tax, grid, state, experience, hours):
    cell = grid.cell(state, "lcsw", "experience")
    assert cell.status == "sourced"
    assert cell.answer == (experience,)
    assert tax.get(experience).hours == hours
