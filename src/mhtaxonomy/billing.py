"""Billing: which code fits a session, who may bill a code, and claim checks.

The codes, their time windows, add-on and same-day rules, payer coverage and
recognition are all data (``billing_codes.toml`` and ``facts/billing.toml``);
this module holds the rules that read them.

Assumptions, each read from the graph:

- A code *bills* services; whoever bills it must be able to provide every one
  of them on their own (:func:`~mhtaxonomy.queries.who_can_provide` with
  ``independently=True``), or under supervision when the view's payer
  recognizes their profession as a billing practitioner (Medicare pays
  physician assistants directly although they practise under supervision).
- An add-on code (``add_on``) is billed only with one of the codes it is
  ``add_on_to``, by someone who may bill that primary code.
- A code that ``requires`` credentials may be billed only by a profession
  holding at least one of them (the facts list the alternatives).
- A payer's ``recognizes`` facts list the professions it pays. The list
  applies to a code when it names at least one profession able to provide the
  code's services; a list about other services (Medicaid's peer specialists)
  says nothing about psychotherapy.
- A payer's ``covers`` facts list the codes it pays, code set by code set: a
  payer that lists some HCPCS codes pays no other HCPCS code, and says nothing
  about CPT codes unless it lists CPT codes too. A code whose ``bills`` facts
  name payers (the Medicaid H-codes) is billed only to them.
- A code is in use from its ``valid_from`` up to, not including, its
  ``valid_until``.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from . import queries
from .model import BillingCode, Entity, Fact, Kind, Profession, Relation

if TYPE_CHECKING:
    from .queries import Answer
    from .taxonomy import Ref, Taxonomy

__all__ = ["MAX_CLAIM_MINUTES", "MAX_SESSION_MINUTES", "SAME_DAY_EM", "ClaimCheck", "Problem", "check_claim", "codes_for_session", "who_can_bill"]

#: The requirement that marks the psychotherapy add-ons billed with an E/M visit.
SAME_DAY_EM = "same-day-em-visit"

#: The longest session :func:`codes_for_session` codes: one day. Longer is refused, so the
#: answer (one add-on unit per 30 minutes past the primary code) stays a few dozen codes.
MAX_SESSION_MINUTES = 24 * 60

#: The most minutes :func:`check_claim` accepts: a month's care-management time (31 days).
MAX_CLAIM_MINUTES = 31 * 24 * 60

#: Shorter sessions than every code of the service allows are coded as the broader service:
#: crisis psychotherapy under 30 minutes is ordinary psychotherapy (90832, or 90833 with an
#: E/M visit), per AAPC-CRISIS (a 24-minute crisis session is 90832), HEADWAY and
#: services-codes.md section 1b. No other service has such a rule in the sources.
_BELOW_MINIMUM = {"crisis-psychotherapy": "psychotherapy"}

#: ICD-10-CM code shapes (a letter other than U, two characters, an optional decimal part).
_ICD_10_CM = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$", re.IGNORECASE)

Path = tuple[Fact, ...]
Memo = dict[str, dict[str, Path]]


@attrs.frozen(kw_only=True)
class Problem:
    """One reason a claim would be refused, with the facts and sources behind it.

    ``facts`` are the graph facts that state the rule; ``cited`` names further
    sources (those of a code or payer record) for rules the records carry
    themselves, such as a code's time window.
    """

    message: str
    codes: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    cited: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The ids of the sources behind the problem, in order of first mention."""
        return tuple(dict.fromkeys([*(s for fact in self.facts for s in fact.sources), *self.cited]))

    def __str__(self) -> str:
        return f"{self.message} [{', '.join(self.sources)}]" if self.sources else self.message


@attrs.frozen(kw_only=True)
class ClaimCheck:
    """The result of :func:`check_claim`: ``ok`` when ``problems`` is empty.

    A ``ClaimCheck`` is true when the claim is ok, so ``if tax.check_claim(...)``
    reads naturally.
    """

    codes: tuple[BillingCode, ...]
    problems: tuple[Problem, ...]
    profession: Profession | None = None

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        who = f" by {self.profession.name}" if self.profession else ""
        head = f"claim {' + '.join(c.code for c in self.codes)}{who}: " + ("ok" if self.ok else "refused")
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "codes": [c.code for c in self.codes],
            "profession": self.profession.id if self.profession else None,
            "ok": self.ok,
            "problems": [
                {
                    "message": p.message,
                    "codes": list(p.codes),
                    "facts": [f.id for f in p.facts],
                    "sources": list(p.sources),
                }
                for p in self.problems
            ],
        }


# -- small readers of the data ------------------------------------------------------------


