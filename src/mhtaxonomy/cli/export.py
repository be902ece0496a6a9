"""``mhtaxonomy export``: the taxonomy, or a view of it, in another system's format."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from .._extras import MissingExtraError
from ..taxonomy import Taxonomy
from .commands import Reply, arg, command
from .render import Page

__all__ = ["EXPORTS"]

#: Each export format: the module of :mod:`mhtaxonomy.export`, its writer, and whether it writes a folder.
EXPORTS: dict[str, tuple[str, str, bool]] = {
    "node-link": ("node_link", "write", False),
    "graphml": ("graphml", "write_graphml", False),
    "gexf": ("graphml", "write_gexf", False),
    "turtle": ("rdf", "write_turtle", False),
    "json-ld": ("rdf", "write_json_ld", False),
    "fhir": ("fhir", "write", True),
    "parquet": ("parquet", "write", True),
}


@command(
    "export",
    "write the taxonomy (or a view: --jurisdiction, --payer, --on) in another format",
    arg("format", choices=list(EXPORTS), help="fhir and parquet write a folder of files"),
    arg("-o", "--output", required=True, metavar="PATH", help="the file (or folder) to write"),
    arg("--force", action="store_true", help="overwrite PATH if it exists"),
    writes=True,
)
def export(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    module, function, folder = EXPORTS[args.format]
    target = Path(args.output)
    if target.exists() and not args.force:
        raise ValueError(f"{target} exists; use --force to overwrite it")
    writer = getattr(importlib.import_module(f"...export.{module}", __name__), function)
    try:
        writer(tax, target)
    except MissingExtraError as error:
        raise ValueError(str(error)) from None
    files = sorted(p for p in target.iterdir() if p.is_file()) if folder else [target]
    size = sum(path.stat().st_size for path in files)
    page.heading(f"wrote {args.format}: {target}" + (f", {len(files)} files" if folder else "") + f", {size} bytes")
    result = {"type": "export", "format": args.format, "path": str(target), "files": len(files), "bytes": size}
    return Reply(result=result)
