"""Hypothesis strategies for mhtaxonomy's own types, shared by every test module."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import mhtaxonomy as mht

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)

#: Entity ids: lowercase words joined by hyphens, prefixed so they never clash with shipped ids.
ids = st.lists(_word, min_size=1, max_size=3).map(lambda words: "zz-" + "-".join(words))

#: Human-readable text without control characters (names, descriptions, notes), with a letter or digit.
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: any(char.isalnum() for char in s))

#: Names and aliases for new entities: prefixed so they never take over a shipped label.
labels = texts.map(lambda s: f"Zz {s}")

dates = st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2060, 12, 31))


def shipped_source_ids(tax: mht.Taxonomy) -> st.SearchStrategy[list[str]]:
    """One to three ids of sources the shipped data define."""
    return st.lists(st.sampled_from([s.id for s in tax.sources()]), min_size=1, max_size=3, unique=True)


def payer_tables(tax: mht.Taxonomy) -> st.SearchStrategy[dict[str, object]]:
    """``[[payer]]`` tables as a data file would hold them."""
    return st.fixed_dictionaries(
        {
            "id": ids,
            "name": labels,
            "type": st.sampled_from([t.value for t in mht.PayerType]),
            "sources": shipped_source_ids(tax),
        },
        optional={
            "aliases": st.lists(labels, max_size=3),
            "description": texts,
            "note": texts,
        },
    )


def entities(tax: mht.Taxonomy, *kinds: mht.Kind) -> st.SearchStrategy[mht.Entity]:
    """Shipped entities of the given kinds."""
    return st.sampled_from([e for kind in kinds for e in tax.entities(kind)])


def contexts(tax: mht.Taxonomy) -> st.SearchStrategy[dict[str, object]]:
    """Keyword arguments for ``tax.where``: a jurisdiction, a payer and a date, each maybe left out."""
    return st.fixed_dictionaries(
        {},
        optional={
            "jurisdiction": st.sampled_from([j.id for j in tax.entities(mht.Kind.JURISDICTION)]),
            "payer": st.sampled_from([p.id for p in tax.entities(mht.Kind.PAYER)]),
            "on": dates,
        },
    )
