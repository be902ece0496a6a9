"""Provider files (the NPPES NPI registry, Medicare specialty columns) -> annotated tables.

:func:`annotate` unpivots the fifteen taxonomy slots of an NPPES data-dissemination
file and says, for each provider and slot, which profession or organisation type the
code names, its Medicare specialty, and whether it may provide each requested service
in the slot's state: ``independent``, ``supervised`` or ``no`` for a profession,
``offered`` or ``no`` for an organisation type. The answers come from small lookup
tables built once from the graph (:func:`lookups`: taxonomy code x state -> answers,
through ``tax.where(jurisdiction=..., on=...).who_can_provide(...)``); the engine joins
them to the file, so no Python code runs per row. DuckDB is the embedded default and
streams files larger than memory; ``engine="spark"`` runs the same SQL on PySpark with
the lookups broadcast.

Rows the file cannot stand behind are never dropped silently: a row whose NPI is not
ten digits, or whose entity type is neither 1 nor 2, is kept with a ``problem`` and no
annotation; a line the CSV reader cannot split into the header's columns is listed in
the :class:`Report`. Codes the taxonomy does not know are kept with an empty
``provider_type`` and counted.

>>> import mhtaxonomy as mht
>>> from mhtaxonomy.providers import lookups
>>> table = lookups(mht.load(), services=("psychotherapy",), on="2025-06-01")
>>> row = next(r for r in table.rows if r.code == "1041C0700X" and r.state == "NM")
>>> row.provider_type, row.jurisdiction, row.medicare_specialty, row.answers
('lcsw', 'us-nm', '80', ('independent',))
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from .model import Entity, Kind, OrganizationType, Relation

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

__all__ = [
    "INDEPENDENT",
    "NO",
    "OFFERED",
    "SLOTS",
    "SUPERVISED",
    "Annotation",
    "LookupRow",
    "Lookups",
    "Rejected",
    "Report",
    "annotate",
    "lookups",
    "service_column",
]

#: How many taxonomy slots an NPPES record has.
SLOTS = 15
INDEPENDENT = "independent"
SUPERVISED = "supervised"
OFFERED = "offered"
NO = "no"
#: Best first: a provider's "any slot" answer is the best of its slots.
_RANK = {INDEPENDENT: 4, OFFERED: 3, SUPERVISED: 2, NO: 1}

NPI = "NPI"
ENTITY_TYPE = "Entity Type Code"
PRACTICE_STATE = "Provider Business Practice Location Address State Name"
DEACTIVATED = "NPI Deactivation Date"
REACTIVATED = "NPI Reactivation Date"


def _slot_columns(slot: int) -> tuple[str, str, str]:
    return (
        f"Healthcare Provider Taxonomy Code_{slot}",
        f"Provider License Number State Code_{slot}",
        f"Healthcare Provider Primary Taxonomy Switch_{slot}",
    )


#: The NPPES columns the annotator reads; every other column is ignored.
COLUMNS = (NPI, ENTITY_TYPE, PRACTICE_STATE, DEACTIVATED, REACTIVATED) + tuple(
    name for slot in range(1, SLOTS + 1) for name in _slot_columns(slot)
)


def service_column(service: str) -> str:
    """The output column for a service id: ``"medication-management"`` -> ``"medication_management"``.

    >>> service_column("psychotherapy")
    'psychotherapy'
    """
    return service.replace("-", "_")


def _need(module: str, extra: str) -> Any:
    """Import an optional dependency, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(f'{module} is needed for this; install it with: pip install "mhtaxonomy[{extra}]"') from error


# -- lookup tables, built from the graph --------------------------------------------------------


@attrs.frozen(kw_only=True)
class LookupRow:
    """One taxonomy code in one state: what it names and what it may provide there.

    ``state`` is a postal code, or ``""`` for a state the taxonomy does not know
    (``jurisdiction`` and ``answers`` are then ``None``).
    """

    code: str
    state: str
    jurisdiction: str | None
    provider_kind: str
    provider_type: str
    medicare_specialty: str | None
    answers: tuple[str | None, ...]


