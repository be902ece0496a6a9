"""Derive the provider-file reference data the tests keep from the public files in shared/reference.

Run from the repository root with the shared reference folder beside it::

    python tests/reference/derive_providers.py ../shared/reference

It writes ``nppes_npidata_header.csv`` (the NPPES column names, copied), ``nucc_facilities.txt``
(the behavioral-health facility codes of NUCC 25.1 with their display names) and
``medicare_crosswalk_behavioral.csv`` (the crosswalk rows of the behavioral-health Medicare
specialties, footnote markers and padding removed).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
#: NUCC non-individual codes for behavioral-health facilities (issue 11's list).
FACILITIES = (
    "251S00000X 261QM0801X 261QM0850X 261QM0855X 261QM2800X 261QR0405X 273R00000X 283Q00000X "
    "310500000X 320800000X 322D00000X 323P00000X 324500000X 3245S0500X"
).split()
#: Medicare specialties of behavioral-health providers and facilities.
SPECIALTIES = ("26", "27", "50", "62", "68", "80", "86", "89", "97", "B4", "D5", "E1", "E2")


def main(shared: Path) -> None:
    (HERE / "nppes_npidata_header.csv").write_text((shared / "nppes_npidata_header.csv").read_text())
    with open(shared / "nucc_taxonomy_251.csv", encoding="utf-8-sig", newline="") as f:
        names = {row["Code"].strip(): row["Display Name"].strip() for row in csv.DictReader(f)}
    lines = ["# NUCC 25.1 behavioral-health facility codes and display names (derive_providers.py)."]
    lines += [f"{code}\t{names[code]}" for code in FACILITIES]
    (HERE / "nucc_facilities.txt").write_text("\n".join(lines) + "\n")
    with open(shared / "medicare_taxonomy_crosswalk_2025-10.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))[1:]
    kept = []
    for row in rows:
        specialty = re.sub(r"\[\d+\]", "", row[0]).strip()
        if specialty in SPECIALTIES and len(row) >= 3:
            kept.append((specialty, row[1].strip(), row[2].strip()))
    with open(HERE / "medicare_crosswalk_behavioral.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("specialty", "provider_type", "taxonomy_code"))
        writer.writerows(sorted(set(kept)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
