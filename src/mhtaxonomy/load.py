"""Data files -> validated records (the graph is built from them on demand, see ``mhtaxonomy.graph``).

A data file is TOML. Its top-level keys are sections, each an array of tables:
one section per entity kind (``[[profession]]``, ``[[credential]]``,
``[[service]]``, ``[[modality]]``, ``[[billing_code]]``, ``[[condition]]``,
``[[payer]]``, ``[[jurisdiction]]``, ``[[referral_reason]]``,
``[[requirement]]``, ``[[code_system]]``, ``[[organization_type]]``), plus ``[[source]]`` and ``[[fact]]``.
The shipped ``meta.toml`` alone has a ``[meta]`` table (version and as-of date).

A fact's ``subject`` or ``object`` may be a list: the table then states one fact
per pair, all with the same qualifiers. A fact's id is
``subject.relation.object`` unless the table gives an ``id``.

Everything is checked before anything is used: ids are unique slugs, every
reference resolves, every record and fact cites at least one known source,
relations join the kinds they are meant for, qualifiers name known
jurisdictions and payers, dates are real and in order, numbers are finite and
in range, ``is_a``, ``add_on_to``, ``requires`` and ``form_of`` have no cycle.
The first problem found raises :class:`DataError`, naming the file, the record
and the field; a failed read returns nothing and changes nothing.

Overlays
--------
An overlay file (``mht.load("ours.toml")``) adds records and facts. Reusing a
shipped id is an error, and so is an overlay entity whose name, alias,
abbreviation or billing code matches (ignoring case and punctuation) a label
of a shipped entity: an overlay cannot take over what a shipped name means.
To change a shipped record, source or fact, say so: ``replace = true`` in the
overlay's table replaces the record or fact with that id (an entity by one of
the same kind); it is refused when nothing has that id. The replacement is
checked like any other record, and ``Dataset.origins`` (and
:attr:`Fact.origin <mhtaxonomy.model.Fact.origin>`) name the overlay file.

Bounds
------
Only regular files are read, at most :data:`MAX_FILE_BYTES` each, as UTF-8.
One ``[[fact]]`` table states at most :data:`MAX_PAIRS_PER_TABLE` facts and a
dataset holds at most :data:`MAX_FACTS`. Values quoted in error messages are
cut to about 80 characters.

Check overlay files from a shell (exit status 0 when they load, 2 when not)::

    python -m mhtaxonomy.load ours.toml theirs.toml
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import gc
import math
import os
import re
import stat
import sys
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import attrs

from .model import (
    ENTITY_TYPES,
    ID_PATTERN,
    BillingCode,
    Code,
    CodeSystem,
    Entity,
    Fact,
    Kind,
    Relation,
    Source,
)
from .model import _CODE_PART, _finish, _shown

__all__ = [
    "ACYCLIC_RELATIONS",
    "BILLING_PERIODS",
    "DataError",
    "Dataset",
    "MAX_FACTS",
    "MAX_FILE_BYTES",
    "MAX_PAIRS_PER_TABLE",
    "SHIPPED_DATA",
    "main",
    "read",
]

if TYPE_CHECKING:
    import pathlib
    from pathlib import Path

    #: The directory of the shipped data files.
    SHIPPED_DATA: pathlib.Path

# The shipped data's directory as a string: a warm ``load()`` lists and hashes the files
# with ``os`` alone, since importing ``pathlib`` (and the ``urllib`` it pulls in) would cost
# it a twentieth of its time. ``SHIPPED_DATA`` is made from it when first read.
_SHIPPED_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def __getattr__(name: str) -> object:
    if name == "SHIPPED_DATA":
        from pathlib import Path

        globals()[name] = found = Path(_SHIPPED_ROOT)
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "SHIPPED_DATA"})

#: The largest data file read, in bytes (all the shipped files together are about 0.3 MB).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: The most facts one ``[[fact]]`` table may state (its subjects times its objects).
MAX_PAIRS_PER_TABLE = 10_000
#: The most facts a dataset may hold (100 times the shipped data is about 84,000).
MAX_FACTS = 1_000_000
#: The values of ``per`` the billing rules know: once per session, day, visit, month or course of
#: treatment; or repeatable per unit of time or per instrument administered.
BILLING_PERIODS = frozenset({"session", "day", "visit", "month", "course", "unit", "instrument"})
#: Relations that must never lead back to where they started, directly or through other facts.
ACYCLIC_RELATIONS = (Relation.IS_A, Relation.ADD_ON_TO, Relation.REQUIRES, Relation.FORM_OF)
#: Relations where a fact from an entity to itself means nothing.
_NO_SELF_LOOPS = frozenset({Relation.IS_A, Relation.EXCLUDES, Relation.REFERS_TO, Relation.REQUIRES})

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
    Relation.MEMBER_OF: (frozenset({Kind.JURISDICTION}), frozenset({Kind.COMPACT})),
    Relation.GRANTS_PRIVILEGES: (frozenset({Kind.JURISDICTION}), frozenset({Kind.COMPACT})),
    Relation.APPLIES_TO: (frozenset({Kind.COMPACT}), frozenset({Kind.CREDENTIAL})),
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
                f"record {_shown(record)}" if record else None,
                f"field {_shown(field)}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


@_finish
@attrs.frozen(kw_only=True, repr=False, eq=False)  # _finish gives the repr, == and hash
class Dataset:
    """Validated records and where each came from (the graph is built from them on demand).

    ``origins`` maps every entity, source and fact id to the file it was read
    from (``mhtaxonomy/data/...`` for the shipped data, the path as given for
    an overlay).
    """

    entities: Mapping[str, Entity]
    facts: Mapping[str, Fact]
    sources: Mapping[str, Source]
    origins: Mapping[str, str]
    version: str
    as_of: dt.date


# -- values: TOML value -> typed field value, or a ValueError saying what was expected -------------



@functools.cache
def _control(*, lines_too: bool = True) -> re.Pattern[str]:
    """The control characters (line breaks and tabs among them unless ``lines_too`` is false).

    Compiled on first use: only reading the TOML files needs it, and compiling these
    two classes costs a warm start a millisecond.
    """
    return re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]" if lines_too else r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

#: Fields whose text may run over several lines.
_MULTILINE = frozenset({"description", "note"})
_SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FACT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_USPS = re.compile(r"^[A-Z]{2}$")

#: Inclusive bounds of the numbers in data: minutes within a 31-day month, hours and years of training.
_RANGES: dict[str, tuple[float, float]] = {
    "min_minutes": (0, 31 * 24 * 60),
    "max_minutes": (1, 31 * 24 * 60),
    "unit_minutes": (1, 24 * 60),
    "hours": (0, 100_000),
    "years": (0, 100),
}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_shown(value)}")
    return value


def _truth(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_shown(value)}")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_shown(value)}")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_shown(value)}")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value}")
    return float(value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date, got a date and time {_shown(value)}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    raise ValueError(f"expected a date such as 2024-01-01, got {_shown(value)}")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {_shown(value)}")
    return tuple(_text(item) for item in value)


def _string_set(value: Any) -> frozenset[str]:
    return frozenset(_strings(value))


def _codes(value: Any) -> tuple[Code, ...]:
    return tuple(Code.parse(item) for item in _strings(value))


def _choice(cls: type[enum.Enum], value: Any) -> enum.Enum:
    try:
        return cls(value)
    except (ValueError, TypeError):
        valid = ", ".join(repr(member.value) for member in cls)
        raise ValueError(f"{_shown(value)} is not one of {valid}") from None


_SIMPLE: dict[Any, Callable[[Any], Any]] = {
    str: _text,
    bool: _truth,
    int: _whole,
    float: _number,
    dt.date: _date,
    tuple[str, ...]: _strings,
    frozenset[str]: _string_set,
    tuple[Code, ...]: _codes,
}


def _value_reader(hint: Any) -> Callable[[Any], Any]:
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        # TOML has no null: ``X | None`` only means the field may be left out.
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _value_reader(inner)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return functools.partial(_choice, hint)
    return _SIMPLE[hint]


@functools.cache
def _fields(cls: type) -> dict[str, tuple[Callable[[Any], Any], bool]]:
    """Each field a data file may give for ``cls``: how to read its value, and whether it is required."""
    hints = typing.get_type_hints(cls)
    return {
        field.name: (_value_reader(hints[field.name]), field.default is attrs.NOTHING)
        for field in attrs.fields(cls)
        if field.eq  # fields outside equality (a fact's origin) are the loader's, not the file's
    }


def _text_problem(name: str, value: str) -> str | None:
    """What is wrong with the text of field ``name``, if anything."""
    control = _control(lines_too=name not in _MULTILINE).search(value)
    if control:
        return f"contains the control character {control.group()!r}; text is printable characters only"
    return None


def _label_problem(value: str) -> str | None:
    if not value.strip():
        return "name is empty: a label needs at least one letter or digit"
    if not any(char.isalnum() for char in value):
        return f"{_shown(value)} is not a name: a label needs at least one letter or digit"
    return None


#: Checks of single field values once read, by field name; each returns what is wrong or None.
_FIELD_RULES: dict[str, Callable[[Any], str | None]] = {
    "name": _label_problem,
    "title": _label_problem,
    "aliases": lambda values: next(filter(None, map(_label_problem, values)), None),
    "abbreviations": lambda values: next(filter(None, map(_label_problem, values)), None),
    "per": lambda value: None
    if value in BILLING_PERIODS
    else f"{_shown(value)} is not a billing period; valid are {', '.join(sorted(BILLING_PERIODS))}",
    "code": lambda value: None
    if _CODE_PART.match(value)
    else f"a code is letters and digits (dots allowed), got {_shown(value)}",
    "usps": lambda value: None if _USPS.match(value) else f"a USPS code is two capital letters, got {_shown(value)}",
    "url": lambda value: None
    if value.startswith(("https://", "http://"))
    else f"a URL starts with https:// or http://, got {_shown(value)}",
}


def _range_problem(name: str, value: float) -> str | None:
    low, high = _RANGES[name]
    if low <= value <= high:
        return None
    return f"{value} is out of range; {name} is from {low:g} to {high:g}"


def _structure(cls: type, table: Mapping[str, Any], file: str, record: str) -> Any:
    """Check ``table`` field by field, then build the record: the first problem is a DataError."""
    fields = _fields(cls)
    for key in table:
        if key not in fields:
            valid = ", ".join(sorted(fields))
            raise DataError(f"unknown field; valid fields are {valid}", file=file, record=record, field=str(key))
    values: dict[str, Any] = {}
    for name, (read_value, required) in fields.items():
        if name not in table:
            if required:
                raise DataError("required field missing", file=file, record=record, field=name)
            continue
        try:
            value = read_value(table[name])
        except ValueError as error:
            raise DataError(str(error), file=file, record=record, field=name) from None
        texts = value if isinstance(value, tuple | frozenset) else (value,)
        problem = next((p for text in texts if isinstance(text, str) for p in [_text_problem(name, text)] if p), None)
        if problem is None and name in _FIELD_RULES:
            problem = _FIELD_RULES[name](value)
        if problem is None and name in _RANGES:
            problem = _range_problem(name, value)
        if problem is not None:
            raise DataError(problem, file=file, record=record, field=name)
        values[name] = value
    try:
        return cls(**values)
    except (ValueError, TypeError) as error:  # a rule the record's own validators state
        raise DataError(str(error), file=file, record=record) from None


# -- files ------------------------------------------------------------------------------------------


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _read_bytes(path: Path, file: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; anything else is a DataError naming it."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are then read.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise DataError("no such data file", file=file) from None
    except OSError as error:
        raise DataError(f"cannot open the file: {error.strerror or error}", file=file) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise DataError(f"{_file_kind(info.st_mode)}, not a data file; give a TOML file", file=file)
        if info.st_size > MAX_FILE_BYTES:
            raise DataError(f"{info.st_size} bytes is more than the {MAX_FILE_BYTES} a data file may hold", file=file)
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            content = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise DataError(f"cannot read the file: {error.strerror or error}", file=file) from None
    finally:
        os.close(descriptor)
    if len(content) > MAX_FILE_BYTES:  # it grew while being read
        raise DataError(f"more than the {MAX_FILE_BYTES} bytes a data file may hold", file=file)
    return content


def _parse(content: bytes, file: str, *, trusted: bool) -> dict[str, Any]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        bad = content[error.start : error.start + 1]
        raise DataError(f"not UTF-8 text: byte {error.start} (line {line}) is {_shown(bad)}", file=file) from None
    fast = _compiled_toml() if trusted else None
    if fast is not None:
        # The shipped files only: a test checks this parser gives tomllib's output on each of them.
        return fast(text)
    import tomllib  # here, not at the top: a cold start that finds the cache parses nothing

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"not valid TOML: {error}", file=file) from None
    except RecursionError:
        raise DataError("not valid TOML here: arrays or tables nested too deeply", file=file) from None


@functools.cache
def _compiled_toml() -> Callable[[str], dict[str, Any]] | None:
    try:
        import rtoml
    except ImportError:  # an optional speed-up: tomllib reads the same files, 10 times slower
        return None
    return typing.cast(Callable[[str], dict[str, Any]], rtoml.loads)



# -- records ----------------------------------------------------------------------------------------


def _record_name(table: Mapping[str, Any], section: str, index: int) -> str:
    name = table.get("id")
    if isinstance(name, str):
        return name
    if section == "fact":
        ends = " ".join(_shown(table.get(key), 40) for key in ("subject", "relation", "object"))
        return f"fact #{index + 1} ({ends})"
    return f"{section} #{index + 1}"


def _expand_fact(table: dict[str, Any], file: str, record: str) -> list[dict[str, Any]]:
    """One table per (subject, object) pair, each with its derived id."""
    ends = {}
    for end in ("subject", "object"):
        value = table.get(end)
        if value is None:
            raise DataError("required field missing", file=file, record=record, field=end)
        ends[end] = value if isinstance(value, list) else [value]
        if not ends[end] or not all(isinstance(item, str) for item in ends[end]):
            raise DataError(
                f"expected an entity id or a list of ids, got {_shown(value)}",
                file=file,
                record=record,
                field=end,
            )
    pairs = len(ends["subject"]) * len(ends["object"])
    if pairs > MAX_PAIRS_PER_TABLE:
        raise DataError(
            f"states {pairs} facts; one table may state at most {MAX_PAIRS_PER_TABLE}: split it",
            file=file,
            record=record,
            field="subject",
        )
    if pairs > 1 and "id" in table:
        raise DataError(
            "an explicit id needs a single subject and object",
            file=file,
            record=record,
            field="id",
        )
    relation = table.get("relation")
    return [
        {"id": f"{subject}.{relation}.{obj}", **table, "subject": subject, "object": obj}
        for subject in ends["subject"]
        for obj in ends["object"]
    ]


def _namespace(section: str) -> str:
    return section if section in ("source", "fact") else "entity"


class _Reader:
    """Accumulates records from files, then checks them as a whole."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
        self.origins: dict[str, str] = {}
        self.sections: dict[str, str] = {}
        self.shipped: set[str] = set()
        self.meta: dict[str, Any] | None = None

    def add_file(self, path: Path, file: str, *, shipped: bool) -> None:
        if shipped:
            self.shipped.add(file)
        content = _parse(_read_bytes(path, file), file, trusted=shipped)
        for section, tables in content.items():
            if section == "meta" and shipped:
                self.meta = tables
                continue
            if section not in SECTIONS:
                valid = ", ".join(sorted(SECTIONS))
                raise DataError(
                    f"unknown section {_shown(section)}; valid sections are {valid}",
                    file=file,
                )
            if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
                raise DataError(
                    f"section {_shown(section)} must be an array of tables ([[{section}]])",
                    file=file,
                )
            for index, table in enumerate(tables):
                record = _record_name(table, section, index)
                replace = table.pop("replace", False)
                if not isinstance(replace, bool):
                    raise DataError(f"expected true or false, got {_shown(replace)}", file=file, record=record, field="replace")
                if replace and shipped:
                    raise DataError("the shipped data replace nothing", file=file, record=record, field="replace")
                expanded = _expand_fact(table, file, record) if section == "fact" else [table]
                if section == "fact" and len(self.records["fact"]) + len(expanded) > MAX_FACTS:
                    raise DataError(f"more than {MAX_FACTS} facts in all", file=file, record=record)
                for item in expanded:
                    self._add(section, item, file, record, replace=replace)

    def _add(self, section: str, table: dict[str, Any], file: str, record: str, *, replace: bool) -> None:
        item = _structure(SECTIONS[section], table, file, record)
        key = item.id
        pattern = {"source": _SOURCE_ID, "fact": _FACT_ID}.get(section, ID_PATTERN)
        if not pattern.match(key):
            shape = {
                "source": "letters, digits, '.', '-' or '_', such as 'SEED-003'",
                "fact": "lowercase letters, digits, '.', '-' or '_', such as 'lcsw.holds.msw'",
            }.get(section, "lowercase words joined by hyphens, such as 'clinical-psychologist'")
            raise DataError(f"ids are {shape}", file=file, record=key, field="id")
        registry_key = f"{_namespace(section)}:{key}"
        if replace:
            self._check_replacement(section, registry_key, file, key)
            self.records[self.sections[registry_key]].pop(key)
            if section == "fact":
                item = attrs.evolve(item, origin=file)
        elif registry_key in self.origins:
            hint = "; give one of the facts an explicit 'id'" if section == "fact" else ""
            if file not in self.shipped and self.origins[registry_key] != file:
                hint += "; to change that record instead, add replace = true"
            raise DataError(
                f"duplicate id, already defined in {self.origins[registry_key]}{hint}",
                file=file,
                record=key,
                field="id",
            )
        elif section == "fact" and file not in self.shipped:
            item = attrs.evolve(item, origin=file)
        self.origins[registry_key] = file
        self.sections[registry_key] = section
        self.records[section][key] = item

    def _check_replacement(self, section: str, registry_key: str, file: str, key: str) -> None:
        if registry_key not in self.origins:
            raise DataError(
                f"replace = true names nothing: there is no {section} {_shown(key)} to replace",
                file=file,
                record=key,
                field="replace",
            )
        if self.origins[registry_key] == file:
            raise DataError("duplicate id in the same file; replace = true changes an earlier file's record", file=file, record=key, field="id")
        if self.sections[registry_key] != section:
            raise DataError(
                f"{_shown(key)} is a {self.sections[registry_key]}; its replacement must be one too",
                file=file,
                record=key,
                field="replace",
            )

    def dataset(self) -> Dataset:
        entities: dict[str, Entity] = {}
        for kind in ENTITY_TYPES:
            entities.update(self.records[kind.value])
        sources: dict[str, Source] = self.records["source"]
        facts: dict[str, Fact] = self.records["fact"]
        origins: dict[str, str] = {}
        for key, file in self.origins.items():
            namespace, name = key.split(":", 1)
            if name in origins:
                raise DataError(
                    f"the id is already used by a record in {origins[name]}; ids are unique across records, sources and facts",
                    file=file,
                    record=name,
                    field="id",
                )
            origins[name] = file
        _check_labels(entities, origins, self.shipped)
        _check_entities(entities, sources, origins)
        _check_facts(facts, entities, sources, origins)
        _check_acyclic(facts, origins, self.shipped)
        meta = self.meta or {}
        version = meta.get("version")
        as_of = meta.get("as_of")
        if not isinstance(version, str) or not isinstance(as_of, dt.date):
            raise DataError(
                "the [meta] table needs version (a string) and as_of (a date)",
                file="meta.toml",
            )
        share = _Sharer()
        entities, sources, facts = share.records(entities), share.records(sources), share.records(facts)
        return Dataset(
            entities=entities,
            facts=facts,
            sources=sources,
            origins={share.value(name): file for name, file in origins.items()},
            version=version,
            as_of=as_of,
        )


