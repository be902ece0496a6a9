"""Every behavioral-health NUCC 25.1 code resolves to a profession (issue 11 item 1).

The codes are read from the published NUCC CSV when it is beside the checkout, otherwise from
the derived table ``tests/reference/nucc_v25_1.tsv`` (same codes and names, made by make_nucc.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import mhtaxonomy as mht

HERE = Path(__file__).parent
PUBLISHED = HERE.parents[1] / "shared" / "reference" / "nucc_taxonomy_251.csv"
DERIVED = HERE / "reference" / "nucc_v25_1.tsv"
GROUPING = "Behavioral Health & Social Service Providers"


def _rows() -> list[dict[str, str]]:
    if PUBLISHED.is_file():
        import runpy

        is_active = runpy.run_path(str(HERE / "reference" / "make_nucc.py"))["is_active"]
        with open(PUBLISHED, encoding="utf-8-sig", newline="") as handle:
            return [{**row, "Active": "yes" if is_active(row) else "no"} for row in csv.DictReader(handle)]
    lines = [line for line in DERIVED.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


ROWS = {row["Code"]: row for row in _rows()}

#: The psychiatry codes of Psychiatry & Neurology (not neurology, sleep, pain and the like).
PSYCHIATRY = {
    "2084P0800X": "psychiatrist",
    "2084P0804X": "child-adolescent-psychiatrist",
    "2084P0805X": "geriatric-psychiatrist",
    "2084P0802X": "addiction-psychiatrist",
    "2084F0202X": "forensic-psychiatrist",
    "2084P0015X": "consultation-liaison-psychiatrist",
    "2084A0401X": "addiction-medicine-psychiatrist",
    "2084B0040X": "neuropsychiatrist",
}
#: Psychiatric nurses (NP, CNS, RN), peer, case-management, art and music therapy, and others.
OTHERS = {
    "363LP0808X": "pmhnp",
    "364SP0808X": "pmh-clinical-nurse-specialist",
    "364SP0809X": "pmh-clinical-nurse-specialist",
    "364SP0807X": "pmh-clinical-nurse-specialist",
    "364SP0810X": "pmh-clinical-nurse-specialist",
    "364SP0811X": "pmh-clinical-nurse-specialist",
    "364SP0812X": "pmh-clinical-nurse-specialist",
    "364SP0813X": "pmh-clinical-nurse-specialist",
    "163WP0808X": "psychiatric-nurse",
    "163WP0809X": "psychiatric-nurse",
    "163WP0807X": "psychiatric-nurse",
    "175T00000X": "peer-specialist",
    "171M00000X": "case-manager",
    "163WC0400X": "case-management-nurse",
    "221700000X": "art-therapist",
    "225A00000X": "music-therapist",
    "167G00000X": "psychiatric-technician",
    "1835P1300X": "psychiatric-pharmacist",
}
#: Psychiatry & Neurology codes deliberately left out: neurology and other non-psychiatric fields.
NOT_PSYCHIATRY = {"2084N0400X", "2084N0402X", "2084S0012X", "2084P2900X", "2084V0102X", "2084E0001X"}

GROUPING_CODES = sorted(code for code, row in ROWS.items() if row["Grouping"] == GROUPING and row["Active"] == "yes")
RETIRED_IN_GROUPING = sorted(code for code, row in ROWS.items() if row["Grouping"] == GROUPING and row["Active"] != "yes")
LISTED = sorted({**PSYCHIATRY, **OTHERS})


def _nucc(entity: mht.Entity) -> list[str]:
    return [code.value for code in entity.codes if code.system == "NUCC"]


def test_the_grouping_is_read_from_the_real_list() -> None:
    assert len(GROUPING_CODES) >= 35
    assert {"103K00000X", "106E00000X", "106S00000X", "102X00000X", "101Y00000X"} <= set(GROUPING_CODES)
    assert "103GC0700X" in RETIRED_IN_GROUPING and "103TP2700X" in RETIRED_IN_GROUPING


@pytest.mark.parametrize("code", GROUPING_CODES + LISTED)
def test_every_code_resolves_to_a_profession_that_carries_it(tax: mht.Taxonomy, code: str) -> None:
    assert ROWS[code]["Active"] == "yes", f"{code} is retired in NUCC 25.1"
    entity = tax.get(code)  # raises UnknownEntityError if unresolved
    assert entity.kind is mht.Kind.PROFESSION
    assert code in _nucc(entity)


@pytest.mark.parametrize(("code", "profession"), sorted({**PSYCHIATRY, **OTHERS}.items()))
def test_listed_codes_resolve_to_the_intended_profession(tax: mht.Taxonomy, code: str, profession: str) -> None:
    assert tax.get(code).id == profession


@pytest.mark.parametrize("code", GROUPING_CODES + LISTED)
def test_every_profession_is_sourced_and_either_has_scope_or_says_it_is_not_modelled(
    tax: mht.Taxonomy, code: str
) -> None:
    entity = tax.get(code)
    assert entity.sources
    provides = [s for s in tax.entities(mht.Kind.SERVICE) if entity.id in tax.who_can_provide(s).ids]
    # A profession that provides nothing must say why in its note (scope not modelled, unsourced).
    assert provides or entity.note, entity.id


@pytest.mark.parametrize("code", RETIRED_IN_GROUPING)
def test_retired_codes_are_not_mapped(tax: mht.Taxonomy, code: str) -> None:
    with pytest.raises(mht.UnknownEntityError):
        tax.get(code)


@pytest.mark.parametrize("code", sorted(NOT_PSYCHIATRY))
def test_neurology_and_other_fields_are_not_mapped_to_psychiatry(tax: mht.Taxonomy, code: str) -> None:
    assert ROWS[code]["Classification"] == "Psychiatry & Neurology"
    with pytest.raises(mht.UnknownEntityError):
        tax.get(code)


def test_psychologist_specializations_map_to_the_psychologist(tax: mht.Taxonomy) -> None:
    for code in ("103TF0200X", "103TP0814X", "103TH0004X", "103TP2701X", "103TM1800X"):
        assert tax.get(code).id == "psychologist", code
    assert "psychotherapy" in {s.id for s in tax.entities(mht.Kind.SERVICE) if "psychologist" in tax.who_can_provide(s).ids}


def test_behavior_analysts_provide_aba_not_psychotherapy(tax: mht.Taxonomy) -> None:
    aba = tax.who_can_provide("applied-behavior-analysis")
    assert {"behavior-analyst", "assistant-behavior-analyst", "behavior-technician"} <= aba.ids
    alone = tax.who_can_provide("applied-behavior-analysis", independently=True).ids
    assert "behavior-analyst" in alone
    assert "assistant-behavior-analyst" not in alone and "behavior-technician" not in alone
    therapy = tax.who_can_provide("psychotherapy").ids
    assert not {"behavior-analyst", "assistant-behavior-analyst", "behavior-technician"} & therapy


def test_addiction_medicine_and_neuropsychiatry_physicians_prescribe(tax: mht.Taxonomy) -> None:
    prescribing = tax.who_can_provide("prescribing", independently=True).ids
    assert {"addiction-medicine-psychiatrist", "neuropsychiatrist"} <= prescribing
    assert tax.get("2084A0401X").id != tax.get("2084P0802X").id


def test_unmodelled_roles_provide_nothing_and_say_so(tax: mht.Taxonomy) -> None:
    for profession in ("poetry-therapist", "psychiatric-technician", "counselor-unspecified", "psychiatric-pharmacist"):
        note = tax.get(profession).note or ""
        assert "not modelled" in note or "no scope is modelled" in note, profession
        for service in tax.entities(mht.Kind.SERVICE):
            assert profession not in tax.who_can_provide(service).ids, (profession, service.id)


def test_the_providers_annotator_knows_the_new_codes(tax: mht.Taxonomy) -> None:
    from mhtaxonomy import providers

    table = providers.lookups(tax, services=("applied-behavior-analysis", "psychotherapy"), on="2025-06-01")
    ca = {row.code: row for row in table.rows if row.state == "CA"}
    assert set(GROUPING_CODES + LISTED) <= set(ca)
    assert ca["103K00000X"].provider_type == "behavior-analyst"
    assert ca["103K00000X"].answers == ("independent", "no")
    assert ca["106S00000X"].answers == ("supervised", "no")
    assert ca["103TF0200X"].provider_type == "psychologist"
    assert ca["2084B0040X"].provider_type == "neuropsychiatrist"
