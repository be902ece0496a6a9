"""The subcommands of ``mhtaxonomy``, each one function registered with :func:`command`.

A command receives the taxonomy (already narrowed to the context the user
gave), the parsed arguments and a :class:`~.render.Page` to write on; it
returns a :class:`Reply` whose ``result`` is the JSON form of what it wrote.
Adding a subcommand is one decorated function::

    @command("can-practice", "whether a profession may practise in a state",
             arg("profession", help="e.g. LPC"), arg("state", help="e.g. TX"))
    def can_practice(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
        ...

in this module or in a module listed in ``mhtaxonomy.cli.COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ..model import BillingCode, Entity, Fact, Kind, Relation, Service, _finish
from ..queries import Answer, Comparison, Qualifiers
from ..taxonomy import AmbiguousEntityError, Taxonomy, UnknownEntityError
from .render import Page

__all__ = ["COMMANDS", "Command", "Reply", "arg", "command"]


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Reply:
    """What a command answered: its JSON ``result`` and the exit status (1: a refused claim)."""

    result: dict[str, Any]
    status: int = 0


@_finish
@attrs.frozen(repr=False, eq=False)  # _finish gives the repr, == and hash
class Argument:
    """The flags and options of one ``ArgumentParser.add_argument`` call."""

    flags: tuple[str, ...]
    options: dict[str, Any]


def arg(*flags: str, **options: Any) -> Argument:
    """An argument of a command, written as for :meth:`argparse.ArgumentParser.add_argument`."""
    return Argument(flags, options)


Run = Callable[[Taxonomy, argparse.Namespace, Page], Reply]


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Command:
    """One subcommand: its name, help text, arguments and the function that runs it.

    ``writes`` marks a command that writes files: it runs once, so the context
    options are not checked by answering again without them.
    """

    name: str
    help: str
    arguments: tuple[Argument, ...]
    run: Run
    writes: bool = False


#: Every subcommand, by name, in the order they were registered (the order of ``--help``).
COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, *arguments: Argument, writes: bool = False) -> Callable[[Run], Run]:  # noqa: A002
    """Register ``run`` as the subcommand ``name`` (``writes``: it writes files, see :class:`Command`)."""

    def register(run: Run) -> Run:
        if name in COMMANDS:
            raise ValueError(f"two subcommands are named {name!r}")
        COMMANDS[name] = Command(name=name, help=help, arguments=arguments, run=run, writes=writes)
        return run

    return register


# -- showing answers -----------------------------------------------------------------------------


def _terms(tax: Taxonomy, terms: Qualifiers) -> list[str]:
    """The qualifiers of a member in words, the context's own limits left out."""
    def name(ref: str) -> str:
        return tax.get(ref).name

    words = ["group"] if terms.group else []
    if terms.supervised:
        words.append("only under supervision")
    if terms.jurisdictions == frozenset():
        words.append("limited to places that do not overlap (see --why)")
    elif terms.jurisdictions is not None:
        words.append("only in " + ", ".join(sorted(name(j) for j in terms.jurisdictions)))
    if terms.payers is not None and tax.context.payer is None:
        words.append("only for " + ", ".join(sorted(name(p) for p in terms.payers)))
    if terms.valid_from is not None:
        words.append(f"from {terms.valid_from.isoformat()}")
    if terms.valid_until is not None:
        words.append(f"until {terms.valid_until.isoformat()}")
    if terms.grading is not None:
        words.append(f"{terms.grading} [{', '.join(terms.guidelines)}]")
    return words


def _member(tax: Taxonomy, entity: Entity, terms: Qualifiers) -> str:
    words = _terms(tax, terms)
    return f"{entity.name}  ({entity.id})" + (f": {'; '.join(words)}" if words else "")


def _header(tax: Taxonomy, question: str) -> str:
    """The question, with the jurisdiction it is asked in when the question does not name it."""
    where = tax.context.jurisdiction
    if where is not None and tax.get(where).name not in question:
        question += f" in {tax.get(where).name}"
    return question


def _sources(tax: Taxonomy, page: Page, cited: Sequence[str]) -> None:
    if cited:
        page.blank()
        page.heading("Sources")
        for number, source_id in enumerate(cited, 1):
            page.line(f"{number}. {tax.source(source_id)}", indent=2, hang=3)