@attrs.frozen(kw_only=True)
class Lookups:
    """The lookup table :func:`annotate` joins to a provider file, and what it was built for."""

    services: tuple[str, ...]
    on: dt.date
    system: str
    rows: tuple[LookupRow, ...]

    @property
    def states(self) -> tuple[str, ...]:
        """The postal codes the table knows, sorted."""
        return tuple(sorted({row.state for row in self.rows if row.state}))

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's column names, in order."""
        return (
            "code",
            "state",
            "jurisdiction",
            "provider_kind",
            "provider_type",
            "medicare_specialty",
            *(service_column(s) for s in self.services),
        )

    def records(self) -> list[tuple[str | None, ...]]:
        """The rows as plain tuples, in :attr:`columns` order."""
        return [
            (r.code, r.state, r.jurisdiction, r.provider_kind, r.provider_type, r.medicare_specialty, *r.answers)
            for r in self.rows
        ]

    def to_arrow(self) -> Any:
        """The table as a ``pyarrow.Table`` of strings (needs the ``providers`` extra)."""
        pa = _need("pyarrow", "providers")
        columns = list(zip(*self.records(), strict=True)) if self.rows else [()] * len(self.columns)
        return pa.table({name: pa.array(values, pa.string()) for name, values in zip(self.columns, columns, strict=True)})


def _system_codes(entity: Entity, system: str) -> list[str]:
    return [code.value.strip().upper() for code in entity.codes if code.system.casefold() == system.casefold()]


def _medicare_specialty(tax: Taxonomy, entity: Entity) -> str | None:
    """The entity's first Medicare specialty code, else that of the nearest broader entity."""
    frontier, seen = [entity], {entity.id}
    while frontier:
        for candidate in frontier:
            codes = _system_codes(candidate, "CMS-SPECIALTY")
            if codes:
                return codes[0]
        broader = [tax.get(f.object) for e in frontier for f in tax.facts(e, Relation.IS_A)]
        frontier = [e for e in broader if e.id not in seen]
        seen.update(e.id for e in frontier)
    return None


def _offering(view: Taxonomy, service: str, organizations: Sequence[Entity]) -> frozenset[str]:
    """The organisation types that offer ``service`` in ``view``: an ``offers`` fact names it or a
    broader service, for the type or a broader type (offering psychotherapy offers its kinds)."""
    services = {service, *view.broader(service).ids}
    offering = set()
    for organization in organizations:
        types = [organization.id, *view.broader(organization).ids]
        if any(fact.object in services for kind in types for fact in view.facts(kind, Relation.OFFERS)):
            offering.add(organization.id)
    return frozenset(offering)


