"""What reuse saved: every confirmed adoption against building the solution anew.

Assumptions (shown on the savings page as they are here):

* a confirmed adoption (by another organisation, in pilot or production, that current status
  confirmed by the publisher, a reviewer or harvested provenance: the rule of the adoption report) saves the effort its publisher spent to build the solution
  (``effort.build`` in the manifest of the package's newest version);
* minus what the adoption cost: the effort the adopter really spent (``effort`` in its adoption
  record) where stated, else the package's estimate (``effort.adopt``, else the adoption guide's
  ``adoption.effort``), else nothing;
* person-days and euros are summed separately, never converted into each other;
* an adoption of a package without ``effort.build`` is counted but not valued.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from hub.maturity.rules import current_confirmation
from hub.model import Adoption, Base, FrozenBase, Manifest

COUNTING = ("pilot", "production")


class SavingsRow(FrozenBase, frozen=True):
    package: str
    name: str
    themenfeld: str
    adopter: str
    adopter_name: str
    status: str
    build_person_days: float | None
    build_costs_eur: float | None
    adopt_person_days: float | None
    adopt_costs_eur: float | None
    saved_person_days: float | None
    saved_costs_eur: float | None
    source: str  # where the adoption's effort came from


class SavingsTotal(FrozenBase, frozen=True):
    adoptions: int
    valued: int  # adoptions with a build effort to compare against
    saved_person_days: float
    saved_costs_eur: float


class SavingsReport(Base):
    rows: list[SavingsRow]
    by_package: dict[str, SavingsTotal]
    by_themenfeld: dict[str, SavingsTotal]
    total: SavingsTotal


def confirmed(record: Adoption, publisher: str, trusted: frozenset[str] = frozenset()) -> bool:
    """Another organisation runs it (pilot or production) and that current status is confirmed.

    The same rule as the adoption report's ``counts_for_maturity`` (hub.maturity.rules.current_confirmation):
    a confirmation of an earlier status, or one from an untrusted hub's reviewer, does not count.
    """
    if record.adopter == publisher or record.status not in COUNTING:
        return False
    return current_confirmation(record, trusted) is not None


def _figure(effort, name: str) -> tuple[float | None, float | None]:
    part = getattr(effort, name, None) if effort is not None else None
    if part is None:
        return None, None
    return part.person_days, part.costs_eur


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None else a - (b or 0)


def savings_report(
    manifests: Mapping[str, Manifest], adoptions: Iterable[Adoption], trusted: frozenset[str] = frozenset()
) -> SavingsReport:
    rows = []
    for record in adoptions:
        manifest = manifests.get(record.package)
        if manifest is None or not confirmed(record, record.package.split("/")[0], trusted):
            continue
        effort = getattr(manifest, "effort", None)
        build_days, build_costs = _figure(effort, "build")
        actual = getattr(record, "effort", None)
        if actual is not None and (actual.person_days is not None or actual.costs_eur is not None):
            adopt_days, adopt_costs, source = actual.person_days, actual.costs_eur, "tatsächlicher Aufwand laut Nachnutzungseintrag"
        else:
            adopt_days, adopt_costs = _figure(effort, "adopt")
            source = "Schätzung im Paket (effort.adopt)"
            if adopt_days is None and adopt_costs is None and manifest.adoption is not None and manifest.adoption.effort is not None:
                adopt_days, adopt_costs = manifest.adoption.effort.person_days, manifest.adoption.effort.costs_eur
                source = "Schätzung im Leitfaden (adoption.effort)"
            elif adopt_days is None and adopt_costs is None:
                source = "kein Aufwand angegeben"
        rows.append(
            SavingsRow(
                package=record.package,
                name=manifest.name,
                themenfeld=manifest.classification.themenfeld,
                adopter=record.adopter,
                adopter_name=record.adopter_name or record.adopter,
                status=record.status,
                build_person_days=build_days,
                build_costs_eur=build_costs,
                adopt_person_days=adopt_days,
                adopt_costs_eur=adopt_costs,
                saved_person_days=_minus(build_days, adopt_days),
                saved_costs_eur=_minus(build_costs, adopt_costs),
                source=source,
            )
        )
    rows.sort(key=lambda r: (r.themenfeld, r.name, r.adopter_name))
    return SavingsReport(
        rows=rows, by_package=_totals(rows, lambda r: r.package), by_themenfeld=_totals(rows, lambda r: r.themenfeld), total=_total(rows)
    )


def _total(rows: list[SavingsRow]) -> SavingsTotal:
    return SavingsTotal(
        adoptions=len(rows),
        valued=sum(1 for r in rows if r.saved_person_days is not None or r.saved_costs_eur is not None),
        saved_person_days=sum(r.saved_person_days or 0 for r in rows),
        saved_costs_eur=sum(r.saved_costs_eur or 0 for r in rows),
    )


def _totals(rows: list[SavingsRow], key) -> dict[str, SavingsTotal]:
    groups: dict[str, list[SavingsRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return {k: _total(v) for k, v in sorted(groups.items())}
