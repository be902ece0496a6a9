"""The :class:`Taxonomy`: lookups, context views and the graph.

A taxonomy is immutable. :meth:`Taxonomy.where` returns a *view* with the same
API whose answers use only the facts that hold in its context (jurisdiction,
payer, date). The questions themselves are traversals in :mod:`.queries` and
:mod:`.billing`; the methods here name them and pass the view along.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import operator
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from .load import Dataset, read, shipped_files
from .model import (
    BillingCode,
    Code,
    Context,
    Entity,
    Fact,
    Jurisdiction,
    Kind,
    Payer,
    Profession,
    Relation,
    Source,
    _code_key,
)

if TYPE_CHECKING:
    from . import queries
else:

    class _Queries:
        """Stands for :mod:`.queries` until a question is first asked (a cold ``load()`` skips it)."""

        def __getattr__(self, name: str) -> object:
            from . import queries as module

            globals()["queries"] = module
            return getattr(module, name)

    queries = _Queries()

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx

    from .billing import ClaimCheck
    from .coverage import Coverage
    from .practice import PracticeVerdict, TelehealthAnswer
    from .queries import Answer, Comparison, Verdict

__all__ = [
    "MAX_SEARCH_TEXT",
    "AmbiguousEntityError",
    "EntityLookupError",
    "Taxonomy",
    "UnknownEntityError",
    "WrongKindError",
    "load",
]

E = TypeVar("E", bound=Entity)
Ref = str | Entity

#: The longest text :meth:`Taxonomy.search` takes (no name or description match needs more).
MAX_SEARCH_TEXT = 200


def _shown(value: object, width: int = 60) -> str:
    """``repr(value)``, cut short so that a huge wrong value is never echoed whole into a message."""
    text = repr(value)
    return text if len(text) <= width else f"{text[:width]}... ({len(text)} characters)"


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
        super().__init__(f"unknown {what} {_shown(ref)}{hint}", ref)
        self.suggestions = tuple(suggestions)


class AmbiguousEntityError(EntityLookupError):
    """Several entities answer to the reference; ``candidates`` lists them."""

    def __init__(self, ref: str, candidates: Sequence[Entity]) -> None:
        listed = "; ".join(f"{e.id!r} ({e.kind}: {e.name})" for e in candidates)
        super().__init__(f"{_shown(ref)} is ambiguous: it could be {listed}; use an id", ref)
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


#: Queries shorter than this are matched for near spellings by length, not by three-letter runs
#: (a short misspelling such as "ptsd" for "psyd" need not share a run).
SHORT_QUERY = 8


def _common_letters(wanted: Mapping[str, int], have: Mapping[str, int]) -> int:
    """How many letters two letter counts share (difflib's quick_ratio numerator)."""
    return sum(min(count, wanted[letter]) for letter, count in have.items() if letter in wanted)


def _letter_runs(text: str) -> str | None:
    """``text``'s letters as distinct characters: the n-th ``e`` becomes its own character.

    So two texts share ``len(set(_letter_runs(a)) & set(_letter_runs(b)))`` letters (counted
    as difflib's quick_ratio counts them), found by a set intersection in C. None for a text
    this cannot spell (a character past U+0FFF, or one letter more than 272 times).
    """
    seen: dict[str, int] = {}
    runs = []
    for letter in text:
        number = seen.get(letter, 0)
        seen[letter] = number + 1
        point = ord(letter) + number * 0x1000
        if ord(letter) >= 0x1000 or point > 0x10FFFF:
            return None
        runs.append(chr(point))
    return "".join(runs)


def _positions(text: str) -> dict[str, int]:
    """Each letter of ``text`` and the bits of the places it stands in: what :func:`_common_run` reads."""
    masks: dict[str, int] = {}
    for place, letter in enumerate(text):
        masks[letter] = masks.get(letter, 0) | 1 << place
    return masks


def _common_run(masks: Mapping[str, int], length: int, other: str) -> int:
    """The length of the longest common subsequence of ``other`` and the text of ``masks``.

    The bit-parallel method of Allison and Dix (1986): one pass over ``other``, a few integer
    operations a letter. difflib's matching blocks are a common subsequence, so their size
    (the numerator of its ratio) is never more than this: a ratio check can stop here.
    """
    full = (1 << length) - 1
    row = full
    for letter in other:
        matched = row & masks.get(letter, 0)
        row = ((row + matched) | (row - matched)) & full
    return length - row.bit_count()


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


class _Finder:
    """What :meth:`Taxonomy.search` looks names up in: sorted labels and three-letter runs.

    Built on the first search, once per dataset. A lookup costs the length of
    the query plus the entries of its rarest three-letter run (for "contains")
    or of all its runs (for near spellings), not a pass over every label.
    """

    def __init__(self, labels: Mapping[str, Sequence[str]], entities: Mapping[str, Entity]) -> None:
        ids = {key: tuple(found) for key, found in labels.items()}
        self.keys = sorted(labels)  # for "starts with"
        self.ids = [ids[key] for key in self.keys]
        # Everything else numbers the labels shortest first, so the labels of the lengths a near
        # spelling can have are one stretch of numbers, in each run's list too.
        self.sized = sorted(self.keys, key=len)
        self.sized_ids = [ids[key] for key in self.sized]
        self.sizes = [len(key) for key in self.sized]
        self.key_grams = self._grams(self.sized)
        self.letters = [_letter_runs(key) for key in self.sized]
        self.entity_ids = list(entities)
        self.descriptions = [normalize(entity.description) for entity in entities.values()]
        self.description_grams = self._grams(self.descriptions)

    @staticmethod
    def _grams(texts: Sequence[str]) -> dict[str, list[int]]:
        grams: dict[str, list[int]] = defaultdict(list)
        for position, text in enumerate(texts):
            for gram in _trigrams(text):
                grams[gram].append(position)
        return dict(grams)

    @staticmethod
    def _containing(query: str, texts: Sequence[str], grams: Mapping[str, list[int]]) -> Iterator[int]:
        if len(query) < 3:  # too short to have a run: a plain pass (at most two characters to compare)
            return (i for i, text in enumerate(texts) if query in text)
        runs = [grams.get(gram, []) for gram in _trigrams(query)]
        return (i for i in min(runs, key=len) if query in texts[i])

    def near(self, query: str, cutoff: float) -> Iterator[tuple[str, float]]:
        """Labels spelled like ``query`` (difflib ratio at least ``cutoff``).

        A short query (under :data:`SHORT_QUERY` characters) is compared with every
        label of a length that could reach ``cutoff``; a longer one with the labels
        that share at least a fifth of its three-letter runs.
        """
        # ratio <= 2 * min(len) / (sum of lengths): other lengths cannot reach the cutoff.
        shortest = int(len(query) * cutoff / (2 - cutoff))
        longest = int(len(query) * (2 - cutoff) / cutoff) + 1
        low, high = bisect.bisect_left(self.sizes, shortest), bisect.bisect_right(self.sizes, longest)
        if len(query) < SHORT_QUERY:
            candidates: Iterable[int] = range(low, high)
        else:
            grams = _trigrams(query)
            shared: Counter[int] = Counter()
            for gram in grams:
                found = self.key_grams.get(gram)
                if found:
                    shared.update(found[bisect.bisect_left(found, low) : bisect.bisect_left(found, high)])
            # A near spelling keeps most runs of its word; a label sharing under a fifth of them
            # is not compared (measured: no ranking of typed-wrong labels changes).
            least = max(1, len(grams) // 5)
            candidates = [number for number, count in shared.items() if count >= least]
        import difflib  # here: most sessions never search, and a cold start skips it

        matcher = difflib.SequenceMatcher(None, query)
        runs = _letter_runs(query)
        wanted = set(runs) if runs is not None else None
        letters = Counter(query)
        masks = _positions(query)
        for number in candidates:
            key = self.sized[number]
            enough = cutoff * (len(key) + len(query)) / 2  # the shared letters a ratio of cutoff needs
            if min(len(key), len(query)) < enough:
                continue  # difflib's real_quick_ratio
            # difflib's quick_ratio: the letters both have, by set intersection where it can
            key_runs = self.letters[number]
            if wanted is not None and key_runs is not None:
                common = len(wanted.intersection(key_runs))
            else:
                common = _common_letters(letters, Counter(key))
            if common < enough or _common_run(masks, len(query), key) < enough:
                continue  # too few letters in common, or too few in the same order
            matcher.set_seq2(key)
            ratio = matcher.ratio()
            if ratio >= cutoff:
                yield key, ratio

    def scores(self, query: str) -> dict[str, float]:
        """Each matching entity's best score: 4 exact, 3 prefix, 2 contains, 1 description, else the ratio."""
        scores: dict[str, float] = {}

        def give(ids: Iterable[str], score: float) -> None:
            for entity_id in ids:
                if scores.get(entity_id, 0.0) < score:
                    scores[entity_id] = score

        first = bisect.bisect_left(self.keys, query)
        for position in range(first, len(self.keys)):
            key = self.keys[position]
            if not key.startswith(query):
                break
            give(self.ids[position], 4.0 if key == query else 3.0)
        for number in self._containing(query, self.sized, self.key_grams):
            give(self.sized_ids[number], 2.0)
        for position in self._containing(query, self.descriptions, self.description_grams):
            give((self.entity_ids[position],), 1.0)
        for key, ratio in self.near(query, 0.75):
            give(self._ids_of(key), ratio)
        return scores

    def _ids_of(self, key: str) -> tuple[str, ...]:
        return self.ids[bisect.bisect_left(self.keys, key)]


class _Index:
    """Every way to name an entity, and the facts by endpoint; built once per dataset."""

    def __init__(self, dataset: Dataset) -> None:
        labels: dict[str, set[str]] = defaultdict(set)
        self.display: dict[str, str] = {}
        # Exact external codes by their compared form; ranges by the category both ends share
        # (a code is looked for only among its own category's ranges), or in `wide_ranges`.
        exact_codes: dict[str, set[str]] = defaultdict(set)
        self.ranges: dict[str, list[tuple[Code, str]]] = defaultdict(list)
        self.wide_ranges: list[tuple[Code, str]] = []
        kinds: dict[Kind, list[Entity]] = defaultdict(list)
        for entity in dataset.entities.values():
            kinds[entity.kind].append(entity)
            for label in entity.labels:
                key = normalize(label)
                labels[key].add(entity.id)
                self.display.setdefault(key, label)
            for code in entity.codes:
                self._add_code(code, entity.id, exact_codes)
            if isinstance(entity, BillingCode):
                key = normalize(entity.code)
                labels[key].add(entity.id)
                self.display.setdefault(key, entity.code)
        # Frozen to sorted tuples: what lookups need, and quicker to read back from the cache than sets.
        self.labels = {key: tuple(sorted(ids)) for key, ids in labels.items()}
        self.exact_codes = {key: tuple(sorted(ids)) for key, ids in exact_codes.items()}
        self.by_kind = {kind: tuple(sorted(found, key=lambda e: e.id)) for kind, found in kinds.items()}
        self.everything = tuple(sorted(dataset.entities.values(), key=lambda e: e.id))
        self.groups = frozenset(
            e.id for e in self.by_kind.get(Kind.PROFESSION, ()) if isinstance(e, Profession) and e.group
        )
        outgoing: dict[tuple[str, Relation], list[Fact]] = defaultdict(list)
        incoming: dict[tuple[str, Relation], list[Fact]] = defaultdict(list)
        for fact in dataset.facts.values():
            outgoing[fact.subject, fact.relation].append(fact)
            incoming[fact.object, fact.relation].append(fact)
        self.outgoing = {key: tuple(facts) for key, facts in outgoing.items()}
        self.incoming = {key: tuple(facts) for key, facts in incoming.items()}
        # The endpoints with a fact that holds only somewhere, for some payer or for a while:
        # only these are filtered per view, everything else is used as it is.
        self.qualified = frozenset(
            key
            for table in (self.outgoing, self.incoming)
            for key, facts in table.items()
            if any(f.jurisdictions is not None or f.payers is not None or f.valid_from or f.valid_until for f in facts)
        )
        # The is_a closures that no qualified fact touches: the same in every view, so computed once.
        self.static_closures: dict[tuple[bool, str], Mapping[str, tuple[Fact, ...]]] = {}
        # Likewise the services a modality or billing code stands for (see queries._services_of).
        self.static_services: dict[str, dict[str, tuple[Fact, ...]]] = {}
        self._lock = threading.Lock()
        self._finder: _Finder | None = None
        self._graph: nx.MultiDiGraph | None = None
        self._dataset = dataset

    def _add_code(self, code: Code, entity_id: str, exact_codes: dict[str, set[str]]) -> None:
        if not code.is_range:
            exact_codes[_code_key(code.value)].add(entity_id)
            return
        low, high = code.range_keys
        if low[:3] == high[:3]:
            self.ranges[low[:3]].append((code, entity_id))
        else:
            self.wide_ranges.append((code, entity_id))

    def coded(self, text: str) -> set[str]:
        """The entities with a code that is ``text`` or a range that holds it.

        ``SYSTEM:value`` (``CMS-SPECIALTY:E2``) names the code system too; a bare value matches any system.
        """
        system, named, value = text.rpartition(":")
        if named and system.strip():
            wanted = system.strip().casefold()
            return {
                entity_id
                for entity_id in self.coded(value)
                if any(c.system.casefold() == wanted and c.matches(value) for c in self._dataset.entities[entity_id].codes)
            }
        key = _code_key(text)
        found = set(self.exact_codes.get(key, ()))
        for code, entity_id in (*self.ranges.get(key[:3], ()), *self.wide_ranges):
            if code.matches(text):
                found.add(entity_id)
        return found

    def __getstate__(self) -> dict[str, object]:
        # The lock and what is built on demand stay behind (the shipped data's cache pickles the rest).
        skipped = {"_lock", "_finder", "_graph", "static_closures", "static_services"}
        return {name: value for name, value in vars(self).items() if name not in skipped}

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self.static_closures, self.static_services = {}, {}
        self._lock = threading.Lock()
        self._finder = None
        self._graph = None

    @property
    def finder(self) -> _Finder:
        if self._finder is None:
            with self._lock:
                if self._finder is None:
                    self._finder = _Finder(self.labels, self._dataset.entities)
        return self._finder

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            with self._lock:
                if self._graph is None:
                    from . import graph  # networkx is imported only by those who read the graph

                    self._graph = graph.build(self.everything, self._dataset.facts.values())
        return self._graph


def _whole(value: Any, name: str) -> int:
    """``value`` as an int: any whole-number type (numpy's too), but not bools or floats."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {_shown(value)}") from None


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {_shown(value)}")
    return value


def _choice(value: Any, enum: type[Kind] | type[Relation], name: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        valid = ", ".join(repr(member.value) for member in enum)
        raise ValueError(f"{name} must be one of {valid}, got {_shown(value)}") from None


def _text(value: Any, name: str, expected: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {expected}, got {type(value).__name__} {_shown(value)}")
    return value


#: A view's caches for one dated context: the facts that hold at each endpoint, and the
#: ``is_a`` closures (upward or downward) from each node, each with its chains of facts.
_ViewCache = tuple[
    Context | None,
    dict[tuple[bool, str, Relation], tuple[Fact, ...]],
    dict[tuple[bool, str], Mapping[str, tuple[Fact, ...]]],
]


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

    # No public attribute and no __dict__: a view cannot be changed once made.
    __slots__ = ("_adjacency", "_context", "_data", "_index", "_memo", "_today")

    def __init__(self, dataset: Dataset, context: Context | None = None, *, _index: _Index | None = None) -> None:
        self._data = dataset
        self._index = _index or _Index(dataset)
        self._context = context or Context()
        # Answers that several questions reuse, computed once per view (a view never changes).
        self._memo: dict[str, object] = {}
        self._today: tuple[float, Context] = (0.0, self._context)
        # The facts at each endpoint that hold in this view, filtered on first use, for one dated context.
        self._adjacency: _ViewCache = (None, {}, {})

    @property
    def context(self) -> Context:
        """Where, for whom and when this view's questions are asked (read-only).

        >>> import mhtaxonomy as mht
        >>> mht.load().context = None
        Traceback (most recent call last):
        ...
        AttributeError: property 'context' of 'Taxonomy' object has no setter
        """
        return self._context

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
        ``relation`` and ``fact``; node, edge and graph data are read-only. In a
        view, only the facts that hold in its context are edges. Built (and
        networkx imported) the first time it is read.
        """
        from . import graph

        context = self._dated()
        key = f"graph:{context.on}"
        found = self._memo.get(key)
        if found is None:
            holding = frozenset(fact.id for fact in self._data.facts.values() if fact.holds_in(context))
            found = self._memo[key] = graph.view(self._index.graph, holding)
        return found  # type: ignore[return-value]

    def entities(self, kind: Kind | str | None = None) -> list[Entity]:
        """Every entity, or those of one kind, sorted by id.

        >>> import mhtaxonomy as mht
        >>> "medicare" in [e.id for e in mht.load().entities("payer")]
        True
        """
        if kind is None:
            return list(self._index.everything)
        return list(self._index.by_kind.get(_choice(kind, Kind, "kind"), ()))

    def sources(self) -> list[Source]:
        """Every source the data cite, sorted by id."""
        return sorted(self._data.sources.values(), key=lambda s: s.id)

    def source(self, source_id: str) -> Source:
        """The :class:`~mhtaxonomy.model.Source` with this id.

        Raises :class:`UnknownEntityError` if there is none.
        """
        _text(source_id, "source_id", "a source id (a string)")
        try:
            return self._data.sources[source_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(source_id[:MAX_SEARCH_TEXT], list(self._data.sources), n=5)
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
        rel = _choice(relation, Relation, "relation") if relation is not None else None
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
        """The fact with this id, whether or not it holds in this view.

        Raises :class:`UnknownEntityError` (with close ids) if there is none,
        ``TypeError`` if ``fact_id`` is not a string.
        """
        _text(fact_id, "fact_id", "a fact id (a string)")
        try:
            return self._data.facts[fact_id]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(fact_id[:MAX_SEARCH_TEXT], list(self._data.facts), n=5)
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

    def _filtered(self, outgoing: bool, key: tuple[str, Relation], facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
        """Those of ``facts`` (at one qualified endpoint) that hold in this view, filtered once per view and day."""
        cache = self._caches()[1]
        context = self._dated()
        cached = (outgoing, *key)
        found = cache.get(cached)
        if found is None:
            found = cache[cached] = tuple(f for f in facts if f.holds_in(context))
        return found

    def _caches(self) -> _ViewCache:
        context = self._context if self._context.on is not None else self._dated()
        caches = self._adjacency
        if caches[0] is not context:  # the first question, or a new day
            caches = self._adjacency = (context, {}, {})
        return caches

    def _closure(
        self, upward: bool, node: str, walk: Callable[[Taxonomy, str, bool], Mapping[str, tuple[Fact, ...]]]
    ) -> Mapping[str, tuple[Fact, ...]]:
        """``walk(self, node, upward)``'s answer, computed once per view and day (callers must not change it)."""
        found = self._index.static_closures.get((upward, node))
        if found is not None:
            return found
        cache = self._caches()[2]
        found = cache.get((upward, node))
        if found is None:
            found = cache[upward, node] = walk(self, node, upward)
        return found

    # _out and _in are the innermost step of every traversal: most endpoints have no qualified
    # fact, and for those each returns the shared tuple in one call.
    def _out(self, node: str, relation: Relation) -> tuple[Fact, ...]:
        key = (node, relation)
        facts = self._index.outgoing.get(key, ())
        return self._filtered(True, key, facts) if facts and key in self._index.qualified else facts

    def _in(self, node: str, relation: Relation) -> tuple[Fact, ...]:
        key = (node, relation)
        facts = self._index.incoming.get(key, ())
        return self._filtered(False, key, facts) if facts and key in self._index.qualified else facts

    def _groups(self) -> frozenset[str]:
        """The ids of the professions that are groups."""
        return self._index.groups

    def _out_anywhere(self, node: str, relation: Relation) -> tuple[Fact, ...]:
        """Facts from ``node`` whatever their places and dates (to tell "not here" from "nowhere")."""
        return tuple(self._index.outgoing.get((node, relation), ()))

    def _of_kind(self, kind: Kind) -> tuple[Entity, ...]:
        """The entities of one kind, sorted by id (the shared tuple: no copy)."""
        return self._index.by_kind.get(kind, ())

    def _entity(self, entity_id: str) -> Entity:
        return self._data.entities[entity_id]

    # -- lookups -----------------------------------------------------------

    @overload
    def get(self, ref: Ref) -> Entity: ...

    @overload
    def get(self, ref: Ref, kind: type[E]) -> E: ...

    def get(self, ref: Ref, kind: type[E] | None = None) -> Entity:
        """The one entity that ``ref`` names.

        ``ref`` may be an entity, its id, name, alias or abbreviation, or an
        external code (NUCC taxonomy code, CPT/HCPCS code, an ICD-10-CM code
        within a condition's range); case and separators do not matter.
        With ``kind`` (an entity class such as :class:`~mhtaxonomy.model.BillingCode`),
        only entities of that kind count, and the result is typed as one.

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
        >>> tax.get("MD", kind=mht.Jurisdiction).name
        'Maryland'
        """
        if kind is not None and kind is not Entity:
            return self._get_as(ref, kind)
        if isinstance(ref, Entity):
            if self._data.entities.get(ref.id) != ref:
                raise UnknownEntityError(ref.id, [], "entity record")
            return ref
        if not isinstance(ref, str):
            raise TypeError(f"expected an entity or a string (an id, name or code), got {type(ref).__name__} {_shown(ref)}")
        text = ref.strip()
        if text in self._data.entities:
            return self._data.entities[text]
        return self._one(ref, self._candidates(text))

    def _get_as(self, ref: Ref, kind: type[E]) -> E:
        entity = self._resolve_kind(ref, kind.kind)
        assert isinstance(entity, kind)  # an entity's kind fixes its class
        return entity

    def _candidates(self, text: str) -> list[Entity]:
        """Every entity whose label is ``text``, or failing that whose codes match it."""
        ids = self._index.labels.get(normalize(text)) or self._index.coded(text)
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
        """Up to five labels spelled like ``text`` (none for text longer than any search)."""
        query = normalize(text)
        if not query or len(query) > MAX_SEARCH_TEXT:
            return []
        close = [
            (ratio, key)
            for key, ratio in self._index.finder.near(query, 0.6)
            if kind is None or any(self._data.entities[i].kind is kind for i in self._index.labels[key])
        ]
        return [self._index.display[key] for _, key in heapq.nlargest(5, close)]

    def search(self, text: str, limit: int = 10) -> list[Entity]:
        """Entities whose names match ``text``, best first.

        Exact names rank first, then names that start with ``text``, names that
        contain it, descriptions that contain it, and finally near spellings
        (names sharing a run of three letters with ``text`` whose difflib
        similarity ratio is at least 0.75).

        Cost: ``text`` is at most :data:`MAX_SEARCH_TEXT` characters; a search
        costs the length of ``text`` plus the index entries of its three-letter
        runs, never a comparison with every name (texts under three characters
        are compared with every name: a comparison of at most two characters).

        Raises
        ------
        TypeError
            If ``text`` is not a string or ``limit`` not a whole number.
        ValueError
            If ``text`` is empty or longer than :data:`MAX_SEARCH_TEXT`, or ``limit`` is below 1.

        Examples
        --------
        >>> import mhtaxonomy as mht
        >>> mht.load().search("exposure therapy")[0].id
        'exposure-therapy'
        >>> mht.load().search("x", limit=2.5)
        Traceback (most recent call last):
        ...
        TypeError: limit must be a whole number, got float 2.5
        """
        _text(text, "search text", "a string")
        limit = _whole(limit, "limit")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if len(text) > MAX_SEARCH_TEXT:
            raise ValueError(f"search text is at most {MAX_SEARCH_TEXT} characters, got {len(text)}")
        query = normalize(text)
        if not query:
            raise ValueError("search needs some text")
        scores = self._index.finder.scores(query)
        entities = self._data.entities
        ranked = heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], entities[i].name.casefold(), i))
        return [entities[i] for i in ranked]

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
        context = self._context
        if jurisdiction is not None:
            context = attrs.evolve(context, jurisdiction=self._resolve_kind(jurisdiction, Kind.JURISDICTION).id)
        if payer is not None:
            context = attrs.evolve(context, payer=self._resolve_kind(payer, Kind.PAYER).id)
        if on is not None:
            context = attrs.evolve(context, on=_as_date(on))
        return Taxonomy(self._data, context, _index=self._index)

    def _resolve_kind(self, ref: Ref, kind: Kind) -> Entity:
        """Like :meth:`get`, where only entities of ``kind`` count ("MD": Maryland, not the degree)."""
        name = str(kind)
        if isinstance(ref, str) and not ref.strip():
            raise ValueError(f"{name} is empty; leave it out (None) for any {name}")
        if not isinstance(ref, str | Entity):
            raise TypeError(f"{name} must be a {name} id, name or code, or its record, got {type(ref).__name__} {_shown(ref)}")
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
        return queries.who_can_provide(self, ref, independently=_flag(independently, "independently"))

    def what_can_provide(self, ref: Ref, independently: bool = False) -> Answer:
        """The services a profession may provide; for a group, what all its members may.

        >>> import mhtaxonomy as mht
        >>> "prescribing" in mht.load().what_can_provide("psychiatrist")
        True
        """
        return queries.what_can_provide(self, ref, independently=_flag(independently, "independently"))

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
        from . import billing

        return billing.codes_for_session(self, minutes, service=service, with_em=with_em)

    def who_can_bill(self, code: Ref) -> Answer:
        """The professions that may bill a code under this view's payer and date."""
        from . import billing

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
        from . import billing

        return billing.check_claim(self, codes, profession=profession, minutes=minutes, diagnosis=diagnosis)

    def titles(self, profession: Ref, jurisdiction: str | Jurisdiction | None = None) -> Answer:
        """The licence titles used for a profession, optionally in one jurisdiction."""
        return queries.titles(self, profession, jurisdiction=jurisdiction)

    def can_provide(self, profession: Ref, service: Ref) -> Verdict:
        """Whether ``profession`` may provide ``service`` here: a truthy or falsy verdict that explains itself.

        The same answer as ``profession in who_can_provide(service)``, with the
        facts and terms (supervision, places, dates) of a yes.

        >>> import mhtaxonomy as mht
        >>> tax = mht.load()
        >>> bool(tax.can_provide("LCSW", "psychotherapy")), bool(tax.can_provide("life coach", "psychotherapy"))
        (True, False)
        """
        who = self._get_kind(profession, Kind.PROFESSION, question="can_provide")
        return queries.Verdict(subject=who, answer=self.who_can_provide(service))

    def can_bill(self, profession: Ref, code: Ref) -> Verdict:
        """Whether ``profession`` may bill ``code`` under this view's payer and date (see :meth:`who_can_bill`).

        >>> import mhtaxonomy as mht
        >>> medicare = mht.load().where(payer="Medicare", on="2025-06-01")
        >>> bool(medicare.can_bill("LPC", "90837")), bool(medicare.can_bill("life coach", "90837"))
        (True, False)
        """
        who = self._get_kind(profession, Kind.PROFESSION, question="can_bill")
        return queries.Verdict(subject=who, answer=self.who_can_bill(code))

    # -- tables (pyarrow, an optional extra: imported when first used) ---------

    def table(self, name: str) -> pyarrow.Table:
        """This view's table ``name`` as a :class:`pyarrow.Table`; see :mod:`.tables` for the columns.

        ``name`` is ``entities``, ``codes``, ``facts``, ``sources``, ``scope`` or ``billing``.

        >>> import mhtaxonomy as mht
        >>> mht.load().table("entities").num_rows == len(mht.load().entities())
        True
        """
        from . import tables

        return tables.table(self, name)

    def scope_table(
        self, services: Iterable[Ref] | None = None, jurisdictions: Iterable[Ref] | None = None
    ) -> pyarrow.Table:
        """Who may provide each service in each jurisdiction; see :func:`.tables.scope_table`."""
        from . import tables

        return tables.scope_table(self, services, jurisdictions)

    def coverage(self) -> Coverage:
        """Per state and DC, whether each core licensing question is sourced, unknown or missing.

        See :mod:`mhtaxonomy.coverage`. ``str()`` of the result is the grid; ``rows()`` the plain rows.
        """
        from .coverage import coverage

        return coverage(self)

    def can_practice(
        self,
        profession: Ref,
        licensed_in: str | Jurisdiction,
        client_in: str | Jurisdiction,
        *,
        on: dt.date | str | None = None,
        telehealth: bool = True,
    ) -> PracticeVerdict:
        """Whether a clinician licensed in one state may serve a client in another; see :mod:`mhtaxonomy.practice`."""
        from .practice import can_practice

        return can_practice(self, profession, licensed_in, client_in, on=on, telehealth=telehealth)

    def telehealth(
        self, code: Ref, *, patient_at: str = "home", audio_only: bool = False, setting: str = "practitioner"
    ) -> TelehealthAnswer:
        """Whether a code may be billed as Medicare mental-health telehealth in this view; see :mod:`mhtaxonomy.practice`.

        ``setting="rhc-fqhc"`` asks for a rural health clinic or health center's mental health visit instead.
        """
        from .practice import telehealth

        return telehealth(self, code, patient_at=patient_at, audio_only=audio_only, setting=setting)


if TYPE_CHECKING:
    import pyarrow


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise TypeError(f"on must be a date or an ISO date such as 2025-06-01, got {type(value).__name__} {_shown(value)}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"on must be a real ISO date such as 2025-06-01, got {_shown(value)}") from None


_lock = threading.Lock()


def _read_and_index() -> tuple[Dataset, _Index]:
    data = read()
    return data, _Index(data)


def _rarely_used(value: tuple[Dataset, _Index]) -> tuple[Mapping[str, Source], Mapping[str, str], Mapping[str, str]]:
    """What a warm start leaves in the cache file until first read: sources, origins, and the labels suggestions show."""
    return value[0].sources, value[0].origins, value[1].display


@functools.cache
def _shipped() -> Taxonomy:
    import atexit

    from . import _cache
    from .load import _collector_paused, _shipped_listing

    files = _shipped_listing()
    with _collector_paused():
        # Most questions never read the sources or the record origins: a warm start leaves them
        # in the cache file until first used (a quarter of its records; see _rarely_used).
        data, index = _cache.cached(files, _read_and_index, later=_rarely_used)
    # Let go of the shipped taxonomy as the program ends. Held here, it would be freed only
    # by the interpreter's last collections, after the modules are torn down, which walk and
    # clear each of its thousands of objects; dropped first, it goes by reference counting
    # (measured: a process that loads and exits ends about 4 ms sooner). A taxonomy the
    # program still holds is untouched, and a later load() reads it again.
    atexit.register(_shipped.cache_clear)
    return Taxonomy(data, _index=index)


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