def _show_answer(
    tax: Taxonomy,
    answer: Answer,
    args: argparse.Namespace,
    page: Page,
    members: Sequence[Entity] | None = None,
    below: Callable[[Entity], Sequence[Entity]] = lambda _: (),
) -> dict[str, Any]:
    """Write ``answer`` (one member a line; with ``--why`` its facts) and return its JSON form.

    ``members`` are the top-level members to list (default: all); ``below(member)`` the members
    listed under one, as its alternatives.
    """
    page.heading(_header(tax, answer.question) + ":")
    if not answer:
        page.line("(nothing)", indent=2)
    cited: dict[str, None] = {}

    def show(entity: Entity, indent: int) -> None:
        page.line(_member(tax, entity, answer.qualifiers(entity)), indent=indent, hang=4)
        if args.why:
            explanation = answer.why(entity)
            for fact in explanation:
                page.line(f"- {explanation.describe(fact)}  [{', '.join(fact.sources)}]", indent=indent + 2, hang=2)
                if fact.note:
                    page.line(f"note: {fact.note}", indent=indent + 4, hang=2)
                cited.update(dict.fromkeys(fact.sources))
        options = below(entity)
        if options:
            page.line("one of:", indent=indent + 2)
            for option in options:
                show(option, indent + 4)

    for entity in answer if members is None else members:
        show(entity, 2)
    _sources(tax, page, list(cited))
    data: dict[str, Any] = {"type": "answer", **answer.to_dict(why=args.why), "hints": []}
    del data["context"]  # the reply's context says what was applied
    if args.why:
        _sources_once(tax, data, data["members"])
    return data


def _sources_once(tax: Taxonomy, data: dict[str, Any], explained: Sequence[dict[str, Any]]) -> None:
    """Move the sources out of each explanation into one list for the whole result."""
    cited: dict[str, None] = {}
    for item in explained:
        why = item["why"]
        del why["sources"], why["question"]
        cited.update(dict.fromkeys(source for fact in why["facts"] for source in fact["sources"]))
    data["sources"] = [attrs.asdict(tax.source(s), value_serializer=_plain) for s in cited]


def _plain(_: object, __: object, value: Any) -> Any:
    return getattr(value, "value", value)


def _hint(page: Page, result: dict[str, Any], text: str) -> None:
    page.blank()
    page.line(f"hint: {text}", hang=6)
    result.setdefault("hints", []).append(text)


