"""Time the scope table for every state against asking ``who_can_provide`` once per cell.

The scope table answers, for every jurisdiction and every service, who may
provide it, who may on their own, and which facts prove each row. The baseline
is what a script would otherwise do: one ``who_can_provide`` call per
(jurisdiction, service) cell, in a view of that jurisdiction, with no proofs and
no "on their own" column. A second baseline builds the same rows cell by cell
(both questions in each cell, and ``why()`` for each row's facts). The two are measured in alternation (interleaved
rounds, best of each), so that a busy machine slows both alike; the ratio is
what to compare between versions. Not part of the test suite: run::

    python benchmarks/tables.py [ROUNDS]
"""

from __future__ import annotations

import sys
import time

import mhtaxonomy as mht


def main(rounds: int = 5) -> int:
    tax = mht.load()
    jurisdictions = [j.id for j in tax.entities(mht.Kind.JURISDICTION)]
    services = [s.id for s in tax.entities(mht.Kind.SERVICE)]
    cells = len(jurisdictions) * len(services)

    def per_cell() -> None:
        for jurisdiction in jurisdictions:
            view = tax.where(jurisdiction=jurisdiction)
            for service in services:
                view.who_can_provide(service)

    def same_rows_per_cell() -> None:
        for jurisdiction in jurisdictions:
            view = tax.where(jurisdiction=jurisdiction)
            for service in services:
                anyhow = view.who_can_provide(service)
                alone = view.who_can_provide(service, independently=True)
                for member in anyhow.ids:
                    (alone if member in alone.ids else anyhow).why(member)

    def whole_table() -> None:
        tax.scope_table()

    tax.table("facts")  # import pyarrow before timing
    runs = {"per cell": per_cell, "same rows per cell": same_rows_per_cell, "scope table": whole_table}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for label, run in runs.items():
            start = time.perf_counter()
            run()
            best[label] = min(best[label], time.perf_counter() - start)
    rows = tax.scope_table().num_rows
    print(
        f"{len(jurisdictions)} jurisdictions x {len(services)} services = {cells} cells; scope table {rows} rows"
    )
    print(f"one who_can_provide call per cell: {best['per cell'] * 1000:8.1f} ms (best of {rounds})")
    print(
        f"the same rows, cell by cell:       {best['same rows per cell'] * 1000:8.1f} ms (best of {rounds})"
    )
    print(f"the whole scope table:             {best['scope table'] * 1000:8.1f} ms (best of {rounds})")
    print(f"ratio scope table / (one call x cells): {best['scope table'] / best['per cell']:.2f}")
    print(f"ratio scope table / (same rows per cell): {best['scope table'] / best['same rows per cell']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
