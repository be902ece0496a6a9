"""Master's-level social work cells of the state layer (issue 12, branch mswa)."""

import mhtaxonomy as mht
import pytest


TITLES = {
    "us-ar": "lmsw-license",
    "us-az": "lmsw-license",
    "us-co": "lsw-license",
    "us-ct": "lmsw-license",
    "us-de": "lmsw-license",
    "us-ga": "lmsw-license",
    "us-hi": "lsw-license",
    "us-ia": "lmsw-license",
    "us-id": "lmsw-license",
    "us-il": "lsw-license",
    "us-in": "lsw-license",
    "us-ky": "mswa-ky-csw-license",
    "us-la": "lmsw-license",
    "us-ma": "mswa-ma-lcsw-license",
    "us-me": "lmsw-license",
    "us-mi": "mswa-mi-llmsw-license",
    "us-mo": "lmsw-license",
    "us-mt": "lmsw-license"
}

EXAMS = {
    "us-ak": "aswb-masters",
    "us-ar": "aswb-masters",
    "us-az": "aswb-masters",
    "us-co": "aswb-masters",
    "us-ct": "aswb-masters",
    "us-dc": "aswb-masters",
    "us-fl": "aswb-advanced-generalist",
    "us-ga": "aswb-masters",
    "us-hi": "aswb-masters",
    "us-ia": "aswb-masters",
    "us-id": "aswb-masters",
    "us-in": "aswb-masters",
    "us-ks": "aswb-masters",
    "us-ky": "aswb-masters",
    "us-la": "aswb-masters",
    "us-ma": "aswb-masters",
    "us-md": "aswb-masters",
    "us-me": "aswb-masters",
    "us-mn": "aswb-masters",
    "us-mo": "aswb-masters",
    "us-ms": "aswb-masters"
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


@pytest.mark.parametrize(
    ("state", "question"),
    [
        ("us-ca", "title"),  # California has no master's-level licence, only the ASW registration
        ("us-ca", "exam"),
        ("us-mi", "exam"),  # no source read names an exam for the limited LLMSW
        ("us-de", "exam"),  # no source read names the exam level for the Delaware LMSW
        ("us-mt", "exam"),  # nor for the Montana LMSW
    ],
)
def test_cells_left_unknown(grid, state, question):
    assert grid.cell(state, "lmsw", question).status == "unknown"


def test_illinois_lsw_needs_no_exam_from_2022() -> None:
    import mhtaxonomy as mht

    tax = mht.load()
    after = tax.where(on="2022-01-01").coverage().cell("us-il", "lmsw", "exam")
    before = tax.where(on="2021-12-31").coverage().cell("us-il", "lmsw", "exam")
    assert (after.status, after.answer) == ("sourced", ("no-state-exam",))
    assert after.sources == ("IL-MSWA-NASW",)
    assert before.status == "unknown"  # the earlier exam rule was not read
