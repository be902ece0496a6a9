"""Records as plain values (str, int, float, bool, lists, ``None``), the common ground of every format.

Generic over the kinds of entity: the fields every entity shares come first, then
whatever fields its own kind adds (``group``, ``min_minutes``, ``usps``...), read
from the ``attrs`` class, so a kind added later is exported without a change here.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

import attrs

from ..model import BillingCode, Entity, Fact

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy

__all__ = ["CODE_SYSTEM_URIS", "about", "code_rows", "entity_record", "extra_fields", "fact_record", "plain"]

Plain = str | int | float | bool | None | list[Any]

#: The canonical URIs of the external code systems, by the names the data give them. NUCC's is the
#: one FHIR uses; ICD-10-CM's and CPT's are the FHIR ones; HCPCS Level II's is the OID US Core names.
CODE_SYSTEM_URIS: dict[str, str] = {
    "NUCC": "http://nucc.org/provider-taxonomy",
    "ICD-10-CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "CPT": "http://www.ama-assn.org/go/cpt",
    "HCPCS": "urn:oid:2.16.840.1.113883.6.285",
}

_SHARED = frozenset(field.name for field in attrs.fields(Entity))


def plain(value: Any) -> Plain:
    """``value`` as a plain value: enums by value, dates in ISO form, sets sorted, tuples as lists.

    >>> import datetime as dt
    >>> plain(dt.date(2024, 1, 1)), plain(frozenset({"b", "a"}))
    ('2024-01-01', ['a', 'b'])
    """
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(plain(item) for item in value)  # type: ignore[type-var]
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def extra_fields(entity: Entity) -> dict[str, Plain]:
    """The fields ``entity``'s kind adds to the shared ones, those that are set, as plain values.

    >>> import mhtaxonomy as mht
    >>> extra_fields(mht.load().get("therapist"))
    {'group': True}
    """
    values = {
        field.name: getattr(entity, field.name)
        for field in attrs.fields(type(entity))
        if field.name not in _SHARED
    }
    return {name: plain(value) for name, value in values.items() if value is not None}


def entity_record(entity: Entity) -> dict[str, Plain]:
    """An entity as plain values: its kind, the shared fields (codes as ``SYSTEM:value``), its own fields."""
    return {
        "id": entity.id,
        "kind": entity.kind.value,
        "name": entity.name,
        "aliases": list(entity.aliases),
        "abbreviations": list(entity.abbreviations),
        "description": entity.description,
        "codes": [str(code) for code in entity.codes],
        "sources": list(entity.sources),
        "note": entity.note,
        **extra_fields(entity),
    }


def fact_record(fact: Fact) -> dict[str, Plain]:
    """A fact as plain values; ``jurisdictions`` and ``payers`` are ``None`` for everywhere and any payer."""
    return {name: plain(value) for name, value in attrs.asdict(fact, recurse=False).items()}


def _system_name(tax: Taxonomy, system_id: str) -> str:
    """How codes name a code system ("CPT", "NUCC"): its first abbreviation, else its name."""
    system = tax.get(system_id)
    return system.abbreviations[0] if system.abbreviations else system.name


def code_rows(tax: Taxonomy) -> list[tuple[Entity, str, str]]:
    """Every (entity, code system, code) pair: each entity's external codes, and each billing code's own."""
    rows: list[tuple[Entity, str, str]] = []
    for entity in tax.entities():
        rows.extend((entity, code.system, code.value) for code in entity.codes)
        if isinstance(entity, BillingCode):
            rows.append((entity, _system_name(tax, entity.system), entity.code))
    return rows


def about(tax: Taxonomy) -> dict[str, str | None]:
    """What an export says about itself: the data's version and date, and the view's context.

    ``on`` is the date whose facts the export holds (today, for a view without one).

    >>> import mhtaxonomy as mht
    >>> about(mht.load().where(jurisdiction="NM", on="2025-06-01"))["jurisdiction"]
    'us-nm'
    """
    context = tax.context
    return {
        "name": "mhtaxonomy",
        "data_version": tax.data_version,
        "as_of": tax.as_of.isoformat(),
        "jurisdiction": context.jurisdiction,
        "payer": context.payer,
        "on": context.date.isoformat(),
    }
