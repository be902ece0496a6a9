"""The profession and credential catalogue (shared/domain/professions.md), through the public API.

Each test states one behaviour the curated data must keep: NUCC codes resolve to the
right profession, the capability matrix (who may diagnose, provide psychotherapy,
prescribe, order tests, on their own or only under supervision), and the training paths
that ``requirements_for`` follows from licence to degree, exam and experience.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import mhtaxonomy as mht

#: professions.md section 2: each NUCC code and the profession it maps to.
NUCC_CODES = {
    "2084P0800X": "psychiatrist",
    "2084P0804X": "child-adolescent-psychiatrist",
    "2084P0805X": "geriatric-psychiatrist",
    "2084P0802X": "addiction-psychiatrist",
    "2084F0202X": "forensic-psychiatrist",
    "2084P0015X": "consultation-liaison-psychiatrist",
    "207Q00000X": "primary-care-physician",
    "207R00000X": "primary-care-physician",
    "208000000X": "primary-care-physician",
    "208D00000X": "primary-care-physician",
    "103T00000X": "psychologist",
    "103TC0700X": "clinical-psychologist",
    "103TC1900X": "counseling-psychologist",
    "103TC2200X": "clinical-child-adolescent-psychologist",
    "103TH0100X": "health-service-psychologist",
    "103TP0016X": "prescribing-psychologist",
    "103TS0200X": "school-psychologist",
    "103G00000X": "clinical-neuropsychologist",
    "104100000X": "lmsw",
    "1041C0700X": "lcsw",
    "1041S0200X": "school-social-worker",
    "101YP2500X": "lpc",
    "101YM0800X": "lpc",
    "101YA0400X": "addiction-counselor",
    "101YP1600X": "pastoral-counselor",
    "101YS0200X": "school-counselor",
    "106H00000X": "lmft",
    "102L00000X": "psychoanalyst",
    "101200000X": "drama-therapist",
    "221700000X": "art-therapist",
    "225A00000X": "music-therapist",
    "363LP0808X": "pmhnp",
    "364SP0808X": "pmh-clinical-nurse-specialist",
    "363A00000X": "physician-assistant",
    "363AM0700X": "physician-assistant",
    "163WP0808X": "psychiatric-nurse",
    "171M00000X": "case-manager",
    "175T00000X": "peer-specialist",
}

#: Roles for which NUCC has no code (professions.md section 2 and the profiles).
NO_NUCC_CODE = [
    "life-coach",
    "milieu-therapist",
    "behavioral-health-care-manager",
    "psychiatric-consultant",
    "clinical-associate",
    "lbsw",
]

SUBSPECIALTIES = {
    "child-adolescent-psychiatrist": "cap-fellowship",
    "geriatric-psychiatrist": "geriatric-psychiatry-fellowship",
    "addiction-psychiatrist": "addiction-psychiatry-fellowship",
    "forensic-psychiatrist": "forensic-psychiatry-fellowship",
    "consultation-liaison-psychiatrist": "consultation-liaison-psychiatry-fellowship",
}

STATES = ["CA", "NY", "TX", "NM", "FL"]


def nucc(entity: mht.Entity) -> list[str]:
    return [code.value for code in entity.codes if code.system == "NUCC"]


# -- the catalogue -----------------------------------------------------------------------


def test_the_catalogue_covers_the_fact_sheet(tax: mht.Taxonomy) -> None:
    professions = {e.id for e in tax.entities(mht.Kind.PROFESSION)}
    assert set(NUCC_CODES.values()) | set(NO_NUCC_CODE) <= professions
    assert len(professions) >= 25
    assert len(tax.entities(mht.Kind.CREDENTIAL)) >= 40


@pytest.mark.parametrize(("code", "profession"), sorted(NUCC_CODES.items()))
def test_each_nucc_code_resolves_to_its_profession(tax: mht.Taxonomy, code: str, profession: str) -> None:
    assert len(code) == 10 and code.endswith("X")
    entity = tax.get(code)
    assert entity.id == profession
    assert code in nucc(entity), "the code must be stored character for character"


@pytest.mark.parametrize("profession", NO_NUCC_CODE)
def test_roles_nucc_lacks_carry_no_nucc_code(tax: mht.Taxonomy, profession: str) -> None:
    assert nucc(tax.get(profession)) == []


def test_look_alike_nucc_codes_are_not_mapped_to_the_wrong_role(tax: mht.Taxonomy) -> None:
    # 106S00000X is an ABA behavior technician, 171400000X a health & wellness coach,
    # 2084N0400X neurology: none of them is the milieu therapist, life coach or psychiatrist.
    lookalikes = {"106S00000X": "milieu-therapist", "171400000X": "life-coach", "2084N0400X": "psychiatrist"}
    for code, wrong in lookalikes.items():
        try:
            found = tax.get(code).id
        except mht.UnknownEntityError:
            continue
        assert found != wrong, code


def test_credential_designations_are_not_ambiguous(tax: mht.Taxonomy) -> None:
    assert tax.get("PMHNP-BC").id == "pmhnp-board-certification"
    assert tax.get("PMHNP").id == "pmhnp"
    assert tax.get("EPPP").kind is mht.Kind.CREDENTIAL


# -- prescribing ------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_psychiatrists_and_pmhnps_may_prescribe_in_every_state(tax: mht.Taxonomy, state: str) -> None:
    view = tax.where(jurisdiction=state)
    prescribers = view.who_can_provide("prescribing")
    assert {"psychiatrist", "pmhnp", "primary-care-physician"} <= prescribers.ids
    assert "psychiatrist" in view.who_can_provide("prescribing", independently=True)


def test_psychiatrist_prescribing_rests_on_nationwide_facts_and_pmhnp_on_each_state(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("prescribing")
    assert all(fact.jurisdictions is None for fact in answer.why("psychiatrist"))
    grants = tax.facts("np-license", "authorizes", "prescribing")
    assert grants and all(fact.jurisdictions for fact in grants)  # issue 12: the NP practice environment is per state


@pytest.mark.parametrize(
    "profession", ["LCSW", "LPC", "LMFT", "LMSW", "life coach", "peer specialist", "psychiatric nurse"]
)
def test_non_prescribers_may_not_prescribe_anywhere(tax: mht.Taxonomy, profession: str) -> None:
    member = tax.get(profession)
    assert member not in tax.who_can_provide("prescribing")
    assert member not in tax.who_can_provide("medication management")


def test_prescribing_psychologists_prescribe_only_where_a_state_allows(tax: mht.Taxonomy) -> None:
    assert "prescribing-psychologist" in tax.where(jurisdiction="NM").who_can_provide("prescribing")
    assert "prescribing-psychologist" not in tax.where(jurisdiction="CA").who_can_provide("prescribing")
    assert "psychologist" not in tax.where(jurisdiction="NM").who_can_provide("prescribing")


def test_physician_assistants_prescribe_only_with_a_physician(tax: mht.Taxonomy) -> None:
    assert "physician-assistant" in tax.who_can_provide("prescribing")
    assert "physician-assistant" not in tax.who_can_provide("prescribing", independently=True)
    assert "physician-assistant" not in tax.who_can_provide("diagnosis", independently=True)


def test_subspecialists_inherit_what_a_psychiatrist_may_do(tax: mht.Taxonomy) -> None:
    for profession in SUBSPECIALTIES:
        assert "psychiatrist" in tax.broader(profession)
        for service in ("prescribing", "diagnosis", "ordering-tests", "psychotherapy"):
            assert profession in tax.who_can_provide(service, independently=True), (profession, service)


# -- diagnosis and psychotherapy --------------------------------------------------------


def test_lmsws_provide_psychotherapy_only_under_supervision(tax: mht.Taxonomy) -> None:
    assert "lmsw" in tax.who_can_provide("psychotherapy")
    assert "lmsw" not in tax.who_can_provide("psychotherapy", independently=True)
    assert any(fact.supervised for fact in tax.who_can_provide("psychotherapy").why("LMSW"))
    assert "lmsw" not in tax.narrower("LCSW"), "a supervised tier must not inherit the independent licence"


@pytest.mark.parametrize(
    "profession", ["lcsw", "lpc", "lmft", "psychologist", "clinical-neuropsychologist", "pmhnp"]
)
def test_licensed_clinicians_diagnose_and_treat_on_their_own(tax: mht.Taxonomy, profession: str) -> None:
    assert profession in tax.who_can_provide("diagnosis", independently=True)
    assert profession in tax.who_can_provide("psychotherapy", independently=True)


@pytest.mark.parametrize(
    "profession",
    [
        "life coach",
        "milieu therapist",
        "peer specialist",
        "case manager",
        "school counselor",
        "art therapist",
        "music therapist",
    ],
)
def test_non_clinical_roles_neither_diagnose_nor_provide_psychotherapy(
    tax: mht.Taxonomy, profession: str
) -> None:
    member = tax.get(profession)
    assert member not in tax.who_can_provide("diagnosis")
    assert member not in tax.who_can_provide("psychotherapy")


def test_life_coaches_coach_outside_health_care(tax: mht.Taxonomy) -> None:
    offered = tax.what_can_provide("life coach")
    assert "coaching" in offered and "diagnosis" not in offered
    assert all(not service.health_care for service in offered)
    assert "life-coach" in tax.who_can_provide("coaching", independently=True)


def test_psychoanalysts_are_licensed_for_psychotherapy_only_in_new_york(tax: mht.Taxonomy) -> None:
    assert "psychoanalyst" in tax.where(jurisdiction="NY").who_can_provide("psychotherapy")
    assert "psychoanalyst" not in tax.where(jurisdiction="CA").who_can_provide("psychotherapy")


def test_conditional_capabilities_say_their_condition(tax: mht.Taxonomy) -> None:
    therapy = tax.who_can_provide("psychotherapy")
    addiction = therapy.why("addiction counselor")
    assert any(fact.note and "substance-use" in fact.note for fact in addiction)
    primary_care = therapy.why("primary-care physician")
    assert any(fact.note and "conditional" in fact.note for fact in primary_care)


def test_peer_specialists_support_peers_under_supervision(tax: mht.Taxonomy) -> None:
    assert "peer-specialist" in tax.who_can_provide("peer support")
    assert "peer-specialist" not in tax.who_can_provide("peer support", independently=True)


def test_case_managers_provide_case_management(tax: mht.Taxonomy) -> None:
    assert "case-manager" in tax.who_can_provide("case management", independently=True)


def test_neuropsychologists_are_clinical_psychologists_who_test(tax: mht.Taxonomy) -> None:
    assert {"clinical-psychologist", "psychologist"} <= tax.broader("clinical neuropsychologist").ids
    assert "clinical-neuropsychologist" in tax.who_can_provide("neuropsychological testing")
    assert "lcsw" not in tax.who_can_provide("psychological testing")


# -- training paths ---------------------------------------------------------------------


def test_child_psychiatrists_need_the_residency_and_the_fellowship(tax: mht.Taxonomy) -> None:
    needs = tax.requirements_for("child and adolescent psychiatrist")
    assert {"psychiatry-residency", "cap-fellowship", "physician-license", "medical-degree"} <= needs.ids
    fellowship = tax.get("cap-fellowship")
    assert isinstance(fellowship, mht.Credential) and fellowship.years == 2
    assert "S24" in {source.id for source in needs.why("cap-fellowship").sources}


@pytest.mark.parametrize(("profession", "fellowship"), sorted(SUBSPECIALTIES.items()))
def test_each_subspecialty_adds_its_fellowship(tax: mht.Taxonomy, profession: str, fellowship: str) -> None:
    assert {fellowship, "psychiatry-residency"} <= tax.requirements_for(profession).ids
    assert fellowship not in tax.requirements_for("psychiatrist")
    assert "psychiatry-residency" in {f.object for f in tax.facts(fellowship, "requires")}


def test_board_certification_builds_on_the_fellowship(tax: mht.Taxonomy) -> None:
    needs = {f.object for f in tax.facts("abpn-child-adolescent-psychiatry-certification", "requires")}
    assert needs == {"abpn-psychiatry-certification", "cap-fellowship"}


def test_social_work_tiers_need_their_own_exam(tax: mht.Taxonomy) -> None:
    clinical = tax.requirements_for("LCSW")
    assert {"msw", "aswb-clinical", "social-work-supervised-experience"} <= clinical.ids
    experience = tax.get("social-work-supervised-experience")
    assert isinstance(experience, mht.Credential) and experience.hours == 3000
    master = tax.requirements_for("LMSW")
    assert "aswb-masters" in master and "aswb-clinical" not in master
    assert {"bsw", "aswb-bachelors"} <= tax.requirements_for("LBSW").ids


def test_nurse_practitioners_need_the_rn_licence_and_supervised_hours(tax: mht.Taxonomy) -> None:
    needs = tax.requirements_for("PMHNP")
    assert {
        "rn-license",
        "nursing-graduate-degree",
        "pmhnp-board-certification",
        "pmhnp-clinical-hours",
    } <= needs.ids


def test_new_york_psychoanalysts_need_institute_training_and_supervised_hours(tax: mht.Taxonomy) -> None:
    needs = tax.where(jurisdiction="NY").requirements_for("psychoanalyst")
    assert {"psychoanalyst-license", "masters-degree", "psychoanalytic-institute-training"} <= needs.ids
    training = tax.get("psychoanalytic-institute-training")
    assert isinstance(training, mht.Credential) and training.hours == 1350
    assert "psychoanalyst-license" not in tax.where(jurisdiction="CA").requirements_for("psychoanalyst")


def test_exams_that_may_stand_in_for_one_another(tax: mht.Taxonomy) -> None:
    assert "counselor-exam" in tax.broader("NCE")
    assert "addiction-counselor-exam" in tax.broader("IC&RC ADC exam")
    assert "medical-licensing-exam" in tax.broader("COMLEX-USA")
    assert "addiction-counselor-exam" in tax.requirements_for("addiction counselor")


def test_the_psychiatry_caq_needs_national_certification_and_experience(tax: mht.Taxonomy) -> None:
    needs = {f.object for f in tax.facts("nccpa-caq-psychiatry", "requires")}
    assert needs == {"nccpa-certification", "pa-psychiatry-experience"}
    assert tax.get("nccpa certification").note, "the unverified PANCE/PA-C naming is noted"


def test_coaching_credentials_are_voluntary_and_count_hours(tax: mht.Taxonomy) -> None:
    hours = {}
    for level in ("icf-acc", "icf-pcc", "icf-mcc"):
        credential = tax.get(level)
        assert isinstance(credential, mht.Credential)
        assert "coach-training" in tax.broader(credential)
        hours[level] = credential.hours
    assert hours == {"icf-acc": 100, "icf-pcc": 500, "icf-mcc": 2500}
    assert {f.object for f in tax.facts("life-coach", "holds")} == {"coach-training"}


def test_regression_icf_pcc_needs_500_hours_not_750(tax: mht.Taxonomy) -> None:
    pcc = tax.get("icf-pcc")
    assert isinstance(pcc, mht.Credential)
    assert pcc.hours == 500
    assert "750" not in pcc.description and "ICF-PCC" in pcc.sources


# -- the real NUCC 25.1 list (issue 9, item 10) ----------------------------------------------------

#: Derived from the published NUCC 25.1 CSV by tests/reference/make_nucc.py (codes and names only).
_NUCC_TABLE = Path(__file__).parent / "reference" / "nucc_v25_1.tsv"


def _read_nucc_table() -> dict[str, dict[str, str]]:
    lines = [line for line in _NUCC_TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["Code"]: row for row in csv.DictReader(lines, delimiter="\t")}


NUCC_25_1 = _read_nucc_table()

#: Each profession with a NUCC code, the NUCC classification its codes fall under, and a word
#: every one of their display names contains: the code must name the profession it is attached to.
NUCC_NAMES = {
    "addiction-counselor": ("Counselor", "Addiction"),
    "addiction-psychiatrist": ("Psychiatry & Neurology", "Addiction Psychiatry"),
    "art-therapist": ("Art Therapist", "Art Therapist"),
    "case-manager": ("Case Manager/Care Coordinator", "Case Manager"),
    "child-adolescent-psychiatrist": ("Psychiatry & Neurology", "Child & Adolescent Psychiatry"),
    "clinical-child-adolescent-psychologist": ("Psychologist", "Clinical Child & Adolescent Psychologist"),
    "clinical-neuropsychologist": ("Clinical Neuropsychologist", "Clinical Neuropsychologist"),
    "clinical-psychologist": ("Psychologist", "Clinical Psychologist"),
    "consultation-liaison-psychiatrist": ("Psychiatry & Neurology", "Psychosomatic Medicine"),
    "counseling-psychologist": ("Psychologist", "Counseling Psychologist"),
    "drama-therapist": ("Drama Therapist", "Drama Therapist"),
    "forensic-psychiatrist": ("Psychiatry & Neurology", "Forensic Psychiatry"),
    "geriatric-psychiatrist": ("Psychiatry & Neurology", "Geriatric Psychiatry"),
    "health-service-psychologist": ("Psychologist", "Health Service Psychologist"),
    "lcsw": ("Social Worker", "Clinical Social Worker"),
    "lmft": ("Marriage & Family Therapist", "Marriage & Family Therapist"),
    "lmsw": ("Social Worker", "Social Worker"),
    "lpc": ("Counselor", "Counselor"),
    "music-therapist": ("Music Therapist", "Music Therapist"),
    "pastoral-counselor": ("Counselor", "Pastoral Counselor"),
    "peer-specialist": ("Peer Specialist", "Peer Specialist"),
    "physician-assistant": ("Physician Assistant", "Physician Assistant"),
    "pmh-clinical-nurse-specialist": ("Clinical Nurse Specialist", "Psychiatric/Mental Health"),
    "pmhnp": ("Nurse Practitioner", "Psychiatric/Mental Health"),
    "prescribing-psychologist": ("Psychologist", "Prescribing"),
    "primary-care-physician": (None, "Physician"),
    "psychiatric-nurse": ("Registered Nurse", "Psychiatric/Mental Health"),
    "psychiatrist": ("Psychiatry & Neurology", "Psychiatry Physician"),
    "psychoanalyst": ("Psychoanalyst", "Psychoanalyst"),
    "psychologist": ("Psychologist", "Psychologist"),
    "school-counselor": ("Counselor", "School Counselor"),
    "school-psychologist": ("Psychologist", "School Psychologist"),
    "school-social-worker": ("Social Worker", "School Social Worker"),
    # issue 11 item 1 (professions_nucc.toml)
    "behavior-analyst": ("Behavior Analyst", "Behavior Analyst"),
    "assistant-behavior-analyst": ("Assistant Behavior Analyst", "Assistant Behavior Analyst"),
    "behavior-technician": ("Behavior Technician", "Behavior Technician"),
    "addiction-medicine-psychiatrist": ("Psychiatry & Neurology", "Addiction Medicine"),
    "neuropsychiatrist": ("Psychiatry & Neurology", "Neuropsychiatry"),
    "counselor-unspecified": ("Counselor", "Counselor"),
    "poetry-therapist": ("Poetry Therapist", "Poetry Therapist"),
    "psychiatric-technician": ("Licensed Psychiatric Technician", "Psychiatric Technician"),
    "case-management-nurse": ("Registered Nurse", "Case Management"),
    "psychiatric-pharmacist": ("Pharmacist", "Psychiatric Pharmacist"),
}
#: Primary care is several NUCC classifications (family, internal, paediatric, general practice).
PRIMARY_CARE_CLASSIFICATIONS = {"Family Medicine", "Internal Medicine", "Pediatrics", "General Practice"}


def _nucc_attached(tax: mht.Taxonomy) -> list[tuple[str, str]]:
    return sorted((e.id, code) for e in tax.entities("profession") for code in nucc(e))


def test_nucc_reference_is_derived_from_the_real_list() -> None:
    assert len(NUCC_25_1) > 800
    assert NUCC_25_1["103GC0700X"]["Active"] == "no" and NUCC_25_1["103G00000X"]["Active"] == "yes"
    assert set(NUCC_25_1["103T00000X"]) == {"Code", "Grouping", "Classification", "Specialization", "Display Name", "Active"}


def test_every_profession_with_a_nucc_code_is_in_the_allow_list(tax: mht.Taxonomy) -> None:
    assert {profession for profession, _ in _nucc_attached(tax)} == set(NUCC_NAMES)


@pytest.mark.parametrize(("profession", "code"), _nucc_attached(mht.load()))
def test_regression_nucc_code_exists_is_active_and_names_its_profession(profession: str, code: str) -> None:
    row = NUCC_25_1.get(code)
    assert row is not None, f"{code} is not in NUCC 25.1"
    assert row["Active"] == "yes", f"{code} is deactivated in NUCC 25.1"
    classification, word = NUCC_NAMES[profession]
    expected = PRIMARY_CARE_CLASSIFICATIONS if classification is None else {classification}
    assert row["Classification"] in expected
    assert word in row["Display Name"], f"{code} is {row['Display Name']!r}, not a {profession}"


def test_nucc_reference_matches_what_the_script_derives(tmp_path: Path) -> None:
    import runpy

    published = Path(__file__).parents[2] / "shared" / "reference" / "nucc_taxonomy_251.csv"
    if not published.is_file():
        pytest.skip("the published NUCC CSV (../shared/reference) is not beside this checkout")
    script = runpy.run_path(str(Path(__file__).parent / "reference" / "make_nucc.py"))
    script["main"]([str(published), str(tmp_path)])
    for name in ("nucc_v25_1.txt", "nucc_v25_1.tsv"):
        assert (tmp_path / name).read_text() == (Path(__file__).parent / "reference" / name).read_text()