def _in_force(code: BillingCode, on: dt.date) -> bool:
    started = code.valid_from is None or code.valid_from <= on
    return started and (code.valid_until is None or on < code.valid_until)


def _billing_code(tax: Taxonomy, ref: Ref, question: str) -> BillingCode:
    entity = tax._get_kind(ref, Kind.BILLING_CODE, question=question)
    assert isinstance(entity, BillingCode)
    return entity


def _check_minutes(minutes: object, most: int) -> int:
    """``minutes`` as an int: any integer type (numpy's too), from 0 to ``most``."""
    if isinstance(minutes, bool):
        raise TypeError(f"minutes must be a whole number of minutes (an int), not the bool {minutes!r}")
    try:
        whole = operator.index(minutes)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"minutes must be a whole number of minutes (an int), got {type(minutes).__name__} {minutes!r:.40}"
        ) from None
    if whole < 0:
        raise ValueError(f"minutes cannot be negative, got {whole}")
    if whole > most:
        raise ValueError(f"minutes must be at most {most}, got {whole}")
    return whole


def _check_flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r:.40}")
    return value


def _codes(tax: Taxonomy, ids: Iterable[str]) -> list[BillingCode]:
    found = {i: tax._entity(i) for i in ids}
    return sorted((c for c in found.values() if isinstance(c, BillingCode)), key=lambda c: (c.system, c.code))


def _billed_by(tax: Taxonomy, service: str) -> list[BillingCode]:
    """The codes whose ``bills`` facts name exactly ``service``."""
    return _codes(tax, (fact.subject for fact in tax._in(service, Relation.BILLS)))


def _needs_em(tax: Taxonomy, code: BillingCode) -> bool:
    return any(fact.object == SAME_DAY_EM for fact in tax._out(code.id, Relation.REQUIRES))


def _unit_add_on(tax: Taxonomy, primary: BillingCode) -> BillingCode | None:
    """The per-unit add-on that carries time past ``primary``'s window (90840 for 90839)."""
    add_ons = _codes(tax, (fact.subject for fact in tax._in(primary.id, Relation.ADD_ON_TO)))
    timed = [c for c in add_ons if c.unit_minutes and _in_force(c, tax.context.date)]
    same_system = [c for c in timed if c.system == primary.system]
    return next(iter(same_system or timed), None)


def _units(primary: BillingCode, add_on: BillingCode, minutes: int) -> int:
    """Units of ``add_on`` for ``minutes``: one per ``unit_minutes`` begun after ``primary``'s window."""
    if primary.max_minutes is None or add_on.unit_minutes is None or minutes <= primary.max_minutes:
        return 0
    return math.ceil((minutes - primary.max_minutes) / add_on.unit_minutes)


def _preferred(codes: list[BillingCode]) -> list[BillingCode]:
    # HCPCS Level II codes that mirror a CPT code for one payer or setting (G0017 for crisis
    # care outside the office) are not what a session's length chooses; the CPT code is.
    cpt = [c for c in codes if c.system == "cpt"]
    return cpt or codes


def _dedupe(path: Iterable[Fact]) -> Path:
    return tuple({fact.id: fact for fact in path}.values())


# -- payers -------------------------------------------------------------------------------


def _coverage(tax: Taxonomy, code: BillingCode) -> tuple[bool, Path]:
    """Whether the view's payer pays ``code``, and the ``covers`` fact that says so."""
    payer = tax.context.payer
    if payer is None:
        return True, ()
    covers = tax._out(payer, Relation.COVERS)
    for fact in covers:
        if fact.object == code.id:
            return True, (fact,)
    services = {
        above
        for bill in tax._out(code.id, Relation.BILLS)
        for above in queries._upward(tax, bill.object)
    }
    for fact in covers:
        if fact.object in services:
            return True, (fact,)
    listed = any(
        isinstance(target := tax._entity(fact.object), BillingCode) and target.system == code.system
        for fact in tax._out_anywhere(payer, Relation.COVERS)
    )
    return not listed, ()


def _recognition(tax: Taxonomy, profession: str) -> Path | None:
    """The facts by which the view's payer recognizes ``profession`` (or a broader one), if any."""
    payer = tax.context.payer
    if payer is None:
        return None
    recognized = {fact.object: fact for fact in tax._out(payer, Relation.RECOGNIZES)}
    for node, chain in queries._upward(tax, profession).items():
        if node in recognized:
            return chain + (recognized[node],)
    return None