def lookups(
    tax: Taxonomy,
    *,
    services: Sequence[str] = ("psychotherapy", "prescribing"),
    on: dt.date | str | None = None,
    system: str = "NUCC",
) -> Lookups:
    """Build the lookup table: each ``system`` code of a profession or organisation type, in each state.

    For a profession the answer to a service in a state is ``independent`` if it is in
    ``tax.where(jurisdiction=state, on=on).who_can_provide(service, independently=True)``,
    ``supervised`` if only in ``who_can_provide(service)``, else ``no``. For an
    organisation type it is ``offered`` if an ``offers`` fact holding there names the
    service or a broader one, else ``no``. Pass ``system="CMS-SPECIALTY"`` to annotate a
    Medicare file's specialty column.

    Parameters
    ----------
    tax
        The taxonomy (or a view: only its data are used).
    services
        Service references (ids, names, codes), one answer column each.
    on
        The date answers hold on (default: today).
    system
        The code system whose codes key the table.

    Returns
    -------
    Lookups
        One row per code and known state, plus one per code for unknown states (``state == ""``).

    Raises
    ------
    UnknownEntityError
        For a service the taxonomy does not know.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> table = lookups(mht.load(), services=("psychotherapy",), on="2025-06-01", system="CMS-SPECIALTY")
    >>> sorted({(r.provider_type, r.answers[0]) for r in table.rows if r.code == "E2" and r.state})
    [('lpc', 'independent')]
    """
    day = _as_date(on)
    service_ids = tuple(tax.get(s).id for s in services)
    entities = [e for e in (*tax.entities(Kind.PROFESSION), *tax.entities(Kind.ORGANIZATION_TYPE))]
    coded = [(code, e) for e in entities for code in _system_codes(e, system)]
    specialty = {e.id: _medicare_specialty(tax, e) for _, e in coded}
    rows: list[LookupRow] = []
    for code, entity in coded:
        rows.append(_row(code, "", None, entity, specialty[entity.id], (None,) * len(service_ids)))
    organizations = tax.entities(Kind.ORGANIZATION_TYPE)
    states = [j for j in tax.entities(Kind.JURISDICTION) if getattr(j, "usps", None)]
    for state in states:
        view = tax.where(jurisdiction=state.id, on=day)
        may = {s: view.who_can_provide(s).ids for s in service_ids}
        alone = {s: view.who_can_provide(s, independently=True).ids for s in service_ids}
        offered = {s: _offering(view, s, organizations) for s in service_ids}
        for code, entity in coded:
            answers = tuple(
                (OFFERED if entity.id in offered[s] else NO)
                if isinstance(entity, OrganizationType)
                else INDEPENDENT if entity.id in alone[s] else SUPERVISED if entity.id in may[s] else NO
                for s in service_ids
            )
            rows.append(_row(code, str(getattr(state, "usps")), state.id, entity, specialty[entity.id], answers))
    return Lookups(services=service_ids, on=day, system=system, rows=tuple(rows))


def _row(
    code: str, state: str, jurisdiction: str | None, entity: Entity, specialty: str | None, answers: tuple[str | None, ...]
) -> LookupRow:
    return LookupRow(
        code=code,
        state=state,
        jurisdiction=jurisdiction,
        provider_kind=entity.kind.value,
        provider_type=entity.id,
        medicare_specialty=specialty,
        answers=answers,
    )


def _as_date(on: dt.date | str | None) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.date):
        return on
    return dt.date.fromisoformat(on)


# -- the SQL, written once for both engines ---------------------------------------------------


@attrs.frozen
class _Dialect:
    """The few places DuckDB and Spark SQL differ."""

    string: str
    array: str
    #: The value on the row with the least key, even when that value is NULL.
    min_by: str
    struct: Callable[[Sequence[tuple[str, str]]], str]
    explode: Callable[[str], str]
    #: The items of a list for which a condition on ``name`` holds: (items, name, condition).
    keep: Callable[[str, str, str], str]
    size: Callable[[str], str]
    ten_digits: Callable[[str], str]
    parse_date: Callable[[str], str]


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


DUCKDB = _Dialect(
    string="VARCHAR",
    array="list_value",
    min_by="arg_min_null",
    struct=lambda fields: "struct_pack(" + ", ".join(f"{name} := {value}" for name, value in fields) + ")",
    explode=lambda items: f"UNNEST({items}, recursive := true)",
    keep=lambda items, name, condition: f"list_filter({items}, lambda {name}: {condition})",
    size=lambda items: f"len({items})",
    ten_digits=lambda value: f"regexp_full_match({value}, '[0-9]{{10}}')",
    parse_date=lambda value: f"CAST(coalesce(try_strptime({value}, '%m/%d/%Y'), try_strptime({value}, '%Y-%m-%d')) AS DATE)",
)
SPARK = _Dialect(
    string="STRING",
    array="array",
    min_by="min_by",
    struct=lambda fields: "named_struct(" + ", ".join(f"'{name}', {value}" for name, value in fields) + ")",
    explode=lambda items: f"inline({items})",
    keep=lambda items, name, condition: f"filter({items}, {name} -> {condition})",
    size=lambda items: f"size({items})",
    ten_digits=lambda value: f"{value} RLIKE '^[0-9]{{10}}$'",
    parse_date=lambda value: (
        f"CAST(coalesce(try_to_timestamp({value}, 'MM/dd/yyyy'), try_to_timestamp({value}, 'yyyy-MM-dd')) AS DATE)"
    ),
)


