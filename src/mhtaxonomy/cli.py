"""The ``mhtaxonomy`` command: ask the taxonomy from a shell.

Every subcommand takes ``--jurisdiction``, ``--payer`` and ``--on`` to set the
context, ``--why`` to print the facts and sources behind each answer, and
``--json`` for machine-readable output. Bad input prints one line on stderr
and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from .load import DataError
from .model import Entity
from .queries import Answer
from .taxonomy import EntityLookupError, Taxonomy, WrongKindError, load

__all__ = ["main"]


def _print_answer(answer: Answer, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(answer.to_dict(why=args.why), indent=2))
        return
    print(f"{answer.question}:")
    if not answer:
        print("  (nothing)")
    for entity in answer:
        if args.why:
            print("\n".join("  " + line for line in answer.why(entity).lines()))
        else:
            print(f"  {entity.name}  ({entity.id})")


def _entity_dict(entity: Entity) -> dict[str, Any]:
    data = attrs.asdict(entity, recurse=True)
    data["kind"] = entity.kind.value
    data["codes"] = [str(code) for code in entity.codes]
    return {k: (v.isoformat() if hasattr(v, "isoformat") else getattr(v, "value", v)) for k, v in data.items()}


def _show(tax: Taxonomy, args: argparse.Namespace) -> None:
    entity = tax.get(args.ref)
    outgoing = tax.facts(subject=entity)
    incoming = tax.facts(object=entity)
    if args.json:
        print(json.dumps({**_entity_dict(entity), "facts": [f.id for f in outgoing + incoming]}, indent=2))
        return
    print(f"{entity.name}  ({entity.kind}: {entity.id})")
    for label, values in (("abbreviations", entity.abbreviations), ("aliases", entity.aliases)):
        if values:
            print(f"  {label}: {', '.join(values)}")
    if entity.codes:
        print(f"  codes: {', '.join(str(code) for code in entity.codes)}")
    if entity.description:
        print(f"  {entity.description}")
    if entity.note:
        print(f"  note: {entity.note}")
    print(f"  sources: {', '.join(entity.sources)}")
    name = lambda ref: tax.get(ref).name  # noqa: E731
    for fact in outgoing + incoming:
        print(f"  - {name(fact.subject)} {fact.relation.phrase} {name(fact.object)}  [{', '.join(fact.sources)}]")
    if args.why:
        for source_id in entity.sources:
            print(f"    {tax.source(source_id)}")


def _search(tax: Taxonomy, args: argparse.Namespace) -> None:
    found = tax.search(args.text, limit=args.limit)
    if args.json:
        print(json.dumps([{"id": e.id, "name": e.name, "kind": e.kind.value} for e in found], indent=2))
        return
    for entity in found:
        print(f"{entity.name}  ({entity.kind}: {entity.id})")


def _compare(tax: Taxonomy, args: argparse.Namespace) -> None:
    comparison = tax.compare(args.a, args.b)
    print(json.dumps(comparison.to_dict(), indent=2) if args.json else comparison)


def _requires_diagnosis(tax: Taxonomy, args: argparse.Namespace) -> None:
    if args.ref is None:
        _print_answer(tax.what_requires_diagnosis(), args)
        return
    entity = tax.get(args.ref)
    needed = tax.requires_diagnosis(entity)
    if args.json:
        print(json.dumps({"id": entity.id, "requires_diagnosis": needed}))
        return
    print(f"{entity.name}: {'requires' if needed else 'does not require'} a diagnosis of a mental disorder")
    if needed and args.why:
        print("\n".join("  " + line for line in tax.what_requires_diagnosis().why(entity).lines()))


def _stats(tax: Taxonomy, args: argparse.Namespace) -> None:
    counts = tax.stats()
    if args.json:
        print(json.dumps(counts, indent=2))
        return
    for section, values in counts.items():
        print(f"{section}:")
        for key, value in values.items():
            print(f"  {key:20} {value}")


def _code(tax: Taxonomy, args: argparse.Namespace) -> None:
    codes = tax.codes_for_session(args.minutes, service=args.service, with_em=args.with_em)
    distinct = list({code.id: code for code in codes}.values())
    units = {code.id: sum(1 for c in codes if c.id == code.id) for code in distinct}
    if args.json:
        print(json.dumps([{"id": c.id, "code": c.code, "name": c.name, "units": units[c.id]} for c in distinct], indent=2))
        return
    with_em = " with an E/M visit" if args.with_em else ""
    if not codes:
        print(f"no code fits {args.minutes} minutes of {tax.get(args.service).name}{with_em}")
        return
    print(f"{args.minutes} minutes of {tax.get(args.service).name}{with_em}:")
    for code in distinct:
        times = f" x {units[code.id]}" if units[code.id] > 1 else ""
        print(f"  {code.code}{times}  {code.name}")
        if args.why:
            window = "-".join(str(m) for m in (code.min_minutes, code.max_minutes) if m is not None)
            if code.min_minutes is not None and code.max_minutes is None:
                window += " minutes or more"
            elif window:
                window += " minutes"
            if code.unit_minutes:
                window = f"{code.unit_minutes} minutes a unit"
            if window:
                print(f"      time: {window}")
            for source_id in code.sources:
                print(f"      {tax.source(source_id)}")


def _check_claim(tax: Taxonomy, args: argparse.Namespace) -> int:
    result = tax.check_claim(args.codes, profession=args.profession, minutes=args.minutes, diagnosis=args.diagnosis)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    elif args.why:
        print(str(result).splitlines()[0])
        name = lambda ref: tax.get(ref).name  # noqa: E731
        for problem in result.problems:
            print(f"  - {problem.message}")
            for fact in problem.facts:
                print(f"      {name(fact.subject)} {fact.relation.phrase} {name(fact.object)}  [{', '.join(fact.sources)}]")
                if fact.note:
                    print(f"        note: {fact.note}")
            for source_id in problem.sources:
                print(f"      {tax.source(source_id)}")
    else:
        print(result)
    return 0 if result.ok else 1


def _answering(question: Callable[..., Answer], *names: str, **fixed: Any) -> Callable[[Taxonomy, argparse.Namespace], None]:
    def run(tax: Taxonomy, args: argparse.Namespace) -> None:
        _print_answer(question(tax, *(getattr(args, n) for n in names), **{k: getattr(args, v) for k, v in fixed.items()}), args)

    return run


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--jurisdiction", "-j", help="a state or territory: NM, US-NM or New Mexico")
    common.add_argument("--payer", "-p", help="a payer such as Medicare")
    common.add_argument("--on", help="the date to answer for (YYYY-MM-DD; default today)")
    common.add_argument("--why", action="store_true", help="show the facts and sources behind each answer")
    common.add_argument("--json", action="store_true", help="print JSON")
    common.add_argument("--data", action="append", default=[], metavar="FILE", help="a TOML file to layer on the shipped data")

    parser = argparse.ArgumentParser(
        prog="mhtaxonomy",
        description="Ask the US mental-health service taxonomy: who may provide, bill or receive what, and why.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, run: Callable[[Taxonomy, argparse.Namespace], int | None]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, parents=[common])
        sub.set_defaults(run=run)
        return sub

    sub = command(
        "who-can-provide",
        "professions that may provide a service, modality or billing code",
        _answering(Taxonomy.who_can_provide, "ref", independently="independently"),
    )
    sub.add_argument("ref", help="a service, modality or code, e.g. psychotherapy, CBT, 90834")
    sub.add_argument("--independently", action="store_true", help="leave out those allowed only under supervision")

    sub = command(
        "what-can-provide",
        "services a profession may provide",
        _answering(Taxonomy.what_can_provide, "ref", independently="independently"),
    )
    sub.add_argument("ref", help="a profession, e.g. LCSW")
    sub.add_argument("--independently", action="store_true", help="leave out what needs supervision")

    sub = command("requires-diagnosis", "whether something needs a diagnosis (or, without REF, everything that does)", _requires_diagnosis)
    sub.add_argument("ref", nargs="?", help="a service, modality or code")

    sub = command("requirements", "degrees, exams, experience and licences a profession needs", _answering(Taxonomy.requirements_for, "ref"))
    sub.add_argument("ref", help="a profession")

    sub = command("show", "one entity with its facts", _show)
    sub.add_argument("ref", help="an id, name, abbreviation or code")

    sub = command("search", "entities matching some text, best first", _search)
    sub.add_argument("text")
    sub.add_argument("--limit", type=int, default=10)

    sub = command("compare", "two entities side by side", _compare)
    sub.add_argument("a")
    sub.add_argument("b")

    sub = command("refer", "who receives a referral for a reason", _answering(Taxonomy.refer, "reason", from_="from_"))
    sub.add_argument("reason", help="a referral reason, e.g. 'trauma processing'")
    sub.add_argument("--from", dest="from_", help="the referring profession")

    sub = command("referral-reasons", "why one profession refers to another", _answering(Taxonomy.referral_reasons, "from_", "to"))
    sub.add_argument("from_", metavar="FROM")
    sub.add_argument("to", metavar="TO")

    sub = command("treatments", "first-line treatments for a condition", _answering(Taxonomy.treatments_for, "condition"))
    sub.add_argument("condition", help="a condition or ICD-10-CM code, e.g. PTSD, F42.2")

    sub = command("titles", "licence titles used for a profession", _answering(Taxonomy.titles, "ref"))
    sub.add_argument("ref", help="a profession")

    command("stats", "how many records and facts the data hold", _stats)

    sub = command("code", "the billing codes for a session of some minutes", _code)
    sub.add_argument("minutes", type=int, help="the session's length in whole minutes")
    sub.add_argument("--service", default="psychotherapy", help="e.g. 'crisis psychotherapy' (default: psychotherapy)")
    sub.add_argument("--with-em", action="store_true", help="the session is done with an E/M visit")

    sub = command("who-can-bill", "professions that may bill a code (use --payer and --on)", _answering(Taxonomy.who_can_bill, "code"))
    sub.add_argument("code", help="a CPT or HCPCS code, e.g. 90837, G0323")

    sub = command("check-claim", "check one day's codes for one clinician (exit 1 if refused)", _check_claim)
    sub.add_argument("codes", nargs="+", help="the codes billed, add-on units repeated, e.g. 99213 90833")
    sub.add_argument("--profession", required=True, help="the billing profession, e.g. LCSW")
    sub.add_argument("--minutes", type=int, help="minutes of the timed service (psychotherapy time)")
    sub.add_argument("--diagnosis", help="a condition or ICD-10-CM code, e.g. F41.1")
    _add_annotate(commands, common)
    return parser


# -- annotate: provider files (self-contained so it can move into a cli package as it is) --------------


def _add_annotate(commands: Any, common: argparse.ArgumentParser) -> None:
    """The ``annotate`` subcommand: an NPPES file -> a Parquet table of slots (and a summary)."""
    sub = commands.add_parser(
        "annotate",
        help="annotate an NPPES provider file: profession, Medicare specialty and scope per taxonomy slot",
        description="Annotate an NPPES provider file (CSV or Parquet) and write a Parquet table of its taxonomy slots.",
        parents=[common],
    )
    sub.add_argument("file", help="an npidata_pfile CSV or a Parquet file")
    sub.add_argument("-o", "--output", required=True, help="the Parquet file to write")
    sub.add_argument("--services", nargs="+", default=["psychotherapy", "prescribing"], help="services to answer for")
    sub.add_argument("--summary", action="store_true", help="also write OUTPUT's stem + .summary.parquet (one row per NPI)")
    sub.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    sub.set_defaults(run=_annotate)


def _annotate(tax: Taxonomy, args: argparse.Namespace) -> int:
    from pathlib import Path

    from .providers import annotate

    output = Path(args.output)
    summary = output.with_name(output.stem + ".summary.parquet") if args.summary else None
    result = annotate(args.file, services=args.services, on=tax.context.on, engine=args.engine, tax=tax)

    def bar(done: float) -> None:
        filled = int(done * 30)
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}", end="", file=sys.stderr, flush=True)

    report = result.write(output, summary, progress=bar if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(report, file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        tax = load(*args.data)
        if args.jurisdiction or args.payer or args.on:
            tax = tax.where(jurisdiction=args.jurisdiction, payer=args.payer, on=args.on)
        status = args.run(tax, args)
    except (EntityLookupError, WrongKindError, DataError, ValueError, FileNotFoundError, ImportError) as error:
        print(f"mhtaxonomy: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - output piped into head
        return 0
    return status or 0
