"""Exports, each read back with the standard tool of its format; and the `export` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.conceptmap import ConceptMap
from fhir.resources.R4B.valueset import ValueSet
from rdflib.compare import to_isomorphic

import mhtaxonomy as mht
from mhtaxonomy.cli import main
from mhtaxonomy.export import fhir, graphml, node_link, parquet, rdf

FHIR_MODELS = {"CodeSystem": CodeSystem, "ConceptMap": ConceptMap, "ValueSet": ValueSet}


def _same_graph(read: nx.MultiDiGraph, tax: mht.Taxonomy) -> None:
    """Same nodes with the same kinds, same edges (fact id as key) with the same relations."""
    graph = tax.graph
    assert {n: d["kind"] for n, d in read.nodes(data=True)} == {
        n: d["kind"].value for n, d in graph.nodes(data=True)
    }
    assert {(u, v, k, d["relation"]) for u, v, k, d in read.edges(keys=True, data=True)} == {
        (u, v, k, d["relation"].value) for u, v, k, d in graph.edges(keys=True, data=True)
    }


# -- node-link JSON ------------------------------------------------------------------


def test_node_link_round_trip(tax: mht.Taxonomy, tmp_path: Path) -> None:
    path = node_link.write(tax, tmp_path / "graph.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "edges" in data and "links" not in data
    assert data["graph"]["data_version"] == tax.data_version
    read = node_link.read(path)
    _same_graph(read, tax)
    assert read.nodes["lcsw"]["codes"] == [str(code) for code in tax.get("lcsw").codes]
    fact = tax.fact("prescribing-psychologist-certificate.authorizes.prescribing.nm")
    edge = read.edges["prescribing-psychologist-certificate", "prescribing", fact.id]
    assert edge["jurisdictions"] == sorted(fact.jurisdictions or ())


def test_node_link_reads_the_older_links_key(tax: mht.Taxonomy, tmp_path: Path) -> None:
    data = node_link.node_link(tax)
    data["links"] = data.pop("edges")
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _same_graph(node_link.read(path), tax)


def test_node_link_of_a_view_holds_only_its_facts(tax: mht.Taxonomy) -> None:
    view = tax.where(jurisdiction="TX", on="2025-06-01")
    data = node_link.node_link(view)
    assert {edge["key"] for edge in data["edges"]} == {fact.id for fact in view.facts()}
    assert data["graph"]["jurisdiction"] == "us-tx"


# -- GraphML and GEXF ------------------------------------------------------------------


def test_graphml_round_trip(tax: mht.Taxonomy, tmp_path: Path) -> None:
    path = graphml.write_graphml(tax, tmp_path / "graph.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    _same_graph(read, tax)
    assert json.loads(read.nodes["lcsw"]["abbreviations"])[0] == "LCSW"
    assert read.nodes["therapist"]["group"] is True
    assert read.graph["data_version"] == tax.data_version


def test_gexf_round_trip(tax: mht.Taxonomy, tmp_path: Path) -> None:
    read = nx.read_gexf(graphml.write_gexf(tax, tmp_path / "graph.gexf"))
    _same_graph(read, tax)
    assert read.nodes["lcsw"]["label"] == tax.get("lcsw").name


# -- RDF ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def triples() -> rdflib.Graph:
    return rdf.graph(mht.load())


def _entity(entity_id: str) -> rdflib.URIRef:
    return rdflib.URIRef(rdf.PREFIXES["mht"] + entity_id)


def test_every_entity_and_fact_has_a_stable_iri(tax: mht.Taxonomy, triples: rdflib.Graph) -> None:
    label = rdflib.RDFS.label
    for entity in tax.entities():
        assert triples.value(_entity(entity.id), label) == rdflib.Literal(entity.name)
    vocab = rdflib.Namespace(rdf.PREFIXES["mhtv"])
    for fact in tax.facts():
        statement = rdflib.URIRef(rdf.PREFIXES["mhtfact"] + fact.id)
        assert triples.value(statement, rdflib.RDF.predicate) == vocab[fact.relation.value]
        assert (_entity(fact.subject), vocab[fact.relation.value], _entity(fact.object)) in triples


def test_rdf_keeps_each_facts_qualifiers(tax: mht.Taxonomy, triples: rdflib.Graph) -> None:
    vocab = rdflib.Namespace(rdf.PREFIXES["mhtv"])
    for fact in tax.facts():
        statement = rdflib.URIRef(rdf.PREFIXES["mhtfact"] + fact.id)
        places = {str(o).rsplit("/", 1)[1] for o in triples.objects(statement, vocab.jurisdiction)}
        assert places == set(fact.jurisdictions or ())
        assert triples.value(statement, vocab.supervised).toPython() is fact.supervised
        since = triples.value(statement, vocab.valid_from)
        assert (since.toPython() if since is not None else None) == fact.valid_from
        sources = {str(o).rsplit("/", 1)[1] for o in triples.objects(statement, rdflib.DCTERMS.source)}
        assert sources == set(fact.sources)


def test_codes_are_literals_of_their_code_systems(triples: rdflib.Graph) -> None:
    notations = set(triples.objects(_entity("lcsw"), rdflib.SKOS.notation))
    assert (
        rdflib.Literal("1041C0700X", datatype=rdflib.URIRef("http://nucc.org/provider-taxonomy")) in notations
    )
    icd = rdflib.URIRef("http://hl7.org/fhir/sid/icd-10-cm")
    assert rdflib.Literal("F31.9", datatype=icd) in set(
        triples.objects(_entity("bipolar-disorder"), rdflib.SKOS.notation)
    )
    assert rdflib.Literal("F43.10-F43.12", datatype=icd) in set(
        triples.objects(_entity("ptsd"), rdflib.SKOS.notation)
    )


# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning:rdflib.*")
@pytest.mark.parametrize("write, format_", [(rdf.write_turtle, "turtle"), (rdf.write_json_ld, "json-ld")])
def test_rdf_files_parse_back_to_the_same_triples(
    write, format_: str, tax: mht.Taxonomy, triples: rdflib.Graph, tmp_path: Path
) -> None:
    path = write(tax, tmp_path / f"graph.{format_}")
    read = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format=format_)
    assert len(read) == len(triples)
    assert to_isomorphic(read) == to_isomorphic(triples)


def _sparql_professions(graph: rdflib.Graph, service: str, independently: bool = False) -> set[str]:
    rows = graph.query(rdf.who_can_provide_query(service, independently))
    return {str(row.profession).rsplit("/", 1)[1] for row in rows}  # type: ignore[union-attr]


def test_sparql_answers_who_can_provide_for_every_service(tax: mht.Taxonomy, triples: rdflib.Graph) -> None:
    for service in tax.entities(mht.Kind.SERVICE):
        assert _sparql_professions(triples, service.id) == tax.who_can_provide(service).ids, service.id


def test_sparql_in_one_state_for_every_service(tax: mht.Taxonomy) -> None:
    view = tax.where(jurisdiction="NM")
    graph = rdf.graph(view)
    for service in tax.entities(mht.Kind.SERVICE):
        assert _sparql_professions(graph, service.id) == view.who_can_provide(service).ids, service.id


@pytest.mark.parametrize("service", ["psychotherapy", "prescribing"])
def test_sparql_independently_reads_the_supervised_qualifier(
    tax: mht.Taxonomy, triples: rdflib.Graph, service: str
) -> None:
    alone = _sparql_professions(triples, service, independently=True)
    assert alone == tax.who_can_provide(service, independently=True).ids
    assert alone < _sparql_professions(triples, service)


# -- FHIR ------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", [{}, {"jurisdiction": "NM", "payer": "medicare", "on": "2025-06-01"}])
def test_every_fhir_resource_validates_as_r4b(tax: mht.Taxonomy, where: dict[str, str]) -> None:
    resources = fhir.resources(tax.where(**where))
    for resource in resources:
        FHIR_MODELS[resource["resourceType"]].model_validate(resource)
        assert len(resource["id"]) <= 64
    assert len(resources) == 3 + 2 * len(tax.entities(mht.Kind.SERVICE))


def test_code_system_holds_every_entity(tax: mht.Taxonomy) -> None:
    resource = fhir.code_system(tax)
    assert [c["code"] for c in resource["concept"]] == [e.id for e in tax.entities()]
    assert resource["count"] == len(tax.entities())


def test_profession_map_targets_nucc(tax: mht.Taxonomy) -> None:
    resource = fhir.profession_map(tax)
    group = resource["group"][0]
    assert group["target"] == "http://nucc.org/provider-taxonomy"
    mapped = {(e["code"], t["code"]) for e in group["element"] for t in e["target"]}
    assert mapped == {
        (p.id, c.value) for p in tax.entities(mht.Kind.PROFESSION) for c in p.codes if c.system == "NUCC"
    }


def test_condition_map_targets_icd_and_comments_on_narrower(tax: mht.Taxonomy) -> None:
    group = fhir.condition_map(tax)["group"][0]
    assert group["target"] == "http://hl7.org/fhir/sid/icd-10-cm"
    for element in group["element"]:
        for target in element["target"]:
            if target["equivalence"] == "narrower":  # FHIR's cmd-1: a narrower map says why
                assert target["comment"]
    bipolar = next(e for e in group["element"] if e["code"] == "bipolar-disorder")
    assert {t.get("code") for t in bipolar["target"]} == {"F31.89", "F31.9"}
    ptsd = next(e for e in group["element"] if e["code"] == "ptsd")
    assert ptsd["target"] == [
        {"equivalence": "narrower", "comment": "each ICD-10-CM code from F43.10 to F43.12"}
    ]


@pytest.mark.parametrize("independently", [False, True])
def test_provider_value_set_is_the_nucc_codes_of_the_answer(tax: mht.Taxonomy, independently: bool) -> None:
    view = tax.where(jurisdiction="NM")
    resource = fhir.provider_value_set(view, "psychotherapy", independently=independently)
    assert resource["compose"]["include"][0]["system"] == "http://nucc.org/provider-taxonomy"
    codes = {c["code"] for c in resource["compose"]["include"][0]["concept"]}
    answer = view.who_can_provide("psychotherapy", independently=independently)
    assert codes == {c.value for p in answer for c in p.codes if c.system == "NUCC"}
    assert resource["expansion"]["total"] == len(codes)
    ValueSet.model_validate(resource)


def test_an_empty_value_set_has_no_compose(tax: mht.Taxonomy) -> None:
    resource = fhir.provider_value_set(tax, "coaching", independently=True)
    if not tax.who_can_provide("coaching", independently=True):
        assert "compose" not in resource and resource["expansion"]["total"] == 0
    ValueSet.model_validate(resource)


# -- Parquet -----------------------------------------------------------------------------------


def test_parquet_folder_reads_in_duckdb_with_the_same_row_counts(tax: mht.Taxonomy, tmp_path: Path) -> None:
    import duckdb
    import pandas as pd

    view = tax.where(on="2025-06-01")
    paths = parquet.write(view, tmp_path / "tables")
    assert {p.stem for p in paths} == {"entities", "codes", "facts", "sources", "scope", "billing"}
    for path in paths:
        expected = view.table(path.stem).num_rows
        assert duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall() == [(expected,)]
        assert len(pd.read_parquet(path)) == expected


# -- the `export` command -------------------------------------------------------------------


@pytest.mark.parametrize("format_", ["node-link", "graphml", "gexf", "turtle", "json-ld", "fhir", "parquet"])
def test_export_command_writes_each_format(
    format_: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out"
    assert main(["export", format_, "-o", str(target), "--jurisdiction", "NM", "--on", "2025-06-01"]) == 0
    assert str(target) in capsys.readouterr().out
    assert target.exists() and (target.is_file() or any(target.iterdir()))


def test_export_command_honours_the_context(tmp_path: Path) -> None:
    target = tmp_path / "tx.json"
    assert (
        main(["export", "node-link", "-o", str(target), "-j", "TX", "-p", "medicare", "--on", "2023-06-01"])
        == 0
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    view = mht.load().where(jurisdiction="TX", payer="medicare", on="2023-06-01")
    assert {edge["key"] for edge in data["edges"]} == {fact.id for fact in view.facts()}


def test_export_command_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "graph.json"
    target.write_text("keep me", encoding="utf-8")
    assert main(["export", "node-link", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exists; use --force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    assert main(["export", "node-link", "-o", str(target), "--force"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["directed"] is True


@pytest.mark.parametrize(
    "format_, module, extra", [("turtle", "rdflib", "rdf"), ("parquet", "pyarrow", "tables")]
)
def test_export_command_names_a_missing_extra(
    format_: str,
    module: str,
    extra: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, f"{module}.parquet", None)
    assert main(["export", format_, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err == f'mhtaxonomy: error: this needs {module}: pip install "mhtaxonomy[{extra}]"\n'


def test_export_command_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "csv", "-o", "x"]) == 2
    assert "invalid choice: 'csv'" in capsys.readouterr().err
