"""What views share (closures and services no qualified fact touches) never changes an answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.load import read
from mhtaxonomy.taxonomy import Taxonomy

from .strategies import contexts

SHIPPED = mht.load()
QUESTIONS = {
    "what_requires_diagnosis": lambda v: v.what_requires_diagnosis().ids,
    "who_can_provide psychotherapy": lambda v: v.who_can_provide("psychotherapy").ids,
    "who_can_provide 90837": lambda v: v.who_can_provide("cpt-90837").ids,
    "who_can_provide prescribing, independently": lambda v: v.who_can_provide("prescribing", independently=True).ids,
    "narrower therapist": lambda v: v.narrower("therapist").ids,
    "broader pmhnp": lambda v: v.broader("pmhnp").ids,
    "requires_diagnosis 99213": lambda v: v.requires_diagnosis("cpt-99213"),
}


@settings(max_examples=40)
@given(context=contexts(SHIPPED), first=contexts(SHIPPED))
def test_a_view_answers_as_a_taxonomy_that_shares_nothing(context: dict[str, object], first: dict[str, object]) -> None:
    # The shipped taxonomy has answered other contexts first (its shared caches are filled);
    # a taxonomy built afresh from the same data has answered nothing.
    for ask in QUESTIONS.values():
        ask(SHIPPED.where(**first))  # type: ignore[arg-type]
    alone = Taxonomy(read())
    for question, ask in QUESTIONS.items():
        assert ask(SHIPPED.where(**context)) == ask(alone.where(**context)), question  # type: ignore[arg-type]


def test_only_closures_without_qualified_facts_are_shared() -> None:
    tax = Taxonomy(read())
    tax.where(jurisdiction="NM").who_can_provide("psychotherapy")
    shared = tax._index.static_closures
    assert shared, "the closures of a question's nodes are shared"
    qualified = tax._index.qualified
    for (upward, node), paths in shared.items():
        relation_key = [(reached, mht.Relation.IS_A) for reached in paths]
        assert not any(key in qualified for key in relation_key), node
