"""GraphML and GEXF: the graph with plain attributes, for Gephi, Cytoscape and ``networkx.read_graphml``.

GraphML and GEXF attributes are scalars, so the plain records of the node-link
export are flattened: list values (aliases, codes, sources, jurisdictions,
payers) become JSON text such as ``["us-nm"]``, unset values are left out, and
each node gets a ``label`` (its name) for the viewers. Edges keep the fact id
as their id (the edge key when read back) and carry ``relation`` and the
fact's qualifiers.
"""

from __future__ import annotations

import json
import pathlib
from typing import TYPE_CHECKING, Any

import networkx

from ._records import about, entity_record, fact_record

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy

__all__ = ["flat_graph", "write_gexf", "write_graphml"]


def _flat(record: dict[str, Any]) -> dict[str, str | int | float | bool]:
    return {
        key: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
        for key, value in record.items()
        if value is not None
    }


def flat_graph(tax: Taxonomy) -> networkx.MultiDiGraph:
    """A new graph of ``tax`` (a taxonomy or a view) whose attributes are strings, numbers and booleans.

    >>> import mhtaxonomy as mht
    >>> graph = flat_graph(mht.load())
    >>> graph.nodes["lcsw"]["label"], graph.nodes["lcsw"]["codes"]
    ('Licensed clinical social worker', '["NUCC:1041C0700X", "CMS-SPECIALTY:80"]')
    """
    source = tax.graph
    flat = networkx.MultiDiGraph(**{key: value for key, value in about(tax).items() if value is not None})
    for node, data in source.nodes(data=True):
        record = entity_record(data["entity"])
        del record["id"]
        flat.add_node(node, label=record["name"], **_flat(record))
    for u, v, key, data in source.edges(keys=True, data=True):
        record = fact_record(data["fact"])
        del record["id"], record["subject"], record["object"]
        flat.add_edge(u, v, key=key, **_flat(record))
    return flat


def write_graphml(tax: Taxonomy, path: str | pathlib.Path) -> pathlib.Path:
    """Write :func:`flat_graph` of ``tax`` to ``path`` as GraphML; return the path."""
    networkx.write_graphml(flat_graph(tax), path)
    return pathlib.Path(path)


def write_gexf(tax: Taxonomy, path: str | pathlib.Path) -> pathlib.Path:
    """Write :func:`flat_graph` of ``tax`` to ``path`` as GEXF 1.2; return the path."""
    networkx.write_gexf(flat_graph(tax), path)
    return pathlib.Path(path)
