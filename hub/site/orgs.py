"""Organisation pages and the transfer map: who published what, who adopted what from whom.

Every organisation with a record (``publishers/<id>.yaml``: publishers and adopters alike), and
every publisher or adopter the catalogue names, gets ``organisationen/<id>/index.html``: what it
published (with level and reuse), what it adopted (status, version, and whether a newer version
is out), who adopted its packages, and the ministry's reviews of its packages. Each page is
rewritten only when what it shows changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
import semver

from hub.model import Adoption, Publisher, Review
from hub.render.transfer_map import STATUS_NAMES, STATUS_STYLE, MapEdge, MapNode, geo_svg, network_svg
from hub.site.data import PackageInfo, SiteData

if TYPE_CHECKING:
    from hub.site.build import SiteBuilder

KIND_NAMES = {
    "stadt": "Stadt",
    "gemeinde": "Gemeinde",
    "kreis": "Kreis",
    "bezirksregierung": "Bezirksregierung",
    "land": "Land",
    "zweckverband": "Zweckverband",
    "it-dienstleister": "IT-Dienstleister",
    "sonstige": "sonstige Organisation",
}


@dataclass
class AdoptedPackage:
    record: Adoption
    package: PackageInfo | None
    latest: str | None
    behind: bool


@dataclass
class ReviewOf:
    package: PackageInfo
    version: str
    date: str
    level: int
    reviewer: str
    rationale: str


@dataclass
class Organisation:
    id: str
    name: str
    record: Publisher | None
    published: list[PackageInfo] = field(default_factory=list)
    adopted: list[AdoptedPackage] = field(default_factory=list)
    adopters: list[tuple[Adoption, PackageInfo]] = field(default_factory=list)  # others adopting its packages
    reviews: list[ReviewOf] = field(default_factory=list)

    @property
    def coordinates(self) -> tuple[float, float] | None:
        found = getattr(self.record, "coordinates", None)  # optional in the organisation record
        return (found.lat, found.lon) if found is not None else None

    @property
    def kind(self) -> str | None:
        return KIND_NAMES.get(self.record.type, self.record.type) if self.record else None

    def key(self) -> Any:
        return [
            msgspec.to_builtins(self.record),
            [(p.id, p.manifest.version, p.manifest.name, p.maturity.level, p.maturity.reviewed) for p in self.published],
            [(msgspec.to_builtins(a.record), a.latest) for a in self.adopted],
            [msgspec.to_builtins(a) for a, _ in self.adopters],
            [(r.package.id, r.version, r.date, r.level, r.rationale) for r in self.reviews],
        ]


def is_behind(version: str, latest: str | None) -> bool:
    try:
        return latest is not None and semver.Version.parse(version) < semver.Version.parse(latest)
    except ValueError:
        return False


def organisations(data: SiteData, only: set[str] | None = None, candidates: list[str] | None = None) -> dict[str, Organisation]:
    """Every organisation that publishes, adopts or has a record, with what it did; with ``only``, just those (as they are among all).

    ``candidates``: with ``only``, the ids of every package those organisations published or adopted (a kept build knows
    them), looked at instead of every package."""
    orgs: dict[str, Organisation] = {
        pid: Organisation(id=pid, name=p.name, record=p) for pid, p in data.publishers.items() if only is None or pid in only
    }

    def org(oid: str, name: str | None = None) -> Organisation:
        if oid not in orgs:
            orgs[oid] = Organisation(id=oid, name=name or oid, record=None)
        return orgs[oid]

    infos = data.packages.values() if candidates is None else [data.packages[pid] for pid in candidates if pid in data.packages]
    for info in infos:
        publisher = only is None or info.publisher in only
        if publisher:
            org(info.publisher, info.manifest.publisher.name).published.append(info)
        for record in info.adoptions:
            if only is None or record.adopter in only:
                org(record.adopter, record.adopter_name).adopted.append(
                    AdoptedPackage(
                        record=record, package=info, latest=info.manifest.version, behind=is_behind(record.version, info.manifest.version)
                    )
                )
            if record.adopter != info.publisher and publisher:
                org(info.publisher).adopters.append((record, info))
    for review in data.reviews:
        reviewed = data.packages.get(review.package)
        if reviewed is None or not review.reviews or (only is not None and reviewed.publisher not in only):
            continue
        last = review.reviews[-1]
        org(reviewed.publisher).reviews.append(_review(review, reviewed, last))
    for o in orgs.values():
        o.published.sort(key=lambda p: p.manifest.name)
        o.adopted.sort(key=lambda a: a.package.manifest.name if a.package else a.record.package)
        o.reviews.sort(key=lambda r: (r.date, r.package.id), reverse=True)
    return dict(sorted(orgs.items(), key=lambda kv: kv[1].name))


def _review(review: Review, info: PackageInfo, entry) -> ReviewOf:
    return ReviewOf(
        package=info,
        version=review.version,
        date=entry.date,
        level=entry.level,
        reviewer=entry.reviewer_name or entry.reviewer,
        rationale=entry.rationale,
    )


def map_edges(data: SiteData, root: str) -> list[MapEdge]:
    """One edge per adoption record of another organisation: from the package's publisher to the adopter."""
    edges = []
    for info in data.packages.values():
        for record in info.adoptions:
            if record.adopter == info.publisher:
                continue  # a publisher running its own package is no transfer
            edges.append(
                MapEdge(
                    package=info.id,
                    package_name=info.manifest.name,
                    package_href=f"{root}pakete/{info.id}/index.html",
                    source=info.publisher,
                    target=record.adopter,
                    status=record.status,
                    version=record.version,
                    themenfeld=info.manifest.classification.themenfeld,
                    history=[(h.date, h.status) for h in record.history],
                )
            )
    return edges


