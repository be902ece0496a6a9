"""Lookups, search, views and the graph."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

import mhtaxonomy as mht

MUST_RESOLVE = [
    "psychotherapy", "therapy", "coaching", "medication management", "prescribing", "diagnosis",
    "CBT", "DBT", "EMDR", "ERP", "cognitive processing therapy", "prolonged exposure",
    "trauma-focused CBT", "PTSD", "OCD", "major depressive disorder", "LCSW", "LPC", "LMFT", "PMHNP",
    "psychiatrist", "psychologist", "clinical psychologist", "therapist", "coach", "peer specialist",
    "behavioral health care manager", "Medicare",
]


@pytest.mark.parametrize("ref", MUST_RESOLVE)
def test_every_name_the_issue_lists_resolves_to_one_entity(tax: mht.Taxonomy, ref: str) -> None:
    entity = tax.get(ref)
    assert tax.get(ref.upper()) == entity
    assert tax.get(f"  {ref.lower()} ") == entity


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("lcsw", "lcsw"),
        ("Licensed Clinical Social Worker", "lcsw"),
        ("clinical social worker", "lcsw"),
        ("1041C0700X", "lcsw"),
        ("2084P0800X", "psychiatrist"),
        ("90834", "cpt-90834"),
        ("F43.12", "ptsd"),
        ("f4311", "ptsd"),
        ("F33.41", "major-depressive-disorder"),
        ("trauma focused cbt", "trauma-focused-cbt"),
        ("New Mexico", "us-nm"),
        ("US-NM", "us-nm"),
        ("coach", "life-coach"),
        ("therapy", "therapy-everyday"),
    ],
)
def test_get_accepts_every_kind_of_name(tax: mht.Taxonomy, ref: str, expected: str) -> None:
    assert tax.get(ref).id == expected


def test_get_returns_the_record_it_is_given(tax: mht.Taxonomy) -> None:
    entity = tax.get("LPC")
    assert tax.get(entity) is entity


def test_get_refuses_a_record_that_is_not_in_the_taxonomy(tax: mht.Taxonomy) -> None:
    stranger = mht.Service(id="psychotherapy", name="Imposter", sources=("S1",))
    with pytest.raises(mht.UnknownEntityError):
        tax.get(stranger)


def test_unknown_reference_is_a_key_error_listing_close_matches(tax: mht.Taxonomy) -> None:
    with pytest.raises(KeyError) as caught:
        tax.get("psychotheraphy")
    error = caught.value
    assert isinstance(error, mht.UnknownEntityError)
    assert "psychotherapy" in error.suggestions
    assert "did you mean" in str(error)


def test_unknown_reference_without_neighbours_says_so_plainly(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.UnknownEntityError) as caught:
        tax.get("qqqqqqqq")
    assert str(caught.value) == "unknown entity 'qqqqqqqq'"


def test_cpt_is_ambiguous_between_the_code_set_and_the_therapy(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.AmbiguousEntityError) as caught:
        tax.get("CPT")
    assert {e.id for e in caught.value.candidates} >= {"cpt", "cognitive-processing-therapy"}
    assert isinstance(caught.value, KeyError)
    assert tax.get("cognitive processing therapy").id == "cognitive-processing-therapy"


def test_get_rejects_non_strings(tax: mht.Taxonomy) -> None:
    with pytest.raises(TypeError, match="expected an entity or a string"):
        tax.get(90834)  # type: ignore[arg-type]


def test_search_ranks_exact_then_prefix_then_substring(tax: mht.Taxonomy) -> None:
    found = [e.id for e in tax.search("psychotherapy", limit=100)]
    assert found[0] == "psychotherapy"
    assert found.index("group-psychotherapy") > 0
    assert tax.search("exposure")[0].id in {"exposure-therapy", "exposure-and-response-prevention"}


def test_search_finds_descriptions_and_near_spellings(tax: mht.Taxonomy) -> None:
    assert "coaching" in {e.id for e in tax.search("life transitions", limit=50)}
    assert "psychiatrist" in {e.id for e in tax.search("psychiatrst")}


@pytest.mark.parametrize(("text", "limit"), [("", 5), ("   ", 5), ("cbt", 0)])
def test_search_rejects_impossible_arguments(tax: mht.Taxonomy, text: str, limit: int) -> None:
    with pytest.raises(ValueError):
        tax.search(text, limit=limit)


def test_where_resolves_its_context(tax: mht.Taxonomy) -> None:
    view = tax.where(jurisdiction="New Mexico", payer="medicare", on=dt.date(2025, 6, 1))
    assert (view.context.jurisdiction, view.context.payer, view.context.on) == ("us-nm", "medicare", dt.date(2025, 6, 1))
    assert tax.context == mht.Context()


@pytest.mark.parametrize(("ref", "expected"), [("MD", "us-md"), ("PA", "us-pa"), ("md", "us-md")])
def test_where_reads_a_code_shared_with_other_kinds_as_the_jurisdiction(tax: mht.Taxonomy, ref: str, expected: str) -> None:
    assert tax.where(jurisdiction=ref).context.jurisdiction == expected


def test_where_keeps_what_it_is_not_told(tax: mht.Taxonomy) -> None:
    view = tax.where(jurisdiction="NM").where(payer="Medicare")
    assert (view.context.jurisdiction, view.context.payer) == ("us-nm", "medicare")


def test_where_defaults_to_today(tax: mht.Taxonomy) -> None:
    view = tax.where(jurisdiction="CA")
    assert view.context.on is None and view.context.date == dt.date.today()


@pytest.mark.parametrize("on", ["2025-13-01", "yesterday", "2025/06/01"])
def test_where_rejects_dates_that_are_not_dates(tax: mht.Taxonomy, on: str) -> None:
    with pytest.raises(ValueError, match="ISO date such as"):
        tax.where(on=on)


def test_where_rejects_unknown_places_with_close_matches(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.UnknownEntityError) as caught:
        tax.where(jurisdiction="Nwe Mexico")
    assert "unknown jurisdiction" in str(caught.value)
    assert "New Mexico" in caught.value.suggestions


def test_where_rejects_an_entity_of_the_wrong_kind(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.UnknownEntityError, match="unknown payer 'LCSW'"):
        tax.where(payer="LCSW")


def test_graph_is_frozen_and_carries_records(tax: mht.Taxonomy) -> None:
    graph = tax.graph
    assert isinstance(graph, nx.MultiDiGraph)
    with pytest.raises(nx.NetworkXError):
        graph.add_node("x")
    assert graph.nodes["lcsw"]["kind"] is mht.Kind.PROFESSION
    assert graph.nodes["lcsw"]["entity"] == tax.get("LCSW")
    edge = graph.edges["lcsw", "msw", "lcsw.holds.msw"]
    assert edge["relation"] is mht.Relation.HOLDS
    assert edge["fact"].sources


def test_graph_has_one_node_per_entity_and_one_edge_per_fact(tax: mht.Taxonomy) -> None:
    assert tax.graph.number_of_nodes() == len(tax.entities())
    assert tax.graph.number_of_edges() == len(tax.facts(None))


def test_a_view_graph_keeps_only_facts_that_hold_there(tax: mht.Taxonomy) -> None:
    fact_id = "prescribing-psychologist-certificate.authorizes.prescribing.nm"
    assert tax.graph.has_edge("prescribing-psychologist-certificate", "prescribing", fact_id)
    california = tax.where(jurisdiction="CA").graph
    assert not california.has_edge("prescribing-psychologist-certificate", "prescribing", fact_id)
    assert california.number_of_nodes() == tax.graph.number_of_nodes()


def test_data_version_and_as_of(tax: mht.Taxonomy) -> None:
    assert tax.data_version
    assert isinstance(tax.as_of, dt.date) and tax.as_of <= dt.date.today()


def test_facts_filters_and_sorts(tax: mht.Taxonomy) -> None:
    holds = tax.facts("lcsw", "holds")
    assert holds == sorted(holds, key=lambda f: f.id)
    assert all(f.subject == "lcsw" and f.relation is mht.Relation.HOLDS for f in holds)
    assert {f.subject for f in tax.facts(relation="authorizes", object="prescribing")} >= {"physician-license"}


def test_source_lookup(tax: mht.Taxonomy) -> None:
    assert tax.source("SEED-003").quality is mht.SourceQuality.SEED
    with pytest.raises(mht.UnknownEntityError, match="unknown source 'S-1'"):
        tax.source("S-1")


def test_repr_names_the_context(tax: mht.Taxonomy) -> None:
    assert "jurisdiction='us-nm'" in repr(tax.where(jurisdiction="NM"))


def test_a_long_lived_taxonomy_answers_for_the_day_it_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a taxonomy kept across midnight must not keep the day it was loaded as 'today'."""
    import time

    medicare = mht.load().where(payer="medicare")
    assert dt.date.today() >= dt.date(2024, 1, 1)
    assert "lpc" in medicare.who_can_bill("90837")

    class OtherDay(dt.date):
        @classmethod
        def today(cls) -> dt.date:
            return dt.date(2023, 6, 1)

    tomorrow = time.time() + 86_400
    monkeypatch.setattr(dt, "date", OtherDay)
    monkeypatch.setattr(time, "time", lambda: tomorrow)
    assert medicare.context.date == dt.date(2023, 6, 1)
    assert "lpc" not in medicare.who_can_bill("90837")
