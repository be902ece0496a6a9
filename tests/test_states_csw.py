"""Clinical social work cells of the state layer (issue 12, branch csw)."""

import pytest


EXPERIENCE = [
    # state, experience credential, hours, years
    ("us-nm", "nm-csw-supervised-experience", 3600, 2),
    ("us-ar", "csw-4000-hour-two-year-supervised-experience", 4000, 2),
    ("us-az", "csw-3200-hour-two-year-supervised-experience", 3200, 2),
    ("us-ca", "social-work-supervised-experience", 3000, 2),
    ("us-co", "csw-two-year-supervised-experience", None, 2),
    ("us-ct", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-dc", "social-work-supervised-experience", 3000, 2),
    ("us-fl", "fl-csw-supervised-experience", 1500, 2),
    ("us-ga", "ga-csw-supervised-experience", 3000, 3),
    ("us-hi", "social-work-supervised-experience", 3000, 2),
    ("us-id", "social-work-supervised-experience", 3000, 2),
    ("us-il", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-in", "csw-two-year-supervised-experience", None, 2),
    ("us-ky", "csw-two-year-supervised-experience", None, 2),
    ("us-la", "social-work-supervised-experience", 3000, 2),
    ("us-ma", "csw-3500-hour-two-year-supervised-experience", 3500, 2),
    ("us-me", "csw-3200-hour-two-year-supervised-experience", 3200, 2),
    ("us-mo", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-ms", "csw-two-year-supervised-experience", None, 2),
    ("us-mt", "social-work-supervised-experience", 3000, 2),
    ("us-nc", "social-work-supervised-experience", 3000, 2),
    ("us-nd", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-ok", "csw-4000-hour-two-year-supervised-experience", 4000, 2),
    ("us-or", "csw-3500-hour-two-year-supervised-experience", 3500, 2),
    ("us-pa", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-nh", "social-work-supervised-experience", 3000, 2),
    ("us-nj", "social-work-supervised-experience", 3000, 2),
    ("us-nv", "social-work-supervised-experience", 3000, 2),
    ("us-ri", "social-work-supervised-experience", 3000, 2),
    ("us-sd", "csw-two-year-supervised-experience", None, 2),
    ("us-vt", "csw-3000-hour-supervised-experience", 3000, None),
    ("us-wa", "social-work-supervised-experience", 3000, 2),
    ("us-wv", "social-work-supervised-experience", 3000, 2),
    ("us-wy", "csw-3000-hour-supervised-experience", 3000, None),
]


def test_nebraska_clinical_experience_stays_unknown(grid):
    # Nebraska's clinical social work runs through the mental health practitioner licences, not a clinical social work licence
    assert grid.cell("us-ne", "lcsw", "experience").status == "unknown"


@pytest.mark.parametrize(("state", "experience", "hours", "years"), EXPERIENCE)
def test_clinical_experience_is_sourced(tax, grid, state, experience, hours, years):
    cell = grid.cell(state, "lcsw", "experience")
    assert cell.status == "sourced"
    assert cell.answer == (experience,)
    assert cell.sources
    found = tax.get(experience)
    assert found.hours == hours
    assert found.years == years


def test_new_mexico_clinical_title_is_lisw(tax, grid):
    cell = grid.cell("us-nm", "lcsw", "title")
    assert cell.status == "sourced"
    assert cell.answer == ("lisw-license",)
    assert "lisw-license" in tax.where(jurisdiction="us-nm").titles("lcsw").ids
