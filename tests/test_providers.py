"""Provider files: organisation types, Medicare specialty codes, and the NPPES annotator on DuckDB and Spark."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

import mhtaxonomy as mht
from mhtaxonomy.providers import COLUMNS, INDEPENDENT, NO, OFFERED, SUPERVISED, annotate, lookups

from .nppes_gen import Generated, write_nppes

REFERENCE = Path(__file__).parent / "reference"
ON = "2025-06-01"
SERVICES = ("psychotherapy", "prescribing")

duckdb = pytest.importorskip("duckdb")


def _facilities() -> list[str]:
    lines = (REFERENCE / "nucc_facilities.txt").read_text().splitlines()
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


# -- the data --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", _facilities())
def test_each_behavioral_health_facility_code_names_an_organisation_type_that_offers_something_or_says_why_not(
    tax: mht.Taxonomy, code: str
) -> None:
    organization = tax.get(f"NUCC:{code}")
    assert organization.kind is mht.Kind.ORGANIZATION_TYPE
    offers = tax.facts(organization, "offers") + [
        fact for broader in tax.broader(organization) for fact in tax.facts(broader, "offers")
    ]
    assert offers or "not modelled" in (organization.note or "")
    assert all(fact.sources for fact in offers)


def test_a_new_relation_joins_only_organisation_types_to_services(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[fact]]\nsubject = "lcsw"\nrelation = "offers"\nobject = "psychotherapy"\nsources = ["S1"]\n')
    with pytest.raises(mht.DataError, match="offers needs a subject of kind organization_type"):
        mht.load(bad)


def _crosswalk() -> dict[str, set[str]]:
    pairs: dict[str, set[str]] = {}
    with open(REFERENCE / "medicare_crosswalk_behavioral.csv", newline="") as f:
        for row in csv.DictReader(f):
            pairs.setdefault(row["specialty"], set()).add(row["taxonomy_code"])
    return pairs


@pytest.mark.parametrize("specialty", ["26", "27", "62", "68", "80", "86", "E1", "E2", "50", "89", "97", "D5"])
def test_medicare_specialty_codes_resolve_to_a_record_the_crosswalk_pairs_them_with(tax: mht.Taxonomy, specialty: str) -> None:
    entity = tax.get(f"CMS-SPECIALTY:{specialty}")
    assert "CMS-XWALK-2025" in entity.sources
    nucc = {code.value for code in entity.codes if code.system == "NUCC"}
    # Where the crosswalk pairs the specialty with another field's code, the record's note says so.
    assert nucc & _crosswalk()[specialty] or "crosswalk pairs" in (entity.note or "")


def test_a_system_prefix_narrows_a_code_lookup(tax: mht.Taxonomy) -> None:
    assert tax.get("CMS-SPECIALTY:E2").id == "lpc"
    with pytest.raises(mht.UnknownEntityError):
        tax.get("NUCC:E2")


# -- the lookups agree with the graph ----------------------------------------------------------------


def test_every_lookup_row_agrees_with_who_can_provide_in_its_state(tax: mht.Taxonomy) -> None:
    table = lookups(tax, services=SERVICES, on=ON)
    views = {}
    for row in table.rows:
        if not row.state or row.provider_kind != "profession":
            continue
        view = views.setdefault(row.jurisdiction, tax.where(jurisdiction=row.jurisdiction, on=ON))
        for service, answer in zip(SERVICES, row.answers, strict=True):
            may = row.provider_type in view.who_can_provide(service)
            alone = row.provider_type in view.who_can_provide(service, independently=True)
            assert answer == (INDEPENDENT if alone else SUPERVISED if may else NO), (row, service)


def test_organisation_answers_follow_offers_facts(tax: mht.Taxonomy) -> None:
    table = lookups(tax, services=("psychotherapy", "inpatient-psychiatric-care"), on=ON)
    answers = {(r.provider_type, r.state): r.answers for r in table.rows}
    assert answers["adult-mental-health-clinic", "CA"] == (OFFERED, NO)
    assert answers["psychiatric-hospital", "CA"] == (NO, OFFERED)


# -- DuckDB ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return write_nppes(tmp_path_factory.mktemp("nppes") / "npidata_pfile.csv", 300, seed=11, malformed=8)


@pytest.fixture(scope="module")
def duck(generated: Generated, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, mht.providers.Report]:
    out = tmp_path_factory.mktemp("out") / "slots.parquet"
    report = annotate(generated.path, services=SERVICES, on=ON).write(out, out.with_suffix(".summary.parquet"))
    return out, report


def _rows(path: Path | str) -> list[tuple[object, ...]]:
    return sorted(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall(), key=repr)


def test_every_row_is_read_and_none_is_lost_silently(generated: Generated, duck: tuple[Path, mht.providers.Report]) -> None:
    _, report = duck
    assert report.rows_read == generated.rows
    assert len(report.rejected) == generated.bad_lines + generated.bad_fields
    assert report.providers == generated.good_rows
    assert "npidata_pfile.csv line" in str(report)


def test_each_annotated_row_agrees_with_the_graph(tax: mht.Taxonomy, duck: tuple[Path, mht.providers.Report]) -> None:
    out, _ = duck
    rows = duckdb.sql(
        f"SELECT provider_type, jurisdiction, psychotherapy, prescribing FROM '{out}' "
        "WHERE provider_kind = 'profession' AND jurisdiction IS NOT NULL"
    ).fetchall()
    assert rows
    for profession, jurisdiction, *answers in set(rows):
        view = tax.where(jurisdiction=jurisdiction, on=ON)
        for service, answer in zip(SERVICES, answers, strict=True):
            expected = (
                INDEPENDENT
                if profession in view.who_can_provide(service, independently=True)
                else SUPERVISED
                if profession in view.who_can_provide(service)
                else NO
            )
            assert answer == expected


def test_unknown_codes_are_kept_and_counted(duck: tuple[Path, mht.providers.Report]) -> None:
    out, report = duck
    kept = duckdb.sql(
        f"SELECT count(*) FROM '{out}' WHERE taxonomy_code = '9999Z0000X' AND provider_type IS NULL"
    ).fetchall()[0][0]
    assert kept and report.unknown_codes["9999Z0000X"] == kept


def test_messy_values_are_normalised_and_the_practice_state_fills_in(tmp_path: Path) -> None:
    row = dict.fromkeys(COLUMNS, "")
    row.update({
        "NPI": " 1234567893 ", "Entity Type Code": "1", "Provider Business Practice Location Address State Name": "ny",
        "Healthcare Provider Taxonomy Code_1": " 106h00000x ", "Healthcare Provider Primary Taxonomy Switch_1": "y",
        "Healthcare Provider Taxonomy Code_3": "2084P0800X", "Provider License Number State Code_3": "NM",
        "NPI Deactivation Date": "01/02/2020",
    })  # fmt: skip
    import pandas as pd

    result = annotate(pd.DataFrame([row]), on=ON)
    got = result.slots.select("slot, taxonomy_code, is_primary, state, state_from, provider_type, active").fetchall()
    assert sorted(got) == [
        (1, "106H00000X", True, "NY", "practice location", "lmft", False),
        (3, "2084P0800X", False, "NM", "licence", "psychiatrist", False),
    ]
    summary = result.summary.select("primary_type, psychotherapy_primary, prescribing_any").fetchall()
    assert summary == [("lmft", INDEPENDENT, INDEPENDENT)]


def test_a_table_without_the_nppes_columns_is_refused_plainly() -> None:
    import pandas as pd

    with pytest.raises(ValueError, match="missing column.*'NPI'"):
        annotate(pd.DataFrame({"npi": ["1"]}))


# -- Spark -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    if shutil.which("java") is None:
        if os.environ.get("MHTAXONOMY_STRICT") == "1":
            pytest.fail("java is missing; .ci/run installs openjdk-17-jre-headless")
        pytest.skip("PySpark needs java")
    pyspark_sql = pytest.importorskip("pyspark.sql")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_spark_and_duckdb_agree_row_for_row(
    spark, generated: Generated, duck: tuple[Path, mht.providers.Report], tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "spark.parquet"
    report = annotate(generated.path, services=SERVICES, on=ON, engine="spark", connection=spark).write(
        out, tmp_path / "spark.summary.parquet"
    )
    duck_out, duck_report = duck
    assert _rows(f"{out}/*.parquet") == _rows(duck_out)
    assert _rows(f"{tmp_path}/spark.summary.parquet/*.parquet") == _rows(duck_out.with_suffix(".summary.parquet"))
    assert (report.rows_read, report.rows_written, report.unknown_codes) == (
        duck_report.rows_read,
        duck_report.rows_written,
        duck_report.unknown_codes,
    )
    assert len(report.rejected) == len(duck_report.rejected)


def test_the_command_writes_parquet_and_closes_with_the_counts(
    generated: Generated, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mhtaxonomy.cli import main

    out = tmp_path / "cli.parquet"
    assert main(["annotate", str(generated.path), "-o", str(out), "--on", ON, "--summary"]) == 0
    closing = capsys.readouterr().err
    assert f"read {generated.rows:,} rows" in closing and "codes not recognised" in closing
    summary = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / 'cli.summary.parquet'}'").fetchall()[0][0]
    assert summary == generated.good_rows
    assert main(["annotate", str(tmp_path / "missing.csv"), "-o", str(out)]) == 2


def test_duckdb_draws_no_bar_of_its_own_on_the_annotators_connection(generated: Generated) -> None:
    """Progress goes to ``write(progress=...)``; DuckDB's own bar would print on stderr, terminal or not."""

    def printing(annotation: mht.providers.Annotation) -> object:
        return annotation.slots.query("slots", "SELECT current_setting('enable_progress_bar_print')").fetchall()[0][0]

    assert printing(annotate(generated.path, on=ON)) is False
    own = duckdb.connect()
    assert printing(annotate(generated.path, on=ON, connection=own)) is True  # the caller's settings are theirs


def test_polars_frames_eager_and_lazy_annotate_as_the_csv_does(tmp_path: Path) -> None:
    """A Polars data frame, or a lazy frame DuckDB scans as it goes, gives the CSV's rows."""
    pl = pytest.importorskip("polars")
    made = write_nppes(tmp_path / "npidata_pfile.csv", 150, seed=23)
    from_csv = sorted(annotate(made.path, services=SERVICES, on=ON).slots.fetchall(), key=repr)
    frame = pl.read_csv(made.path, infer_schema=False)
    for source in (frame, pl.scan_csv(made.path, infer_schema=False)):
        assert sorted(annotate(source, services=SERVICES, on=ON).slots.fetchall(), key=repr) == from_csv
    assert len(from_csv) > made.rows  # several slots per provider: the comparison covers the unpivot
