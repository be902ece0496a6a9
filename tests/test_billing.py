"""Billing: the time rules, who may bill under a payer and date, and claim checks.

Expected answers come from the data where the data state them (a code's window,
an add-on's unit), so the tests check the rules that read the graph; the
numbers from the fact sheet (16, 38, 53 minutes; 75 and 105 for crisis units)
appear only where the issue itself names them.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.billing import SAME_DAY_EM
from mhtaxonomy.cli import main

TAX = mht.load()
CODES = TAX.entities(mht.Kind.BILLING_CODE)
MEDICARE_2023 = TAX.where(payer="Medicare", on="2023-06-01")
MEDICARE_2025 = TAX.where(payer="Medicare", on="2025-06-01")


def code(ref: str) -> mht.BillingCode:
    entity = TAX.get(ref)
    assert isinstance(entity, mht.BillingCode)
    return entity


def codes(found: tuple[mht.BillingCode, ...]) -> list[str]:
    return [c.code for c in found]


def bills(view: mht.Taxonomy, billing_code: mht.BillingCode) -> set[str]:
    return {fact.object for fact in view.facts(billing_code, "bills")}


def fact_ids(check: mht.ClaimCheck) -> set[str]:
    return {fact.id for problem in check.problems for fact in problem.facts}


# -- which code for a session ---------------------------------------------------------


def test_a_fifty_minute_session_is_90834(tax: mht.Taxonomy) -> None:
    assert codes(tax.codes_for_session(50)) == ["90834"]


@pytest.mark.parametrize(
    ("minutes", "alone", "with_em"),
    [
        (0, [], []),
        (15, [], []),
        (16, ["90832"], ["90833"]),
        (37, ["90832"], ["90833"]),
        (38, ["90834"], ["90836"]),
        (52, ["90834"], ["90836"]),
        (53, ["90837"], ["90838"]),
        (75, ["90837"], ["90838"]),
        (240, ["90837"], ["90838"]),
    ],
)
def test_psychotherapy_time_thresholds(tax: mht.Taxonomy, minutes: int, alone: list[str], with_em: list[str]) -> None:
    assert codes(tax.codes_for_session(minutes)) == alone
    assert codes(tax.codes_for_session(minutes, with_em=True)) == with_em
    assert codes(tax.codes_for_session(minutes, service="individual psychotherapy")) == alone


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=16, max_value=600))
def test_every_minute_from_16_gives_exactly_one_primary_psychotherapy_code(minutes: int) -> None:
    found = TAX.codes_for_session(minutes)
    assert len(found) == 1
    (chosen,) = found
    assert not chosen.add_on
    assert "psychotherapy" in bills(TAX, chosen)
    assert chosen.min_minutes is not None and chosen.min_minutes <= minutes
    assert chosen.max_minutes is None or minutes <= chosen.max_minutes


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=16, max_value=600))
def test_with_an_em_visit_every_minute_gives_one_em_add_on(minutes: int) -> None:
    (chosen,) = TAX.codes_for_session(minutes, with_em=True)
    assert chosen.add_on
    assert TAX.facts(chosen, "requires", SAME_DAY_EM)
    assert chosen.min_minutes == TAX.codes_for_session(minutes)[0].min_minutes


@settings(max_examples=200, deadline=None)
@given(a=st.integers(min_value=16, max_value=600), b=st.integers(min_value=16, max_value=600))
def test_the_chosen_code_never_goes_down_as_minutes_go_up(a: int, b: int) -> None:
    shorter, longer = sorted((a, b))
    low, high = TAX.codes_for_session(shorter)[0], TAX.codes_for_session(longer)[0]
    assert (low.min_minutes or 0) <= (high.min_minutes or 0)


def test_no_code_for_under_the_shortest_window(tax: mht.Taxonomy) -> None:
    shortest = min(c.min_minutes or 0 for c in tax.codes_for_session(600) + tax.codes_for_session(16))
    assert tax.codes_for_session(shortest - 1) == ()


# -- crisis ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "units"), [(30, 0), (74, 0), (75, 1), (104, 1), (105, 2), (134, 2), (135, 3)])
def test_crisis_units_named_in_the_issue(tax: mht.Taxonomy, minutes: int, units: int) -> None:
    assert codes(tax.codes_for_session(minutes, "crisis psychotherapy")) == ["90839"] + ["90840"] * units


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=30, max_value=600))
def test_crisis_units_follow_the_formula_in_the_data(minutes: int) -> None:
    first, unit = code("90839"), code("90840")
    assert first.max_minutes is not None and unit.unit_minutes is not None
    expected = math.ceil((minutes - first.max_minutes) / unit.unit_minutes) if minutes > first.max_minutes else 0
    found = TAX.codes_for_session(minutes, "crisis psychotherapy")
    assert found[0] == first
    assert list(found[1:]) == [unit] * expected
    assert TAX.facts(unit, "add_on_to", first)


@settings(max_examples=50, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=29), with_em=st.booleans())
def test_crisis_under_30_minutes_is_ordinary_psychotherapy(minutes: int, with_em: bool) -> None:
    assert minutes < (code("90839").min_minutes or 0)
    found = TAX.codes_for_session(minutes, "crisis psychotherapy", with_em=with_em)
    assert found == TAX.codes_for_session(minutes, "psychotherapy", with_em=with_em)


def test_crisis_has_no_em_add_on(tax: mht.Taxonomy) -> None:
    with pytest.raises(ValueError, match="add-on to an E/M visit"):
        tax.codes_for_session(60, "crisis psychotherapy", with_em=True)


def test_crisis_prefers_the_cpt_code_where_medicare_also_has_a_g_code() -> None:
    assert codes(MEDICARE_2025.codes_for_session(60, "crisis psychotherapy")) == ["90839"]
    assert "crisis-psychotherapy" in bills(MEDICARE_2025, code("G0017"))


# -- family and untimed services ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "expected"),
    [("family psychotherapy with the patient present", "90847"), ("family psychotherapy without the patient", "90846")],
)
def test_family_psychotherapy_from_26_minutes(tax: mht.Taxonomy, service: str, expected: str) -> None:
    start = code(expected).min_minutes
    assert start == 26
    assert tax.codes_for_session(start - 1, service) == ()
    assert codes(tax.codes_for_session(start, service)) == [expected]
    assert codes(tax.codes_for_session(90, service)) == [expected]


def test_family_psychotherapy_without_saying_who_is_there_names_the_choice(tax: mht.Taxonomy) -> None:
    with pytest.raises(ValueError, match="90846.*90847.*ask for one of") as raised:
        tax.codes_for_session(50, "family psychotherapy")
    assert "Family psychotherapy with the patient present" in str(raised.value)


def test_untimed_services_say_so(tax: mht.Taxonomy) -> None:
    with pytest.raises(ValueError, match="not billed by time.*90853"):
        tax.codes_for_session(60, "group psychotherapy")


def test_a_service_no_code_bills_has_no_code(tax: mht.Taxonomy) -> None:
    assert tax.codes_for_session(60, "coaching") == ()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((-1,), ValueError),
        ((50.0,), TypeError),
        ((True,), TypeError),
        ((50, "LCSW"), mht.WrongKindError),
        ((50, "psychotheraphy"), mht.UnknownEntityError),
    ],
)
def test_bad_arguments_are_clear_errors(tax: mht.Taxonomy, args: tuple[object, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        tax.codes_for_session(*args)  # type: ignore[arg-type]


def test_a_code_not_yet_in_use_is_not_chosen() -> None:
    before = TAX.where(on="2012-06-01")
    assert codes(before.codes_for_session(50)) == []
    assert code("90834").valid_from is not None and code("90834").valid_from.year == 2013


# -- the catalogue -------------------------------------------------------------------------


@pytest.mark.parametrize("add_on", [c for c in CODES if c.add_on], ids=lambda c: c.code)
def test_every_add_on_names_at_least_one_primary(add_on: mht.BillingCode) -> None:
    primaries = TAX.facts(add_on, "add_on_to")
    assert primaries
    assert all(isinstance(TAX.get(f.object), mht.BillingCode) for f in primaries)


@pytest.mark.parametrize("billing_code", CODES, ids=lambda c: c.code)
def test_only_add_ons_have_primaries_and_every_code_bills_something(billing_code: mht.BillingCode) -> None:
    if not billing_code.add_on:
        assert not TAX.facts(billing_code, "add_on_to")
    if not TAX.facts(billing_code, "bills"):
        assert billing_code.add_on or "bills none" in (billing_code.note or ""), "say why a code bills nothing"


@pytest.mark.parametrize(
    "ref",
    ["90785", "90791", "90792", "90832", "90833", "90834", "90836", "90837", "90838", "90839", "90840", "90845",
     "90846", "90847", "90849", "90853", "90863", "90865", "90867", "90868", "90869", "90870", "90880",
     "99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215",
     "99492", "99493", "99494", "G2214", "99484", "G0323", "96127", "96130", "96131", "96132", "96133",
     "96136", "96137", "96138", "96139", "H0031", "H0032", "H0004", "H0038", "H2019", "H2011", "H0006",
     "G0410", "G0411", "G2086", "G2087", "G2088", "G0017", "G0018", "G0140", "G0146", "G0552", "G0553",
     "G0554", "G0560"],
)  # fmt: skip
def test_the_issue_s_codes_are_all_there_with_sources(ref: str) -> None:
    billing_code = code(ref)
    assert billing_code.sources and billing_code.description
    assert billing_code.system in {"cpt", "hcpcs"}


@pytest.mark.parametrize(
    ("ref", "year"), [("G0017", 2024), ("G0323", 2023), ("G2214", 2021), ("G0552", 2025), ("G0560", 2025)]
)
def test_later_codes_carry_their_start_date(ref: str, year: int) -> None:
    start = code(ref).valid_from
    assert start is not None and (start.year, start.month, start.day) == (year, 1, 1)


@pytest.mark.parametrize("h_code", [c for c in CODES if c.system == "hcpcs" and c.code[0] in "HT"], ids=lambda c: c.code)
def test_h_and_t_codes_are_medicaid_codes_only(h_code: mht.BillingCode) -> None:
    assert TAX.facts("medicaid", "covers", h_code)
    for fact in TAX.facts(h_code, "bills"):
        assert fact.payers == frozenset({"medicaid"})
    assert not MEDICARE_2025.who_can_bill(h_code)
    assert not TAX.where(payer="commercial insurance").who_can_bill(h_code)


def test_the_99213_note_on_the_2021_rules_is_kept() -> None:
    note = code("99213").note or ""
    assert "15-minute" in note and "2021" in note


def test_medicare_recognition_notes_carry_the_payment_rate() -> None:
    rates = {"lcsw": "75%", "lmft": "75%", "lpc": "75%", "pmhnp": "85%", "physician-assistant": "85%"}
    for profession, rate in rates.items():
        (fact,) = TAX.where(on="2025-06-01").facts("medicare", "recognizes", profession)
        assert rate in (fact.note or "")


# -- who may bill --------------------------------------------------------------------------


def test_an_lpc_may_bill_90837_to_medicare_from_2024() -> None:
    assert "lpc" not in MEDICARE_2023.who_can_bill("90837")
    answer = MEDICARE_2025.who_can_bill("90837")
    assert "lpc" in answer
    why = answer.why("LPC")
    relations = [f.relation for f in why]
    assert mht.Relation.RECOGNIZES in relations and mht.Relation.COVERS in relations
    recognized = next(f for f in why if f.relation is mht.Relation.RECOGNIZES)
    assert recognized.valid_from is not None and recognized.valid_from.isoformat() == "2024-01-01"
    assert {"S4", "NOV"} <= {s.id for s in why.sources}


@pytest.mark.parametrize(("profession", "year"), [("lmft", 2024), ("lpc", 2024), ("physician-assistant", 2022)])
def test_medicare_recognition_starts_on_its_date(profession: str, year: int) -> None:
    ref = "99213" if profession == "physician-assistant" else "90834"
    assert profession not in TAX.where(payer="medicare", on=f"{year - 1}-12-31").who_can_bill(ref)
    assert profession in TAX.where(payer="medicare", on=f"{year}-01-01").who_can_bill(ref)


def test_without_a_payer_no_payer_rule_applies(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_bill("90837")
    assert {"lpc", "lmft", "lcsw", "psychologist"} <= answer.ids
    assert all(f.relation is not mht.Relation.RECOGNIZES for member in answer for f in answer.why(member))


def test_without_a_payer_billing_is_providing_on_ones_own(tax: mht.Taxonomy) -> None:
    for ref in ("90834", "90791", "99213", "90846"):
        providers = tax.who_can_provide(ref, independently=True)
        assert tax.who_can_bill(ref).ids == providers.ids  # groups listed alike


def test_e_m_and_its_add_ons_belong_to_medical_practitioners(tax: mht.Taxonomy) -> None:
    for ref in ("99213", "90833", "90792"):
        billers = MEDICARE_2025.who_can_bill(ref).ids
        assert {"psychiatrist", "pmhnp", "physician-assistant"} <= billers
        assert not billers & {"clinical-psychologist", "lcsw", "lmft", "lpc"}
    assert {"clinical-psychologist", "lcsw", "lmft", "lpc"} <= MEDICARE_2025.who_can_bill("90791").ids


def test_an_add_on_needs_a_primary_the_profession_can_bill() -> None:
    provide = TAX.who_can_provide("90833", independently=True).ids
    bill = TAX.who_can_bill("90833").ids
    assert "lcsw" in provide and "lcsw" not in bill
    why = TAX.who_can_bill("90833").why("psychiatrist")
    assert any(f.relation is mht.Relation.ADD_ON_TO for f in why)


def test_interactive_complexity_is_billed_by_whoever_bills_its_primary(tax: mht.Taxonomy) -> None:
    assert not tax.facts("90785", "bills")
    primaries = {f.object for f in tax.facts("90785", "add_on_to")}
    expected = set().union(*(MEDICARE_2025.who_can_bill(p).ids for p in primaries))
    assert MEDICARE_2025.who_can_bill("90785").ids == expected


def test_g0323_is_for_behavioral_health_clinicians_by_date() -> None:
    clinicians = {"clinical-psychologist", "lcsw", "lmft", "lpc"}
    assert not TAX.where(payer="medicare", on="2022-06-01").who_can_bill("G0323")
    assert MEDICARE_2023.who_can_bill("G0323").ids & clinicians == {"clinical-psychologist", "lcsw"}
    assert MEDICARE_2025.who_can_bill("G0323").ids & clinicians == clinicians
    assert not MEDICARE_2025.who_can_bill("G0323").ids & {"psychiatrist", "pmhnp"}
    assert not MEDICARE_2025.who_can_bill("99484").ids & clinicians


def test_collaborative_care_is_billed_by_the_treating_practitioner_only() -> None:
    billers = MEDICARE_2025.who_can_bill("99492").ids
    assert {"primary-care-physician", "psychiatrist", "pmhnp"} <= billers
    assert "behavioral-health-care-manager" not in billers
    assert "behavioral-health-care-manager" in TAX.who_can_provide("collaborative care")


def test_90863_is_for_prescribing_psychologists(tax: mht.Taxonomy) -> None:
    assert tax.who_can_bill("90863").ids == {"prescribing-psychologist"}
    assert not MEDICARE_2025.who_can_bill("90863")


def test_a_payer_that_does_not_list_a_code_pays_nobody_for_it() -> None:
    assert not MEDICARE_2025.who_can_bill("90849")
    assert TAX.who_can_bill("90849")


@settings(max_examples=60, deadline=None)
@given(
    billing_code=st.sampled_from([c for c in CODES if TAX.facts(c, "bills")]),
    on=st.dates(min_value=dt.date(2013, 1, 1), max_value=dt.date(2027, 12, 31)),
)
def test_every_medicare_biller_is_explained_by_recognition_and_coverage(billing_code: mht.BillingCode, on: dt.date) -> None:
    view = TAX.where(payer="medicare", on=on)
    answer = view.who_can_bill(billing_code)
    for member in answer:
        why = answer.why(member)
        assert all(f.holds_in(view.context) for f in why)
        assert any(f.relation is mht.Relation.RECOGNIZES and f.subject == "medicare" for f in why)
        assert any(f.relation is mht.Relation.COVERS and f.subject == "medicare" for f in why)


def test_who_can_bill_refuses_other_kinds(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.WrongKindError):
        tax.who_can_bill("psychotherapy")


# -- claim checks: the same-day rules of section 1c, each its own test ----------------------------


def test_90833_alone_is_refused_and_says_why(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["90833"], profession="psychiatrist", diagnosis="F32.1")
    assert not check.ok and not check
    (problem,) = check.problems
    assert "add-on" in problem.message and "99213" in problem.message
    assert {f.relation for f in problem.facts} == {mht.Relation.ADD_ON_TO, mht.Relation.REQUIRES}
    assert {"NOV", "BCBSIL"} <= set(problem.sources)
    assert tax.check_claim(["99213", "90833"], profession="psychiatrist", diagnosis="F32.1").ok


def test_rule_em_add_on_needs_a_separately_identifiable_em_visit(tax: mht.Taxonomy) -> None:
    for ref in ("90833", "90836", "90838"):
        check = tax.check_claim([ref], profession="psychiatrist", diagnosis="F32.1")
        assert f"cpt-{ref}.requires.same-day-em-visit" in fact_ids(check)
        assert "separately identifiable" in (tax.fact(f"cpt-{ref}.requires.same-day-em-visit").note or "")


@pytest.mark.parametrize(
    ("claim", "rule"),
    [
        (["99213", "90833", "90834"], "cpt-90833.excludes.cpt-90834"),
        (["99213", "90836", "90839"], "cpt-90836.excludes.cpt-90839"),
        (["99213", "90838", "90847"], "cpt-90838.excludes.cpt-90847"),
    ],
)
def test_rule_em_add_ons_exclude_stand_alone_crisis_and_family_codes(claim: list[str], rule: str) -> None:
    check = TAX.check_claim(claim, profession="psychiatrist", diagnosis="F32.1")
    assert rule in fact_ids(check)


@pytest.mark.parametrize(
    ("claim", "rule"),
    [(["90837", "90839"], "cpt-90837.excludes.cpt-90839"), (["90832", "90840", "90839"], "cpt-90832.excludes.cpt-90840")],
)
def test_rule_stand_alone_psychotherapy_excludes_crisis(claim: list[str], rule: str) -> None:
    assert rule in fact_ids(TAX.check_claim(claim, profession="LCSW", diagnosis="PTSD"))


@pytest.mark.parametrize(
    ("claim", "rule"),
    [(["90791", "90834"], "cpt-90791.excludes.cpt-90834"), (["90792", "90839"], "cpt-90792.excludes.cpt-90839")],
)
def test_rule_no_psychotherapy_on_the_day_of_a_diagnostic_evaluation(claim: list[str], rule: str) -> None:
    check = TAX.check_claim(claim, profession="psychiatrist", diagnosis="PTSD")
    assert rule in fact_ids(check)
    assert "AAPC-SAMEDAY" in {s for p in check.problems for s in p.sources}


def test_rule_diagnostic_evaluation_once_a_day_and_not_with_em(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["90792", "99213"], profession="psychiatrist", diagnosis="PTSD")
    assert "cpt-90792.excludes.cpt-99213" in fact_ids(check)
    twice = tax.check_claim(["90791", "90791"], profession="LCSW")
    assert code("90791").per == "day"
    assert [p.message for p in twice.problems] == ["90791 is billed once per day, not 2 times"]


def test_rule_crisis_stands_alone(tax: mht.Taxonomy) -> None:
    group = tax.check_claim(["90839", "90853"], profession="LCSW", diagnosis="PTSD")
    assert "cpt-90839.excludes.cpt-90853" in fact_ids(group)
    complexity = tax.check_claim(["90839", "90785"], profession="LCSW", diagnosis="PTSD")
    assert "cpt-90785.excludes.cpt-90839" in fact_ids(complexity)
    twice = tax.check_claim(["90839", "90839"], profession="LCSW", diagnosis="PTSD")
    assert code("90839").per == "day" and "once per day" in twice.problems[0].message


def test_rule_one_unit_of_psychotherapy_per_session(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["90834", "90834"], profession="LCSW", diagnosis="F41.1")
    assert code("90834").per == "session"
    assert [p.message for p in check.problems] == ["90834 is billed once per session, not 2 times"]
    assert "NOV" in check.problems[0].sources


def test_bhi_and_collaborative_care_not_in_the_same_month(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["99484", "99492"], profession="psychiatrist", diagnosis="F32.1")
    assert "cpt-99484.excludes.cpt-99492" in fact_ids(check)


def test_allowed_pairs_pass(tax: mht.Taxonomy) -> None:
    assert tax.check_claim(["90791", "90785"], profession="LCSW").ok
    assert tax.check_claim(["90839", "90840"], profession="LCSW", minutes=90, diagnosis="PTSD").ok
    assert tax.check_claim("90834", profession="LCSW", minutes=45, diagnosis="F41.1").ok


# -- claim checks: payer, profession, diagnosis, minutes ------------------------------------------


def test_profession_not_recognized_on_the_date() -> None:
    check = MEDICARE_2023.check_claim(["90837"], profession="LPC", minutes=60, diagnosis="F41.1")
    (problem,) = check.problems
    assert "only from 2024-01-01" in problem.message
    assert problem.facts[0].id == "medicare.recognizes.lpc"
    assert MEDICARE_2025.check_claim(["90837"], profession="LPC", minutes=60, diagnosis="F41.1").ok


def test_profession_that_may_not_provide_what_the_code_bills(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["99213"], profession="LCSW")
    problem = next(p for p in check.problems if "Evaluation and management" in p.message)
    assert "APAP-EM" in problem.sources
    assert all("may not provide" in p.message for p in check.problems)


def test_payer_does_not_cover_the_code() -> None:
    check = MEDICARE_2025.check_claim(["H0031"], profession="LCSW")
    assert "does not cover H0031" in check.problems[0].message
    assert TAX.where(payer="medicaid").check_claim(["H0031"], profession="LCSW").ok


def test_code_not_yet_in_use() -> None:
    check = MEDICARE_2023.check_claim(["G0017"], profession="LCSW", diagnosis="PTSD")
    assert [p.message for p in check.problems] == ["G0017 is not in use on 2023-06-01: it applies only from 2024-01-01"]


@pytest.mark.parametrize("diagnosis", ["major depressive disorder", "F32.1", "F41.1", "F99", "ptsd"])
def test_a_mental_disorder_diagnosis_satisfies_the_requirement(tax: mht.Taxonomy, diagnosis: str) -> None:
    assert tax.check_claim(["90834"], profession="LCSW", diagnosis=diagnosis).ok


def test_an_unknown_but_well_formed_f_code_is_accepted(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.UnknownEntityError):
        tax.get("F99")
    assert tax.check_claim(["90834"], profession="LCSW", diagnosis="F99").ok


def test_missing_or_non_mental_diagnosis_is_a_problem(tax: mht.Taxonomy) -> None:
    missing = tax.check_claim(["90834"], profession="LCSW")
    assert "no diagnosis" in missing.problems[0].message
    assert missing.problems[0].facts[-1].object == "mental-disorder-diagnosis"
    z_code = tax.check_claim(["90834"], profession="LCSW", diagnosis="Z63.0")
    assert "Z63.0 is not one" in z_code.problems[0].message
    assert tax.check_claim(["90791"], profession="LCSW").ok, "an evaluation establishes the diagnosis"


@pytest.mark.parametrize(("diagnosis", "error"), [("LCSW", mht.WrongKindError), ("not a diagnosis", mht.UnknownEntityError)])
def test_a_bad_diagnosis_is_an_error(tax: mht.Taxonomy, diagnosis: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        tax.check_claim(["90834"], profession="LCSW", diagnosis=diagnosis)


@pytest.mark.parametrize(
    ("claim", "minutes", "words"),
    [
        (["90834"], 30, "needs at least 38 minutes"),
        (["90834"], 60, "covers 38 to 52 minutes"),
        (["90839"], 80, "1 unit(s) of 90840"),
        (["90839", "90840", "90840"], 80, "take 1 unit(s) of 90840"),
        (["90839", "90840"], 60, "take 0 unit(s)"),
    ],
)
def test_minutes_outside_a_code_s_window(tax: mht.Taxonomy, claim: list[str], minutes: int, words: str) -> None:
    check = tax.check_claim(claim, profession="LCSW", minutes=minutes, diagnosis="PTSD")
    assert any(words in p.message for p in check.problems), check


def test_em_visits_are_not_checked_against_psychotherapy_minutes(tax: mht.Taxonomy) -> None:
    assert tax.check_claim(["99213", "90836"], profession="psychiatrist", minutes=45, diagnosis="F32.1").ok


def test_check_claim_rejects_groups_and_empty_claims(tax: mht.Taxonomy) -> None:
    with pytest.raises(ValueError, match="group"):
        tax.check_claim(["90834"], profession="therapist")
    with pytest.raises(ValueError, match="at least one code"):
        tax.check_claim([], profession="LCSW")


def test_claim_check_renders_and_serializes(tax: mht.Taxonomy) -> None:
    check = tax.check_claim(["90833"], profession="psychiatrist")
    text = str(check)
    assert text.startswith("claim 90833 by Psychiatrist: refused") and "[NOV, BCBSIL]" in text
    data = json.loads(json.dumps(check.to_dict()))
    assert data["ok"] is False and data["profession"] == "psychiatrist"
    assert "cpt-90833.add_on_to.cpt-99213" in data["problems"][0]["facts"]


# -- the command line ----------------------------------------------------------------------------


def test_cli_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", "50"]) == 0
    assert "90834" in capsys.readouterr().out
    assert main(["code", "110", "--service", "crisis psychotherapy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(item["code"], item["units"]) for item in data["result"]["codes"]] == [("90839", 1), ("90840", 2)]


def test_cli_who_can_bill(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can-bill", "90837", "--payer", "medicare", "--on", "2025-06-01"]) == 0
    assert "(lpc)" in capsys.readouterr().out
    assert main(["who-can-bill", "90837", "--payer", "medicare", "--on", "2023-06-01"]) == 0
    assert "(lpc)" not in capsys.readouterr().out


def test_cli_check_claim_exits_1_when_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-claim", "90833", "--profession", "psychiatrist"]) == 1
    out = capsys.readouterr().out
    assert "refused" in out and "add-on" in out
    argv = ["check-claim", "99213", "90833", "--profession", "psychiatrist", "--diagnosis", "F32.1", "--minutes", "30"]
    assert main(argv) == 0
    assert "ok" in capsys.readouterr().out


def test_cli_bad_code_input_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", "30", "--service", "family psychotherapy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mhtaxonomy: error:") and err.count("\n") == 1


# -- regressions from the data audit (issue 9, item 9) ----------------------------------------


@pytest.mark.parametrize(
    "psychologist", ["counseling-psychologist", "health-service-psychologist", "clinical-child-adolescent-psychologist"]
)
def test_regression_counseling_psychologist_bills_90837_under_medicare(psychologist: str) -> None:
    assert psychologist in MEDICARE_2025.who_can_bill("90837")
    assert MEDICARE_2025.check_claim(["90837"], profession=psychologist, minutes=55, diagnosis="F43.10").ok
    recognition = [f for f in MEDICARE_2025.who_can_bill("90837").why(psychologist) if f.relation == "recognizes"]
    assert recognition and "CFR-410.71" in recognition[0].sources


def test_regression_cns_bills_99213_under_medicare() -> None:
    assert "pmh-clinical-nurse-specialist" in MEDICARE_2025.who_can_bill("99213")
    assert MEDICARE_2025.check_claim(["99213"], profession="pmh-clinical-nurse-specialist", diagnosis="F32.1").ok
    for code in ("99202", "99213", "99215"):
        billed = {fact.object for fact in TAX.facts(code, "bills")}
        assert billed == {"evaluation-and-management"}, "an E/M code must not demand medication management"


def test_regression_h0032_is_billable_to_medicaid() -> None:
    medicaid = TAX.where(payer="Medicaid", on="2025-06-01")
    billers = medicaid.who_can_bill("H0032")
    assert {"lcsw", "lpc", "lmft", "psychologist"} <= billers.ids
    assert "PABAU-H0032" in {s for f in billers.why("lcsw") for s in f.sources}
    assert not medicaid.check_claim(["H0032"], profession="case-manager", diagnosis="F32.1").ok


def test_regression_addiction_counselor_billing_matches_mhc_rules_under_medicare() -> None:
    # Medicare enrols only the addiction counselors who meet every MHC rule, and enrols them as MHCs:
    # the profession as such is not recognized, so it bills neither code, and MHCs bill both.
    for code in ("90791", "90837"):
        billers = MEDICARE_2025.who_can_bill(code).ids
        assert "lpc" in billers
        assert "addiction-counselor" not in billers
    assert not TAX.facts("medicare", "recognizes", "addiction-counselor")
    (lpc,) = MEDICARE_2025.facts("medicare", "recognizes", "lpc")
    assert lpc.note and "addiction counselors" in lpc.note.lower() and "3,000 hours" in lpc.note


def test_regression_em_times_are_thresholds_since_cpt_2024() -> None:
    for ref, threshold in {"99202": 15, "99203": 30, "99204": 45, "99212": 10, "99213": 20, "99214": 30}.items():
        em = code(ref)
        assert em.min_minutes == threshold and em.max_minutes is None
        assert "AAPC-EM2024" in em.sources and "meet or exceed" in em.description


def test_regression_em_session_length_is_a_threshold_not_a_window() -> None:
    with pytest.raises(ValueError, match=r"meeting or exceeding its threshold .*99213 20\+"):
        TAX.codes_for_session(25, "evaluation and management")


@pytest.mark.parametrize("pair", [["90834", "90837"], ["90832", "90834"], ["90837", "90832"]])
def test_regression_check_claim_refuses_two_standalone_psychotherapy_codes(pair: list[str]) -> None:
    check = TAX.check_claim(pair, profession="LCSW", diagnosis="F32.1")
    assert not check.ok
    (problem,) = check.problems
    assert set(problem.codes) == set(pair) and "NCCI-PT" in problem.sources


@pytest.mark.parametrize("diagnosis", ["F99.99", "F00.0", "f32.99"])
def test_regression_check_claim_refuses_codes_not_in_icd_10_cm(diagnosis: str) -> None:
    check = TAX.check_claim(["90834"], profession="LCSW", minutes=45, diagnosis=diagnosis)
    assert [p.message for p in check.problems] == [f"{diagnosis.upper()} is not an ICD-10-CM code"]
    assert check.problems[0].sources == ("ICD",)


def test_regression_check_claim_refuses_a_non_billable_icd_10_cm_category() -> None:
    check = TAX.check_claim(["90834"], profession="LCSW", minutes=45, diagnosis="F43")
    assert not check.ok and "category" in check.problems[0].message


def test_regression_check_claim_accepts_real_icd_10_cm_codes_the_data_do_not_hold() -> None:
    assert TAX.check_claim(["90834"], profession="LCSW", minutes=45, diagnosis="F40.240").ok
    assert not TAX.check_claim(["90834"], profession="LCSW", minutes=45, diagnosis="S72.001A").ok


def test_regression_missing_icd_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "simple_icd_10_cm", None)
    with pytest.raises(ImportError, match=r'pip install "mhtaxonomy\[icd\]"'):
        TAX.check_claim(["90834"], profession="LCSW", minutes=45, diagnosis="F40.240")


# -- bounds and types (issue 9, items 3 and 5) ---------------------------------------------------


@pytest.mark.parametrize("minutes", [10**9, 10**13, mht.billing.MAX_SESSION_MINUTES + 1])
def test_regression_codes_for_session_refuses_huge_minutes(minutes: int) -> None:
    with pytest.raises(ValueError, match=r"at most 1440"):
        TAX.codes_for_session(minutes, "crisis psychotherapy")


def test_codes_for_session_answers_a_whole_day_in_a_few_dozen_codes() -> None:
    codes = TAX.codes_for_session(mht.billing.MAX_SESSION_MINUTES, "crisis psychotherapy")
    assert codes[0].code == "90839" and len(codes) == 1 + math.ceil((1440 - 74) / 30)


def test_regression_check_claim_refuses_huge_minutes() -> None:
    with pytest.raises(ValueError, match=r"at most 44640"):
        TAX.check_claim(["90834"], profession="LCSW", minutes=10**13, diagnosis="F32.1")


@pytest.mark.parametrize("minutes", [45.0, "45", None, [45]])
def test_regression_codes_for_session_refuses_minutes_that_are_not_whole_numbers(minutes: object) -> None:
    with pytest.raises(TypeError, match=r"minutes must be a whole number of minutes \(an int\), got "):
        TAX.codes_for_session(minutes)  # type: ignore[arg-type]


@pytest.mark.parametrize("minutes", [45.5, "45"])
def test_regression_check_claim_refuses_minutes_that_are_not_whole_numbers(minutes: object) -> None:
    with pytest.raises(TypeError, match=r"minutes must be a whole number"):
        TAX.check_claim(["90834"], profession="LCSW", minutes=minutes, diagnosis="F32.1")  # type: ignore[arg-type]


def test_regression_numpy_integers_are_whole_minutes() -> None:
    numpy = pytest.importorskip("numpy")
    assert TAX.codes_for_session(numpy.int64(50)) == TAX.codes_for_session(50)
    assert TAX.check_claim(["90834"], profession="LCSW", minutes=numpy.int32(45), diagnosis="F32.1").ok


@pytest.mark.parametrize("flag", ["no", 0, None])
def test_regression_with_em_must_be_a_bool(flag: object) -> None:
    with pytest.raises(TypeError, match=r"with_em must be True or False"):
        TAX.codes_for_session(50, with_em=flag)  # type: ignore[arg-type]


@pytest.mark.parametrize("codes", [None, 90834, [None], ["90834", 90837]])
def test_regression_check_claim_refuses_codes_of_the_wrong_type(codes: object) -> None:
    with pytest.raises(TypeError, match=r"code"):
        TAX.check_claim(codes, profession="LCSW")  # type: ignore[arg-type]


@settings(max_examples=50)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_any_integer_minutes_is_answered_or_refused_clearly(minutes: int) -> None:
    try:
        codes = TAX.codes_for_session(minutes, "crisis psychotherapy")
    except ValueError as error:
        assert "negative" in str(error) or "at most" in str(error)
    else:
        assert len(codes) <= 1 + mht.billing.MAX_SESSION_MINUTES // 30
