"""Derive the NUCC test reference from the published NUCC 25.1 CSV.

Run from the repository root, with the shared reference beside it::

    python tests/reference/make_nucc.py ../shared/reference/nucc_taxonomy_251.csv

It writes two files next to itself (or into the directory given second):

- ``nucc_v25_1.txt``: the active codes, one a line (what the curation tests read);
- ``nucc_v25_1.tsv``: every code with its grouping, classification,
  specialization, display name and whether it is active.

Only codes and names are copied. NUCC's Definition and Notes text is never
written out (the reference README forbids copying it); the Notes column is
read only to tell whether a code is marked inactive.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
COLUMNS = ("Code", "Grouping", "Classification", "Specialization", "Display Name")
#: NUCC marks a retired code in its Notes ("marked inactive", "Deactivation Date") and, for
#: some, in its display name ("Deactivated - ...").
_INACTIVE = re.compile(r"marked inactive|deactivation", re.IGNORECASE)


def is_active(row: dict[str, str]) -> bool:
    """Whether NUCC still lists ``row``'s code as in use."""
    retired = row["Display Name"].lower().startswith("deactivated") or _INACTIVE.search(row["Notes"])
    return not retired


def main(argv: list[str]) -> None:
    if len(argv) not in (1, 2):
        raise SystemExit("usage: make_nucc.py path/to/nucc_taxonomy_251.csv [output directory]")
    out = Path(argv[1]) if len(argv) == 2 else HERE
    with open(argv[0], encoding="utf-8-sig", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: row["Code"])
    header = f"# Derived by tests/reference/make_nucc.py from NUCC {Path(argv[0]).name} (codes and names only)."
    active = [row["Code"] for row in rows if is_active(row)]
    (out / "nucc_v25_1.txt").write_text(
        "\n".join([header, "# The active codes, one a line.", *active]) + "\n", encoding="utf-8"
    )
    table = ["\t".join([*COLUMNS, "Active"])]
    for row in rows:
        cells = [" ".join(row[column].split()) for column in COLUMNS]
        table.append("\t".join([*cells, "yes" if is_active(row) else "no"]))
    (out / "nucc_v25_1.tsv").write_text("\n".join([header, *table]) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
