"""Counselor and MFT tier and experience cells sourced on the cnmft branch (issue 12)."""

import pytest

import mhtaxonomy as mht


@pytest.fixture(scope="module")
def tax():
    return mht.load()


@pytest.fixture(scope="module")
def grid(tax):
    return tax.coverage()


@pytest.mark.parametrize(
    ("state", "profession", "tier"),
    [
        ("us-ar", "lpc", "cnm-arkansas-lac-license"),
        ("us-de", "lpc", "cnm-delaware-lacmh-license"),
        ("us-fl", "lpc", "cnm-florida-rmhci-registration"),
        ("us-nc", "lpc", "cnm-north-carolina-lcmhca-license"),
        ("us-hi", "lpc", "no-state-associate-licence"),
        ("us-ma", "lpc", "no-state-associate-licence"),
    ],
)
def test_cnmft_tier(grid, state, profession, tier):
    cell = grid.cell(state, profession, "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer


@pytest.mark.parametrize(
    ("state", "profession", "experience", "hours", "years"),
    [
        ("us-ar", "lpc", "cnm-ar-counselor-supervised-experience", 3000, 3),
        ("us-de", "lpc", "cnm-de-counselor-supervised-experience", 3200, 2),
        ("us-fl", "lpc", "cnm-fl-counselor-supervised-experience", 1500, 2),
        ("us-ma", "lpc", "cnm-ma-counselor-supervised-experience", 3360, 2),
        ("us-nc", "lpc", "cnm-nc-counselor-supervised-experience", 3000, None),
    ],
)
def test_cnmft_experience(tax, grid, state, profession, experience, hours, years):
    cell = grid.cell(state, profession, "experience")
    assert cell.status == "sourced"
    assert experience in cell.answer
    record = tax.get(experience)
    assert record.hours == hours
    assert record.years == years


def test_cnmft_markers_dropped(grid):
    for cell in grid.cells:
        if cell.status == "sourced" and cell.question in ("tier", "experience"):
            assert all(not f.object.endswith("-not-sourced") for f in cell.facts)
