"""Marriage and family therapy cells of the state layer (issue 12, branch mft)."""

import pytest


@pytest.mark.parametrize(
    ("state", "tier"),
    [
        ("us-tx", "texas-lmft-associate-license"),
        ("us-va", "virginia-mft-resident-license"),
        ("us-fl", "florida-mft-intern-registration"),
        ("us-nc", "north-carolina-lmfta-license"),
    ],
)
def test_tier_is_sourced(grid, state, tier):
    cell = grid.cell(state, "lmft", "tier")
    assert cell.status == "sourced"
    assert cell.answer == (tier,)
    assert cell.sources


@pytest.mark.parametrize(
    ("state", "hours", "years"),
    [
        ("us-tx", 3000, 2),
        ("us-mn", 4000, 2),
        ("us-va", 3400, None),
        ("us-az", 1600, 2),
    ],
)
def test_experience_hours(tax, grid, state, hours, years):
    cell = grid.cell(state, "lmft", "experience")
    assert cell.status == "sourced"
    (experience,) = cell.answer
    credential = tax.get(experience)
    assert credential.hours == hours
    assert credential.years == years


def test_associate_authorizes_only_supervised_psychotherapy(tax):
    facts = tax.where(jurisdiction="us-mn").facts("minnesota-lamft-license", "authorizes", "psychotherapy")
    assert facts
    assert all(f.supervised for f in facts)


def test_sourced_cells_are_no_longer_marked_unknown(grid):
    for state in ("us-ak", "us-ga", "us-ky", "us-ut"):
        assert grid.cell(state, "lmft", "tier").status == "sourced"
        assert grid.cell(state, "lmft", "experience").status == "sourced"


def test_tier_does_not_leak_to_other_states(grid):
    assert "texas-lmft-associate-license" not in grid.cell("us-ok", "lmft", "tier").answer


@pytest.mark.parametrize("state", ["us-ma", "us-nh", "us-sd", "us-hi", "us-dc"])
def test_states_without_an_associate_credential(grid, state):
    cell = grid.cell(state, "lmft", "tier")
    assert cell.status == "sourced"
    assert cell.answer == ("no-state-associate-licence",)


def test_lower_tier_licences_in_kansas_and_ohio(grid):
    assert grid.cell("us-ks", "lmft", "tier").answer == ("kansas-lmft-license",)
    assert grid.cell("us-oh", "lmft", "tier").answer == ("ohio-mft-license",)


def test_every_mft_tier_and_experience_cell_cites_a_stored_source(tax, grid):
    known = {source.id for source in tax.sources()} if hasattr(tax, "sources") else None
    for cell in grid:
        if cell.profession == "lmft" and cell.question in ("tier", "experience") and cell.status == "sourced":
            assert cell.sources
            if known is not None:
                assert set(cell.sources) <= known


def test_unsourced_mft_cells_remain_unknown(grid):
    assert grid.cell("us-me", "lmft", "experience").status == "unknown"
