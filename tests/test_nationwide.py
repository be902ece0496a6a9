"""Every state answered: licence titles and the coverage grid (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mhtaxonomy as mht
from mhtaxonomy.cli import main
from mhtaxonomy.coverage import PROFESSIONS, QUESTIONS, STATUSES
from mhtaxonomy.queries import UNKNOWN_TITLE

TAX = mht.load()
GRID = TAX.coverage()
PLACES = [p for p in TAX.entities(mht.Kind.JURISDICTION) if p.type.value in ("state", "district")]


def test_the_grid_covers_every_state_and_dc_for_every_question() -> None:
    assert len(PLACES) == 51
    expected = {(p.id, prof, q) for p in PLACES for prof, questions in QUESTIONS.items() for q in questions}
    assert {(c.jurisdiction, c.profession, c.question) for c in GRID} == expected
    assert len(GRID.rows()) == len(expected)


def test_no_cell_is_missing_and_the_counts_add_up() -> None:
    counts = GRID.counts()
    assert counts["missing"] == 0
    assert sum(counts.values()) == len(GRID)
    assert GRID.share() == pytest.approx(counts["sourced"] / len(GRID))
    assert GRID.share() + GRID.share("unknown") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="status must be one of"):
        GRID.share("maybe")


@pytest.mark.parametrize("cell", list(GRID), ids=lambda c: f"{c.jurisdiction}-{c.profession}-{c.question}")
def test_each_cell_is_backed_by_facts_that_name_its_state(cell: mht.Entity) -> None:
    assert cell.status in STATUSES
    assert cell.facts, "every status but missing is backed by a fact"
    for fact in cell.facts:
        for source in fact.sources:
            TAX.source(source)
    if cell.status == "sourced":
        assert cell.answer
        assert any(fact.jurisdictions and cell.jurisdiction in fact.jurisdictions for fact in cell.facts)
    else:
        assert not cell.answer


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.id)
@pytest.mark.parametrize("profession", sorted(PROFESSIONS))
def test_every_profession_has_a_title_or_an_explicit_unknown_in_every_jurisdiction(profession: str, place: mht.Entity) -> None:
    answer = TAX.titles(profession, place)
    cell = GRID.cell(place.id, profession, "title")
    assert answer, "never an empty answer"
    if UNKNOWN_TITLE in answer.ids:
        assert answer.ids == {UNKNOWN_TITLE} and cell.status == "unknown"
        assert PROFESSIONS[profession] not in answer, "no silent fallback to the nationwide licence"
    else:
        assert cell.status == "sourced" and set(cell.answer) == answer.ids
        holdings = [f for t in answer for f in answer.why(t) if f.relation is mht.Relation.HOLDS]
        assert any(place.id in (f.jurisdictions or ()) for f in holdings)


def test_washington_clinical_social_workers_hold_the_licsw() -> None:
    answer = TAX.titles("LCSW", "WA")
    assert answer.ids == {"licsw-license"}
    assert TAX.get("LICSW").id == "licsw-license"
    assert "SWLM-LICSW" in {s.id for s in answer.why("licsw-license").sources}


def test_the_lmhc_licence_has_its_abbreviation() -> None:
    assert TAX.get("LMHC").id == "lmhc-license"
    assert "LMHC" in TAX.get("lmhc-license").abbreviations
    assert TAX.titles("LPC", "NY").ids == {"lmhc-license"}


def test_maryland_master_social_worker_is_now_the_lmsw() -> None:
    assert TAX.titles("LMSW", "MD").ids == {"lmsw-license"}
    assert "MD-BSWE" in GRID.cell("us-md", "lmsw", "title").sources


def test_a_state_specific_chain_fills_the_tier_column() -> None:
    cell = GRID.cell("us-tx", "lpc", "tier")
    assert cell.status == "sourced" and "lpc-associate-license" in cell.answer
    assert GRID.cell("us-ak", "lpc", "tier").answer == ("no-state-associate-licence",)


def test_an_unknown_cell_names_its_marker() -> None:
    cell = GRID.cell("us-ca", "lmsw", "title")  # California has no master's social work licence
    assert cell.status == "unknown"
    assert "state-licence-title-not-sourced" in {f.object for f in cell.facts}


def test_the_grid_renders_with_its_share() -> None:
    text = str(GRID)
    assert text.splitlines()[0].split()[0] == "lpc:title"
    assert f"{GRID.counts()['sourced']} sourced ({GRID.share():.1%})" in text


def test_cli_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage"]) == 0
    out, _ = capsys.readouterr()
    assert "us-wa" in out and "sourced" in out
    assert main(["coverage", "--json"]) == 0
    out, _ = capsys.readouterr()
    assert '"share_sourced"' in out


# -- prescribing authority per state (NP practice environment) -------------------------------


def _np_environment(place: mht.Entity) -> str:
    grants = [f for f in TAX.where(jurisdiction=place).facts("np-license", "authorizes", "prescribing")]
    assert len(grants) == 1, place.id
    return "agreement" if grants[0].supervised else "full"


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.id)
def test_a_pmhnp_prescribes_independently_only_where_nps_need_no_agreement(place: mht.Entity) -> None:
    view = TAX.where(jurisdiction=place)
    alone = view.who_can_provide("prescribing", independently=True)
    assert "pmhnp" in view.who_can_provide("prescribing")
    assert ("pmhnp" in alone) is (_np_environment(place) == "full")
    assert "physician-assistant" not in alone, "PAs prescribe only with a physician in the data"
    if "pmhnp" in alone:
        grant = next(f for f in alone.why("pmhnp") if f.relation is mht.Relation.AUTHORIZES)
        assert place.id in (grant.jurisdictions or ())


def test_np_environment_matches_the_requirement_facts() -> None:
    for place in PLACES:
        needs = {f.object for f in TAX.where(jurisdiction=place).facts("np-license", "requires")}
        limited = bool(needs & {"np-collaborative-agreement", "np-supervision"})
        assert limited is (_np_environment(place) == "agreement"), place.id


# -- crisis care -----------------------------------------------------------------------------


def test_a_referral_for_suicidal_thoughts_includes_crisis_care() -> None:
    answer = TAX.refer("suicidal thoughts", from_="therapist")
    assert {"crisis-line-counselor", "mobile-crisis-team", "psychiatrist"} <= answer.ids
    sources = {s.id for s in answer.why("crisis-line-counselor").sources}
    assert "NACO-988-2022" in sources
    assert not TAX.requires_diagnosis("crisis-line-support"), "crisis support needs no diagnosis"


@pytest.mark.parametrize(("on", "expected"), [("2022-07-15", False), ("2022-07-16", True)])
def test_the_988_referral_starts_with_the_988_number(on: str, expected: bool) -> None:
    answer = TAX.where(on=on).refer("suicidal thoughts", from_="therapist")
    assert ("crisis-line-counselor" in answer) is expected


# -- supervision as data -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "rule"),
    [("2022-12-31", "incident-to-direct-supervision"), ("2023-01-01", "behavioral-health-incident-to-general-supervision")],
)
def test_behavioral_health_incident_to_moves_to_general_supervision_in_2023(on: str, rule: str) -> None:
    rules = {f.object for f in TAX.where(payer="medicare", on=on).facts("medicare", "requires")}
    assert rule in rules
    other = {"incident-to-direct-supervision", "behavioral-health-incident-to-general-supervision"} - {rule}
    assert not rules & other


def test_pre_licensure_billing_under_a_supervisor_is_a_payer_and_state_rule() -> None:
    assert TAX.where(jurisdiction="ND").facts("commercial-insurance", "requires", "pre-licensure-billing-under-supervisor")
    assert not TAX.where(jurisdiction="TX").facts("commercial-insurance", "requires", "pre-licensure-billing-under-supervisor")


# -- payment rates as structured fields -----------------------------------------------------------


@pytest.mark.parametrize(
    ("profession", "rate"),
    [("lcsw", 0.75), ("lmft", 0.75), ("lpc", 0.75), ("pmhnp", 0.85), ("pmh-clinical-nurse-specialist", 0.85), ("physician-assistant", 0.85)],
)
def test_medicare_payment_rates_are_fields_of_the_recognition(profession: str, rate: float) -> None:
    facts = TAX.where(payer="medicare", on="2025-01-01").facts("medicare", "recognizes", profession)
    assert [f.rate for f in facts] == [rate]
    assert facts[0].qualifiers["rate"] == rate


@pytest.mark.parametrize(
    ("extra", "message"),
    [("rate = 1.5", "at most 1"), ("rate = 0", "above 0")],
)
def test_a_bad_payment_rate_is_refused_with_file_record_and_field(tmp_path: Path, extra: str, message: str) -> None:
    overlay = tmp_path / "rates.toml"
    overlay.write_text(
        '[[fact]]\nid = "x.rate"\nsubject = "medicaid"\nrelation = "recognizes"\nobject = "lcsw"\n'
        f'{extra}\nsources = ["S10"]\n'
    )
    with pytest.raises(mht.DataError, match=message) as caught:
        mht.load(overlay)
    assert caught.value.file == str(overlay) and caught.value.record == "x.rate"


def test_only_recognitions_carry_a_rate(tmp_path: Path) -> None:
    overlay = tmp_path / "rates.toml"
    overlay.write_text('[[fact]]\nid = "x.rate"\nsubject = "medicaid"\nrelation = "covers"\nobject = "psychotherapy"\nrate = 0.5\nsources = ["S10"]\n')
    with pytest.raises(mht.DataError, match="only recognizes facts carry a payment rate"):
        mht.load(overlay)
