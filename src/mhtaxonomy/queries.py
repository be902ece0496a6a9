"""The questions, each a short traversal of the graph, and their answers.

Every function takes a :class:`~mhtaxonomy.taxonomy.Taxonomy` (or a view of it)
first and uses only the facts that hold in its context. Each member of an
:class:`Answer` carries the chain of facts that put it there, so
``answer.why(member)`` can show the facts and their sources.

Assumptions: ``is_a`` points from the specific to the general and has no
cycle (the loader checks); authorizing a service authorizes its narrower
services; a modality is provided through the services it is a ``form_of``.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

from .model import (
    Credential,
    Entity,
    Fact,
    Kind,
    Profession,
    Relation,
    Source,
    Strength,
    _finish,
    _finish_without_eq,
)

if TYPE_CHECKING:
    from .taxonomy import Ref, Taxonomy

__all__ = [
    "DIAGNOSIS",
    "UNKNOWN_TITLE",
    "Answer",
    "Comparison",
    "Explanation",
    "Qualifiers",
    "Row",
    "Verdict",
    "broader",
    "compare",
    "narrower",
    "refer",
    "referral_reasons",
    "requirements_for",
    "requires_diagnosis",
    "stats",
    "titles",
    "treatments_for",
    "what_can_provide",
    "what_requires_diagnosis",
    "who_can_provide",
]

#: The requirement that a client have a diagnosed mental disorder (medical necessity).
DIAGNOSIS = "mental-disorder-diagnosis"

#: The marker a state's licence carries where no source names the state's title for it.
UNKNOWN_TITLE = "state-licence-title-not-sourced"

Path = tuple[Fact, ...]
Step = Callable[[str], Iterable[tuple[Fact, str]]]


def _describe_fact(fact: Fact, name: Callable[[str], str]) -> str:
    text = f"{name(fact.subject)} {fact.relation.phrase} {name(fact.object)}"
    extras = []
    if fact.reason:
        extras.append(f"reason: {name(fact.reason)}")
    if fact.supervised:
        extras.append("only under supervision")
    if fact.jurisdictions:
        extras.append("in " + ", ".join(sorted(name(j) for j in fact.jurisdictions)))
    if fact.payers:
        extras.append("payer " + ", ".join(sorted(name(p) for p in fact.payers)))
    if fact.valid_from:
        extras.append(f"from {fact.valid_from.isoformat()}")
    if fact.valid_until:
        extras.append(f"until {fact.valid_until.isoformat()}")
    if fact.strength:
        extras.append(f"strength: {fact.strength}")
    if extras:
        text += f" ({'; '.join(extras)})"
    return text


def _narrowest(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """What every set allows (``None`` is no limit), or ``None`` if none limits."""
    limits = [s for s in sets if s is not None]
    return frozenset.intersection(*limits) if limits else None


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Qualifiers:
    """The terms on which one member is in an answer, read from every fact of its chain.

    A member holds only under supervision if any fact on its chain does; it is
    limited to the places and payers every fact allows (``None``: no limit) and
    to the dates they all hold; ``group`` marks a group of professions
    (*therapist*) rather than one profession. For a treatment, ``strength`` is
    the guideline's grade, ``grading`` its own wording, and ``guidelines`` the
    sources of the recommendation.

    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> tax.who_can_provide("psychotherapy").qualifiers("LMSW").supervised
    True
    >>> tax.treatments_for("PTSD").qualifiers("EMDR").strength
    <Strength.STRONG: 'strong'>
    """

    supervised: bool = False
    jurisdictions: frozenset[str] | None = None
    payers: frozenset[str] | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    group: bool = False
    strength: Strength | None = None
    grading: str | None = None
    guidelines: tuple[str, ...] = ()

    @classmethod
    def of(cls, member: Entity, facts: Sequence[Fact]) -> Qualifiers:
        """The qualifiers of ``member`` reached through ``facts``."""
        starts = [f.valid_from for f in facts if f.valid_from is not None]
        ends = [f.valid_until for f in facts if f.valid_until is not None]
        graded = next((f for f in facts if f.relation is Relation.FIRST_LINE_FOR), None)
        return cls(
            supervised=any(f.supervised for f in facts),
            jurisdictions=_narrowest(f.jurisdictions for f in facts),
            payers=_narrowest(f.payers for f in facts),
            valid_from=max(starts, default=None),
            valid_until=min(ends, default=None),
            group=isinstance(member, Profession) and member.group,
            strength=graded.grade if graded else None,
            grading=graded.strength if graded else None,
            guidelines=graded.sources if graded else (),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: every qualifier, ``null`` where there is no limit."""
        return attrs.asdict(self, value_serializer=_json_value)


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Explanation:
    """The facts that put one member into an answer, each with its sources.

    Iterating gives the facts in reading order; ``str()`` renders them with
    qualifiers and notes, followed by the sources they cite.
    """

    question: str
    member: Entity
    facts: tuple[Fact, ...]
    sources: tuple[Source, ...]
    _names: Mapping[str, str] = attrs.field(repr=False, alias="names")

    def __iter__(self) -> Iterator[Fact]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    @property
    def qualifiers(self) -> Qualifiers:
        """The terms the facts put on the member (see :class:`Qualifiers`)."""
        return Qualifiers.of(self.member, self.facts)

    def name(self, entity_id: str) -> str:
        """The name of an entity the facts mention."""
        return self._names[entity_id]

    def describe(self, fact: Fact) -> str:
        """One of the facts as a sentence with its qualifiers, without its sources."""
        return _describe_fact(fact, self.name)

    def lines(self) -> list[str]:
        """The explanation as lines of text."""
        lines = [f"{self.member.name}: {self.question}"]
        if not self.facts:
            lines.append("  (the entity asked about itself)")
        for fact in self.facts:
            lines.append(f"  - {self.describe(fact)}  [{', '.join(fact.sources)}]")
            if fact.note:
                lines.append(f"      note: {fact.note}")
            if fact.origin:
                lines.append(f"      from overlay: {fact.origin}")
        if self.sources:
            lines.append("  sources:")
            lines.extend(f"    {source}" for source in self.sources)
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the facts with their qualifiers, and the sources."""
        return {
            "member": self.member.id,
            "question": self.question,
            "facts": [_fact_dict(fact) for fact in self.facts],
            "sources": [attrs.asdict(s, value_serializer=_json_value) for s in self.sources],
        }


def _json_value(_: object, __: object, value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def _fact_dict(fact: Fact) -> dict[str, Any]:
    return {key: value for key, value in attrs.asdict(fact, value_serializer=_json_value).items() if value not in (None, False)}


class Answer(collections.abc.Set):  # type: ignore[type-arg]
    """A set of entities answering one question, each with the facts behind it.

    An answer cannot be changed. It supports ``in`` (with an entity or any
    reference :meth:`Taxonomy.get <mhtaxonomy.Taxonomy.get>` accepts; a
    reference that names nothing is simply not in it), iteration and indexing
    (sorted by name, then id), ``len`` and the set operators. ``&``, ``|``,
    ``-`` and ``^`` between answers give an answer whose members keep their
    ``why()`` (from the left-hand answer where both have the member); ``&``
    and ``-`` also take any iterable of entities.

    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> both = tax.who_can_provide("prescribing") & tax.who_can_provide("psychotherapy")
    >>> "psychiatrist" in both, "xyzzy" in both, len(both.why("psychiatrist")) > 0
    (True, False, True)
    >>> print(tax.who_can_provide("prescribing") - tax.who_can_provide("prescribing"))
    who can provide Prescribing medication, but not who can provide Prescribing medication:
      (nothing)
    """

    __slots__ = ("_tax", "_question", "_paths", "_sorted")
    _tax: Taxonomy
    _question: str
    _paths: Mapping[str, Path]
    _sorted: tuple[Entity, ...] | None

    def __init__(self, tax: Taxonomy, question: str, paths: Mapping[str, Path]) -> None:
        init = object.__setattr__
        init(self, "_tax", tax)
        init(self, "_question", question)
        init(self, "_paths", types.MappingProxyType(dict(paths)))
        init(self, "_sorted", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"an Answer cannot be changed (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"an Answer cannot be changed (tried to delete {name!r})")

    @property
    def question(self) -> str:
        """The question, in words."""
        return self._question

    @classmethod
    def _from_iterable(cls, it: Iterable[Entity]) -> frozenset[Entity]:  # type: ignore[override]
        return frozenset(it)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Entity):
            return item.id in self._paths and self._tax._entity(item.id) == item
        if isinstance(item, str):
            try:
                return self._tax.get(item).id in self._paths
            except KeyError:  # names nothing, or several things: not a member, as with a set
                return False
        return False

    def _members(self) -> tuple[Entity, ...]:
        if self._sorted is None:
            members = (self._tax._entity(i) for i in self._paths)
            object.__setattr__(self, "_sorted", tuple(sorted(members, key=lambda e: (e.name.casefold(), e.id))))
        assert self._sorted is not None
        return self._sorted

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._members())

    @overload
    def __getitem__(self, index: int) -> Entity: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Entity, ...]: ...

    def __getitem__(self, index: int | slice) -> Entity | tuple[Entity, ...]:
        """The members in iteration order: ``answer[0]`` is the first by name."""
        return self._members()[index]

    def __len__(self) -> int:
        return len(self._paths)

    def __hash__(self) -> int:
        return self._hash()

    @property
    def ids(self) -> frozenset[str]:
        """The ids of the members."""
        return frozenset(self._paths)

    @property
    def names(self) -> list[str]:
        """The members' names, sorted."""
        return [entity.name for entity in self]

    @property
    def groups(self) -> frozenset[str]:
        """The ids of the members that are groups of professions (such as *therapist*)."""
        return frozenset(e.id for e in self if isinstance(e, Profession) and e.group)

    def _path(self, member: Ref) -> tuple[Entity, Path]:
        entity = self._tax.get(member)
        if entity.id not in self._paths:
            raise KeyError(f"{entity.name!r} is not in the answer to: {self.question}")
        return entity, self._paths[entity.id]

    def why(self, member: Ref) -> Explanation:
        """The chain of facts, with sources, that puts ``member`` in this answer.

        Raises ``KeyError`` if ``member`` is not in the answer.
        """
        entity, facts = self._path(member)
        cited = dict.fromkeys(source for fact in facts for source in fact.sources)
        ids = {entity.id} | {fact.subject for fact in facts} | {fact.object for fact in facts}
        ids |= {ref for fact in facts for ref in (*(fact.jurisdictions or ()), *(fact.payers or ()), fact.reason) if ref}
        return Explanation(
            question=self.question,
            member=entity,
            facts=facts,
            sources=tuple(self._tax.source(s) for s in cited),
            names={i: self._tax._entity(i).name for i in ids if i in self._tax._data.entities},
        )

    def qualifiers(self, member: Ref) -> Qualifiers:
        """The terms on which ``member`` is in this answer (see :class:`Qualifiers`).

        Raises ``KeyError`` if ``member`` is not in the answer.
        """
        entity, facts = self._path(member)
        return Qualifiers.of(entity, facts)

    def _ids_of(self, other: object) -> frozenset[str] | None:
        if isinstance(other, Answer):
            if other._tax._data is not self._tax._data:
                raise ValueError("answers from different data cannot be combined")
            return other.ids
        if isinstance(other, collections.abc.Iterable):
            return frozenset(item.id for item in other if isinstance(item, Entity))
        return None

    def _keep(self, ids: Iterable[str], how: str, other: object) -> Answer:
        kept = {i: self._paths[i] for i in ids if i in self._paths}
        if isinstance(other, Answer):
            kept.update((i, other._paths[i]) for i in ids if i not in kept and i in other._paths)
        asked = other.question if isinstance(other, Answer) else "the entities given"
        return Answer(self._tax, f"{self.question}, {how} {asked}", kept)

    def __and__(self, other: object) -> Answer:
        ids = self._ids_of(other)
        return NotImplemented if ids is None else self._keep(self.ids & ids, "and also", other)

    def __sub__(self, other: object) -> Answer:
        ids = self._ids_of(other)
        return NotImplemented if ids is None else self._keep(self.ids - ids, "but not", other)

    def __or__(self, other: object) -> Answer:
        if not isinstance(other, Answer):
            return NotImplemented
        return self._keep(self.ids | self._ids_of(other), "or", other)  # type: ignore[operator]

    def __xor__(self, other: object) -> Answer:
        if not isinstance(other, Answer):
            return NotImplemented
        return self._keep(self.ids ^ self._ids_of(other), "or else, not both,", other)  # type: ignore[operator]

    def to_dict(self, why: bool = False) -> dict[str, Any]:
        """A JSON-ready form of the answer: each member with its qualifiers, and its explanation if ``why``."""
        members = []
        for entity in self:
            item: dict[str, Any] = {
                "id": entity.id,
                "name": entity.name,
                "kind": entity.kind.value,
                "qualifiers": self.qualifiers(entity).to_dict(),
            }
            if why:
                item["why"] = self.why(entity).to_dict()
            members.append(item)
        context = self._tax.context
        return {
            "question": self.question,
            "context": {
                "jurisdiction": context.jurisdiction,
                "payer": context.payer,
                "on": context.date.isoformat(),
            },
            "members": members,
        }

    def __repr__(self) -> str:
        return f"<Answer {self.question!r}: {', '.join(self.names) or 'nothing'}>"

    def __str__(self) -> str:
        return "\n".join([f"{self.question}:", *([f"  {name}" for name in self.names] or ["  (nothing)"])])


