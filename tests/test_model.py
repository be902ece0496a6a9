"""The records themselves: immutability, codes and the time rule of facts."""

import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mhtaxonomy as mht
from tests.strategies import dates


def test_records_are_frozen(tax: mht.Taxonomy) -> None:
    entity = tax.get("LCSW")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entity.name = "changed"  # type: ignore[misc]
    fact = tax.facts("lcsw", "holds")[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fact.subject = "changed"  # type: ignore[misc]


def test_records_have_no_instance_dict(tax: mht.Taxonomy) -> None:
    assert not hasattr(tax.get("psychotherapy"), "__dict__")


@pytest.mark.parametrize("text", ["NUCC", "NUCC:", ":1041C0700X", "1041C0700X"])
def test_code_parse_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError, match="SYSTEM:value"):
        mht.Code.parse(text)


@pytest.mark.parametrize(
    ("value", "code", "expected"),
    [
        ("F43.10-F43.12", "F43.11", True),
        ("F43.10-F43.12", "f4312", True),
        ("F43.10-F43.12", "F43.1", False),
        ("F43.10-F43.12", "F43.2", False),
        ("F31.0-F31.9", "F31.81", True),
        ("F31.0-F31.9", "F31.9", True),
        ("F31.0-F31.9", "F30.9", False),
        ("F41.1", "F41.1", True),
        ("F41.1", "F41.10", False),
    ],
)
def test_code_matches_single_codes_and_ranges(value: str, code: str, expected: bool) -> None:
    assert mht.Code(system="ICD-10-CM", value=value).matches(code) is expected


def _fact(**qualifiers: object) -> mht.Fact:
    return mht.Fact(id="a.is_a.b", subject="a", relation=mht.Relation.IS_A, object="b", sources=("S1",), **qualifiers)


@given(start=dates, asked=dates)
def test_a_dated_fact_holds_from_its_start_date(start: dt.date, asked: dt.date) -> None:
    fact = _fact(valid_from=start)
    assert fact.holds_in(mht.Context(on=asked)) is (asked >= start)


@given(start=dates, end=dates, first=dates, later=dates)
def test_holding_is_monotone_in_time_before_the_end(start: dt.date, end: dt.date, first: dt.date, later: dt.date) -> None:
    if not start < end:
        return
    first, later = sorted((first, later))
    fact = _fact(valid_from=start, valid_until=end)
    if fact.holds_in(mht.Context(on=first)) and later < end:
        assert fact.holds_in(mht.Context(on=later))
    assert not fact.holds_in(mht.Context(on=end))


@given(jurisdiction=st.sampled_from(["us-nm", "us-ca", None]), payer=st.sampled_from(["medicare", "medicaid", None]))
def test_unrestricted_facts_hold_everywhere(jurisdiction: str | None, payer: str | None) -> None:
    assert _fact().holds_in(mht.Context(jurisdiction=jurisdiction, payer=payer))


def test_restricted_fact_holds_only_where_it_says_or_when_no_place_is_asked() -> None:
    fact = _fact(jurisdictions=frozenset({"us-nm"}), payers=frozenset({"medicare"}))
    assert fact.holds_in(mht.Context())
    assert fact.holds_in(mht.Context(jurisdiction="us-nm", payer="medicare"))
    assert not fact.holds_in(mht.Context(jurisdiction="us-ca"))
    assert not fact.holds_in(mht.Context(payer="medicaid"))


def test_qualifiers_lists_only_what_is_set() -> None:
    fact = _fact(supervised=True, valid_from=dt.date(2024, 1, 1))
    assert fact.qualifiers == {"valid_from": dt.date(2024, 1, 1), "supervised": True}


def test_every_relation_reads_as_words() -> None:
    for relation in mht.Relation:
        assert "_" not in relation.phrase
    assert mht.Relation.IS_A.phrase == "is a kind of"
    assert mht.Relation.HOLDS.phrase == "holds"


def test_every_record_kind_pickles_as_a_tuple_and_back(tax: mht.Taxonomy) -> None:
    import copy
    import pickle

    records = [*tax.entities(), *tax.facts(), *tax.sources(), mht.Context(jurisdiction="us-nm", on=dt.date(2025, 1, 1))]
    kinds = {type(record) for record in records}
    assert len(kinds) >= 16  # the entity classes in the data, Fact, Source and Context
    for record in records:
        state = record.__getstate__()
        assert isinstance(state, tuple) and len(state) == len(attrs.fields(type(record)))
        back = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(back) is type(record)
        assert attrs.astuple(back, recurse=False) == attrs.astuple(record, recurse=False)  # eq=False fields too
        assert copy.copy(record) == record
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        back.id = "changed"  # type: ignore[misc]


def test_repr_is_the_one_attrs_would_write(tax: mht.Taxonomy) -> None:
    # the repr is written out per class rather than compiled by attrs: it must read exactly as attrs' own
    twins: dict[type, type] = {}
    for record in [*tax.entities(), *tax.facts(), *tax.sources(), mht.Context(on=dt.date(2025, 1, 1))]:
        cls = type(record)
        if cls not in twins:
            twins[cls] = attrs.make_class(
                cls.__name__, {f.name: attrs.field(repr=f.repr) for f in attrs.fields(cls)}, kw_only=True, repr=True
            )
        twin = twins[cls](**{f.name: getattr(record, f.name) for f in attrs.fields(cls)})
        assert repr(record) == repr(twin)
    assert "origin=" not in repr(next(iter(tax.facts())))  # a repr=False field stays out