_R = typing.TypeVar("_R")


class _Sharer:
    """Make equal field values one object: each id, source list, state set and date is stored once.

    The files spell the same ids, source lists and dates again and again (two thirds of
    the strings in the shipped data are repeats), and each spelling was parsed into an
    object of its own. Sharing them leaves a smaller taxonomy in memory and in the cache,
    which pickles a shared object once and so reads back fewer objects on every start.
    Values are matched by type as well as by value (``1`` is not ``True``); only
    strings, dates, and tuples and frozensets made of strings are shared (and the fields
    of records held in a tuple): values no record can change, so no record can see
    another's. The records are the reader's own and not yet handed out, so their fields
    are set in place, as attrs' ``__init__`` does.
    """

    def __init__(self) -> None:
        self.seen: dict[tuple[type, object], object] = {}

    def value(self, value: Any) -> Any:
        kind = type(value)
        if kind is tuple or kind is frozenset:
            if not all(type(item) is str for item in value):
                for item in value:  # a record's own records (an entity's codes) share theirs
                    if attrs.has(type(item)):
                        self.fields(item)
                return value
            value = kind(self.value(item) for item in value)
        elif kind is not str and kind is not dt.date:
            return value
        return self.seen.setdefault((kind, value), value)

    def records(self, records: Mapping[str, _R]) -> dict[str, _R]:
        """``records`` with their fields shared, each keyed by its own (shared) id."""
        for record in records.values():
            self.fields(record)
        return {self.value(key): record for key, record in records.items()}

    def fields(self, record: Any) -> None:
        for field in attrs.fields(type(record)):
            old = getattr(record, field.name)
            new = self.value(old)
            if new is not old:
                object.__setattr__(record, field.name, new)