@_finish_without_eq
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr; a verdict is compared by identity
class Verdict:
    """A yes or no that explains itself: is ``subject`` in ``answer``?

    Truthy when it is. ``explanation`` and ``qualifiers`` are those of the
    subject in the answer (``None`` for a no); ``str()`` says yes or no, on
    what terms, and the facts.

    >>> import mhtaxonomy as mht
    >>> verdict = mht.load().can_provide("LMSW", "psychotherapy")
    >>> bool(verdict), verdict.qualifiers.supervised
    (True, True)
    >>> print(mht.load().can_provide("life coach", "psychotherapy"))
    no: Life coach is not among who can provide Psychotherapy
    """

    subject: Entity
    answer: Answer

    def __bool__(self) -> bool:
        return self.subject.id in self.answer.ids

    @property
    def explanation(self) -> Explanation | None:
        """The facts behind a yes; ``None`` for a no."""
        return self.answer.why(self.subject) if self else None

    @property
    def qualifiers(self) -> Qualifiers | None:
        """The terms of a yes (supervision, places, dates); ``None`` for a no."""
        return self.answer.qualifiers(self.subject) if self else None

    def __str__(self) -> str:
        explanation = self.explanation
        if explanation is None:
            return f"no: {self.subject.name} is not among {self.answer.question}"
        terms = " (only under supervision)" if explanation.qualifiers.supervised else ""
        lines = [f"yes: {self.subject.name} is among {self.answer.question}{terms}"]
        lines.extend(f"  - {explanation.describe(fact)}  [{', '.join(fact.sources)}]" for fact in explanation)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: the verdict, the subject, and the qualifiers and facts of a yes."""
        explanation = self.explanation
        return {
            "verdict": bool(self),
            "subject": self.subject.id,
            "question": self.answer.question,
            "qualifiers": explanation.qualifiers.to_dict() if explanation else None,
            "facts": [_fact_dict(fact) for fact in explanation] if explanation else [],
        }


# -- traversal helpers ------------------------------------------------------------


def _walk(starts: Mapping[str, Path], step: Step) -> dict[str, Path]:
    """Breadth-first closure from ``starts``; each reached node keeps its first (shortest) path."""
    paths = dict(starts)
    frontier = list(starts)
    while frontier:
        following = []
        for node in frontier:
            for fact, nxt in step(node):
                if nxt not in paths:
                    paths[nxt] = paths[node] + (fact,)
                    following.append(nxt)
        frontier = following
    return paths


def _upward(tax: Taxonomy, node: str) -> Mapping[str, Path]:
    """``node`` and everything broader, each with the ``is_a`` chain from ``node`` (kept per view: do not change)."""
    return tax._closure(True, node, _is_a_closure)


def _downward(tax: Taxonomy, node: str) -> Mapping[str, Path]:
    """``node`` and everything narrower, each with its ``is_a`` chain, read from the narrower end (kept per view)."""
    return tax._closure(False, node, _is_a_closure)


def _is_a_closure(tax: Taxonomy, node: str, upward: bool) -> dict[str, Path]:
    """The breadth-first ``is_a`` closure of ``node``; each path is read from the narrower end.

    :func:`_walk` specialised to ``is_a``, written out: it runs for every node a question
    touches in a fresh view.
    """
    here = tax._out if upward else tax._in
    qualified = tax._index.qualified
    static = True  # no step met a fact that holds only somewhere, for some payer or for a while
    paths: dict[str, Path] = {node: ()}
    frontier = [node]
    while frontier:
        following = []
        for current in frontier:
            static = static and (current, Relation.IS_A) not in qualified
            path = paths[current]
            for fact in here(current, Relation.IS_A):
                reached = fact.object if upward else fact.subject
                if reached not in paths:
                    # Upward the chain grows at its broad end; downward at its narrow end.
                    paths[reached] = path + (fact,) if upward else (fact,) + path
                    following.append(reached)
        frontier = following
    if static:  # the same in every view: shared by all of them
        tax._index.static_closures[upward, node] = paths
    return paths


def broader(tax: Taxonomy, ref: Ref) -> Answer:
    """Everything ``ref`` is a kind of, transitively."""
    entity = tax.get(ref)
    paths = dict(_upward(tax, entity.id))
    del paths[entity.id]
    return Answer(tax, f"what {entity.name} is a kind of", paths)


def narrower(tax: Taxonomy, ref: Ref) -> Answer:
    """Everything that is a kind of ``ref``, transitively."""
    entity = tax.get(ref)
    paths = dict(_downward(tax, entity.id))
    del paths[entity.id]
    return Answer(tax, f"kinds of {entity.name}", paths)


def _services_of(tax: Taxonomy, entity: Entity) -> dict[str, Path]:
    """The services a service, modality or code stands for, with the facts that link them."""
    if entity.kind is Kind.SERVICE:
        return {entity.id: ()}
    index = tax._index
    found = index.static_services.get(entity.id)
    if found is not None:
        return found
    if entity.kind is Kind.MODALITY:
        services: dict[str, Path] = {}
        above = _upward(tax, entity.id)
        for modality, chain in above.items():
            for fact in tax._out(modality, Relation.FORM_OF):
                services.setdefault(fact.object, chain + (fact,))
        static = index.static_closures.get((True, entity.id)) is above and not any(
            (modality, Relation.FORM_OF) in index.qualified for modality in above
        )
    else:
        services = {fact.object: (fact,) for fact in tax._out(entity.id, Relation.BILLS)}
        static = (entity.id, Relation.BILLS) not in index.qualified
    if static:  # the same in every view (callers must not change it)
        index.static_services[entity.id] = services
    return services


def _providers(tax: Taxonomy, service: str, independently: bool) -> dict[str, Path]:
    """Professions that may provide ``service``: path read from the profession to the service."""
    found: dict[str, Path] = {}
    above = _upward(tax, service)
    for supervised in (False, True):
        if supervised and independently:
            break
        for target, chain in above.items():
            for grant in tax._in(target, Relation.AUTHORIZES):
                if grant.supervised is not supervised:
                    continue
                for holding in tax._in(grant.subject, Relation.HOLDS):
                    for member, is_a in _downward(tax, holding.subject).items():
                        found.setdefault(member, is_a + (holding, grant) + tuple(reversed(chain)))
    return found


def who_can_provide(tax: Taxonomy, ref: Ref, independently: bool = False) -> Answer:
    """Professions that may provide a service, modality or billed service."""
    entity = tax._get_kind(ref, Kind.SERVICE, Kind.MODALITY, Kind.BILLING_CODE, question="who_can_provide")
    services = _services_of(tax, entity)
    per_service = [
        {member: path + tuple(reversed(link)) for member, path in _providers(tax, service, independently).items()}
        for service, link in services.items()
    ]
    if entity.kind is Kind.BILLING_CODE:
        members = set.intersection(*(set(p) for p in per_service)) if per_service else set()
        paths = {m: sum((p[m] for p in per_service), ()) for m in members}
    else:
        paths = {}
        for found in per_service:
            for member, path in found.items():
                paths.setdefault(member, path)
    how = " on their own" if independently else ""
    return Answer(tax, f"who can provide {entity.name}{how}", _with_groups(tax, paths))


def _with_groups(tax: Taxonomy, paths: dict[str, Path]) -> dict[str, Path]:
    """Add each group all of whose members are in ``paths``, explained by every member's facts.

    The same rule as :func:`what_can_provide` for a group, read the other way.
    """
    paths = dict(paths)
    groups = tax._groups()

    def parents(members: Iterable[str]) -> list[str]:  # only groups above a member can join
        found = {fact.object for m in members for fact in tax._out(m, Relation.IS_A) if fact.object in groups}
        return sorted(found - paths.keys())

    waiting = parents(paths)
    while waiting:  # a group of groups is looked at again once a member group has joined
        joined = []
        for group in waiting:
            joining = tax._in(group, Relation.IS_A)
            if group not in paths and joining and all(fact.subject in paths for fact in joining):
                paths[group] = sum((paths[fact.subject] + (fact,) for fact in joining), ())
                joined.append(group)
        waiting = parents(joined)
    return paths


def _offered(tax: Taxonomy, profession: str, independently: bool) -> dict[str, Path]:
    """Services one (non-group) profession may provide, read from the profession."""
    found: dict[str, Path] = {}
    for supervised in (False, True):
        if supervised and independently:
            break
        for holder, is_a in _upward(tax, profession).items():
            for holding in tax._out(holder, Relation.HOLDS):
                for grant in tax._out(holding.object, Relation.AUTHORIZES):
                    if grant.supervised is not supervised:
                        continue
                    for service, chain in _downward(tax, grant.object).items():
                        found.setdefault(service, is_a + (holding, grant) + tuple(reversed(chain)))
    return found


def _members(tax: Taxonomy, group: str) -> list[str]:
    return sorted(fact.subject for fact in tax._in(group, Relation.IS_A))


def what_can_provide(tax: Taxonomy, ref: Ref, independently: bool = False) -> Answer:
    """Services a profession may provide; for a group, those every member may provide."""
    entity = tax._get_kind(ref, Kind.PROFESSION, question="what_can_provide")
    paths = _group_intersection(tax, entity, lambda member: _offered(tax, member, independently))
    how = " on their own" if independently else ""
    return Answer(tax, f"what {entity.name} can provide{how}", paths)


def _group_intersection(tax: Taxonomy, entity: Entity, per_member: Callable[[str], dict[str, Path]]) -> dict[str, Path]:
    if not (isinstance(entity, Profession) and entity.group):
        return per_member(entity.id)
    found = [per_member(member) for member in _members(tax, entity.id)]
    if not found:
        return {}
    common = set.intersection(*(set(f) for f in found))
    return {key: sum((f[key] for f in found), ()) for key in common}


def what_requires_diagnosis(tax: Taxonomy) -> Answer:
    """Services, modalities and codes that need a diagnosed mental disorder.

    Those with a ``requires`` fact to the diagnosis requirement, their narrower
    services, and the codes and modalities all of whose services need one (an
    office visit code that bills both an ordinary medical visit and medication
    management does not).
    """
    key = f"what_requires_diagnosis:{tax.context.date}"
    cached = tax._memo.get(key)
    if not isinstance(cached, Answer):  # answers are immutable, so one is shared by every caller
        cached = tax._memo[key] = Answer(tax, "what requires a diagnosis of a mental disorder", _requiring_diagnosis(tax))
    return cached


def _requiring_diagnosis(tax: Taxonomy) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for fact in tax._in(DIAGNOSIS, Relation.REQUIRES):
        subject = tax._entity(fact.subject)
        if subject.kind is Kind.SERVICE:
            for service, chain in _downward(tax, subject.id).items():
                paths.setdefault(service, chain + (fact,))
        else:
            paths.setdefault(subject.id, (fact,))
    services = {key: path for key, path in paths.items() if tax._entity(key).kind is Kind.SERVICE}
    for entity in (*tax._of_kind(Kind.MODALITY), *tax._of_kind(Kind.BILLING_CODE)):
        if entity.id in paths:
            continue
        linked = _services_of(tax, entity)
        if linked and all(service in services for service in linked):
            first = min(linked)
            paths[entity.id] = linked[first] + services[first]
    return paths


def requires_diagnosis(tax: Taxonomy, ref: Ref) -> bool:
    """Whether a service, modality or code needs a diagnosed mental disorder."""
    entity = tax._get_kind(
        ref, Kind.SERVICE, Kind.MODALITY, Kind.BILLING_CODE, question="requires_diagnosis"
    )
    return _needs_diagnosis(tax, entity)


def _needs_diagnosis(tax: Taxonomy, entity: Entity) -> bool:
    """The rule of :func:`what_requires_diagnosis` for one entity, walking only what lies above it."""
    if any(fact.object == DIAGNOSIS for fact in tax._out(entity.id, Relation.REQUIRES)):
        return True
    if entity.kind is Kind.SERVICE:
        return any(
            fact.object == DIAGNOSIS
            for service in _upward(tax, entity.id)
            for fact in tax._out(service, Relation.REQUIRES)
        )
    linked = _services_of(tax, entity)
    return bool(linked) and all(_needs_diagnosis(tax, tax._entity(service)) for service in linked)


def _credentials_of(tax: Taxonomy, profession: str) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for holder, is_a in _upward(tax, profession).items():
        for holding in tax._out(holder, Relation.HOLDS):
            step: Step = lambda node: (
                (fact, fact.object)
                for fact in tax._out(node, Relation.REQUIRES)
                if tax._entity(fact.object).kind is Kind.CREDENTIAL
            )
            for credential, chain in _walk({holding.object: is_a + (holding,)}, step).items():
                found.setdefault(credential, chain)
    # A broad credential stands for its narrower ones as alternatives: a medical degree is an MD or a DO.
    for credential, chain in list(found.items()):
        for option, is_a in _downward(tax, credential).items():
            found.setdefault(option, chain + is_a)
    return found


def requirements_for(tax: Taxonomy, ref: Ref) -> Answer:
    """The credentials a profession holds and everything they require; a group's members' together."""
    entity = tax._get_kind(ref, Kind.PROFESSION, question="requirements_for")
    if isinstance(entity, Profession) and entity.group:
        paths: dict[str, Path] = {}
        for member in _members(tax, entity.id):
            for credential, path in _credentials_of(tax, member).items():
                paths.setdefault(credential, path)
    else:
        paths = _credentials_of(tax, entity.id)
    return Answer(tax, f"what {entity.name} needs", paths)


def referral_reasons(tax: Taxonomy, from_: Ref, to: Ref) -> Answer:
    """Reasons ``from_`` (or a group it belongs to) refers clients to ``to`` (or a group it belongs to)."""
    source = tax._get_kind(from_, Kind.PROFESSION, question="referral_reasons")
    target = tax._get_kind(to, Kind.PROFESSION, question="referral_reasons")
    targets = _upward(tax, target.id)
    paths: dict[str, Path] = {}
    for sender, up in _upward(tax, source.id).items():
        for fact in tax._out(sender, Relation.REFERS_TO):
            if fact.object in targets and fact.reason:
                paths.setdefault(fact.reason, up + (fact,) + tuple(reversed(targets[fact.object])))
    return Answer(tax, f"why {source.name} refers to {target.name}", paths)


def refer(tax: Taxonomy, reason: Ref, from_: Ref | None = None) -> Answer:
    """The professions that receive referrals for ``reason``, with their narrower professions."""
    why = tax._get_kind(reason, Kind.REFERRAL_REASON, question="refer")
    senders = None
    if from_ is not None:
        senders = _upward(tax, tax._get_kind(from_, Kind.PROFESSION, question="refer").id)
    paths: dict[str, Path] = {}
    for fact in sorted(tax.facts(relation=Relation.REFERS_TO), key=lambda f: f.id):
        if fact.reason != why.id or (senders is not None and fact.subject not in senders):
            continue
        lead = senders[fact.subject] if senders is not None else ()
        for member, is_a in _downward(tax, fact.object).items():
            paths.setdefault(member, lead + (fact,) + tuple(reversed(is_a)))
    return Answer(tax, f"who receives a referral for {why.name}", paths)


def treatments_for(tax: Taxonomy, condition: Ref) -> Answer:
    """First-line modalities and services for a condition or any condition it is a kind of."""
    entity = tax._get_kind(condition, Kind.CONDITION, question="treatments_for")
    paths: dict[str, Path] = {}
    for broader_condition, chain in _upward(tax, entity.id).items():
        for fact in tax._in(broader_condition, Relation.FIRST_LINE_FOR):
            paths.setdefault(fact.subject, (fact,) + tuple(reversed(chain)))
    return Answer(tax, f"first-line treatments for {entity.name}", paths)


def titles(tax: Taxonomy, profession: Ref, jurisdiction: Any = None) -> Answer:
    """The licence titles used for a profession, optionally in one jurisdiction.

    The licences and registrations the profession or any narrower profession
    holds in the context. In a jurisdiction (given here or set by
    :meth:`~mhtaxonomy.Taxonomy.where`), a title held only in some states (a
    ``holds`` fact with ``jurisdictions``) replaces the nationwide licence it
    ``is_a``: where Illinois calls the counselor licence the LCPC, the generic
    professional counselor licence is not listed as Illinois's title. The
    explanation of such a title shows the holding with its jurisdictions and the
    ``is_a`` link to the licence it replaces. A licence whose every grant is
    limited to other places or times (a prescribing certificate outside the
    states that issue it) is not a title there.

    Raises :class:`~mhtaxonomy.taxonomy.UnknownEntityError` for an unknown
    jurisdiction (with close matches).
    """
    entity = tax._get_kind(profession, Kind.PROFESSION, question="titles")
    view = tax.where(jurisdiction=jurisdiction) if jurisdiction is not None else tax

    def in_use(credential: str) -> bool:  # it authorizes something here, or nothing anywhere
        grants = view._out_anywhere(credential, Relation.AUTHORIZES)
        return not grants or any(grant.holds_in(view._dated()) for grant in grants)

    held: dict[str, tuple[Path, Fact]] = {}
    for member, is_a in _downward(view, entity.id).items():
        for holding in view._out(member, Relation.HOLDS):
            credential = view._entity(holding.object)
            if (
                isinstance(credential, Credential)
                and credential.type.value in ("license", "registration")
                and in_use(credential.id)
            ):
                known = held.get(credential.id)
                if known is None or (holding.jurisdictions and not known[1].jurisdictions):  # the state's own fact explains best
                    held[credential.id] = (is_a + (holding,), holding)
    paths = {title: path for title, (path, _) in held.items()}
    if view.context.jurisdiction is not None:
        local = [title for title, (_, holding) in held.items() if holding.jurisdictions]
        for title in local:
            for general, chain in _upward(view, title).items():
                if general != title and general in held and not held[general][1].jurisdictions:
                    paths.pop(general, None)
                    paths[title] = held[title][0] + chain
        # A nationwide licence whose state title no source names is reported as unknown, not as the title.
        for title, (path, holding) in held.items():
            if title in paths and not holding.jurisdictions:
                for unknown in view._out(title, Relation.REQUIRES):
                    if unknown.object == UNKNOWN_TITLE and unknown.jurisdictions:
                        del paths[title]
                        paths[UNKNOWN_TITLE] = path + (unknown,)
    where = f" in {view._entity(view.context.jurisdiction).name}" if view.context.jurisdiction else ""
    return Answer(view, f"licence titles for {entity.name}{where}", paths)


# -- comparison ------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == frozenset()


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Row:
    """One aspect of a comparison: its value for each side, and what both share."""

    aspect: str
    a: Any
    b: Any

    @property
    def same(self) -> bool:
        """Whether both sides have the same value; a row empty on both sides is the same."""
        return bool(self.a == self.b) or (_empty(self.a) and _empty(self.b))

    @property
    def only_a(self) -> frozenset[Any]:
        """What only side ``a`` has (for sets; empty otherwise)."""
        return self.a - self.b if isinstance(self.a, frozenset) and isinstance(self.b, frozenset) else frozenset()

    @property
    def only_b(self) -> frozenset[Any]:
        """What only side ``b`` has (for sets; empty otherwise)."""
        return self.b - self.a if isinstance(self.a, frozenset) and isinstance(self.b, frozenset) else frozenset()

    @property
    def shared(self) -> Any:
        """What both sides have (for sets), or the common value (otherwise), or ``None``."""
        if isinstance(self.a, frozenset) and isinstance(self.b, frozenset):
            return self.a & self.b
        return self.a if self.same else None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "-"
    return "-" if value is None else str(value)


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Comparison:
    """Two entities side by side; ``rows`` in a fixed order, each a :class:`Row`.

    ``str()`` renders a table; :meth:`row` finds one aspect by name.
    """

    a: Entity
    b: Entity
    rows: tuple[Row, ...]

    def row(self, aspect: str) -> Row:
        """The row for ``aspect`` (such as ``"requires diagnosis"``)."""
        for row in self.rows:
            if row.aspect == aspect:
                return row
        raise KeyError(f"no aspect {aspect!r}; aspects are {', '.join(r.aspect for r in self.rows)}")

    @property
    def shared(self) -> tuple[Row, ...]:
        """The rows on which both sides agree."""
        return tuple(row for row in self.rows if row.same)

    @property
    def differences(self) -> tuple[Row, ...]:
        """The rows on which the sides differ."""
        return tuple(row for row in self.rows if not row.same)

    def __str__(self) -> str:
        width = max(len(row.aspect) for row in self.rows) if self.rows else 0
        lines = [f"{'':{width}}  {self.a.name}  |  {self.b.name}"]
        for row in self.rows:
            mark = "=" if row.same else "≠"
            lines.append(f"{row.aspect:{width}} {mark} {_show(row.a)}  |  {_show(row.b)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the comparison."""
        def plain(value: Any) -> Any:
            return sorted(value) if isinstance(value, frozenset) else value

        return {
            "a": self.a.id,
            "b": self.b.id,
            "rows": [
                {"aspect": r.aspect, "a": plain(r.a), "b": plain(r.b), "same": r.same} for r in self.rows
            ],
        }


