"""The questions, on the facts the seed articles state, and the invariants of their answers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

import mhtaxonomy as mht
from tests.strategies import contexts, entities

TAX = mht.load()
SERVICES = entities(TAX, mht.Kind.SERVICE)


def ids(answer: mht.Answer) -> set[str]:
    return set(answer.ids)


# -- who can provide -------------------------------------------------------------


def test_therapists_and_psychiatrists_provide_psychotherapy(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("psychotherapy")
    assert ids(answer) >= {"lcsw", "lpc", "lmft", "psychologist", "clinical-psychologist", "psychiatrist"}
    assert not ids(answer) & {"life-coach", "milieu-therapist", "peer-specialist"}


def test_everyday_therapy_comes_from_coaches_milieu_therapists_and_clinical_associates(tax: mht.Taxonomy) -> None:
    assert ids(tax.who_can_provide("therapy")) >= {"life-coach", "milieu-therapist", "clinical-associate"}


def test_supervised_providers_drop_out_when_asked_for_independent_practice(tax: mht.Taxonomy) -> None:
    everyone = tax.who_can_provide("psychotherapy")
    alone = tax.who_can_provide("psychotherapy", independently=True)
    assert "lmsw" in everyone and "lmsw" not in alone
    assert "lcsw" in alone
    assert any(f.supervised for f in everyone.why("LMSW"))


def test_a_modality_is_provided_by_those_who_provide_its_service(tax: mht.Taxonomy) -> None:
    assert ids(tax.who_can_provide("ERP")) == ids(tax.who_can_provide("psychotherapy"))
    why = tax.who_can_provide("ERP").why("LCSW")
    assert [f.relation for f in why][-3:] == [mht.Relation.FORM_OF, mht.Relation.IS_A, mht.Relation.IS_A]
    assert why.facts[-1].subject == "exposure-and-response-prevention"


def test_a_code_is_provided_by_those_who_provide_what_it_bills(tax: mht.Taxonomy) -> None:
    assert "lcsw" in tax.who_can_provide("90834")
    assert "lcsw" not in tax.who_can_provide("99213")
    assert "psychiatrist" in tax.who_can_provide("99213")


def test_who_can_provide_refuses_other_kinds(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.WrongKindError, match="who_can_provide takes a service or modality or billing code"):
        tax.who_can_provide("LCSW")


def test_why_reads_from_the_member_to_the_service_with_sources(tax: mht.Taxonomy) -> None:
    why = tax.who_can_provide("family psychotherapy").why("clinical psychologist")
    facts = list(why)
    assert facts[0].subject == "clinical-psychologist"
    assert facts[-1].subject == "family-psychotherapy"
    for before, after in zip(facts, facts[1:], strict=False):
        assert {before.subject, before.object} & {after.subject, after.object}
    text = str(why)
    assert "Clinical psychologist" in text and "sources:" in text
    assert {s.id for s in why.sources} == {s for f in facts for s in f.sources}


def test_why_for_a_non_member_is_a_key_error(tax: mht.Taxonomy) -> None:
    with pytest.raises(KeyError, match="not in the answer"):
        tax.who_can_provide("psychotherapy").why("life coach")


def test_prescribing_psychologists_prescribe_only_where_a_state_allows(tax: mht.Taxonomy) -> None:
    assert "prescribing-psychologist" in tax.who_can_provide("prescribing")
    assert "prescribing-psychologist" in tax.where(jurisdiction="NM").who_can_provide("prescribing")
    assert "prescribing-psychologist" not in tax.where(jurisdiction="CA").who_can_provide("prescribing")
    why = tax.who_can_provide("prescribing").why("prescribing psychologist")
    assert any(f.jurisdictions for f in why)


def test_answers_behave_as_sets(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("prescribing")
    assert len(answer) == len(list(answer)) == len(answer.ids)
    assert tax.get("psychiatrist") in answer
    assert "PMHNP" in answer
    assert 42 not in answer
    names = [e.name for e in answer]
    assert names == sorted(names, key=str.casefold)
    both = answer & tax.who_can_provide("psychotherapy")
    assert isinstance(both, mht.Answer) and tax.get("psychiatrist") in both and both.why("psychiatrist")


def test_answers_serialise_to_json(tax: mht.Taxonomy) -> None:
    data = json.loads(json.dumps(tax.where(jurisdiction="NM").who_can_provide("prescribing").to_dict(why=True)))
    assert data["context"]["jurisdiction"] == "us-nm"
    member = next(m for m in data["members"] if m["id"] == "prescribing-psychologist")
    assert member["why"]["sources"][0]["id"] == "S19"


# -- what a profession can provide -------------------------------------------------


def test_what_can_provide_is_the_inverse_of_who_can_provide(tax: mht.Taxonomy) -> None:
    for service in tax.what_can_provide("LCSW"):
        assert "lcsw" in tax.who_can_provide(service)


@settings(max_examples=40, deadline=None)
@given(service=SERVICES)
def test_a_group_provides_a_service_exactly_when_every_member_does(service: mht.Entity) -> None:
    providers = TAX.who_can_provide(service)
    for group in (p for p in TAX.entities(mht.Kind.PROFESSION) if p.group):
        members = {f.subject for f in TAX.facts(relation="is_a", object=group)}
        assert (group.id in providers) is (members <= providers.ids)
        assert (service.id in TAX.what_can_provide(group)) is (group.id in providers)


def test_a_group_can_provide_what_every_member_can(tax: mht.Taxonomy) -> None:
    therapists = tax.what_can_provide("therapist")
    assert {"psychotherapy", "diagnosis"} <= therapists.ids
    assert "prescribing" not in therapists


# -- diagnosis -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("psychotherapy", True),
        ("group psychotherapy", True),
        ("medication management", True),
        ("CBT", True),
        ("90834", True),
        ("coaching", False),
        ("therapy", False),
        ("diagnosis", False),
        ("yoga", False),
    ],
)
def test_requires_diagnosis(tax: mht.Taxonomy, ref: str, expected: bool) -> None:
    assert tax.requires_diagnosis(ref) is expected


def test_what_requires_diagnosis_explains_itself(tax: mht.Taxonomy) -> None:
    answer = tax.what_requires_diagnosis()
    assert {"psychotherapy", "cpt-90834", "medication-management"} <= answer.ids
    assert list(answer.why("90834"))[-1].object == "mental-disorder-diagnosis"


def test_requires_diagnosis_refuses_professions(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.WrongKindError):
        tax.requires_diagnosis("LCSW")


# -- requirements ----------------------------------------------------------------------


def test_psychiatrist_requirements_follow_the_training_path(tax: mht.Taxonomy) -> None:
    needs = tax.requirements_for("psychiatrist")
    assert {"medical-degree", "md", "do", "usmle", "comlex-usa", "psychiatry-residency", "bachelors-degree"} <= needs.ids
    assert [f.relation for f in needs.why("bachelor's degree")] == [
        mht.Relation.HOLDS, mht.Relation.REQUIRES, mht.Relation.REQUIRES,
    ]


@pytest.mark.parametrize(
    ("profession", "exam"),
    [("LPC", "ncmhce"), ("LPC", "nce"), ("LCSW", "aswb-clinical"), ("psychologist", "eppp"), ("LMFT", "amftrb-exam")],
)
def test_each_therapist_licence_names_its_exam(tax: mht.Taxonomy, profession: str, exam: str) -> None:
    assert exam in tax.requirements_for(profession)


def test_a_narrower_profession_needs_what_the_broader_one_does(tax: mht.Taxonomy) -> None:
    assert tax.requirements_for("psychologist").ids <= tax.requirements_for("prescribing psychologist").ids
    assert "pep" in tax.requirements_for("prescribing psychologist")


# -- referrals -------------------------------------------------------------------------


def test_therapists_refer_to_psychiatrists_when_medication_could_help(tax: mht.Taxonomy) -> None:
    reasons = tax.referral_reasons("therapist", "psychiatrist")
    assert "medication-may-help" in reasons
    assert "medication-may-help" in tax.referral_reasons("LCSW", "psychiatrist")
    assert [f.relation for f in tax.referral_reasons("LCSW", "psychiatrist").why("medication-may-help")] == [
        mht.Relation.IS_A, mht.Relation.REFERS_TO,
    ]


def test_refer_finds_the_receivers_and_their_narrower_professions(tax: mht.Taxonomy) -> None:
    receivers = tax.refer("medication could help")
    assert {"psychiatrist", "psychiatric-consultant"} <= receivers.ids
    assert not tax.refer("medication could help", from_="psychiatrist")


def test_refer_refuses_a_profession_as_reason(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.WrongKindError):
        tax.refer("LCSW")


# -- treatments, hierarchy ------------------------------------------------------------------


def test_first_line_treatments_cite_their_guideline(tax: mht.Taxonomy) -> None:
    ptsd = tax.treatments_for("PTSD")
    assert {"prolonged-exposure", "cognitive-processing-therapy"} <= ptsd.ids
    assert "VADOD-PTSD" in {s.id for s in ptsd.why("prolonged exposure").sources}
    assert "exposure-and-response-prevention" in tax.treatments_for("F42.2")


def test_broader_and_narrower_are_inverse(tax: mht.Taxonomy) -> None:
    assert {"exposure-therapy", "cbt"} <= tax.broader("ERP").ids
    assert "exposure-and-response-prevention" in tax.narrower("CBT")
    assert "psychotherapy" not in tax.broader("psychotherapy")


# -- properties over the whole graph -------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(service=SERVICES)
def test_narrower_services_keep_every_provider_of_the_broader_one(service: mht.Entity) -> None:
    providers = TAX.who_can_provide(service).ids
    for narrower in TAX.narrower(service):
        assert providers <= TAX.who_can_provide(narrower).ids


@settings(max_examples=60, deadline=None)
@given(service=SERVICES, context=contexts(TAX))
def test_independent_providers_are_a_subset_and_every_why_holds_in_context(service: mht.Entity, context: dict) -> None:
    view = TAX.where(**context)
    everyone = view.who_can_provide(service)
    assert view.who_can_provide(service, independently=True).ids <= everyone.ids
    for member in everyone:
        why = everyone.why(member)
        assert why.facts and all(f.holds_in(view.context) for f in why)
        assert member.id in {f.subject for f in why} | {f.object for f in why}


@settings(max_examples=60, deadline=None)
@given(service=SERVICES, context=contexts(TAX))
def test_narrowing_the_context_never_adds_providers(service: mht.Entity, context: dict) -> None:
    assert TAX.where(**context).who_can_provide(service).ids <= TAX.who_can_provide(service).ids


@settings(max_examples=40, deadline=None)
@given(profession=entities(TAX, mht.Kind.PROFESSION))
def test_groups_and_members_broader_is_transitive(profession: mht.Entity) -> None:
    above = TAX.broader(profession).ids
    for parent in above:
        assert TAX.broader(parent).ids <= above


def test_stats_count_what_is_there(tax: mht.Taxonomy) -> None:
    counts = tax.stats()
    assert counts["records"]["profession"] == len(tax.entities("profession"))
    assert counts["totals"]["facts"] == sum(counts["facts"].values())
    assert counts["totals"]["sources"] == len(tax.sources())
