"""DCAT-AP 3.0 export of the catalogue for data portals (GovData, data.europa.eu) and Joinup, built with rdflib.

One ``dcat:Catalog``; per package a ``dcat:Dataset`` that is also an ADMS-AP ``adms:Asset`` (the
interoperability solution Joinup federates; its latest version's metadata, with ``adms:status``);
a ``dcat:Distribution`` (also ``adms:AssetDistribution``) per published version, reachable through
the hub's API. Every value is of the class the profile expects (agents, documents, linguistic
systems, media types, licence documents, concepts and concept schemes), and is typed so in the
graph. Themes are the EU data themes DCAT-AP asks for, plus the OZG Themenfeld as a concept of the
hub's own scheme. Every IRI under ``base_url`` resolves on the hub that exported it: the API, or a
page of the site the hub serves (package and publisher pages, Themenfelder, the home page).

The API exports the catalogue in pages of :data:`hub.federation.model.DCAT_PAGE_SIZE` datasets (``page``), each with the paging of the Hydra
vocabulary that DCAT-AP harvesters follow (``hydra:PagedCollection`` with ``hydra:nextPage``, as ckanext-dcat writes
and reads it): rdflib takes about 5 ms of CPU per dataset, so the whole catalogue in one answer cost 44 s of CPU at
10,000 packages, for any anonymous request. ``hub export dcat`` writes the whole catalogue at once (a local command).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from math import ceil
from pathlib import Path
from urllib.parse import quote

import pygit2
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD

from hub.errors import BadRequest, NotFound
from hub.federation.model import DCAT_PAGE_SIZE, FORMATS, Format
from hub.federation.vocab import ADMS_STATUS, ADMS_STATUSES, EU_DATA_THEME, EU_THEME_LABELS, EU_THEMES
from hub.model import Manifest
from hub.slugs import slug
from hub.store.catalog import Catalog

DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
IANA_MEDIA = "https://www.iana.org/assignments/media-types/"
SPDX = "https://spdx.org/licenses/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

# our SHACL shapes for DCAT-AP 3.0 and ADMS-AP (the official ones ship in no package; see docs/federation.md)
SHAPES = Path(__file__).with_name("dcat-ap-3.shacl.ttl")


_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "skos": str(SKOS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "adms": str(ADMS),
    "hydra": str(HYDRA),
}


def license_uri(expression: str) -> URIRef | None:
    """``https://spdx.org/licenses/<id>`` for a single SPDX id; None for an expression (``A OR B``)."""
    return URIRef(SPDX + expression) if " " not in expression.strip() and "(" not in expression else None


def _time(value: str) -> RDFLiteral:
    return RDFLiteral(datetime.fromisoformat(value).isoformat(), datatype=XSD.dateTime)


def build_graph(
    catalog: Catalog,
    base_url: str,
    *,
    title: str = "Transferhub",
    publisher_name: str = "Transferhub",
    page: int | None = None,
    page_url: Callable[[int], str] | None = None,
    page_size: int = DCAT_PAGE_SIZE,
) -> Graph:
    """The DCAT-AP graph of the catalogue at HEAD: every package, or with ``page`` (from 1) that page's ``page_size``
    packages (by id) and the paging, whose pages ``page_url`` addresses."""
    base = base_url.rstrip("/")
    g = Graph()
    for prefix, uri in _CONTEXT.items():
        g.bind(prefix, uri)
    g.bind("dcatap", DCATAP)
    g.bind("adms", ADMS)

    cat = URIRef(f"{base}/api/v1/packages")
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, RDFLiteral(title, lang="de")))
    g.add(
        (
            cat,
            DCTERMS.description,
            RDFLiteral(
                "Bewährte kommunale Lösungspakete: Prozessmodelle, Formulare, Konfigurationen und Erfahrungen zum Nachnutzen.", lang="de"
            ),
        )
    )
    home = URIRef(f"{base}/")
    operator = URIRef(f"{base}/#betreiber")
    g.add((cat, DCTERMS.publisher, operator))
    g.add((operator, RDF.type, FOAF.Agent))
    g.add((operator, FOAF.name, RDFLiteral(publisher_name, lang="de")))
    g.add((operator, FOAF.homepage, home))
    g.add((cat, FOAF.homepage, home))
    g.add((home, RDF.type, FOAF.Document))
    g.add((cat, DCTERMS.language, _language(g)))
    eu_scheme = URIRef(EU_DATA_THEME.rstrip("/"))
    g.add((cat, DCAT.themeTaxonomy, eu_scheme))
    g.add((eu_scheme, RDF.type, SKOS.ConceptScheme))
    g.add((eu_scheme, DCTERMS.title, RDFLiteral("Datenthemen (EU)", lang="de")))
    scheme = URIRef(f"{base}/themen/")
    g.add((cat, DCAT.themeTaxonomy, scheme))
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, DCTERMS.title, RDFLiteral("OZG-Themenfelder", lang="de")))

    head = catalog.head()
    if head is not None:
        g.add((cat, DCTERMS.modified, RDFLiteral(datetime.fromtimestamp(head.commit_time).astimezone().isoformat(), datatype=XSD.dateTime)))
    if page is None:
        versions = catalog.all_versions()
        manifests = catalog.manifests()
        publishers = {p.id: p for p in catalog.publishers()}
    else:
        ids = catalog.package_ids()
        chosen = ids[(page - 1) * page_size : page * page_size]
        _paging(g, page, len(ids), page_size, page_url or (lambda n: f"{base}/api/v1/export/dcat.ttl?page={n}"))
        versions = catalog.versions_of(chosen)  # one lookup per package: a page costs the same in any catalogue
        manifests = catalog.manifests(only=chosen)
        # the records of the page's publishers alone (every record: 2,500 of them at 50,000 packages)
        publishers = {pid: found for pid in {m.publisher.id for m in manifests} if (found := catalog.publisher(pid)) is not None}
    for manifest in manifests:
        _dataset(g, cat, base, scheme, manifest, versions.get(manifest.id, []), publishers)
    return g


