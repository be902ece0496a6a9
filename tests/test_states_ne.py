"""Nebraska's clinical social work licence: the LIMHP, not an LCSW (issue 12)."""

import mhtaxonomy as mht


def test_nebraska_clinical_title_is_the_limhp() -> None:
    tax = mht.load()
    assert tax.titles("LCSW", "NE").ids == frozenset({"nebraska-limhp-license"})
    grid = tax.coverage()
    assert grid.cell("us-ne", "lcsw", "title").sources[0] == "NE-DHHS-MHP-SW"
    assert grid.cell("us-ne", "lcsw", "exam").answer == ("aswb-clinical",)
    # the LIMHP's own hours were not read: the cell says so rather than borrowing another's
    assert grid.cell("us-ne", "lcsw", "experience").status == "unknown"
    assert "lcsw" in tax.where(jurisdiction="NE").who_can_provide("psychotherapy")
