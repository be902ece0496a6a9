"""Master's-level social work cells of the state layer (issue 12, branch mswa)."""

import mhtaxonomy as mht
import pytest


@pytest.fixture(scope="module")
def grid():
    return mht.load().coverage()


TITLES = {
    "us-ar": "lmsw-license",
    "us-az": "lmsw-license",
    "us-co": "lsw-license",
    "us-ct": "lmsw-license",
    "us-ga": "lmsw-license",
    "us-hi": "lsw-license",
    "us-ia": "lmsw-license",
    "us-id": "lmsw-license"
}

EXAMS = {
    "us-ak": "aswb-masters",
    "us-ar": "aswb-masters",
    "us-az": "aswb-masters",
    "us-co": "aswb-masters",
    "us-ct": "aswb-masters",
    "us-ga": "aswb-masters",
    "us-hi": "aswb-masters",
    "us-ia": "aswb-masters",
    "us-id": "aswb-masters"
}


@pytest.mark.parametrize(("state", "title"), sorted(TITLES.items()))
def test_masters_title_is_sourced(grid, state, title):
    cell = grid.cell(state, "lmsw", "title")
    assert cell.status == "sourced"
    assert title in cell.answer
    assert cell.sources


@pytest.mark.parametrize(("state", "exam"), sorted(EXAMS.items()))
def test_masters_exam_is_sourced(grid, state, exam):
    cell = grid.cell(state, "lmsw", "exam")
    assert cell.status == "sourced"
    assert cell.answer == (exam,)
    assert cell.sources
