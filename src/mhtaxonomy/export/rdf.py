"""RDF: the taxonomy as Turtle or JSON-LD, for triple stores and SPARQL (needs ``mhtaxonomy[rdf]``).

Every IRI lives under one namespace, :data:`BASE`, and is built from ids that
the data keep stable across releases:

- an entity is ``BASE + "entity/" + id`` (prefix ``mht:``), typed with the class
  of its kind (``mhtv:Profession``, ``mhtv:BillingCode``...), with
  ``rdfs:label`` (its name), ``skos:altLabel`` (aliases), ``mhtv:abbreviation``,
  ``skos:definition`` (description), ``skos:scopeNote`` (note),
  ``dcterms:source`` (its sources) and one ``mhtv:<field>`` literal per field of
  its own kind (``mhtv:group``, ``mhtv:min_minutes``...);
- its codes are ``skos:notation`` literals whose datatype is the code system's
  IRI (``"1041C0700X"^^<http://nucc.org/provider-taxonomy>``; ICD-10-CM ranges
  as written, ``"F32.0-F32.5"``); a billing code's own code is one of them;
- a relation is the property ``BASE + "vocab/" + relation`` (prefix ``mhtv:``,
  ``mhtv:is_a``, ``mhtv:authorizes``...);
- a source is ``BASE + "source/" + id`` with ``dcterms:title``, ``rdfs:seeAlso``
  (its URL) and ``mhtv:quality``.

Each fact is written twice. Once as a plain triple, ``mht:lcsw mhtv:holds
mht:msw``, so that SPARQL property paths can walk the graph; and once as a
**reified statement** (standard RDF reification, chosen over RDF-star because
every RDF tool and both formats read it): the node ``BASE + "fact/" + id``
(prefix ``mhtfact:``) of type ``rdf:Statement`` and ``mhtv:Fact``, with
``rdf:subject``, ``rdf:predicate``, ``rdf:object``, and the fact's qualifiers:
``mhtv:jurisdiction`` and ``mhtv:payer`` (entity IRIs; none means everywhere,
any payer), ``mhtv:valid_from`` and ``mhtv:valid_until`` (``xsd:date``),
``mhtv:supervised`` (``xsd:boolean``), ``mhtv:reason`` (an entity IRI),
``mhtv:strength``, ``skos:note`` and ``dcterms:source``.

The plain triples are the facts that hold in the exported view's context: in
the whole taxonomy that includes facts limited to some places (read their
qualifiers on the statements); export a view (``tax.where(jurisdiction="NM")``)
to get the triples of one place. :func:`who_can_provide_query` is a SPARQL
query over the plain triples that answers who may provide a service as
:meth:`~mhtaxonomy.taxonomy.Taxonomy.who_can_provide` does.
"""

from __future__ import annotations

import pathlib
import re
from typing import TYPE_CHECKING, Any

from .._extras import missing
from ..model import Kind, Relation
from ._records import CODE_SYSTEM_URIS, about, code_rows, extra_fields

if TYPE_CHECKING:
    import rdflib

    from ..taxonomy import Taxonomy

__all__ = [
    "BASE",
    "PREFIXES",
    "graph",
    "kind_class",
    "who_can_provide_query",
    "write_json_ld",
    "write_turtle",
]

#: The namespace under which every IRI of the export lives.
BASE = "https://mhtaxonomy.readthedocs.io/id/"

