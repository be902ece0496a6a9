"""Practice across state lines: may a clinician licensed in one state serve a client in another?

Practice happens where the client is. A clinician may serve a client in the
state of their own licence; elsewhere only through an interstate compact that
(1) applies to every licence the profession practises under (the NLC covers a
PMHNP's RN licence but not the NP licence, so it gives no NP practice), (2) is
in force and gives a privilege or a multistate licence rather than only
expedited licensure (the IMLC), (3) counts the licence's state as a member, and
(4) lets its holders practise in the client's state on the day asked
(``grants_privileges``), (5) in the way asked: telehealth, or in person within
any yearly limit.

Assumptions: a profession's licences are the ``license`` credentials it (or a
profession it is a kind of) holds in the licence's state; a compact applies to
a licence when it ``applies_to`` that licence or one it is a kind of. The data
list a compact's members only as far as the sources do, so "not a member" may
mean "not recorded".
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import attrs

from .model import Compact, Credential, CredentialType, Fact, Jurisdiction, Kind, Relation

if TYPE_CHECKING:
    from .taxonomy import Ref, Taxonomy

__all__ = ["PATIENT_LOCATIONS", "TelehealthAnswer", "PracticeVerdict", "can_practice", "telehealth"]


@attrs.frozen(kw_only=True)
class PracticeVerdict:
    """The answer to :func:`can_practice`: truthy when practice is allowed.

    ``reason`` says why in one sentence; ``facts`` are the facts behind it (the
    compact's membership and grants, or the link that is missing); ``compact``
    is the compact that allows it (or the one that came closest), if any.
    """

    allowed: bool
    reason: str
    facts: tuple[Fact, ...] = ()
    compact: str | None = None
    limits: str | None = None
    _tax: Taxonomy = attrs.field(repr=False, alias="tax", eq=False)

    def __bool__(self) -> bool:
        return self.allowed

    def why(self) -> str:
        """The verdict, the reason, each fact behind it and the sources they cite."""
        name = lambda ref: self._tax.get(ref).name  # noqa: E731
        lines = [f"{'yes' if self.allowed else 'no'}: {self.reason}"]
        if self.limits:
            lines.append(f"  limits: {self.limits}")
        for fact in self.facts:
            when = f" (from {fact.valid_from.isoformat()})" if fact.valid_from else ""
            lines.append(f"  - {name(fact.subject)} {fact.relation.phrase} {name(fact.object)}{when}  [{', '.join(fact.sources)}]")
        return "\n".join(lines + _source_lines(self._tax, self.facts))


def _licences(view: Taxonomy, profession: str) -> dict[str, Fact]:
    """The licences the profession (or a broader one) holds in the view's state, with the holding fact."""
    found: dict[str, Fact] = {}
    for holder in {profession, *view.broader(profession).ids}:
        for holding in view.facts(holder, Relation.HOLDS):
            credential = view.get(holding.object)
            if isinstance(credential, Credential) and credential.type is CredentialType.LICENSE:
                found.setdefault(credential.id, holding)
    return found


def _applying(view: Taxonomy, licence: str) -> list[tuple[Compact, Fact]]:
    """Compacts that apply to ``licence`` or to a licence it is a kind of."""
    targets = {licence, *view.broader(licence).ids}
    found = []
    for fact in view.facts(relation=Relation.APPLIES_TO):
        compact = view.get(fact.subject)
        if fact.object in targets and isinstance(compact, Compact):
            found.append((compact, fact))
    return found


def _link(view: Taxonomy, place: str, relation: Relation, compact: str) -> Fact | None:
    facts = view.facts(place, relation, compact)
    return facts[0] if facts else None


def _through(
    tax: Taxonomy, compact: Compact, applies: Fact, home: str, client: str, day: datetime.date, telehealth: bool
) -> PracticeVerdict:
    """Whether one compact carries practice from ``home`` to ``client`` on ``day``."""
    view = tax.where(on=day)
    names = {ref: tax.get(ref).name for ref in (home, client)}

    def verdict(allowed: bool, reason: str, *facts: Fact | None, limits: str | None = None) -> PracticeVerdict:
        return PracticeVerdict(
            allowed=allowed,
            reason=reason,
            facts=(applies, *(f for f in facts if f is not None)),
            compact=compact.id,
            limits=limits,
            tax=tax,
        )

    if compact.authority == "expedited_licensure":
        return verdict(False, f"the {compact.name} only speeds up getting a licence in {names[client]}; it gives no right to practise there without one")
    if compact.effective is None or day < compact.effective:
        return verdict(False, f"the {compact.name} is not in force on {day.isoformat()}")
    home_member = _link(view, home, Relation.MEMBER_OF, compact.id)
    if home_member is None:
        return verdict(False, f"{names[home]}, the licence's state, is not a member of the {compact.name} on {day.isoformat()} (as far as the data record)")
    client_member = _link(view, client, Relation.MEMBER_OF, compact.id)
    if client_member is None:
        return verdict(False, f"{names[client]}, where the client is, is not a member of the {compact.name} on {day.isoformat()} (as far as the data record)", home_member)
    grant = _link(view, client, Relation.GRANTS_PRIVILEGES, compact.id)
    if grant is None:
        return verdict(False, f"{names[client]} is a member of the {compact.name} but does not yet let its holders practise there on {day.isoformat()}", home_member, client_member)
    if not telehealth and not compact.in_person:
        return verdict(False, f"the {compact.name} covers telehealth only", home_member, client_member, grant)
    limits = None
    if not telehealth and compact.in_person_days:
        limits = f"in person at most {compact.in_person_days} days a year"
    how = "by telehealth" if telehealth else "in person"
    return verdict(True, f"practice {how} in {names[client]} under the {compact.name}", home_member, client_member, grant, limits=limits)


def can_practice(
    tax: Taxonomy,
    profession: Ref,
    licensed_in: str | Jurisdiction,
    client_in: str | Jurisdiction,
    *,
    on: datetime.date | str | None = None,
    telehealth: bool = True,
) -> PracticeVerdict:
    """Whether ``profession``, licensed in ``licensed_in``, may serve a client in ``client_in``.

    ``on`` is the day asked about (default: the view's date, or today);
    ``telehealth`` false asks about practice in person.

    Returns
    -------
    PracticeVerdict
        Truthy when allowed; ``why()`` gives the licence or the compact facts,
        or the missing link.

    Raises
    ------
    UnknownEntityError
        For an unknown profession or jurisdiction.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> bool(tax.can_practice("psychologist", "TX", "AZ", on="2024-01-01"))
    True
    >>> bool(tax.can_practice("pmhnp", "TX", "FL", on="2024-01-01"))
    False
    """
    who = tax._get_kind(profession, Kind.PROFESSION, question="can_practice")
    home = tax.where(jurisdiction=licensed_in).context.jurisdiction
    client = tax.where(jurisdiction=client_in).context.jurisdiction
    day = tax.where(on=on)._dated().date if on is not None else tax._dated().date
    assert home is not None and client is not None
    home_view = tax.where(jurisdiction=home, on=day)
    licences = _licences(home_view, who.id)
    if home == client:
        return PracticeVerdict(
            allowed=bool(licences),
            reason=f"the client is in {tax.get(home).name}, the state of the licence" if licences else f"the data record no licence for {who.name} in {tax.get(home).name}",
            facts=tuple(licences.values()),
            tax=tax,
        )
    if not licences:
        return PracticeVerdict(allowed=False, reason=f"the data record no licence for {who.name} in {tax.get(home).name}", tax=tax)
    closest: PracticeVerdict | None = None
    carried: list[PracticeVerdict] = []
    for licence, holding in sorted(licences.items()):
        options = [_through(tax, compact, applies, home, client, day, telehealth) for compact, applies in _applying(home_view, licence)]
        allowed = [v for v in options if v]
        if allowed:
            carried.append(allowed[0])
            continue
        reason = (
            f"no compact applies to the {tax.get(licence).name}, which {who.name} practice needs"
            if not options
            else f"the {tax.get(licence).name} is not carried across: " + "; ".join(v.reason for v in options)
        )
        closest = PracticeVerdict(allowed=False, reason=reason, facts=(holding, *(f for v in options for f in v.facts)), compact=options[0].compact if options else None, tax=tax)
        break
    if closest is not None:
        return closest
    first = carried[0]
    return PracticeVerdict(
        allowed=True,
        reason="; ".join(dict.fromkeys(v.reason for v in carried)),
        facts=tuple(dict.fromkeys(f for v in carried for f in v.facts)),
        compact=first.compact,
        limits=first.limits,
        tax=tax,
    )


# -- telehealth ---------------------------------------------------------------------------------

#: The Medicare telehealth rules, by what each decides (ids of requirement records; their dates are facts).
_HOME = "telehealth-home-originating-site-mental-health"
_AUDIO = "telehealth-audio-only-mental-health"
_LEGACY = "telehealth-in-person-pos-with-modifier-95"
_POS_HOME = "telehealth-pos-10-home"
_POS_ELSEWHERE = "telehealth-pos-02-elsewhere"
_VIDEO = "telehealth-modifier-95-audio-video"
_IN_PERSON = "telehealth-in-person-visit-mental-health"
PATIENT_LOCATIONS = ("home", "elsewhere")
#: Who bills: a practitioner (Medicare telehealth) or a rural health clinic / federally qualified health center.
SETTINGS = ("practitioner", "rhc-fqhc")
_CLINIC_VISIT = "fqhc-rhc-mental-health-visit-by-telecommunications"
_CLINIC_AUDIO = "fqhc-rhc-audio-only-modifier-fq"


@attrs.frozen(kw_only=True)
class TelehealthAnswer:
    """Whether a code may be billed as mental-health telehealth, and how; truthy when it may.

    ``place_of_service`` is the POS code (``None`` before 2024, when the
    in-person place of service was used); ``modifiers`` the claim modifiers;
    ``conditions`` what else must be true; ``facts`` the dated Medicare facts behind it.
    """

    allowed: bool
    reason: str
    place_of_service: str | None = None
    modifiers: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    _tax: Taxonomy = attrs.field(repr=False, alias="tax", eq=False)

    def __bool__(self) -> bool:
        return self.allowed

    def why(self) -> str:
        """The answer, the claim details, each rule with its dates and the sources."""
        lines = [f"{'yes' if self.allowed else 'no'}: {self.reason}"]
        if self.allowed:
            lines.append(f"  place of service: {self.place_of_service or 'the one the service would have in person'}")
            lines.append(f"  modifiers: {', '.join(self.modifiers) or 'none'}")
        lines.extend(f"  condition: {condition}" for condition in self.conditions)
        for fact in self.facts:
            dates = " ".join(
                part for part in (
                    f"from {fact.valid_from.isoformat()}" if fact.valid_from else "",
                    f"until {fact.valid_until.isoformat()}" if fact.valid_until else "",
                ) if part
            )
            lines.append(f"  - {self._tax.get(fact.object).name}{f' ({dates})' if dates else ''}  [{', '.join(fact.sources)}]")
        return "\n".join(lines + _source_lines(self._tax, self.facts))


def _in_person(tax: Taxonomy, rules: dict[str, Fact], used: list[Fact]) -> tuple[str, ...]:
    """The in-person visit requirement as a condition, when it is in force (its fact joins ``used``)."""
    if _IN_PERSON not in rules:
        return ()
    used.append(rules[_IN_PERSON])
    return (tax.get(_IN_PERSON).description,)


def _clinic_visit(tax: Taxonomy, name: str, rules: dict[str, Fact], audio_only: bool) -> TelehealthAnswer:
    """A rural health clinic's or health center's mental health visit by telecommunications."""
    if _CLINIC_VISIT not in rules:
        return TelehealthAnswer(
            allowed=False, reason="RHCs and FQHCs may not bill a mental health visit by telecommunications on this date", tax=tax
        )
    used = [rules[_CLINIC_VISIT]]
    modifiers: tuple[str, ...] = ()
    if audio_only:
        used.append(rules[_CLINIC_AUDIO])
        modifiers = (_code_value(tax, _CLINIC_AUDIO, "MOD"),)
    conditions = _in_person(tax, rules, used)
    return TelehealthAnswer(
        allowed=True,
        reason=f"{name} may be billed by an RHC or FQHC as a mental health visit {'by audio alone' if audio_only else 'by audio and video'}, "
        "a clinic visit rather than Medicare telehealth",
        modifiers=modifiers,
        conditions=conditions,
        facts=tuple(used),
        tax=tax,
    )


def _source_lines(tax: Taxonomy, facts: tuple[Fact, ...]) -> list[str]:
    """The sources the facts cite, once each, in order of first citation."""
    cited = dict.fromkeys(source for fact in facts for source in fact.sources)
    return ["  sources:", *(f"    {tax.source(source)}" for source in cited)] if cited else []


def _code_value(tax: Taxonomy, rule: str, system: str) -> str:
    return next(code.value for code in tax.get(rule).codes if code.system == system)


def telehealth(
    tax: Taxonomy, code: Ref, *, patient_at: str = "home", audio_only: bool = False, setting: str = "practitioner"
) -> TelehealthAnswer:
    """Whether Medicare pays ``code`` furnished by telehealth for a mental health disorder, in the view.

    The view's date picks the rules in force (POS 02/10 from 2024-01-01; the
    in-person visit requirement from 2025-10-01); a view for another payer is
    not answered, since only Medicare's rules are recorded. Whether the code
    itself is on Medicare's telehealth list is not recorded.

    With ``setting="rhc-fqhc"`` the biller is a rural health clinic or federally
    qualified health center: from 2022 it bills a mental health visit furnished
    by audio and video, or by audio alone, as a clinic visit rather than as
    Medicare telehealth, so there is no telehealth place of service, and an
    audio-only visit carries modifier FQ. Which codes such a clinic bills its
    visits with is not recorded.

    Raises
    ------
    ValueError
        For a ``patient_at`` other than ``"home"`` or ``"elsewhere"``.
    WrongKindError
        If ``code`` is not a billing code.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> answer = mht.load().where(payer="medicare", on="2024-06-01").telehealth("90837")
    >>> answer.place_of_service, answer.modifiers
    ('10', ('95',))
    """
    if patient_at not in PATIENT_LOCATIONS:
        raise ValueError(f"patient_at must be one of {', '.join(PATIENT_LOCATIONS)}, got {patient_at!r}")
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {', '.join(SETTINGS)}, got {setting!r}")
    billed = tax._get_kind(code, Kind.BILLING_CODE, question="telehealth")
    payer = tax.context.payer
    if payer is not None and payer != "medicare":
        return TelehealthAnswer(allowed=False, reason=f"only Medicare's telehealth rules are recorded, not {tax.get(payer).name}'s", tax=tax)
    rules = {
        fact.object: fact
        for fact in tax.facts("medicare", Relation.REQUIRES)
        if fact.object.startswith(("telehealth-", "fqhc-rhc-"))
    }
    used: list[Fact] = []

    def refuse(reason: str) -> TelehealthAnswer:
        return TelehealthAnswer(allowed=False, reason=reason, facts=tuple(used), tax=tax)

    if setting == "rhc-fqhc":
        return _clinic_visit(tax, billed.name, rules, audio_only)

    if patient_at == "home":
        if _HOME not in rules:
            return refuse("the patient's home is not an allowed originating site on this date")
        used.append(rules[_HOME])
    modifiers: list[str] = []
    if audio_only:
        if _AUDIO not in rules:
            return refuse("audio-only telehealth is not allowed on this date")
        used.append(rules[_AUDIO])
        modifiers.append(_code_value(tax, _AUDIO, "MOD"))
    place = None
    if _POS_HOME in rules:
        rule = _POS_HOME if patient_at == "home" else _POS_ELSEWHERE
        used.append(rules[rule])
        place = _code_value(tax, rule, "POS")
        if not audio_only:
            used.append(rules[_VIDEO])
            modifiers.append(_code_value(tax, _VIDEO, "MOD"))
    elif _LEGACY in rules:
        used.append(rules[_LEGACY])
        if not audio_only:
            modifiers.append(_code_value(tax, _VIDEO, "MOD"))  # the same modifier 95, then with the in-person POS
    else:
        return refuse("no Medicare rule for billing telehealth is recorded for this date")
    conditions = _in_person(tax, rules, used)
    return TelehealthAnswer(
        allowed=True,
        reason=f"{billed.name} may be billed as mental-health telehealth with the patient {'at home' if patient_at == 'home' else 'outside the home'}",
        place_of_service=place,
        modifiers=tuple(modifiers),
        conditions=conditions,
        facts=tuple(used),
        tax=tax,
    )
