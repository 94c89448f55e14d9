"""DCAT-AP export of the catalogue for data portals (GovData, data.europa.eu), built with rdflib.

One ``dcat:Catalog``; a ``dcat:Dataset`` per package (its latest version's
metadata); a ``dcat:Distribution`` per published version, reachable through the
hub's API. Themes are the EU data themes DCAT-AP asks for, plus the OZG
Themenfeld as a concept of the hub's own scheme under ``base_url``.
"""

from __future__ import annotations

from urllib.parse import quote

from datetime import datetime
from typing import Literal

from rdflib import BNode, Graph, Literal as RDFLiteral, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD


from hub.errors import BadRequest
from hub.federation.text import slugify
from hub.federation.vocab import EU_DATA_THEME, EU_THEMES
from hub.model import Manifest
from hub.store.catalog import Catalog

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
SPDX = "https://spdx.org/licenses/"

Format = Literal["turtle", "json-ld"]
FORMATS: dict[str, str] = {"turtle": "text/turtle", "json-ld": "application/ld+json"}

_CONTEXT = {
    "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD), "skos": str(SKOS), "owl": str(OWL), "xsd": str(XSD),
}


def license_uri(expression: str) -> URIRef | None:
    """``https://spdx.org/licenses/<id>`` for a single SPDX id; None for an expression (``A OR B``)."""
    return URIRef(SPDX + expression) if " " not in expression.strip() and "(" not in expression else None


def _time(value: str) -> RDFLiteral:
    return RDFLiteral(datetime.fromisoformat(value).isoformat(), datatype=XSD.dateTime)


def build_graph(catalog: Catalog, base_url: str, *, title: str = "Transferhub", publisher_name: str = "Transferhub") -> Graph:
    """The DCAT-AP graph of the catalogue at HEAD."""
    base = base_url.rstrip("/")
    g = Graph()
    for prefix, uri in _CONTEXT.items():
        g.bind(prefix, uri)
    g.bind("dcatap", DCATAP)

    cat = URIRef(f"{base}/api/v1/packages")
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, RDFLiteral(title, lang="de")))
    g.add((cat, DCTERMS.description, RDFLiteral(
        "Bewährte kommunale Lösungspakete: Prozessmodelle, Formulare, Konfigurationen und Erfahrungen zum Nachnutzen.", lang="de")))
    operator = URIRef(f"{base}/")
    g.add((cat, DCTERMS.publisher, operator))
    g.add((operator, RDF.type, FOAF.Agent))
    g.add((operator, FOAF.name, RDFLiteral(publisher_name, lang="de")))
    g.add((cat, FOAF.homepage, URIRef(f"{base}/")))
    g.add((cat, DCTERMS.language, URIRef(EU_LANGUAGE + "DEU")))
    g.add((cat, DCAT.themeTaxonomy, URIRef(EU_DATA_THEME.rstrip("/"))))
    scheme = URIRef(f"{base}/themenfeld/")
    g.add((cat, DCAT.themeTaxonomy, scheme))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, RDFLiteral("OZG-Themenfelder", lang="de")))

    head = catalog.head()
    if head is not None:
        g.add((cat, DCTERMS.modified, RDFLiteral(datetime.fromtimestamp(head.commit_time).astimezone().isoformat(), datatype=XSD.dateTime)))
    versions = catalog.all_versions()
    publishers = {p.id: p for p in catalog.publishers()}
    for manifest in catalog.manifests():
        _dataset(g, cat, base, scheme, manifest, versions.get(manifest.id, []), publishers)
    return g