#: The prefixes the files are written with (and the JSON-LD context).
PREFIXES: dict[str, str] = {
    "mht": BASE + "entity/",
    "mhtv": BASE + "vocab/",
    "mhtfact": BASE + "fact/",
    "mhtsrc": BASE + "source/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}


def _rdflib() -> Any:
    try:
        import rdflib
    except ImportError as error:
        raise missing("rdflib", "rdf") from error
    return rdflib


def kind_class(kind: Kind) -> str:
    """The local name of a kind's class: the kind in CamelCase.

    >>> kind_class(Kind.BILLING_CODE)
    'BillingCode'
    """
    return re.sub(r"(?:^|_)(\w)", lambda match: match.group(1).upper(), kind.value)


def graph(tax: Taxonomy) -> rdflib.Graph:
    """An rdflib graph of ``tax`` (a taxonomy or a view), as the module describes.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> g = graph(mht.load())
    >>> from rdflib import URIRef
    >>> (URIRef(BASE + "entity/lcsw"), URIRef(BASE + "vocab/holds"), URIRef(BASE + "entity/msw")) in g
    True
    """
    rdflib = _rdflib()
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

    lit, iri = rdflib.Literal, rdflib.URIRef
    entity, vocab, fact_ns, source_ns = (
        rdflib.Namespace(PREFIXES[p]) for p in ("mht", "mhtv", "mhtfact", "mhtsrc")
    )
    g = rdflib.Graph()
    for prefix, uri in PREFIXES.items():
        g.bind(prefix, uri)

    dataset = iri(BASE)
    g.add((dataset, RDF.type, vocab.Export))
    for key, value in about(tax).items():
        if value is not None:
            g.add((dataset, vocab[key], lit(value)))
    for kind in Kind:
        g.add((vocab[kind_class(kind)], RDF.type, RDFS.Class))
        g.add((vocab[kind_class(kind)], RDFS.label, lit(kind.value.replace("_", " "))))
    for relation in Relation:
        g.add((vocab[relation.value], RDF.type, RDF.Property))
        g.add((vocab[relation.value], RDFS.label, lit(relation.phrase)))

    for e in tax.entities():
        node = entity[e.id]
        g.add((node, RDF.type, vocab[kind_class(e.kind)]))
        g.add((node, RDFS.label, lit(e.name)))
        g.add((node, vocab.id, lit(e.id)))
        g.addN((node, SKOS.altLabel, lit(alias), g) for alias in e.aliases)
        g.addN((node, vocab.abbreviation, lit(abbreviation), g) for abbreviation in e.abbreviations)
        if e.description:
            g.add((node, SKOS.definition, lit(e.description)))
        if e.note:
            g.add((node, SKOS.scopeNote, lit(e.note)))
        g.addN((node, DCTERMS.source, source_ns[s], g) for s in e.sources)
        for field, setting in extra_fields(e).items():
            g.add((node, vocab[field], lit(setting)))
    for e, system, code in code_rows(tax):
        system_uri = CODE_SYSTEM_URIS.get(system)
        notation = lit(code, datatype=iri(system_uri)) if system_uri else lit(f"{system}:{code}")
        g.add((entity[e.id], SKOS.notation, notation))

    for f in tax.facts():
        predicate = vocab[f.relation.value]
        g.add((entity[f.subject], predicate, entity[f.object]))
        statement = fact_ns[f.id]
        g.add((statement, RDF.type, RDF.Statement))
        g.add((statement, RDF.type, vocab.Fact))
        g.add((statement, RDF.subject, entity[f.subject]))
        g.add((statement, RDF.predicate, predicate))
        g.add((statement, RDF.object, entity[f.object]))
        g.add((statement, vocab.supervised, lit(f.supervised)))
        g.addN((statement, vocab.jurisdiction, entity[j], g) for j in sorted(f.jurisdictions or ()))
        g.addN((statement, vocab.payer, entity[p], g) for p in sorted(f.payers or ()))
        for name, day in (("valid_from", f.valid_from), ("valid_until", f.valid_until)):
            if day is not None:
                g.add((statement, vocab[name], lit(day.isoformat(), datatype=XSD.date)))
        if f.reason:
            g.add((statement, vocab.reason, entity[f.reason]))
        if f.strength:
            g.add((statement, vocab.strength, lit(f.strength)))
        if f.note:
            g.add((statement, SKOS.note, lit(f.note)))
        g.addN((statement, DCTERMS.source, source_ns[s], g) for s in f.sources)

    for s in tax.sources():
        node = source_ns[s.id]
        g.add((node, RDF.type, vocab.Source))
        g.add((node, DCTERMS.title, lit(s.title)))
        g.add((node, vocab.quality, lit(s.quality.value)))
        if s.url:
            g.add((node, RDFS.seeAlso, iri(s.url)))
        if s.note:
            g.add((node, SKOS.note, lit(s.note)))
    return g


def write_turtle(tax: Taxonomy, path: str | pathlib.Path) -> pathlib.Path:
    """Write :func:`graph` of ``tax`` to ``path`` as Turtle; return the path."""
    graph(tax).serialize(destination=str(path), format="turtle", encoding="utf-8")
    return pathlib.Path(path)


def write_json_ld(tax: Taxonomy, path: str | pathlib.Path) -> pathlib.Path:
    """Write :func:`graph` of ``tax`` to ``path`` as JSON-LD, with :data:`PREFIXES` as its context."""
    graph(tax).serialize(destination=str(path), format="json-ld", context=PREFIXES, encoding="utf-8")
    return pathlib.Path(path)


def who_can_provide_query(service: str, independently: bool = False) -> str:
    """A SPARQL query for the professions that may provide the service with id ``service``.

    It follows :meth:`~mhtaxonomy.taxonomy.Taxonomy.who_can_provide` with a
    property path read from the service: the service is a kind of (``is_a*``)
    a service some credential authorizes (``^authorizes``), held by a
    profession (``^holds``) that the answer's profession is, or is a kind of
    (``^is_a*``); a group of professions joins when every profession under it
    does. With ``independently``, authorizations only under supervision do not
    count: the query then reads the ``mhtv:supervised`` qualifier of each
    ``authorizes`` statement.

    Examples
    --------
    >>> import mhtaxonomy as mht
    >>> rows = graph(mht.load()).query(who_can_provide_query("psychotherapy"))
    >>> any(str(row.profession).endswith("/entity/lcsw") for row in rows)
    True
    """
    return f"""PREFIX mht: <{PREFIXES["mht"]}>
PREFIX mhtv: <{PREFIXES["mhtv"]}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?profession WHERE {{
  {{
    {_provides("profession", service, independently)}
    ?profession a mhtv:Profession .
  }} UNION {{
    ?profession mhtv:group true .
    FILTER EXISTS {{ ?anyone mhtv:is_a ?profession }}
    FILTER NOT EXISTS {{
      ?member mhtv:is_a+ ?profession ; mhtv:group false .
      FILTER NOT EXISTS {{ {_provides("member", service, independently)} }}
    }}
  }}
}}"""


def _provides(who: str, service: str, independently: bool) -> str:
    """The pattern "``?who`` may provide ``service``", its own variables suffixed with ``who``."""
    if not independently:
        return f"mht:{service} mhtv:is_a*/^mhtv:authorizes/^mhtv:holds/^mhtv:is_a* ?{who} ."
    target, grant = f"?target_{who}", f"?grant_{who}"
    # One triple pattern at a time, in this order: rdflib joins them as written, and this order is fast.
    return (
        f"mht:{service} mhtv:is_a* {target} .\n"
        f"    {grant} rdf:object {target} . {grant} rdf:predicate mhtv:authorizes .\n"
        f"    {grant} mhtv:supervised false . {grant} rdf:subject/^mhtv:holds/^mhtv:is_a* ?{who} ."
    )
