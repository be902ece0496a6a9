"""The clinical half of the curated catalogue: modalities, conditions, services, referrals.

Each test asks the public API a question a user would ask and fails if the curated answer
changes: first-line treatments and their guidelines, ICD-10-CM lookups, what needs a
diagnosis, and who refers whom for what.
"""

from __future__ import annotations

import pytest

import mhtaxonomy as mht

SEED_003_PSYCHIATRIST_TO_THERAPIST = {
    "skill-building",
    "trauma-processing",
    "symptoms-despite-medication",
    "psychosocial-stressors",
    "life-transitions",
    "insight-or-personal-growth",
    "behavioral-concerns",
    "substance-use",
    "parenting-or-family-support",
    "suicidal-thoughts-or-self-harm",
}

SEED_003_THERAPIST_TO_PSYCHIATRIST = {
    "medication-may-help",
    "severe-or-persistent-symptoms",
    "suicidal-thoughts-or-self-harm",
    "suspected-medical-condition",
    "formal-psychiatric-diagnosis",
    "client-requests-medication",
}


def _resolves_to(tax: mht.Taxonomy, ref: str) -> str | None:
    """The id ``ref`` names, or None when nothing answers to it."""
    try:
        return tax.get(ref).id
    except mht.UnknownEntityError:
        return None


# -- first-line treatments -----------------------------------------------------------------


def test_ptsd_first_line_includes_pe_and_cpt_citing_vadod(tax: mht.Taxonomy) -> None:
    answer = tax.treatments_for("PTSD")
    assert "prolonged exposure" in answer
    assert "cognitive processing therapy" in answer
    for modality in ("prolonged exposure", "cognitive processing therapy", "EMDR"):
        why = answer.why(modality)
        assert "VADOD-PTSD" in {source.id for source in why.sources}
        assert [fact.strength for fact in why] == ["strong"]


def test_emdr_guideline_conflict_is_recorded(tax: mht.Taxonomy) -> None:
    facts = tax.where(on="2024-06-01").facts("EMDR", "first_line_for", "PTSD")
    by_strength = {fact.strength: fact for fact in facts}
    assert set(by_strength) == {"strong", "conditional"}
    assert "VADOD-PTSD" in by_strength["strong"].sources
    assert "APA-PTSD" in by_strength["conditional"].sources
    assert all(fact.note and "VA/DoD" in fact.note for fact in facts)


def test_regression_apa_2017_ptsd_grades_are_not_stated_as_current(tax: mht.Taxonomy) -> None:
    current = tax.where(on="2025-12-01").facts(None, "first_line_for", "PTSD")
    assert current, "the VA/DoD 2023 grades still stand"
    assert not [fact for fact in current if "APA-PTSD" in fact.sources and "VADOD-PTSD" not in fact.sources]
    assert all("APA-PTSD-2025" in fact.sources for fact in current if "APA-PTSD" in fact.sources)
    history = tax.where(on="2024-06-01").facts(None, "first_line_for", "PTSD")
    superseded = [fact for fact in history if fact.id.endswith("apa-2017")]
    assert superseded and all(fact.valid_until and fact.note and "Superseded" in fact.note for fact in superseded)


def test_emdr_is_its_own_family_not_cbt(tax: mht.Taxonomy) -> None:
    assert "cbt" not in tax.broader("EMDR")
    assert "emdr" not in tax.narrower("CBT")


def test_cbt_family(tax: mht.Taxonomy) -> None:
    family = tax.narrower("CBT")
    expected = {
        "cognitive-therapy",
        "behavioral-activation",
        "cognitive-processing-therapy",
        "prolonged-exposure",
        "exposure-and-response-prevention",
        "trauma-focused-cbt",
        "dbt",
        "act",
        "mbct",
        "problem-solving-therapy",
        "cbt-for-psychosis",
        "exposure-therapy",
    }
    assert expected <= family.ids
    assert tax.broader("ERP").ids == {"exposure-therapy", "cbt"}
    assert {"psychodynamic-therapy"} <= tax.broader("psychoanalysis").ids
    assert {"cbt", "mindfulness-based-therapy"} <= tax.broader("MBCT").ids
    assert "psychodynamic-therapy" in tax.broader("MBT")
    assert "psychodynamic-therapy" in tax.broader("TFP")
    assert "motivational-interviewing" in tax.broader("MET")


def test_mdd_first_line_lists_psychotherapies_and_medication(tax: mht.Taxonomy) -> None:
    answer = tax.treatments_for("major depressive disorder")
    expected = ("CBT", "behavioral activation", "IPT", "ACT", "MBCT", "PST", "psychodynamic therapy", "SSRI")
    for modality in expected:
        assert modality in answer, modality
    assert [fact.strength for fact in answer.why("IPT")] == ["initial option"]
    assert "VADOD-MDD" in {s.id for s in answer.why("psychodynamic therapy").sources}


def test_medication_is_primary_for_schizophrenia_and_bipolar(tax: mht.Taxonomy) -> None:
    schizophrenia = tax.treatments_for("schizophrenia")
    assert "antipsychotics" in schizophrenia
    assert "APA-SCZ" in {s.id for s in schizophrenia.why("antipsychotics").sources}
    assert "cbt-for-psychosis" in schizophrenia
    for kind in ("bipolar I", "bipolar II", "bipolar disorder"):
        answer = tax.treatments_for(kind)
        assert {"mood-stabilizers", "antipsychotics"} <= answer.ids, kind


def test_bipolar_subtypes_inherit_through_is_a(tax: mht.Taxonomy) -> None:
    why = tax.treatments_for("bipolar II").why("mood stabilizers")
    relations = [fact.relation for fact in why]
    assert relations == [mht.Relation.FIRST_LINE_FOR, mht.Relation.IS_A]


def test_ocd_gad_bpd_sud_adhd(tax: mht.Taxonomy) -> None:
    assert "ERP" in tax.treatments_for("OCD")
    assert "SSRI" in tax.treatments_for("OCD")
    assert "guided-self-help" in tax.treatments_for("GAD")
    bpd = {
        "dbt",
        "mentalization-based-treatment",
        "transference-focused-psychotherapy",
        "good-psychiatric-management",
    }
    assert bpd <= tax.treatments_for("BPD").ids
    assert "MOUD" in tax.treatments_for("opioid use disorder")
    aud = tax.treatments_for("AUD").ids
    assert {"alcohol-use-disorder-medication", "motivational-enhancement-therapy"} <= aud
    adhd = tax.treatments_for("ADHD")
    assert "PTBM" in adhd
    assert "4 to 5" in (adhd.why("PTBM").facts[0].strength or "")


def test_every_first_line_fact_is_graded_and_seed_only_ones_explained(tax: mht.Taxonomy) -> None:
    facts = tax.facts(relation="first_line_for")
    assert len(facts) >= 30
    for fact in facts:
        assert fact.strength, fact.id
        if all(source.startswith("SEED-") for source in fact.sources):
            assert fact.note, f"{fact.id} cites only seeds but says nothing about the missing guideline"


# -- conditions and their codes --------------------------------------------------------------


def test_mdd_codes(tax: mht.Taxonomy) -> None:
    for code in ("F32.0", "F32.5", "F32.9", "F33.0", "F33.3", "F33.41", "F33.9"):
        assert tax.get(code).id == "major-depressive-disorder", code
    for code in ("F32.A", "F32.81", "F32.89", "F33.8", "F33.4"):
        assert _resolves_to(tax, code) != "major-depressive-disorder", code


def test_bipolar_codes(tax: mht.Taxonomy) -> None:
    assert tax.get("F31.81").id == "bipolar-ii-disorder"
    assert tax.get("F31.2").id == "bipolar-i-disorder"
    assert tax.get("F31.78").id == "bipolar-i-disorder"
    assert tax.get("F31.9").id == "bipolar-disorder"
    assert "bipolar-disorder" in tax.broader("bipolar I")