def _slots_sql(source: str, lookup: str, table: Lookups, dialect: _Dialect, identifier: Callable[[str], str]) -> str:
    """One row per provider and non-empty slot (one row when none is filled), joined to the lookups.

    The fifteen slots are gathered as they are, the empty ones dropped, and only what is
    left is cleaned (trimmed, upper-cased): most providers fill one or two slots, so this
    cleans a few values per provider instead of forty-five.
    """

    def raw(column: str) -> str:
        return f"CAST({identifier(column)} AS {dialect.string})"

    def clean(value: str) -> str:
        """A value as trimmed upper-case text, NULL when empty."""
        return f"NULLIF(upper(trim({value})), '')"

    def slot_struct(slot: int) -> str:
        code, state, switch = _slot_columns(slot)
        return dialect.struct([("slot", str(slot)), ("code", raw(code)), ("licence", raw(state)), ("switch", raw(switch))])

    states = ", ".join(f"'{s}'" for s in table.states)
    on = f"DATE '{table.on.isoformat()}'"
    answers = ",\n        ".join(
        f"CASE WHEN s.problem IS NULL THEN l.{service_column(s)} END AS {service_column(s)}" for s in table.services
    )
    npi, entity = clean(raw(NPI)), clean(raw(ENTITY_TYPE))
    filled = dialect.keep(f"{dialect.array}({', '.join(slot_struct(s) for s in range(1, SLOTS + 1))})", "item", "trim(item.code) <> ''")
    return f"""
WITH rows AS (
    SELECT
        {npi} AS npi,
        {entity} AS entity_code,
        {clean(raw(PRACTICE_STATE))} AS practice_state,
        {dialect.parse_date(clean(raw(DEACTIVATED)))} AS deactivated,
        {dialect.parse_date(clean(raw(REACTIVATED)))} AS reactivated,
        {slot_struct(1)} AS first_slot,
        {filled} AS filled
    FROM {source}
),
checked AS (
    SELECT *,
        CASE
            WHEN npi IS NULL THEN 'NPI is empty'
            WHEN NOT ({dialect.ten_digits("npi")}) THEN 'NPI is not ten digits'
            WHEN entity_code IS NULL AND deactivated IS NULL THEN 'Entity Type Code is empty on an active record'
            WHEN entity_code IS NOT NULL AND entity_code NOT IN ('1', '2') THEN 'Entity Type Code is not 1 or 2'
        END AS problem
    FROM rows
),
unpivoted AS (
    SELECT npi, entity_code, practice_state, deactivated, reactivated, problem, {dialect.explode(
        f"CASE WHEN problem IS NULL AND {dialect.size('filled')} > 0 THEN filled ELSE {dialect.array}(first_slot) END"
    )}
    FROM checked
),
cleaned AS (
    SELECT npi, entity_code, practice_state, deactivated, reactivated, problem, slot,
        {clean("code")} AS code, {clean("licence")} AS licence, {clean("switch")} AS switch
    FROM unpivoted
),
slots AS (
    SELECT *,
        CASE WHEN coalesce(licence, practice_state) IN ({states}) THEN coalesce(licence, practice_state) ELSE '' END
            AS state_key
    FROM cleaned
)
SELECT /*+ BROADCAST(l) */
    s.npi AS npi,
    CASE s.entity_code WHEN '1' THEN 'individual' WHEN '2' THEN 'organization' END AS entity_type,
    CASE WHEN s.problem IS NOT NULL THEN NULL
         WHEN s.deactivated IS NOT NULL AND s.deactivated <= {on}
              AND NOT (s.reactivated IS NOT NULL AND s.reactivated >= s.deactivated AND s.reactivated <= {on})
         THEN false ELSE true END AS active,
    CASE WHEN s.code IS NOT NULL THEN s.slot END AS slot,
    s.code AS taxonomy_code,
    CASE WHEN s.code IS NOT NULL THEN coalesce(s.switch = 'Y', false) END AS is_primary,
    NULLIF(s.state_key, '') AS state,
    CASE WHEN s.state_key = '' THEN NULL WHEN s.licence IS NOT NULL THEN 'licence' ELSE 'practice location' END
        AS state_from,
    l.jurisdiction AS jurisdiction,
    l.provider_kind AS provider_kind,
    l.provider_type AS provider_type,
    l.medicare_specialty AS medicare_specialty,
        {answers},
    s.problem AS problem
FROM slots s
LEFT JOIN {lookup} l ON l.code = s.code AND l.state = s.state_key AND s.problem IS NULL
"""


