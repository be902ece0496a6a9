"""Write the intersphinx inventories the docs read, from the ``*.txt`` files beside this script.

The build has no network, so intersphinx cannot download the Python, networkx
and attrs inventories. Each ``NAME.txt`` here lists only the objects our pages
and docstrings link to, one per line in the body format of a Sphinx v2
inventory::

    name domain:role priority uri display-name

``uri`` is relative to the project's documentation root (the first item of its
``intersphinx_mapping`` entry in ``conf.py``); a ``$`` at its end stands for
the object's name, and a display name of ``-`` means the name itself. Lines
starting with ``#`` are comments. To link to another object, add a line and run::

    python docs/_inventories/make_inventories.py

which writes ``NAME.inv`` next to each ``NAME.txt``. ``tests/test_docs.py``
checks that the committed ``.inv`` files match their ``.txt`` sources.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

HERE = Path(__file__).parent

#: Project and version written in each inventory's header.
PROJECTS = {
    "python": ("Python", "3"),
    "networkx": ("NetworkX", "stable"),
    "attrs": ("attrs", "stable"),
    "pyarrow": ("Apache Arrow", "stable"),
    "rdflib": ("rdflib", "stable"),
}


def entries(source: Path) -> list[str]:
    """The inventory lines of ``source``: comments and blank lines dropped, each checked, sorted."""
    lines = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 4)
        if len(parts) != 5 or ":" not in parts[1] or not parts[2].lstrip("-").isdigit():
            raise ValueError(f"{source.name}:{number}: expected 'name domain:role priority uri dispname'")
        lines.append(" ".join(parts))
    return sorted(lines)


def inventory(source: Path) -> bytes:
    """The bytes of the Sphinx v2 inventory written from ``source``."""
    project, version = PROJECTS[source.stem]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    body = "".join(f"{line}\n" for line in entries(source)).encode()
    return header + zlib.compress(body, 9)


def main() -> int:
    for source in sorted(HERE.glob("*.txt")):
        target = source.with_suffix(".inv")
        target.write_bytes(inventory(source))
        print(f"wrote {target.relative_to(HERE.parent)} ({len(entries(source))} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
