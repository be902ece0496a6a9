"""Node-link JSON: the graph as ``{"nodes": [...], "edges": [...]}``, for networkx, D3 and the like.

The file holds plain JSON values only (no Python objects): each node is an
entity's fields (its ``kind``, the fields every entity has, with codes as
``SYSTEM:value`` text, then the fields of its own kind), each edge a fact's
fields with ``source``, ``target`` and ``key`` (the fact id). The graph's own
data carry ``data_version``, ``as_of`` and the view's ``jurisdiction``,
``payer`` and ``on`` (the date whose facts it holds).

The edges are written under an explicit ``"edges"`` key: the default key of
``networkx.node_link_data`` has moved between ``"links"`` and ``"edges"``
across networkx releases, so :func:`read` accepts either.
"""

from __future__ import annotations

import json
import pathlib
from typing import TYPE_CHECKING, Any

import networkx

from ._records import about, entity_record, fact_record

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy

__all__ = ["node_link", "read", "write"]


def node_link(tax: Taxonomy) -> dict[str, Any]:
    """The graph of ``tax`` (a taxonomy or a view) as a node-link dict of plain JSON values.

    >>> import mhtaxonomy as mht
    >>> data = node_link(mht.load())
    >>> sorted(data)
    ['directed', 'edges', 'graph', 'multigraph', 'nodes']
    >>> next(edge for edge in data["edges"] if edge["key"] == "lcsw.holds.msw")["relation"]
    'holds'
    """
    graph = tax.graph
    nodes = [entity_record(data["entity"]) for _, data in graph.nodes(data=True)]
    edges = [
        {"source": u, "target": v, "key": key, **fact_record(data["fact"])}
        for u, v, key, data in graph.edges(keys=True, data=True)
    ]
    return {"directed": True, "multigraph": True, "graph": about(tax), "nodes": nodes, "edges": edges}


def write(tax: Taxonomy, path: str | pathlib.Path) -> pathlib.Path:
    """Write :func:`node_link` of ``tax`` to ``path`` as UTF-8 JSON; return the path."""
    target = pathlib.Path(path)
    target.write_text(json.dumps(node_link(tax), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return target


def read(path: str | pathlib.Path) -> networkx.MultiDiGraph:
    """A networkx graph read from a node-link file, whether its edges are under ``edges`` or ``links``.

    Node and edge attributes are the plain values of the file (the fact id is the edge key).
    """
    data = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    key = "edges" if "edges" in data else "links"
    try:
        graph = networkx.node_link_graph(data, directed=True, multigraph=True, edges=key)
    except TypeError:  # networkx before 3.4 calls the argument `link`
        graph = networkx.node_link_graph(data, directed=True, multigraph=True, link=key)
    assert isinstance(graph, networkx.MultiDiGraph)
    return graph
