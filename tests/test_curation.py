"""Curation checks over every shipped record (bioregistry style).

Each record: required fields present, identifiers well formed and real, no
duplicates, every cross-reference resolves, files in canonical formatting.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import simple_icd_10_cm as icd

import mhtaxonomy as mht
from mhtaxonomy.curation import canonical
from mhtaxonomy.load import read, shipped_files
from mhtaxonomy.model import ID_PATTERN
from mhtaxonomy.taxonomy import normalize

TAX = mht.load()
DATA = read()
FACTS = sorted(DATA.facts.values(), key=lambda f: f.id)
ENTITIES = TAX.entities()
NUCC_REFERENCE = {
    line.strip()
    for line in (Path(__file__).parent / "reference" / "nucc_v25_1.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
# The organisation types' facility codes, derived from the NUCC CSV by tests/reference/derive_providers.py.
NUCC_REFERENCE |= {
    line.split("\t")[0]
    for line in (Path(__file__).parent / "reference" / "nucc_facilities.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}
NUCC_DEACTIVATED = {"103TE1000X", "103TM1700X", "103TP2700X", "103TW0100X", "103GC0700X"}
CODE_FORMATS = {
    "NUCC": re.compile(r"^[0-9A-Z]{9}X$"),
    "CMS-SPECIALTY": re.compile(r"^[0-9A-Z]{2}$"),
    "ICD-10-CM": re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$"),
    "POS": re.compile(r"^[0-9]{2}$"),
    "MOD": re.compile(r"^[0-9A-Z]{2}$"),
}
BILLING_FORMATS = {"cpt": re.compile(r"^[0-9]{4}[0-9FTU]$"), "hcpcs": re.compile(r"^[A-V][0-9]{4}$")}
DESCRIBED = {kind for kind in mht.Kind} - {mht.Kind.JURISDICTION}


def by_id(entity: mht.Entity) -> str:
    return entity.id


@pytest.mark.parametrize("entity", ENTITIES, ids=by_id)
def test_record_has_its_required_fields(entity: mht.Entity) -> None:
    assert ID_PATTERN.match(entity.id)
    assert entity.name.strip() == entity.name and entity.name
    assert entity.sources and all(TAX.source(s) for s in entity.sources)
    assert len(set(entity.sources)) == len(entity.sources), "a source is cited twice"
    if entity.kind in DESCRIBED:
        assert entity.description.strip(), "needs a description in our own words"
    for label in (*entity.aliases, *entity.abbreviations):
        assert label.strip() == label and label


@pytest.mark.parametrize("entity", ENTITIES, ids=by_id)
def test_external_codes_are_well_formed_and_real(entity: mht.Entity) -> None:
    for code in entity.codes:
        ends = code.value.split("-") if code.is_range else [code.value]
        for end in ends:
            assert CODE_FORMATS[code.system].match(end), f"{code} is not a well-formed {code.system} code"
        if code.system == "NUCC":
            assert code.value in NUCC_REFERENCE, f"{code.value} is not in NUCC v25.1"
            assert code.value not in NUCC_DEACTIVATED
        if code.system == "ICD-10-CM":
            for end in ends:
                assert icd.is_valid_item(end), f"{end} is not in ICD-10-CM"
            if not code.is_range:
                assert icd.is_leaf(code.value), f"{code.value} is a category header; list billable codes"
            else:
                low, high = ends
                assert low < high, f"range {code.value} runs backwards"


@pytest.mark.parametrize("code", TAX.entities(mht.Kind.BILLING_CODE), ids=by_id)
def test_billing_codes_are_well_formed(code: mht.BillingCode) -> None:
    assert BILLING_FORMATS[code.system].match(code.code), f"{code.code} is not a {code.system} code"
    assert code.id == f"{code.system}-{code.code.lower()}"


def test_no_two_entities_share_a_name() -> None:
    counts = Counter(normalize(e.name) for e in ENTITIES)
    assert [name for name, n in counts.items() if n > 1] == []


def test_no_two_entities_share_an_external_code() -> None:
    counts = Counter((c.system, c.value) for e in ENTITIES for c in e.codes)
    counts.update(("billing", e.code) for e in TAX.entities(mht.Kind.BILLING_CODE))
    assert [code for code, n in counts.items() if n > 1] == []


def test_no_icd_code_belongs_to_two_conditions() -> None:
    owners: dict[str, str] = {}
    for code in icd.get_all_codes(with_dots=True):
        if not code.startswith("F"):
            continue
        hits = {c.id for c in TAX.entities(mht.Kind.CONDITION) if any(x.matches(code) for x in c.codes)}
        if len(hits) > 1:
            owners[code] = ", ".join(sorted(hits))
    broader = {(c.id, p) for c in TAX.entities(mht.Kind.CONDITION) for p in TAX.broader(c).ids}
    clashes = {
        code: who
        for code, who in owners.items()
        if not any({a, b} == set(who.split(", ")) for a, b in broader)
    }
    assert clashes == {}


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_every_fact_cites_known_sources_once(fact: mht.Fact) -> None:
    assert fact.sources
    assert len(set(fact.sources)) == len(fact.sources), "a source is cited twice"
    assert all(TAX.source(s) for s in fact.sources)


def test_every_source_is_cited_or_documents_the_sheets() -> None:
    cited = {s for e in ENTITIES for s in e.sources} | {s for f in FACTS for s in f.sources}
    seeds = {s.id for s in TAX.sources() if s.quality is mht.SourceQuality.SEED}
    assert seeds <= cited, "every seed article is cited"


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.name)
def test_data_files_are_in_canonical_formatting(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == canonical(text), f"run: python -m mhtaxonomy.curation {path}"
