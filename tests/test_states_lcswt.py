"""Clinical social work titles checked state by state (issue 12, branch lcswt).

Each state's title was earlier inferred from a guide's list of states that use some other
title; here each one cites what was read for that state.
"""

import pytest


TITLES = [
    # state, title credential, the source read for the title (cited first)
    ("us-ak", "lcsw-license", "LCSWT-AK-AS-08-95-120"),
    ("us-al", "licsw-license", "LCSWT-AL-850-X-2-02"),
    ("us-dc", "licsw-license", "LCSWT-DC-CODE-3-1208"),
    ("us-me", "lcsw-license", "LCSWT-ME-BOARD-FAQ"),
    ("us-nd", "lcsw-license", "MSWB-ND-NDCC-43-41-04"),
    ("us-sd", "lcswt-sd-csw-pip-license", "LCSWT-SD-SDCL-36-26"),
    ("us-ut", "lcsw-license", "LCSWT-UT-58-60-205"),
    ("us-ma", "licsw-license", "LCSWT-MA-BOARD-POLICIES"),
    ("us-ri", "licsw-license", "LCSWT-RI-RIGL-5-39-1-8"),
    ("us-vt", "licsw-license", "LCSWT-VT-OPR-RULES"),
    ("us-nh", "licsw-license", "LCSWT-NH-MHP-302-05"),
    ("us-wa", "licsw-license", "LCSWT-WA-HB1213-2013"),
    ("us-wv", "licsw-license", "LCSWT-WV-25-CSR-1-3"),
    ("us-az", "lcsw-license", "LCSWT-AZ-BBHE-FAQ"),
    ("us-ar", "lcsw-license", "LCSWT-AR-CODE-17-103-103"),
    ("us-ca", "lcsw-license", "LCSWT-CA-BBS-ABOUT"),
    ("us-co", "lcsw-license", "LCSWT-CO-NASW"),
    ("us-ct", "lcsw-license", "LCSWT-CT-CGS-383B"),
    ("us-de", "lcsw-license", "LCSWT-DE-24-ADMIN-3900"),
    ("us-ga", "lcsw-license", "LCSWT-GA-ECSU"),
    ("us-hi", "lcsw-license", "LCSWT-HI-PHO"),
    ("us-id", "lcsw-license", "LCSWT-ID-CIP"),
    ("us-il", "lcsw-license", "LCSWT-IL-225-ILCS-20"),
    ("us-in", "lcsw-license", "LCSWT-IN-NASW"),
    ("us-ky", "lcsw-license", "LCSWT-KY-BSW-FAQ"),
    ("us-la", "lcsw-license", "LCSWT-LA-LAC-XXV-305"),
    ("us-mo", "lcsw-license", "LCSWT-MO-DPR"),
    ("us-ms", "lcsw-license", "LCSWT-MS-RULE-1902-2-2"),
    ("us-mt", "lcsw-license", "LCSWT-MT-ARM-APP"),
    ("us-nc", "lcsw-license", "LCSWT-NC-BOARD-FAQ"),
    ("us-nj", "lcsw-license", "CSW-NJ-NJSA-45-15BB-6"),
    ("us-nv", "lcsw-license", "LCSWT-NV-NAC-641B"),
    ("us-ok", "lcsw-license", "LCSWT-OK-59-OS-1261-1"),
    ("us-pa", "lcsw-license", "LCSWT-PA-BOARD"),
    ("us-tn", "lcsw-license", "LCSWT-TN-1365-01-01"),
    ("us-va", "lcsw-license", "LCSWT-VA-DHP-FAQ"),
    ("us-wi", "lcsw-license", "LCSWT-WI-457-08"),
    ("us-wy", "lcsw-license", "LCSWT-WY-MHPLB"),
]


@pytest.mark.parametrize(("state", "credential", "source"), TITLES)
def test_clinical_title(tax, grid, state: str, credential: str, source: str) -> None:
    assert tax.titles("LCSW", state.removeprefix("us-").upper()).ids == frozenset({credential})
    cell = grid.cell(state, "lcsw", "title")
    assert cell.status == "sourced"
    assert cell.answer == (credential,)
    assert cell.sources[0] == source


@pytest.mark.parametrize(("state", "credential", "source"), TITLES)
def test_title_not_from_inference_alone(tax, grid, state: str, credential: str, source: str) -> None:
    sources = grid.cell(state, "lcsw", "title").sources
    assert set(sources) - {"SWLM-LICSW"}
    # each title now rests on at least one board page, statute or rule
    assert any(tax.source(s).quality == "primary" for s in sources)


def test_every_listed_state_checked_once() -> None:
    states = [state for state, _, _ in TITLES]
    assert len(states) == len(set(states)) == 38


def test_abbreviation_differs_from_expansion_where_recorded(tax) -> None:
    # Arkansas and Mississippi spell LCSW "Licensed Certified Social Worker"; the title is still LCSW
    for code in ("AR", "MS"):
        assert tax.titles("LCSW", code).ids == frozenset({"lcsw-license"})
    # Massachusetts, Rhode Island and West Virginia have an LCSW below the clinical LICSW
    for code in ("MA", "RI", "WV"):
        assert tax.titles("LCSW", code).ids == frozenset({"licsw-license"})


def test_south_dakota_is_the_csw_pip(tax, grid) -> None:
    assert "lcsw-license" not in tax.titles("LCSW", "SD").ids
    assert tax.get("lcswt-sd-csw-pip-license").abbreviations == ()
    # the exam and experience cells stay sourced after the move
    assert grid.cell("us-sd", "lcsw", "exam").answer == ("aswb-clinical",)
    assert grid.cell("us-sd", "lcsw", "experience").status == "sourced"