def _names(answer: Answer) -> frozenset[str]:
    return frozenset(entity.name for entity in answer)


def _codes_billing(tax: Taxonomy, services: Iterable[str]) -> frozenset[str]:
    return frozenset(
        tax._entity(bill.subject).name
        for service in services
        for bill in tax._in(service, Relation.BILLS)
    )


def _service_rows(tax: Taxonomy, entity: Entity) -> list[Row | tuple[str, Any]]:
    services = _services_of(tax, entity)
    every = {s for service in services for s in _downward(tax, service)}
    forms = {
        fact.subject
        for service in services
        for above in _upward(tax, service)
        for fact in tax._in(above, Relation.FORM_OF)
    } if entity.kind is Kind.SERVICE else set()
    every_form = {
        modality.id
        for modality in tax.entities(Kind.MODALITY)
        if entity.kind is Kind.SERVICE and entity.id in _services_of(tax, modality)
    }
    treats = {
        fact.object
        for node in {entity.id, *services, *every_form}
        for fact in tax._out(node, Relation.FIRST_LINE_FOR)
    }
    return [
        ("kind", entity.kind.value.replace("_", " ")),
        ("health care", all(getattr(tax._entity(s), "health_care", True) for s in services)),
        ("requires diagnosis", requires_diagnosis(tax, entity)),
        ("reimbursable", bool(_codes_billing(tax, every))),
        ("billing codes", _codes_billing(tax, every)),
        ("who provides", _names(who_can_provide(tax, entity))),
        ("who provides on their own", _names(who_can_provide(tax, entity, independently=True))),
        ("broader", _names(broader(tax, entity))),
        ("modalities and practices", frozenset(tax._entity(m).name for m in forms)),
        ("first line for", frozenset(tax._entity(c).name for c in treats)),
    ]


