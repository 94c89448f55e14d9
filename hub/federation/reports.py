"""Harvest reports ``harvest/<source>.yaml`` and what they tell each publisher."""

from __future__ import annotations

from datetime import datetime

import msgspec
import pygit2
from pygit2.enums import FileMode

from hub.federation.model import FeedbackItem, HarvestReport, PublisherFeedback, SourceProblem, StoppedPackage
from hub.store.catalog import COMMITTER, Catalog
from hub.store.commit import commit_change, signature
from hub.store.trees import blob_at, entry_name, replace_path, subtree
from hub.validate.yamlsafe import load_yaml

REPORTS = "harvest"


def report_path(source_name: str) -> str:
    return f"{REPORTS}/{source_name}.yaml"


def decode_report(data: bytes) -> HarvestReport:
    return msgspec.convert(load_yaml(data).data, HarvestReport)


def read_report(catalog: Catalog, source_name: str, *, ref: str | None = None) -> HarvestReport | None:
    commit = catalog.resolve(ref)
    if commit is None:
        return None
    try:
        entry = commit.tree[report_path(source_name)]
    except KeyError:
        return None
    return decode_report(blob_at(catalog.repo, entry.id).data)


def read_reports(catalog: Catalog, *, ref: str | None = None) -> list[HarvestReport]:
    """Every source's last report, by source name."""
    commit = catalog.resolve(ref)
    folder = subtree(catalog.repo, commit.tree, REPORTS) if commit is not None else None
    if folder is None:
        return []
    return [decode_report(blob_at(catalog.repo, e.id).data) for e in sorted(folder, key=entry_name) if entry_name(e).endswith(".yaml")]


def write_report(catalog: Catalog, report: HarvestReport, *, when: datetime | None = None) -> str:
    """Commit the report (author: the hub itself); return the commit id."""
    repo = catalog.repo
    blob = repo.create_blob(msgspec.yaml.encode(report))

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        return replace_path(repo, root, report_path(report.source).split("/"), blob, FileMode.BLOB)

    if report.status == "ok":
        title = (
            f"Ernte „{report.source}“: {len(report.accepted)} übernommen, {len(report.unchanged)} unverändert, "
            f"{len(report.refused)} abgelehnt"
        )
    else:
        title = f"Ernte „{report.source}“: Quelle nicht erreichbar"
    body = f"{report.reason}\n\n" if report.reason else ""
    trailers = f"Hub-Action: harvest\nHub-Source: {report.source}\n" + (f"Hub-Source-Commit: {report.commit}\n" if report.commit else "")
    author = signature(*COMMITTER, when)
    return str(commit_change(catalog, change, author=author, committer=author, message=f"{title}\n\n{body}{trailers}"))


def _owner(package_id: str | None) -> str | None:
    return package_id.split("/", 1)[0] if package_id and "/" in package_id else None


def publisher_feedback(catalog: Catalog, publisher_id: str, *, ref: str | None = None) -> PublisherFeedback:
    """What ``publisher_id`` must hear: refused versions, packages that stopped validating, unreachable sources.

    A refusal belongs to the publisher of the source it came from (a source of one
    publisher) or to the publisher in the package id (a hub source).
    """
    feedback = PublisherFeedback(publisher=publisher_id)
    for report in read_reports(catalog, ref=ref):
        own_source = not report.hub and report.publisher == publisher_id
        if report.status == "unreachable" and own_source:
            feedback.unreachable.append(
                SourceProblem(source=report.source, url=report.url, time=report.time, since=report.since, reason=report.reason)
            )
        for item in report.refused:
            if own_source or (report.hub and _owner(item.id) == publisher_id):
                feedback.refused.append(
                    FeedbackItem(
                        source=report.source,
                        time=report.time,
                        since=item.since,
                        folder=item.folder,
                        problems=item.problems,
                        id=item.id,
                        version=item.version,
                        origin=item.origin,
                    )
                )
        for stopped in report.stopped:
            if _owner(stopped.id) == publisher_id:
                feedback.stopped.append(
                    StoppedPackage(
                        source=report.source, time=report.time, id=stopped.id, published=stopped.published, refused=stopped.refused
                    )
                )
    feedback.refused.sort(key=lambda i: (i.since, i.source, i.id or "", i.version or ""), reverse=True)
    return feedback
