"""FHIR R4 terminology resources as plain dicts (JSON-ready; no FHIR library needed).

- :func:`code_system`: a ``CodeSystem`` of every mhtaxonomy concept (code = the
  entity id, display = its name), with a ``kind`` property and an is-a
  hierarchy (the ``parent`` property, from the ``is_a`` facts);
- :func:`profession_map`: a ``ConceptMap`` from professions to NUCC provider
  taxonomy codes (system ``http://nucc.org/provider-taxonomy``); a code that
  several professions share maps as ``wider`` (the NUCC code is broader than
  each of them), a code of one profession as ``equivalent``;
- :func:`condition_map`: a ``ConceptMap`` from conditions to ICD-10-CM
  (system ``http://hl7.org/fhir/sid/icd-10-cm``); a condition's one code maps
  as ``equivalent``, each of several as ``narrower``. FHIR has no way to name a
  range of codes as a target, so a range (``F32.0-F32.5``) maps as a
  ``narrower`` target without a code whose ``comment`` gives the range;
- :func:`provider_value_set`: a computed ``ValueSet``, the NUCC codes of the
  professions who may provide a service (independently, if asked) in the
  view's context, with its expansion (ids end in ``-alone`` for "independently").

Canonical URLs live under :data:`CANONICAL`; every resource carries the data
version as its ``version`` and the data's as-of date as its ``date``.
"""

from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..model import Condition, Kind, Profession
from ._records import CODE_SYSTEM_URIS

if TYPE_CHECKING:
    from ..taxonomy import Ref, Taxonomy

__all__ = [
    "CANONICAL",
    "code_system",
    "condition_map",
    "profession_map",
    "provider_value_set",
    "resources",
    "write",
]

#: The base of the canonical URLs of the resources.
CANONICAL = "https://mhtaxonomy.readthedocs.io/fhir/"

NUCC = CODE_SYSTEM_URIS["NUCC"]
ICD_10_CM = CODE_SYSTEM_URIS["ICD-10-CM"]
_CONCEPTS = CANONICAL + "CodeSystem/mhtaxonomy"
_PUBLISHER = "The mhtaxonomy developers"


def _header(tax: Taxonomy, resource_type: str, id_: str, name: str, title: str) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "id": id_,
        "url": f"{CANONICAL}{resource_type}/{id_}",
        "version": tax.data_version,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        "date": tax.as_of.isoformat(),
        "publisher": _PUBLISHER,
    }


def code_system(tax: Taxonomy) -> dict[str, Any]:
    """A ``CodeSystem`` of every entity of ``tax``, with kinds and the is-a hierarchy of its view.

    >>> import mhtaxonomy as mht
    >>> concepts = {c["code"]: c for c in code_system(mht.load())["concept"]}
    >>> [p["valueCode"] for p in concepts["clinical-psychologist"]["property"]]
    ['profession', 'psychologist']
    """
    parents: dict[str, list[str]] = {}
    for fact in tax.facts(relation="is_a"):
        parents.setdefault(fact.subject, []).append(fact.object)
    concepts = []
    for entity in tax.entities():
        concept: dict[str, Any] = {"code": entity.id, "display": entity.name}
        if entity.description:
            concept["definition"] = entity.description
        labels = list(dict.fromkeys((*entity.aliases, *entity.abbreviations)))
        if labels:
            concept["designation"] = [{"value": label} for label in labels]
        concept["property"] = [{"code": "kind", "valueCode": entity.kind.value}] + [
            {"code": "parent", "valueCode": parent} for parent in sorted(parents.get(entity.id, ()))
        ]
        concepts.append(concept)
    return {
        **_header(tax, "CodeSystem", "mhtaxonomy", "MhTaxonomy", "mhtaxonomy concepts"),
        "description": "The professions, credentials, services, modalities, billing codes, conditions, "
        "payers, jurisdictions and other concepts of the mhtaxonomy data, by their stable ids.",
        "caseSensitive": True,
        "hierarchyMeaning": "is-a",
        "content": "complete",
        "count": len(concepts),
        "property": [
            {"code": "kind", "type": "code", "description": "The kind of concept (profession, service...)."},
            {
                "code": "parent",
                "uri": "http://hl7.org/fhir/concept-properties#parent",
                "type": "code",
                "description": "A broader concept this one is a kind of.",
            },
        ],
        "concept": concepts,
    }


def _concept_map(
    tax: Taxonomy, id_: str, name: str, title: str, target: str, elements: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        **_header(tax, "ConceptMap", id_, name, title),
        "sourceUri": _CONCEPTS,
        "targetUri": target,
        "group": [
            {"source": _CONCEPTS, "sourceVersion": tax.data_version, "target": target, "element": elements}
        ],
    }


def profession_map(tax: Taxonomy) -> dict[str, Any]:
    """A ``ConceptMap`` from the professions that have NUCC codes to those codes.

    >>> import mhtaxonomy as mht
    >>> elements = {e["code"]: e for e in profession_map(mht.load())["group"][0]["element"]}
    >>> elements["lcsw"]["target"]
    [{'code': '1041C0700X', 'equivalence': 'equivalent'}]
    """
    professions = [p for p in tax.entities(Kind.PROFESSION) if isinstance(p, Profession)]
    shared = Counter(code.value for p in professions for code in p.codes if code.system == "NUCC")
    elements = [
        {
            "code": p.id,
            "display": p.name,
            "target": [
                {"code": code, "equivalence": "equivalent" if shared[code] == 1 else "wider"}
                for code in dict.fromkeys(c.value for c in p.codes if c.system == "NUCC")
            ],
        }
        for p in professions
        if any(code.system == "NUCC" for code in p.codes)
    ]
    return _concept_map(
        tax,
        "professions-to-nucc",
        "ProfessionsToNucc",
        "mhtaxonomy professions to NUCC provider taxonomy codes",
        NUCC,
        elements,
    )


