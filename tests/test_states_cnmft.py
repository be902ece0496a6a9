"""Counselor and MFT tier and experience cells sourced on the cnmft branch (issue 12)."""

import pytest


TIERS = [
    ("us-ar", "lpc", "cnm-arkansas-lac-license"),
    ("us-de", "lpc", "cnm-delaware-lacmh-license"),
    ("us-fl", "lpc", "cnm-florida-rmhci-registration"),
    ("us-nc", "lpc", "cnm-north-carolina-lcmhca-license"),
    ("us-nh", "lpc", "cnm-new-hampshire-lcmhc-candidate"),
    ("us-ri", "lpc", "cnm-rhode-island-lcmhca-license"),
    ("us-tn", "lpc", "cnm-tennessee-temporary-lpc-mhsp-license"),
    ("us-ut", "lpc", "cnm-utah-acmhc-license"),
    ("us-vt", "lpc", "cnm-vermont-psychotherapist-roster"),
    ("us-vt", "lmft", "cnm-vermont-psychotherapist-roster"),
    ("us-pa", "lmft", "cnm-pennsylvania-lamft-license"),
    ("us-hi", "lpc", "no-state-associate-licence"),
    ("us-ma", "lpc", "no-state-associate-licence"),
]

EXPERIENCES = [
    ("us-ar", "lpc", "cnm-ar-counselor-supervised-experience", 3000, 3),
    ("us-de", "lpc", "cnm-de-counselor-supervised-experience", 3200, 2),
    ("us-fl", "lpc", "cnm-fl-counselor-supervised-experience", 1500, 2),
    ("us-ma", "lpc", "cnm-counselor-experience-3360h-2y", 3360, 2),
    ("us-nc", "lpc", "cnm-counselor-experience-3000h", 3000, None),
    ("us-nh", "lpc", "counselor-supervised-experience", 3000, 2),
    ("us-ri", "lpc", "cnm-ri-counselor-supervised-experience", 2000, 2),
    ("us-ut", "lpc", "cnm-ut-counselor-supervised-experience", 1200, None),
    ("us-vt", "lpc", "counselor-supervised-experience", 3000, 2),
    ("us-il", "lpc", "cnm-counselor-experience-3360h-2y", 3360, 2),
    ("us-in", "lpc", "counselor-supervised-experience", 3000, 2),
    ("us-ks", "lpc", "cnm-counselor-experience-3000h", 3000, None),
    ("us-me", "lpc", "counselor-supervised-experience", 3000, 2),
    ("us-ms", "lpc", "cnm-ms-counselor-supervised-experience", 3000, 1.5),
    ("us-nd", "lpc", "cnm-nd-counselor-supervised-experience", 400, 2),
    ("us-oh", "lpc", "counselor-supervised-experience", 3000, 2),
    ("us-va", "lpc", "cnm-va-counselor-supervised-experience", 3400, 1.75),
    ("us-wa", "lpc", "cnm-counselor-experience-3000h", 3000, None),
    ("us-wi", "lpc", "cnm-counselor-experience-3000h", 3000, None),
    ("us-wy", "lpc", "cnm-counselor-experience-3000h", 3000, None),
    ("us-ar", "lmft", "cnm-ar-mft-supervised-experience", 3000, None),
]

NATIONAL = {"lpc": "professional-counselor-license", "lmft": "mft-license"}
MARKERS = {"tier": "state-pre-licensure-tier-not-sourced", "experience": "state-supervised-experience-not-sourced"}


@pytest.mark.parametrize(("state", "profession", "tier"), TIERS)
def test_cnmft_tier(grid, state, profession, tier):
    cell = grid.cell(state, profession, "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer


@pytest.mark.parametrize(("state", "profession", "experience", "hours", "years"), EXPERIENCES)
def test_cnmft_experience(tax, grid, state, profession, experience, hours, years):
    cell = grid.cell(state, profession, "experience")
    assert cell.status == "sourced"
    assert experience in cell.answer
    record = tax.get(experience)
    assert record.hours == hours
    assert record.years == years


@pytest.mark.parametrize(
    ("state", "profession", "question"),
    [(s, p, "tier") for s, p, _ in TIERS] + [(s, p, "experience") for s, p, *_ in EXPERIENCES],
)
def test_cnmft_marker_dropped(tax, state, profession, question):
    for fact in tax.facts(NATIONAL[profession], "requires"):
        if fact.object == MARKERS[question]:
            assert state not in fact.jurisdictions


@pytest.mark.parametrize("state", ["us-me", "us-nd"])
def test_cnmft_mft_experience_left_unknown(grid, state):
    # No source read gave the MFT supervised-experience figures for these states.
    assert grid.cell(state, "lmft", "experience").status == "unknown"