def _recognition_applies(tax: Taxonomy, candidates: Iterable[str]) -> bool:
    """Whether the payer's list of recognized professions speaks about these candidates."""
    payer = tax.context.payer
    if payer is None:
        return False
    listed = {fact.object for fact in tax._out_anywhere(payer, Relation.RECOGNIZES)}
    return any(not listed.isdisjoint(queries._upward(tax, member)) for member in candidates)


# -- who may bill -------------------------------------------------------------------------


def _providers(tax: Taxonomy, code: BillingCode, independently: bool) -> dict[str, Path]:
    # A group (therapist, prescriber) is not who enrols with a payer and signs a claim.
    answer = queries.who_can_provide(tax, code, independently=independently)
    return {
        entity.id: answer.why(entity).facts
        for entity in answer
        if not (isinstance(entity, Profession) and entity.group)
    }


def _holding(tax: Taxonomy, profession: str, credentials: set[str]) -> tuple[Path, str] | None:
    for node, chain in queries._upward(tax, profession).items():
        for holding in tax._out(node, Relation.HOLDS):
            if holding.object in credentials:
                return chain + (holding,), holding.object
    return None


def _required_credentials(tax: Taxonomy, code: BillingCode) -> list[Fact]:
    return [
        fact
        for fact in tax._out(code.id, Relation.REQUIRES)
        if tax._entity(fact.object).kind is Kind.CREDENTIAL
    ]


def _billers(tax: Taxonomy, code: BillingCode, memo: Memo, active: set[str]) -> dict[str, Path]:
    """Professions that may bill ``code`` in the view, each with the facts that allow it."""
    if code.id in memo:
        return memo[code.id]
    if code.id in active:  # add-ons of add-ons: never loop
        return {}
    active.add(code.id)
    try:
        found = _billers_of(tax, code, memo, active)
    finally:
        active.discard(code.id)
    memo[code.id] = found
    return found


def _billers_of(tax: Taxonomy, code: BillingCode, memo: Memo, active: set[str]) -> dict[str, Path]:
    if not _in_force(code, tax.context.date):
        return {}
    covered, cover = _coverage(tax, code)
    if not covered:
        return {}
    candidates: dict[str, Path] | None = None
    if tax._out(code.id, Relation.BILLS):
        candidates = _providers(tax, code, independently=True)
        if tax.context.payer is not None:
            everyone = _providers(tax, code, independently=False)
            if _recognition_applies(tax, everyone):
                recognized = {}
                for member, path in everyone.items():
                    chain = _recognition(tax, member)
                    if chain is not None:
                        recognized[member] = candidates.get(member, path) + chain
                candidates = recognized
    elif not code.add_on:
        return {}
    primaries = [
        (fact, tax._entity(fact.object))
        for fact in sorted(tax._out(code.id, Relation.ADD_ON_TO), key=lambda f: f.object)
    ]
    if code.add_on and primaries:
        reachable = [
            (fact, _billers(tax, primary, memo, active))
            for fact, primary in primaries
            if isinstance(primary, BillingCode)
        ]
        if candidates is None:
            candidates = {}
            for fact, found in reachable:
                for member, path in found.items():
                    candidates.setdefault(member, (fact,) + path)
        else:
            kept = {}
            for member, path in candidates.items():
                for fact, found in reachable:
                    if member in found:
                        kept[member] = path + (fact,) + found[member]
                        break
            candidates = kept
    if candidates is None:  # an add-on that bills nothing and names no primary
        return {}
    required = _required_credentials(tax, code)
    if required:
        by_credential = {fact.object: fact for fact in required}
        kept = {}
        for member, path in candidates.items():
            held = _holding(tax, member, set(by_credential))
            if held is not None:
                chain, credential = held
                kept[member] = path + chain + (by_credential[credential],)
        candidates = kept
    return {member: _dedupe(path + cover) for member, path in candidates.items()}


def who_can_bill(tax: Taxonomy, code: Ref) -> Answer:
    """The professions that may bill ``code`` under the view's payer and date.

    Starts from who may provide every service the code bills on their own
    (see the module's assumptions for supervised professions a payer pays
    directly), then keeps those the view's payer recognizes on the view's
    date, nobody if the payer does not cover the code or the code is not in
    use, those holding one of the credentials the code requires, and, for an
    add-on code, those who may bill one of its primary codes. Without a payer
    in the view no payer rule applies. Each member's ``why()`` shows the whole
    chain of facts, including the payer's ``recognizes`` and ``covers`` facts.

    Parameters
    ----------
    code:
        A billing code: its id (``"cpt-90837"``), its code (``"90837"``) or name.

    Returns
    -------
    Answer
        A set of professions.

    Raises
    ------
    UnknownEntityError, WrongKindError
        If ``code`` names nothing, or names something that is not a billing code.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> "lpc" in tax.where(payer="Medicare", on="2023-06-01").who_can_bill("90837")
    False
    >>> "lpc" in tax.where(payer="Medicare", on="2025-06-01").who_can_bill("90837")
    True
    """
    entity = _billing_code(tax, code, "who_can_bill")
    paths = _billers(tax, entity, {}, set())
    payer = tax.context.payer
    to = f" to {tax._entity(payer).name}" if payer else ""
    question = f"who can bill {entity.code} ({entity.name}){to} on {tax.context.date.isoformat()}"
    return queries.Answer(tax, question, queries._with_groups(tax, paths))  # groups listed as who_can_provide lists them


