"""``mhtaxonomy annotate``: a provider file (NPPES) -> a Parquet table of its taxonomy slots."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..taxonomy import Taxonomy
from .commands import Reply, arg, command
from .render import Page

__all__: list[str] = []


def _bar(done: float) -> None:
    filled = int(done * 30)
    print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}", end="", file=sys.stderr, flush=True)


@command(
    "annotate",
    "annotate an NPPES provider file: profession, Medicare specialty and scope per taxonomy slot",
    arg("file", help="an npidata_pfile CSV or a Parquet file"),
    arg("-o", "--output", required=True, help="the Parquet file to write"),
    arg("--services", nargs="+", default=["psychotherapy", "prescribing"], help="services to answer for"),
    arg("--summary", action="store_true", help="also write OUTPUT's stem + .summary.parquet (one row per NPI)"),
    arg("--engine", choices=("duckdb", "spark"), default="duckdb", help="the engine that joins (default: duckdb)"),
    writes=True,
)
def annotate(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    from ..providers import annotate as annotated

    output = Path(args.output)
    summary = output.with_name(output.stem + ".summary.parquet") if args.summary else None
    result = annotated(args.file, services=args.services, on=tax.context.on, engine=args.engine, tax=tax)
    terminal = sys.stderr.isatty()
    report = result.write(output, summary, progress=_bar if terminal else None)
    if terminal:
        print(file=sys.stderr)
    print(report, file=sys.stderr)  # the closing line goes with the progress bar, on stderr
    page.heading(f"wrote {output}" + (f" and {summary}" if summary else ""))
    return Reply(
        result={
            "type": "annotate",
            "output": str(output),
            "summary": str(summary) if summary else None,
            "rows_read": report.rows_read,
            "rows_written": report.rows_written,
            "providers": report.providers,
            "rows_rejected": len(report.rejected),
            "unknown_codes": report.unknown_codes,
        }
    )
