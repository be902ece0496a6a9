"""A researcher's analysis of the taxonomy graph with networkx and pandas.

Who it is for: researchers and analysts who want the raw graph rather than the
question API: to count, rank, find paths, and export tables.

What it does, on the frozen ``tax.graph`` (a networkx MultiDiGraph whose edges
carry ``relation`` and ``fact``):

1. Ranks services by how many professions may provide them, computed with plain
   networkx (is_a closures, holds and authorizes edges) and checked against
   ``tax.who_can_provide``.
2. Finds the paths from a degree to a billable code: degree -> the licence that
   requires it -> the service the licence authorizes -> a narrower service ->
   the code that bills it.
3. Builds a pandas DataFrame of every fact and summarises it: facts per
   relation, and the most cited sources.

Needs pandas (``pip install pandas``) besides mhtaxonomy. Run::

    python examples/research_analysis.py
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

import mhtaxonomy as mht

IS_A, HOLDS, AUTHORIZES, REQUIRES, BILLS = (
    mht.Relation.IS_A,
    mht.Relation.HOLDS,
    mht.Relation.AUTHORIZES,
    mht.Relation.REQUIRES,
    mht.Relation.BILLS,
)


def edges_of(graph: nx.MultiDiGraph, relation: mht.Relation) -> nx.MultiDiGraph:
    """A read-only view of ``graph`` with only the edges of one relation."""
    return nx.subgraph_view(graph, filter_edge=lambda u, v, k: graph.edges[u, v, k]["relation"] is relation)


def nodes_of(graph: nx.MultiDiGraph, kind: mht.Kind) -> list[str]:
    return sorted(node for node, data in graph.nodes(data=True) if data["kind"] is kind)


def providers_by_service(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    """For each service, the professions that may provide it (with or without supervision).

    A profession holds its own credentials and those of every broader profession
    (``is_a`` points to the general, so the broader ones are its descendants in
    the is_a graph); a credential that authorizes a service authorizes its
    narrower services too (the ancestors of the service in the is_a graph).
    """
    is_a, holds, authorizes = (edges_of(graph, r) for r in (IS_A, HOLDS, AUTHORIZES))
    found: dict[str, set[str]] = {service: set() for service in nodes_of(graph, mht.Kind.SERVICE)}
    for profession in nodes_of(graph, mht.Kind.PROFESSION):
        holders = {profession} | nx.descendants(is_a, profession)
        credentials = {c for holder in holders for c in holds.successors(holder)}
        granted = {s for credential in credentials for s in authorizes.successors(credential)}
        for service in granted:
            for covered in {service} | nx.ancestors(is_a, service):
                found[covered].add(profession)
    return found


def leads_to(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """A plain digraph of "this opens the way to that", for paths from a degree to a code.

    Its edges: a credential to the credential that requires it (a degree leads
    to the licence), a credential to the services it authorizes (noting when
    only under supervision), a service to its narrower services, and a service
    to the codes that bill it.
    """
    steps = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        kinds = graph.nodes[u]["kind"], graph.nodes[v]["kind"]
        relation = data["relation"]
        if relation is REQUIRES and kinds == (mht.Kind.CREDENTIAL, mht.Kind.CREDENTIAL):
            steps.add_edge(v, u, relation="is required by")
        elif relation is AUTHORIZES:
            supervised = data["fact"].supervised
            if not steps.has_edge(u, v) or steps.edges[u, v]["relation"] != "authorizes":
                steps.add_edge(u, v, relation="authorizes, under supervision," if supervised else "authorizes")
        elif relation is IS_A and kinds[0] is mht.Kind.SERVICE:
            steps.add_edge(v, u, relation="includes")
        elif relation is BILLS:
            steps.add_edge(v, u, relation="is billed with")
    return steps


def facts_frame(tax: mht.Taxonomy) -> pd.DataFrame:
    """Every fact as a row: ends, relation, qualifiers, and its sources."""
    return pd.DataFrame(
        {
            "id": fact.id,
            "subject": fact.subject,
            "relation": fact.relation.value,
            "object": fact.object,
            "jurisdictions": len(fact.jurisdictions or ()),
            "payers": len(fact.payers or ()),
            "supervised": fact.supervised,
            "sources": list(fact.sources),
        }
        for fact in tax.facts()
    )


def main() -> int:
    tax = mht.load()
    graph = tax.graph
    name = lambda node: graph.nodes[node]["entity"].name  # noqa: E731
    print(f"mhtaxonomy data {tax.data_version}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges\n")

    print("1. Services by number of professions that may provide them")
    found = providers_by_service(graph)
    # The library's answers also name a group (therapist, prescriber) when all its members qualify;
    # this count is of individual professions, so groups are left out of the comparison.
    agree = all(
        found[service] == {p.id for p in tax.who_can_provide(service) if not p.group} for service in found
    )
    ranking = pd.Series({name(s): len(p) for s, p in found.items()}).sort_values(ascending=False, kind="stable")
    print(ranking.head(10).to_string())
    print(f"   (networkx count agrees with tax.who_can_provide for all {len(found)} services: {agree})\n")

    print("2. From a degree to a billable code")
    steps = leads_to(graph)
    codes = [code for code in nodes_of(graph, mht.Kind.BILLING_CODE) if code in steps]
    reach: dict[str, set[str]] = {}
    for degree in ("msw", "counseling-masters", "medical-degree"):
        reach[degree] = {code for code in codes if degree in steps and nx.has_path(steps, degree, code)}
        print(f"   {name(degree)}: {len(reach[degree])} billable codes within reach")
        if "cpt-90834" in reach[degree]:
            path = nx.shortest_path(steps, degree, "cpt-90834")
            hops = [name(path[0])] + [f"{steps.edges[u, v]['relation']} {name(v)}" for u, v in zip(path, path[1:])]
            print("     " + " -> ".join(hops))
    only_medical = sorted(graph.nodes[code]["entity"].code for code in reach["medical-degree"] - reach["msw"])
    shown = ", ".join(only_medical[:12]) + (f" and {len(only_medical) - 12} more" if len(only_medical) > 12 else "")
    print(f"   codes within reach of a medical degree but not of an MSW: {shown or 'none'}")
    print()

    print("3. The facts as a pandas DataFrame")
    facts = facts_frame(tax)
    print(f"   {len(facts)} facts; {int(facts['supervised'].sum())} only under supervision; "
          f"{int((facts['jurisdictions'] > 0).sum())} limited to some jurisdictions")
    print(facts.groupby("relation").size().sort_values(ascending=False).to_string())
    cited = facts.explode("sources")["sources"].value_counts().head(5)
    print("   most cited sources:")
    for source_id, count in cited.items():
        print(f"     {source_id:10} {count:4}  {tax.source(source_id).title[:70]}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
