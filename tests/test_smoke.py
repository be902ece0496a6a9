import mhtaxonomy as mht


def test_psychotherapy_providers_include_lcsw(tax: mht.Taxonomy) -> None:
    assert "lcsw" in tax.who_can_provide("psychotherapy")
