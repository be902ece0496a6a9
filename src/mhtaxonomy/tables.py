"""Arrow tables of the taxonomy and of its answers, for pandas, Polars, DuckDB and R.

Needs pyarrow (``pip install "mhtaxonomy[tables]"``), imported when the first
table is built. pandas (``table.to_pandas()``), Polars (``polars.from_arrow``)
and DuckDB (a query naming the Python variable) read these tables without
copying them.

Every table is built from the public API of a taxonomy or a view
(:meth:`~mhtaxonomy.taxonomy.Taxonomy.entities`,
:meth:`~mhtaxonomy.taxonomy.Taxonomy.facts`, the questions), so a view's
``facts``, ``scope`` and ``billing`` tables hold only what holds in its
context (entities, codes and sources are the same in every view). Each
table's schema metadata
carry ``data_version``, ``as_of`` and the view's ``jurisdiction``, ``payer``
and ``on`` (the date its facts hold on; empty text for what is not set).

The columns, whose names and types are kept stable across releases
(:data:`COLUMNS`; ``list`` columns are Arrow lists of strings, ``date``
columns Arrow ``date32``):

``entities``
    ``id``, ``kind``, ``name``, ``aliases`` (list), ``abbreviations`` (list),
    ``description``, ``codes`` (list of ``SYSTEM:value``), ``sources`` (list),
    ``note``, ``attributes`` (a map of the fields the entity's own kind adds,
    such as ``group`` or ``min_minutes``, as text).
``codes``
    One row per entity and external code: ``entity``, ``kind``, ``system``
    (``NUCC``, ``ICD-10-CM``, ``CPT``, ``HCPCS``), ``code`` (as written),
    ``low`` and ``high`` (the ends of an ICD-10-CM range; both equal ``code``
    for a single code). A billing code's own code is one of its rows.
``facts``
    ``id``, ``subject``, ``relation``, ``object``, ``jurisdictions`` and
    ``payers`` (lists; null means everywhere, any payer), ``valid_from`` and
    ``valid_until`` (dates), ``supervised`` (bool), ``reason``, ``strength``,
    ``note``, ``sources`` (list).
``sources``
    ``id``, ``title``, ``url``, ``quality``, ``note``.
``scope``
    :func:`scope_table` with its defaults: ``jurisdiction``, ``service``,
    ``profession``, ``independent`` (bool), ``facts`` (list of fact ids).
``billing``
    :func:`billing_table` with its defaults: ``payer``, ``code``,
    ``profession``, ``facts`` (list of fact ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._extras import missing
from .export._records import about, code_rows, extra_fields, plain
from .model import Entity, Fact, Kind

if TYPE_CHECKING:
    import pyarrow

    from .queries import Answer
    from .taxonomy import Ref, Taxonomy

__all__ = ["COLUMNS", "billing_table", "schema", "scope_table", "table"]

#: Each table's columns and their types, in order.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "entities": (
        ("id", "string"),
        ("kind", "string"),
        ("name", "string"),
        ("aliases", "list"),
        ("abbreviations", "list"),
        ("description", "string"),
        ("codes", "list"),
        ("sources", "list"),
        ("note", "string"),
        ("attributes", "map"),
    ),
    "codes": (
        ("entity", "string"),
        ("kind", "string"),
        ("system", "string"),
        ("code", "string"),
        ("low", "string"),
        ("high", "string"),
    ),
    "facts": (
        ("id", "string"),
        ("subject", "string"),
        ("relation", "string"),
        ("object", "string"),
        ("jurisdictions", "list"),
        ("payers", "list"),
        ("valid_from", "date"),
        ("valid_until", "date"),
        ("supervised", "bool"),
        ("reason", "string"),
        ("strength", "string"),
        ("note", "string"),
        ("sources", "list"),
    ),
    "sources": (
        ("id", "string"),
        ("title", "string"),
        ("url", "string"),
        ("quality", "string"),
        ("note", "string"),
    ),
    "scope": (
        ("jurisdiction", "string"),
        ("service", "string"),
        ("profession", "string"),
        ("independent", "bool"),
        ("facts", "list"),
    ),
    "billing": (
        ("payer", "string"),
        ("code", "string"),
        ("profession", "string"),
        ("facts", "list"),
    ),
}


def _arrow() -> Any:
    try:
        import pyarrow
    except ImportError as error:
        raise missing("pyarrow", "tables") from error
    return pyarrow


def schema(name: str) -> pyarrow.Schema:
    """The Arrow schema of the table called ``name`` (one of :data:`COLUMNS`).

    Raises
    ------
    ValueError
        For a name that is not a table.

    Examples
    --------
    >>> schema("scope").names
    ['jurisdiction', 'service', 'profession', 'independent', 'facts']
    """
    pa = _arrow()
    if name not in COLUMNS:
        raise ValueError(f"no table {name!r}; the tables are {', '.join(COLUMNS)}")
    types = {
        "string": pa.string(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
        "map": pa.map_(pa.string(), pa.string()),
    }
    return pa.schema([pa.field(column, types[type_]) for column, type_ in COLUMNS[name]])


def _build(tax: Taxonomy, name: str, rows: Iterable[Sequence[Any]]) -> pyarrow.Table:
    """A table of ``name``'s schema from rows of values in column order, with the view in its metadata."""
    pa = _arrow()
    columns = list(zip(*rows, strict=True)) or [() for _ in COLUMNS[name]]
    metadata = {key: value or "" for key, value in about(tax).items()}
    target = schema(name).with_metadata(metadata)
    return pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, target, strict=True)], schema=target
    )


