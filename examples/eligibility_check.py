"""May this clinician offer this service, in this state, under this payer?

Who it is for: developers of health apps (a booking screen, a directory, a
claims pre-check) who need a yes or no they can show to a user together with
the reason and its sources.

The check has two parts, each a question to the taxonomy in one context:

1. Scope of practice: ``can_provide(profession, service)`` in a view of the
   state and date, a verdict that says yes or no, on what terms (on their own
   or only under supervision) and why.
2. Payment: for each billing code that bills the service,
   ``can_bill(profession, code)`` in a view of the payer and date.

Run it with no arguments for a few worked cases, or ask your own::

    python examples/eligibility_check.py LPC psychotherapy --state TX --payer Medicare --on 2025-06-01

The answers describe the curated data, not legal, billing or clinical advice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import mhtaxonomy as mht


def _reasons(verdict: mht.Verdict, label: str) -> list[str]:
    """Each fact behind a yes, in words with its sources (``Verdict.explanation``)."""
    explanation = verdict.explanation
    if explanation is None:
        return []
    return [f"{label}: {explanation.describe(fact)} [{', '.join(fact.sources)}]" for fact in explanation]


def _recognitions(tax: mht.Taxonomy, who: mht.Entity, payer: str) -> list[str]:
    """Why a payer does not pay: every recognition fact about the profession, whatever its dates."""
    facts = [fact for holder in (who, *tax.broader(who)) for fact in tax.facts(payer, mht.Relation.RECOGNIZES, holder)]
    sentences = [
        f"payment: {tax.get(f.subject).name} recognizes {tax.get(f.object).name}"
        + (f" from {f.valid_from.isoformat()}" if f.valid_from else "")
        + (f" until {f.valid_until.isoformat()}" if f.valid_until else "")
        + f" [{', '.join(f.sources)}]"
        for f in facts
    ]
    return sentences or [f"payment: no fact says {tax.get(payer).name} recognizes {who.name} as a billing provider"]


def check(
    tax: mht.Taxonomy,
    profession: str,
    service: str,
    *,
    state: str | None = None,
    payer: str | None = None,
    on: str | dt.date | None = None,
) -> tuple[bool, str, list[str]]:
    """Whether ``profession`` may offer ``service`` in ``state``, paid by ``payer``, on ``on``.

    Returns the yes or no, a one-line summary and the reasons.
    """
    where = tax.where(jurisdiction=state, on=on)
    who, what = tax.get(profession), tax.get(service)
    place = f" in {where.get(state).name}" if state else ""
    scope = where.can_provide(who, what)
    if scope.qualifiers is None:
        return False, f"No: {who.name} may not provide {what.name}{place}.", [str(scope)]
    terms = "only under a licensed supervisor" if scope.qualifiers.supervised else "on their own licence"
    reasons = _reasons(scope, "scope")
    if payer is None:
        return True, f"Yes: {who.name} may provide {what.name}{place}, {terms}.", reasons

    paying = where.where(payer=payer)
    payer_name, day = tax.get(payer).name, paying.context.date.isoformat()
    services = {what.id, *tax.narrower(what).ids}
    codes = sorted({fact.subject for fact in tax.facts(relation="bills") if fact.object in services})
    billable = {code: paying.can_bill(who, code) for code in codes}
    paid = [tax.get(code, kind=mht.BillingCode).code for code, verdict in billable.items() if verdict]
    if not paid:
        return (
            False,
            f"In scope but not billable: {who.name} may provide {what.name}{place}, {terms}, "
            f"but {payer_name} does not pay them for it on {day}.",
            reasons + _recognitions(tax, who, payer),
        )
    first = next(verdict for verdict in billable.values() if verdict)
    payment = [r for r in _reasons(first, "payment") if " recognizes " in r or " covers " in r]
    return (
        True,
        f"Yes: {who.name} may provide {what.name}{place}, {terms}, and bill {payer_name} on {day} with {', '.join(paid)}.",
        reasons + payment,
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
    _, summary, reasons = check(tax, profession, service, state=state, payer=payer, on=on)
    context = ", ".join(part for part in (state, payer, on) if part)
    print(f"{profession} / {service}" + (f" ({context})" if context else ""))
    print(f"  {summary}")
    for reason in reasons:
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