_NOT_ALNUM = re.compile(r"[\W_]+")


def _label_key(label: str) -> str:
    """The form in which two labels are the same name: case and everything but letters and digits ignored."""
    return _NOT_ALNUM.sub("", label.casefold())


def _labelled(entity: Entity) -> Iterator[tuple[str, str]]:
    """(field, label) for every name an entity answers to in lookups."""
    yield "id", entity.id
    yield "name", entity.name
    yield from (("aliases", alias) for alias in entity.aliases)
    yield from (("abbreviations", abbreviation) for abbreviation in entity.abbreviations)
    if isinstance(entity, BillingCode):
        yield "code", entity.code


def _check_labels(entities: Mapping[str, Entity], origins: Mapping[str, str], shipped: set[str]) -> None:
    """An overlay entity may not answer to a shipped entity's label; no two code systems share a label."""
    owners: dict[str, Entity] = {}
    for entity in entities.values():
        if origins[entity.id] in shipped:
            for _, label in _labelled(entity):
                owners.setdefault(_label_key(label), entity)
    systems: dict[str, str] = {}
    for entity in entities.values():
        file = origins[entity.id]
        for field, label in _labelled(entity):
            key = _label_key(label)
            owner = owners.get(key)
            if file not in shipped and owner is not None and owner.id != entity.id:
                raise DataError(
                    f"{_shown(label)} already names the shipped {owner.kind} {_shown(owner.id)}; an overlay cannot "
                    f"take over a shipped label (to change {_shown(owner.id)} itself, give its id with replace = true)",
                    file=file,
                    record=entity.id,
                    field=field,
                )
            if isinstance(entity, CodeSystem) and systems.setdefault(key, entity.id) != entity.id:
                raise DataError(
                    f"{_shown(label)} already names the code system {_shown(systems[key])}; code systems need distinct labels",
                    file=file,
                    record=entity.id,
                    field=field,
                )

