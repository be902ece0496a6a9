"""Summary tables for the comparison pages, computed from ``Taxonomy.compare`` at build time.

``mht-compare`` (options ``:a:`` and ``:b:``, two references) draws the
comparison as a table: one row per aspect, a yes/no mark for a yes-or-no
aspect, a count and the first names for a list. Every cell links to its entry
in ``mht-compare-facts``, which, placed further down the same page, lists the
facts behind each cell (their ids, in words, and their sources) and the
sources in full.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

import mhtaxonomy as mht

__all__ = ["Cell", "cells", "cell_facts"]

#: How many names a list cell shows before "…" (the facts section has them all).
_SHOWN = 3
_TEMP_KEY = "mht-compare"

Cell = tuple[str, str, Any, tuple[mht.Fact, ...]]
"""(aspect, side "a" or "b", value, facts behind the value)."""


def _answer_for(tax: mht.Taxonomy, entity: mht.Entity, other: mht.Entity, aspect: str) -> mht.Answer | None:
    """The answer a list-valued aspect of ``compare`` is made of, if it is one."""
    answers: dict[str, Callable[[], mht.Answer]] = {
        "who provides": lambda: tax.who_can_provide(entity),
        "who provides on their own": lambda: tax.who_can_provide(entity, independently=True),
        "broader": lambda: tax.broader(entity),
        "kinds of": lambda: tax.broader(entity),
        "services": lambda: tax.what_can_provide(entity),
        "services on their own": lambda: tax.what_can_provide(entity, independently=True),
        "refers to the other for": lambda: tax.referral_reasons(entity, other),
    }
    if aspect.endswith(" requirements"):
        return tax.requirements_for(entity)
    return answers[aspect]() if aspect in answers else None


def _explained(answer: mht.Answer, names: Iterable[str]) -> list[mht.Fact]:
    wanted = set(names)
    return [fact for member in answer if member.name in wanted for fact in answer.why(member)]


def _touching(tax: mht.Taxonomy, entity: mht.Entity, names: Iterable[str], relation: str | None = None) -> list[mht.Fact]:
    """Facts joining ``entity`` (or what it is made of) to a record named in ``names``."""
    wanted = set(names)
    named = [e for e in tax.entities() if e.name in wanted]
    found = []
    for other in named:
        found += [f for f in tax.facts(subject=other, relation=relation) if relation or f.object == entity.id]
        found += [f for f in tax.facts(object=other, relation=relation) if relation or f.subject == entity.id]
    return found


def cell_facts(tax: mht.Taxonomy, entity: mht.Entity, other: mht.Entity, aspect: str, value: Any) -> tuple[mht.Fact, ...]:
    """The facts behind one cell of ``tax.compare``: what makes ``value`` true of ``entity``.

    A "no", an empty list or a plain label rests on no fact (the cell then
    cites the entity's record instead).
    """
    facts: list[mht.Fact] = []
    if value is True and aspect == "requires diagnosis":
        facts = list(tax.what_requires_diagnosis().why(entity))
    elif value is True and aspect.startswith("can provide "):
        facts = _explained(tax.what_can_provide(entity), [aspect.removeprefix("can provide ")])
    elif value is True and aspect == "reimbursable":
        facts = _touching(tax, entity, tax.compare(entity, entity).row("billing codes").a, "bills")
    elif isinstance(value, frozenset) and value:
        answer = _answer_for(tax, entity, other, aspect)
        if answer is not None:
            facts = _explained(answer, value)
        elif aspect == "billing codes":
            facts = _touching(tax, entity, value, "bills")
        elif aspect == "first line for":
            facts = [f for f in _touching(tax, entity, value, "first_line_for") if f.object in _ids(tax, value)]
        else:
            facts = _touching(tax, entity, value)
    return tuple(dict.fromkeys(facts))


def _ids(tax: mht.Taxonomy, names: Iterable[str]) -> set[str]:
    wanted = set(names)
    return {e.id for e in tax.entities() if e.name in wanted}


def cells(tax: mht.Taxonomy, a: mht.Ref, b: mht.Ref) -> tuple[mht.Comparison, list[Cell]]:
    """The comparison of ``a`` and ``b`` and, for each of its cells, the facts behind it."""
    comparison = tax.compare(a, b)
    found: list[Cell] = []
    for row in comparison.rows:
        for side, entity, other, value in (("a", comparison.a, comparison.b, row.a), ("b", comparison.b, comparison.a, row.b)):
            found.append((row.aspect, side, value, cell_facts(tax, entity, other, row.aspect, value)))
    return comparison, found


def _anchor(aspect: str, side: str) -> str:
    return "facts-" + re.sub(r"[^a-z0-9]+", "-", aspect.lower()).strip("-") + f"-{side}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "✓ yes" if value else "✗ no"
    if isinstance(value, frozenset):
        if not value:
            return "✗ none"
        names = sorted(value, key=str.casefold)
        more = "; …" if len(names) > _SHOWN else ""
        return f"{len(names)}: " + "; ".join(names[:_SHOWN]) + more
    return "-" if value is None else str(value)


def _table(comparison: mht.Comparison, found: list[Cell]) -> nodes.table:
    by_cell = {(aspect, side): (value, facts) for aspect, side, value, facts in found}
    table = nodes.table(classes=["mht-compare"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (30, 35, 35):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += _row([nodes.Text(""), nodes.Text(comparison.a.name), nodes.Text(comparison.b.name)])
    body = nodes.tbody()
    group += body
    for row in comparison.rows:
        entries: list[nodes.Node] = [nodes.Text(row.aspect)]
        for side in ("a", "b"):
            value, _ = by_cell[row.aspect, side]
            entries.append(nodes.reference("", _show(value), refid=_anchor(row.aspect, side), classes=["mht-cell"]))
        body += _row(entries, same=row.same)
    return table


def _row(entries: list[nodes.Node], same: bool | None = None) -> nodes.row:
    row = nodes.row(classes=[] if same is None else ["mht-same" if same else "mht-differ"])
    for content in entries:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", content)
        row += entry
    return row


class CompareDirective(SphinxDirective):
    """``mht-compare``: the summary table of ``tax.compare(a, b)``."""

    has_content = False
    option_spec = {"a": directives.unchanged_required, "b": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        from mhtdocs import _note_data_dependency

        _note_data_dependency(self.env)
        comparison, found = cells(mht.load(), self.options["a"], self.options["b"])
        self.env.temp_data[_TEMP_KEY] = (comparison, found)
        intro = nodes.paragraph(
            text=f"{comparison.a.name} and {comparison.b.name}, aspect by aspect, as the data answer today. "
            "Each cell links to the facts behind it, at the end of the page."
        )
        return [intro, _table(comparison, found)]


class CompareFactsDirective(SphinxDirective):
    """``mht-compare-facts``: the facts behind each cell of the page's ``mht-compare`` table."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        if _TEMP_KEY not in self.env.temp_data:
            raise self.error("mht-compare-facts needs an mht-compare table earlier on the same page")
        comparison, found = self.env.temp_data[_TEMP_KEY]
        tax = mht.load()
        names = {entity.id: entity.name for entity in tax.entities()}
        cited: dict[str, None] = {}
        result: list[nodes.Node] = []
        for aspect, side, value, facts in found:
            entity = comparison.a if side == "a" else comparison.b
            para = nodes.paragraph(ids=[_anchor(aspect, side)], classes=["mht-facts-cell"])
            para += nodes.strong(text=f"{entity.name}, {aspect}: {_show(value) if not isinstance(value, frozenset) else ''}")
            if isinstance(value, frozenset) and value:
                para += nodes.Text("; ".join(sorted(value, key=str.casefold)) + ".")
            result.append(para)
            if facts:
                listing = nodes.bullet_list()
                for fact in facts:
                    cited.update(dict.fromkeys(fact.sources))
                    item = nodes.paragraph()
                    item += nodes.literal(text=fact.id)
                    item += nodes.Text(
                        f": {names[fact.subject]} {fact.relation.phrase} {names[fact.object]}"
                        f" [{', '.join(fact.sources)}]"
                    )
                    listing += nodes.list_item("", item)
                result.append(listing)
            else:
                cited.update(dict.fromkeys(entity.sources))
                result.append(
                    nodes.paragraph(
                        text=f"No fact states this: it is read from the record of {entity.name} "
                        f"[{', '.join(entity.sources)}] and from the absence of facts that would say otherwise."
                    )
                )
        sources = nodes.bullet_list()
        for source_id in sorted(cited):
            source = tax.source(source_id)
            item = nodes.paragraph()
            item += nodes.strong(text=source.id)
            item += nodes.Text(f" {source.title}")
            if source.url:
                item += nodes.Text(" ")
                item += nodes.reference(text=source.url, refuri=source.url)
            sources += nodes.list_item("", item)
        result += [nodes.paragraph(text="The sources these facts cite:"), sources]
        return result


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("mht-compare", CompareDirective)
    app.add_directive("mht-compare-facts", CompareFactsDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
