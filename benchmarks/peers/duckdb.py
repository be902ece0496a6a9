"""DuckDB: the same recursive SQL as the SQLite peer (``pip install "mhtaxonomy[bench]"``)."""

from __future__ import annotations

import mhtaxonomy as mht

from . import DIAGNOSIS, group_members, rows, with_groups
from .sql import NARROWER, REQUIRES_DIAGNOSIS, WHO_CAN_PROVIDE

__all__ = ["Peer"]


class Peer:
    """An in-memory DuckDB database of one view's facts."""

    name = "DuckDB recursive CTE"

    def __init__(self, view: mht.Taxonomy) -> None:
        import duckdb

        facts, entities = rows(view)
        self.db = duckdb.connect(":memory:")
        self.db.execute("CREATE TABLE facts (subject VARCHAR, relation VARCHAR, object VARCHAR)")
        self.db.execute("CREATE TABLE entities (id VARCHAR PRIMARY KEY, kind VARCHAR, grp BOOLEAN)")
        self.db.executemany("INSERT INTO facts VALUES (?, ?, ?)", facts)
        self.db.executemany("INSERT INTO entities VALUES (?, ?, ?)", entities)
        self.members = group_members(facts, entities)

    def _ids(self, sql: str, *args: str) -> frozenset[str]:
        return frozenset(row[0] for row in self.db.execute(sql, list(args)).fetchall())

    def narrower(self, entity: str) -> frozenset[str]:
        return self._ids(NARROWER, entity) - {entity}

    def who_can_provide(self, service: str) -> frozenset[str]:
        return with_groups(self._ids(WHO_CAN_PROVIDE, service), self.members)

    def what_requires_diagnosis(self) -> frozenset[str]:
        return self._ids(REQUIRES_DIAGNOSIS, DIAGNOSIS, DIAGNOSIS)
