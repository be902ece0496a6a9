"""The same questions asked of other engines, to compare mhtaxonomy with.

Each peer is built once from the facts that hold in one context (filtered by
the library beforehand, so the peer does no context checks of its own) and
answers three questions with the engine's own recursion:

- ``narrower(entity)``: everything below ``entity`` by ``is_a``;
- ``who_can_provide(service)``: the professions holding a credential that
  authorizes the service or a broader one, with their narrower professions,
  plus each group all of whose members are in (a fixed point, run in Python on
  the peer's own member table: no engine here expresses "all members" inside
  a recursion);
- ``what_requires_diagnosis()``: the library's rule (see
  :func:`mhtaxonomy.queries.what_requires_diagnosis`).

Each answer is a ``frozenset`` of entity ids; ``benchmarks/run.py`` checks it
equals the library's before timing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import mhtaxonomy as mht
from mhtaxonomy.queries import DIAGNOSIS

__all__ = ["DIAGNOSIS", "Rows", "rows", "with_groups"]

Rows = tuple[list[tuple[str, str, str]], list[tuple[str, str, bool]]]


def rows(view: mht.Taxonomy) -> Rows:
    """The view's facts as (subject, relation, object) and its entities as (id, kind, is a group)."""
    facts = [(f.subject, f.relation.value, f.object) for f in view.facts()]
    entities = [(e.id, e.kind.value, bool(getattr(e, "group", False))) for e in view.entities()]
    return facts, entities


def group_members(facts: Iterable[tuple[str, str, str]], entities: Iterable[tuple[str, str, bool]]) -> dict[str, frozenset[str]]:
    """Each group's direct members."""
    groups = {entity_id for entity_id, _, group in entities if group}
    members: dict[str, set[str]] = {}
    for subject, relation, obj in facts:
        if relation == "is_a" and obj in groups:
            members.setdefault(obj, set()).add(subject)
    return {group: frozenset(found) for group, found in members.items()}


def with_groups(found: Iterable[str], members: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """``found`` and every group all of whose members are in it, to a fixed point."""
    result = set(found)
    changed = True
    while changed:
        changed = False
        for group, those in members.items():
            if group not in result and those <= result:
                result.add(group)
                changed = True
    return frozenset(result)
