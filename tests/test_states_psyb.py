"""Psychologist licence cells sourced on the psyb branch (issue 12)."""

import pytest

import mhtaxonomy as mht


@pytest.fixture(scope="module")
def tax():
    return mht.load()


EXPERIENCE = [
    # state, credential, hours, years
    ("us-ne", "psyb-ne-psych-supervised-experience", None, 2),
    ("us-nv", "psyb-nv-psych-supervised-experience", 1750, 2),
]

TIERS = [
    ("us-ne", "psyb-nebraska-provisional-psychologist"),
    ("us-nv", "psyb-nevada-psychological-assistant"),
    ("us-ut", "psyb-utah-certified-psychology-resident"),
]


@pytest.mark.parametrize(("state", "credential", "hours", "years"), EXPERIENCE)
def test_psychologist_experience_sourced(tax, state, credential, hours, years):
    cell = tax.coverage().cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert credential in cell.answer
    assert tax.get(credential).hours == hours
    assert tax.get(credential).years == years


@pytest.mark.parametrize(("state", "tier"), TIERS)
def test_psychologist_tier_sourced(tax, state, tier):
    cell = tax.coverage().cell(state, "psychologist", "tier")
    assert cell.status == "sourced"
    assert cell.answer == (tier,)
