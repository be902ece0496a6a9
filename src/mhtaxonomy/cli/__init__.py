"""The ``mhtaxonomy`` command: ask the taxonomy from a shell.

Every subcommand takes ``--jurisdiction``, ``--payer`` and ``--on`` to set the
context, ``--why`` to print the facts behind each answer (and the sources once,
numbered, at the end), ``--json`` for output in the versioned schema shipped as
``mhtaxonomy/cli/output.schema.json``, and ``--data`` to layer TOML files on
the shipped data. Output fits the terminal (``COLUMNS``; 80 when not a
terminal). When a context option does not change an answer, the output says so.

Bad input or a bad file prints one line on standard error (JSON with
``--json``) and exits with status 2; ``check-claim`` exits with 1 when it
refuses the claim.

The subcommands live in ``mhtaxonomy.cli.commands``, each one function
registered with its ``@command`` decorator; a module of further subcommands is
listed in :data:`COMMAND_MODULES`. The terminal layout is in
``mhtaxonomy.cli.render``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ..load import DataError
from ..taxonomy import EntityLookupError, Taxonomy, load
from .commands import COMMANDS, Reply
from .render import Page, clean, colour_wanted, help_formatter

__all__ = ["COMMAND_MODULES", "SCHEMA_VERSION", "main"]

#: The modules (in this package) whose ``@command`` functions are subcommands.
COMMAND_MODULES = ("commands", "export", "nationwide", "annotate")

#: The module of each subcommand outside ``commands``, so that running one imports only its own
#: module (a test checks this against the registered commands).
COMMAND_HOMES = {"export": "export", "coverage": "nationwide", "can-practice": "nationwide", "telehealth": "nationwide", "annotate": "annotate"}

#: The version of the ``--json`` output's schema (``output.schema.json``); raised on any change
#: a script reading the output would notice.
SCHEMA_VERSION = 1

#: The longest error message printed; longer ones (a huge value echoed back) are cut.
_LONGEST_MESSAGE = 500

_CONTEXT_OPTIONS = ("jurisdiction", "payer", "on")


class _UsageError(Exception):
    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message)
        self.usage = usage
        self.message = message


class _Parser(argparse.ArgumentParser):
    """Raises on a usage error, so that ``main`` reports it (as JSON with ``--json``)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self.format_usage(), message)