def _dataset(g: Graph, cat: URIRef, base: str, scheme: URIRef, m: Manifest, versions: list, publishers: dict) -> None:
    ds = URIRef(f"{base}/api/v1/packages/{m.id}")
    g.add((cat, DCAT.dataset, ds))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.identifier, RDFLiteral(m.id)))
    g.add((ds, DCTERMS.title, RDFLiteral(m.name, lang="de")))
    g.add((ds, DCTERMS.description, RDFLiteral(m.description.de, lang="de")))
    if m.description.en:
        g.add((ds, DCTERMS.description, RDFLiteral(m.description.en, lang="en")))
    g.add((ds, DCAT.landingPage, URIRef(f"{base}/pakete/{m.id}/")))
    g.add((ds, DCTERMS.language, URIRef(EU_LANGUAGE + "DEU")))
    g.add((ds, OWL.versionInfo, RDFLiteral(m.version)))
    for keyword in m.keywords:
        g.add((ds, DCAT.keyword, RDFLiteral(keyword, lang="de")))

    agent = URIRef(f"{base}/api/v1/publishers/{m.publisher.id}")
    g.add((ds, DCTERMS.publisher, agent))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, RDFLiteral(m.publisher.name, lang="de")))
    homepage = m.publisher.url or (publishers[m.publisher.id].url if m.publisher.id in publishers else None)
    if homepage:
        g.add((agent, FOAF.homepage, URIRef(homepage)))

    for contact in m.contacts:
        kind = BNode()
        g.add((ds, DCAT.contactPoint, kind))
        g.add((kind, RDF.type, VCARD.Kind))
        g.add((kind, VCARD.fn, RDFLiteral(contact.name)))
        g.add((kind, VCARD.hasEmail, URIRef("mailto:" + quote(contact.email, safe="@.+-_~"))))
        if contact.phone:
            g.add((kind, VCARD.hasTelephone, URIRef("tel:" + contact.phone.replace(" ", "").replace("/", "-"))))

    themenfeld = m.classification.themenfeld
    g.add((ds, DCAT.theme, URIRef(EU_DATA_THEME + EU_THEMES[themenfeld])))
    concept = URIRef(f"{base}/themenfeld/{slugify(themenfeld)}")
    g.add((ds, DCAT.theme, concept))
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.prefLabel, RDFLiteral(themenfeld, lang="de")))
    g.add((concept, SKOS.inScheme, scheme))

    licence = license_uri(m.license)
    if versions:
        g.add((ds, DCTERMS.modified, _time(versions[0].published_at)))
        g.add((ds, DCTERMS.issued, _time(versions[-1].published_at)))
    for info in versions:
        dist = URIRef(f"{base}/api/v1/packages/{m.id}/versions/{info.version}#distribution")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCTERMS.title, RDFLiteral(f"{m.name} {info.version}", lang="de")))
        g.add((dist, DCTERMS.description, RDFLiteral(f"Version {info.version} des Lösungspakets als JSON über die API des Transferhubs.", lang="de")))
        g.add((dist, DCAT.accessURL, URIRef(f"{base}/api/v1/packages/{m.id}/versions/{info.version}")))
        g.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + "JSON")))
        g.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA + "application/json")))
        g.add((dist, DCTERMS.issued, _time(info.published_at)))
        g.add((dist, OWL.versionInfo, RDFLiteral(info.version)))
        if licence is not None:
            g.add((dist, DCTERMS.license, licence))
            g.add((licence, RDF.type, DCTERMS.LicenseDocument))
        else:
            document = BNode()
            g.add((dist, DCTERMS.license, document))
            g.add((document, RDF.type, DCTERMS.LicenseDocument))
            g.add((document, DCTERMS.title, RDFLiteral(m.license)))


def export_dcat(catalog: Catalog, base_url: str, format: Format = "turtle", **options: str) -> str:
    """The catalogue as DCAT-AP in Turtle or JSON-LD."""
    if format not in FORMATS:
        raise BadRequest(f"Das Format „{format}“ gibt es nicht; möglich sind: {', '.join(FORMATS)}.")
    graph = build_graph(catalog, base_url, **options)
    if format == "json-ld":
        return graph.serialize(format="json-ld", context=_CONTEXT, indent=2)
    return graph.serialize(format="turtle")
