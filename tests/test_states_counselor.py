"""Professional counselor cells sourced on the counselor branch (issue 12)."""

import pytest



@pytest.mark.parametrize(
    ("state", "title"),
    [
        ("us-sd", "lpc-mh-license"),
        ("us-ne", "lmhp-license"),
        ("us-mn", "lpcc-license"),
        ("us-ms", "lpc-license"),
        ("us-ky", "lpcc-license"),
        ("us-nj", "lpc-license"),
        ("us-mt", "lcpc-license"),
        ("us-va", "lpc-license"),
        ("us-me", "lcpc-license"),
        ("us-nd", "lpc-license"),
        ("us-nm", "lpcc-license"),
        ("us-or", "lpc-license"),
        ("us-pa", "lpc-license"),
        ("us-sc", "lpc-license"),
        ("us-tn", "lpc-mhsp-license"),
        ("us-wi", "lpc-license"),
        ("us-la", "lpc-license"),
        ("us-ok", "lpc-license"),
        ("us-wv", "lpc-license"),
        ("us-dc", "lpc-license"),
        ("us-mi", "lpc-license"),
        ("us-mo", "lpc-license"),
        ("us-nv", "cpc-license"),
    ],
)
def test_state_counselor_title(tax, grid, state, title):
    assert tax.where(jurisdiction=state).titles("lpc").ids == {title}
    assert grid.cell(state, "lpc", "title").status == "sourced"


@pytest.mark.parametrize(
    ("state", "tier"),
    [
        ("us-sd", "south-dakota-lpc-license"),
        ("us-ne", "nebraska-plmhp-license"),
        ("us-mn", "minnesota-lpc-license"),
        ("us-ms", "mississippi-plpc-license"),
        ("us-ky", "kentucky-lpca-license"),
        ("us-nj", "new-jersey-lac-license"),
        ("us-mt", "montana-pclc-license"),
        ("us-va", "virginia-resident-in-counseling"),
        ("us-me", "maine-lcpc-conditional-license"),
        ("us-nd", "north-dakota-lapc-license"),
        ("us-nm", "new-mexico-lmhc-license"),
        ("us-or", "oregon-registered-associate"),
        ("us-pa", "pennsylvania-lapc-license"),
        ("us-sc", "south-carolina-lpc-associate-license"),
        ("us-wi", "wisconsin-lpc-training-license"),
        ("us-la", "louisiana-plpc-license"),
        ("us-ok", "oklahoma-lpc-candidate"),
        ("us-wv", "west-virginia-provisional-counselor-license"),
        ("us-dc", "dc-lgpc-license"),
        ("us-mi", "michigan-limited-counselor-license"),
        ("us-mo", "missouri-plpc-license"),
        ("us-nv", "nevada-cpc-intern-license"),
    ],
)
def test_state_counselor_tier(grid, state, tier):
    cell = grid.cell(state, "lpc", "tier")
    assert cell.status == "sourced"
    assert tier in cell.answer


@pytest.mark.parametrize(
    ("state", "hours"),
    [("us-sd", 2000), ("us-ne", 3000), ("us-mn", 4000), ("us-nj", 4500), ("us-mt", 3000), ("us-nm", 3000), ("us-or", 2400), ("us-pa", 3000), ("us-sc", 1500), ("us-tn", 3000), ("us-la", 3000), ("us-ok", 3000), ("us-wv", 3000), ("us-dc", 3500), ("us-mi", 3000), ("us-mo", 3000), ("us-nv", 3000), ("us-ky", 4000)],
)
def test_state_counselor_experience_hours(tax, grid, state, hours):
    cell = grid.cell(state, "lpc", "experience")
    assert cell.status == "sourced"
    assert [tax.get(i).hours for i in cell.answer] == [hours]


def test_new_jersey_lac_practises_only_under_supervision(tax):
    view = tax.where(jurisdiction="us-nj")
    facts = [f for f in view.facts() if f.subject == "new-jersey-lac-license" and f.relation.value == "authorizes"]
    assert facts and all(f.supervised for f in facts)


def test_every_counselor_cell_is_sourced_and_cites_its_sources(grid):
    # the last unknown counselor cells (tier and experience) are now answered from cited pages
    cells = [c for c in grid.cells if c.profession == "lpc"]
    assert len(cells) == 51 * 4
    assert all(c.status == "sourced" and c.sources for c in cells)


def test_every_state_counselor_title_is_sourced(grid):
    cov = grid
    assert all(c.status == "sourced" for c in cov.cells if c.profession == "lpc" and c.question == "title")


def test_pennsylvania_counselor_tier_follows_act_4_of_2024(tax):
    # a single licence level before Act 4 of 2024; the LAPC associate licence from 28 March 2024
    before = tax.where(on="2024-03-27").coverage().cell("us-pa", "lpc", "tier")
    after = tax.where(on="2024-03-28").coverage().cell("us-pa", "lpc", "tier")
    assert before.answer == ("no-state-associate-licence",)
    assert after.answer == ("pennsylvania-lapc-license",)
    assert "PA-DOS-LAPC" in after.sources