# -- which code for a session ------------------------------------------------------------------


def codes_for_session(
    tax: Taxonomy, minutes: int, service: Ref = "psychotherapy", with_em: bool = False
) -> tuple[BillingCode, ...]:
    """The codes for one session of ``minutes`` minutes of ``service``.

    The candidates are the codes in use that bill exactly ``service`` (and that
    the view's payer covers); the session's length picks the one whose time
    window holds it, never several of them. A code with a per-unit add-on
    (90839 with 90840) takes one unit of the add-on for each ``unit_minutes``
    begun after its window ends, so a unit appears in the tuple once per unit.
    With ``with_em=True`` the candidates are instead the add-on codes billed
    with an E/M visit (those requiring a same-day E/M visit): 90833, 90836,
    90838. A session shorter than every code allows gives an empty tuple,
    except for crisis psychotherapy, which is coded as ordinary psychotherapy
    below 30 minutes. Where CPT and HCPCS codes both fit, the CPT code is
    chosen (HCPCS G0017 mirrors 90839 for crisis care outside the office).

    Parameters
    ----------
    minutes:
        The session's length in whole minutes (psychotherapy time, not
        charting): any integer type, from 0 to :data:`MAX_SESSION_MINUTES`
        (1440, one day), so the answer has at most a few dozen codes.
    service:
        A service, such as ``"psychotherapy"``, ``"crisis psychotherapy"`` or
        ``"family psychotherapy with the patient present"``.
    with_em:
        Whether the session is done in the same encounter as an E/M visit.

    Returns
    -------
    tuple of BillingCode
        The codes to bill, add-on units repeated; empty when no code fits.

    Raises
    ------
    TypeError
        If ``minutes`` is not a whole number or ``with_em`` is not a bool.
    ValueError
        If ``minutes`` is negative or more than :data:`MAX_SESSION_MINUTES`; if the service's codes are not chosen by
        time (group psychotherapy) or are E/M visits (chosen by medical
        decision making or a total-time threshold); if codes that differ in something other
        than time fit (family psychotherapy with or without the patient: ask
        for the narrower service); if no E/M add-on bills the service.
    UnknownEntityError, WrongKindError
        If ``service`` names nothing, or something that is not a service.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> [c.code for c in tax.codes_for_session(50)]
    ['90834']
    >>> [c.code for c in tax.codes_for_session(50, with_em=True)]
    ['90836']
    >>> [c.code for c in tax.codes_for_session(110, "crisis psychotherapy")]
    ['90839', '90840', '90840']
    >>> tax.codes_for_session(15)
    ()
    """
    minutes = _check_minutes(minutes, MAX_SESSION_MINUTES)
    with_em = _check_flag(with_em, "with_em")
    entity = tax._get_kind(service, Kind.SERVICE, question="codes_for_session")
    billing = _billed_by(tax, entity.id)
    if billing and not any(not c.add_on and c.min_minutes is not None for c in billing):
        listed = ", ".join(c.code for c in billing if not c.add_on)
        raise ValueError(f"{entity.name} is not billed by time: its codes ({listed}) are billed per {billing[0].per}")
    visits = [c for c in billing if not c.add_on and c.per == "visit" and c.min_minutes is not None]
    if visits:
        # Since CPT 2024 an E/M visit's minutes are a threshold met or exceeded, and the level may
        # instead follow medical decision making; new and established patients have their own codes.
        thresholds = ", ".join(f"{c.code} {c.min_minutes}+" for c in visits)
        raise ValueError(
            f"{entity.name} is not chosen by session length alone: each level is chosen by medical decision "
            f"making or by total time meeting or exceeding its threshold ({thresholds} minutes), "
            "with separate codes for new and established patients"
        )
    usable = [code for code in billing if _in_force(code, tax.context.date) and _coverage(tax, code)[0]]
    timed = [code for code in usable if not code.add_on and code.min_minutes is not None]
    if not timed:
        return ()
    fallback = _BELOW_MINIMUM.get(entity.id)
    if fallback is not None and minutes < min(code.min_minutes or 0 for code in timed):
        return codes_for_session(tax, minutes, fallback, with_em=with_em)
    if with_em:
        pool = [c for c in usable if c.add_on and c.min_minutes is not None and _needs_em(tax, c)]
        if not pool:
            raise ValueError(f"no code bills {entity.name} as an add-on to an E/M visit; bill it on its own")
    else:
        pool = timed
    pool = _preferred(pool)
    fitting = [
        c for c in pool if (c.min_minutes or 0) <= minutes and (c.max_minutes is None or minutes <= c.max_minutes)
    ]
    if len(fitting) > 1:
        raise ValueError(_ambiguous(tax, entity, minutes, fitting))
    if fitting:
        return (fitting[0],)
    for primary in sorted(pool, key=lambda c: -(c.max_minutes or 0)):
        if primary.max_minutes is not None and minutes > primary.max_minutes:
            add_on = _unit_add_on(tax, primary)
            if add_on is not None:
                return (primary,) + (add_on,) * _units(primary, add_on, minutes)
    return ()


