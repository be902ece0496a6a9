"""Jurisdictions and supervision: the same question answered per state (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.cli import main

TAX = mht.load()

JURISDICTIONS = TAX.entities(mht.Kind.JURISDICTION)
SERVICES = st.sampled_from(TAX.entities(mht.Kind.SERVICE))
PROVIDED = st.sampled_from(TAX.entities(mht.Kind.SERVICE) + TAX.entities(mht.Kind.MODALITY))

#: The pre-licensure tiers and the state each exists in.
ASSOCIATES = {
    "lpc-associate": "us-tx",
    "apcc": "us-ca",
    "lgpc": "us-md",
    "illinois-lpc": "us-il",
    "alc": "us-al",
    "ny-limited-permit-counselor": "us-ny",
    "amft": "us-ca",
}

INDEPENDENT = {"lpc", "lcsw", "lmft", "psychologist", "therapist", "clinical-psychologist"}


# -- the jurisdiction records ------------------------------------------------------------


def test_every_state_dc_territory_and_federal_service_is_a_record() -> None:
    by_type: dict[str, list[mht.Entity]] = {}
    for place in JURISDICTIONS:
        by_type.setdefault(place.type.value, []).append(place)
    assert len(by_type["state"]) == 50
    assert [p.usps for p in by_type["district"]] == ["DC"]
    assert sorted(p.usps for p in by_type["territory"]) == ["AS", "GU", "MP", "PR", "VI"]
    assert {p.id for p in by_type["federal"]} == {"us-federal-dod", "us-federal-ihs", "us-federal-usphs"}
    for place in by_type["state"] + by_type["district"] + by_type["territory"]:
        assert place.id == f"us-{place.usps.lower()}"
        assert set(place.abbreviations) == {place.usps, f"US-{place.usps}"}


@pytest.mark.parametrize("place", [p for p in JURISDICTIONS if p.usps], ids=lambda p: p.id)
def test_a_jurisdiction_resolves_by_name_iso_code_and_id(place: mht.Entity) -> None:
    for ref in (place.name, f"US-{place.usps}", place.id, place.id.upper()):
        assert TAX.where(jurisdiction=ref).context.jurisdiction == place.id


def test_postal_codes_resolve_unless_the_code_names_something_else_too() -> None:
    for place in JURISDICTIONS:
        if place.usps is None:
            continue
        try:
            entity = TAX.get(place.usps)
        except mht.AmbiguousEntityError:
            continue  # "MD" is also the degree, "PA" the profession; titles() still takes them
        assert entity == place
        assert TAX.where(jurisdiction=place.usps).context.jurisdiction == place.id


def test_titles_take_a_postal_code_that_is_also_a_degree() -> None:
    assert TAX.titles("LCSW", "MD").ids == {"lcsw-c-license"}


def test_an_unknown_jurisdiction_names_close_matches() -> None:
    with pytest.raises(mht.UnknownEntityError) as caught:
        TAX.where(jurisdiction="Nwe Mexico")
    assert "New Mexico" in caught.value.suggestions
    assert "unknown jurisdiction 'Nwe Mexico'" in str(caught.value)
    assert "New Mexico" in str(caught.value)
    with pytest.raises(mht.UnknownEntityError):
        TAX.titles("LPC", "Nwe Mexico")


def test_an_entity_of_another_kind_is_not_a_jurisdiction() -> None:
    with pytest.raises(mht.UnknownEntityError, match="unknown jurisdiction"):
        TAX.where(jurisdiction="LCSW")


# -- who can prescribe, per state and per date ------------------------------------------------


def test_who_can_prescribe_in_new_mexico_includes_the_prescribing_psychologist() -> None:
    answer = TAX.where(jurisdiction="New Mexico").who_can_provide("prescribing")
    assert "prescribing-psychologist" in answer
    assert {"psychiatrist", "pmhnp", "primary-care-physician"} <= answer.ids
    why = answer.why("prescribing psychologist")
    grant = [fact for fact in why if fact.relation is mht.Relation.AUTHORIZES]
    assert grant and grant[-1].jurisdictions == {"us-nm"} and grant[-1].valid_from is not None
    assert "in New Mexico" in str(why) and "from 2005-01-07" in str(why)
    assert "S19" in {source.id for source in why.sources}


def test_who_can_prescribe_in_california_leaves_out_the_prescribing_psychologist() -> None:
    answer = TAX.where(jurisdiction="CA").who_can_provide("prescribing")
    assert "prescribing-psychologist" not in answer
    assert {"psychiatrist", "pmhnp"} <= answer.ids


def test_nationwide_answer_keeps_the_prescribing_psychologist_and_shows_the_restriction() -> None:
    answer = TAX.who_can_provide("prescribing")
    assert "prescribing-psychologist" in answer
    assert any(fact.jurisdictions for fact in answer.why("prescribing-psychologist"))


@pytest.mark.parametrize(
    ("on", "expected"),
    [("2023-03-02", False), ("2023-03-03", True), ("2024-06-01", True), ("2010-01-01", False)],
)
def test_colorado_prescribing_starts_on_2023_03_03(on: str, expected: bool) -> None:
    answer = TAX.where(jurisdiction="CO", on=on).who_can_provide("prescribing")
    assert ("prescribing-psychologist" in answer) is expected


def test_every_rxp_state_and_guam_lets_psychologists_prescribe_today() -> None:
    for place in ("NM", "LA", "IL", "IA", "ID", "CO", "UT", "GU"):
        assert "prescribing-psychologist" in TAX.where(jurisdiction=place).who_can_provide("prescribing"), place


@pytest.mark.parametrize("service", ["DoD", "IHS", "USPHS"])
def test_federal_services_let_psychologists_prescribe(service: str) -> None:
    answer = TAX.where(jurisdiction=service).who_can_provide("prescribing")
    assert "prescribing-psychologist" in answer


def test_louisiana_medical_psychologists_are_licensed_by_the_medical_board_since_2009() -> None:
    assert TAX.titles("prescribing psychologist", "LA").ids == {"medical-psychology-license"}
    before = TAX.where(jurisdiction="LA", on="2008-06-01").titles("prescribing psychologist")
    assert before.ids == {"prescribing-psychologist-certificate"}
    grant = TAX.fact("medical-psychology-license.authorizes.prescribing")
    assert grant.valid_from == dt.date(2009, 7, 1) and "narcotics" in (grant.note or "")
    assert TAX.titles("prescribing psychologist", "CA").ids == frozenset()


# -- licence titles per state ----------------------------------------------------------------


def test_the_independent_counselor_licence_in_illinois_is_the_lcpc() -> None:
    answer = TAX.titles("LPC", "IL")
    assert answer.names == ["LCPC licence"]
    assert "professional-counselor-license" not in answer
    why = answer.why("lcpc-license")
    holding = next(fact for fact in why if fact.relation is mht.Relation.HOLDS)
    assert "us-il" in (holding.jurisdictions or ())
    assert "(in Illinois)" in str(why)
    assert answer.question == "licence titles for Licensed professional counselor in Illinois"


def test_a_view_in_a_state_gives_the_same_titles() -> None:
    assert TAX.where(jurisdiction="Illinois").titles("LPC").ids == TAX.titles("LPC", "US-IL").ids


@pytest.mark.parametrize(
    ("profession", "place", "expected"),
    [
        ("LPC", "TX", {"lpc-license"}),
        ("LPC", "NY", {"lmhc-license"}),
        ("LPC", "FL", {"lmhc-license"}),
        ("LPC", "CA", {"lpcc-license"}),
        ("LPC", "OH", {"lpcc-license"}),
        ("LPC", "VT", {"lcmhc-license"}),
        ("LPC", "NC", {"lcmhc-license"}),
        ("LPC", "DE", {"lpcmh-license"}),
        ("LPC", "us-md", {"lcpc-license"}),
        ("LPC", "GA", {"lpc-license"}),
        ("LPC", "KY", {"lpcc-license"}),
        ("LPC", "MI", {"lpc-license"}),
        ("LCSW", "NM", {"lisw-license"}),
        ("LMSW", "CA", {"state-licence-title-not-sourced"}),
        ("LCSW", "MN", {"licsw-license"}),
        ("LCSW", "Maryland", {"lcsw-c-license"}),
        ("LCSW", "NY", {"lcsw-license"}),
        ("LCSW", "WA", {"licsw-license"}),
        ("LCSW", "KS", {"lscsw-license"}),
        ("LMSW", "US-MD", {"lmsw-license"}),
        ("LMSW", "DC", {"lgsw-license"}),
        ("LMFT", "CA", {"mft-license"}),
    ],
)
def test_state_titles_replace_the_national_licence(profession: str, place: str, expected: set[str]) -> None:
    assert TAX.titles(profession, place).ids == expected


def test_nationwide_titles_list_every_state_title_and_the_national_licence() -> None:
    ids = TAX.titles("LPC").ids
    assert {"professional-counselor-license", "lpc-license", "lmhc-license", "lcpc-license", "lpcc-license", "lcmhc-license"} <= ids


def test_every_state_counselor_title_is_a_kind_of_the_national_licence() -> None:
    for credential in TAX.titles("LPC").ids - {"professional-counselor-license"}:
        assert "professional-counselor-license" in TAX.broader(credential)


# -- supervision: pre-licensure tiers ---------------------------------------------------------


def test_an_lmsw_cannot_provide_psychotherapy_on_their_own() -> None:
    alone = TAX.who_can_provide("psychotherapy", independently=True)
    supervised = TAX.who_can_provide("psychotherapy")
    assert "LMSW" not in alone
    assert "LMSW" in supervised
    why = supervised.why("LMSW")
    assert any(fact.supervised for fact in why)
    assert "only under supervision" in str(why)


@pytest.mark.parametrize(("associate", "place"), sorted(ASSOCIATES.items()))
def test_associates_practise_only_under_supervision_and_only_in_their_state(associate: str, place: str) -> None:
    assert INDEPENDENT.isdisjoint(TAX.broader(associate).ids)
    assert "clinical-associate" in TAX.broader(associate)
    here = TAX.where(jurisdiction=place)
    assert associate in here.who_can_provide("psychotherapy")
    assert associate not in here.who_can_provide("psychotherapy", independently=True)
    assert any(fact.supervised for fact in here.who_can_provide("psychotherapy").why(associate))
    elsewhere = TAX.where(jurisdiction="GA")
    assert associate not in elsewhere.who_can_provide("psychotherapy")


def test_no_associate_tier_is_a_kind_of_an_independent_profession() -> None:
    for member in TAX.narrower("clinical-associate"):
        assert INDEPENDENT.isdisjoint(TAX.broader(member).ids), member.id


@pytest.mark.parametrize(
    ("profession", "place", "experience", "hours", "tier"),
    [
        ("LPC", "TX", "texas-lpc-supervised-experience", 3000, "lpc-associate-license"),
        ("LPC", "CA", "california-lpcc-supervised-experience", 3000, "apcc-registration"),
        ("LPC", "NY", "new-york-lmhc-supervised-experience", 3000, "ny-mhc-limited-permit"),
        ("LMFT", "CA", "california-lmft-supervised-experience", 3000, "amft-registration"),
        ("LCSW", "MN", "minnesota-licsw-supervised-experience", 4000, None),
    ],
)
def test_the_independent_licence_requires_the_supervised_hours(
    profession: str, place: str, experience: str, hours: int, tier: str | None
) -> None:
    needs = TAX.where(jurisdiction=place).requirements_for(profession)
    assert experience in needs
    assert TAX.get(experience).hours == hours
    if tier is not None:
        assert tier in needs
        chain = needs.why(tier)
        assert experience in {fact.subject for fact in chain}
    assert experience not in TAX.where(jurisdiction="GA").requirements_for(profession)


def test_other_states_titles_are_not_alternatives_in_a_state() -> None:
    needs = TAX.where(jurisdiction="TX").requirements_for("LPC").ids
    assert "lpc-license" in needs
    assert not {"lcpc-license", "lmhc-license", "lpcc-license", "apcc-registration"} & needs


def test_new_york_lcsw_needs_36_months_as_an_lmsw() -> None:
    needs = TAX.where(jurisdiction="NY").requirements_for("LCSW")
    assert "new-york-lcsw-supervised-experience" in needs
    assert TAX.get("new-york-lcsw-supervised-experience").years == 3
    assert "master-social-work-license" in needs


# -- NP practice environment and Medicaid peer support -------------------------------------


def test_np_practice_environment_is_dated_and_per_state() -> None:
    def conditions(place: str) -> set[str]:
        return {fact.object for fact in TAX.where(jurisdiction=place).facts("np-license", "requires")}

    assert "np-supervision" in conditions("TX")
    assert "np-collaborative-agreement" in conditions("OH")
    assert not {"np-supervision", "np-collaborative-agreement"} & conditions("NM")
    for fact in TAX.facts("np-license", "requires"):
        if fact.object in {"np-supervision", "np-collaborative-agreement"}:
            assert "2023" in (fact.note or "")


def test_medicaid_peer_support_is_a_state_option() -> None:
    covers = TAX.facts("Medicaid", "covers", "peer-support")
    recognizes = TAX.facts("Medicaid", "recognizes", "peer specialist")
    assert covers and recognizes
    for fact in covers + recognizes:
        assert "state option" in (fact.note or "")
        assert "S18" in fact.sources


# -- the command line -------------------------------------------------------------------------


def test_cli_who_can_prescribe_in_new_mexico(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can-provide", "prescribing", "--jurisdiction", "NM"]) == 0
    out, err = capsys.readouterr()
    assert not err
    assert "Prescribing psychologist  (prescribing-psychologist)" in out
    assert main(["who-can-provide", "prescribing", "--jurisdiction", "California"]) == 0
    out, _ = capsys.readouterr()
    assert "prescribing-psychologist" not in out and "(psychiatrist)" in out


def test_cli_titles_in_illinois_with_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["titles", "LPC", "--jurisdiction", "IL", "--why"]) == 0
    out, _ = capsys.readouterr()
    assert "LCPC licence" in out and "in Illinois" in out and "Professional counselor licence:" not in out


def test_cli_unknown_jurisdiction_is_an_error_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["who-can-provide", "prescribing", "--jurisdiction", "Nwe Mexico"]) == 2
    _, err = capsys.readouterr()
    assert "New Mexico" in err


# -- properties -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(place=st.sampled_from(JURISDICTIONS), service=PROVIDED, independently=st.booleans())
def test_a_state_answer_is_a_subset_of_the_nationwide_answer(
    place: mht.Entity, service: mht.Entity, independently: bool
) -> None:
    local = TAX.where(jurisdiction=place).who_can_provide(service, independently=independently)
    assert local.ids <= TAX.who_can_provide(service, independently=independently).ids
    for member in local:
        for fact in local.why(member):
            assert fact.jurisdictions is None or place.id in fact.jurisdictions


@settings(max_examples=60, deadline=None)
@given(place=st.sampled_from(JURISDICTIONS), profession=st.sampled_from(TAX.entities(mht.Kind.PROFESSION)))
def test_state_titles_hold_in_the_state(place: mht.Entity, profession: mht.Entity) -> None:
    answer = TAX.titles(profession, place)
    for credential in answer:
        holding = next(fact for fact in answer.why(credential) if fact.relation is mht.Relation.HOLDS)
        assert holding.jurisdictions is None or place.id in holding.jurisdictions


def test_every_jurisdiction_answer_is_a_subset_for_core_services() -> None:
    for place in JURISDICTIONS:
        view = TAX.where(jurisdiction=place)
        for service in ("psychotherapy", "prescribing", "diagnosis", "medication-management"):
            assert view.who_can_provide(service).ids <= TAX.who_can_provide(service).ids


def test_colorado_rxp_is_a_board_certificate_not_known_to_be_operational() -> None:
    """Issue 9 item 9: no conditional path, and not stated as operational."""
    grant = TAX.fact("prescribing-psychologist-certificate.authorizes.prescribing.co")
    assert "no conditional path" in (grant.note or "") and "is not known" in (grant.note or "")
    collaboration = TAX.fact("rxp-co.requires.rxp-medical-collaboration")
    assert "conditional" in (collaboration.note or "") and "unverified" not in (collaboration.note or "")


def test_utah_rxp_law_is_sb_26_of_2024() -> None:
    """Issue 9 item 9: Utah's psychologist prescribing law is SB 26 of 2024."""
    assert "S.B. 26 of 2024" in (TAX.fact("rxp-ut.requires.rxp-medical-collaboration").note or "")
    assert "S.B. 44" not in (TAX.fact("rxp-ut.requires.rxp-medical-collaboration").note or "")