def _check_sources(cited: Iterable[str], sources: Mapping[str, Source], file: str, record: str) -> None:
    cited = tuple(cited)
    if not cited:
        raise DataError("cites no source; every record cites at least one", file=file, record=record, field="sources")
    for source in cited:
        if source not in sources:
            raise DataError(
                f"unknown source {_shown(source)}; sources are defined in [[source]] tables",
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
                    f"unknown code system {_shown(code.system)}; known: {', '.join(sorted(systems))}",
                    file=file,
                    record=entity.id,
                    field="codes",
                )
        if isinstance(entity, BillingCode):
            if entity.system not in systems.values():
                raise DataError(
                    f"unknown code system {_shown(entity.system)}; known: {', '.join(sorted(set(systems.values())))}",
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
                fail(f"unknown entity {_shown(ref)}", end)
        subject, obj = entities[fact.subject], entities[fact.object]
        if fact.relation in _NO_SELF_LOOPS and fact.subject == fact.object:
            fail(f"a fact from an entity to itself means nothing for {fact.relation}", "object")
        if fact.relation is Relation.IS_A:
            if subject.kind is not obj.kind:
                fail(f"is_a joins entities of one kind, not {subject.kind} and {obj.kind}", "object")
        else:
            subject_kinds, object_kinds = RELATION_KINDS[fact.relation]
            if subject.kind not in subject_kinds:
                fail(
                    f"{fact.relation} needs a subject of kind {' or '.join(sorted(map(str, subject_kinds)))}, "
                    f"not {subject.kind} {_shown(fact.subject)}",
                    "subject",
                )
            if obj.kind not in object_kinds:
                fail(
                    f"{fact.relation} needs an object of kind {' or '.join(sorted(map(str, object_kinds)))}, "
                    f"not {obj.kind} {_shown(fact.object)}",
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
                    fail(f"unknown {kind} {_shown(value)}; use the id of a [[{kind}]] record", field)
        if fact.valid_from and fact.valid_until and fact.valid_from >= fact.valid_until:
            fail("valid_from must come before valid_until", "valid_from")
        if fact.relation is Relation.REFERS_TO:
            if fact.reason is None:
                fail("a refers_to fact needs the reason (a referral_reason id)", "reason")
            if fact.reason not in entities or entities[fact.reason].kind is not Kind.REFERRAL_REASON:
                fail(f"unknown referral reason {_shown(fact.reason)}", "reason")
        elif fact.reason is not None:
            fail("only refers_to facts have a reason", "reason")
        if fact.strength is not None and fact.relation is not Relation.FIRST_LINE_FOR:
            fail("only first_line_for facts have a strength", "strength")



def _find_cycle(facts: Iterable[Fact]) -> list[Fact] | None:
    """A list of facts leading from an entity back to it, if any: an iterative depth-first search."""
    outgoing: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        outgoing[fact.subject].append(fact)
    done: set[str] = set()
    for root in list(outgoing):
        if root in done:
            continue
        # The path from root: the entities on it, and the iterator of each one's facts still to follow.
        on_path: dict[str, int] = {root: 0}
        stack: list[tuple[str, Iterator[Fact]]] = [(root, iter(outgoing[root]))]
        path: list[Fact] = []
        while stack:
            entity, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                del on_path[entity]
                done.add(entity)
                if path:
                    path.pop()
            elif step.object in on_path:
                return [*path[on_path[step.object]:], step]
            elif step.object not in done:
                on_path[step.object] = len(stack)
                stack.append((step.object, iter(outgoing.get(step.object, ()))))
                path.append(step)
    return None


def _check_acyclic(facts: Mapping[str, Fact], origins: Mapping[str, str], shipped: set[str]) -> None:
    """No relation in ACYCLIC_RELATIONS leads back where it started; a cycle is blamed on an overlay fact in it."""
    by_relation: dict[Relation, list[Fact]] = defaultdict(list)
    for fact in facts.values():
        if fact.relation in ACYCLIC_RELATIONS:
            by_relation[fact.relation].append(fact)
    for relation in ACYCLIC_RELATIONS:
        cycle = _find_cycle(by_relation[relation])
        if cycle is None:
            continue
        blamed = next((fact for fact in cycle if origins[fact.id] not in shipped), cycle[0])
        path = " -> ".join([fact.subject for fact in cycle] + [cycle[0].subject])
        raise DataError(
            f"{relation} forms a cycle: {path}",
            file=origins[blamed.id],
            record=blamed.id,
            field="object",
        )


def _shipped_root() -> Path:
    from pathlib import Path

    return Path(_SHIPPED_ROOT)


def shipped_files() -> list[Path]:
    """The shipped data files, in the order they are read."""
    from pathlib import Path

    return sorted(Path(path) for _, path in _shipped_listing())


def _shipped_listing() -> list[tuple[str, str]]:
    """Each shipped data file's name (as :func:`_shipped_name` gives it) and path, as plain strings.

    The cache's key is made from these, with no ``Path`` built per file (a fifth of a
    millisecond instead of a millisecond); :func:`shipped_files` builds its paths from them.
    """
    root = _SHIPPED_ROOT
    found: list[tuple[str, str]] = []
    for folder, _, names in os.walk(root):  # os.walk: pathlib's rglob costs a cold start 4 ms
        inner = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "mhtaxonomy/data/" if inner == "." else f"mhtaxonomy/data/{inner}/"
        found.extend((prefix + name, os.path.join(folder, name)) for name in names if name.endswith(".toml"))
    return sorted(found)


def _shipped_name(path: Path) -> str:
    return f"mhtaxonomy/data/{path.relative_to(_shipped_root()).as_posix()}"


def _overlay_path(overlay: str | Path) -> Path:
    from pathlib import Path

    if not str(overlay).strip():
        raise DataError("an empty path names no file; give the path of a TOML file", file=repr(str(overlay)))
    return Path(overlay)


def _read_all(overlays: Sequence[str | Path]) -> Dataset:
    reader = _Reader()
    for path in shipped_files():
        reader.add_file(path, _shipped_name(path), shipped=True)
    for overlay in overlays:
        reader.add_file(_overlay_path(overlay), str(overlay), shipped=False)
    return reader.dataset()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    # Loading makes many objects and frees few: collections during it are wasted work (measured 0.9x).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(*overlays: str | Path) -> Dataset:
    """Read the shipped data, then each overlay file on top, and check the whole.

    Parameters
    ----------
    overlays:
        Paths of TOML files in the shipped format, read in order after the shipped data.

    Returns
    -------
    Dataset
        The validated records and facts, with the file each came from.

    Raises
    ------
    DataError
        On the first problem; nothing is returned then. A problem an overlay
        causes names that overlay, even where it shows in a shipped record.

    Examples
    --------
    >>> data = read()
    >>> data.origins["lcsw"]
    'mhtaxonomy/data/professions.toml'
    >>> read("")
    Traceback (most recent call last):
    ...
    mhtaxonomy.load.DataError: '': an empty path names no file; give the path of a TOML file
    """
    with _collector_paused():
        try:
            return _read_all(overlays)
        except DataError as error:
            if overlays and error.file in {_shipped_name(path) for path in shipped_files()}:
                raise _blame_overlay(error, overlays) from None
            raise


def _blame_overlay(error: DataError, overlays: Sequence[str | Path]) -> DataError:
    """The shipped data load alone, so the first overlay after which they fail is to blame."""
    culprit = overlays[-1]
    for count in range(1, len(overlays)):
        try:
            _read_all(overlays[:count])
        except DataError:
            culprit = overlays[count - 1]
            break
    return DataError(
        f"this overlay breaks the shipped record {_shown(error.record)} in {error.file}: {error.message}",
        file=str(culprit),
        record=error.record,
        field=error.field,
    )


def _printable(text: str) -> str:
    return _control().sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def main(argv: Sequence[str] | None = None) -> int:
    """Check overlay files: ``python -m mhtaxonomy.load FILE...``.

    Prints ``OK`` with what was loaded and returns 0, or prints the
    :class:`DataError` on stderr and returns 2.

    >>> main([])
    OK: ... entities, ... facts, ... sources
    0
    """
    files = sys.argv[1:] if argv is None else list(argv)
    try:
        data = read(*files)
    except DataError as error:
        print(f"error: {_printable(str(error))}", file=sys.stderr)
        return 2
    print(f"OK: {len(data.entities)} entities, {len(data.facts)} facts, {len(data.sources)} sources")
    return 0


if __name__ == "__main__":
    # Run the package's own copy of this module, so that its DataError is the one everybody catches.
    from mhtaxonomy.load import main as _main

    raise SystemExit(_main())