def _listed(values: Iterable[str] | None) -> list[str] | None:
    return sorted(values) if values is not None else None


def _entity_rows(tax: Taxonomy) -> Iterable[tuple[Any, ...]]:
    for e in tax.entities():
        attributes = [
            (key, str(value).lower() if isinstance(value, bool) else str(value))
            for key, value in extra_fields(e).items()
        ]
        yield (
            e.id,
            e.kind.value,
            e.name,
            list(e.aliases),
            list(e.abbreviations),
            e.description,
            [str(code) for code in e.codes],
            list(e.sources),
            e.note,
            attributes,
        )


def _code_rows(tax: Taxonomy) -> Iterable[tuple[Any, ...]]:
    for entity, system, code in code_rows(tax):
        low, _, high = code.partition("-")
        yield (entity.id, entity.kind.value, system, code, low, high or low)


def _fact_row(fact: Fact) -> tuple[Any, ...]:
    return (
        fact.id,
        fact.subject,
        fact.relation.value,
        fact.object,
        _listed(fact.jurisdictions),
        _listed(fact.payers),
        fact.valid_from,
        fact.valid_until,
        fact.supervised,
        fact.reason,
        fact.strength,
        fact.note,
        list(fact.sources),
    )


def _source_rows(tax: Taxonomy) -> Iterable[tuple[Any, ...]]:
    return ((s.id, s.title, s.url, plain(s.quality), s.note) for s in tax.sources())


_RECORDS: dict[str, Callable[[Taxonomy], Iterable[tuple[Any, ...]]]] = {
    "entities": _entity_rows,
    "codes": _code_rows,
    "facts": lambda tax: (_fact_row(fact) for fact in tax.facts()),
    "sources": _source_rows,
}


def table(tax: Taxonomy, name: str) -> pyarrow.Table:
    """The table called ``name``: ``entities``, ``codes``, ``facts``, ``sources``, ``scope`` or ``billing``.

    ``scope`` and ``billing`` are :func:`scope_table` and :func:`billing_table`
    with their defaults. See the module's description for the columns.

    Raises
    ------
    ValueError
        For a name that is not a table.
    ImportError
        If pyarrow is not installed (the message names the extra to install).

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> codes = mht.load().table("codes").to_pylist()
    >>> [(row["system"], row["code"]) for row in codes if row["entity"] == "lcsw"]
    [('NUCC', '1041C0700X'), ('CMS-SPECIALTY', '80')]
    >>> [(row["low"], row["high"]) for row in codes if row["code"] == "F32.0-F32.5"]
    [('F32.0', 'F32.5')]
    """
    if name == "scope":
        return scope_table(tax)
    if name == "billing":
        return billing_table(tax)
    schema(name)  # an unknown name fails here, with the list of tables
    return _build(tax, name, _RECORDS[name](tax))


def _jurisdictions(tax: Taxonomy, jurisdictions: Iterable[Ref] | None) -> list[str]:
    if jurisdictions is None:
        if tax.context.jurisdiction is not None:
            return [tax.context.jurisdiction]
        return [j.id for j in tax.entities(Kind.JURISDICTION)]
    return [
        tax.where(jurisdiction=tax.get(ref).id if isinstance(ref, Entity) else ref).context.jurisdiction or ""
        for ref in jurisdictions
    ]


def _alike(tax: Taxonomy, jurisdictions: Sequence[str]) -> list[list[str]]:
    """``jurisdictions`` grouped by the facts limited to some places that hold in them.

    Two jurisdictions in which the same facts hold get the same answers, so each
    group is asked once. The groups keep the order of ``jurisdictions``.
    """
    limited = [fact for fact in tax.facts() if fact.jurisdictions is not None]
    groups: dict[frozenset[str], list[str]] = {}
    for place in jurisdictions:
        key = frozenset(fact.id for fact in limited if place in fact.jurisdictions)  # type: ignore[operator]
        groups.setdefault(key, []).append(place)
    return list(groups.values())