def _summary_sql(slots: str, services: Sequence[str], dialect: _Dialect) -> str:
    """One row per NPI: the primary slot (the one marked primary, else the first) and the best of any slot."""
    order = "CASE WHEN is_primary THEN 0 ELSE 100 END + coalesce(slot, 0)"
    best = " ".join(f"WHEN '{value}' THEN {rank}" for value, rank in _RANK.items())
    back = " ".join(f"WHEN {rank} THEN '{value}'" for value, rank in _RANK.items())
    per_service = ",\n    ".join(
        f"{dialect.min_by}({service_column(s)}, {order}) AS {service_column(s)}_primary,\n"
        f"    CASE max(CASE {service_column(s)} {best} END) {back} END AS {service_column(s)}_any"
        for s in services
    )
    return f"""
SELECT
    npi,
    min(entity_type) AS entity_type,
    bool_and(active) AS active,
    count(taxonomy_code) AS taxonomies,
    {dialect.min_by}(taxonomy_code, {order}) AS primary_code,
    {dialect.min_by}(state, {order}) AS primary_state,
    {dialect.min_by}(jurisdiction, {order}) AS primary_jurisdiction,
    {dialect.min_by}(provider_kind, {order}) AS primary_kind,
    {dialect.min_by}(provider_type, {order}) AS primary_type,
    {dialect.min_by}(medicare_specialty, {order}) AS primary_medicare_specialty,
    {per_service}
FROM {slots}
WHERE problem IS NULL
GROUP BY npi
"""