def write_organisations(builder: SiteBuilder, only: set[str] | None = None) -> dict[str, Organisation]:
    """A page per organisation and their index; with ``only`` (after a publish that kept the catalogue's shape) just
    those organisations' pages are looked at and the others kept, else everything (also when a kept page is missing)."""
    candidates = None
    if only is not None:
        assert builder.kept is not None
        builder.org_ids, builder.adopted_by = builder.kept.orgs, builder.kept.adopted_by
        # in the data's order (by id), as a pass over every package meets them
        candidates = sorted(
            {pid for oid in only for pid in builder.list_order.get(f"herausgeber/{oid}", ())}
            | {pid for oid in only for pid in builder.adopted_by.get(oid, ())}
        )
    orgs = organisations(builder.data, only, candidates)
    for o in orgs.values():
        rel = f"organisationen/{o.id}/index.html"
        builder.page(
            rel, _key(o.key()), lambda rel=rel, o=o: builder.html(rel, "organisation.html", title=o.name, section="organisationen", o=o)
        )
    if only is not None:
        kept = [builder.carry(f"organisationen/{oid}/index.html", many=True) for oid in builder.org_ids if oid not in orgs]
        if all(kept) and builder.carry("organisationen/index.html"):
            return orgs
        return write_organisations(builder)
    builder.org_ids = list(orgs)
    # who adopted which package, for the kept builds after this one: adoption records change only outside packages/,
    # which a kept build never follows
    builder.adopted_by = {o.id: [a.package.id for a in o.adopted if a.package is not None] for o in orgs.values() if o.adopted}
    tiles = [{"id": o.id, "name": o.name, "kind": o.kind, "published": len(o.published), "adopted": len(o.adopted)} for o in orgs.values()]
    builder.page(
        "organisationen/index.html",
        _key(tiles),
        lambda: builder.html(
            "organisationen/index.html", "organisations.html", title="Organisationen", section="organisationen", orgs=tiles
        ),
    )
    return orgs


def write_transfer_map(builder: SiteBuilder, orgs: dict[str, Organisation]) -> None:
    rel = "karte/index.html"
    root = "../"
    nodes = {
        o.id: MapNode(id=o.id, name=o.name, href=f"{root}organisationen/{o.id}/index.html", coordinates=o.coordinates)
        for o in orgs.values()
    }
    edges = map_edges(builder.data, root)
    key = [[(n.id, n.name, n.coordinates) for n in nodes.values()], [msgspec.to_builtins(e.__dict__) for e in edges]]

    def render() -> str:
        geo, missing = geo_svg(nodes, edges)
        themen = sorted({e.themenfeld for e in edges})
        dates = sorted(d for e in edges for d, _ in e.history)
        months = sorted({d[:7] for d in dates} | ({builder.data.commit_time[:7]} if builder.data.commit_time else set()))
        return builder.html(
            rel,
            "transfer_map.html",
            title="Transferkarte",
            section="karte",
            network=network_svg(nodes, edges),
            geo=geo,
            missing=missing,
            edges=sorted(edges, key=lambda e: (nodes[e.source].name, e.package_name, nodes[e.target].name)),
            names={n.id: n.name for n in nodes.values()},
            themen=themen,
            months=months,
            status_names=STATUS_NAMES,
            status_style=STATUS_STYLE,
        )

    builder.page(rel, _key(key), render)


def _key(*parts: Any) -> str:
    from hub.site.build import _key as build_key

    return build_key(*parts)


_HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.DOTALL)
_CONTACT_TITLES = ("kontakt", "kontakte", "ansprechpartner", "ansprechpartnerinnen und ansprechpartner")


def without_contact_section(readme_html: str) -> str:
    """The README without its own contact section: the package page shows the manifest's contacts once, at its end."""
    for match in _HEADING.finditer(readme_html):
        if re.sub(r"<[^>]+>", "", match.group(2)).strip().lower() in _CONTACT_TITLES:
            level = int(match.group(1))
            end = next((m.start() for m in _HEADING.finditer(readme_html, match.end()) if int(m.group(1)) <= level), len(readme_html))
            note = '<p class="meta">Kontakt: siehe <a href="#kontakt">Kontakt</a> am Ende der Seite.</p>\n'
            return readme_html[: match.start()] + note + readme_html[end:]
    return readme_html
