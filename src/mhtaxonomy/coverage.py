"""How completely the state layer answers the core licensing questions.

For every state and DC, and for each core licence (counselor, clinical and
master's social worker, marriage and family therapist, psychologist), a cell says
whether the data answer a question (the licence title, the pre-licensure tier,
the national exam, the supervised experience) with a fact that names the
jurisdiction (*sourced*), say explicitly that no source answers it (*unknown*:
a ``requires`` fact to one of the ``state-...-not-sourced`` markers), or say
nothing at all (*missing*). A nationwide fact never answers for a state: the
point is to see where the state's own rule is recorded.

Assumptions: the title is what :meth:`~mhtaxonomy.Taxonomy.titles` answers; the
tier, exam and experience are reached by following state-specific ``requires``
facts from the state's title licences (and the nationwide licence they stand
for), so an experience that requires an associate licence puts that licence in
the tier column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from .model import Credential, CredentialType, Fact, JurisdictionType, Kind, Relation
from .queries import UNKNOWN_TITLE

if TYPE_CHECKING:
    from .taxonomy import Taxonomy

__all__ = ["PROFESSIONS", "QUESTIONS", "STATUSES", "Cell", "Coverage", "coverage"]

#: The core licences, by profession id, and the nationwide licence each state's title stands for.
PROFESSIONS: dict[str, str] = {
    "lpc": "professional-counselor-license",
    "lcsw": "clinical-social-work-license",
    "lmsw": "master-social-work-license",
    "lmft": "mft-license",
    "psychologist": "psychology-license",
}

#: The questions asked of each licence (the master's social work licence is itself social work's tier).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "lpc": ("title", "tier", "exam", "experience"),
    "lcsw": ("title", "exam", "experience"),
    "lmsw": ("title", "exam"),
    "lmft": ("title", "tier", "exam", "experience"),
    "psychologist": ("title", "tier", "exam", "experience"),
}

#: What a cell can say, best first.
STATUSES = ("sourced", "unknown", "missing")

_MARKERS = {
    "title": UNKNOWN_TITLE,
    "tier": "state-pre-licensure-tier-not-sourced",
    "exam": "state-exam-not-sourced",
    "experience": "state-supervised-experience-not-sourced",
}
_NO_TIER = "no-state-associate-licence"
_NO_EXAM = "no-state-exam"
_TIER = "associate-registration"


@attrs.frozen(kw_only=True)
class Cell:
    """One jurisdiction's answer to one question about one licence.

    ``answer`` holds the ids of the entities that answer it (empty unless
    sourced); ``facts`` the facts behind the status, whose ``sources`` they cite.
    """

    jurisdiction: str
    profession: str
    question: str
    status: str
    answer: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The source ids the facts behind this cell cite, in order, without repeats."""
        return tuple(dict.fromkeys(source for fact in self.facts for source in fact.sources))

    def to_dict(self) -> dict[str, Any]:
        """A plain row: jurisdiction, profession, question, status, answer, sources."""
        return {
            "jurisdiction": self.jurisdiction,
            "profession": self.profession,
            "question": self.question,
            "status": self.status,
            "answer": list(self.answer),
            "sources": list(self.sources),
        }


