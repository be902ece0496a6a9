"""Time the loader and the questions, as ratios against baselines measured in the same run.

Absolute seconds depend on the machine; a ratio to a baseline doing comparable
raw work on the same machine, measured moments apart, does not (much). Not part
of the test suite: run ``python benchmarks/run.py`` and compare ratios between
versions.

Baselines:
- *parse*: reading and TOML-parsing every shipped data file, nothing else
  (the floor under any loader);
- *bfs*: one networkx breadth-first search from every node of the graph in
  turn, divided by the number of nodes (the cost of one plain traversal).
"""

from __future__ import annotations

import statistics
import sys
import timeit
import tomllib
from collections.abc import Callable

import networkx as nx

import mhtaxonomy as mht
from mhtaxonomy.load import read, shipped_files


def best(fn: Callable[[], object], number: int, repeat: int = 5) -> float:
    """The best per-call time over ``repeat`` rounds of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def parse_only() -> None:
    for path in shipped_files():
        with open(path, "rb") as handle:
            tomllib.load(handle)


def main() -> int:
    tax = mht.load()
    graph = tax.graph
    nodes = list(graph.nodes)

    def bfs_per_node() -> None:
        for node in nodes:
            nx.descendants(graph, node)

    parse = best(parse_only, number=3)
    bfs = best(bfs_per_node, number=1) / len(nodes)
    nm = tax.where(jurisdiction="NM", payer="medicare", on="2025-06-01")
    services = [e.id for e in tax.entities(mht.Kind.SERVICE)]

    cases: list[tuple[str, float, str, float]] = [
        ("load: read and check all data", best(read, number=1), "parse", parse),
        ("get: a name", best(lambda: tax.get("licensed clinical social worker"), number=2000), "bfs", bfs),
        ("get: an ICD-10-CM code in a range", best(lambda: tax.get("F33.41"), number=200), "bfs", bfs),
        ("who_can_provide: every service", best(lambda: [tax.who_can_provide(s) for s in services], number=3) / len(services), "bfs", bfs),
        ("who_can_provide in a view (NM, Medicare)", best(lambda: nm.who_can_provide("prescribing"), number=50), "bfs", bfs),
        (
            "what_requires_diagnosis, first time in a view",
            best(lambda: tax.where(on=tax.context.on).what_requires_diagnosis(), number=10),
            "bfs",
            bfs,
        ),
        ("what_requires_diagnosis, again in the same view", best(tax.what_requires_diagnosis, number=1000), "bfs", bfs),
        ("compare: therapist vs psychiatrist", best(lambda: tax.compare("therapist", "psychiatrist"), number=3), "bfs", bfs),
    ]
    print(f"mhtaxonomy {mht.__version__}, data {tax.data_version}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"baselines: parse = {parse * 1e3:.2f} ms, bfs = {bfs * 1e6:.1f} µs per node")
    print(f"{'case':48} {'ratio':>10}  baseline")
    for name, seconds, base_name, base in cases:
        print(f"{name:48} {seconds / base:10.2f}  {base_name}")
    ratios = [seconds / base for _, seconds, _, base in cases]
    print(f"{'geometric mean':48} {statistics.geometric_mean(ratios):10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
