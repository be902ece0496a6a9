"""Answers behave as frozen sets that explain themselves; verdicts are yes/no answers with reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mypy import api

import mhtaxonomy as mht

from .strategies import entities


def test_str_of_an_empty_answer_says_nothing(tax: mht.Taxonomy) -> None:
    empty = tax.who_can_provide("prescribing") - tax.who_can_provide("prescribing")
    assert not empty and str(empty).splitlines()[1] == "  (nothing)"


@pytest.mark.parametrize("item", ["xyzzy", "CPT", 42, None, ""])
def test_membership_of_anything_else_is_false(tax: mht.Taxonomy, item: object) -> None:
    assert item not in tax.who_can_provide("psychotherapy")


def test_answers_cannot_be_changed(tax: mht.Taxonomy) -> None:
    """Regression (issue 9): cached answers must not be mutable."""
    answer = tax.what_requires_diagnosis()
    assert answer is tax.what_requires_diagnosis()  # cached, so shared
    for name in ("question", "ids", "_paths", "_tax", "extra"):
        with pytest.raises(AttributeError):
            setattr(answer, name, None)
    with pytest.raises(TypeError):
        answer._paths["coaching"] = ()  # type: ignore[index]
    with pytest.raises(AttributeError):
        del answer._question
    assert "coaching" not in answer and answer.question == "what requires a diagnosis of a mental disorder"


def test_answers_index_in_their_sorted_order(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("psychotherapy")
    assert list(answer[:3]) == list(answer)[:3] and answer[-1] == list(answer)[-1]
    assert [e.name for e in answer] == sorted((e.name for e in answer), key=str.casefold)


QUESTIONS = [
    ("who_can_provide", "psychotherapy"),
    ("who_can_provide", "prescribing"),
    ("who_can_provide", "CBT"),
    ("who_can_provide", "90837"),
    ("who_can_bill", "90837"),
    ("what_can_provide", "LCSW"),
]


@given(left=st.sampled_from(QUESTIONS), right=st.sampled_from(QUESTIONS), op=st.sampled_from(["&", "|", "-", "^"]))
def test_set_operations_keep_why(left: tuple[str, str], right: tuple[str, str], op: str) -> None:
    tax = mht.load()
    a, b = (getattr(tax, question)(ref) for question, ref in (left, right))
    combined = {"&": a & b, "|": a | b, "-": a - b, "^": a ^ b}[op]
    expected = {"&": a.ids & b.ids, "|": a.ids | b.ids, "-": a.ids - b.ids, "^": a.ids ^ b.ids}[op]
    assert isinstance(combined, mht.Answer) and combined.ids == expected
    for member in combined:
        source = a if member.id in a.ids else b
        assert combined.why(member).facts == source.why(member).facts


def test_intersection_with_plain_entities_keeps_why(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("psychotherapy")
    kept = answer & [tax.get("lcsw"), tax.get("life-coach")]
    assert kept.ids == {"lcsw"} and kept.why("lcsw").facts == answer.why("lcsw").facts


def test_qualifiers_without_digging_through_why(tax: mht.Taxonomy) -> None:
    answer = tax.who_can_provide("psychotherapy")
    assert answer.qualifiers("lmsw").supervised and not answer.qualifiers("lcsw").supervised
    assert answer.qualifiers("lpc-associate").jurisdictions == {"us-tx"}
    assert answer.qualifiers("lcsw").jurisdictions is None
    assert answer.qualifiers("therapist").group and "therapist" in answer.groups
    medicare = tax.where(payer="Medicare", on="2025-06-01").who_can_bill("90837")
    assert medicare.qualifiers("lpc").valid_from == dt.date(2024, 1, 1)


def test_qualifiers_agree_with_the_facts(tax: mht.Taxonomy) -> None:
    answer = tax.where(jurisdiction="NM").who_can_provide("prescribing")
    for member in answer:
        facts = answer.why(member).facts
        terms = answer.qualifiers(member)
        assert terms.supervised == any(f.supervised for f in facts)
        for fact in facts:
            if fact.jurisdictions is not None:
                assert terms.jurisdictions is not None and terms.jurisdictions <= fact.jurisdictions
            if fact.valid_from is not None:
                assert terms.valid_from is not None and terms.valid_from >= fact.valid_from


def test_treatments_carry_guideline_and_strength(tax: mht.Taxonomy) -> None:
    answer = tax.treatments_for("PTSD")
    emdr = answer.qualifiers("EMDR")
    assert emdr.strength is mht.Strength.STRONG and "VADOD-PTSD" in emdr.guidelines
    assert answer.qualifiers("trauma-focused-cbt").strength is mht.Strength.OTHER
    assert answer.qualifiers("trauma-focused-cbt").grading == "first-line for children and adolescents"


def test_every_strength_in_the_data_is_read_as_a_grade(tax: mht.Taxonomy) -> None:
    for fact in tax.facts(relation="first_line_for"):
        assert fact.grade is not None and (fact.grade is mht.Strength.OTHER) == (fact.strength not in set(mht.Strength))


@given(st.data())
def test_who_can_bill_and_who_can_provide_agree_on_groups(data: st.DataObject) -> None:
    """Both list a group exactly when every member the group has is listed."""
    tax = mht.load()
    code = data.draw(entities(tax, mht.Kind.BILLING_CODE))
    for answer in (tax.who_can_bill(code), tax.who_can_provide(code)):
        for group in tax.entities(mht.Kind.PROFESSION):
            if isinstance(group, mht.Profession) and group.group:
                members = {f.subject for f in tax.facts(relation="is_a", object=group)}
                assert (group.id in answer) == bool(members and members <= answer.ids), (answer.question, group.id)
                assert (group.id in answer.groups) == (group.id in answer)


@given(st.data())
def test_can_provide_is_membership_that_explains_itself(data: st.DataObject) -> None:
    tax = mht.load()
    profession = data.draw(entities(tax, mht.Kind.PROFESSION))
    service = data.draw(entities(tax, mht.Kind.SERVICE))
    verdict = tax.can_provide(profession, service)
    assert bool(verdict) == (profession in tax.who_can_provide(service))
    if verdict:
        assert verdict.explanation is not None and verdict.explanation.facts == tax.who_can_provide(service).why(profession).facts
        assert str(verdict).startswith("yes: ")
    else:
        assert verdict.explanation is None and verdict.qualifiers is None and str(verdict).startswith("no: ")


def test_can_bill_follows_the_payer_and_date(tax: mht.Taxonomy) -> None:
    before = tax.where(payer="Medicare", on="2023-06-01").can_bill("LPC", "90837")
    after = tax.where(payer="Medicare", on="2025-06-01").can_bill("LPC", "90837")
    assert not before and after and after.to_dict()["verdict"] is True
    assert after.qualifiers is not None and after.qualifiers.valid_from == dt.date(2024, 1, 1)
    with pytest.raises(mht.WrongKindError):
        tax.can_bill("90837", "LPC")


def test_get_with_a_kind_prefers_that_kind(tax: mht.Taxonomy) -> None:
    assert tax.get("MD", kind=mht.Jurisdiction).id == "us-md"
    assert tax.get("90837", kind=mht.BillingCode).min_minutes == 53
    with pytest.raises(mht.UnknownEntityError):
        tax.get("LCSW", kind=mht.BillingCode)


def test_get_with_a_kind_is_typed_for_mypy_strict(tmp_path: Path) -> None:
    script = tmp_path / "use.py"
    script.write_text(
        "import mhtaxonomy as mht\n"
        "tax = mht.load()\n"
        "code = tax.get('90837', kind=mht.BillingCode)\n"
        "minutes: int | None = code.min_minutes\n"
        "entity = tax.get('LCSW')\n"
        "reveal_type(code)\n",
        encoding="utf-8",
    )
    out, err, status = api.run(["--strict", "--no-incremental", str(script)])
    assert status == 0, out + err
    assert 'Revealed type is "mhtaxonomy.model.BillingCode"' in out
