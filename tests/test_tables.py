"""Arrow tables: stable schemas, rows that agree with the graph and the questions, views, errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy import tables

from .strategies import contexts

#: The documented columns; changing one is a breaking change, so it must be a deliberate edit here too.
EXPECTED = {
    "entities": "id:string kind:string name:string aliases:list<item: string> abbreviations:list<item: string> "
    "description:string codes:list<item: string> sources:list<item: string> note:string "
    "attributes:map<string, string>",
    "codes": "entity:string kind:string system:string code:string low:string high:string",
    "facts": "id:string subject:string relation:string object:string jurisdictions:list<item: string> "
    "payers:list<item: string> valid_from:date32[day] valid_until:date32[day] supervised:bool reason:string "
    "strength:string note:string sources:list<item: string>",
    "sources": "id:string title:string url:string quality:string note:string",
    "scope": "jurisdiction:string service:string profession:string independent:bool facts:list<item: string>",
    "billing": "payer:string code:string profession:string facts:list<item: string>",
}


def _described(schema: pa.Schema) -> str:
    return " ".join(f"{field.name}:{field.type}" for field in schema)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_schema_is_stable(name: str) -> None:
    assert _described(tables.schema(name)) == EXPECTED[name]


@pytest.mark.parametrize("name", ["entities", "codes", "facts", "sources"])
def test_tables_have_their_schema_and_the_view_in_metadata(tax: mht.Taxonomy, name: str) -> None:
    view = tax.where(jurisdiction="NM", on="2025-06-01")
    table = view.table(name)
    assert _described(table.schema) == EXPECTED[name]
    assert table.schema.metadata[b"jurisdiction"] == b"us-nm"
    assert table.schema.metadata[b"on"] == b"2025-06-01"
    assert table.schema.metadata[b"data_version"] == tax.data_version.encode()


def test_unknown_table_names_the_tables(tax: mht.Taxonomy) -> None:
    with pytest.raises(ValueError, match="no table 'fact'; the tables are entities, codes, facts"):
        tax.table("fact")


def test_entities_table_is_every_entity_with_its_own_fields(tax: mht.Taxonomy) -> None:
    rows = {row["id"]: row for row in tax.table("entities").to_pylist()}
    assert set(rows) == {e.id for e in tax.entities()}
    for entity in tax.entities():
        row = rows[entity.id]
        assert (row["kind"], row["name"], row["sources"]) == (
            entity.kind.value,
            entity.name,
            list(entity.sources),
        )
        assert row["codes"] == [str(code) for code in entity.codes]
    assert ("group", "true") in rows["therapist"]["attributes"]
    assert ("usps", "NM") in rows["us-nm"]["attributes"]


def test_codes_table_has_every_code_and_range_ends(tax: mht.Taxonomy) -> None:
    rows = tax.table("codes").to_pylist()
    for row in rows:
        entity = tax.get(row["entity"])
        if row["low"] != row["high"]:
            assert mht.Code(system=row["system"], value=row["code"]).is_range
            assert row["code"] == f"{row['low']}-{row['high']}"
        assert entity.kind.value == row["kind"]
    pairs = {(row["entity"], row["system"], row["code"]) for row in rows}
    assert {(e.id, c.system, c.value) for e in tax.entities() for c in e.codes} <= pairs
    assert ("cpt-90837", "CPT", "90837") in pairs


def test_facts_table_is_the_views_facts(tax: mht.Taxonomy) -> None:
    view = tax.where(payer="medicare", on="2023-06-01")
    table = view.table("facts")
    assert table.column("id").to_pylist() == [f.id for f in view.facts()]
    by_id = {row["id"]: row for row in table.to_pylist()}
    for fact in view.facts():
        row = by_id[fact.id]
        assert row["jurisdictions"] == (
            sorted(fact.jurisdictions) if fact.jurisdictions is not None else None
        )
        assert row["valid_from"] == fact.valid_from and row["valid_until"] == fact.valid_until
        assert row["supervised"] is fact.supervised and row["sources"] == list(fact.sources)
    assert len(table) < len(tax.facts())  # a view holds fewer facts than the whole


def test_sources_table(tax: mht.Taxonomy) -> None:
    assert tax.table("sources").column("id").to_pylist() == [s.id for s in tax.sources()]


def test_scope_table_is_every_answer_in_every_jurisdiction(tax: mht.Taxonomy) -> None:
    """The whole table, not a sample: each (jurisdiction, service) cell is who_can_provide there."""
    table = tax.scope_table()
    cells: dict[tuple[str, str], dict[str, tuple[bool, list[str]]]] = {}
    for row in table.to_pylist():
        cells.setdefault((row["jurisdiction"], row["service"]), {})[row["profession"]] = (
            row["independent"],
            row["facts"],
        )
    for jurisdiction in tax.entities(mht.Kind.JURISDICTION):
        view = tax.where(jurisdiction=jurisdiction)
        holding = {fact.id for fact in view.facts()}
        for service in tax.entities(mht.Kind.SERVICE):
            found = cells.get((jurisdiction.id, service.id), {})
            assert set(found) == view.who_can_provide(service).ids, (jurisdiction.id, service.id)
            alone = view.who_can_provide(service, independently=True).ids
            assert {p for p, (independent, _) in found.items() if independent} == alone, (
                jurisdiction.id,
                service.id,
            )
            for profession, (independent, facts) in found.items():
                assert facts and set(facts) <= holding, (jurisdiction.id, service.id, profession)
                if independent:
                    assert not any(
                        tax.fact(f).supervised for f in facts if tax.fact(f).relation == "authorizes"
                    )


@settings(max_examples=15)
@given(data=st.data())
def test_scope_table_of_a_view_agrees_with_its_answers(tax: mht.Taxonomy, data: st.DataObject) -> None:
    view = tax.where(**data.draw(contexts(tax)))
    service = data.draw(st.sampled_from(tax.entities(mht.Kind.SERVICE)))
    rows = view.scope_table([service]).to_pylist()
    places = {row["jurisdiction"] for row in rows}
    if view.context.jurisdiction is not None:
        assert places <= {view.context.jurisdiction}
    for place in places:
        found = {row["profession"] for row in rows if row["jurisdiction"] == place}
        assert found == view.where(jurisdiction=place).who_can_provide(service).ids


def test_scope_table_shows_a_state_only_rule() -> None:
    rows = mht.load().scope_table(["prescribing"], ["NM", "Texas"]).to_pylist()
    psychologists = {row["jurisdiction"] for row in rows if row["profession"] == "prescribing-psychologist"}
    assert psychologists == {"us-nm"}


def test_scope_table_rejects_what_is_not_a_service(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.WrongKindError):
        tax.scope_table(["lcsw"], ["NM"])
    with pytest.raises(mht.UnknownEntityError):
        tax.scope_table(["psychotherapy"], ["Atlantis"])


def test_billing_table_agrees_with_who_can_bill_for_every_code_and_payer(tax: mht.Taxonomy) -> None:
    view = tax.where(on="2025-06-01")
    rows = view.table("billing").to_pylist()
    cells: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        cells.setdefault((row["payer"], row["code"]), set()).add(row["profession"])
    for payer in tax.entities(mht.Kind.PAYER):
        by_payer = view.where(payer=payer)
        holding = {fact.id for fact in by_payer.facts()}
        assert all(set(row["facts"]) <= holding for row in rows if row["payer"] == payer.id)
        for code in tax.entities(mht.Kind.BILLING_CODE):
            assert cells.get((payer.id, code.id), set()) == by_payer.who_can_bill(code).ids, (
                payer.id,
                code.id,
            )


def test_billing_table_follows_the_date(tax: mht.Taxonomy) -> None:
    def lpc_bills_medicare(on: str) -> bool:
        rows = tables.billing_table(tax.where(on=on), ["90837"], ["Medicare"]).to_pylist()
        return "lpc" in {row["profession"] for row in rows}

    assert not lpc_bills_medicare("2023-06-01") and lpc_bills_medicare("2025-06-01")


def test_tables_read_into_pandas_polars_and_duckdb(tax: mht.Taxonomy) -> None:
    import duckdb
    import polars as pl

    facts = tax.table("facts")
    frame = facts.to_pandas()
    assert len(frame) == facts.num_rows and frame["valid_from"].dropna().map(type).eq(dt.date).all()
    assert pl.from_arrow(facts).height == facts.num_rows
    assert duckdb.sql("SELECT count(*) FROM facts").fetchall() == [(facts.num_rows,)]


def test_import_mhtaxonomy_loads_no_heavy_dependency() -> None:
    """`import mhtaxonomy` (and asking it a question) imports none of pyarrow, rdflib, pandas."""
    code = (
        "import sys, mhtaxonomy as mht; mht.load().who_can_provide('psychotherapy'); "
        "import mhtaxonomy.export; "
        "print(sorted(m for m in ('pyarrow', 'rdflib', 'pandas', 'polars', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch, tax: mht.Taxonomy) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r'pip install "mhtaxonomy\[tables\]"'):
        tax.table("facts")
