"""Social work state cells sourced on branch sw (issue 12)."""

import mhtaxonomy as mht


def test_master_titles(grid):
    tax = mht.load()
    assert tax.where(jurisdiction="us-pa").titles("lmsw").ids == ("lsw-license",) or set(
        tax.where(jurisdiction="us-pa").titles("lmsw").ids
    ) == {"lsw-license"}
    grid = grid
    assert grid.cell("us-nj", "lmsw", "title").answer == ("lsw-license",)
    assert grid.cell("us-ak", "lmsw", "title").answer == ("lmsw-license",)
    assert grid.cell("us-ms", "lmsw", "title").status == "sourced"


def test_master_exam_and_clinical_experience():
    grid = mht.load().coverage()
    assert grid.cell("us-pa", "lmsw", "exam").answer == ("aswb-masters",)
    assert grid.cell("us-nj", "lmsw", "exam").answer == ("aswb-masters",)
    assert grid.cell("us-ak", "lcsw", "experience").answer == ("ak-csw-supervised-experience",)
    assert grid.cell("us-de", "lcsw", "experience").answer == ("de-csw-supervised-experience",)


def test_tennessee():
    grid = mht.load().coverage()
    assert grid.cell("us-tn", "lmsw", "title").answer == ("lmsw-license",)
    assert grid.cell("us-tn", "lmsw", "exam").answer == ("aswb-masters",)
    assert grid.cell("us-tn", "lcsw", "experience").answer == ("tn-csw-supervised-experience",)
