"""Sphinx helpers for the mhtaxonomy docs.

- When the build starts, ``_generated/kinds.dot`` is drawn from the shipped
  data: one node per kind of record, one edge per pair of kinds that facts
  join, labelled with the relations and how many facts state each. ``concepts.md`` includes it with the
  ``graphviz`` directive, so the picture always matches the data.
- The ``mht-sources`` directive lists the sources the data cite, read from
  :meth:`mhtaxonomy.Taxonomy.sources` at build time: all of them, or those
  behind a few entities.
- The pictures of :mod:`mhtpictures` (profession tree, credential ladders,
  referral flow, session-length chart, state grid) are drawn into
  ``_generated/`` at the same time.
- The ``mht-glossary`` directive lists the field's abbreviations (LCSW, CPT,
  MHPAEA, ...) with what each stands for, read from the entities at build time.
- The blank line that ends each code block (pytest's doctest needs it to
  tell the expected output from the closing fence) is not shown.
- Names re-exported by the package (``mhtaxonomy.Taxonomy``) and names that
  the modules import only for type checking (``Taxonomy`` in ``queries.py``)
  resolve to where the API reference documents them: in their own module.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.ext.napoleon import NumpyDocstring
from sphinx.util.docutils import SphinxDirective

import mhtaxonomy as mht
import mhtpictures
from mhtaxonomy.load import SHIPPED_DATA

#: Classes users receive from the library but never build: their constructor is internal.
_NO_SIGNATURE = {"mhtaxonomy.taxonomy.Taxonomy", "mhtaxonomy.queries.Answer"}


def kinds_diagram(tax: mht.Taxonomy) -> str:
    """The Graphviz source of the kinds-and-relations diagram for ``tax``.

    One node per kind, labelled with its number of records (and, for kinds that
    also qualify facts or identify records, how many); one edge per pair of
    kinds that facts join, labelled with each relation and its number of facts.
    """
    records = Counter(entity.kind for entity in tax.entities())
    relations: dict[tuple[mht.Kind, mht.Kind], Counter[str]] = {}
    extra: Counter[mht.Kind] = Counter()
    for fact in tax.facts():
        ends = tax.get(fact.subject).kind, tax.get(fact.object).kind
        relations.setdefault(ends, Counter())[fact.relation.value] += 1
        extra[mht.Kind.JURISDICTION] += bool(fact.jurisdictions)
        extra[mht.Kind.PAYER] += bool(fact.payers)
        extra[mht.Kind.REFERRAL_REASON] += bool(fact.reason)
    coded = sum(1 for entity in tax.entities() if entity.codes or entity.kind is mht.Kind.BILLING_CODE)
    lines = [
        "digraph kinds {",
        "  graph [rankdir=LR, fontname=Helvetica, nodesep=0.5, ranksep=1.1];",
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname=Helvetica];',
        "  edge [fontname=Helvetica, fontsize=10];",
    ]
    for kind in mht.Kind:
        label = f"{kind.value.replace('_', ' ')}\\n{records[kind]} records"
        if extra[kind]:
            label += f"\\nqualifies {extra[kind]} facts"
        if kind is mht.Kind.CODE_SYSTEM:
            label += f"\\nidentifies {coded} records"
        lines.append(f'  {kind.value} [label="{label}"];')
    for (subject, obj), counts in sorted(relations.items(), key=lambda item: (item[0][0].value, item[0][1].value)):
        label = "\\n".join(f"{relation} ({count})" for relation, count in sorted(counts.items()))
        lines.append(f'  {subject.value} -> {obj.value} [label="{label}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _generate(app: Sphinx) -> None:
    folder = Path(app.srcdir) / "_generated"
    _write_if_changed(folder / "kinds.dot", kinds_diagram(mht.load()))
    mhtpictures.generate(mht.load(), folder, _write_if_changed)


class SourcesDirective(SphinxDirective):
    """``mht-sources``: the sources the shipped data cite, with links and grades.

    Without options, every source. With ``:about: REF; REF``, the sources
    that those entities and the facts about them cite; ``:also: ID ID`` adds
    sources by id (a seed article, for example).
    """

    has_content = False
    option_spec = {"about": directives.unchanged, "also": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        tax = mht.load()
        _note_data_dependency(self.env)
        if "about" in self.options or "also" in self.options:
            cited: dict[str, None] = {}
            for ref in filter(None, (part.strip() for part in self.options.get("about", "").split(";"))):
                entity = tax.get(ref)
                cited.update(dict.fromkeys(entity.sources))
                for fact in (*tax.facts(subject=entity), *tax.facts(object=entity)):
                    cited.update(dict.fromkeys(fact.sources))
            cited.update(dict.fromkeys(self.options.get("also", "").split()))
            sources = sorted((tax.source(source_id) for source_id in cited), key=lambda s: s.id)
        else:
            sources = tax.sources()
        listing = nodes.bullet_list()
        for source in sources:
            para = nodes.paragraph()
            para += nodes.strong(text=source.id)
            para += nodes.Text(f" {source.title}")
            if source.url:
                para += nodes.Text(" ")
                para += nodes.reference(text=source.url, refuri=source.url)
            para += nodes.Text(f" ({source.quality.value})")
            if source.note:
                para += nodes.Text(f". {source.note}")
            listing += nodes.list_item("", para)
        return [listing]


#: Kinds whose abbreviations are not the field's jargon (state postal codes).
_NOT_IN_GLOSSARY = {mht.Kind.JURISDICTION}


def glossary_entries(tax: mht.Taxonomy) -> list[tuple[str, mht.Entity]]:
    """Every abbreviation in ``tax`` with the entity it stands for, sorted by abbreviation."""
    entries = {
        (abbreviation, entity.id): entity
        for entity in tax.entities()
        if entity.kind not in _NOT_IN_GLOSSARY
        for abbreviation in entity.abbreviations
    }
    return [(abbreviation, entries[abbreviation, ref]) for abbreviation, ref in sorted(entries, key=lambda k: (k[0].casefold(), k))]


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


class GlossaryDirective(SphinxDirective):
    """``mht-glossary``: a definition list of the abbreviations the data know."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        _note_data_dependency(self.env)
        listing = nodes.definition_list(classes=["mht-glossary"])
        for abbreviation, entity in glossary_entries(mht.load()):
            term = nodes.term(text=abbreviation)
            term["ids"].append(nodes.make_id(f"abbr-{abbreviation}-{entity.id}"))
            body = nodes.paragraph()
            body += nodes.strong(text=entity.name)
            body += nodes.Text(f" ({entity.kind.value.replace('_', ' ')})")
            if entity.description:
                body += nodes.Text(f". {_first_sentence(entity.description)}")
            listing += nodes.definition_list_item("", term, nodes.definition("", body))
        return [listing]


def _note_data_dependency(env: Any) -> None:
    """Rebuild the page that called this when the shipped data change."""
    for path in sorted(Path(str(SHIPPED_DATA)).rglob("*.toml")):
        env.note_dependency(str(path))


def _trim_code_blocks(app: Sphinx, doctree: nodes.document) -> None:
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if text.endswith("\n") and len(block.children) == 1 and isinstance(block[0], nodes.Text):
            block.replace(block[0], nodes.Text(text.rstrip("\n")))
            block.rawsource = block.rawsource.rstrip("\n")


def _canonical(target: str) -> str | None:
    """Where the API reference documents ``target``, if it is an alias."""
    head, _, rest = target.removeprefix("mhtaxonomy.").partition(".")
    if target.startswith("mhtaxonomy.") or "." not in target:
        if head in mht.__all__ and hasattr(mht, head):
            module = getattr(getattr(mht, head), "__module__", None)
            if module and module != "mhtaxonomy":
                return ".".join(part for part in (module, head, rest) if part)
    return None


def _resolve_alias(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "py":
        return None
    target = _canonical(node["reftarget"])
    if target is None or target == node["reftarget"]:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], target, node, contnode)


def _numpy_docstring(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """Read docstrings as napoleon's numpy style does, but keep a property's first line a sentence.

    Napoleon reads ``"The frozen graph: one node per entity"`` on a property
    as a type (``The frozen graph``) and a description; our property docstrings
    are plain sentences, so they are read like a method's.
    """
    if what == "property":
        what = "method"
    lines[:] = NumpyDocstring(lines, app.config, app, what, name, obj, options).lines()


def _signature(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, signature: str | None, annotation: str | None
) -> tuple[str | None, str | None] | None:
    if what == "class" and name in _NO_SIGNATURE:
        return "", annotation
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.napoleon")
    app.setup_extension("mhtcompare")
    app.setup_extension("mhtexplorer")
    app.add_css_file("mhtdocs.css")
    app.connect("autodoc-process-docstring", _numpy_docstring)
    app.connect("autodoc-process-signature", _signature)
    app.connect("builder-inited", _generate)
    app.connect("doctree-read", _trim_code_blocks)
    app.connect("missing-reference", _resolve_alias)
    app.add_directive("mht-sources", SourcesDirective)
    app.add_directive("mht-glossary", GlossaryDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
