"""Data files -> validated records -> a frozen graph.

A data file is TOML. Its top-level keys are sections, each an array of tables:
one section per entity kind (``[[profession]]``, ``[[credential]]``,
``[[service]]``, ``[[modality]]``, ``[[billing_code]]``, ``[[condition]]``,
``[[payer]]``, ``[[jurisdiction]]``, ``[[referral_reason]]``,
``[[requirement]]``, ``[[code_system]]``, ``[[organization_type]]``), plus ``[[source]]`` and ``[[fact]]``.
The shipped ``meta.toml`` alone has a ``[meta]`` table (version and as-of date).

A fact's ``subject`` or ``object`` may be a list: the table then states one fact
per pair, all with the same qualifiers. A fact's id is
``subject.relation.object`` unless the table gives an ``id``.

Everything is checked before anything is used: ids are unique lowercase slugs,
every reference resolves, every record and fact cites at least one known
source, relations join the kinds they are meant for, qualifiers name known
jurisdictions and payers, dates are real and in order, ``is_a`` has no cycle.
The first problem found raises :class:`DataError`, naming the file, the record
and the field; a failed read returns nothing and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib.resources
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs
import cattrs
import networkx as nx

from .model import (
    ENTITY_TYPES,
    ID_PATTERN,
    BillingCode,
    Code,
    CodeSystem,
    CredentialType,
    Entity,
    Fact,
    JurisdictionType,
    Kind,
    PayerType,
    Relation,
    Source,
    SourceQuality,
)

__all__ = ["DataError", "Dataset", "SHIPPED_DATA", "read"]

SHIPPED_DATA = importlib.resources.files("mhtaxonomy") / "data"

SECTIONS: dict[str, type] = {
    "source": Source,
    **{kind.value: cls for kind, cls in ENTITY_TYPES.items()},
    "fact": Fact,
}

#: Which kinds each relation may join, subject kinds then object kinds.
RELATION_KINDS: dict[Relation, tuple[frozenset[Kind], frozenset[Kind]]] = {
    Relation.HOLDS: (frozenset({Kind.PROFESSION}), frozenset({Kind.CREDENTIAL})),
    Relation.REQUIRES: (
        frozenset({Kind.CREDENTIAL, Kind.SERVICE, Kind.BILLING_CODE, Kind.MODALITY, Kind.PAYER}),
        frozenset({Kind.CREDENTIAL, Kind.REQUIREMENT}),
    ),
    Relation.AUTHORIZES: (frozenset({Kind.CREDENTIAL}), frozenset({Kind.SERVICE})),
    Relation.FORM_OF: (frozenset({Kind.MODALITY}), frozenset({Kind.SERVICE})),
    Relation.BILLS: (frozenset({Kind.BILLING_CODE}), frozenset({Kind.SERVICE})),
    Relation.ADD_ON_TO: (frozenset({Kind.BILLING_CODE}), frozenset({Kind.BILLING_CODE})),
    Relation.EXCLUDES: (frozenset({Kind.BILLING_CODE}), frozenset({Kind.BILLING_CODE})),
    Relation.RECOGNIZES: (frozenset({Kind.PAYER}), frozenset({Kind.PROFESSION})),
    Relation.COVERS: (
        frozenset({Kind.PAYER}),
        frozenset({Kind.BILLING_CODE, Kind.SERVICE}),
    ),
    Relation.FIRST_LINE_FOR: (
        frozenset({Kind.MODALITY, Kind.SERVICE}),
        frozenset({Kind.CONDITION}),
    ),
    Relation.REFERS_TO: (frozenset({Kind.PROFESSION}), frozenset({Kind.PROFESSION})),
    Relation.OFFERS: (frozenset({Kind.ORGANIZATION_TYPE}), frozenset({Kind.SERVICE})),
}


class DataError(ValueError):
    """A data file is malformed or inconsistent.

    ``file``, ``record`` and ``field`` say where; the message says what was
    wrong and, where it can, what would be valid.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.record = record
        self.field = field
        where = ", ".join(
            part
            for part in (
                file,
                f"record {record!r}" if record else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


@attrs.frozen(kw_only=True)
class Dataset:
    """Validated records, where each came from, and the frozen graph joining them."""

    entities: Mapping[str, Entity]
    facts: Mapping[str, Fact]
    sources: Mapping[str, Source]
    origins: Mapping[str, str]
    version: str
    as_of: dt.date
    graph: nx.MultiDiGraph


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)

    def date(value: Any, _: type) -> dt.date:
        if isinstance(value, dt.datetime):
            raise ValueError(f"expected a date, got a date and time {value}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        raise ValueError(f"expected a date such as 2024-01-01, got {value!r}")

    def strict_str(value: Any, _: type) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected a string, got {value!r}")
        return value

    def strict_bool(value: Any, _: type) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value

    def strict_int(value: Any, _: type) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {value!r}")
        return value

    def strict_float(value: Any, _: type) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        return float(value)

    def strings(value: Any, _: type) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list of strings, got {value!r}")
        return tuple(strict_str(item, str) for item in value)

    def string_set(value: Any, _: type) -> frozenset[str]:
        return frozenset(strings(value, tuple))

    def codes(value: Any, _: type) -> tuple[Code, ...]:
        return tuple(Code.parse(item) for item in strings(value, tuple))

    def choice(value: Any, cls: type[enum.Enum]) -> enum.Enum:
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(repr(member.value) for member in cls)
            raise ValueError(f"{value!r} is not one of {valid}") from None

    converter.register_structure_hook(dt.date, date)
    converter.register_structure_hook(str, strict_str)
    converter.register_structure_hook(bool, strict_bool)
    converter.register_structure_hook(int, strict_int)
    converter.register_structure_hook(float, strict_float)
    # The enums are str subclasses: each needs its own hook, or the str one would take them.
    for choices in (Relation, CredentialType, PayerType, JurisdictionType, SourceQuality):
        converter.register_structure_hook(choices, choice)
    # Generic aliases cannot be dispatched on by class; match them by equality.
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], strings)
    converter.register_structure_hook_func(lambda t: t == frozenset[str], string_set)
    converter.register_structure_hook_func(lambda t: t == tuple[Code, ...], codes)
    return converter


