"""The canonical formatting of data files, for curators and for the test suite.

A canonical data file has its comment header, then one table after another,
each preceded by exactly one blank line (and by its own comment lines, kept
verbatim); inside a table the keys come in a fixed order, strings are basic
double-quoted strings, lists are written on one line and dates as
``YYYY-MM-DD``. Run ``python -m mhtaxonomy.curation FILE...`` to rewrite files
in that form, or with ``--check`` to list the files that are not.

>>> print(canonical('[[payer]]\\nname = "X"\\nid = "x"\\ntype = "public"\\nsources = [ "S1" ]\\n'), end="")
[[payer]]
id = "x"
name = "X"
type = "public"
sources = ["S1"]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["KEY_ORDER", "canonical", "main"]

#: Keys in the order a table lists them; keys not named here follow in file order.
KEY_ORDER: tuple[str, ...] = (
    "id",
    "name",
    "title",
    "subject",
    "relation",
    "object",
    "reason",
    "strength",
    "type",
    "group",
    "health_care",
    "system",
    "code",
    "add_on",
    "min_minutes",
    "max_minutes",
    "unit_minutes",
    "per",
    "hours",
    "years",
    "usps",
    "publisher",
    "url",
    "quality",
    "version",
    "as_of",
    "abbreviations",
    "aliases",
    "codes",
    "jurisdictions",
    "payers",
    "valid_from",
    "valid_until",
    "supervised",
    "description",
    "note",
    "sources",
)

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_\-]+)\s*\]\]?\s*(#.*)?$")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise ValueError(f"cannot write {value!r} in a data file")


def _table(section: str, table: dict[str, Any], array: bool) -> list[str]:
    rank = {key: index for index, key in enumerate(KEY_ORDER)}
    keys = sorted(table, key=lambda k: (rank.get(k, len(KEY_ORDER)), list(table).index(k)))
    head = f"[[{section}]]" if array else f"[{section}]"
    return [head, *(f"{key} = {_value(table[key])}" for key in keys)]


def canonical(text: str) -> str:
    """The canonical form of a data file's text (comments kept, values unchanged).

    Raises ``tomllib.TOMLDecodeError`` if the text is not TOML.
    """
    document = tomllib.loads(text)
    header: list[str] = []
    chunks: list[tuple[list[str], str, bool]] = []
    pending: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        match = _HEADER.match(line)
        if match and not stripped.startswith("#"):
            if not chunks and not header:
                header, pending = pending, []
            chunks.append((pending, match.group(1), stripped.startswith("[[")))
            pending = []
        elif stripped.startswith("#"):
            pending.append(stripped)
        elif not stripped and not chunks and pending and not header:
            header, pending = pending, []
    out: list[str] = list(header)
    seen: dict[str, int] = {}
    for comments, section, array in chunks:
        index = seen.get(section, 0)
        seen[section] = index + 1
        table = document[section][index] if array else document[section]
        if out:
            out.append("")
        out.extend(comments)
        out.extend(_table(section, table, array))
    if pending:
        out.extend(["", *pending])
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite data files canonically, or with ``--check`` report those that are not."""
    parser = argparse.ArgumentParser(prog="python -m mhtaxonomy.curation", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    args = parser.parse_args(argv)
    untidy = []
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        tidy = canonical(text)
        if tidy != text:
            untidy.append(path)
            if not args.check:
                path.write_text(tidy, encoding="utf-8")
    for path in untidy:
        print(f"{'not canonical' if args.check else 'rewrote'}: {path}")
    return 1 if args.check and untidy else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
