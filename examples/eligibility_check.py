"""May this clinician offer this service, in this state, under this payer?

Who it is for: developers of health apps (a booking screen, a directory, a
claims pre-check) who need a yes or no they can show to a user together with
the reason and its sources.

The check has two parts, each a question to the taxonomy in one context:

1. Scope of practice: does the profession appear in ``who_can_provide(service)``
   in a view of the state and date, and may it do so on its own or only under
   supervision?
2. Payment: for each billing code that bills the service, does the profession
   appear in ``who_can_bill(code)`` in a view of the payer and date?

Run it with no arguments for a few worked cases, or ask your own::

    python examples/eligibility_check.py LPC psychotherapy --state TX --payer Medicare --on 2025-06-01

The answers describe the curated data, not legal, billing or clinical advice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable

import attrs

import mhtaxonomy as mht


@attrs.frozen(kw_only=True)
class Verdict:
    """The outcome of one check: may offer, on what terms, and why."""

    allowed: bool
    summary: str
    reasons: tuple[str, ...]


def _sources(facts: Iterable[mht.Fact]) -> str:
    return ", ".join(dict.fromkeys(source for fact in facts for source in fact.sources))


def _sentence(tax: mht.Taxonomy, fact: mht.Fact) -> str:
    """One fact as words, with the dates it holds between and its sources."""
    text = f"{tax.get(fact.subject).name} {fact.relation.phrase} {tax.get(fact.object).name}"
    if fact.valid_from:
        text += f" from {fact.valid_from.isoformat()}"
    if fact.valid_until:
        text += f" until {fact.valid_until.isoformat()}"
    return f"{text} [{_sources([fact])}]"


def check(
    tax: mht.Taxonomy,
    profession: str,
    service: str,
    *,
    state: str | None = None,
    payer: str | None = None,
    on: str | dt.date | None = None,
) -> Verdict:
    """Whether ``profession`` may offer ``service`` in ``state``, paid by ``payer``, on ``on``."""
    who = tax.get(profession)
    what = tax.get(service)
    where = tax.where(jurisdiction=state, on=on)
    place = f" in {where.get(state).name}" if state else ""
    providers = where.who_can_provide(what)
    if who not in providers:
        return Verdict(
            allowed=False,
            summary=f"No: {who.name} may not provide {what.name}{place}.",
            reasons=("no credential the profession holds authorizes it here",),
        )
    scope = providers.why(who)
    terms = "only under a licensed supervisor" if any(f.supervised for f in scope) else "on their own licence"
    reasons = [f"scope: {'; '.join(_sentence(tax, fact) for fact in scope)}"]
    if payer is None:
        return Verdict(allowed=True, summary=f"Yes: {who.name} may provide {what.name}{place}, {terms}.", reasons=tuple(reasons))

    paying = where.where(payer=payer)
    payer_name, day = tax.get(payer).name, paying.context.date.isoformat()
    services = {what.id, *tax.narrower(what).ids}
    codes = sorted({fact.subject for fact in tax.facts(relation="bills") if fact.object in services})
    billable: list[str] = []
    payment: dict[str, mht.Fact] = {}
    for code in codes:
        billers = paying.who_can_bill(code)
        if who in billers:
            billable.append(tax.get(code).code)
            for fact in billers.why(who):
                if fact.relation in (mht.Relation.RECOGNIZES, mht.Relation.COVERS):
                    payment.setdefault(fact.id, fact)
    if not billable:
        # Say why, from every recognition fact about the profession, whatever its dates.
        recognitions = [
            fact
            for holder in (who, *tax.broader(who))
            for fact in tax.facts(payer, mht.Relation.RECOGNIZES, holder)
        ]
        reasons += [f"payment: {_sentence(tax, fact)}" for fact in recognitions] or [
            f"payment: no fact says {payer_name} recognises {who.name} as a billing provider"
        ]
        return Verdict(
            allowed=False,
            summary=f"In scope but not billable: {who.name} may provide {what.name}{place}, {terms}, "
            f"but {payer_name} does not pay them for it on {day}.",
            reasons=tuple(reasons),
        )
    recognized = [fact for fact in payment.values() if fact.relation is mht.Relation.RECOGNIZES]
    covered = [fact for fact in payment.values() if fact.relation is mht.Relation.COVERS]
    reasons += [f"payment: {_sentence(tax, fact)}" for fact in recognized]
    count = f"{len(billable)} of the {len(codes)} codes for {what.name} and its kinds"
    if covered:
        reasons.append(f"payment: {payer_name} covers {count} that they may bill [{_sources(covered)}]")
    else:
        reasons.append(f"payment: no coverage rule in the data limits {count} under {payer_name}")
    return Verdict(
        allowed=True,
        summary=f"Yes: {who.name} may provide {what.name}{place}, {terms}, and bill {payer_name} "
        f"on {day} with {', '.join(billable)}.",
        reasons=tuple(reasons),
    )


#: Worked cases: (profession, service, state, payer, date).
EXAMPLES = (
    ("LPC", "psychotherapy", "TX", "Medicare", "2023-06-01"),
    ("LPC", "psychotherapy", "TX", "Medicare", "2025-06-01"),
    ("prescribing psychologist", "prescribing", "NM", None, None),
    ("prescribing psychologist", "prescribing", "CA", None, None),
    ("LMSW", "psychotherapy", "NY", None, None),
    ("life coach", "psychotherapy", None, None, None),
)


def _report(tax: mht.Taxonomy, profession: str, service: str, state: str | None, payer: str | None, on: str | None) -> None:
    verdict = check(tax, profession, service, state=state, payer=payer, on=on)
    context = ", ".join(part for part in (state, payer, on) if part)
    print(f"{profession} / {service}" + (f" ({context})" if context else ""))
    print(f"  {verdict.summary}")
    for reason in verdict.reasons:
        print(f"    - {reason}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profession", nargs="?", help="e.g. LPC, LCSW, psychiatrist")
    parser.add_argument("service", nargs="?", help="e.g. psychotherapy, medication management, EMDR")
    parser.add_argument("--state", help="e.g. TX, New Mexico")
    parser.add_argument("--payer", help="e.g. Medicare")
    parser.add_argument("--on", help="a date, YYYY-MM-DD (default today)")
    args = parser.parse_args(argv)
    tax = mht.load()
    print(f"mhtaxonomy data {tax.data_version} (as of {tax.as_of.isoformat()})\n")
    if args.profession is None:
        for case in EXAMPLES:
            _report(tax, *case)
            print()
        return 0
    if args.service is None:
        parser.error("give a service as well as a profession")
    try:
        _report(tax, args.profession, args.service, args.state, args.payer, args.on)
    except (mht.EntityLookupError, mht.WrongKindError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