# -- the report ------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Rejected:
    """A row that was not annotated: where it is and what was wrong with it."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@attrs.frozen(kw_only=True)
class Report:
    """What an annotation read and wrote.

    ``rows_read`` counts the file's data rows: the distinct NPIs annotated, the rows
    kept with a ``problem``, and the lines the CSV reader could not split.
    ``unknown_codes`` maps each taxonomy code the taxonomy does not know to how
    many slots carry it.
    """

    rows_read: int
    rows_written: int
    providers: int
    rejected: tuple[Rejected, ...]
    unknown_codes: dict[str, int]

    def __str__(self) -> str:
        unknown = sum(self.unknown_codes.values())
        text = (
            f"read {self.rows_read:,} rows, wrote {self.rows_written:,} rows ({self.providers:,} providers); "
            f"{len(self.unknown_codes):,} codes not recognised ({unknown:,} slots); {len(self.rejected):,} rows rejected"
        )
        shown = "".join(f"\n  {item}" for item in self.rejected[:10])
        more = f"\n  ... and {len(self.rejected) - 10:,} more" if len(self.rejected) > 10 else ""
        return text + shown + more


def _report(
    counts: Sequence[int],
    problems: Iterable[tuple[str, str]],
    unreadable: Sequence[Rejected],
    unknown: Iterable[tuple[str, int]],
) -> Report:
    written, providers, problem_rows = counts
    kept = tuple(Rejected(where=f"NPI {npi!r}", problem=why) for npi, why in problems)
    return Report(
        rows_read=providers + problem_rows + len(unreadable),
        rows_written=written,
        providers=providers,
        rejected=(*unreadable, *kept),
        unknown_codes=dict(sorted(unknown)),
    )


_COUNTS = "SELECT count(*), count(DISTINCT CASE WHEN problem IS NULL THEN npi END), count(problem) FROM {t}"
_PROBLEMS = "SELECT coalesce(npi, ''), problem FROM {t} WHERE problem IS NOT NULL ORDER BY 1, 2"
_UNKNOWN = (
    "SELECT taxonomy_code, count(*) FROM {t} WHERE problem IS NULL AND taxonomy_code IS NOT NULL "
    "AND provider_type IS NULL GROUP BY taxonomy_code"
)


# -- DuckDB ------------------------------------------------------------------------------------------


def _duckdb_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@attrs.define(kw_only=True)
class Annotation:
    """The annotated provider slots, lazily: nothing is read until asked for.

    ``slots`` and ``summary`` are engine objects (DuckDB relations, or Spark
    DataFrames); :meth:`write` streams them to Parquet and returns the
    :class:`Report`.
    """

    engine: str
    lookups: Lookups
    slots: Any
    summary: Any
    _write: Callable[[Path, Path | None, Callable[[float], None] | None], Report]
    _report: Callable[[], Report]

    def write(
        self,
        path: str | Path,
        summary: str | Path | None = None,
        *,
        progress: Callable[[float], None] | None = None,
    ) -> Report:
        """Write the slots (and, given a second path, the per-NPI summary) as Parquet.

        ``progress`` is called now and then with the fraction done (DuckDB only).
        """
        return self._write(Path(path), Path(summary) if summary is not None else None, progress)

    def report(self) -> Report:
        """Count what the annotation reads and would write (reads the source once more)."""
        return self._report()


def _duckdb_source(con: Any, source: Any) -> str:
    """A SQL table expression for ``source``: a file path, or a table DuckDB can scan.

    A CSV is read as text throughout, with NPPES's quoting; lines that do not split
    into the header's columns go to the ``mht_rejects`` table instead of stopping the read.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"no such provider file: {path}")
        literal = "'" + str(path).replace("'", "''") + "'"
        if path.suffix.lower() == ".parquet":
            return f"read_parquet({literal})"
        return (
            f"read_csv({literal}, header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
            "store_rejects = true, rejects_table = 'mht_rejects', rejects_scan = 'mht_scans', rejects_limit = 0)"
        )
    duckdb = _need("duckdb", "providers")
    if isinstance(source, duckdb.DuckDBPyRelation):
        source = source.arrow()
    con.register("mht_source", source)
    return "mht_source"


def _check_columns(con: Any, source: str) -> None:
    names = {row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source} LIMIT 0").fetchall()}
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        raise ValueError(
            f"not an NPPES provider table: missing column(s) {', '.join(repr(m) for m in missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            + "; expected the header of an npidata_pfile CSV"
        )


def _annotate_duckdb(source: Any, table: Lookups, connection: Any = None) -> Annotation:
    duckdb = _need("duckdb", "providers")
    con = connection if connection is not None else duckdb.connect()
    # Output order is not promised; letting DuckDB drop it keeps memory flat on big files.
    con.execute("SET preserve_insertion_order = false")
    if connection is None:
        # DuckDB would draw its own bar on stderr, terminal or not; progress is reported
        # through ``write(progress=...)`` (the command line's bar) instead.
        con.execute("SET enable_progress_bar_print = false")
    con.register("mht_lookup_arrow", table.to_arrow())
    con.execute("CREATE OR REPLACE TEMP TABLE mht_lookup AS SELECT * FROM mht_lookup_arrow")
    con.unregister("mht_lookup_arrow")
    scan = _duckdb_source(con, source)
    _check_columns(con, scan)
    csv_name = Path(source).name if scan.startswith("read_csv") else None
    con.execute(f"CREATE OR REPLACE TEMP VIEW mht_slots AS {_slots_sql(scan, 'mht_lookup', table, DUCKDB, _duckdb_identifier)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW mht_summary AS {_summary_sql('mht_slots', table.services, DUCKDB)}")

    def unreadable() -> list[Rejected]:
        if csv_name is None or not _has_table(con, "mht_rejects"):
            return []
        # DuckDB records one error per missing column; one line is one rejected row.
        rows = con.execute(
            "SELECT line, min(error_type), min(error_message) FROM mht_rejects GROUP BY line ORDER BY line"
        ).fetchall()
        return [Rejected(where=f"{csv_name} line {line}", problem=f"{kind}: {message}") for line, kind, message in rows]

    def report_from(relation: str) -> Report:
        counts = con.execute(_COUNTS.format(t=relation)).fetchone()
        return _report(
            counts,
            con.execute(_PROBLEMS.format(t=relation)).fetchall(),
            unreadable(),
            con.execute(_UNKNOWN.format(t=relation)).fetchall(),
        )

    def write(path: Path, summary: Path | None, progress: Callable[[float], None] | None) -> Report:
        _copy(con, "SELECT * FROM mht_slots", path, progress)
        written = f"read_parquet('{_sql_path(path)}')"
        report = report_from(written)
        if summary is not None:
            _copy(con, _summary_sql(written, table.services, DUCKDB), summary, None)
        return report

    return Annotation(
        engine="duckdb",
        lookups=table,
        slots=con.sql("SELECT * FROM mht_slots"),
        summary=con.sql("SELECT * FROM mht_summary"),
        write=write,
        report=lambda: report_from("mht_slots"),
    )


def _has_table(con: Any, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0])


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _copy(con: Any, query: str, path: Path, progress: Callable[[float], None] | None) -> None:
    """``COPY (query) TO path``: streamed by DuckDB; ``progress`` is polled from this thread meanwhile."""
    statement = f"COPY ({query}) TO '{_sql_path(path)}' (FORMAT parquet)"
    if progress is None:
        con.execute(statement)
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            con.execute(statement)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
        done = con.query_progress()
        if done >= 0:
            progress(min(done / 100.0, 1.0))
    if failure:
        raise failure[0]
    progress(1.0)


# -- Spark -------------------------------------------------------------------------------------------


def _annotate_spark(source: Any, table: Lookups, session: Any = None) -> Annotation:
    pyspark_sql = _need("pyspark.sql", "spark")
    spark = session if session is not None else pyspark_sql.SparkSession.builder.getOrCreate()
    # Constraint propagation only prunes filters; on the fifteen-slot expressions it
    # exhausts the driver's memory while planning, even for a tiny file.
    spark.conf.set("spark.sql.constraintPropagation.enabled", "false")
    types = pyspark_sql.types
    schema = types.StructType([types.StructField(name, types.StringType(), True) for name in table.columns])
    spark.createDataFrame(table.records(), schema).createOrReplaceTempView("mht_lookup")
    unreadable_rows: Any = None
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"no such provider file: {path}")
        if path.suffix.lower() == ".parquet":
            frame = spark.read.parquet(str(path))
        else:
            header = spark.read.option("header", True).csv(str(path)).columns
            fields = [types.StructField(name, types.StringType(), True) for name in header]
            fields.append(types.StructField("_corrupt_record", types.StringType(), True))
            raw = (
                spark.read.schema(types.StructType(fields))
                .option("header", True)
                .option("quote", '"')
                .option("escape", '"')
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", "_corrupt_record")
                .csv(str(path))
                .cache()  # Spark refuses to filter on the corrupt-record column of an uncached scan
            )
            unreadable_rows = raw.where("_corrupt_record IS NOT NULL").select("_corrupt_record")
            frame = raw.where("_corrupt_record IS NULL")
    else:
        frame = source
    missing = [name for name in COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"not an NPPES provider table: missing column(s) {', '.join(repr(m) for m in missing[:5])}")
    frame.createOrReplaceTempView("mht_source")
    slots = spark.sql(_slots_sql("mht_source", "mht_lookup", table, SPARK, _quote))
    slots.createOrReplaceTempView("mht_slots")
    summary = spark.sql(_summary_sql("mht_slots", table.services, SPARK))

    def unreadable() -> list[Rejected]:
        if unreadable_rows is None:
            return []
        lines = sorted(row[0] for row in unreadable_rows.collect())
        return [Rejected(where=f"row {line[:40]!r}", problem="malformed CSV row") for line in lines]

    def report_from(name: str) -> Report:
        counts = spark.sql(_COUNTS.format(t=name)).first()
        return _report(
            tuple(counts),
            [tuple(r) for r in spark.sql(_PROBLEMS.format(t=name)).collect()],
            unreadable(),
            [tuple(r) for r in spark.sql(_UNKNOWN.format(t=name)).collect()],
        )

    def write(path: Path, summary_path: Path | None, progress: Callable[[float], None] | None) -> Report:
        slots.write.mode("overwrite").parquet(str(path))
        spark.read.parquet(str(path)).createOrReplaceTempView("mht_written")
        report = report_from("mht_written")
        if summary_path is not None:
            spark.sql(_summary_sql("mht_written", table.services, SPARK)).write.mode("overwrite").parquet(str(summary_path))
        return report

    return Annotation(
        engine="spark", lookups=table, slots=slots, summary=summary, write=write, report=lambda: report_from("mht_slots")
    )


