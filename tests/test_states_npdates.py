"""Nurse-practitioner practice authority with dates (branch npdates).

Each state that moved to full practice since 2020 is checked on both sides of its date:
the PMHNP prescribes on their own only from the day NPs need no physician agreement.
"""

from __future__ import annotations

import datetime as dt

import pytest

import mhtaxonomy as mht

TAX = mht.load()
DAY = dt.timedelta(days=1)

# state, first day of full practice, the requirement that ended that day
CHANGES = [
    ("us-ma", dt.date(2021, 1, 1), "np-collaborative-agreement"),
    ("us-de", dt.date(2021, 8, 4), "np-collaborative-agreement"),
    ("us-ny", dt.date(2022, 4, 9), "np-collaborative-agreement"),
    ("us-ks", dt.date(2022, 7, 1), "np-collaborative-agreement"),
    ("us-ut", dt.date(2023, 5, 3), "np-collaborative-agreement"),
    ("us-ok", dt.date(2025, 11, 1), "np-supervision"),
    ("us-wi", dt.date(2026, 9, 1), "np-collaborative-agreement"),
]
IDS = [state for state, _, _ in CHANGES]


def _alone(state: str, on: dt.date) -> bool:
    return "pmhnp" in TAX.where(jurisdiction=state, on=on).who_can_provide("prescribing", independently=True)


def _needs(state: str, on: dt.date) -> set[str]:
    return {f.object for f in TAX.where(jurisdiction=state, on=on).facts("np-license", "requires")}


@pytest.mark.parametrize(("state", "start", "requirement"), CHANGES, ids=IDS)
def test_the_day_before_the_pmhnp_prescribes_only_under_an_agreement(state: str, start: dt.date, requirement: str) -> None:
    before = start - DAY
    assert not _alone(state, before)
    assert "pmhnp" in TAX.where(jurisdiction=state, on=before).who_can_provide("prescribing")
    assert requirement in _needs(state, before)


@pytest.mark.parametrize(("state", "start", "requirement"), CHANGES, ids=IDS)
def test_from_the_date_the_pmhnp_prescribes_independently(state: str, start: dt.date, requirement: str) -> None:
    assert _alone(state, start)
    assert not {"np-collaborative-agreement", "np-supervision"} & _needs(state, start)
    view = TAX.where(jurisdiction=state, on=start)
    grant = next(f for f in view.who_can_provide("prescribing", independently=True).why("pmhnp") if f.relation is mht.Relation.AUTHORIZES)
    assert grant.valid_from == start
    assert set(grant.jurisdictions or ()) == {state}
    assert grant.sources


@pytest.mark.parametrize(("state", "start", "requirement"), CHANGES, ids=IDS)
def test_exactly_one_prescribing_grant_on_each_side(state: str, start: dt.date, requirement: str) -> None:
    for on in (start - DAY, start):
        grants = TAX.where(jurisdiction=state, on=on).facts("np-license", "authorizes", "prescribing")
        assert len(grants) == 1, (state, on)
        assert grants[0].supervised is (on < start)


@pytest.mark.parametrize(("state", "full"), [("NM", True), ("WA", True), ("TX", False), ("CA", False), ("OH", False)])
def test_unchanged_states_are_the_same_in_2020_and_now(state: str, full: bool) -> None:
    for on in ("2020-06-01", "2026-12-01"):
        assert ("pmhnp" in TAX.where(jurisdiction=state, on=on).who_can_provide("prescribing", independently=True)) is full


def test_new_york_note_records_the_sunset() -> None:
    grant = TAX.where(jurisdiction="NY", on="2024-01-01").facts("np-license", "authorizes", "prescribing")[0]
    assert "2026-07-01" in (grant.note or "") and "NPD-NY-RIVKIN-2024" in grant.sources


# -- the FQ modifier (RHC and FQHC audio-only mental health visits) ---------------------------

FQ_RULE = "fqhc-rhc-audio-only-modifier-fq"


@pytest.mark.parametrize(("on", "in_force"), [("2021-12-31", False), ("2022-01-01", True), ("2026-06-01", True)])
def test_the_fq_modifier_is_a_dated_medicare_rule_from_2022(on: str, in_force: bool) -> None:
    facts = TAX.where(payer="medicare", on=on).facts("medicare", "requires", FQ_RULE)
    assert bool(facts) is in_force
    if facts:
        assert "NPD-FCSO-TH-MODS" in facts[0].sources
    assert [(c.system, c.value) for c in TAX.get(FQ_RULE).codes] == [("MOD", "FQ")]


@pytest.mark.parametrize("on", ["2023-06-01", "2024-06-01"])
def test_telehealth_audio_only_names_93_not_fq(on: str) -> None:
    # tax.telehealth() answers for practitioners billing Medicare telehealth and has no
    # RHC/FQHC setting, so FQ (a clinic modifier) is recorded as data but not in this answer.
    answer = TAX.where(payer="medicare", on=on).telehealth("90834", audio_only=True)
    assert answer and answer.modifiers == ("93",)
    assert FQ_RULE not in {f.object for f in answer.facts}
