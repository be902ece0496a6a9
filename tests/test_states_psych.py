"""Psychologist licence cells sourced on the psych2 branch (issue 12)."""

import pytest

import mhtaxonomy as mht


@pytest.fixture(scope="module")
def tax():
    return mht.load()


@pytest.mark.parametrize(
    ("state", "credential", "years"),
    [
        ("us-az", "psych-two-year-predoctoral-experience", 2),
        ("us-oh", "psych-two-year-predoctoral-experience", 2),
        ("us-wa", "psych-two-year-predoctoral-experience", 2),
    ],
)
def test_psychologist_experience_sourced(tax, state, credential, years):
    cell = tax.coverage().cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert credential in cell.answer
    assert tax.get(credential).years == years


def test_unsourced_psychologist_experience_stays_unknown(tax):
    assert tax.coverage().cell("us-ny", "psychologist", "experience").status == "unknown"
