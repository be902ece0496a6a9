"""Write NPPES-format provider files for the tests and the benchmark.

The files have the real 330-column header (``tests/reference/nppes_npidata_header.csv``)
and the quoting the registry uses (every value in double quotes, quotes inside doubled).
They mix individuals and organisations; one to four filled taxonomy slots and none at all;
behavioral-health codes, codes outside behavioral health and codes no version of NUCC has;
deactivated and reactivated NPIs; lower-case and space-padded values; licence states that
are missing (the practice state applies) or foreign; and, if asked, malformed rows: lines
with too few or too many fields, NPIs that are not ten digits, an unknown entity type.

Run as a script to write a file: ``python tests/nppes_gen.py OUT.csv ROWS [--malformed N]``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import attrs

HEADER_FILE = Path(__file__).parent / "reference" / "nppes_npidata_header.csv"
HEADER = HEADER_FILE.read_text().strip()
NAMES = [name.strip('"') for name in HEADER.split(",")]
INDEX = {name: i for i, name in enumerate(NAMES)}

#: Codes individuals list: behavioral health, other fields, and one no NUCC version has.
INDIVIDUAL_CODES = (
    "2084P0800X", "2084P0804X", "103T00000X", "103TC0700X", "1041C0700X", "104100000X", "101YP2500X",
    "101YM0800X", "106H00000X", "363LP0808X", "364SP0808X", "363A00000X", "101YA0400X", "175T00000X",
    "207Q00000X", "208600000X", "363LF0000X", "122300000X", "9999Z0000X",
)  # fmt: skip
#: Codes organisations list: the behavioral-health facilities and some others.
ORGANIZATION_CODES = (
    "261QM0801X", "261QM0850X", "283Q00000X", "273R00000X", "323P00000X", "324500000X", "261QM2800X",
    "261QR0405X", "251S00000X", "310500000X", "282N00000X", "261QP2300X", "332B00000X",
)  # fmt: skip
STATES = ("NM", "CA", "NY", "TX", "LA", "IL", "FL", "OH", "PR", "GU", "DC", "MN", "UT", "AK")


@attrs.frozen
class Generated:
    """What a generated file holds, for tests to check the annotator's counts against."""

    path: Path
    rows: int
    bad_lines: int
    bad_fields: int

    @property
    def good_rows(self) -> int:
        """Rows the annotator should annotate: all but the malformed ones."""
        return self.rows - self.bad_lines - self.bad_fields


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _messy(rng: random.Random, value: str) -> str:
    """Now and then lower-case or pad a value, as hand-typed registry entries are."""
    roll = rng.random()
    if roll < 0.05:
        return value.lower()
    if roll < 0.08:
        return f" {value} "
    return value


def _row(rng: random.Random, layout: str, number: int) -> list[str]:
    values = [""] * len(NAMES)

    def put(name: str, value: str) -> None:
        values[INDEX[name]] = value

    put("NPI", str(1_000_000_000 + number))  # unique, as the registry's are
    kind = rng.random()
    if kind < 0.03:  # deactivated: the registry blanks everything but the NPI and the date
        put("NPI Deactivation Date", f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/20{rng.randint(10, 24)}")
        return values
    organization = kind > 0.75
    practice = rng.choice(STATES) if rng.random() > 0.02 else rng.choice(("", "ZZ", "ONTARIO"))
    put("Entity Type Code", "2" if organization else "1")
    put("Provider Business Practice Location Address State Name", _messy(rng, practice))
    put("Provider Enumeration Date", "05/23/2005")
    long_names = layout == "V2" and rng.random() < 0.1
    if organization:
        name = rng.choice(('Sunrise "Hope" Behavioral Health, LLC', "County Mental Health Authority", "St. Mary's Hospital"))
        put("Provider Organization Name (Legal Business Name)", name + (" of the Greater Metropolitan Region" * 3 if long_names else ""))
    else:
        put("Provider Last Name (Legal Name)", rng.choice(("O'BRIEN", "GARCIA", "SMITH, JR", "NGUYEN")))
        put("Provider First Name", "ALEXANDRA-MARIA" * (6 if long_names else 1))
        put("Provider Credential Text", rng.choice(("LCSW", "M.D.", "PH.D.", "LPC, NCC", "")))
    if 0.03 <= kind < 0.04:  # deactivated, then reactivated
        put("NPI Deactivation Date", "01/15/2019")
        put("NPI Reactivation Date", "03/01/2019")
    if rng.random() < 0.03:
        return values  # a record with no taxonomy at all
    codes = rng.sample(ORGANIZATION_CODES if organization else INDIVIDUAL_CODES, rng.choice((1, 1, 1, 2, 2, 3, 4)))
    primary = rng.randrange(len(codes))
    slots = sorted(rng.sample(range(1, 16), len(codes))) if rng.random() < 0.1 else range(1, len(codes) + 1)
    for position, (slot, code) in enumerate(zip(slots, codes, strict=True)):
        put(f"Healthcare Provider Taxonomy Code_{slot}", _messy(rng, code))
        licence = "" if organization or rng.random() < 0.15 else (practice if rng.random() < 0.8 else rng.choice(STATES))
        put(f"Provider License Number State Code_{slot}", _messy(rng, licence.strip()) if licence.strip() else "")
        put(f"Provider License Number_{slot}", f"L{rng.randrange(10**6)}" if licence else "")
        switch = "Y" if position == primary else "N"
        put(f"Healthcare Provider Primary Taxonomy Switch_{slot}", _messy(rng, switch) if not organization else rng.choice((switch, "X")))
    return values


def _malformed(rng: random.Random, number: int, kind: int, layout: str) -> tuple[str, bool]:
    """A bad row of some ``kind`` and whether it is a bad line (wrong field count) rather than a bad field."""
    values = _row(rng, layout, number)
    values[INDEX["Entity Type Code"]] = values[INDEX["Entity Type Code"]] or "1"
    if kind % 4 == 0:
        return ",".join(map(_quoted, values[:100])), True
    if kind % 4 == 1:
        return ",".join(map(_quoted, values + ["extra", "fields"])), True
    if kind % 4 == 2:
        values[INDEX["NPI"]] = rng.choice(("12345ABCDE", "123", "1234567890123"))
    else:
        values[INDEX["Entity Type Code"]] = "3"
    return ",".join(map(_quoted, values)), False


def write_nppes(path: str | Path, rows: int, *, seed: int = 0, malformed: int = 0, layout: str = "V1") -> Generated:
    """Write ``rows`` data rows (``malformed`` of them bad, spread through the file) to ``path``."""
    rng = random.Random(seed)
    bad_at = set(rng.sample(range(rows), malformed)) if malformed else set()
    bad_lines = bad_fields = 0
    path = Path(path)
    with path.open("w", newline="") as out:
        out.write(HEADER + "\n")
        for number in range(rows):
            if number in bad_at:
                line, is_line = _malformed(rng, number, bad_lines + bad_fields, layout)
                bad_lines += is_line
                bad_fields += not is_line
            else:
                line = ",".join(map(_quoted, _row(rng, layout, number)))
            out.write(line + "\n")
    return Generated(path=path, rows=rows, bad_lines=bad_lines, bad_fields=bad_fields)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("rows", type=int)
    parser.add_argument("--malformed", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layout", choices=("V1", "V2"), default="V1")
    args = parser.parse_args()
    made = write_nppes(args.out, args.rows, seed=args.seed, malformed=args.malformed, layout=args.layout)
    print(f"wrote {made.rows:,} rows to {made.path} ({made.bad_lines} bad lines, {made.bad_fields} bad fields)")


if __name__ == "__main__":
    main()