def _answering(question: Callable[..., Answer], *names: str, **fixed: str) -> Run:
    """A command that asks ``question`` with the arguments ``names`` (and options ``fixed``)."""

    def run(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
        answer = question(tax, *(getattr(args, n) for n in names), **{k: getattr(args, v) for k, v in fixed.items()})
        return Reply(result=_show_answer(tax, answer, args, page))

    return run


# -- the commands --------------------------------------------------------------------------------


@command(
    "who-can-provide",
    "professions that may provide a service, modality or billing code",
    arg("ref", help="a service, modality or code, e.g. psychotherapy, CBT, 90834"),
    arg("--independently", action="store_true", help="leave out those allowed only under supervision"),
)
def who_can_provide(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    asked = tax.get(args.ref)
    result = _show_answer(tax, tax.who_can_provide(asked, independently=args.independently), args, page)
    if isinstance(asked, Service) and not asked.health_care:
        clinical = [e.name for e in tax.search(args.ref, limit=20) if isinstance(e, Service) and e.health_care]
        if clinical:
            _hint(
                page,
                result,
                f"{asked.name} is not health care, so no clinician is listed for it; for the clinical "
                f"service ask about {clinical[0]} (mhtaxonomy who-can-provide {clinical[0].lower()!r})",
            )
    return Reply(result=result)


command(
    "what-can-provide",
    "services a profession may provide",
    arg("ref", help="a profession, e.g. LCSW"),
    arg("--independently", action="store_true", help="leave out what needs supervision"),
)(_answering(Taxonomy.what_can_provide, "ref", independently="independently"))


@command(
    "requires-diagnosis",
    "whether something needs a diagnosis (or, without REF, everything that does)",
    arg("ref", nargs="?", help="a service, modality or code, e.g. 90834"),
)
def requires_diagnosis(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    every = tax.what_requires_diagnosis()
    if args.ref is None:
        return Reply(result=_show_answer(tax, every, args, page))
    entity = tax.get(args.ref)
    needed = tax.requires_diagnosis(entity)
    page.heading(f"{entity.name}: {'requires' if needed else 'does not require'} a diagnosis of a mental disorder")
    result: dict[str, Any] = {"type": "verdict", "subject": entity.id, "name": entity.name, "verdict": needed}
    if needed and args.why:
        explanation = every.why(entity)
        for fact in explanation:
            page.line(f"- {explanation.describe(fact)}  [{', '.join(fact.sources)}]", indent=2)
        _sources(tax, page, list(dict.fromkeys(s for fact in explanation for s in fact.sources)))
        result["why"] = explanation.to_dict()
        _sources_once(tax, result, [result])
    return Reply(result=result)


@command(
    "requirements",
    "degrees, exams, experience and licences a profession needs",
    arg("ref", help="a profession, e.g. psychiatrist, LCSW"),
)
def requirements(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    answer = tax.requirements_for(args.ref)
    # A broad credential with narrower ones in the answer is met by any one of them (MD or DO).
    options = {
        entity.id: [option for option in tax.narrower(entity) if option in answer and option.id != entity.id]
        for entity in answer
    }
    listed_below = {option.id for found in options.values() for option in found}
    top = [entity for entity in answer if entity.id not in listed_below]
    result = _show_answer(tax, answer, args, page, members=top, below=lambda e: options[e.id])
    result["alternatives"] = {key: [o.id for o in found] for key, found in options.items() if found}
    local = [e for e in answer if answer.qualifiers(e).jurisdictions is not None]
    if local and tax.context.jurisdiction is None:
        _hint(
            page,
            result,
            f"{len(local)} of these are state-specific (marked 'only in'); give --jurisdiction for one state's",
        )
    return Reply(result=result)


def _fact_line(tax: Taxonomy, fact: Fact) -> str:
    subject, object_ = tax.get(fact.subject).name, tax.get(fact.object).name
    return f"- {subject} {fact.relation.phrase} {object_}  [{', '.join(fact.sources)}]"


def _entity_dict(entity: Entity) -> dict[str, Any]:
    data = attrs.asdict(entity, recurse=False)
    data["kind"] = entity.kind.value
    data["codes"] = [str(code) for code in entity.codes]
    return {k: (list(v) if isinstance(v, tuple) else getattr(v, "value", v)) for k, v in data.items()}


@command("show", "one entity with its facts", arg("ref", help="an id, name, abbreviation or code, e.g. LCSW"))
def show(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    entity = tax.get(args.ref)
    facts = tax.facts(subject=entity) + tax.facts(object=entity)
    page.heading(f"{entity.name}  ({str(entity.kind).replace('_', ' ')}: {entity.id})")
    for label, values in (("abbreviations", entity.abbreviations), ("aliases", entity.aliases)):
        if values:
            page.items(label, values, indent=2)
    if entity.codes:
        page.items("codes", [str(code) for code in entity.codes], indent=2)
    for text in (entity.description, f"note: {entity.note}" if entity.note else ""):
        if text:
            page.line(text, indent=2)
    page.items("sources", entity.sources, indent=2)
    for fact in facts:
        page.line(_fact_line(tax, fact), indent=2)
    if args.why:
        _sources(tax, page, entity.sources)
    return Reply(result={"type": "entity", "entity": _entity_dict(entity), "facts": [f.id for f in facts]})


@command(
    "search",
    "entities matching some text, best first",
    arg("text", help="words to look for in names and descriptions"),
    arg("--limit", type=int, default=10, help="how many matches at most (default 10)"),
)
def search(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    found = tax.search(args.text, limit=args.limit)
    if not found:
        page.line("(nothing)")
    for entity in found:
        page.line(f"{entity.name}  ({str(entity.kind).replace('_', ' ')}: {entity.id})")
    matches = [{"id": e.id, "name": e.name, "kind": e.kind.value} for e in found]
    return Reply(result={"type": "search", "matches": matches})


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


def _show_comparison(comparison: Comparison, page: Page, limit: int | None) -> None:
    a, b = comparison.a.name, comparison.b.name
    page.heading(f"{a} compared with {b}")
    shared = [row for row in comparison.shared if row.a or row.b]
    if shared:
        page.line("Same on both sides:")
        for row in shared:
            values = sorted(row.a) if isinstance(row.a, frozenset) else [_value(row.a)]
            page.items(row.aspect, values, indent=2, limit=limit)
    neither = [row.aspect for row in comparison.shared if not (row.a or row.b)]
    if neither:
        page.items("Neither has", neither)
    if comparison.differences:
        page.line("Different:")
    earlier: dict[tuple[Any, Any], str] = {}
    for row in comparison.differences:
        if isinstance(row.a, frozenset) and (row.a, row.b) in earlier:
            page.line(f"{row.aspect}: the same as {earlier[row.a, row.b]}", indent=2)
            continue
        earlier[row.a, row.b] = row.aspect
        if isinstance(row.a, frozenset) and isinstance(row.b, frozenset):
            both = f"{len(row.shared)} on both sides" if row.shared else "nothing in common"
            sides = [(f"only {name} ({len(v)})", sorted(v)) for name, v in ((a, row.only_a), (b, row.only_b)) if v]
            if limit is None and row.shared:
                sides.insert(0, ("on both sides", sorted(row.shared)))
            if len(sides) == 1:  # one line when only one side has more
                page.items(f"{row.aspect}: {both}; {sides[0][0]}", sides[0][1], indent=2, limit=limit)
                continue
            page.line(f"{row.aspect}: {both}", indent=2)
            for label, values in sides:
                page.items(label, values, indent=4, limit=limit)
        else:
            page.line(f"{row.aspect}: {a}: {_value(row.a)}; {b}: {_value(row.b)}", indent=2)


@command(
    "compare",
    "two entities side by side: what both share, what only one has",
    arg("a", help="a profession, service, modality or code"),
    arg("b", help="another one"),
    arg("--all", action="store_true", help="list every item instead of cutting long lists"),
)
def compare(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    comparison = tax.compare(args.a, args.b)
    _show_comparison(comparison, page, None if args.all else 2)
    return Reply(result={"type": "comparison", **comparison.to_dict()})


command(
    "refer",
    "who receives a referral for a reason",
    arg("reason", help="a referral reason, e.g. 'trauma processing'"),
    arg("--from", dest="from_", help="the referring profession"),
)(_answering(Taxonomy.refer, "reason", from_="from_"))

command(
    "referral-reasons",
    "why one profession refers to another",
    arg("from_", metavar="FROM", help="the referring profession, e.g. LCSW"),
    arg("to", metavar="TO", help="the profession referred to, e.g. psychiatrist"),
)(_answering(Taxonomy.referral_reasons, "from_", "to"))

_ICD_CATEGORY = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{0,3})?$", re.IGNORECASE)


def _condition(tax: Taxonomy, ref: str) -> tuple[Entity, str | None]:
    """The condition ``ref`` names; an ICD-10-CM category stands for the one condition coded under it."""
    try:
        return tax.get(ref), None
    except UnknownEntityError:
        if not _ICD_CATEGORY.match(ref.strip()):
            raise
    key = ref.strip().replace(".", "").upper()
    under = [
        (condition, code)
        for condition in tax.entities(Kind.CONDITION)
        for code in condition.codes
        if code.system == "ICD-10-CM" and code.value.split("-")[0].replace(".", "").upper().startswith(key)
    ]
    conditions = list(dict.fromkeys(condition for condition, _ in under))
    if len(conditions) > 1:
        raise AmbiguousEntityError(ref, conditions)
    if not conditions:
        raise UnknownEntityError(ref, [], "condition")
    codes = ", ".join(code.value for _, code in under)
    return conditions[0], f"{ref.strip()} is an ICD-10-CM category; its codes {codes} are {conditions[0].name}"


@command(
    "treatments",
    "first-line treatments for a condition, with each guideline's grade",
    arg("condition", help="a condition or ICD-10-CM code, e.g. PTSD, F42.2, F43.1"),
)
def treatments(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    condition, note = _condition(tax, args.condition)
    if note:
        page.line(note)
    result = _show_answer(tax, tax.treatments_for(condition), args, page)
    if note:
        result["hints"].append(note)
    return Reply(result=result)


command(
    "titles",
    "licence titles used for a profession",
    arg("ref", help="a profession, e.g. LCSW"),
)(_answering(Taxonomy.titles, "ref"))


@command("stats", "how many records and facts the data hold")
def stats(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    counts = tax.stats()
    for section, values in counts.items():
        page.heading(f"{section}:")
        for key, value in values.items():
            page.line(f"{key:24} {value}", indent=2)
    return Reply(result={"type": "stats", **counts})


@command(
    "code",
    "the billing codes for a session of some minutes",
    arg("minutes", type=int, help="the session's length in whole minutes"),
    arg("--service", default="psychotherapy", help="e.g. 'crisis psychotherapy' (default: psychotherapy)"),
    arg("--with-em", action="store_true", help="the session is done with an E/M visit"),
)
def code(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    codes = tax.codes_for_session(args.minutes, service=args.service, with_em=args.with_em)
    distinct = list({c.id: c for c in codes}.values())
    units = {c.id: sum(1 for other in codes if other.id == c.id) for c in distinct}
    service = tax.get(args.service).name
    with_em = " with an E/M visit" if args.with_em else ""
    if not codes:
        page.heading(f"no code fits {args.minutes} minutes of {service}{with_em}")
    else:
        page.heading(f"{args.minutes} minutes of {service}{with_em}:")
    result: dict[str, Any] = {
        "type": "codes",
        "minutes": args.minutes,
        "service": tax.get(args.service).id,
        "with_em": args.with_em,
        "codes": [{"id": c.id, "code": c.code, "name": c.name, "units": units[c.id]} for c in distinct],
        "hints": [],
    }
    for billing_code in distinct:
        times = f" x {units[billing_code.id]}" if units[billing_code.id] > 1 else ""
        page.line(f"{billing_code.code}{times}  {billing_code.name}", indent=2, hang=4)
        if args.why:
            _code_times(billing_code, page)
            for source_id in billing_code.sources:
                page.line(str(tax.source(source_id)), indent=6, hang=2)
    for billing_code in distinct:
        primaries = [tax.get(f.object, kind=BillingCode).code for f in tax.facts(billing_code, Relation.ADD_ON_TO)]
        if primaries and not set(primaries) & {c.code for c in distinct}:
            _hint(page, result, f"{billing_code.code} is an add-on code: bill it with one of {', '.join(primaries)}")
    return Reply(result=result)


def _code_times(code: BillingCode, page: Page) -> None:
    if code.unit_minutes:
        page.line(f"time: {code.unit_minutes} minutes a unit", indent=6)
    elif code.min_minutes is not None and code.max_minutes is None:
        page.line(f"time: {code.min_minutes} minutes or more", indent=6)
    elif code.min_minutes is not None or code.max_minutes is not None:
        window = "-".join(str(m) for m in (code.min_minutes, code.max_minutes) if m is not None)
        page.line(f"time: {window} minutes", indent=6)


command(
    "who-can-bill",
    "professions that may bill a code (use --payer and --on)",
    arg("code", help="a CPT or HCPCS code, e.g. 90837, G0323"),
)(_answering(Taxonomy.who_can_bill, "code"))


@command(
    "check-claim",
    "check one day's codes for one clinician (exit 1 if refused)",
    arg("codes", nargs="+", help="the codes billed, add-on units repeated, e.g. 99213 90833"),
    arg("--profession", required=True, help="the billing profession, e.g. LCSW"),
    arg("--minutes", type=int, help="minutes of the timed service (psychotherapy time)"),
    arg("--diagnosis", help="a condition or ICD-10-CM code, e.g. F41.1"),
)
def check_claim(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    check = tax.check_claim(args.codes, profession=args.profession, minutes=args.minutes, diagnosis=args.diagnosis)
    lines = str(check).splitlines()
    page.heading(lines[0])
    if not args.why:
        for text in lines[1:]:
            page.line(text.strip(), indent=2, hang=2)
    cited: dict[str, None] = {}
    for problem in check.problems if args.why else ():
        page.line(f"- {problem.message}", indent=2)
        for fact in problem.facts:
            page.line(_fact_line(tax, fact), indent=6)
            if fact.note:
                page.line(f"note: {fact.note}", indent=8)
        cited.update(dict.fromkeys(problem.sources))
    _sources(tax, page, list(cited))
    return Reply(result={"type": "claim", **check.to_dict()}, status=0 if check.ok else 1)


def _kind_names() -> dict[str, Kind]:
    """Each kind by its plural (professions, codes, states), its own name and its plural with hyphens."""
    names: dict[str, Kind] = {}
    for kind in Kind:
        word = kind.value.replace("_", "-")
        plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
        names.update({word: kind, plural: kind})
    names.update({"codes": Kind.BILLING_CODE, "states": Kind.JURISDICTION, "reasons": Kind.REFERRAL_REASON})
    return names


@command(
    "list",
    "every entity of one kind",
    arg("kind", choices=sorted(_kind_names()), metavar="KIND", help=f"one of: {', '.join(sorted(_kind_names()))}"),
)
def list_kind(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    kind = _kind_names()[args.kind]
    entities = sorted(tax.entities(kind), key=lambda e: (e.name.casefold(), e.id))
    page.heading(f"{len(entities)} {args.kind}:")
    for entity in entities:
        shown = entity.code if isinstance(entity, BillingCode) else entity.id
        group = ": group" if getattr(entity, "group", False) else ""
        page.line(f"{entity.name}  ({shown}){group}", indent=2, hang=4)
    items = [{"id": e.id, "name": e.name, "group": bool(getattr(e, "group", False))} for e in entities]
    return Reply(result={"type": "list", "kind": kind.value, "items": items})

