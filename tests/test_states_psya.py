"""Psychologist licence cells sourced on the psya branch (issue 12)."""

import pytest



@pytest.mark.parametrize(
    ("state", "credential", "hours", "years"),
    [
        ("us-ak", "psya-ak-psych-postdoctoral-experience", 1500, 1),
        ("us-ar", "psya-ar-psych-supervised-experience", 4000, 2),
        ("us-co", "psya-co-psych-postdoctoral-experience", 1500, 1),
        ("us-dc", "psya-dc-psych-practice-experience", 4000, 2),
        ("us-al", "psya-al-psych-internship", None, 1),
        ("us-de", "psya-de-psych-postdoctoral-experience", 1500, 1),
        ("us-hi", "psya-hi-psych-postdoctoral-experience", 1900, 1),
        ("us-ia", "psya-ia-psych-supervised-experience", 1500, 1),
        ("us-ks", "psya-ks-psych-supervised-experience", None, 2),
        ("us-id", "psya-id-psych-supervised-experience", None, 2),
        ("us-la", "psya-la-psych-supervised-experience", 4000, 2),
        ("us-me", "psya-me-psych-supervised-experience", 3000, 2),
        ("us-ms", "psya-ms-psych-supervised-experience", 4000, 2),
        ("us-mt", "psya-mt-psych-supervised-experience", 3200, 2),
    ],
)
def test_psychologist_experience_sourced(tax, grid, state, credential, hours, years):
    cell = grid.cell(state, "psychologist", "experience")
    assert cell.status == "sourced"
    assert credential in cell.answer
    assert tax.get(credential).hours == hours
    assert tax.get(credential).years == years


@pytest.mark.parametrize(
    ("state", "tier"),
    [
        ("us-ak", "psya-alaska-temporary-psychologist-license"),
        ("us-ar", "psya-arkansas-provisionally-licensed-psychologist"),
        ("us-fl", "psya-florida-provisional-psychology-licensee"),
        ("us-co", "psya-colorado-psychologist-candidate"),
        ("us-dc", "no-state-associate-licence"),
        ("us-al", "no-state-associate-licence"),
        ("us-de", "psya-delaware-psychological-assistant"),
        ("us-ga", "psya-georgia-provisional-psychology-license"),
        ("us-hi", "psya-hawaii-associate-psychologist-provisional-license"),
        ("us-ia", "psya-iowa-provisional-license-in-psychology"),
        ("us-ks", "psya-kansas-temporary-psychologist-license"),
        ("us-ky", "psya-kentucky-temporarily-licensed-psychologist"),
        ("us-la", "psya-louisiana-provisional-licensed-psychologist"),
        ("us-mi", "psya-michigan-doctoral-educational-limited-license"),
        ("us-me", "psya-maine-conditional-psychologist-license"),
        ("us-mt", "psya-montana-postdoctoral-supervisee-license"),
        ("us-az", "psya-arizona-supervised-temporary-license"),
        ("us-ct", "psya-connecticut-postdoctoral-training-permit"),
        ("us-md", "psya-maryland-registered-psychology-associate"),
        ("us-mn", "no-state-associate-licence"),
    ],
)
def test_psychologist_tier_sourced(grid, state, tier):
    cell = grid.cell(state, "psychologist", "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer
