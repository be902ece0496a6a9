"""Each founding article's comparison, produced by compare() and the queries.

The assertions restate, in our words, what each seed says; the answers come
from the graph.
"""

from __future__ import annotations

import mhtaxonomy as mht


def names(tax: mht.Taxonomy, *refs: str) -> set[str]:
    return {tax.get(ref).name for ref in refs}


def test_seed_000_therapy_versus_psychotherapy(tax: mht.Taxonomy) -> None:
    """Therapy is a catch-all anyone may offer; psychotherapy needs qualifications and is what is billed."""
    c = tax.compare("therapy", "psychotherapy")
    assert c.row("requires diagnosis").a is False and c.row("requires diagnosis").b is True
    assert c.row("reimbursable").a is False and c.row("reimbursable").b is True
    assert c.row("health care").a is False
    assert names(tax, "coach", "milieu therapist", "clinical associate") <= c.row("who provides").a
    assert names(tax, "psychologist", "LCSW", "LPC") <= c.row("who provides").b
    assert not names(tax, "coach", "milieu therapist") & c.row("who provides").b
    # Qualification: independently, or under a supervisor's licence.
    assert tax.get("clinical associate").name in c.row("who provides").b - c.row("who provides on their own").b
    assert "cpt-90834" in tax.what_requires_diagnosis()


def test_seed_001_coaching_versus_therapy(tax: mht.Taxonomy) -> None:
    """Coaching: no diagnosis, not health care, no insurance, no accommodation letters; other tools."""
    c = tax.compare("coaching", "psychotherapy")
    for aspect in ("health care", "requires diagnosis", "reimbursable"):
        assert (c.row(aspect).a, c.row(aspect).b) == (False, True), aspect
    assert names(tax, "meditation", "somatic techniques", "yoga", "art practice", "movement practice") <= c.row(
        "modalities and practices"
    ).a
    people = tax.compare("coach", "therapist")
    letters = tax.get("accommodation-documentation").name
    assert letters in people.row("services").b and letters not in people.row("services").a
    assert people.row("can provide Diagnosis of mental disorders").a is False
    assert {"psychiatrist", "psychologist"} <= tax.who_can_provide("accommodation-documentation").ids


def test_seed_002_psychotherapy_in_psychiatry(tax: mht.Taxonomy) -> None:
    """Psychiatrists offer individual, family and group psychotherapy beside psychopharmacology."""
    for form in ("individual psychotherapy", "family psychotherapy", "group psychotherapy"):
        assert "psychiatrist" in tax.who_can_provide(form)
    c = tax.compare("psychotherapy", "medication management")
    assert tax.get("psychiatrist").name in c.row("who provides").shared
    assert tax.get("psychopharmacology").id == "medication-management"
    for modality in ("ACT", "supportive psychotherapy"):
        why = tax.who_can_provide(modality).why("psychiatrist")
        assert any(f.relation is mht.Relation.FORM_OF and f.object == "psychotherapy" for f in why)


def test_seed_003_therapist_versus_psychiatrist(tax: mht.Taxonomy) -> None:
    """Roles, training, exams, referrals and billing codes."""
    c = tax.compare("therapist", "psychiatrist")
    assert (c.row("can provide Diagnosis of mental disorders").a, c.row("can provide Diagnosis of mental disorders").b) == (True, True)
    assert (c.row("can provide Psychotherapy").a, c.row("can provide Psychotherapy").b) == (True, True)
    assert (c.row("can provide Prescribing medication").a, c.row("can provide Prescribing medication").b) == (False, True)
    assert (c.row("can provide Ordering medical tests").a, c.row("can provide Ordering medical tests").b) == (False, True)
    assert names(tax, "MSW", "medical degree") <= c.row("degree requirements").a | c.row("degree requirements").b
    assert tax.get("MSW").name in c.row("degree requirements").a
    assert tax.get("medical-degree").name in c.row("degree requirements").b
    assert names(tax, "NCMHCE", "ASWB Clinical exam") <= c.row("exam requirements").a
    assert tax.get("USMLE").name in c.row("exam requirements").b
    assert tax.get("psychiatry residency").name in c.row("experience requirements").b
    assert tax.get("90834").name in c.row("billing codes").shared
    assert tax.get("99213").name in c.row("billing codes").b - c.row("billing codes").a
    assert tax.get("medication-may-help").name in c.row("refers to the other for").a
    assert "99213" in tax.get("99213").note and "2021" in tax.get("99213").note


def test_seed_004_psychotherapy_versus_medication_management(tax: mht.Taxonomy) -> None:
    """Who oversees each, what each uses, and that both need a diagnosis and are covered."""
    c = tax.compare("psychotherapy", "medication management")
    assert (c.row("requires diagnosis").a, c.row("requires diagnosis").b) == (True, True)
    assert (c.row("reimbursable").a, c.row("reimbursable").b) == (True, True)
    providers = c.row("who provides")
    assert names(tax, "psychiatrist", "PMHNP") <= providers.b
    assert names(tax, "LCSW", "LPC", "LMFT") <= providers.a - providers.b
    assert names(tax, "CBT", "psychodynamic therapy", "mindfulness-based therapy") <= c.row("modalities and practices").a
    assert names(tax, "antidepressants", "antipsychotics", "mood stabilizers", "anti-anxiety medication") <= c.row(
        "modalities and practices"
    ).b
    assert "prescriber" in tax.broader("psychiatrist")


def test_comparison_renders_and_serialises(tax: mht.Taxonomy) -> None:
    c = tax.compare("coaching", "psychotherapy")
    text = str(c)
    assert text.splitlines()[0].strip().startswith("Coaching")
    assert "≠" in text
    data = c.to_dict()
    assert data["a"] == "coaching"
    assert {row["aspect"] for row in data["rows"]} >= {"requires diagnosis", "who provides"}
    assert c.differences and all(not row.same for row in c.differences)
