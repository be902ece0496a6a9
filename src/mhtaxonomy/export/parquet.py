"""Parquet: the Arrow tables of :mod:`mhtaxonomy.tables`, one file each in a folder.

Needs pyarrow (``pip install "mhtaxonomy[tables]"``).

The folder holds ``entities.parquet``, ``codes.parquet``, ``facts.parquet``,
``sources.parquet``, ``scope.parquet`` and ``billing.parquet``, readable by
DuckDB (``SELECT * FROM 'folder/facts.parquet'``), pandas, Polars, R's arrow
and Spark.
"""

from __future__ import annotations

import pathlib
from typing import TYPE_CHECKING

from .._extras import missing
from ..tables import COLUMNS, table

if TYPE_CHECKING:
    from ..taxonomy import Taxonomy

__all__ = ["write"]


def write(tax: Taxonomy, folder: str | pathlib.Path) -> list[pathlib.Path]:
    """Write every table of ``tax`` (a taxonomy or a view) into ``folder`` as ``NAME.parquet``.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ImportError
        If pyarrow is not installed (the message names the extra to install).
    """
    try:
        import pyarrow.parquet as pq
    except ImportError as error:
        raise missing("pyarrow", "tables") from error
    target = pathlib.Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name in COLUMNS:
        path = target / f"{name}.parquet"
        pq.write_table(table(tax, name), path)
        written.append(path)
    return written
