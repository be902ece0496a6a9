"""Psychologist licence cells sourced on the psyb branch (issue 12)."""

import pytest



EXPERIENCE = [
    # state, credential, hours, years
    ("us-ne", "psyb-psych-internship-plus-postdoctoral-year", None, 2),
    ("us-nv", "psyb-nv-psych-supervised-experience", 1750, 2),
    ("us-ok", "psyb-psych-internship-plus-postdoctoral-year", None, 2),
    ("us-sd", "psyb-psych-internship-plus-postdoctoral-year", None, 2),
    ("us-wv", "psyb-psych-internship-plus-postdoctoral-year", None, 2),
    ("us-ri", "psyb-psych-3000-hours-half-postdoctoral", 3000, 2),
    ("us-sc", "psyb-psych-3000-hours-half-postdoctoral", 3000, 2),
    ("us-nh", "psyb-psych-3000-hours-half-postdoctoral", 3000, 2),
    ("us-nm", "psyb-nm-psych-supervised-experience", 3000, 2),
    ("us-tn", "psyb-tn-psych-hsp-supervised-experience", 3800, None),
    ("us-vt", "psyb-vt-psych-supervised-practice", 4000, None),
    ("us-wi", "psyb-wi-psych-supervised-experience", 3000, None),
]

TIERS = [
    ("us-ne", "psyb-nebraska-provisional-psychologist"),
    ("us-nv", "psyb-nevada-psychological-assistant"),
    ("us-ut", "psyb-utah-certified-psychology-resident"),
    ("us-sd", "psyb-south-dakota-provisional-psychologist"),
    ("us-wv", "psyb-west-virginia-supervised-psychologist"),
    ("us-ri", "psyb-rhode-island-psychology-temporary-permit"),
    ("us-tn", "psyb-tennessee-provisional-psychologist"),
    ("us-vt", "psyb-vermont-rostered-psychotherapist"),
    ("us-wi", "psyb-wisconsin-interim-psychologist"),
    ("us-va", "psyb-virginia-psychology-resident"),
    ("us-nd", "psyb-north-dakota-psychology-resident"),
    ("us-oh", "psyb-ohio-registered-psychology-supervisee"),
    ("us-ny", "psyb-new-york-psychology-limited-permit"),
    ("us-nj", "psyb-new-jersey-supervised-temporary-permit"),
    ("us-wa", "psyb-washington-licensed-psychological-associate"),
    ("us-wy", "psyb-wyoming-provisional-psychologist"),
    ("us-ok", "psyb-oklahoma-practice-under-supervision-approval"),
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
    assert cell.answer == (tier,)


@pytest.mark.parametrize("state", ["us-pa"])
def test_unsourced_psychologist_tier_stays_unknown(grid, state):
    assert grid.cell(state, "psychologist", "tier").status == "unknown"