def _ambiguous(tax: Taxonomy, service: Entity, minutes: int, codes: list[BillingCode]) -> str:
    listed = "; ".join(f"{c.code} ({c.name})" for c in codes)
    message = f"{minutes} minutes of {service.name} fit codes that differ in something other than time: {listed}"
    narrower = set(queries._downward(tax, service.id)) - {service.id}
    options = sorted(
        {tax._entity(f.object).name for c in codes for f in tax._out(c.id, Relation.BILLS) if f.object in narrower}
    )
    if options:
        message += "; ask for one of: " + ", ".join(repr(o) for o in options)
    return message


# -- claim checks ------------------------------------------------------------------------------


def check_claim(
    tax: Taxonomy,
    codes: Sequence[Ref],
    *,
    profession: Ref,
    minutes: int | None = None,
    diagnosis: Ref | None = None,
) -> ClaimCheck:
    """Check one day's codes billed by one profession.

    Each problem is a sentence with the facts (and so the sources) behind it:

    - an add-on code without one of its primary codes;
    - codes that may not be billed together on one day (``excludes`` facts),
      and a code billed more often than once per ``per`` (day, session, visit,
      month or course);
    - a code not in use on the view's date, or not covered by the view's payer;
    - a profession that may not bill a code under the view's payer and date
      (see :func:`who_can_bill`), with the reason;
    - a code that needs a diagnosed mental disorder when ``diagnosis`` is
      missing or is not a mental disorder, and a diagnosis code that is not a
      billable ICD-10-CM code;
    - ``minutes`` outside a timed code's window, or the wrong number of
      add-on units for them. E/M visits (``per = "visit"``) are chosen by
      medical decision making or total time, so ``minutes`` is not checked
      against them.

    Parameters
    ----------
    codes:
        The codes billed, add-on units repeated (``["90839", "90840"]``); a
        single string is one code.
    profession:
        The billing profession (not a group such as *therapist*).
    minutes:
        The timed service's minutes: psychotherapy time, or a month's
        care-management time for the monthly codes; any integer type, from 0
        to :data:`MAX_CLAIM_MINUTES` (44,640, a 31-day month).
    diagnosis:
        A condition (name, id or ICD-10-CM code). An ICD-10-CM code the data
        do not hold is checked against the ICD-10-CM code set (the optional
        ``icd`` extra, simple-icd-10-cm): a code that does not exist, or a
        category that is not billable, is a problem; an F-code is a mental
        disorder.

    Returns
    -------
    ClaimCheck
        ``ok`` with no problems, or the problems found.

    Raises
    ------
    UnknownEntityError, WrongKindError
        For a code, profession or diagnosis that names nothing or the wrong kind.
    TypeError
        For ``codes`` that are not a code or a sequence of codes, or
        ``minutes`` that are not a whole number.
    ValueError
        For an empty claim, a group of professions, or minutes below 0 or
        above :data:`MAX_CLAIM_MINUTES`.
    ImportError
        For a diagnosis code the data do not hold when simple-icd-10-cm
        (``pip install "mhtaxonomy[icd]"``) is not installed.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> result = tax.check_claim(["90833"], profession="psychiatrist", diagnosis="F32.1")
    >>> result.ok
    False
    >>> print(result.problems[0].message)
    90833 is an add-on code: it is billed only with one of 99202, ... on the same claim, and none is there
    >>> tax.check_claim(["99213", "90833"], profession="psychiatrist", minutes=30, diagnosis="F32.1").ok
    True
    """
    if isinstance(codes, str | Entity):
        refs: list[object] = [codes]
    elif isinstance(codes, Iterable):
        refs = list(codes)
    else:
        raise TypeError(f"codes must be a code or a sequence of codes, got {type(codes).__name__} {codes!r:.40}")
    if not refs:
        raise ValueError("a claim needs at least one code")
    for ref in refs:
        if not isinstance(ref, str | Entity):
            raise TypeError(f"each code must be a string or a billing code, got {type(ref).__name__} {ref!r:.40}")
    billed = tuple(_billing_code(tax, ref, "check_claim") for ref in refs)  # type: ignore[arg-type]
    who = tax._get_kind(profession, Kind.PROFESSION, question="check_claim")
    assert isinstance(who, Profession)
    if who.group:
        members = ", ".join(sorted(fact.subject for fact in tax._in(who.id, Relation.IS_A)))
        raise ValueError(f"check_claim needs one profession, not the group {who.name}; its members are {members}")
    if minutes is not None:
        minutes = _check_minutes(minutes, MAX_CLAIM_MINUTES)
    unique = list({code.id: code for code in billed}.values())
    counts = Counter(code.id for code in billed)
    problems = [
        *_add_on_problems(tax, unique, counts),
        *_exclusion_problems(tax, unique),
        *_repeat_problems(unique, counts),
        *_payer_problems(tax, unique, who),
        *_diagnosis_problems(tax, unique, diagnosis),
        *(_minutes_problems(tax, unique, counts, minutes) if minutes is not None else ()),
    ]
    return ClaimCheck(codes=billed, problems=tuple(problems), profession=who)


