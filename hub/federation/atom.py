"""Atom feeds (RFC 4287): new packages and versions, and per publisher what the harvest refused.

Built with lxml rather than feedgen: lxml is already a dependency (safe BPMN
parsing), an Atom document is a dozen elements, and writing them directly keeps
full control over what matters here — entry ids as ``tag:`` URIs identical to the
static site's feed, newest-first order, ``xml:lang="de"`` — with no extra package
(feedgen would add python-dateutil and its own ordering and generator defaults).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from lxml import etree

from hub.federation.model import PublisherFeedback
from hub.federation.reports import publisher_feedback
from hub.store.catalog import Catalog

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TAG = "tag:transferhub.de,2018:"  # the same entry ids as the static site's feed.atom
MEDIA_TYPE = "application/atom+xml"


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _feed(feed_id: str, title: str, updated: str, self_url: str, alternate: str, alternate_type: str = "text/html") -> etree._Element:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    feed.set(XML_LANG, "de")
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    _el(feed, "updated", updated)
    _el(feed, "link", rel="self", type=MEDIA_TYPE, href=self_url)
    _el(feed, "link", rel="alternate", type=alternate_type, href=alternate)
    author = _el(feed, "author")
    _el(author, "name", "Transferhub")
    _el(feed, "generator", "Transferhub")
    return feed


def _bytes(feed: etree._Element) -> bytes:
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _rfc3339(value: str) -> str:
    return datetime.fromisoformat(value).isoformat()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class _Release:
    package: str
    version: str
    time: datetime
    stamp: str
    first: bool
    previous: str | None


def releases(catalog: Catalog, publisher: str | None = None) -> list[_Release]:
    """Every published version (of one publisher's packages), newest first."""
    found = []
    for package_id, versions in catalog.all_versions().items():
        if publisher is not None and not package_id.startswith(publisher + "/"):
            continue
        by_time = sorted(versions, key=lambda v: datetime.fromisoformat(v.published_at))
        for index, info in enumerate(by_time):
            found.append(
                _Release(
                    package_id,
                    info.version,
                    datetime.fromisoformat(info.published_at),
                    info.published_at,
                    index == 0,
                    by_time[index - 1].version if index else None,
                )
            )
    found.sort(key=lambda r: (r.time, r.package, r.version), reverse=True)
    return found


def atom_feed(catalog: Catalog, base_url: str, publisher: str | None = None, *, limit: int = 50, self_url: str | None = None) -> bytes:
    """Atom feed of new packages and versions (of one publisher), newest first, at most ``limit`` entries."""
    base = base_url.rstrip("/")
    items = releases(catalog, publisher)[:limit]
    head = catalog.head()
    updated = _rfc3339(items[0].stamp) if items else (datetime.fromtimestamp(head.commit_time, UTC).isoformat() if head else _now())
    record = catalog.publisher(publisher) if publisher else None
    owner = record.name if record is not None else publisher
    feed = _feed(
        TAG + ("katalog" if publisher is None else f"katalog/herausgeber/{publisher}"),
        "Transferhub: neue Pakete und Versionen" + (f" von {owner}" if publisher else ""),
        updated,
        self_url or f"{base}/api/v1/feeds/packages.atom" + (f"?publisher={quote(publisher)}" if publisher else ""),
        f"{base}/" if publisher is None else f"{base}/herausgeber/{publisher}/",
    )
    for item in items:
        m = catalog.get(item.package, item.version).manifest
        entry = _el(feed, "entry")
        _el(entry, "id", f"{TAG}{item.package}/v{item.version}")
        _el(entry, "title", f"{m.name} {item.version}")
        _el(entry, "updated", _rfc3339(item.stamp))
        _el(entry, "published", _rfc3339(item.stamp))
        author = _el(entry, "author")
        _el(author, "name", m.publisher.name)
        if m.publisher.url:
            _el(author, "uri", m.publisher.url)
        _el(entry, "link", rel="alternate", type="text/html", href=f"{base}/pakete/{item.package}/")
        _el(entry, "link", rel="related", type="application/json", href=f"{base}/api/v1/packages/{item.package}/versions/{item.version}")
        _el(entry, "category", term=m.classification.themenfeld, label=m.classification.themenfeld)
        if item.first:
            summary = f"Neues Lösungspaket von {m.publisher.name}: {m.summary.de}"
        else:
            summary = f"Neue Version {item.version} (vorher {item.previous}) von {m.publisher.name}: {m.summary.de}"
        _el(entry, "summary", summary, type="text")
    return _bytes(feed)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:20]