def test_codes_of_neighbouring_disorders_stay_out(tax: mht.Taxonomy) -> None:
    assert tax.get("F43.12").id == "ptsd"
    assert tax.get("F42.2").id == "ocd"
    assert _resolves_to(tax, "F42.3") != "ocd"  # hoarding disorder
    assert _resolves_to(tax, "F20.81") != "schizophrenia"  # schizophreniform disorder
    assert _resolves_to(tax, "F10.99") != "alcohol-use-disorder"  # alcohol use, unspecified
    assert tax.get("F10.20").id == "alcohol-use-disorder"
    assert tax.get("F11.20").id == "opioid-use-disorder"
    assert tax.get("F34.1").id == "persistent-depressive-disorder"
    assert tax.get("F41.0").id == "panic-disorder"
    assert tax.get("F90.2").id == "adhd"
    assert "substance-use-disorder" in tax.broader("OUD")
    assert "anxiety-disorder" in tax.broader("GAD")


def test_no_icd_code_belongs_to_two_conditions(tax: mht.Taxonomy) -> None:
    cm = pytest.importorskip("simple_icd_10_cm")
    conditions = tax.entities("condition")
    for code in cm.get_all_codes(with_dots=True):
        if not code.startswith("F") or not cm.is_category_or_subcategory(code):
            continue
        owners = {c.id for c in conditions for coded in c.codes if coded.matches(code)}
        assert len(owners) <= 1, f"{code} matches {sorted(owners)}"


def test_condition_codes_and_range_ends_exist(tax: mht.Taxonomy) -> None:
    cm = pytest.importorskip("simple_icd_10_cm")
    for condition in tax.entities("condition"):
        for code in condition.codes:
            assert code.system == "ICD-10-CM"
            for end in code.value.split("-"):
                assert cm.is_valid_item(end), f"{condition.id}: {end}"
                assert cm.is_leaf(end), f"{condition.id}: {end} is a header"


def test_catalogue_size(tax: mht.Taxonomy) -> None:
    assert len(tax.entities("modality")) >= 25
    assert len(tax.entities("condition")) >= 10
    assert len(tax.entities("service")) >= 15


# -- what needs a diagnosis ------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "psychotherapy",
        "family-psychotherapy-without-patient",
        "crisis psychotherapy",
        "DBT",
        "EMDR",
        "medication management",
        "MOUD",
        "psychological testing",
        "neuropsychological-testing",
        "TMS",
        "CoCM",
        "BHI",
    ],
)
def test_requires_diagnosis(tax: mht.Taxonomy, ref: str) -> None:
    assert tax.requires_diagnosis(ref)


@pytest.mark.parametrize(
    "ref",
    ["screening", "coaching", "therapy", "diagnosis", "psychiatric diagnostic evaluation", "yoga", "HBAI"],
)
def test_does_not_require_diagnosis(tax: mht.Taxonomy, ref: str) -> None:
    assert not tax.requires_diagnosis(ref)


def test_hbai_needs_a_physical_diagnosis_not_a_mental_one(tax: mht.Taxonomy) -> None:
    hbai = tax.get("HBAI")
    assert tax.facts(hbai, "requires") == []
    assert "physical" in hbai.description


def test_family_therapy_variants(tax: mht.Taxonomy) -> None:
    kinds = tax.narrower("family psychotherapy").ids
    assert {"family-psychotherapy-with-patient", "family-psychotherapy-without-patient"} <= kinds
    assert [f.object for f in tax.facts("family systems therapy", "form_of")] == ["family-psychotherapy"]


# -- referrals ---------------------------------------------------------------------------------


def test_psychiatrist_refers_to_therapist_for_all_seed_reasons(tax: mht.Taxonomy) -> None:
    assert tax.referral_reasons("psychiatrist", "therapist").ids == SEED_003_PSYCHIATRIST_TO_THERAPIST


