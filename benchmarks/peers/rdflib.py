"""rdflib: the facts as RDF triples, asked with SPARQL property paths (``pip install "mhtaxonomy[bench]"``)."""

from __future__ import annotations

from typing import Any

import mhtaxonomy as mht

from . import DIAGNOSIS, group_members, rows, with_groups

__all__ = ["Peer"]

BASE = "urn:mht:"

_WHO_CAN_PROVIDE = """
SELECT DISTINCT ?p WHERE { ?start m:is_a* ?s . ?c m:authorizes ?s . ?h m:holds ?c . ?p m:is_a* ?h }
"""

_NARROWER = "SELECT DISTINCT ?x WHERE { ?x m:is_a+ ?start }"

_REQUIRES_DIAGNOSIS = """
SELECT DISTINCT ?x WHERE {
  { ?x m:requires ?diagnosis }
  UNION
  { ?r m:requires ?diagnosis . ?r m:kind "service" . ?x m:is_a+ ?r }
  UNION
  {
    ?x (m:is_a*/m:form_of)|m:bills ?any .
    FILTER NOT EXISTS {
      ?x (m:is_a*/m:form_of)|m:bills ?service .
      FILTER NOT EXISTS { ?service m:is_a* ?r2 . ?r2 m:requires ?diagnosis . ?r2 m:kind "service" }
    }
  }
}
"""


class Peer:
    """An rdflib graph of one view's facts, with prepared SPARQL queries."""

    name = "rdflib SPARQL"

    def __init__(self, view: mht.Taxonomy) -> None:
        from rdflib import Graph, Literal, URIRef
        from rdflib.plugins.sparql import prepareQuery

        facts, entities = rows(view)
        self.graph = Graph()
        for subject, relation, obj in facts:
            self.graph.add((URIRef(BASE + subject), URIRef(BASE + relation), URIRef(BASE + obj)))
        for entity_id, kind, _ in entities:
            self.graph.add((URIRef(BASE + entity_id), URIRef(BASE + "kind"), Literal(kind)))
        names = {"m": BASE}
        self.queries = {
            name: prepareQuery(text, initNs=names)
            for name, text in (("who", _WHO_CAN_PROVIDE), ("narrower", _NARROWER), ("diagnosis", _REQUIRES_DIAGNOSIS))
        }
        self.members = group_members(facts, entities)
        self.uri = URIRef

    def _ids(self, query: str, **bindings: str) -> frozenset[str]:
        bound: dict[str, Any] = {name: self.uri(BASE + value) for name, value in bindings.items()}
        return frozenset(str(row[0]).removeprefix(BASE) for row in self.graph.query(self.queries[query], initBindings=bound))

    def narrower(self, entity: str) -> frozenset[str]:
        return self._ids("narrower", start=entity)

    def who_can_provide(self, service: str) -> frozenset[str]:
        return with_groups(self._ids("who", start=service), self.members)

    def what_requires_diagnosis(self) -> frozenset[str]:
        return self._ids("diagnosis", diagnosis=DIAGNOSIS)
