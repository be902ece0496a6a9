"""Psychologist licence cells sourced on the psych2 branch (issue 12)."""

import pytest



@pytest.mark.parametrize(
    ("state", "credential", "years"),
    [
        ("us-az", "psych-two-year-predoctoral-experience", 2),
        ("us-oh", "psych-two-year-predoctoral-experience", 2),
        ("us-wa", "psych-two-year-predoctoral-experience", 2),
        ("us-il", "il-psych-supervised-experience", 2),
        ("us-nj", "nj-psych-supervised-experience", 2),
    ],
)
def test_psychologist_experience_sourced(tax, grid, state, credential, years):
    cell = grid.cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert credential in cell.answer
    assert tax.get(credential).years == years


def test_an_unsourced_cell_stays_unknown(grid):
    # California issues no master's social work licence, so this cell has no answer to source.
    assert grid.cell("us-ca", "lmsw", "title").status == "unknown"


@pytest.mark.parametrize(
    ("state", "credential", "hours"),
    [
        ("us-tx", "tx-psych-supervised-experience", 3500),
        ("us-ca", "ca-psych-supervised-experience", 3000),
        ("us-fl", "fl-psych-supervised-experience", 4000),
        ("us-ny", "ny-psych-supervised-experience", 3500),
        ("us-pa", "pa-psych-supervised-experience", 1750),
        ("us-ga", "ga-psych-postdoctoral-experience", 1500),
        ("us-va", "va-clinical-psych-residency", 1500),
        ("us-ma", "ma-psych-supervised-experience", 3200),
        ("us-nc", "nc-psych-supervised-experience", 3000),
    ],
)
def test_psychologist_experience_hours(tax, grid, state, credential, hours):
    cell = grid.cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert [tax.get(i).hours for i in cell.answer] == [hours]


@pytest.mark.parametrize(
    ("state", "tier"),
    [
        ("us-tx", "texas-provisionally-licensed-psychologist"),
        ("us-ca", "california-registered-psychological-associate"),
        ("us-mo", "missouri-provisional-licensed-psychologist"),
        ("us-or", "oregon-psychologist-resident"),
        ("us-nc", "north-carolina-provisionally-licensed-psychologist"),
    ],
)
def test_psychologist_tier_sourced(grid, state, tier):
    cell = grid.cell(state, "psychologist", "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer
