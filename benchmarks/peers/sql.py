"""The questions as recursive SQL, shared by the SQLite and DuckDB peers."""

from __future__ import annotations

__all__ = ["NARROWER", "REQUIRES_DIAGNOSIS", "WHO_CAN_PROVIDE"]

NARROWER = """
WITH RECURSIVE down(node) AS (
    SELECT ?
    UNION
    SELECT f.subject FROM facts f JOIN down ON f.object = down.node WHERE f.relation = 'is_a'
)
SELECT node FROM down
"""

WHO_CAN_PROVIDE = """
WITH RECURSIVE up(node) AS (
    SELECT ?
    UNION
    SELECT f.object FROM facts f JOIN up ON f.subject = up.node WHERE f.relation = 'is_a'
),
down(node) AS (
    SELECT h.subject FROM up
    JOIN facts a ON a.object = up.node AND a.relation = 'authorizes'
    JOIN facts h ON h.object = a.subject AND h.relation = 'holds'
    UNION
    SELECT f.subject FROM facts f JOIN down ON f.object = down.node WHERE f.relation = 'is_a'
)
SELECT node FROM down
"""

REQUIRES_DIAGNOSIS = """
WITH RECURSIVE needs(node) AS (
    SELECT f.subject FROM facts f JOIN entities e ON e.id = f.subject
    WHERE f.relation = 'requires' AND f.object = ? AND e.kind = 'service'
    UNION
    SELECT f.subject FROM facts f JOIN needs ON f.object = needs.node WHERE f.relation = 'is_a'
),
up(modality, node) AS (
    SELECT id, id FROM entities WHERE kind = 'modality'
    UNION
    SELECT up.modality, f.object FROM facts f JOIN up ON f.subject = up.node WHERE f.relation = 'is_a'
),
linked(entity, service) AS (
    SELECT up.modality, f.object FROM up JOIN facts f ON f.subject = up.node AND f.relation = 'form_of'
    UNION
    SELECT subject, object FROM facts WHERE relation = 'bills'
)
SELECT subject FROM facts WHERE relation = 'requires' AND object = ?
UNION
SELECT node FROM needs
UNION
SELECT entity FROM linked
GROUP BY entity
HAVING SUM(CASE WHEN service IN (SELECT node FROM needs) THEN 0 ELSE 1 END) = 0
"""