_CAPABILITIES = ("diagnosis", "psychotherapy", "prescribing", "ordering-tests")


def _profession_rows(tax: Taxonomy, entity: Entity) -> list[Row | tuple[str, Any]]:
    offered = what_can_provide(tax, entity)
    alone = what_can_provide(tax, entity, independently=True)
    needs = list(requirements_for(tax, entity))
    rows: list[Row | tuple[str, Any]] = [("kind", "group of professions" if getattr(entity, "group", False) else "profession")]
    for capability in _CAPABILITIES:
        if capability in tax._data.entities:
            label = tax._entity(capability).name
            rows.append((f"can provide {label}", capability in offered.ids))
    rows.append(("services", _names(offered)))
    rows.append(("services on their own", _names(alone)))
    for credential_type in ("degree", "exam", "license", "experience", "certification", "training"):
        rows.append(
            (
                f"{credential_type} requirements",
                frozenset(c.name for c in needs if isinstance(c, Credential) and c.type.value == credential_type),
            )
        )
    rows.append(("billing codes", _codes_billing(tax, offered.ids)))
    rows.append(("kinds of", _names(broader(tax, entity))))
    return rows


def compare(tax: Taxonomy, a: Ref, b: Ref) -> Comparison:
    """Compare two services, modalities, codes or professions (or one of each)."""
    left, right = tax.get(a), tax.get(b)
    aspects: dict[str, list[Any]] = {}
    for side, entity in enumerate((left, right)):
        if entity.kind is Kind.PROFESSION:
            rows = _profession_rows(tax, entity)
        elif entity.kind in (Kind.SERVICE, Kind.MODALITY, Kind.BILLING_CODE):
            rows = _service_rows(tax, entity)
        else:
            rows = [("kind", entity.kind.value.replace("_", " ")), ("kinds of", _names(broader(tax, entity)))]
        for aspect, value in rows:  # type: ignore[misc]
            aspects.setdefault(aspect, [None, None])[side] = value
    if left.kind is Kind.PROFESSION and right.kind is Kind.PROFESSION:
        aspects["refers to the other for"] = [
            _names(referral_reasons(tax, left, right)),
            _names(referral_reasons(tax, right, left)),
        ]
    return Comparison(a=left, b=right, rows=tuple(Row(aspect=k, a=v[0], b=v[1]) for k, v in aspects.items()))


def stats(tax: Taxonomy) -> dict[str, dict[str, int]]:
    """Counts of records by kind, of sources, and of facts by relation."""
    kinds = {kind.value: 0 for kind in Kind}
    for entity in tax.entities():
        kinds[entity.kind.value] += 1
    relations = {relation.value: 0 for relation in Relation}
    for fact in tax.facts():
        relations[fact.relation.value] += 1
    return {
        "records": kinds,
        "facts": relations,
        "totals": {
            "records": sum(kinds.values()),
            "facts": sum(relations.values()),
            "sources": len(tax.sources()),
        },
    }