def _add_on_problems(tax: Taxonomy, codes: list[BillingCode], counts: Counter[str]) -> list[Problem]:
    problems = []
    for code in codes:
        if not code.add_on:
            continue
        links = sorted(tax._out(code.id, Relation.ADD_ON_TO), key=lambda f: f.object)
        if any(fact.object in counts for fact in links):
            continue
        primaries = ", ".join(tax._entity(fact.object).code for fact in links)  # type: ignore[attr-defined]
        needs = [fact for fact in tax._out(code.id, Relation.REQUIRES) if fact.object == SAME_DAY_EM]
        problems.append(
            Problem(
                message=f"{code.code} is an add-on code: it is billed only with one of {primaries or 'its primary codes'}"
                " on the same claim, and none is there",
                codes=(code.code,),
                facts=tuple(links) + tuple(needs),
                cited=() if links else code.sources,
            )
        )
    return problems


def _exclusion_problems(tax: Taxonomy, codes: list[BillingCode]) -> list[Problem]:
    problems = []
    for index, first in enumerate(codes):
        for second in codes[index + 1 :]:
            rules = [
                fact
                for a, b in ((first, second), (second, first))
                for fact in tax._out(a.id, Relation.EXCLUDES)
                if fact.object == b.id
            ]
            if rules:
                problems.append(
                    Problem(
                        message=f"{first.code} and {second.code} may not be billed on the same day by the same clinician",
                        codes=(first.code, second.code),
                        facts=tuple(rules),
                    )
                )
    return problems


_ONCE_PER = ("session", "day", "visit", "month", "course")


def _repeat_problems(codes: list[BillingCode], counts: Counter[str]) -> list[Problem]:
    return [
        Problem(
            message=f"{code.code} is billed once per {code.per}, not {counts[code.id]} times",
            codes=(code.code,),
            cited=code.sources,
        )
        for code in codes
        if code.per in _ONCE_PER and counts[code.id] > 1
    ]


def _payer_problems(tax: Taxonomy, codes: list[BillingCode], who: Profession) -> list[Problem]:
    problems = []
    memo: Memo = {}
    for code in codes:
        found = _availability_problem(tax, code)
        if found is not None:
            problems.append(found)
            continue
        if who.id not in _billers(tax, code, memo, set()):
            problems.extend(_eligibility_problems(tax, code, who, memo))
    return problems