class _Version(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the package and data versions and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        tax = load()
        from .. import __version__

        print(f"mhtaxonomy {__version__} (data {tax.data_version}, checked as of {tax.as_of.isoformat()})")
        parser.exit()


def _parser(wanted: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``wanted`` (a command's name), only that command's arguments are built.

    Building every subcommand's arguments costs more than answering most questions
    (argparse looks up translations for each), so a known command gets a parser with
    that command alone, and only its module is imported; anything else (``--help``,
    an unknown or missing command) gets every command, so that all are listed.
    """
    home = COMMAND_HOMES.get(wanted or "", "commands")
    importlib.import_module(f"{__name__}.{home}")
    if wanted not in COMMANDS:
        for module in COMMAND_MODULES:
            importlib.import_module(f"{__name__}.{module}")
    common = _Parser(add_help=False, formatter_class=help_formatter)
    common.add_argument("--jurisdiction", "-j", help="a state or territory: NM, US-NM or New Mexico")
    common.add_argument("--payer", "-p", help="a payer such as Medicare (see: mhtaxonomy list payers)")
    common.add_argument("--on", help="the date to answer for (YYYY-MM-DD; default today)")
    common.add_argument("--why", action="store_true", help="show the facts behind each answer, then their sources")
    common.add_argument("--json", action="store_true", help="print JSON (schema: mhtaxonomy/cli/output.schema.json)")
    common.add_argument(
        "--data", action="append", default=[], metavar="FILE", help="a TOML file to layer on the shipped data (repeatable)"
    )
    parser = _Parser(
        prog="mhtaxonomy",
        formatter_class=help_formatter,
        description="Ask the US mental-health service taxonomy: who may provide, bill or receive what, and why.",
    )
    parser.add_argument("--version", action=_Version)
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for command in [COMMANDS[wanted]] if wanted in COMMANDS else COMMANDS.values():
        sub = subcommands.add_parser(
            command.name, help=command.help, description=command.help, parents=[common], formatter_class=help_formatter
        )
        for argument in command.arguments:
            sub.add_argument(*argument.flags, **argument.options)
        sub.set_defaults(run=command.run, writes=command.writes)
    return parser


def _view(tax: Taxonomy, args: argparse.Namespace, leave_out: str | None = None) -> Taxonomy:
    """The view the options ask for (``''`` is passed on, as the API gets it), less ``leave_out``."""
    asked = {option: getattr(args, option) for option in _CONTEXT_OPTIONS if option != leave_out}
    if all(value is None for value in asked.values()):
        return tax
    try:
        return tax.where(**asked)
    except EntityLookupError as error:
        if args.payer is not None and error.ref == args.payer:
            known = ", ".join(payer.name for payer in tax.entities("payer"))
            raise EntityLookupError(f"{error}; the payers the data know: {known}", error.ref) from None
        raise


def _mentions(tax: Taxonomy, entity_id: str) -> bool:
    return any(
        entity_id in (fact.subject, fact.object) or entity_id in (fact.jurisdictions or ()) or entity_id in (fact.payers or ())
        for fact in tax.facts()
    )


def _context(tax: Taxonomy, view: Taxonomy, args: argparse.Namespace, reply: Reply) -> dict[str, Any]:
    """The context applied, and each option given that did not change the answer, with the reason."""
    context = view.context
    no_effect = []
    for option in _CONTEXT_OPTIONS:
        if getattr(args, option) is None or args.writes:
            continue
        value = getattr(context, option)
        unknown = option != "on" and not _mentions(tax, value)
        named = f"--{option} {tax.get(value).name if option != 'on' else value.isoformat()}"
        other: Reply = args.run(_view(tax, args, leave_out=option), args, Page())
        if _comparable(other.result) == _comparable(reply.result):
            reason = "the answer is the same without it"
            if unknown:
                reason += f"; the data have no fact specific to {tax.get(value).name}"
            no_effect.append({"option": option, "reason": reason, "text": f"{named}: {reason}"})
        elif unknown:
            reason = f"the data have no fact specific to {tax.get(value).name}: the answer rests on the general facts alone"
            no_effect.append({"option": option, "reason": reason, "text": f"{named}: {reason}"})
    return {
        "jurisdiction": context.jurisdiction,
        "payer": context.payer,
        "on": context.date.isoformat(),
        "date_given": context.on is not None,
        "notes": no_effect,
    }


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "question"}


def _one_line(message: str) -> str:
    text = clean(" ".join(message.split()))
    return text if len(text) <= _LONGEST_MESSAGE else text[: _LONGEST_MESSAGE - 3] + "..."


def _fail(message: str, kind: str, command: str | None, as_json: bool, usage: str = "") -> int:
    if as_json:
        import json

        error = {"type": kind, "message": _one_line(message)}
        print(json.dumps({"schema_version": SCHEMA_VERSION, "command": command, "error": error, "status": 2}), file=sys.stderr)
    else:
        print(f"{usage.strip()}\n" if usage else "", end="", file=sys.stderr)
        print(f"mhtaxonomy: error: {_one_line(message)}", file=sys.stderr)
    return 2


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"cannot read {error.filename!r}: {error.strerror or error}"
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to read"
    return str(error)


def _load(paths: Sequence[str]) -> Taxonomy:
    """The taxonomy with the ``--data`` files; a failure the loader does not name a file for names them."""
    try:
        return load(*paths)
    except (DataError, OSError):
        raise
    except (ValueError, RecursionError) as error:
        raise ValueError(f"cannot read {', '.join(repr(p) for p in paths)}: {_describe(error)}") from error


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in arguments
    try:
        wanted = next((argument for argument in arguments if not argument.startswith("-")), None)
        args = _parser(wanted).parse_args(arguments)
    except _UsageError as error:
        return _fail(error.message, "UsageError", None, as_json, usage=error.usage)
    try:
        if any(not path.strip() for path in args.data):
            raise ValueError("--data needs the path of a TOML file, got an empty one")
        tax = _load(args.data)
        view = _view(tax, args)
        page = Page(colour=colour_wanted(sys.stdout))
        reply: Reply = args.run(view, args, page)
        context = _context(tax, view, args, reply)
    except (EntityLookupError, DataError, ValueError, TypeError, OSError, RecursionError, ImportError) as error:
        return _fail(_describe(error), type(error).__name__, args.command, as_json)
    try:
        if as_json:
            import json  # only JSON output pays for importing it

            output = {"schema_version": SCHEMA_VERSION, "command": args.command, "context": context, "result": reply.result}
            print(json.dumps(output, indent=2))
        else:
            for note in context["notes"]:
                page.line(f"note: {note['text']}", hang=6)
            page.write()
    except BrokenPipeError:  # pragma: no cover - output piped into head
        return 0
    return reply.status


def run() -> NoReturn:
    """The ``mhtaxonomy`` command: :func:`main` on ``sys.argv``, then exit with its status.

    The process ends right after, so every object left (the taxonomy above all) lives
    until then: :func:`gc.freeze` moves them out of the collector's reach first, and the
    interpreter's closing collections have almost nothing left to walk (measured at a
    third of the command's exit time). Only the command's own process does this;
    :func:`main`, which tests and embedding programs call, leaves the collector alone.
    """
    status = main()
    gc.freeze()
    raise SystemExit(status)