def feedback_feed(
    catalog: Catalog, base_url: str, publisher: str, *, self_url: str | None = None, feedback: PublisherFeedback | None = None
) -> bytes:
    """Atom feed for one publisher: refused versions, packages that stopped validating, unreachable sources.

    An entry's id stays the same while the finding stays the same, so a feed
    reader announces each refusal once, not at every harvest.
    """
    base = base_url.rstrip("/")
    feedback = feedback or publisher_feedback(catalog, publisher)
    entries: list[tuple[str, str, str, str]] = []  # (updated, id, title, text)
    for item in feedback.refused:
        what = f"{item.id} {item.version}" if item.version else (item.id or item.folder)
        lines = [f"Die Quelle „{item.source}“ (Ordner {item.folder}) enthält {what}; die Version wurde nicht übernommen:"]
        lines += [f"- {p.place()}: [{p.code}] {p.message}" for p in item.problems]
        key = _digest(item.source, item.folder, item.id, item.version, *[(p.code, p.file, p.pointer, p.line) for p in item.problems])
        entries.append((item.since, f"{TAG}rueckmeldung/{publisher}/{key}", f"Abgelehnt: {what}", "\n".join(lines)))
    for stopped in feedback.stopped:
        since = next((i.since for i in feedback.refused if i.id == stopped.id and i.version == stopped.refused), stopped.time)
        text = (
            f"Die neueste Version von {stopped.id} in der Quelle „{stopped.source}“ ({stopped.refused or 'unbekannte Version'}) ist ungültig; "
            f"im Katalog bleibt {stopped.published}. Das Paket validiert nicht mehr."
        )
        entries.append(
            (
                since,
                f"{TAG}rueckmeldung/{publisher}/{_digest('stopped', stopped.source, stopped.id, stopped.refused)}",
                f"Validiert nicht mehr: {stopped.id}",
                text,
            )
        )
    for source in feedback.unreachable:
        since = source.since or source.time
        entries.append(
            (
                since,
                f"{TAG}rueckmeldung/{publisher}/{_digest('unreachable', source.source, since)}",
                f"Quelle nicht erreichbar: {source.source}",
                f"{source.url}: {source.reason or 'unbekannter Grund'} (seit {since})",
            )
        )
    entries.sort(key=lambda e: (datetime.fromisoformat(e[0]), e[1]), reverse=True)
    record = catalog.publisher(publisher)
    owner = record.name if record is not None else publisher
    feed = _feed(
        f"{TAG}rueckmeldung/{publisher}",
        f"Transferhub: Rückmeldungen an {owner}",
        _rfc3339(entries[0][0]) if entries else _now(),
        self_url or f"{base}/api/v1/publishers/{publisher}/feedback.atom",
        f"{base}/api/v1/publishers/{publisher}/feedback",
        "application/json",
    )
    for updated, entry_id, title, text in entries:
        entry = _el(feed, "entry")
        _el(entry, "id", entry_id)
        _el(entry, "title", title)
        _el(entry, "updated", _rfc3339(updated))
        author = _el(entry, "author")
        _el(author, "name", "Transferhub")
        _el(entry, "link", rel="alternate", type="application/json", href=f"{base}/api/v1/publishers/{publisher}/feedback")
        _el(entry, "content", text, type="text")
    return _bytes(feed)
