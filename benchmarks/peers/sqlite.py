"""SQLite (standard library): recursive CTEs over the pre-filtered facts, indexed both ways."""

from __future__ import annotations

import sqlite3

import mhtaxonomy as mht

from . import DIAGNOSIS, group_members, rows, with_groups
from .sql import NARROWER, REQUIRES_DIAGNOSIS, WHO_CAN_PROVIDE

__all__ = ["Peer"]


class Peer:
    """An in-memory SQLite database of one view's facts."""

    name = "SQLite recursive CTE"

    def __init__(self, view: mht.Taxonomy) -> None:
        facts, entities = rows(view)
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE TABLE facts (subject TEXT, relation TEXT, object TEXT)")
        self.db.execute("CREATE TABLE entities (id TEXT PRIMARY KEY, kind TEXT, grp INTEGER)")
        self.db.executemany("INSERT INTO facts VALUES (?, ?, ?)", facts)
        self.db.executemany("INSERT INTO entities VALUES (?, ?, ?)", entities)
        self.db.execute("CREATE INDEX by_object ON facts (object, relation, subject)")
        self.db.execute("CREATE INDEX by_subject ON facts (subject, relation, object)")
        self.db.execute("ANALYZE")
        self.members = group_members(facts, entities)

    def _ids(self, sql: str, *args: str) -> frozenset[str]:
        return frozenset(row[0] for row in self.db.execute(sql, args))

    def narrower(self, entity: str) -> frozenset[str]:
        return self._ids(NARROWER, entity) - {entity}

    def who_can_provide(self, service: str) -> frozenset[str]:
        return with_groups(self._ids(WHO_CAN_PROVIDE, service), self.members)

    def what_requires_diagnosis(self) -> frozenset[str]:
        return self._ids(REQUIRES_DIAGNOSIS, DIAGNOSIS, DIAGNOSIS)
