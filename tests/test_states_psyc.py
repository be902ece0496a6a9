"""Psychologist licence cells sourced on the psyc branch (issue 12)."""

import pytest



EXPERIENCE = [
    # state, credential, hours, years
    ("us-ky", "psyc-ky-psych-supervised-experience", 3600, None),
    ("us-mi", "psyc-mi-psych-postdoctoral-experience", 2000, 1),
]

TIERS = [
    # state, answer
    ("us-il", "no-state-associate-licence"),
    ("us-ma", "no-state-associate-licence"),
    ("us-nm", "no-state-associate-licence"),
    ("us-sc", "no-state-associate-licence"),
    ("us-nh", "no-state-associate-licence"),
]


@pytest.mark.parametrize(("state", "credential", "hours", "years"), EXPERIENCE)
def test_psychologist_experience_sourced(tax, grid, state, credential, hours, years):
    cell = grid.cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert credential in cell.answer
    assert tax.get(credential).hours == hours
    assert tax.get(credential).years == years


@pytest.mark.parametrize(("state", "tier"), TIERS)
def test_psychologist_tier_sourced(grid, state, tier):
    cell = grid.cell(state, "psychologist", "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer
