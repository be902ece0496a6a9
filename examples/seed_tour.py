"""A reader's tour of the five seed comparisons, answered from the data.

Who it is for: readers who want to understand how US mental-health care is
organised (who does what, what needs a diagnosis, what insurers pay for) and
would rather see the answers than read the code.

The project started from five short articles, each setting two things side by
side. For each, this script asks the taxonomy to compare the pair and prints
what the two share, where they differ, and the sources behind the comparison,
in plain sentences. Run::

    python examples/seed_tour.py
"""

from __future__ import annotations

from typing import Any

import mhtaxonomy as mht

#: (seed source id, the question, the two references to compare)
TOUR = (
    ("SEED-000", "Is 'therapy' the same as psychotherapy?", "therapy", "psychotherapy"),
    ("SEED-001", "How does coaching differ from therapy (psychotherapy)?", "coaching", "psychotherapy"),
    ("SEED-002", "Is psychotherapy part of psychiatry?", "psychiatrist", "LCSW"),
    ("SEED-003", "How do a therapist and a psychiatrist differ?", "therapist", "psychiatrist"),
    ("SEED-004", "How do psychotherapy and medication management differ?", "psychotherapy", "medication management"),
)

#: Aspects worth a sentence each, in the order a reader would ask about them.
ASPECTS = (
    "health care",
    "requires diagnosis",
    "reimbursable",
    "can provide Diagnosis of mental disorders",
    "can provide Psychotherapy",
    "can provide Prescribing medication",
    "can provide Ordering medical tests",
    "who provides on their own",
    "modalities and practices",
    "degree requirements",
    "exam requirements",
    "experience requirements",
    "refers to the other for",
)


def show(value: Any, limit: int = 6) -> str:
    """A value as words: yes/no, or a short list with a count of the rest."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        items = sorted(value)
        if not items:
            return "none"
        more = f" and {len(items) - limit} more" if len(items) > limit else ""
        return ", ".join(items[:limit]) + more
    return "-" if value is None else str(value)


def sources_behind(tax: mht.Taxonomy, *refs: str) -> list[mht.Source]:
    """The sources that the entities and the facts about them cite."""
    cited: dict[str, None] = {}
    for ref in refs:
        entity = tax.get(ref)
        cited.update(dict.fromkeys(entity.sources))
        for fact in (*tax.facts(subject=entity), *tax.facts(object=entity)):
            cited.update(dict.fromkeys(fact.sources))
    return sorted((tax.source(source_id) for source_id in cited), key=lambda source: source.id)


def tour_stop(tax: mht.Taxonomy, seed: str, question: str, a: str, b: str) -> None:
    comparison = tax.compare(a, b)
    left, right = comparison.a.name, comparison.b.name
    print(f"{question}  [{seed}: {tax.source(seed).title}]")
    print(f"  Comparing {left} with {right}.")
    aspects = [row.aspect for row in comparison.rows]
    for aspect in ASPECTS:
        if aspect not in aspects:
            continue
        row = comparison.row(aspect)
        if row.same and isinstance(row.a, bool):
            print(f"  - {aspect}: {show(row.a)} for both")
        elif not row.same:
            print(f"  - {aspect}: {left}: {show(row.a)}; {right}: {show(row.b)}")
    sources = sources_behind(tax, a, b)
    grades = {}
    for source in sources:
        grades[source.quality.value] = grades.get(source.quality.value, 0) + 1
    primary = [source.id for source in sources if source.quality is mht.SourceQuality.PRIMARY]
    print(f"  Sources: {len(sources)} ({', '.join(f'{n} {grade}' for grade, n in sorted(grades.items()))});"
          f" primary ones include {show(frozenset(primary), limit=4)}.")
    print()


def main() -> int:
    tax = mht.load()
    print(f"mhtaxonomy data {tax.data_version} (as of {tax.as_of.isoformat()})\n")
    for seed, question, a, b in TOUR:
        tour_stop(tax, seed, question, a, b)
    print("These answers describe the curated data; they are not legal, billing or clinical advice.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
