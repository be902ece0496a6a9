"""Regression tests for issue 9 (items 3-5) and issue 15's query-side changes, one per defect."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.taxonomy import MAX_SEARCH_TEXT

# -- issue 15: import stays light ----------------------------------------------------------


def test_import_and_load_do_not_import_networkx() -> None:
    code = "import sys, mhtaxonomy as m; m.load().who_can_provide('psychotherapy'); print('networkx' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_graph_is_built_when_first_read_and_then_kept(tax: mht.Taxonomy) -> None:
    assert tax.graph is tax.graph
    assert "networkx" in sys.modules


# -- issue 9 item 4: nobody can change it ------------------------------------------------


def test_context_cannot_be_assigned(tax: mht.Taxonomy) -> None:
    with pytest.raises(AttributeError):
        tax.context = mht.Context(payer="medicare")  # type: ignore[misc]
    assert tax.context == mht.Context()


def test_views_have_no_writable_attributes(tax: mht.Taxonomy) -> None:
    view = tax.where(payer="medicare")
    with pytest.raises(AttributeError):
        view.anything = 1  # type: ignore[attr-defined]
    assert not hasattr(view, "__dict__")


def test_graph_node_edge_and_graph_data_are_read_only(tax: mht.Taxonomy) -> None:
    graph = tax.graph
    with pytest.raises(TypeError):
        graph.nodes["lcsw"]["kind"] = mht.Kind.SERVICE
    with pytest.raises(TypeError):
        del graph.nodes["lcsw"]["entity"]
    with pytest.raises(TypeError):
        graph.edges["lcsw", "msw", "lcsw.holds.msw"]["relation"] = mht.Relation.IS_A
    with pytest.raises(TypeError):
        graph.graph["name"] = "mine"
    assert graph.nodes["lcsw"]["kind"] is mht.Kind.PROFESSION


def test_a_view_graph_data_are_read_only_too(tax: mht.Taxonomy) -> None:
    graph = tax.where(jurisdiction="CA").graph
    with pytest.raises(TypeError):
        graph.nodes["lcsw"]["kind"] = mht.Kind.SERVICE


def test_changing_a_returned_answer_does_not_change_the_kept_one(tax: mht.Taxonomy) -> None:
    view = tax.where(on="2025-06-01")
    first = view.what_requires_diagnosis()
    with pytest.raises((AttributeError, TypeError)):
        first._paths.clear()  # type: ignore[attr-defined]
    assert len(view.what_requires_diagnosis()) > 0


def test_copying_the_graph_gives_an_ordinary_editable_graph(tax: mht.Taxonomy) -> None:
    copy = tax.graph.copy()
    copy.nodes["lcsw"]["mine"] = True
    assert "mine" not in tax.graph.nodes["lcsw"]


# -- issue 9 item 5: wrong types ------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "says"),
    [
        (lambda t: t.where(jurisdiction=123), TypeError, "jurisdiction must be"),
        (lambda t: t.where(payer=["medicare"]), TypeError, "payer must be"),
        (lambda t: t.where(jurisdiction=""), ValueError, "jurisdiction is empty"),
        (lambda t: t.where(on=20250601), TypeError, "on must be a date"),
        (lambda t: t.where(on="2025-02-30"), ValueError, "real ISO date"),
        (lambda t: t.search(None), TypeError, "search text must be a string"),
        (lambda t: t.search("x", limit=2.5), TypeError, "limit must be a whole number"),
        (lambda t: t.search("x", limit=True), TypeError, "limit must be a whole number"),
        (lambda t: t.search("x", limit=0), ValueError, "at least 1"),
        (lambda t: t.fact(None), TypeError, "fact_id must be a fact id"),
        (lambda t: t.source(3), TypeError, "source_id must be"),
        (lambda t: t.get(None), TypeError, "expected an entity or a string"),
        (lambda t: t.facts(relation="likes"), ValueError, "relation must be one of"),
        (lambda t: t.entities(kind="animal"), ValueError, "kind must be one of"),
        (lambda t: t.who_can_provide("psychotherapy", independently="no"), TypeError, "True or False"),
        (lambda t: t.what_can_provide("lcsw", independently=1), TypeError, "True or False"),
        (lambda t: t.titles("lcsw", jurisdiction=5), TypeError, "jurisdiction must be"),
    ],
)
def test_wrong_types_get_a_clear_error(tax: mht.Taxonomy, call: object, error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        call(tax)  # type: ignore[operator]


def test_numpy_integers_are_whole_numbers(tax: mht.Taxonomy) -> None:
    numpy = pytest.importorskip("numpy")
    assert len(tax.search("therapy", limit=numpy.int64(3))) == 3


@pytest.mark.parametrize("code", ["F90.9ZZZ", "F32.5-garbage", "F32.0ZZ", "F43.12.", "F33.4X"])
def test_codes_not_shaped_like_real_codes_are_unknown(tax: mht.Taxonomy, code: str) -> None:
    with pytest.raises(mht.UnknownEntityError):
        tax.get(code)


@pytest.mark.parametrize(("code", "expected"), [("F90.9", "adhd"), ("F10.120", "alcohol-use-disorder"), ("F33.41", "major-depressive-disorder")])
def test_real_codes_inside_ranges_still_resolve(tax: mht.Taxonomy, code: str, expected: str) -> None:
    assert tax.get(code).id == expected


# -- issue 9 item 3: bounded cost -----------------------------------------------------------


def test_a_20000_character_search_is_refused_with_the_bound() -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_SEARCH_TEXT} characters"):
        mht.load().search("a" * 20_000)


def test_a_huge_unknown_reference_is_not_echoed_whole(tax: mht.Taxonomy) -> None:
    with pytest.raises(mht.UnknownEntityError) as caught:
        tax.get("x" * 10_000_000)
    assert len(str(caught.value)) < 200


def test_a_huge_wrong_value_is_not_echoed_whole(tax: mht.Taxonomy) -> None:
    with pytest.raises(TypeError) as caught:
        tax.where(on=["2025-01-01"] * 1_000_000)
    assert len(str(caught.value)) < 200


@given(st.text(max_size=MAX_SEARCH_TEXT))
def test_search_answers_any_text_up_to_the_bound(text: str) -> None:
    tax = mht.load()
    try:
        found = tax.search(text)
    except ValueError as error:
        assert "needs some text" in str(error)
    else:
        assert len(found) <= 10


# -- issue 15: the faster paths give the same answers --------------------------------------


def _old_search(tax: mht.Taxonomy, text: str, limit: int = 10) -> list[str]:
    """The search before the index: every label compared, kept as the reference."""
    import difflib

    from mhtaxonomy.taxonomy import normalize

    query = normalize(text)
    scores: dict[str, float] = {}
    for key, ids in tax._index.labels.items():
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
    for entity in tax.entities():
        if scores.get(entity.id, 0.0) < 1.0 and query in normalize(entity.description):
            scores[entity.id] = 1.0
    ranked = sorted(
        (i for i, score in scores.items() if score > 0), key=lambda i: (-scores[i], tax.get(i).name.casefold(), i)
    )
    return ranked[:limit]


@pytest.mark.parametrize(
    "text", ["exposure therapy", "psychoterapy", "cbt", "counsel", "social worker", "ptsd", "medicare", "lcsw", "trauma", "xq"]
)
def test_indexed_search_ranks_as_the_full_comparison_did(tax: mht.Taxonomy, text: str) -> None:
    assert [e.id for e in tax.search(text)] == _old_search(tax, text)


@given(st.text(max_size=40), st.text(max_size=40))
def test_letter_runs_count_shared_letters_as_quick_ratio_does(first: str, second: str) -> None:
    """The set intersection that pre-filters near spellings counts what difflib's quick_ratio counts."""
    from collections import Counter

    from mhtaxonomy.taxonomy import _common_letters, _letter_runs

    runs = _letter_runs(first), _letter_runs(second)
    if None in runs:
        assert any(ord(letter) >= 0x1000 for letter in first + second)
        return
    assert len(set(runs[0]) & set(runs[1])) == _common_letters(Counter(first), Counter(second))


