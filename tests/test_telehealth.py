"""Medicare mental-health telehealth rules as dated facts (issue 12)."""

from __future__ import annotations

import pytest

import mhtaxonomy as mht
from mhtaxonomy.cli import main

TAX = mht.load()


def _medicare(on: str) -> mht.Taxonomy:
    return TAX.where(payer="medicare", on=on)


@pytest.mark.parametrize(
    ("on", "patient_at", "pos"),
    [("2023-12-31", "home", None), ("2023-12-31", "elsewhere", None), ("2024-01-01", "home", "10"), ("2024-01-01", "elsewhere", "02")],
)
def test_place_of_service_02_or_10_from_2024(on: str, patient_at: str, pos: str | None) -> None:
    answer = _medicare(on).telehealth("90837", patient_at=patient_at)
    assert answer and answer.place_of_service == pos
    assert answer.modifiers == ("95",)
    rules = {fact.object for fact in answer.facts}
    if pos is None:
        assert "telehealth-in-person-pos-with-modifier-95" in rules
    else:
        fact = next(f for f in answer.facts if f.object.startswith("telehealth-pos-"))
        assert str(fact.valid_from) == "2024-01-01"


@pytest.mark.parametrize("on", ["2023-06-01", "2024-06-01"])
def test_audio_only_takes_modifier_93_on_both_sides_of_2024(on: str) -> None:
    answer = _medicare(on).telehealth("90834", audio_only=True)
    assert answer and answer.modifiers == ("93",)
    assert "telehealth-audio-only-mental-health" in {f.object for f in answer.facts}


@pytest.mark.parametrize(("on", "required"), [("2025-09-30", False), ("2025-10-01", True)])
def test_the_in_person_visit_requirement_starts_after_its_postponements(on: str, required: bool) -> None:
    answer = _medicare(on).telehealth("90837")
    assert bool(answer.conditions) is required
    if required:
        assert "six months" in answer.conditions[0]


def test_the_home_rule_is_sourced_and_other_payers_are_not_answered() -> None:
    answer = _medicare("2024-06-01").telehealth("90791")
    home = next(f for f in answer.facts if f.object == "telehealth-home-originating-site-mental-health")
    assert "CAA21-123" in home.sources
    medicaid = TAX.where(payer="medicaid").telehealth("90837")
    assert not medicaid and "only Medicare" in medicaid.reason


def test_fqhc_and_rhc_mental_health_visits_by_telecommunications_from_2022() -> None:
    rule = "fqhc-rhc-mental-health-visit-by-telecommunications"
    assert not TAX.where(on="2021-12-31").facts("medicare", "requires", rule)
    assert TAX.where(on="2022-01-01").facts("medicare", "requires", rule)


def test_bad_patient_location_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="patient_at must be one of home, elsewhere"):
        TAX.telehealth("90837", patient_at="car")
    with pytest.raises(mht.WrongKindError):
        TAX.telehealth("psychotherapy")


def test_cli_telehealth(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["telehealth", "90837", "--payer", "medicare", "--on", "2024-06-01", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert '"place_of_service": "10"' in out and '"95"' in out
    assert main(["telehealth", "90837", "--payer", "medicaid"]) == 1


def test_a_clinic_bills_an_audio_only_mental_health_visit_with_fq_from_2022() -> None:
    import mhtaxonomy as mht

    tax = mht.load()
    before = tax.where(payer="medicare", on="2021-12-31").telehealth("90837", audio_only=True, setting="rhc-fqhc")
    after = tax.where(payer="medicare", on="2022-01-01").telehealth("90837", audio_only=True, setting="rhc-fqhc")
    video = tax.where(payer="medicare", on="2024-06-01").telehealth("90837", setting="rhc-fqhc")
    practitioner = tax.where(payer="medicare", on="2024-06-01").telehealth("90837", audio_only=True)
    assert not before
    assert after and after.modifiers == ("FQ",) and after.place_of_service is None
    assert "NPD-FCSO-TH-MODS" in {source for fact in after.facts for source in fact.sources}
    assert video and video.modifiers == ()
    assert practitioner.modifiers == ("93",)  # FQ is the clinics' modifier, not the practitioner's
    later = tax.where(payer="medicare", on="2025-10-01").telehealth("90837", setting="rhc-fqhc")
    assert later.conditions  # the in-person visit requirement applies to clinics too from 2025-10-01


def test_an_unknown_setting_is_refused_with_the_valid_ones() -> None:
    import mhtaxonomy as mht

    with pytest.raises(ValueError, match="practitioner, rhc-fqhc"):
        mht.load().telehealth("90837", setting="hospital")
