"""Master's-level social work cells of the state layer (issue 12, branch mswb)."""

import pytest

TITLES = {
    "us-nd": "lmsw-license",
    "us-nm": "lmsw-license",
    "us-ok": "lmsw-license",
    "us-sc": "lmsw-license",
    "us-vt": "lmsw-license",
    "us-nv": "lmsw-license",
    "us-ri": "mswb-ri-lcsw-license",
    "us-nc": "mswb-nc-cmsw-certificate",
    "us-ne": "mswb-ne-cmsw-certificate",
    "us-sd": "mswb-sd-csw-license",
    "us-oh": "lsw-license",
    "us-wa": "mswb-wa-lswaic-license",
    "us-wy": "mswb-wy-pcsw-license",
    "us-nh": "mswb-nh-conditional-csw-license",
}

EXAMS = {
    "us-ok": "aswb-masters",
    "us-sc": "aswb-masters",
    "us-ny": "aswb-masters",
    "us-or": "aswb-masters",
    "us-wv": "aswb-masters",
    "us-vt": "aswb-masters",
    "us-nv": "aswb-masters",
    "us-ri": "aswb-masters",
    "us-sd": "aswb-masters",
    "us-nc": "aswb-masters",
}


@pytest.mark.parametrize(("state", "title"), sorted(TITLES.items()))
def test_masters_title_is_sourced(tax, grid, state, title):
    cell = grid.cell(state, "lmsw", "title")
    assert cell.status == "sourced"
    assert title in cell.answer
    assert cell.sources
    assert "master-social-work-license" in tax.where(jurisdiction=state).broader(title).ids


@pytest.mark.parametrize(("state", "exam"), sorted(EXAMS.items()))
def test_masters_exam_is_sourced(grid, state, exam):
    cell = grid.cell(state, "lmsw", "exam")
    assert cell.status == "sourced"
    assert cell.answer == (exam,)
    assert cell.sources


def test_washington_has_both_associate_licences(grid):
    answer = grid.cell("us-wa", "lmsw", "title").answer
    assert {"mswb-wa-lswaa-license", "mswb-wa-lswaic-license"} <= set(answer)


@pytest.mark.parametrize("state", ["us-nd", "us-ne", "us-nh", "us-nm", "us-oh", "us-ut", "us-wa", "us-wy"])
def test_masters_exam_left_unknown(grid, state):
    # no source read names the exam level (or it names two alternatives, or the title needs no exam)
    assert grid.cell(state, "lmsw", "exam").status == "unknown"