_CONVERTER = _converter()


def _describe(error: BaseException, _: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    if isinstance(error, ValueError | TypeError) and str(error):
        return str(error)
    return cattrs.v.format_exception(error, _)


def _first_error(error: Exception) -> tuple[str, str | None]:
    """The first message of a cattrs error and the field it concerns."""
    for message in cattrs.transform_error(error, path="$", format_exception=_describe):
        text, _, path = message.partition(" @ ")
        field = path.removeprefix("$.").split(".")[0].split("[")[0] or None
        return text, field
    return str(error), None


def _structure(cls: type, table: dict[str, Any], file: str, record: str) -> Any:
    try:
        return _CONVERTER.structure(table, cls)
    except Exception as error:  # cattrs raises its own groups and plain ValueErrors
        text, field = _first_error(error)
        if text.startswith("extra fields found"):
            valid = ", ".join(sorted(a.name for a in attrs.fields(cls) if a.name != "id"))
            text = f"{text}; valid fields are {valid}"
        raise DataError(text, file=file, record=record, field=field) from None


def _record_name(table: Mapping[str, Any], section: str, index: int) -> str:
    name = table.get("id")
    if isinstance(name, str):
        return name
    if section == "fact":
        return f"fact #{index + 1} ({table.get('subject')} {table.get('relation')} {table.get('object')})"
    return f"{section} #{index + 1}"


def _expand_fact(table: dict[str, Any], file: str, record: str) -> list[dict[str, Any]]:
    """One table per (subject, object) pair, each with its derived id."""
    pairs: list[dict[str, Any]] = []
    ends = {}
    for end in ("subject", "object"):
        value = table.get(end)
        if value is None:
            raise DataError("required field missing", file=file, record=record, field=end)
        ends[end] = value if isinstance(value, list) else [value]
        if not ends[end] or not all(isinstance(item, str) for item in ends[end]):
            raise DataError(
                f"expected an entity id or a list of ids, got {value!r}",
                file=file,
                record=record,
                field=end,
            )
    many = len(ends["subject"]) * len(ends["object"]) > 1
    if many and "id" in table:
        raise DataError(
            "an explicit id needs a single subject and object",
            file=file,
            record=record,
            field="id",
        )
    for subject in ends["subject"]:
        for obj in ends["object"]:
            pair = {**table, "subject": subject, "object": obj}
            pair.setdefault("id", f"{subject}.{table.get('relation')}.{obj}")
            pairs.append(pair)
    return pairs


class _Reader:
    """Accumulates records from files, then checks them as a whole."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
        self.origins: dict[str, str] = {}
        self.meta: dict[str, Any] | None = None

    def add_file(self, path: Path, *, shipped: bool) -> None:
        file = f"mhtaxonomy/data/{path.relative_to(_shipped_root()).as_posix()}" if shipped else str(path)
        try:
            with open(path, "rb") as handle:
                content = tomllib.load(handle)
        except FileNotFoundError:
            raise DataError("no such data file", file=file) from None
        except tomllib.TOMLDecodeError as error:
            raise DataError(f"not valid TOML: {error}", file=file) from None
        for section, tables in content.items():
            if section == "meta" and shipped:
                self.meta = tables
                continue
            if section not in SECTIONS:
                valid = ", ".join(sorted(SECTIONS))
                raise DataError(
                    f"unknown section {section!r}; valid sections are {valid}",
                    file=file,
                )
            if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
                raise DataError(
                    f"section {section!r} must be an array of tables ([[{section}]])",
                    file=file,
                )
            for index, table in enumerate(tables):
                record = _record_name(table, section, index)
                expanded = (
                    _expand_fact(table, file, record) if section == "fact" else [table]
                )
                for item in expanded:
                    self._add(section, item, file, record)

    def _add(self, section: str, table: dict[str, Any], file: str, record: str) -> None:
        item = _structure(SECTIONS[section], table, file, record)
        key = item.id
        if section != "source" and section != "fact" and not ID_PATTERN.match(key):
            raise DataError(
                "ids are lowercase words joined by hyphens, such as 'clinical-psychologist'",
                file=file,
                record=key,
                field="id",
            )
        namespace = "source" if section == "source" else "fact" if section == "fact" else "entity"
        registry_key = f"{namespace}:{key}"
        if registry_key in self.origins:
            hint = (
                "; give one of the facts an explicit 'id'"
                if section == "fact"
                else ""
            )
            raise DataError(
                f"duplicate id, already defined in {self.origins[registry_key]}{hint}",
                file=file,
                record=key,
                field="id",
            )
        self.origins[registry_key] = file
        self.records[section][key] = item

    def dataset(self) -> Dataset:
        entities: dict[str, Entity] = {}
        for kind in ENTITY_TYPES:
            entities.update(self.records[kind.value])
        sources: dict[str, Source] = self.records["source"]
        facts: dict[str, Fact] = self.records["fact"]
        origins = {key.split(":", 1)[1]: file for key, file in self.origins.items()}
        _check_entities(entities, sources, origins)
        _check_facts(facts, entities, sources, origins)
        graph = _graph(entities, facts)
        _check_acyclic(graph, origins)
        meta = self.meta or {}
        version = meta.get("version")
        as_of = meta.get("as_of")
        if not isinstance(version, str) or not isinstance(as_of, dt.date):
            raise DataError(
                "the [meta] table needs version (a string) and as_of (a date)",
                file="meta.toml",
            )
        return Dataset(
            entities=entities,
            facts=facts,
            sources=sources,
            origins=origins,
            version=version,
            as_of=as_of,
            graph=graph,
        )


def _check_sources(cited: Iterable[str], sources: Mapping[str, Source], file: str, record: str) -> None:
    cited = tuple(cited)
    if not cited:
        raise DataError("cites no source; every record cites at least one", file=file, record=record, field="sources")
    for source in cited:
        if source not in sources:
            raise DataError(
                f"unknown source {source!r}; sources are defined in [[source]] tables",
                file=file,
                record=record,
                field="sources",
            )


def _check_entities(entities: Mapping[str, Entity], sources: Mapping[str, Source], origins: Mapping[str, str]) -> None:
    systems = {
        label.casefold(): entity.id
        for entity in entities.values()
        if isinstance(entity, CodeSystem)
        for label in (entity.id, *entity.abbreviations)
    }
    for entity in entities.values():
        file = origins[entity.id]
        _check_sources(entity.sources, sources, file, entity.id)
        if not entity.name.strip():
            raise DataError("name is empty", file=file, record=entity.id, field="name")
        for code in entity.codes:
            if code.system.casefold() not in systems:
                raise DataError(
                    f"unknown code system {code.system!r}; known: {', '.join(sorted(systems))}",
                    file=file,
                    record=entity.id,
                    field="codes",
                )
        if isinstance(entity, BillingCode):
            if entity.system not in systems.values():
                raise DataError(
                    f"unknown code system {entity.system!r}; known: {', '.join(sorted(set(systems.values())))}",
                    file=file,
                    record=entity.id,
                    field="system",
                )
            low, high = entity.min_minutes, entity.max_minutes
            if low is not None and high is not None and low > high:
                raise DataError(
                    f"min_minutes {low} is more than max_minutes {high}",
                    file=file,
                    record=entity.id,
                    field="min_minutes",
                )
            if entity.valid_from and entity.valid_until and entity.valid_from >= entity.valid_until:
                raise DataError(
                    "valid_from must come before valid_until",
                    file=file,
                    record=entity.id,
                    field="valid_from",
                )


def _check_facts(
    facts: Mapping[str, Fact],
    entities: Mapping[str, Entity],
    sources: Mapping[str, Source],
    origins: Mapping[str, str],
) -> None:
    for fact in facts.values():
        file = origins[fact.id]

        def fail(message: str, field: str, file: str = file, record: str = fact.id) -> NoReturn:
            raise DataError(message, file=file, record=record, field=field)

        _check_sources(fact.sources, sources, file, fact.id)
        for end in ("subject", "object"):
            ref = getattr(fact, end)
            if ref not in entities:
                fail(f"unknown entity {ref!r}", end)
        subject, obj = entities[fact.subject], entities[fact.object]
        if fact.relation is Relation.IS_A:
            if subject.kind is not obj.kind:
                fail(f"is_a joins entities of one kind, not {subject.kind} and {obj.kind}", "object")
            if fact.subject == fact.object:
                fail("an entity cannot be a kind of itself", "object")
        else:
            subject_kinds, object_kinds = RELATION_KINDS[fact.relation]
            if subject.kind not in subject_kinds:
                fail(
                    f"{fact.relation} needs a subject of kind {' or '.join(sorted(map(str, subject_kinds)))}, "
                    f"not {subject.kind} {fact.subject!r}",
                    "subject",
                )
            if obj.kind not in object_kinds:
                fail(
                    f"{fact.relation} needs an object of kind {' or '.join(sorted(map(str, object_kinds)))}, "
                    f"not {obj.kind} {fact.object!r}",
                    "object",
                )
        for field, kind in (("jurisdictions", Kind.JURISDICTION), ("payers", Kind.PAYER)):
            values = getattr(fact, field)
            if values is None:
                continue
            if not values:
                fail("an empty list would make the fact hold nowhere; leave the field out instead", field)
            for value in sorted(values):
                if value not in entities or entities[value].kind is not kind:
                    fail(f"unknown {kind} {value!r}; use the id of a [[{kind}]] record", field)
        if fact.valid_from and fact.valid_until and fact.valid_from >= fact.valid_until:
            fail("valid_from must come before valid_until", "valid_from")
        if fact.relation is Relation.REFERS_TO:
            if fact.reason is None:
                fail("a refers_to fact needs the reason (a referral_reason id)", "reason")
            if fact.reason not in entities or entities[fact.reason].kind is not Kind.REFERRAL_REASON:
                fail(f"unknown referral reason {fact.reason!r}", "reason")
        elif fact.reason is not None:
            fail("only refers_to facts have a reason", "reason")
        if fact.strength is not None and fact.relation is not Relation.FIRST_LINE_FOR:
            fail("only first_line_for facts have a strength", "strength")


def _graph(entities: Mapping[str, Entity], facts: Mapping[str, Fact]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for entity in entities.values():
        graph.add_node(entity.id, kind=entity.kind, entity=entity)
    for fact in facts.values():
        graph.add_edge(fact.subject, fact.object, key=fact.id, relation=fact.relation, fact=fact)
    return nx.freeze(graph)


def _check_acyclic(graph: nx.MultiDiGraph, origins: Mapping[str, str]) -> None:
    is_a = nx.subgraph_view(
        graph, filter_edge=lambda u, v, k: graph.edges[u, v, k]["relation"] is Relation.IS_A
    )
    try:
        cycle = nx.find_cycle(is_a)
    except nx.NetworkXNoCycle:
        return
    first = cycle[0]
    path = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
    raise DataError(
        f"is_a forms a cycle: {path}",
        file=origins[first[2]],
        record=first[2],
        field="object",
    )


def _shipped_root() -> Path:
    return Path(str(SHIPPED_DATA))


def shipped_files() -> list[Path]:
    """The shipped data files, in the order they are read."""
    return sorted(_shipped_root().rglob("*.toml"))


def read(*overlays: str | Path) -> Dataset:
    """Read the shipped data, then each overlay file on top, and check the whole.

    Raises :class:`DataError` on the first problem; nothing is returned then.
    """
    reader = _Reader()
    for path in shipped_files():
        reader.add_file(path, shipped=True)
    for overlay in overlays:
        reader.add_file(Path(overlay), shipped=False)
    return reader.dataset()
