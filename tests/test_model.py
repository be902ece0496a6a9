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


def test_equality_and_hash_are_the_ones_attrs_would_give(tax: mht.Taxonomy) -> None:
    """``==``, ``!=`` and hash are written out per class: they must agree with attrs' own, record by record."""
    records = [*tax.entities(), *tax.facts(), *tax.sources(), mht.Context(jurisdiction="NM", on=dt.date(2025, 1, 1))]
    twins: dict[type, type] = {}
    for record in records:
        cls = type(record)
        if cls not in twins:
            twins[cls] = attrs.make_class(cls.__name__, {f.name: attrs.field(eq=f.eq) for f in attrs.fields(cls)}, kw_only=True, frozen=True)
    by_class: dict[type, list[object]] = {}
    for record in records:
        by_class.setdefault(type(record), []).append(record)
    for cls, found in by_class.items():
        sample = found[:40]
        twin = [twins[cls](**{f.name: getattr(r, f.name) for f in attrs.fields(cls)}) for r in sample]
        for (a, ta), (b, tb) in zip(zip(sample, twin), zip(sample[1:] + sample[:1], twin[1:] + twin[:1])):
            assert (a == b) == (ta == tb) and (a != b) == (ta != tb)
        for a in sample:
            changed = attrs.evolve(a, **({"origin": "elsewhere.toml"} if "origin" in attrs.fields_dict(cls) else {}))
            assert changed == a and hash(changed) == hash(a) and not changed != a  # eq=False fields are left out
            assert a != object() and not a == object()


@given(st.text(max_size=12), st.text(max_size=12), st.sampled_from(list(mht.Relation)), st.booleans())
def test_equal_facts_hash_alike_and_differ_when_a_field_does(subject: str, other: str, relation: mht.Relation, supervised: bool) -> None:
    make = lambda s: mht.Fact(id="f", subject=s, relation=relation, object="o", sources=("S",), supervised=supervised)  # noqa: E731
    one, two = make(subject), make(other)
    assert (one == two) == (subject == other) and (one != two) == (subject != other)
    if one == two:
        assert hash(one) == hash(two)
    assert make(subject) in {one} and {make(subject): 1}[one] == 1
    assert mht.Fact(id="f", subject=subject, relation=relation, object="o", sources=("S",), supervised=not supervised) != one


def test_answer_types_repr_and_compare_as_attrs_would(tax: mht.Taxonomy) -> None:
    """The attrs classes of the answers and of the CLI get the same written-out methods as the records."""
    from mhtaxonomy.cli.commands import COMMANDS, Reply, arg

    view = tax.where(jurisdiction="NM", on=dt.date(2025, 6, 1))
    comparison = view.compare("therapist", "psychiatrist")
    verdict = view.can_provide("lpc", "psychotherapy")
    answer = view.who_can_provide("psychotherapy")
    samples = [comparison, *comparison.rows, verdict, answer.why("lcsw"), answer.qualifiers("lcsw"), Reply(result={"a": 1}), arg("--x", help="h")]
    samples += [c for c in (COMMANDS.values() if isinstance(COMMANDS, dict) else COMMANDS)][:3]
    for value in samples:
        cls = type(value)
        fields = attrs.fields(cls)
        twin_cls = attrs.make_class(cls.__name__, {f.name: attrs.field(repr=f.repr, eq=f.eq) for f in fields}, kw_only=True, frozen=True, eq=cls.__eq__ is not object.__eq__)
        twin = twin_cls(**{f.alias: getattr(value, f.name) for f in fields})
        assert repr(value) == repr(twin), cls
        copy = attrs.evolve(value)
        assert (copy == value) == (twin_cls(**{f.alias: getattr(copy, f.name) for f in fields}) == twin), cls
        if cls.__eq__ is object.__eq__:
            assert copy != value  # compared by identity, as attrs' eq=False
        else:
            assert copy == value and not copy != value
            try:
                hash(twin)
            except TypeError:
                continue  # a dict field: neither hashes
            assert hash(copy) == hash(value)