# -- the entry point -----------------------------------------------------------------------------------

_ENGINES = ("duckdb", "spark")


def annotate(
    source: Any,
    *,
    services: Sequence[str] = ("psychotherapy", "prescribing"),
    on: dt.date | str | None = None,
    engine: str = "duckdb",
    tax: Taxonomy | None = None,
    connection: Any = None,
) -> Annotation:
    """Annotate a provider file or table: one row per provider and taxonomy slot.

    The columns are ``npi``, ``entity_type`` (``individual`` / ``organization``),
    ``active`` (not deactivated as of ``on``), ``slot`` (1-15; empty when the provider
    lists no taxonomy), ``taxonomy_code``, ``is_primary``, ``state`` (the slot's licence
    state, else the practice location's), ``state_from``, ``jurisdiction`` (our id),
    ``provider_kind``, ``provider_type`` (a profession or organisation type id; empty
    for an unknown code), ``medicare_specialty``, one column per service, and
    ``problem`` (why a row could not be annotated). ``summary`` has one row per NPI.

    Parameters
    ----------
    source
        An NPPES CSV (V1 or V2 layout) or Parquet path; for DuckDB also a DuckDB
        relation, Arrow table, pandas or Polars data frame, or Polars lazy frame
        (DuckDB scans it as it goes); for Spark a DataFrame.
    services
        The services to answer for (ids, names or codes).
    on
        The date the answers and deactivations are taken on (default: today).
    engine
        ``"duckdb"`` (embedded, streams files larger than memory) or ``"spark"``.
    tax
        The taxonomy to answer from (default: the shipped data).
    connection
        A DuckDB connection or Spark session to use instead of a new one.

    Returns
    -------
    Annotation
        Lazy ``slots`` and ``summary``, with :meth:`Annotation.write` and :meth:`Annotation.report`.

    Raises
    ------
    ValueError
        For an unknown engine, or a table without the NPPES columns.
    FileNotFoundError
        If ``source`` names a file that does not exist.
    ImportError
        If the engine's extra (``providers`` or ``spark``) is not installed.

    Examples
    --------
    >>> import pandas as pd
    >>> from mhtaxonomy.providers import COLUMNS, annotate
    >>> row = dict.fromkeys(COLUMNS, "")
    >>> row.update({"NPI": "1234567893", "Entity Type Code": "1",
    ...             "Healthcare Provider Taxonomy Code_1": "1041C0700X",
    ...             "Provider License Number State Code_1": "NM",
    ...             "Healthcare Provider Primary Taxonomy Switch_1": "Y"})
    >>> result = annotate(pd.DataFrame([row]), on="2025-06-01")
    >>> result.slots.select("provider_type, jurisdiction, psychotherapy, prescribing").fetchall()
    [('lcsw', 'us-nm', 'independent', 'no')]
    """
    if engine not in _ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(_ENGINES)}")
    if tax is None:
        from .taxonomy import load

        tax = load()
    table = lookups(tax, services=services, on=on)
    if engine == "spark":
        return _annotate_spark(source, table, connection)
    return _annotate_duckdb(source, table, connection)