class _Proofs:
    """The fact ids that put each member into an answer, reusing a proof wherever all its facts hold.

    ``Answer.why`` is the costly part of a table of answers; the same member is
    usually proved by the same facts in many contexts, so a proof found once is
    kept and reused in every view where each of its facts holds.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, ...], tuple[Fact, ...]] = {}

    def of(self, holding: set[str], answer: Answer, member: str, *key: str) -> list[str]:
        """The proof of ``member`` in ``answer``, whose view's facts are the ids ``holding``."""
        known = self._known.get((*key, member))
        if known is None or not all(fact.id in holding for fact in known):
            known = self._known[(*key, member)] = answer.why(member).facts
        return [fact.id for fact in known]


def _holding(view: Taxonomy) -> set[str]:
    return {fact.id for fact in view.facts()}


def scope_table(
    tax: Taxonomy, services: Iterable[Ref] | None = None, jurisdictions: Iterable[Ref] | None = None
) -> pyarrow.Table:
    """Who may provide what, where: one row per (jurisdiction, service, profession).

    A row says that the profession may provide the service in the
    jurisdiction under the view's payer and date (what
    :meth:`~mhtaxonomy.taxonomy.Taxonomy.who_can_provide` answers in
    ``tax.where(jurisdiction=...)``); ``independent`` is whether it may do so
    on its own (``independently=True``), and ``facts`` lists the ids of the
    facts that prove it (without supervision when ``independent``). Groups of
    professions (*therapist*) have rows as in the answers.

    Parameters
    ----------
    tax:
        The taxonomy or a view; its payer and date apply.
    services:
        Services, modalities or billing codes (any reference); default every service.
    jurisdictions:
        Jurisdictions (any reference); default the view's jurisdiction if it
        has one, else every jurisdiction.

    Returns
    -------
    pyarrow.Table
        Columns ``jurisdiction``, ``service``, ``profession``, ``independent``,
        ``facts``, sorted in that order.

    Raises
    ------
    UnknownEntityError, WrongKindError
        For a reference that names nothing, or no service.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> rows = mht.load().scope_table(["prescribing"], ["NM", "TX"]).to_pylist()
    >>> sorted({row["jurisdiction"] for row in rows if row["profession"] == "prescribing-psychologist"})
    ['us-nm']
    """
    wanted = (
        [tax.get(ref).id for ref in services]
        if services is not None
        else [s.id for s in tax.entities(Kind.SERVICE)]
    )
    proofs = _Proofs()
    rows: list[tuple[Any, ...]] = []
    for group in _alike(tax, _jurisdictions(tax, jurisdictions)):
        view = tax.where(jurisdiction=group[0])
        holding = _holding(view)
        for service in wanted:
            anyhow = view.who_can_provide(service)
            alone = view.who_can_provide(service, independently=True)
            for member in anyhow.ids:
                independent = member in alone.ids
                facts = proofs.of(
                    holding, alone if independent else anyhow, member, service, str(independent)
                )
                rows.extend((place, service, member, independent, facts) for place in group)
    rows.sort(key=lambda row: row[:3])
    return _build(tax, "scope", rows)


def billing_table(
    tax: Taxonomy, codes: Iterable[Ref] | None = None, payers: Iterable[Ref] | None = None
) -> pyarrow.Table:
    """Who may bill what, per payer, on the view's date: one row per (payer, code, profession).

    A row says that :meth:`~mhtaxonomy.taxonomy.Taxonomy.who_can_bill` for the
    code in ``tax.where(payer=...)`` names the profession; ``facts`` lists the
    ids of the facts that prove it.

    Parameters
    ----------
    tax:
        The taxonomy or a view; its jurisdiction and date apply.
    codes:
        Billing codes (any reference); default every billing code.
    payers:
        Payers (any reference); default the view's payer if it has one, else every payer.

    Returns
    -------
    pyarrow.Table
        Columns ``payer``, ``code``, ``profession``, ``facts``, sorted in that order.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> rows = mht.load().where(on="2025-06-01").table("billing").to_pylist()
    >>> ("medicare", "cpt-90837", "lpc") in {(r["payer"], r["code"], r["profession"]) for r in rows}
    True
    """
    wanted = (
        [tax.get(ref).id for ref in codes]
        if codes is not None
        else [c.id for c in tax.entities(Kind.BILLING_CODE)]
    )
    if payers is None:
        chosen = [tax.context.payer] if tax.context.payer else [p.id for p in tax.entities(Kind.PAYER)]
    else:
        chosen = [
            tax.where(payer=tax.get(ref).id if isinstance(ref, Entity) else ref).context.payer or ""
            for ref in payers
        ]
    proofs = _Proofs()
    rows: list[tuple[Any, ...]] = []
    for payer in chosen:
        view = tax.where(payer=payer)
        holding = _holding(view)
        for code in wanted:
            answer = view.who_can_bill(code)
            rows.extend(
                (payer, code, member, proofs.of(holding, answer, member, code)) for member in answer.ids
            )
    rows.sort(key=lambda row: row[:3])
    return _build(tax, "billing", rows)
