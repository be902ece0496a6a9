"""The :class:`Taxonomy`: lookups, context views and the graph.

A taxonomy is immutable. :meth:`Taxonomy.where` returns a *view* with the same
API whose answers use only the facts that hold in its context (jurisdiction,
payer, date). The questions themselves are traversals in :mod:`.queries` and
:mod:`.billing`; the methods here name them and pass the view along.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import attrs
import networkx as nx

from . import billing, queries
from .load import Dataset, read
from .model import (
    BillingCode,
    Code,
    Context,
    Entity,
    Fact,
    Jurisdiction,
    Kind,
    Payer,
    Relation,
    Source,
)

if TYPE_CHECKING:
    from .billing import ClaimCheck
    from .queries import Answer, Comparison

__all__ = [
    "AmbiguousEntityError",
    "EntityLookupError",
    "Taxonomy",
    "UnknownEntityError",
    "WrongKindError",
    "load",
]

E = TypeVar("E", bound=Entity)
Ref = str | Entity


class EntityLookupError(KeyError):
    """A reference did not name exactly one entity."""

    def __init__(self, message: str, ref: str) -> None:
        super().__init__(message)
        self.message = message
        self.ref = ref

    def __str__(self) -> str:
        return self.message


class UnknownEntityError(EntityLookupError):
    """No entity answers to the reference; ``suggestions`` lists close matches."""

    def __init__(self, ref: str, suggestions: Sequence[str], what: str = "entity") -> None:
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {what} {ref!r}{hint}", ref)
        self.suggestions = tuple(suggestions)


class AmbiguousEntityError(EntityLookupError):
    """Several entities answer to the reference; ``candidates`` lists them."""

    def __init__(self, ref: str, candidates: Sequence[Entity]) -> None:
        listed = "; ".join(f"{e.id!r} ({e.kind}: {e.name})" for e in candidates)
        super().__init__(f"{ref!r} is ambiguous: it could be {listed}; use an id", ref)
        self.candidates = tuple(candidates)


class WrongKindError(ValueError):
    """A question was asked of an entity of a kind it does not apply to."""

    def __init__(self, entity: Entity, expected: Iterable[Kind], question: str) -> None:
        kinds = " or ".join(str(kind).replace("_", " ") for kind in expected)
        super().__init__(
            f"{question} takes a {kinds}; {entity.name!r} ({entity.id}) is a {str(entity.kind).replace('_', ' ')}"
        )
        self.entity = entity


_SEPARATORS = re.compile(r"[\s\-_/]+")


def normalize(text: str) -> str:
    """The form names are compared in: case-folded, apostrophes dropped, separators as one space.

    >>> normalize("Trauma-focused  CBT")
    'trauma focused cbt'
    >>> normalize("Master’s degree")
    'masters degree'
    """
    text = text.casefold().replace("’", "").replace("'", "")
    return _SEPARATORS.sub(" ", text).strip()


class _Index:
    """Every way to name an entity, and the facts by endpoint; built once per dataset."""

    def __init__(self, dataset: Dataset) -> None:
        self.labels: dict[str, set[str]] = defaultdict(set)
        self.display: dict[str, str] = {}
        self.codes: list[tuple[Code, str]] = []
        for entity in dataset.entities.values():
            for label in entity.labels:
                key = normalize(label)
                self.labels[key].add(entity.id)
                self.display.setdefault(key, label)
            for code in entity.codes:
                self.codes.append((code, entity.id))
            if isinstance(entity, BillingCode):
                key = normalize(entity.code)
                self.labels[key].add(entity.id)
                self.display.setdefault(key, entity.code)
        self.outgoing: dict[tuple[str, Relation], list[Fact]] = defaultdict(list)
        self.incoming: dict[tuple[str, Relation], list[Fact]] = defaultdict(list)
        for fact in dataset.facts.values():
            self.outgoing[fact.subject, fact.relation].append(fact)
            self.incoming[fact.object, fact.relation].append(fact)


class Taxonomy:
    """The curated taxonomy, or a view of it in one context.

    Get one with :func:`load`; narrow it with :meth:`where`. Questions take
    references (an id, name, alias, abbreviation or external code, any case)
    or entity records, and return :class:`~mhtaxonomy.queries.Answer` objects.

    >>> import mhtaxonomy as mht
    >>> tax = mht.load()
    >>> tax.get("LCSW").name
    'Licensed clinical social worker'
    """

    def __init__(self, dataset: Dataset, context: Context | None = None, *, _index: _Index | None = None) -> None:
        self._data = dataset
        self._index = _index or _Index(dataset)
        self.context = context or Context()
        # Answers that several questions reuse, computed once per view (a view never changes).
        self._memo: dict[str, object] = {}
        self._today: tuple[float, Context] = (0.0, self.context)

    # -- the dataset -------------------------------------------------------

    @property
    def data_version(self) -> str:
        """The version of the curated data."""
        return self._data.version

    @property
    def as_of(self) -> dt.date:
        """The date up to which the curated data were checked against their sources."""
        return self._data.as_of

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The frozen graph: one node per entity, one edge per fact.

        Nodes carry ``kind`` and ``entity``; edges are keyed by fact id and carry
        ``relation`` and ``fact``. In a view, only the facts that hold in its
        context are edges.
        """
        context = self._dated()
        key = f"graph:{context.on}"
        if key not in self._memo:
            whole = self._data.graph
            if all(fact.holds_in(context) for fact in self._data.facts.values()):
                self._memo[key] = whole
            else:
                self._memo[key] = nx.subgraph_view(
                    whole, filter_edge=lambda u, v, k: whole.edges[u, v, k]["fact"].holds_in(context)
                )
        graph = self._memo[key]
        assert isinstance(graph, nx.MultiDiGraph)
        return graph

    def entities(self, kind: Kind | str | None = None) -> list[Entity]:
        """Every entity, or those of one kind, sorted by id.

        >>> import mhtaxonomy as mht
        >>> "medicare" in [e.id for e in mht.load().entities("payer")]
        True
        """
        wanted = Kind(kind) if kind is not None else None
        return sorted(
            (e for e in self._data.entities.values() if wanted is None or e.kind is wanted),
            key=lambda e: e.id,
        )

    def sources(self) -> list[Source]:
        """Every source the data cite, sorted by id."""
        return sorted(self._data.sources.values(), key=lambda s: s.id)

    def source(self, source_id: str) -> Source:
        """The :class:`~mhtaxonomy.model.Source` with this id.

        Raises :class:`UnknownEntityError` if there is none.
        """
        try:
            return self._data.sources[source_id]
        except KeyError:
            close = difflib.get_close_matches(source_id, list(self._data.sources), n=5)
            raise UnknownEntityError(source_id, close, "source") from None

    def facts(
        self,
        subject: Ref | None = None,
        relation: Relation | str | None = None,
        object: Ref | None = None,  # noqa: A002 - the word of the model
    ) -> list[Fact]:
        """The facts that hold in this view's context, optionally filtered, sorted by id.

        >>> import mhtaxonomy as mht
        >>> sorted(f.object for f in mht.load().facts("lcsw", "holds") if f.object == "msw")
        ['msw']
        >>> all(f.relation == "holds" for f in mht.load().facts("lcsw", "holds"))
        True
        """
        rel = Relation(relation) if relation is not None else None
        subject_id = self.get(subject).id if subject is not None else None
        object_id = self.get(object).id if object is not None else None
        if subject_id is not None and rel is not None:
            candidates: Iterable[Fact] = self._index.outgoing.get((subject_id, rel), ())
        elif object_id is not None and rel is not None:
            candidates = self._index.incoming.get((object_id, rel), ())
        else:
            candidates = self._data.facts.values()
        context = self._dated()
        return sorted(
            (
                f
                for f in candidates
                if (subject_id is None or f.subject == subject_id)
                and (rel is None or f.relation is rel)
                and (object_id is None or f.object == object_id)
                and f.holds_in(context)
            ),
            key=lambda f: f.id,
        )

    def fact(self, fact_id: str) -> Fact:
        """The fact with this id, whether or not it holds in this view."""
        try:
            return self._data.facts[fact_id]
        except KeyError:
            close = difflib.get_close_matches(fact_id, list(self._data.facts), n=5)
            raise UnknownEntityError(fact_id, close, "fact") from None

    # -- traversal primitives used by the queries ---------------------------

    def _dated(self) -> Context:
        """The context with its date filled in; "today" is looked up once a day, not once a fact."""
        if self.context.on is not None:
            return self.context
        expires, context = self._today
        if time.time() >= expires:
            today = dt.date.today()
            midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min)
            context = attrs.evolve(self.context, on=today)
            self._today = (midnight.timestamp(), context)
        return context

    def _out(self, node: str, relation: Relation) -> list[Fact]:
        context = self._dated()
        return [f for f in self._index.outgoing.get((node, relation), ()) if f.holds_in(context)]

    def _in(self, node: str, relation: Relation) -> list[Fact]:
        context = self._dated()
        return [f for f in self._index.incoming.get((node, relation), ()) if f.holds_in(context)]

    def _out_anywhere(self, node: str, relation: Relation) -> tuple[Fact, ...]:
        """Facts from ``node`` whatever their places and dates (to tell "not here" from "nowhere")."""
        return tuple(self._index.outgoing.get((node, relation), ()))

    def _entity(self, entity_id: str) -> Entity:
        return self._data.entities[entity_id]

    # -- lookups -----------------------------------------------------------

    def get(self, ref: Ref) -> Entity:
        """The one entity that ``ref`` names.

        ``ref`` may be an entity, its id, name, alias or abbreviation, or an
        external code (NUCC taxonomy code, CPT/HCPCS code, an ICD-10-CM code
        within a condition's range); case and separators do not matter.

        Raises
        ------
        UnknownEntityError
            If nothing answers to ``ref``; the message lists close matches.
        AmbiguousEntityError
            If several entities do; the message lists them.

        Examples
        --------
        >>> import mhtaxonomy as mht
        >>> tax = mht.load()
        >>> tax.get("2084P0800X").id, tax.get("f43.12").id
        ('psychiatrist', 'ptsd')
        >>> tax.get("CPT")
        Traceback (most recent call last):
        ...
        mhtaxonomy.taxonomy.AmbiguousEntityError: 'CPT' is ambiguous: ...
        """
        if isinstance(ref, Entity):
            if self._data.entities.get(ref.id) != ref:
                raise UnknownEntityError(ref.id, [], "entity record")
            return ref
        if not isinstance(ref, str):
            raise TypeError(f"expected an entity or a string, got {type(ref).__name__}")
        text = ref.strip()
        if text in self._data.entities:
            return self._data.entities[text]
        return self._one(ref, self._candidates(text))

    def _candidates(self, text: str) -> list[Entity]:
        """Every entity whose label is ``text``, or failing that whose codes match it."""
        ids = set(self._index.labels.get(normalize(text), ()))
        if not ids:
            # "SYSTEM:value" (CMS-SPECIALTY:E2) names the code system too; a bare value matches any.
            system, _, value = text.rpartition(":")
            ids = {
                entity_id
                for code, entity_id in self._index.codes
                if code.matches(value) and (not system or code.system.casefold() == system.strip().casefold())
            }
        return sorted((self._data.entities[i] for i in ids), key=lambda e: e.id)

    def _one(self, ref: str, candidates: Sequence[Entity], kind: Kind | None = None) -> Entity:
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise AmbiguousEntityError(ref, candidates)
        raise UnknownEntityError(ref, self._suggest(ref.strip(), kind), str(kind) if kind else "entity")

    def _get_kind(self, ref: Ref, *kinds: Kind, question: str) -> Entity:
        entity = self.get(ref)
        if entity.kind not in kinds:
            raise WrongKindError(entity, kinds, question)
        return entity

    def _suggest(self, text: str, kind: Kind | None = None) -> list[str]:
        keys = [
            key
            for key, ids in self._index.labels.items()
            if kind is None or any(self._data.entities[i].kind is kind for i in ids)
        ]
        close = difflib.get_close_matches(normalize(text), keys, n=5, cutoff=0.6)
        return [self._index.display[key] for key in close]

    def search(self, text: str, limit: int = 10) -> list[Entity]:
        """Entities whose names match ``text``, best first.

        Exact names rank first, then names that start with ``text``, names that
        contain it, descriptions that contain it, and finally near spellings.

        >>> import mhtaxonomy as mht
        >>> mht.load().search("exposure therapy")[0].id
        'exposure-therapy'
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        query = normalize(text)
        if not query:
            raise ValueError("search needs some text")
        scores: dict[str, float] = {}
        for key, ids in self._index.labels.items():
            if key == query:
                score = 4.0
            elif key.startswith(query):
                score = 3.0
            elif query in key:
                score = 2.0
            else:
                ratio = difflib.SequenceMatcher(None, query, key).ratio()
                score = ratio if ratio >= 0.75 else 0.0
            for entity_id in ids:
                scores[entity_id] = max(scores.get(entity_id, 0.0), score)
        for entity in self._data.entities.values():
            if scores.get(entity.id, 0.0) < 1.0 and query in normalize(entity.description):
                scores[entity.id] = 1.0
        ranked = sorted(
            (entity_id for entity_id, score in scores.items() if score > 0),
            key=lambda i: (-scores[i], self._data.entities[i].name.casefold(), i),
        )
        return [self._data.entities[i] for i in ranked[:limit]]

    # -- views ---------------------------------------------------------------

    def where(
        self,
        jurisdiction: str | Jurisdiction | None = None,
        payer: str | Payer | None = None,
        on: dt.date | str | None = None,
    ) -> Taxonomy:
        """A view whose answers hold in one jurisdiction, for one payer, on one date.

        Arguments left out keep this view's setting (on :func:`load`'s
        taxonomy: anywhere in the US, any payer, today). ``jurisdiction``
        accepts a postal code, ``US-XX`` code, name or id; ``on`` a date or an
        ISO date string.

        Raises
        ------
        UnknownEntityError
            For a jurisdiction or payer that does not exist (with close matches).
        ValueError
            For a date that is not a real ISO date.

        Examples
        --------
        >>> import mhtaxonomy as mht
        >>> view = mht.load().where(payer="Medicare", on="2023-06-01")
        >>> view.context.payer, view.context.on.isoformat()
        ('medicare', '2023-06-01')
        """
        context = self.context
        if jurisdiction is not None:
            context = attrs.evolve(context, jurisdiction=self._resolve_kind(jurisdiction, Kind.JURISDICTION).id)
        if payer is not None:
            context = attrs.evolve(context, payer=self._resolve_kind(payer, Kind.PAYER).id)
        if on is not None:
            context = attrs.evolve(context, on=_as_date(on))
        return Taxonomy(self._data, context, _index=self._index)

    def _resolve_kind(self, ref: Ref, kind: Kind) -> Entity:
        """Like :meth:`get`, where only entities of ``kind`` count ("MD": Maryland, not the degree)."""
        if isinstance(ref, Entity):
            entity = self.get(ref)
            if entity.kind is not kind:
                raise UnknownEntityError(entity.id, [], str(kind))
            return entity
        text = ref.strip()
        exact = self._data.entities.get(text)
        if exact is not None and exact.kind is kind:
            return exact
        return self._one(ref, [e for e in self._candidates(text) if e.kind is kind], kind)

    def __repr__(self) -> str:
        parts = [f"data_version={self.data_version!r}"]
        if self.context.jurisdiction:
            parts.append(f"jurisdiction={self.context.jurisdiction!r}")
        if self.context.payer:
            parts.append(f"payer={self.context.payer!r}")
        parts.append(f"on={self.context.on.isoformat()!r}" if self.context.on else "on=today")
        return f"<Taxonomy {' '.join(parts)}>"

    # -- questions -----------------------------------------------------------

    def broader(self, ref: Ref) -> Answer:
        """Everything ``ref`` is a kind of, transitively (``is_a`` followed upward).

        >>> import mhtaxonomy as mht
        >>> sorted(e.id for e in mht.load().broader("ERP"))
        ['cbt', 'exposure-therapy']
        """
        return queries.broader(self, ref)

    def narrower(self, ref: Ref) -> Answer:
        """Everything that is a kind of ``ref``, transitively (``is_a`` followed downward).

        >>> import mhtaxonomy as mht
        >>> "lcsw" in mht.load().narrower("therapist")
        True
        """
        return queries.narrower(self, ref)

    def who_can_provide(self, ref: Ref, independently: bool = False) -> Answer:
        """The professions that may provide a service, modality or billing code's service.

        A credential that authorizes a service also authorizes its narrower
        services; a profession's narrower professions are included. With
        ``independently=True``, professions allowed only under supervision are
        left out. For a billing code, a profession must be able to provide every
        service the code bills.

        Raises :class:`WrongKindError` for other kinds of entity.

        >>> import mhtaxonomy as mht
        >>> tax = mht.load()
        >>> "lcsw" in tax.who_can_provide("psychotherapy"), "life-coach" in tax.who_can_provide("psychotherapy")
        (True, False)
        """
        return queries.who_can_provide(self, ref, independently=independently)

    def what_can_provide(self, ref: Ref, independently: bool = False) -> Answer:
        """The services a profession may provide; for a group, what all its members may.

        >>> import mhtaxonomy as mht
        >>> "prescribing" in mht.load().what_can_provide("psychiatrist")
        True
        """
        return queries.what_can_provide(self, ref, independently=independently)

    def requires_diagnosis(self, ref: Ref) -> bool:
        """Whether a service, modality or billing code needs a diagnosed mental disorder.

        >>> import mhtaxonomy as mht
        >>> tax = mht.load()
        >>> tax.requires_diagnosis("psychotherapy"), tax.requires_diagnosis("coaching")
        (True, False)
        """
        return queries.requires_diagnosis(self, ref)

    def what_requires_diagnosis(self) -> Answer:
        """Every service, modality and billing code that needs a diagnosed mental disorder."""
        return queries.what_requires_diagnosis(self)

    def requirements_for(self, ref: Ref) -> Answer:
        """The credentials a profession needs: degrees, exams, supervised experience, licences.

        >>> import mhtaxonomy as mht
        >>> "usmle" in mht.load().requirements_for("psychiatrist")
        True
        """
        return queries.requirements_for(self, ref)

    def referral_reasons(self, from_: Ref, to: Ref) -> Answer:
        """Why ``from_`` refers clients to ``to`` (their broader groups count too).

        >>> import mhtaxonomy as mht
        >>> "suicidal-thoughts-or-self-harm" in mht.load().referral_reasons("LCSW", "psychiatrist")
        True
        """
        return queries.referral_reasons(self, from_, to)

    def refer(self, reason: Ref, from_: Ref | None = None) -> Answer:
        """Who receives a referral for ``reason`` (from ``from_``, if given), in this context."""
        return queries.refer(self, reason, from_=from_)

    def treatments_for(self, condition: Ref) -> Answer:
        """First-line modalities and services for a condition; ``why`` names each guideline.

        >>> import mhtaxonomy as mht
        >>> "exposure-and-response-prevention" in mht.load().treatments_for("OCD")
        True
        """
        return queries.treatments_for(self, condition)

    def compare(self, a: Ref, b: Ref) -> Comparison:
        """Two entities side by side: what they share and where they differ."""
        return queries.compare(self, a, b)

    def stats(self) -> dict[str, dict[str, int]]:
        """How many records of each kind, sources, and facts of each relation (in this view)."""
        return queries.stats(self)

    def codes_for_session(
        self, minutes: int, service: Ref = "psychotherapy", with_em: bool = False
    ) -> tuple[BillingCode, ...]:
        """The codes for one session of ``minutes`` minutes (see :mod:`.billing`)."""
        return billing.codes_for_session(self, minutes, service=service, with_em=with_em)

    def who_can_bill(self, code: Ref) -> Answer:
        """The professions that may bill a code under this view's payer and date."""
        return billing.who_can_bill(self, code)

    def check_claim(
        self,
        codes: Sequence[Ref],
        *,
        profession: Ref,
        minutes: int | None = None,
        diagnosis: Ref | None = None,
    ) -> ClaimCheck:
        """Check one day's codes for one clinician; see :func:`.billing.check_claim`."""
        return billing.check_claim(self, codes, profession=profession, minutes=minutes, diagnosis=diagnosis)

    def titles(self, profession: Ref, jurisdiction: str | Jurisdiction | None = None) -> Answer:
        """The licence titles used for a profession, optionally in one jurisdiction."""
        return queries.titles(self, profession, jurisdiction=jurisdiction)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"on must be a date or an ISO date such as 2025-06-01, got {value!r}")


_lock = threading.Lock()


@functools.cache
def _shipped() -> Taxonomy:
    return Taxonomy(read())


def load(*overlays: str | Path) -> Taxonomy:
    """The curated taxonomy, with the user's TOML files layered on top.

    Without arguments the shipped data are read once and the same immutable
    taxonomy is returned on every call. Overlay files use the shipped format
    and are checked with the shipped data as one whole: a bad overlay raises
    :class:`~mhtaxonomy.load.DataError` and nothing is loaded.

    >>> import mhtaxonomy as mht
    >>> mht.load() is mht.load()
    True
    """
    if overlays:
        return Taxonomy(read(*overlays))
    with _lock:
        return _shipped()
