"""Synthetic taxonomies ``factor`` times the shipped size, for the scale benchmarks.

Copy ``k`` of every entity and fact is the shipped one under new ids
(pseudo-words ending ``-x<k>``), with names, aliases, abbreviations and descriptions replaced by
pseudo-words (so copies do not answer to the shipped names), billing, NUCC and
other codes led by the copy's number, and ICD-10-CM codes moved to a chapter letter the
shipped data do not use (copies beyond the free letters carry no ICD-10-CM
codes). Copies are disjoint from the shipped graph and from each other: a
question about a shipped entity has the same answer at every size.

Run ``python benchmarks/synthetic.py --memory 100`` to print the memory the
x100 taxonomy takes (a separate process, so nothing else is counted).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import enum
import string
import sys
from collections.abc import Mapping
from pathlib import Path

import attrs

from mhtaxonomy.load import ENTITY_TYPES, Dataset, read
from mhtaxonomy.model import BillingCode, Code, CodeSystem, Entity, Fact, Jurisdiction
from mhtaxonomy.taxonomy import Taxonomy

__all__ = ["scaled", "write_copies"]

_CONSONANTS = "bdgklmnprstvz"
_VOWELS = "aiou"


def _pseudo(text: str, copy: int, salt: int = 0) -> str:
    """A pronounceable stand-in for ``text``: one pseudo-word per word, stable for (text, copy, salt)."""
    words = []
    for position, word in enumerate(text.split()):
        key = f"{copy}:{position}:{word}" + (f":{salt}" if salt else "")
        digest = hashlib.blake2b(key.encode(), digest_size=16).digest()
        syllables = max(3, (len(word) + 1) // 2)
        words.append("".join(_CONSONANTS[b % 13] + _VOWELS[(b >> 4) % 4] for b in digest[:syllables]))
    return " ".join(words) or "zu"


def _ids(base: Dataset, copy: int) -> dict[str, str]:
    """Each shipped id's twin in copy ``copy``: pseudo-words too, since ids are names a search finds.

    Two ids whose pseudo-words happen to be alike get a salted second try, so a copy
    has exactly as many entities as the shipped data.
    """
    taken = set(base.entities)
    ids = {}
    for entity_id in base.entities:
        words, salt = entity_id.replace("-", " "), 0
        while (twin := f"{_pseudo(words, copy, salt).replace(' ', '-')}-x{copy}") in taken:
            salt += 1
        taken.add(twin)
        ids[entity_id] = twin
    return ids


def _codes(entity: Entity, copy: int, free_letters: str) -> tuple[Code, ...]:
    found = []
    for code in entity.codes:
        if code.system.upper().startswith("ICD"):
            if copy > len(free_letters):
                continue
            letter = free_letters[copy - 1]
            value = "-".join(letter + end[1:] for end in code.value.split("-"))
        else:
            value = f"{copy:03d}{code.value}"  # the copy's number ahead of the code: unique per copy
        found.append(attrs.evolve(code, value=value))
    return tuple(found)


def _entity(entity: Entity, copy: int, ids: Mapping[str, str], free_letters: str) -> Entity:
    changes: dict[str, object] = {
        "id": ids[entity.id],
        "name": _pseudo(entity.name, copy),
        "aliases": tuple(_pseudo(a, copy) for a in entity.aliases),
        "abbreviations": tuple(_pseudo(a, copy).replace(" ", "") for a in entity.abbreviations),
        "description": _pseudo(entity.description, copy),
        "codes": _codes(entity, copy, free_letters),
    }
    if isinstance(entity, BillingCode):
        changes["code"] = f"S{copy:03d}{entity.code}"
    if isinstance(entity, CodeSystem):
        # The loader wants every code system's labels distinct, across copies too: the copy's
        # number, spelt as two syllables, leads each of them.
        tag = "".join(_CONSONANTS[n % 13] + _VOWELS[(n // 13) % 4] for n in (copy // 52, copy % 52))
        for field in ("name", "aliases", "abbreviations"):
            value = changes[field]
            changes[field] = tag + value if isinstance(value, str) else tuple(tag + label for label in value)  # type: ignore[union-attr]
    if isinstance(entity, Jurisdiction) and entity.usps:
        changes["usps"] = None
    return attrs.evolve(entity, **changes)


def _fact(fact: Fact, copy: int, ids: Mapping[str, str]) -> Fact:
    def moved(among: frozenset[str] | None) -> frozenset[str] | None:
        return None if among is None else frozenset(ids[i] for i in among)

    return attrs.evolve(
        fact,
        id=f"{fact.id}.x{copy}",
        subject=ids[fact.subject],
        object=ids[fact.object],
        jurisdictions=moved(fact.jurisdictions),
        payers=moved(fact.payers),
        reason=ids[fact.reason] if fact.reason else None,
    )


def scaled(base: Dataset, factor: int) -> Dataset:
    """``base`` and ``factor - 1`` disjoint synthetic copies of it, as one dataset."""
    used = {c.value[0].upper() for e in base.entities.values() for c in e.codes if c.system.upper().startswith("ICD")}
    free_letters = "".join(letter for letter in string.ascii_uppercase if letter not in used and letter != "U")
    entities: dict[str, Entity] = dict(base.entities)
    facts: dict[str, Fact] = dict(base.facts)
    origins: dict[str, str] = dict(base.origins)
    for copy in range(1, factor):
        ids = _ids(base, copy)
        for entity in base.entities.values():
            twin = _entity(entity, copy, ids, free_letters)
            entities[twin.id] = twin
            origins[twin.id] = "synthetic"
        for fact in base.facts.values():
            twin_fact = _fact(fact, copy, ids)
            facts[twin_fact.id] = twin_fact
            origins[twin_fact.id] = "synthetic"
    return attrs.evolve(base, entities=entities, facts=facts, origins=origins)


def _toml_value(value: object) -> object:
    if isinstance(value, Code):
        return f"{value.system}:{value.value}"
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(_toml_value(item) for item in value)  # type: ignore[type-var]
    if isinstance(value, tuple):
        return [_toml_value(item) for item in value]
    return value


def _table(record: object) -> dict[str, object]:
    """A record as the table of a data file: every field that differs from its default."""
    table: dict[str, object] = {}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if field.name == "origin" or (field.default is not attrs.NOTHING and value == field.default):
            continue
        table[field.name] = _toml_value(value)
    return table


def write_copies(data: Dataset, base: Dataset, folder: Path, per_file: int = 1500) -> list[Path]:
    """Write the records of ``data`` that ``base`` lacks as data files in ``folder``: overlays on ``base``.

    ``read(*write_copies(scaled(base, k), base, folder))`` is the ``k``-times dataset read from TOML,
    as a user's overlays are; files hold ``per_file`` records, well under the loader's size limit.
    """
    import tomli_w

    section = {cls: kind.value for kind, cls in ENTITY_TYPES.items()}
    sections: dict[str, list[dict[str, object]]] = {}
    for entity_id, entity in data.entities.items():
        if entity_id not in base.entities:
            sections.setdefault(section[type(entity)], []).append(_table(entity))
    for fact_id, fact in data.facts.items():
        if fact_id not in base.facts:
            sections.setdefault("fact", []).append(_table(fact))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, tables in sections.items():
        for start in range(0, len(tables), per_file):
            path = folder / f"{name}-{start // per_file:04d}.toml"
            path.write_text(tomli_w.dumps({name: tables[start : start + per_file]}), encoding="utf-8")
            written.append(path)
    return written


def _resident() -> int:
    """This process's resident memory now, in bytes (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize()


def _memory(factor: int) -> Mapping[str, float]:
    before = _resident()
    dataset = scaled(read(), factor)
    tax = Taxonomy(dataset)
    tax.search("exposure therapy")  # the search index too
    tax.where(on="2025-06-01").who_can_provide("psychotherapy")
    after = _resident()
    return {"factor": factor, "facts": len(dataset.facts), "peak_bytes": _peak(), "taxonomy_bytes": after - before}


def _peak() -> int:
    """This program's peak resident memory, in bytes.

    Linux's ``VmHWM`` belongs to the memory the program was started in. ``ru_maxrss`` is not
    used where that is there: it keeps the peak of the process this one was forked from, so
    a benchmark holding a large taxonomy when it starts this script would be counted too.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--memory", type=int, metavar="FACTOR", required=True, help="print the memory at this size")
    args = parser.parse_args(argv)
    print(json.dumps(_memory(args.memory)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
