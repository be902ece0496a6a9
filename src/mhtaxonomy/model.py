"""The typed records of the taxonomy: entities, facts and sources.

Every record is an immutable ``attrs`` class (``frozen``, ``slots``, keyword-only).
Entities are the nodes of the graph; :class:`Fact` records are its edges; a
:class:`Source` is what a record or fact cites.

This module imports nothing else from the package.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
import re
from typing import Any, ClassVar

import attrs

__all__ = [
    "BillingCode",
    "Code",
    "CodeSystem",
    "Compact",
    "Condition",
    "Context",
    "Credential",
    "CredentialType",
    "Entity",
    "Fact",
    "Jurisdiction",
    "JurisdictionType",
    "Kind",
    "Modality",
    "OrganizationType",
    "Payer",
    "PayerType",
    "Profession",
    "ReferralReason",
    "Relation",
    "Requirement",
    "Service",
    "Source",
    "SourceQuality",
    "Strength",
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Kind(enum.StrEnum):
    """The kinds of entity; each is one node type of the graph."""

    PROFESSION = "profession"
    CREDENTIAL = "credential"
    SERVICE = "service"
    MODALITY = "modality"
    BILLING_CODE = "billing_code"
    CONDITION = "condition"
    PAYER = "payer"
    JURISDICTION = "jurisdiction"
    REFERRAL_REASON = "referral_reason"
    REQUIREMENT = "requirement"
    CODE_SYSTEM = "code_system"
    COMPACT = "compact"
    ORGANIZATION_TYPE = "organization_type"


class Relation(enum.StrEnum):
    """The relations a :class:`Fact` can state, read from subject to object.

    ``is_a`` always points from the specific to the general: *clinical
    psychologist is_a psychologist*.
    """

    IS_A = "is_a"
    HOLDS = "holds"
    REQUIRES = "requires"
    AUTHORIZES = "authorizes"
    FORM_OF = "form_of"
    BILLS = "bills"
    ADD_ON_TO = "add_on_to"
    EXCLUDES = "excludes"
    RECOGNIZES = "recognizes"
    COVERS = "covers"
    FIRST_LINE_FOR = "first_line_for"
    REFERS_TO = "refers_to"
    MEMBER_OF = "member_of"
    GRANTS_PRIVILEGES = "grants_privileges"
    APPLIES_TO = "applies_to"
    OFFERS = "offers"

    @property
    def phrase(self) -> str:
        """The relation as words in a sentence.

        >>> Relation.IS_A.phrase, Relation.FIRST_LINE_FOR.phrase
        ('is a kind of', 'is first-line for')
        """
        return _PHRASES.get(self, self.value.replace("_", " "))


_PHRASES = {
    Relation.IS_A: "is a kind of",
    Relation.FORM_OF: "is a form of",
    Relation.ADD_ON_TO: "is an add-on to",
    Relation.FIRST_LINE_FOR: "is first-line for",
    Relation.MEMBER_OF: "is a member of",
    Relation.GRANTS_PRIVILEGES: "grants practice under",
}


class CredentialType(enum.StrEnum):
    """What sort of credential a :class:`Credential` is."""

    DEGREE = "degree"
    LICENSE = "license"
    CERTIFICATION = "certification"
    EXAM = "exam"
    EXPERIENCE = "experience"
    TRAINING = "training"
    REGISTRATION = "registration"


class PayerType(enum.StrEnum):
    """Public programme, private insurance, or the patient paying."""

    PUBLIC = "public"
    PRIVATE = "private"
    SELF_PAY = "self_pay"


class JurisdictionType(enum.StrEnum):
    """A state, the District of Columbia, a territory, or a federal service."""

    STATE = "state"
    DISTRICT = "district"
    TERRITORY = "territory"
    FEDERAL = "federal"
    COUNTRY = "country"


class SourceQuality(enum.StrEnum):
    """How authoritative a source is, as graded in the fact sheets."""

    PRIMARY = "primary"
    ASSOCIATION = "association"
    SECONDARY = "secondary"
    MIXED = "mixed"
    SEED = "seed"


class Strength(enum.StrEnum):
    """How strongly a guideline recommends a treatment (the grade of a ``first_line_for`` fact).

    :attr:`Fact.grade` reads it from the fact's ``strength``; wording that is
    not one of these grades is ``OTHER`` (the wording stays in ``strength``).

    >>> Strength("strong") is Strength.STRONG
    True
    """

    STRONG = "strong"
    CONDITIONAL = "conditional"
    RECOMMENDED = "recommended"
    FIRST_LINE = "first-line"
    OTHER = "other"
_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?$")


def _code_key(value: str) -> str:
    return value.replace(".", "").upper()


# One end of a code: starts with a letter or digit; no spaces, no control characters.
_CODE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._]*$")
_SYSTEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _shown(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to about ``limit`` characters so a huge bad value never floods a message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Code:
    """An external identifier: a NUCC taxonomy code, an ICD-10-CM code or range.

    ``value`` is one code (``"F41.1"``) or an inclusive range of codes
    (``"F32.0-F32.5"``); a range matches every code that sorts between its ends
    or that starts with its upper end.

    >>> Code(system="ICD-10-CM", value="F32.0-F32.5").matches("f32.1")
    True
    >>> Code(system="ICD-10-CM", value="F32.0-F32.5").matches("F32.81")
    False
    """

    system: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Code:
        """Read ``"SYSTEM:value"``, the form the data files use.

        >>> Code.parse("NUCC:1041C0700X")
        Code(system='NUCC', value='1041C0700X')
        """
        system, sep, value = text.partition(":")
        if not sep or not system.strip() or not value.strip():
            raise ValueError(f"expected 'SYSTEM:value', got {_shown(text)}")
        system, value = system.strip(), value.strip()
        if not _SYSTEM.match(system):
            raise ValueError(f"a code system is letters, digits, '.', '-' or '_', got {_shown(system)}")
        ends = value.split("-")
        if len(ends) > 2 or not all(_CODE_PART.match(end) for end in ends):
            raise ValueError(
                f"a code is letters and digits (dots allowed), or a range LOW-HIGH of two such codes, got {_shown(value)}"
            )
        if len(ends) == 2 and _code_key(ends[0]) > _code_key(ends[1]):
            raise ValueError(f"the range {_shown(value)} starts after it ends; write it LOW-HIGH")
        return cls(system=system, value=value)

    @property
    def is_range(self) -> bool:
        """Whether ``value`` is a range ``"LOW-HIGH"``."""
        return "-" in self.value

    def matches(self, code: str) -> bool:
        """Whether ``code`` is this code or falls within this range (case and dots ignored).

        Only a code shaped like an ICD-10-CM code (a letter, a digit, a letter or
        digit, an optional dot, at most four more) can fall within a range; the places a
        range's ends do not fix must be digits: ``F90.9ZZZ`` and ``F32.5-x`` are
        not codes of ``F90.0-F90.9`` and ``F32.0-F32.5``.

        >>> Code(system="ICD-10-CM", value="F90.0-F90.9").matches("F90.9ZZZ")
        False
        """
        key = _code_key(code.strip())
        if not self.is_range:
            return key == _code_key(self.value)
        low, high = self.range_keys
        fixed = max(len(low), len(high))
        if not _CODE_SHAPE.match(code.strip().upper()) or not key[fixed:].isdigit() and len(key) > fixed:
            return False
        return low <= key <= high or (key.startswith(high) and key >= low)

    @property
    def range_keys(self) -> tuple[str, str]:
        """A range's ends as compared (upper case, no dots); both ends are ``value`` for one code."""
        low, _, high = self.value.partition("-")
        return _code_key(low), _code_key(high or low)

    def __str__(self) -> str:
        return f"{self.system}:{self.value}"


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Source:
    """A document that records and facts cite: a seed article, a statute, a CMS page."""

    id: str
    title: str
    url: str | None = None
    quality: SourceQuality
    note: str | None = None

    def __str__(self) -> str:
        return f"[{self.id}] {self.title}" + (f" <{self.url}>" if self.url else "")


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Entity:
    """Fields every entity shares; use one of the concrete kinds."""

    kind: ClassVar[Kind]

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    description: str = ""
    codes: tuple[Code, ...] = ()
    sources: tuple[str, ...]
    note: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every name this entity answers to: id, name, aliases, abbreviations."""
        return (self.id, self.name, *self.aliases, *self.abbreviations)

    def __str__(self) -> str:
        return self.name


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Profession(Entity):
    """A role that provides care: psychiatrist, LCSW, life coach.

    ``group`` marks a grouping rather than a licensable role (*therapist*,
    *prescriber*); what a group can do is what all its members can do.
    """

    kind: ClassVar[Kind] = Kind.PROFESSION
    group: bool = False


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Credential(Entity):
    """A degree, licence, certification, exam or stretch of supervised experience."""

    kind: ClassVar[Kind] = Kind.CREDENTIAL
    type: CredentialType
    hours: int | None = None
    years: float | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Service(Entity):
    """Something done for a client: psychotherapy, medication management, coaching.

    ``health_care`` is false for services outside health care (coaching, the
    everyday sense of "therapy").
    """

    kind: ClassVar[Kind] = Kind.SERVICE
    health_care: bool = True


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Modality(Entity):
    """A way of delivering a service: CBT, EMDR, a class of medication, yoga in coaching."""

    kind: ClassVar[Kind] = Kind.MODALITY


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class BillingCode(Entity):
    """A CPT or HCPCS code, described in our own words (never the CPT descriptor).

    ``min_minutes``/``max_minutes`` bound the time the code may be billed for;
    ``unit_minutes`` is the length of one unit for codes billed per unit.
    """

    kind: ClassVar[Kind] = Kind.BILLING_CODE
    system: str
    code: str
    add_on: bool = False
    min_minutes: int | None = None
    max_minutes: int | None = None
    unit_minutes: int | None = None
    per: str = "session"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Condition(Entity):
    """A mental disorder, with its ICD-10-CM codes or ranges in ``codes``."""

    kind: ClassVar[Kind] = Kind.CONDITION


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Payer(Entity):
    """Who pays: Medicare, Medicaid, commercial insurance, the client."""

    kind: ClassVar[Kind] = Kind.PAYER
    type: PayerType


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Jurisdiction(Entity):
    """A US state, DC, a territory, or a federal service; ``usps`` is its postal code."""

    kind: ClassVar[Kind] = Kind.JURISDICTION
    type: JurisdictionType
    usps: str | None = None


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class ReferralReason(Entity):
    """Why one profession sends a client to another."""

    kind: ClassVar[Kind] = Kind.REFERRAL_REASON


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Requirement(Entity):
    """A condition a service or code needs: a diagnosis, supervision, a same-day visit."""

    kind: ClassVar[Kind] = Kind.REQUIREMENT


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class CodeSystem(Entity):
    """A code set: CPT, HCPCS Level II, ICD-10-CM, the NUCC taxonomy."""

    kind: ClassVar[Kind] = Kind.CODE_SYSTEM
    publisher: str = ""
    url: str | None = None


#: What an interstate compact gives a clinician licensed in a member state.
COMPACT_AUTHORITIES = ("privilege", "multistate_license", "expedited_licensure")


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Compact(Entity):
    """An interstate licensure compact: PSYPACT, the Counseling Compact, the NLC.

    ``authority`` says what it gives: a ``privilege`` to practise in another
    member state, a ``multistate_license``, or only ``expedited_licensure`` (a
    faster way to a licence in the other state, no right to practise there).
    ``effective`` is when the compact came into force (``None``: not yet);
    ``privileges_from`` when the first privileges or licences were issued
    (``None``: not yet). ``in_person`` says whether practice in person is covered
    besides telehealth, and ``in_person_days`` any yearly limit on it. Member
    states are ``member_of`` facts; the states where practice under it is
    possible, and from when, are ``grants_privileges`` facts.
    """

    kind: ClassVar[Kind] = Kind.COMPACT
    authority: str = attrs.field(validator=attrs.validators.in_(COMPACT_AUTHORITIES))
    effective: dt.date | None = None
    privileges_from: dt.date | None = None
    telehealth: bool = True
    in_person: bool = True
    in_person_days: int | None = None
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class OrganizationType(Entity):
    """A kind of organisation that provides care: a psychiatric hospital, a methadone clinic.

    Its ``codes`` are NUCC non-individual taxonomy codes; what it provides is
    stated by ``offers`` facts.
    """

    kind: ClassVar[Kind] = Kind.ORGANIZATION_TYPE


ENTITY_TYPES: dict[Kind, type[Entity]] = {
    cls.kind: cls
    for cls in (
        Profession,
        Credential,
        Service,
        Modality,
        BillingCode,
        Condition,
        Payer,
        Jurisdiction,
        ReferralReason,
        Requirement,
        CodeSystem,
        Compact,
        OrganizationType,
    )
}


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Context:
    """Where, for whom and when a question is asked.

    ``jurisdiction`` and ``payer`` are entity ids or ``None`` (anywhere, any
    payer); ``on`` is a date or ``None``, meaning the day the question is asked,
    so that a long-lived taxonomy keeps up with rules that take effect later.
    """

    jurisdiction: str | None = None
    payer: str | None = None
    on: dt.date | None = None

    @property
    def date(self) -> dt.date:
        """The day questions are answered for: ``on``, or today."""
        return self.on if self.on is not None else dt.date.today()


@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Fact:
    """One sourced statement, ``subject relation object``, with its qualifiers.

    Qualifiers say where and when the fact holds: ``jurisdictions`` and
    ``payers`` (``None`` means everywhere / any payer), ``valid_from`` (inclusive)
    and ``valid_until`` (exclusive), ``supervised`` (allowed only under
    supervision). ``reason`` names the :class:`ReferralReason` of a
    ``refers_to`` fact; ``strength`` grades a ``first_line_for`` recommendation;
    ``rate`` is the share of the fee schedule amount a payer pays a profession it
    ``recognizes`` (the note says when the base is another profession's amount).
    """

    id: str
    subject: str
    relation: Relation
    object: str
    sources: tuple[str, ...]
    jurisdictions: frozenset[str] | None = None
    payers: frozenset[str] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    supervised: bool = False
    reason: str | None = None
    strength: str | None = None
    note: str | None = None
    #: The overlay file the fact came from; ``None`` for the shipped data. Set by the loader, never by a data file.
    origin: str | None = attrs.field(default=None, eq=False, repr=False)
    rate: float | None = attrs.field(default=None)

    @rate.validator
    def _check_rate(self, _: attrs.Attribute[float | None], value: float | None) -> None:
        if value is None:
            return
        if self.relation is not Relation.RECOGNIZES:
            raise ValueError("only recognizes facts carry a payment rate")
        if not 0 < value <= 1:
            raise ValueError(f"a payment rate is a share of the fee schedule amount, above 0 and at most 1, got {value!r}")

    def holds_in(self, context: Context) -> bool:
        """Whether this fact applies in ``context``.

        A fact restricted to some jurisdictions or payers applies when the
        context names none (the question is about anywhere, any payer) or names
        one of them; a dated fact applies from ``valid_from`` up to, not
        including, ``valid_until``.
        """
        if context.jurisdiction is not None and self.jurisdictions is not None:
            if context.jurisdiction not in self.jurisdictions:
                return False
        if context.payer is not None and self.payers is not None:
            if context.payer not in self.payers:
                return False
        day = context.date
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day < self.valid_until

    @property
    def grade(self) -> Strength | None:
        """The ``strength`` as a :class:`Strength`: ``None`` if there is none, ``OTHER`` if it is not a grade.

        >>> Fact(id="x", subject="a", relation=Relation.FIRST_LINE_FOR, object="b", sources=("S",),
        ...      strength="conditional").grade
        <Strength.CONDITIONAL: 'conditional'>
        """
        if self.strength is None:
            return None
        try:
            return Strength(self.strength)
        except ValueError:
            return Strength.OTHER

    @property
    def qualifiers(self) -> dict[str, Any]:
        """The qualifiers that are set, by name, in a stable order."""
        values: dict[str, Any] = {
            "jurisdictions": sorted(self.jurisdictions) if self.jurisdictions else None,
            "payers": sorted(self.payers) if self.payers else None,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "supervised": self.supervised or None,
            "reason": self.reason,
            "strength": self.strength,
            "rate": self.rate,
        }
        return {key: value for key, value in values.items() if value is not None}


def _finish(cls: type, *, eq: bool = True) -> type:
    """Give a record class its ``repr``, ``==`` and hash (unless ``eq`` is false) and a tuple as its pickled state.

    All are plain closures over the class's fields rather than code attrs compiles
    for each class: compiling is most of the cost of defining a class, and defining
    these classes is a large part of ``import mhtaxonomy``. They behave as attrs'
    own would: the ``repr`` reads ``Fact(id='...', subject='...', ...)`` and leaves out
    fields marked ``repr=False``; two records are equal when they are of the same
    class and their fields compare equal, leaving out fields marked ``eq=False``
    (``Fact.origin``), and equal records hash alike. As pickled state, a tuple in field
    order is smaller than the dict attrs would write and reads back about a third
    faster; frozen instances are filled through ``object.__setattr__``, as attrs' own
    ``__setstate__`` does. The other modules' attrs classes get the same (``repr=False,
    eq=False`` in the decorator, then this); the class itself is returned.
    """
    fields = attrs.fields(cls)
    names = tuple(field.name for field in fields)
    shown = tuple(field.name for field in fields if field.repr)
    get = operator.attrgetter(*names)
    # attrgetter of two or more names gives a tuple; the key of one field is a 1-tuple all the same.
    compared = tuple(field.name for field in fields if field.eq)
    key = operator.attrgetter(*compared, *compared) if len(compared) == 1 else operator.attrgetter(*compared)
    hashed = tuple(field.name for field in fields if (field.eq if field.hash is None else field.hash))
    seed = hash(f"{cls.__module__}.{cls.__qualname__}")
    hash_key = operator.attrgetter(*hashed, *hashed) if len(hashed) == 1 else operator.attrgetter(*hashed)

    def __repr__(self: object) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) == key(other)  # type: ignore[no-any-return]

    def __ne__(self: object, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) != key(other)  # type: ignore[no-any-return]

    def __hash__(self: object) -> int:
        return hash((seed, hash_key(self)))

    def __getstate__(self: object) -> tuple[object, ...]:
        return get(self)  # type: ignore[no-any-return]

    def __setstate__(self: object, state: tuple[object, ...], _set: Any = object.__setattr__) -> None:
        for name, value in zip(names, state):
            _set(self, name, value)

    for method in (__repr__, *((__eq__, __ne__, __hash__) if eq else ()), __getstate__, __setstate__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)  # noqa: B010 - mypy forbids assigning a method
    return cls


def _finish_without_eq(cls: type) -> type:
    """:func:`_finish` for a class compared by identity (``eq=False``): its ``repr`` and pickled state only."""
    return _finish(cls, eq=False)


for _record in (
    Code, Source, Context, Fact, Entity, Profession, Credential, Service, Modality, BillingCode, Condition,
    Payer, Jurisdiction, ReferralReason, Requirement, CodeSystem, Compact, OrganizationType,
):  # fmt: skip
    _finish(_record)
del _record
