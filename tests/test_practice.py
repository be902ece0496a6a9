"""Practice across state lines: the interstate compacts and can_practice (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.cli import main

TAX = mht.load()
COMPACTS = {c.id: c for c in TAX.entities(mht.Kind.COMPACT)}
STATES = [p for p in TAX.entities(mht.Kind.JURISDICTION) if p.type.value in ("state", "district")]


def test_the_six_compacts_are_records_with_their_kind_of_authority() -> None:
    assert set(COMPACTS) == {"psypact", "counseling-compact", "social-work-compact", "nurse-licensure-compact", "aprn-compact", "imlc"}
    assert COMPACTS["imlc"].authority == "expedited_licensure"
    assert COMPACTS["aprn-compact"].effective is None, "the APRN Compact is not in force"
    assert COMPACTS["social-work-compact"].privileges_from is None
    assert COMPACTS["psypact"].in_person_days == 30
    for compact in COMPACTS.values():
        assert TAX.facts(compact, "applies_to"), compact.id
        assert TAX.facts(relation="member_of", object=compact), compact.id


def test_the_nlc_applies_to_rn_licences_not_np_licences() -> None:
    applies = {f.object for f in TAX.facts("nurse-licensure-compact", "applies_to")}
    assert applies == {"rn-license"}
    assert "np-license" in {f.object for f in TAX.facts("aprn-compact", "applies_to")}


def test_a_pmhnp_gets_no_privilege_between_two_nlc_states() -> None:
    for place in ("us-tx", "us-fl"):
        assert TAX.facts(place, "member_of", "nurse-licensure-compact")
    verdict = TAX.can_practice("PMHNP", "TX", "FL", on="2025-06-01")
    assert not verdict
    assert "Nurse practitioner licence" in verdict.reason and "not in force" in verdict.reason
    assert verdict.compact == "aprn-compact"
    nurse = TAX.can_practice("psychiatric nurse", "TX", "FL", on="2025-06-01")
    assert nurse and nurse.compact == "nurse-licensure-compact", "the same pair carries an RN licence"


@pytest.mark.parametrize(("on", "expected"), [("2025-09-29", False), ("2025-09-30", True), ("2026-03-01", True)])
def test_counseling_compact_privileges_start_on_their_date(on: str, expected: bool) -> None:
    verdict = TAX.can_practice("LPC", "AZ", "MN", on=on)
    assert bool(verdict) is expected
    if expected:
        assert verdict.compact == "counseling-compact"
        assert any(f.relation is mht.Relation.GRANTS_PRIVILEGES for f in verdict.facts)
    else:
        assert "does not yet let" in verdict.reason


@pytest.mark.parametrize(("on", "expected"), [("2021-12-31", False), ("2022-01-01", True)])
def test_psypact_kansas_joins_on_its_effective_date(on: str, expected: bool) -> None:
    assert bool(TAX.can_practice("psychologist", "TX", "KS", on=on)) is expected


def test_a_member_that_does_not_yet_issue_and_a_non_member_are_told_apart() -> None:
    waiting = TAX.can_practice("LPC", "AZ", "FL", on="2025-10-01")
    outside = TAX.can_practice("LPC", "AZ", "CA", on="2025-10-01")
    assert not waiting and "does not yet let" in waiting.reason
    assert not outside and "is not a member" in outside.reason


def test_the_social_work_compact_is_in_force_but_issues_nothing_yet() -> None:
    verdict = TAX.can_practice("LCSW", "KS", "MO")
    assert not verdict and "does not yet let" in verdict.reason
    before = TAX.can_practice("LCSW", "KS", "MO", on="2024-01-01")
    assert "not in force" in before.reason


def test_the_imlc_is_expedited_licensure_not_a_privilege() -> None:
    verdict = TAX.can_practice("psychiatrist", "TX", "AZ")
    assert not verdict and "no right to practise" in verdict.reason


def test_psypact_in_person_practice_is_limited_to_30_days() -> None:
    video = TAX.can_practice("psychologist", "TX", "AZ", on="2024-01-01")
    visit = TAX.can_practice("psychologist", "TX", "AZ", on="2024-01-01", telehealth=False)
    assert video and video.limits is None
    assert visit and visit.limits == "in person at most 30 days a year"


def test_the_licence_itself_answers_in_its_own_state() -> None:
    verdict = TAX.can_practice("LPC", "TX", "TX")
    assert verdict and "state of the licence" in verdict.reason
    assert "yes:" in verdict.why() and "[S20]" in verdict.why()


@settings(max_examples=60, deadline=None)
@given(
    home=st.sampled_from(STATES),
    client=st.sampled_from(STATES),
    day=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_psypact_verdicts_follow_the_membership_and_grant_facts(home: mht.Entity, client: mht.Entity, day: dt.date) -> None:
    verdict = TAX.can_practice("psychologist", home, client, on=day)
    if home == client:
        assert verdict
        return
    view = TAX.where(on=day)
    linked = (
        bool(view.facts(home, "member_of", "psypact"))
        and bool(view.facts(client, "member_of", "psypact"))
        and bool(view.facts(client, "grants_privileges", "psypact"))
        and day >= COMPACTS["psypact"].effective
    )
    assert bool(verdict) is linked


def test_cli_can_practice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["can-practice", "psychologist", "TX", "AZ", "--on", "2024-01-01", "--why"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("yes:") and "TMHT-PSYPACT-2019" in out
    assert main(["can-practice", "PMHNP", "TX", "FL"]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith("no:")
    assert main(["can-practice", "LPC", "AZ", "MN", "--on", "2025-10-01", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert '"compact": "counseling-compact"' in out
