"""The networkx graph of a taxonomy, built only when someone asks for it.

The questions never use networkx: they walk the taxonomy's own adjacency
index. This module is imported by :attr:`Taxonomy.graph
<mhtaxonomy.taxonomy.Taxonomy.graph>` the first time it is read, so
``import mhtaxonomy`` stays as light as its other dependencies.

The graph is frozen (no node or edge can be added or removed) and its node,
edge and graph data are read-only mappings, so nobody can change what the
questions answer from.

>>> import mhtaxonomy as mht
>>> graph = mht.load().graph
>>> graph.nodes["lcsw"]["kind"] = "anything"
Traceback (most recent call last):
...
TypeError: 'mappingproxy' object does not support item assignment
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import networkx as nx

from .model import Entity, Fact

__all__ = ["build", "view"]


def build(entities: Iterable[Entity], facts: Iterable[Fact]) -> nx.MultiDiGraph:
    """A frozen graph with one node per entity and one edge per fact, all data read-only.

    Nodes carry ``kind`` and ``entity``; edges are keyed by fact id and carry
    ``relation`` and ``fact``.
    """
    graph = nx.MultiDiGraph()
    for entity in entities:
        graph.add_node(entity.id, kind=entity.kind, entity=entity)
    for fact in facts:
        graph.add_edge(fact.subject, fact.object, key=fact.id, relation=fact.relation, fact=fact)
    # networkx hands out its own attribute dicts; wrapping them is what makes the data read-only
    # (a frozen graph only refuses new nodes and edges).
    for node, data in graph._node.items():
        graph._node[node] = MappingProxyType(data)
    for targets in graph._succ.values():
        for keyed in targets.values():  # the same dict is shared with _pred
            for key, data in keyed.items():
                keyed[key] = MappingProxyType(data)
    graph.graph = MappingProxyType(graph.graph)
    return nx.freeze(graph)


def view(whole: nx.MultiDiGraph, holding: Mapping[str, object] | frozenset[str]) -> nx.MultiDiGraph:
    """``whole`` with only the edges whose fact id is in ``holding``; every node stays."""
    if len(holding) == whole.number_of_edges():
        return whole
    return nx.subgraph_view(whole, filter_edge=lambda u, v, key: key in holding)