def _paging(g: Graph, page: int, total: int, size: int, url: Callable[[int], str]) -> None:
    """The page's place among the pages, as ckanext-dcat writes it (and its harvester follows ``hydra:nextPage``)."""
    pages = max(1, ceil(total / size))
    if not 1 <= page <= pages:
        raise NotFound(f"Seite {page} gibt es nicht: der Katalog hat {pages} Seite(n) zu je höchstens {size} Paketen.")
    view = URIRef(url(page))
    g.add((view, RDF.type, HYDRA.PagedCollection))
    g.add((view, HYDRA.totalItems, RDFLiteral(total, datatype=XSD.integer)))
    g.add((view, HYDRA.itemsPerPage, RDFLiteral(size, datatype=XSD.integer)))
    g.add((view, HYDRA.firstPage, RDFLiteral(url(1))))
    g.add((view, HYDRA.lastPage, RDFLiteral(url(pages))))
    if page > 1:
        g.add((view, HYDRA.previousPage, RDFLiteral(url(page - 1))))
    if page < pages:
        g.add((view, HYDRA.nextPage, RDFLiteral(url(page + 1))))


def _dataset(g: Graph, cat: URIRef, base: str, scheme: URIRef, m: Manifest, versions: list, publishers: dict) -> None:
    ds = URIRef(f"{base}/api/v1/packages/{m.id}")
    g.add((cat, DCAT.dataset, ds))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, ADMS.Asset))  # a reusable solution: what Joinup federates (ADMS-AP)
    code, label = ADMS_STATUSES[m.status.development]
    status = URIRef(ADMS_STATUS + code)
    g.add((ds, ADMS.status, status))
    g.add((status, RDF.type, SKOS.Concept))
    g.add((status, SKOS.prefLabel, RDFLiteral(label, lang="de")))
    g.add((ds, DCTERMS.identifier, RDFLiteral(m.id)))
    g.add((ds, DCTERMS.title, RDFLiteral(m.name, lang="de")))
    g.add((ds, DCTERMS.description, RDFLiteral(m.description.de, lang="de")))
    if m.description.en:
        g.add((ds, DCTERMS.description, RDFLiteral(m.description.en, lang="en")))
    landing = URIRef(f"{base}/pakete/{m.id}/")
    g.add((ds, DCAT.landingPage, landing))
    g.add((landing, RDF.type, FOAF.Document))
    g.add((ds, DCTERMS.language, _language(g)))
    g.add((ds, OWL.versionInfo, RDFLiteral(m.version)))
    for keyword in m.keywords:
        g.add((ds, DCAT.keyword, RDFLiteral(keyword, lang="de")))

    # the publisher's page on the hub's site exists for every publisher with a package (registered or not)
    agent = URIRef(f"{base}/herausgeber/{m.publisher.id}/#organisation")
    g.add((ds, DCTERMS.publisher, agent))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, RDFLiteral(m.publisher.name, lang="de")))
    homepage = m.publisher.url or (publishers[m.publisher.id].url if m.publisher.id in publishers else None)
    if homepage:
        g.add((agent, FOAF.homepage, URIRef(homepage)))
        g.add((URIRef(homepage), RDF.type, FOAF.Document))

    for contact in m.contacts:
        kind = BNode()
        g.add((ds, DCAT.contactPoint, kind))
        g.add((kind, RDF.type, VCARD.Kind))
        g.add((kind, VCARD.fn, RDFLiteral(contact.name)))
        g.add((kind, VCARD.hasEmail, URIRef("mailto:" + quote(contact.email, safe="@.+-_~"))))
        if contact.phone:
            g.add((kind, VCARD.hasTelephone, URIRef("tel:" + contact.phone.replace(" ", "").replace("/", "-"))))

    themenfeld = m.classification.themenfeld
    eu_theme = URIRef(EU_DATA_THEME + EU_THEMES[themenfeld])
    g.add((ds, DCAT.theme, eu_theme))
    g.add((eu_theme, RDF.type, SKOS.Concept))
    g.add((eu_theme, SKOS.prefLabel, RDFLiteral(EU_THEME_LABELS[EU_THEMES[themenfeld]], lang="de")))
    g.add((eu_theme, SKOS.inScheme, URIRef(EU_DATA_THEME.rstrip("/"))))
    concept = URIRef(f"{base}/themen/{slug(themenfeld)}/")
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
        g.add((dist, RDF.type, ADMS.AssetDistribution))
        g.add((dist, DCTERMS.title, RDFLiteral(f"{m.name} {info.version}", lang="de")))
        g.add(
            (
                dist,
                DCTERMS.description,
                RDFLiteral(f"Version {info.version} des Lösungspakets als JSON über die API des Transferhubs.", lang="de"),
            )
        )
        g.add((dist, DCAT.accessURL, URIRef(f"{base}/api/v1/packages/{m.id}/versions/{info.version}")))
        g.add((dist, DCTERMS.format, _typed(g, EU_FILE_TYPE + "JSON", DCTERMS.MediaTypeOrExtent)))
        g.add((dist, DCAT.mediaType, _typed(g, IANA_MEDIA + "application/json", DCTERMS.MediaType)))
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


