"""Loading: every malformed input is a DataError naming file, record and field; overlays are all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mhtaxonomy as mht
from mhtaxonomy.load import read
from tests.strategies import payer_tables


def write(tmp_path: Path, text: str, name: str = "overlay.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


PAYER = """
[[payer]]
id = "acme-health"
name = "Acme Health"
type = "private"
sources = ["SEED-003"]
"""


def test_overlay_adds_records_and_facts_that_queries_see(tmp_path: Path, tax: mht.Taxonomy) -> None:
    path = write(
        tmp_path,
        PAYER
        + """
[[fact]]
subject = "acme-health"
relation = "recognizes"
object = ["lcsw", "lpc"]
sources = ["SEED-003"]
note = "Our own network agreement."
""",
    )
    layered = mht.load(path)
    assert layered.get("Acme Health").id == "acme-health"
    assert {f.object for f in layered.facts("acme-health", "recognizes")} == {"lcsw", "lpc"}
    assert "acme-health" not in {e.id for e in tax.entities("payer")}


def test_failed_overlay_changes_nothing(tmp_path: Path) -> None:
    before = mht.load()
    path = write(tmp_path, PAYER + '\n[[fact]]\nsubject = "acme-health"\nrelation = "covers"\nobject = "no-such-code"\nsources = ["S1"]\n')
    with pytest.raises(mht.DataError):
        mht.load(path)
    after = mht.load()
    assert after is before
    assert "acme-health" not in {e.id for e in after.entities("payer")}


def test_shipped_taxonomy_is_cached() -> None:
    assert mht.load() is mht.load()


def error_for(tmp_path: Path, text: str) -> mht.DataError:
    path = write(tmp_path, text)
    with pytest.raises(mht.DataError) as caught:
        read(path)
    assert caught.value.file == str(path)
    return caught.value


@pytest.mark.parametrize(
    ("text", "record", "field", "words"),
    [
        ("[[payer]\nid = 1", None, None, "not valid TOML"),
        ("[[clinic]]\nid = 'x'", None, None, "unknown section 'clinic'; valid sections are"),
        ("payer = 3", None, None, "must be an array of tables"),
        (PAYER.replace('type = "private"', 'type = "private"\ncolour = "red"'), "acme-health", None, "valid fields are"),
        (PAYER.replace('type = "private"', 'type = "charity"'), "acme-health", "type", "charity"),
        (PAYER.replace('name = "Acme Health"', "name = 3"), "acme-health", "name", "expected a string"),
        (PAYER.replace('sources = ["SEED-003"]', ""), "acme-health", "sources", "required field missing"),
        (PAYER.replace('sources = ["SEED-003"]', "sources = []"), "acme-health", "sources", "cites no source"),
        (PAYER.replace('sources = ["SEED-003"]', 'sources = ["S999"]'), "acme-health", "sources", "unknown source 'S999'"),
        (PAYER.replace('id = "acme-health"', 'id = "Acme Health"'), "Acme Health", "id", "lowercase words joined by hyphens"),
        (PAYER.replace('id = "acme-health"', 'id = "medicare"'), "medicare", "id", "duplicate id, already defined in"),
        (PAYER + PAYER, "acme-health", "id", "duplicate id"),
        ('[[payer]]\nid = "x"\nname = " "\ntype = "private"\nsources = ["S1"]', "x", "name", "name is empty"),
        (
            '[[condition]]\nid = "x"\nname = "X"\ncodes = ["ICD-9:300.0"]\nsources = ["S1"]',
            "x",
            "codes",
            "unknown code system 'ICD-9'",
        ),
        ('[[condition]]\nid = "x"\nname = "X"\ncodes = ["F41.1"]\nsources = ["S1"]', "x", "codes", "SYSTEM:value"),
        (
            '[[billing_code]]\nid = "x"\nname = "X"\nsystem = "cpt"\ncode = "1"\nmin_minutes = 9\nmax_minutes = 8\nsources = ["S1"]',
            "x",
            "min_minutes",
            "more than max_minutes",
        ),
        (
            '[[billing_code]]\nid = "x"\nname = "X"\nsystem = "icd-9"\ncode = "1"\nsources = ["S1"]',
            "x",
            "system",
            "unknown code system 'icd-9'",
        ),
    ],
)
def test_malformed_records_are_reported_where_they_are(
    tmp_path: Path, text: str, record: str | None, field: str | None, words: str
) -> None:
    error = error_for(tmp_path, text)
    assert words in str(error)
    assert error.record == record
    if field is not None:
        assert error.field == field


FACT = '[[fact]]\nsubject = "lcsw"\nrelation = "holds"\nobject = "msw"\nsources = ["S21"]\nid = "mine"\n'


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (('object = "msw"', 'object = "nothing-here"'), "object", "unknown entity 'nothing-here'"),
        (('relation = "holds"', 'relation = "likes"'), "relation", "likes"),
        (('object = "msw"', 'object = "psychotherapy"'), "object", "holds needs an object of kind credential"),
        (('subject = "lcsw"', 'subject = "msw"'), "subject", "holds needs a subject of kind profession"),
        (('relation = "holds"', 'relation = "is_a"'), "object", "is_a joins entities of one kind"),
        (('sources = ["S21"]', 'sources = ["S21"]\njurisdictions = ["NM"]'), "jurisdictions", "unknown jurisdiction 'NM'"),
        (('sources = ["S21"]', 'sources = ["S21"]\njurisdictions = []'), "jurisdictions", "leave the field out"),
        (('sources = ["S21"]', 'sources = ["S21"]\npayers = ["acme"]'), "payers", "unknown payer 'acme'"),
        (
            ('sources = ["S21"]', 'sources = ["S21"]\nvalid_from = 2024-01-01\nvalid_until = 2023-01-01'),
            "valid_from",
            "valid_from must come before valid_until",
        ),
        (('sources = ["S21"]', 'sources = ["S21"]\nvalid_from = 2024-02-30'), None, "not valid TOML"),
        (('sources = ["S21"]', 'sources = ["S21"]\nvalid_from = "last year"'), "valid_from", "last year"),
        (('sources = ["S21"]', 'sources = ["S21"]\nreason = "life-transitions"'), "reason", "only refers_to facts have a reason"),
        (('sources = ["S21"]', 'sources = ["S21"]\nstrength = "strong"'), "strength", "only first_line_for facts"),
        (('subject = "lcsw"', 'subject = ["lcsw", "lpc"]'), "id", "an explicit id needs a single subject and object"),
        (('subject = "lcsw"', "subject = 3"), "subject", "expected an entity id or a list of ids"),
    ],
)
def test_malformed_facts_are_reported(tmp_path: Path, change: tuple[str, str], field: str | None, words: str) -> None:
    error = error_for(tmp_path, FACT.replace(*change))
    assert words in str(error)
    if field is not None:
        assert error.field == field


def test_refers_to_needs_a_known_reason(tmp_path: Path) -> None:
    text = '[[fact]]\nsubject = "therapist"\nrelation = "refers_to"\nobject = "psychiatrist"\nsources = ["SEED-003"]\nid = "r"\n'
    assert error_for(tmp_path, text).field == "reason"
    assert "unknown referral reason" in str(error_for(tmp_path, text + 'reason = "boredom"\n'))


def test_derived_fact_ids_must_be_unique(tmp_path: Path) -> None:
    text = '[[fact]]\nsubject = "lcsw"\nrelation = "holds"\nobject = "msw"\nsources = ["S21"]\n'
    error = error_for(tmp_path, text)
    assert error.record == "lcsw.holds.msw"
    assert "give one of the facts an explicit 'id'" in str(error)


def test_is_a_cycles_are_refused(tmp_path: Path) -> None:
    text = '[[fact]]\nsubject = "therapist"\nrelation = "is_a"\nobject = "lcsw"\nsources = ["SEED-003"]\n'
    error = error_for(tmp_path, text)
    assert "cycle" in str(error)
    assert "therapist" in str(error) and "lcsw" in str(error)


def test_missing_overlay_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(mht.DataError, match="no such data file"):
        mht.load(tmp_path / "absent.toml")


def test_meta_is_only_read_from_the_shipped_data(tmp_path: Path) -> None:
    error = error_for(tmp_path, '[meta]\nversion = "9"\n')
    assert "unknown section 'meta'" in str(error)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=__import__("hypothesis").strategies.data())
def test_payer_tables_round_trip_through_a_data_file(tmp_path: Path, tax: mht.Taxonomy, data) -> None:
    tables = data.draw(__import__("hypothesis").strategies.lists(payer_tables(tax), min_size=1, max_size=3, unique_by=lambda t: t["id"]))
    path = write(tmp_path, tomli_w.dumps({"payer": tables}), "round-trip.toml")
    layered = mht.load(path)
    for table in tables:
        payer = layered.get(table["id"])
        assert isinstance(payer, mht.Payer)
        assert payer.name == table["name"]
        assert payer.type.value == table["type"]
        assert list(payer.sources) == table["sources"]
        assert list(payer.aliases) == table.get("aliases", [])
        assert payer.description == table.get("description", "")
        assert payer.note == table.get("note")


def test_the_cache_listing_names_exactly_the_shipped_files() -> None:
    from mhtaxonomy.load import _shipped_listing, _shipped_name, shipped_files

    listed = _shipped_listing()
    assert sorted((_shipped_name(path), str(path)) for path in shipped_files()) == sorted(listed)
    assert len(listed) == len(shipped_files()) > 20


def test_equal_values_are_one_object_after_reading() -> None:
    """Ids, source lists and dates spelled many times in the files are stored once."""
    data = read()
    facts = list(data.facts.values())
    for fact in facts:
        assert fact.subject is data.entities[fact.subject].id
        assert fact.object is data.entities[fact.object].id
    first: dict[tuple[str, ...], tuple[str, ...]] = {}
    for fact in facts:
        assert first.setdefault(fact.sources, fact.sources) is fact.sources
    assert len(first) < len(facts)  # the shipped facts do repeat source lists
    origin_keys = {id(name) for name in data.origins}
    assert all(id(entity_id) in origin_keys for entity_id in data.entities)


_ATOMS = st.one_of(st.text(max_size=3), st.integers(-2, 2), st.booleans(), st.floats(allow_nan=False), st.dates(), st.none())
_VALUES = st.one_of(
    _ATOMS,
    st.tuples(_ATOMS, _ATOMS),
    st.lists(st.text(max_size=2), max_size=3).map(tuple),
    st.frozensets(st.text(max_size=2), max_size=3),
)


def _shareable(value: object) -> bool:
    if type(value) in {tuple, frozenset}:
        return all(type(item) is str for item in value)  # type: ignore[attr-defined]
    return type(value) in {str, dt.date}


@given(st.lists(_VALUES, max_size=12))
def test_sharing_keeps_every_value_and_its_type(values: list[object]) -> None:
    """Sharing swaps a value only for an equal one of the same type (never 1 for True or 1.0)."""
    from mhtaxonomy.load import _Sharer

    share = _Sharer()
    shared = [share.value(value) for value in values]
    for before, after in zip(values, shared, strict=True):
        assert type(after) is type(before) and after == before
        if isinstance(before, tuple):
            assert [type(item) for item in after] == [type(item) for item in before]  # type: ignore[attr-defined]
    for one in shared:
        for other in shared:
            if _shareable(one) and type(one) is type(other) and one == other:
                assert one is other