@given(st.text(alphabet="abcde ", max_size=30), st.text(alphabet="abcde ", max_size=30))
def test_common_run_is_the_longest_common_subsequence_and_bounds_difflib(first: str, second: str) -> None:
    """The order check before difflib: exactly the LCS, never below difflib's matched letters."""
    import difflib

    from mhtaxonomy.taxonomy import _common_run, _positions

    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i, a in enumerate(first):
        for j, b in enumerate(second):
            table[i + 1][j + 1] = table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
    found = _common_run(_positions(first), len(first), second)
    assert found == table[-1][-1]
    matched = sum(block.size for block in difflib.SequenceMatcher(None, first, second).get_matching_blocks())
    assert matched <= found


@pytest.mark.parametrize("query", ["心理療法x", "心理療法について知る", "psychotherapy 心理"])
def test_near_spellings_of_letters_the_runs_cannot_spell(tax: mht.Taxonomy, query: str) -> None:
    """Labels or queries past U+0FFF fall back to counting letters: the same matches as difflib."""
    import difflib

    from mhtaxonomy.taxonomy import _Finder

    labels = {"心理療法": ("psychotherapy",), "心理療法について": ("psychotherapy",), "psychotherapy": ("psychotherapy",)}
    finder = _Finder(labels, {"psychotherapy": tax.get("psychotherapy")})
    found = dict(finder.near(query, 0.75))
    expected = {key for key in labels if difflib.SequenceMatcher(None, query, key).ratio() >= 0.75}
    assert set(found) == expected and expected


@pytest.mark.parametrize("context", [{}, {"jurisdiction": "NM", "payer": "medicare", "on": "2025-06-01"}, {"on": "2019-01-01"}])
def test_requires_diagnosis_agrees_with_what_requires_diagnosis(tax: mht.Taxonomy, context: dict[str, str]) -> None:
    view = tax.where(**context)  # type: ignore[arg-type]
    every = view.what_requires_diagnosis().ids
    for kind in (mht.Kind.SERVICE, mht.Kind.MODALITY, mht.Kind.BILLING_CODE):
        for entity in view.entities(kind):
            assert view.requires_diagnosis(entity) is (entity.id in every), entity.id


def test_groups_join_who_can_provide_as_before(tax: mht.Taxonomy) -> None:
    """A group is in the answer exactly when all its members are (groups of groups too)."""
    for service in tax.entities(mht.Kind.SERVICE):
        answer = tax.who_can_provide(service)
        for group in tax.entities(mht.Kind.PROFESSION):
            if isinstance(group, mht.Profession) and group.group:
                members = [f.subject for f in tax.facts(relation="is_a", object=group)]
                assert (group.id in answer.ids) is (bool(members) and all(m in answer.ids for m in members))


def test_the_package_namespace_stays_a_module() -> None:
    assert isinstance(mht, types.ModuleType)
