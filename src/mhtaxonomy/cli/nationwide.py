"""``coverage``, ``can-practice`` and ``telehealth``: the state layer and practice across state lines."""

from __future__ import annotations

import argparse
from typing import Any

from ..coverage import QUESTIONS
from ..model import Fact
from ..taxonomy import Taxonomy
from .commands import Reply, _sources, arg, command
from .render import Page

__all__: list[str] = []

_MARKS = {"sourced": "S", "unknown": "?", "missing": "."}


@command("coverage", "per state and DC: which licensing questions are sourced, unknown or missing")
def coverage(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    grid = tax.coverage()
    columns = [(profession, question) for profession, questions in QUESTIONS.items() for question in questions]
    page.heading("Which state licensing questions the data answer (S sourced, ? unknown, . missing)")
    for number, (profession, question) in enumerate(columns, 1):
        page.line(f"{number:>2}. {tax.get(profession).name}: {question}", indent=2, hang=4)
    page.blank()
    page.line("     " + " ".join(f"{number:>2}" for number in range(1, len(columns) + 1)))
    rows: dict[str, dict[tuple[str, str], str]] = {}
    for cell in grid.cells:
        rows.setdefault(cell.jurisdiction, {})[cell.profession, cell.question] = cell.status
    for place, statuses in rows.items():
        page.line(f"{place:<6}" + " ".join(f"{_MARKS.get(statuses.get(c, 'missing'), '.'):>2}" for c in columns))
    counts = grid.counts()
    page.blank()
    page.line(
        f"{len(grid.cells)} cells: {counts['sourced']} sourced ({grid.share():.1%}), "
        f"{counts['unknown']} unknown, {counts['missing']} missing"
    )
    return Reply(result={"type": "coverage", "counts": counts, "share_sourced": round(grid.share(), 4), "rows": grid.rows()})


def _facts(tax: Taxonomy, page: Page, facts: tuple[Fact, ...], why: bool) -> list[str]:
    if why:
        for fact in facts:
            page.line(f"- {tax.get(fact.subject).name} {fact.relation.phrase} {tax.get(fact.object).name}  [{', '.join(fact.sources)}]", indent=2, hang=4)
        _sources(tax, page, list(dict.fromkeys(source for fact in facts for source in fact.sources)))
    return [fact.id for fact in facts]


@command(
    "can-practice",
    "whether a clinician licensed in one state may serve a client in another (exit 1 if not)",
    arg("profession", help="a profession, e.g. psychologist, LPC, PMHNP"),
    arg("licensed_in", metavar="LICENSED_IN", help="the state of the licence, e.g. TX"),
    arg("client_in", metavar="CLIENT_IN", help="the state where the client is, e.g. AZ"),
    arg("--in-person", action="store_true", help="practice in person rather than by telehealth"),
)
def can_practice(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    verdict = tax.can_practice(args.profession, args.licensed_in, args.client_in, telehealth=not args.in_person)
    page.heading(f"{'yes' if verdict else 'no'}: {verdict.reason}")
    if verdict.limits:
        page.line(f"limits: {verdict.limits}", indent=2, hang=4)
    result: dict[str, Any] = {
        "type": "practice",
        "allowed": verdict.allowed,
        "reason": verdict.reason,
        "compact": verdict.compact,
        "limits": verdict.limits,
        "facts": _facts(tax, page, verdict.facts, args.why),
    }
    return Reply(result=result, status=0 if verdict else 1)


@command(
    "telehealth",
    "whether Medicare pays a code as mental-health telehealth, with POS and modifiers (exit 1 if not)",
    arg("code", help="a CPT or HCPCS code, e.g. 90837"),
    arg("--patient-at", choices=("home", "elsewhere"), default="home", help="where the patient is"),
    arg("--audio-only", action="store_true", help="the visit is by audio alone"),
    arg(
        "--setting",
        choices=("practitioner", "rhc-fqhc"),
        default="practitioner",
        help="who bills: a practitioner (Medicare telehealth) or a rural health clinic / health center",
    ),
)
def telehealth(tax: Taxonomy, args: argparse.Namespace, page: Page) -> Reply:
    answer = tax.telehealth(args.code, patient_at=args.patient_at, audio_only=args.audio_only, setting=args.setting)
    page.heading(f"{'yes' if answer else 'no'}: {answer.reason}")
    if answer.place_of_service:
        page.line(f"place of service: {answer.place_of_service}", indent=2)
    if answer.modifiers:
        page.line(f"modifiers: {', '.join(answer.modifiers)}", indent=2)
    for condition in answer.conditions:
        page.line(f"- {condition}", indent=2, hang=2)
    result: dict[str, Any] = {
        "type": "telehealth",
        "allowed": answer.allowed,
        "reason": answer.reason,
        "place_of_service": answer.place_of_service,
        "modifiers": list(answer.modifiers),
        "conditions": list(answer.conditions),
        "facts": _facts(tax, page, answer.facts, args.why),
    }
    return Reply(result=result, status=0 if answer else 1)