def _availability_problem(tax: Taxonomy, code: BillingCode) -> Problem | None:
    """Why ``code`` cannot be billed at all in the view (not in use, not covered), if it cannot."""
    on = tax.context.date
    if not _in_force(code, on):
        since = f"from {code.valid_from.isoformat()}" if code.valid_from and on < code.valid_from else ""
        until = f"until {code.valid_until.isoformat()}" if code.valid_until and on >= code.valid_until else ""
        return Problem(
            message=f"{code.code} is not in use on {on.isoformat()}: it applies only {since or until}",
            codes=(code.code,),
            cited=code.sources,
        )
    if _coverage(tax, code)[0]:
        return None
    payer = tax._entity(tax.context.payer)  # type: ignore[arg-type]
    dated = [fact for fact in tax._out_anywhere(payer.id, Relation.COVERS) if fact.object == code.id]
    if dated:
        fact = dated[0]
        when = (
            f"only from {fact.valid_from.isoformat()}"
            if fact.valid_from and on < fact.valid_from
            else f"only until {fact.valid_until.isoformat() if fact.valid_until else ''}"
        )
        return Problem(message=f"{payer.name} covers {code.code} {when}", codes=(code.code,), facts=(fact,))
    return Problem(
        message=f"{payer.name} does not cover {code.code}: it is not among the {code.system.upper()} codes "
        f"{payer.name} is recorded to pay",
        codes=(code.code,),
        cited=(*code.sources, *payer.sources),
    )


def _eligibility_problems(
    tax: Taxonomy, code: BillingCode, who: Profession, memo: Memo
) -> list[Problem]:
    """Why ``who`` may not bill ``code``: the rules it fails, each with its facts."""
    problems = []
    recognized = _recognition(tax, who.id) is not None
    everyone = _providers(tax, code, independently=False) if tax._out(code.id, Relation.BILLS) else {}
    applies = _recognition_applies(tax, everyone)
    payer = tax._entity(tax.context.payer) if tax.context.payer else None
    if payer is not None and applies and not recognized:
        dated = [
            fact
            for node in queries._upward(tax, who.id)
            for fact in tax._out_anywhere(payer.id, Relation.RECOGNIZES)
            if fact.object == node
        ]
        if dated:
            fact = dated[0]
            when = f"from {fact.valid_from.isoformat()}" if fact.valid_from else f"until {fact.valid_until}"
            problems.append(
                Problem(
                    message=f"{payer.name} pays {who.name} as a billing practitioner only {when}, "
                    f"not on {tax.context.date.isoformat()}",
                    codes=(code.code,),
                    facts=(fact,),
                )
            )
        else:
            problems.append(
                Problem(
                    message=f"{payer.name} does not pay {who.name} as a billing practitioner",
                    codes=(code.code,),
                    cited=payer.sources,
                )
            )
    for bill in tax._out(code.id, Relation.BILLS):
        gap = _service_gap(tax, who, bill, supervised_ok=recognized and applies)
        if gap is not None:
            message, facts = gap
            problems.append(Problem(message=f"{message}, and {code.code} bills it", codes=(code.code,), facts=facts))
    required = _required_credentials(tax, code)
    if required and _holding(tax, who.id, {fact.object for fact in required}) is None:
        names = [tax._entity(fact.object).name for fact in required]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        problems.append(
            Problem(
                message=f"{code.code} is billed only by a holder of {listed}; {who.name} holds none of them",
                codes=(code.code,),
                facts=tuple(required),
            )
        )
    links = sorted(tax._out(code.id, Relation.ADD_ON_TO), key=lambda f: f.object)
    if code.add_on and links and not problems:
        primaries = [tax._entity(fact.object) for fact in links]
        billable = [p for p in primaries if isinstance(p, BillingCode) and who.id in _billers(tax, p, memo, set())]
        if not billable:
            reasons: list[Fact] = []
            for primary in primaries:
                if isinstance(primary, BillingCode):
                    for problem in _eligibility_problems(tax, primary, who, memo):
                        reasons.extend(problem.facts)
                    break
            problems.append(
                Problem(
                    message=f"{who.name} may bill none of the codes {code.code} is added to "
                    f"({', '.join(p.code for p in primaries if isinstance(p, BillingCode))})",
                    codes=(code.code,),
                    facts=_dedupe([*links, *reasons]),
                )
            )
    if not problems:
        problems.append(Problem(message=f"{who.name} may not bill {code.code} here", codes=(code.code,), cited=code.sources))
    return problems


def _service_gap(tax: Taxonomy, who: Profession, bill: Fact, supervised_ok: bool) -> tuple[str, Path] | None:
    """Why ``who`` may not provide the service ``bill`` names, with the facts granting it to others."""
    service = tax._entity(bill.object)
    if who.id in queries.who_can_provide(tax, service, independently=not supervised_ok).ids:
        return None
    grants = [
        grant
        for above in queries._upward(tax, service.id)
        for grant in tax._in(above, Relation.AUTHORIZES)
    ]
    if who.id in queries.who_can_provide(tax, service).ids:
        message = f"{who.name} may provide {service.name} only under supervision"
    else:
        message = f"{who.name} may not provide {service.name}"
    return message, _dedupe([bill, *grants])