def _typed(g: Graph, iri: str, cls: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def _language(g: Graph) -> URIRef:
    return _typed(g, EU_LANGUAGE + "DEU", DCTERMS.LinguisticSystem)


def export_dcat(
    catalog: Catalog,
    base_url: str,
    format: Format = "turtle",
    *,
    page: int | None = None,
    page_url: Callable[[int], str] | None = None,
    page_size: int = DCAT_PAGE_SIZE,
    **options: str,
) -> str:
    """The catalogue as DCAT-AP in Turtle or JSON-LD: whole, or one ``page`` of it (see :func:`build_graph`)."""
    if format not in FORMATS:
        raise BadRequest(f"Das Format „{format}“ gibt es nicht; möglich sind: {', '.join(FORMATS)}.")
    graph = build_graph(catalog, base_url, page=page, page_url=page_url, page_size=page_size, **options)
    if format == "json-ld":
        return graph.serialize(format="json-ld", context=_CONTEXT, indent=2)
    return graph.serialize(format="turtle")


WORKER_MAP_WINDOW = 32 * 1024 * 1024
WORKER_MAPPED = 256 * 1024 * 1024
WORKER_OBJECT_CACHE = 64 * 1024 * 1024
_opened: dict[str, Catalog] = {}  # in a budget worker: the catalogue stays open between calls (each call reads its HEAD)


def dcat_page(catalog_path: str, base_url: str, format: Format, page: int, page_prefix: str) -> str:
    """One page of the export as the API answers it, run in a budget worker (``hub.budget.export_pool``): ``page_prefix``
    and a page's number are its address."""
    catalog = _opened.get(catalog_path)
    if catalog is None:
        # libgit2 maps a pack in windows of 1 GB by default, past the worker's address space (its memory budget): at
        # 50,000 packages reads then failed ("failed to init zlib stream"); small windows and caches keep it inside
        pygit2.settings.mwindow_size = WORKER_MAP_WINDOW
        pygit2.settings.mwindow_mapped_limit = WORKER_MAPPED
        pygit2.settings.cache_max_size(WORKER_OBJECT_CACHE)
        catalog = _opened[catalog_path] = Catalog.open(catalog_path)
    return export_dcat(catalog, base_url, format, page=page, page_url=lambda n: f"{page_prefix}{n}")
