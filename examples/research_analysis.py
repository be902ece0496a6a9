"""A researcher's analysis of the taxonomy with its Arrow tables, pandas and networkx.

Who it is for: researchers and analysts who want every answer at once, as
tables, and the raw graph: to count, rank, find paths, and export.

What it does:

1. Takes the scope table (``tax.scope_table()``: one row per jurisdiction,
   service and profession that may provide it there) into pandas, ranks the
   services by how many professions may provide them on their own, and shows
   where the number differs between states. The table is the library's own
   answers, so it agrees with ``tax.who_can_provide`` (checked here for one
   state; the test suite checks every cell).
2. Finds the paths from a degree to a billable code in ``tax.graph``: degree ->
   the licence that requires it -> the service the licence authorizes -> a
   narrower service -> the code that bills it.
3. Summarises the facts table: facts per relation, and the most cited sources.

Needs pandas and pyarrow (``pip install pandas "mhtaxonomy[tables]"``). Run::

    python examples/research_analysis.py
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

import mhtaxonomy as mht

IS_A, REQUIRES, AUTHORIZES, BILLS = (
    mht.Relation.IS_A,
    mht.Relation.REQUIRES,
    mht.Relation.AUTHORIZES,
    mht.Relation.BILLS,
)


def nodes_of(graph: nx.MultiDiGraph, kind: mht.Kind) -> list[str]:
    return sorted(node for node, data in graph.nodes(data=True) if data["kind"] is kind)


def agrees_with_the_questions(tax: mht.Taxonomy, scope: pd.DataFrame, jurisdiction: str) -> bool:
    """Whether the scope table's rows for one jurisdiction are what who_can_provide answers there."""
    view = tax.where(jurisdiction=jurisdiction)
    here = scope[scope["jurisdiction"] == jurisdiction]
    return all(
        set(here.loc[here["service"] == service.id, "profession"]) == view.who_can_provide(service).ids
        for service in tax.entities(mht.Kind.SERVICE)
    )


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
                steps.add_edge(
                    u, v, relation="authorizes, under supervision," if supervised else "authorizes"
                )
        elif relation is IS_A and kinds[0] is mht.Kind.SERVICE:
            steps.add_edge(v, u, relation="includes")
        elif relation is BILLS:
            steps.add_edge(v, u, relation="is billed with")
    return steps


def main() -> int:
    tax = mht.load()
    graph = tax.graph
    name = lambda node: graph.nodes[node]["entity"].name
    print(
        f"mhtaxonomy data {tax.data_version}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges\n"
    )

    print("1. Who may provide each service on their own, state by state (the scope table)")
    scope = tax.scope_table().to_pandas()
    groups = {p.id for p in tax.entities(mht.Kind.PROFESSION) if getattr(p, "group", False)}
    alone = scope[scope["independent"] & ~scope["profession"].isin(groups)]
    per_state = alone.groupby(["service", "jurisdiction"]).size().unstack(fill_value=0)
    ranking = per_state.median(axis=1).sort_values(ascending=False, kind="stable")
    print(ranking.rename(index=name).head(8).to_string())
    varies = per_state[per_state.min(axis=1) != per_state.max(axis=1)]
    for service, counts in varies.iterrows():
        widest = counts[counts == counts.max()].index
        print(
            f"   {name(service)}: {counts.min()} to {counts.max()} professions; most in "
            + ", ".join(sorted(name(j) for j in widest)[:4])
            + (" ..." if len(widest) > 4 else "")
        )
    agree = agrees_with_the_questions(tax, scope, "us-nm")
    print(
        f"   ({len(scope)} rows; New Mexico's rows agree with tax.who_can_provide for every service: {agree})\n"
    )

    print("2. From a degree to a billable code")
    steps = leads_to(graph)
    codes = [code for code in nodes_of(graph, mht.Kind.BILLING_CODE) if code in steps]
    reach: dict[str, set[str]] = {}
    for degree in ("msw", "counseling-masters", "medical-degree"):
        reach[degree] = {code for code in codes if degree in steps and nx.has_path(steps, degree, code)}
        print(f"   {name(degree)}: {len(reach[degree])} billable codes within reach")
        if "cpt-90834" in reach[degree]:
            path = nx.shortest_path(steps, degree, "cpt-90834")
            hops = [name(path[0])] + [
                f"{steps.edges[u, v]['relation']} {name(v)}" for u, v in zip(path, path[1:])
            ]
            print("     " + " -> ".join(hops))
    only_medical = sorted(graph.nodes[code]["entity"].code for code in reach["medical-degree"] - reach["msw"])
    shown = ", ".join(only_medical[:12]) + (
        f" and {len(only_medical) - 12} more" if len(only_medical) > 12 else ""
    )
    print(f"   codes within reach of a medical degree but not of an MSW: {shown or 'none'}")
    print()

    print("3. The facts table in pandas")
    facts = tax.table("facts").to_pandas()
    print(
        f"   {len(facts)} facts; {int(facts['supervised'].sum())} only under supervision; "
        f"{int(facts['jurisdictions'].notna().sum())} limited to some jurisdictions"
    )
    print(facts.groupby("relation").size().sort_values(ascending=False).to_string())
    cited = facts.explode("sources")["sources"].value_counts().head(5)
    print("   most cited sources:")
    for source_id, count in cited.items():
        print(f"     {source_id:10} {count:4}  {tax.source(source_id).title[:70]}")
    return 0 if agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