def test_therapist_refers_to_psychiatrist_for_all_seed_reasons(tax: mht.Taxonomy) -> None:
    assert SEED_003_THERAPIST_TO_PSYCHIATRIST <= tax.referral_reasons("therapist", "psychiatrist").ids
    assert SEED_003_THERAPIST_TO_PSYCHIATRIST <= tax.referral_reasons("LCSW", "psychiatrist").ids


def test_trauma_processing_reaches_lcsw_through_therapist(tax: mht.Taxonomy) -> None:
    answer = tax.refer("trauma processing")
    assert "LCSW" in answer
    facts = answer.why("LCSW").facts
    first = facts[0]
    assert (first.subject, first.object, first.reason) == ("psychiatrist", "therapist", "trauma-processing")
    assert first.relation is mht.Relation.REFERS_TO
    assert (facts[-1].subject, facts[-1].object) == ("lcsw", "therapist")


def test_coach_refers_at_risk_clients_to_clinical_care(tax: mht.Taxonomy) -> None:
    receivers = tax.refer("risk of harm to self or others", from_="life coach")
    assert {"therapist", "psychiatrist", "lcsw"} <= receivers.ids
    for fact in tax.facts("life coach", "refers_to"):
        assert "SEED-001" in fact.sources
        assert fact.note and "Inferred" in fact.note


def test_pcp_referral_is_a_commercial_plan_rule(tax: mht.Taxonomy) -> None:
    reason = "plan-requires-pcp-referral"
    assert reason in tax.where(payer="commercial-insurance").referral_reasons("PCP", "LPC")
    assert reason not in tax.where(payer="medicare").referral_reasons("PCP", "LPC")


def test_collaborative_care_roles(tax: mht.Taxonomy) -> None:
    assert "needs-integrated-behavioral-health-care" in tax.referral_reasons(
        "PCP", "behavioral health care manager"
    )
    assert "psychiatric-caseload-review" in tax.referral_reasons(
        "behavioral health care manager", "psychiatric consultant"
    )
    assert "needs-specialty-psychiatric-care" in tax.referral_reasons("PCP", "psychiatrist")


def test_bh_clinician_to_prescriber_follows_g0323_dates(tax: mht.Taxonomy) -> None:
    reason = "needs-prescriber-care"
    assert reason in tax.where(on="2023-06-01").referral_reasons("LCSW", "prescriber")
    assert reason not in tax.where(on="2023-06-01").referral_reasons("LPC", "prescriber")
    assert reason in tax.where(on="2024-06-01").referral_reasons("LPC", "prescriber")
    assert reason in tax.where(on="2024-06-01").referral_reasons("LMFT", "PMHNP")


# -- references stay unambiguous ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("CBT", "cbt"),
        ("DBT", "dbt"),
        ("EMDR", "emdr"),
        ("ERP", "exposure-and-response-prevention"),
        ("cognitive processing therapy", "cognitive-processing-therapy"),
        ("prolonged exposure", "prolonged-exposure"),
        ("trauma-focused CBT", "trauma-focused-cbt"),
        ("PTSD", "ptsd"),
        ("OCD", "ocd"),
        ("major depressive disorder", "major-depressive-disorder"),
        ("psychotherapy", "psychotherapy"),
        ("therapy", "therapy-everyday"),
        ("coaching", "coaching"),
        ("medication management", "medication-management"),
        ("prescribing", "prescribing"),
        ("diagnosis", "diagnosis"),
        ("family therapy", "family-psychotherapy"),
        ("MOUD", "medication-for-opioid-use-disorder"),
    ],
)
def test_common_references_resolve(tax: mht.Taxonomy, ref: str, expected: str) -> None:
    assert tax.get(ref).id == expected


def test_cpt_stays_ambiguous(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.AmbiguousEntityError) as caught:
        tax.get("CPT")
    assert "cognitive-processing-therapy" in {e.id for e in caught.value.candidates}