def _icd_targets(condition: Condition) -> list[dict[str, Any]]:
    codes = [code for code in condition.codes if code.system == "ICD-10-CM"]
    targets: list[dict[str, Any]] = []
    for code in codes:
        if code.is_range:
            low, high = code.value.split("-", 1)
            targets.append(
                {"equivalence": "narrower", "comment": f"each ICD-10-CM code from {low} to {high}"}
            )
        elif len(codes) == 1:
            targets.append({"code": code.value, "equivalence": "equivalent"})
        else:
            targets.append(
                {
                    "code": code.value,
                    "equivalence": "narrower",
                    "comment": f"one of the ICD-10-CM codes of {condition.name}",
                }
            )
    return targets


def condition_map(tax: Taxonomy) -> dict[str, Any]:
    """A ``ConceptMap`` from the conditions that have ICD-10-CM codes to those codes.

    >>> import mhtaxonomy as mht
    >>> elements = {e["code"]: e for e in condition_map(mht.load())["group"][0]["element"]}
    >>> elements["adhd"]["target"]
    [{'equivalence': 'narrower', 'comment': 'each ICD-10-CM code from F90.0 to F90.9'}]
    """
    elements = [
        {"code": c.id, "display": c.name, "target": _icd_targets(c)}
        for c in tax.entities(Kind.CONDITION)
        if isinstance(c, Condition) and any(code.system == "ICD-10-CM" for code in c.codes)
    ]
    return _concept_map(
        tax,
        "conditions-to-icd-10-cm",
        "ConditionsToIcd10Cm",
        "mhtaxonomy conditions to ICD-10-CM codes",
        ICD_10_CM,
        elements,
    )


def provider_value_set(tax: Taxonomy, service: Ref, independently: bool = False) -> dict[str, Any]:
    """A ``ValueSet`` of the NUCC codes of the professions who may provide ``service`` in ``tax``'s context.

    The professions are :meth:`~mhtaxonomy.taxonomy.Taxonomy.who_can_provide`
    in the view ``tax`` (its jurisdiction, payer and date); those without a
    NUCC code (groups such as *therapist*) add none. The resource holds the
    codes both as its ``compose`` and as its ``expansion``.

    >>> import mhtaxonomy as mht
    >>> value_set = provider_value_set(mht.load().where(jurisdiction="NM"), "prescribing")
    >>> value_set["id"], value_set["title"]
    ('prescribing-us-nm', 'NUCC codes of professions who may provide Prescribing medication in New Mexico')
    >>> "103TP0016X" in [c["code"] for c in value_set["expansion"]["contains"]]
    True
    """
    entity = tax.get(service)
    answer = tax.who_can_provide(entity, independently=independently)
    codes = sorted({code.value for p in answer for code in p.codes if code.system == "NUCC"})
    place = tax.context.jurisdiction
    where = f" in {tax.get(place).name}" if place else " anywhere in the US"
    how = " independently" if independently else ""
    title = f"NUCC codes of professions who may provide {entity.name}{how}{where}"
    id_ = f"{entity.id}-{place or 'anywhere'}" + ("-alone" if independently else "")
    name = "".join(part.capitalize() for part in id_.replace(".", "-").split("-"))
    context = [f"on {tax.context.date.isoformat()}"] + (
        [f"for payer {tax.context.payer}"] if tax.context.payer else []
    )
    resource: dict[str, Any] = {
        **_header(tax, "ValueSet", id_, "Providers" + name, title),
        "description": f"{title} ({', '.join(context)}), computed by mhtaxonomy's who_can_provide.",
    }
    if codes:
        resource["compose"] = {"include": [{"system": NUCC, "concept": [{"code": code} for code in codes]}]}
    expansion: dict[str, Any] = {"timestamp": tax.context.date.isoformat(), "total": len(codes)}
    if codes:
        expansion["contains"] = [{"system": NUCC, "code": code} for code in codes]
    resource["expansion"] = expansion
    return resource


def resources(tax: Taxonomy) -> list[dict[str, Any]]:
    """Every resource for ``tax``: the CodeSystem, both ConceptMaps, and two ValueSets per service."""
    value_sets = [
        provider_value_set(tax, service, independently=alone)
        for service in tax.entities(Kind.SERVICE)
        for alone in (False, True)
    ]
    return [code_system(tax), profession_map(tax), condition_map(tax), *value_sets]


def write(tax: Taxonomy, folder: str | pathlib.Path) -> list[pathlib.Path]:
    """Write :func:`resources` of ``tax`` into ``folder`` (created if needed), one JSON file each.

    Files are named ``RESOURCETYPE-ID.json``; returns their paths.
    """
    target = pathlib.Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for resource in resources(tax):
        path = target / f"{resource['resourceType']}-{resource['id']}.json"
        path.write_text(json.dumps(resource, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written
