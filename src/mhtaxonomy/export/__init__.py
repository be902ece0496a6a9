"""The taxonomy in other systems' formats, one module per format.

- :mod:`.node_link`: node-link JSON (networkx, D3), plain JSON values only;
- :mod:`.graphml`: GraphML and GEXF (networkx, Gephi, Cytoscape), plain attributes;
- :mod:`.rdf`: RDF as Turtle or JSON-LD (rdflib, an optional extra);
- :mod:`.fhir`: FHIR R4 CodeSystem, ConceptMap and ValueSet resources as plain dicts;
- :mod:`.parquet`: the Arrow tables of :mod:`mhtaxonomy.tables` as Parquet files.

Each is generated from a taxonomy or a view through its public API, so an
export of a view holds only the facts that hold in its context. Importing this
package imports no optional dependency; each module imports its own when used.
"""

__all__: list[str] = []