def _diagnosis_problems(tax: Taxonomy, codes: list[BillingCode], diagnosis: Ref | None) -> list[Problem]:
    needing = queries.what_requires_diagnosis(tax)
    relevant = [code for code in codes if code.id in needing.ids]
    if diagnosis is None:
        return [
            Problem(
                message=f"{code.code} needs a diagnosed mental disorder (medical necessity), and no diagnosis was given",
                codes=(code.code,),
                facts=needing.why(code).facts,
            )
            for code in relevant
        ]
    # A bad diagnosis is an error even when no code needs one.
    mental, label, invalid = _read_diagnosis(tax, diagnosis)
    if invalid is not None:
        return [Problem(message=invalid, codes=tuple(code.code for code in codes), cited=("ICD",))]
    if mental:
        return []
    return [
        Problem(
            message=f"{code.code} needs a diagnosed mental disorder, and {label} is not one "
            "(ICD-10-CM mental disorders are F-codes)",
            codes=(code.code,),
            facts=needing.why(code).facts,
        )
        for code in relevant
    ]


def _read_diagnosis(tax: Taxonomy, diagnosis: Ref) -> tuple[bool, str, str | None]:
    """Whether ``diagnosis`` is a mental disorder, how to name it, and why it is no valid code (if it is not)."""
    if isinstance(diagnosis, str):
        text = diagnosis.strip()
        try:
            entity = tax.get(text)
        except KeyError as error:
            if not hasattr(error, "suggestions") or not _ICD_10_CM.match(text):
                raise
            code = text.upper()
            return code.startswith("F"), code, _icd_10_cm_problem(code)
    else:
        entity = tax.get(diagnosis)
    tax._get_kind(entity, Kind.CONDITION, question="check_claim's diagnosis")
    icd = [code for code in entity.codes if code.system.casefold() == "icd-10-cm"]
    mental = not icd or any(code.value.upper().startswith("F") for code in icd)
    return mental, entity.name, None


def _icd_10_cm_problem(code: str) -> str | None:
    """Why ``code`` cannot stand on a claim as a diagnosis, read from the ICD-10-CM code set, if it cannot."""
    try:
        import simple_icd_10_cm as icd  # the ICD-10-CM code set; imported only when a code needs checking
    except ImportError as error:
        raise ImportError(
            f"checking the diagnosis code {code} against ICD-10-CM needs the simple-icd-10-cm package: "
            'pip install "mhtaxonomy[icd]"'
        ) from error
    if not icd.is_valid_item(code):
        return f"{code} is not an ICD-10-CM code"
    if not icd.is_leaf(code):
        return f"{code} is an ICD-10-CM category, not a billable code: a claim takes one of its most specific codes"
    return None


def _minutes_problems(tax: Taxonomy, codes: list[BillingCode], counts: Counter[str], minutes: int) -> list[Problem]:
    problems = []
    ids = set(counts)
    for code in codes:
        if code.per == "visit":
            continue
        if code.add_on and code.unit_minutes is not None:
            for fact in tax._out(code.id, Relation.ADD_ON_TO):
                primary = tax._entity(fact.object)
                if fact.object not in ids or not isinstance(primary, BillingCode) or primary.max_minutes is None:
                    continue
                expected = _units(primary, code, minutes)
                if counts[code.id] != expected:
                    problems.append(
                        Problem(
                            message=f"{minutes} minutes take {expected} unit(s) of {code.code} after "
                            f"{primary.code}'s first {primary.max_minutes} minutes, not {counts[code.id]}",
                            codes=(primary.code, code.code),
                            facts=(fact,),
                            cited=(*primary.sources, *code.sources),
                        )
                    )
            continue
        if code.min_minutes is None:
            continue
        if minutes < code.min_minutes:
            problems.append(
                Problem(
                    message=f"{code.code} needs at least {code.min_minutes} minutes, not {minutes}",
                    codes=(code.code,),
                    cited=code.sources,
                )
            )
        elif code.max_minutes is not None and minutes > code.max_minutes:
            add_on = _unit_add_on(tax, code)
            if add_on is not None and add_on.id in ids:
                continue
            if add_on is not None:
                units = _units(code, add_on, minutes)
                message = (
                    f"{code.code} covers up to {code.max_minutes} minutes; the time beyond takes "
                    f"{units} unit(s) of {add_on.code}"
                )
                cited = (*code.sources, *add_on.sources)
            else:
                message = f"{code.code} covers {code.min_minutes} to {code.max_minutes} minutes, not {minutes}"
                cited = code.sources
            problems.append(Problem(message=message, codes=(code.code,), cited=cited))
    return problems