@attrs.frozen(kw_only=True)
class Coverage:
    """Every cell of the coverage grid; iterate for the cells, ``rows()`` for plain dicts.

    ``str()`` renders the grid: one line per jurisdiction, one column per
    licence and question, ``S`` sourced, ``?`` unknown, ``.`` missing.
    """

    cells: tuple[Cell, ...]

    def __iter__(self) -> Iterator[Cell]:
        return iter(self.cells)

    def __len__(self) -> int:
        return len(self.cells)

    def rows(self) -> list[dict[str, Any]]:
        """The cells as plain Python rows (one dict each), ready for any table library."""
        return [cell.to_dict() for cell in self.cells]

    def counts(self) -> dict[str, int]:
        """How many cells have each status."""
        found = dict.fromkeys(STATUSES, 0)
        for cell in self.cells:
            found[cell.status] += 1
        return found

    def share(self, status: str = "sourced") -> float:
        """The fraction of cells with ``status`` (0.0 for an empty grid)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        return self.counts()[status] / len(self.cells) if self.cells else 0.0

    def cell(self, jurisdiction: str, profession: str, question: str) -> Cell:
        """The cell for one jurisdiction id, profession id and question."""
        for cell in self.cells:
            if (cell.jurisdiction, cell.profession, cell.question) == (jurisdiction, profession, question):
                return cell
        raise KeyError(f"no cell for {jurisdiction!r}, {profession!r}, {question!r}")

    def __str__(self) -> str:
        columns = [(p, q) for p, questions in QUESTIONS.items() for q in questions]
        marks = {"sourced": "S", "unknown": "?", "missing": "."}
        grid: dict[str, dict[tuple[str, str], str]] = {}
        for cell in self.cells:
            grid.setdefault(cell.jurisdiction, {})[cell.profession, cell.question] = marks[cell.status]
        header = " ".join(f"{p}:{q}" for p, q in columns)
        lines = [f"{'':6} {header}"]
        for place, row in grid.items():
            lines.append(f"{place:6} " + " ".join(row.get(c, " ").center(len(f"{c[0]}:{c[1]}")) for c in columns))
        counts = self.counts()
        lines.append(
            f"{len(self.cells)} cells: {counts['sourced']} sourced ({self.share():.1%}), "
            f"{counts['unknown']} unknown, {counts['missing']} missing"
        )
        return "\n".join(lines)


def _state_facts(view: Taxonomy, starts: list[str], place: str) -> list[Fact]:
    """The ``requires`` facts naming ``place`` reachable from ``starts``, breadth first."""
    seen, found, frontier = set(starts), [], list(starts)
    while frontier:
        following = []
        for node in frontier:
            for fact in view._out(node, Relation.REQUIRES):
                if fact.jurisdictions and place in fact.jurisdictions:
                    found.append(fact)
                    if fact.object not in seen:
                        seen.add(fact.object)
                        following.append(fact.object)
        frontier = following
    return found


def _answers(view: Taxonomy, fact: Fact, question: str) -> bool:
    target = view._entity(fact.object)
    if question == "tier":
        return target.id == _NO_TIER or (
            isinstance(target, Credential) and _TIER in view.broader(target).ids
        )
    if question == "exam" and target.id == _NO_EXAM:
        return True
    wanted = CredentialType.EXAM if question == "exam" else CredentialType.EXPERIENCE
    return isinstance(target, Credential) and target.type is wanted


def _cells(tax: Taxonomy, place: str, profession: str) -> Iterator[Cell]:
    view = tax.where(jurisdiction=place)
    titles = view.titles(profession)
    national = PROFESSIONS[profession]
    licences = [national, *(t for t in titles.ids if t != UNKNOWN_TITLE and national in view.broader(t).ids)]
    reached = _state_facts(view, licences, place)
    for question in QUESTIONS[profession]:
        answer: tuple[str, ...]
        facts: tuple[Fact, ...]
        if question == "title":
            holdings = tuple(
                fact
                for fact in view.facts(profession, Relation.HOLDS)
                if fact.object in titles.ids and fact.jurisdictions and place in fact.jurisdictions
            )
            if UNKNOWN_TITLE in titles.ids:
                status, answer, facts = "unknown", (), titles.why(UNKNOWN_TITLE).facts
            elif holdings:
                status, answer, facts = "sourced", tuple(sorted(titles.ids)), holdings
            else:
                status, answer, facts = "missing", (), ()
        else:
            answering = tuple(f for f in reached if _answers(view, f, question))
            unknown = tuple(f for f in reached if f.object == _MARKERS[question])
            if answering:
                status, answer, facts = "sourced", tuple(sorted({f.object for f in answering})), answering
            elif unknown:
                status, answer, facts = "unknown", (), unknown
            else:
                status, answer, facts = "missing", (), ()
        yield Cell(jurisdiction=place, profession=profession, question=question, status=status, answer=answer, facts=facts)


def coverage(tax: Taxonomy) -> Coverage:
    """The coverage grid for the 50 states and DC, at the view's date.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> grid = mht.load().coverage()
    >>> grid.counts()["missing"]
    0
    >>> grid.cell("us-wa", "lcsw", "title").answer
    ('licsw-license',)
    """
    places = [
        place.id
        for place in tax.entities(Kind.JURISDICTION)
        if getattr(place, "type", None) in (JurisdictionType.STATE, JurisdictionType.DISTRICT)
    ]
    return Coverage(cells=tuple(cell for place in places for profession in PROFESSIONS for cell in _cells(tax, place, profession)))
