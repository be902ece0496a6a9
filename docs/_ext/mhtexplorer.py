"""The data and the graph library of the explorer page, put into the built site.

At the end of an HTML build, :func:`explorer_data` asks the public API every
question the explorer offers (who can provide each service and modality,
what requires a diagnosis, the comparisons of the comparison pages) and keeps,
for each member of each answer, the ids of the facts its ``why()`` gives; with
the entities, facts and sources they mention, that is written to
``_static/explorer-data.js`` (JSON assigned to ``window.MHT_EXPLORER``, so
the page also works from a file on disk, with no server). cytoscape.js is
copied from ``docs/node_modules`` (``npm ci --prefix docs``), so the page
works offline; the build fails with that command when it is missing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

import mhtaxonomy as mht

__all__ = ["COMPARED", "CYTOSCAPE", "explorer_data"]

#: The pairs the explorer compares: those of the comparison pages.
COMPARED = (
    ("therapy", "psychotherapy"),
    ("coaching", "psychotherapy"),
    ("psychiatrist", "LCSW"),
    ("therapist", "psychiatrist"),
    ("psychotherapy", "medication management"),
)
#: cytoscape.js as npm installs it, relative to the docs folder.
CYTOSCAPE = Path("node_modules") / "cytoscape" / "dist" / "cytoscape.min.js"


def _answer(answer: mht.Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "members": {member.id: [fact.id for fact in answer.why(member)] for member in answer},
    }


def _compared(tax: mht.Taxonomy, a: str, b: str) -> dict[str, Any]:
    from mhtcompare import cells

    comparison, found = cells(tax, a, b)
    facts = list(dict.fromkeys(fact.id for *_, cell in found for fact in cell))
    return {
        "question": f"{comparison.a.name} compared with {comparison.b.name}",
        "members": {comparison.a.id: [], comparison.b.id: []},
        "facts": facts,
    }


def explorer_data(tax: mht.Taxonomy) -> dict[str, Any]:
    """Everything the explorer page shows, as JSON-ready data.

    Returns a mapping with ``questions`` (``who-can-provide`` by entity id,
    ``requires-diagnosis``, ``compare`` by ``"a|b"``; each an answer with its
    members and the fact ids behind each), ``entities``, ``facts`` and
    ``sources`` (only those the answers use).
    """
    offered = [*tax.entities(mht.Kind.SERVICE), *tax.entities(mht.Kind.MODALITY)]
    questions: dict[str, dict[str, Any]] = {
        "who-can-provide": {entity.id: _answer(tax.who_can_provide(entity)) for entity in offered},
        "requires-diagnosis": {"all": _answer(tax.what_requires_diagnosis())},
        "compare": {f"{tax.get(a).id}|{tax.get(b).id}": _compared(tax, a, b) for a, b in COMPARED},
    }
    used: dict[str, None] = {}
    for answers in questions.values():
        for answer in answers.values():
            used.update(dict.fromkeys(answer.get("facts", ())))
            for fact_ids in answer["members"].values():
                used.update(dict.fromkeys(fact_ids))
    facts = {fact.id: fact for fact in tax.facts() if fact.id in used}
    refs = {ref for fact in facts.values() for ref in (fact.subject, fact.object)}
    refs |= {member for answers in questions.values() for answer in answers.values() for member in answer["members"]}
    refs |= {entity.id for entity in offered}
    entities = {entity.id: entity for entity in tax.entities() if entity.id in refs}
    cited = {s for fact in facts.values() for s in fact.sources} | {s for e in entities.values() for s in e.sources}
    return {
        "questions": questions,
        "entities": {
            ref: {
                "name": e.name,
                "kind": e.kind.value,
                "description": e.description,
                "abbreviations": list(e.abbreviations),
                "sources": list(e.sources),
            }
            for ref, e in sorted(entities.items())
        },
        "facts": {
            ref: {
                "subject": f.subject,
                "relation": f.relation.value,
                "object": f.object,
                "sources": list(f.sources),
                "jurisdictions": sorted(f.jurisdictions) if f.jurisdictions else None,
                "supervised": f.supervised,
                "note": f.note,
            }
            for ref, f in sorted(facts.items())
        },
        "sources": {
            s.id: {"title": s.title, "url": s.url, "quality": s.quality.value}
            for s in tax.sources()
            if s.id in cited
        },
    }


def _check_library(app: Sphinx) -> None:
    if app.builder.format == "html" and not (Path(app.srcdir) / CYTOSCAPE).is_file():
        raise ExtensionError(
            f"the explorer page needs cytoscape.js at docs/{CYTOSCAPE.as_posix()}: "
            "run `npm ci --prefix docs` (it installs the version pinned in docs/package-lock.json)"
        )


def _write(app: Sphinx, error: Exception | None) -> None:
    if error is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(app.srcdir) / CYTOSCAPE, static / "cytoscape.min.js")
    text = json.dumps(explorer_data(mht.load()), ensure_ascii=False, separators=(",", ":"))
    (static / "explorer-data.js").write_text(f"window.MHT_EXPLORER = {text};\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _check_library)
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
