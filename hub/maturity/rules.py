"""The rules behind the criteria of ``schemas/maturity.json``: each says met or not, and why, in German.

A rule sees one package version as it stands in one catalogue commit, and the
commit's time is "now": evaluating the same commit again gives the same answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.model import Adoption, Confirmation, Manifest, Problem, ReviewEntry

KIND_LABELS = {"process-model": "Prozessmodell", "form-schema": "Formularschema", "config": "Konfiguration", "document": "Dokument"}
STATUS_LABELS = {"planned": "geplant", "pilot": "Pilotbetrieb", "production": "Produktion", "ended": "beendet"}


@dataclass
class Subject:
    """One package version in one catalogue commit: what the rules look at."""

    manifest: Manifest
    files: set[str]
    today: date
    adoptions: list[Adoption] = field(default_factory=list)
    review: ReviewEntry | None = None
    hints: list[Problem] = field(default_factory=list)  # quality hints (Hinweise) of this version
    trusted: frozenset[str] = frozenset()  # other hubs (source names) whose reviews and reviewer confirmations count here


def counting_confirmations(adoption: Adoption, kinds: list[str], trusted: frozenset[str] = frozenset()) -> list[Confirmation]:
    """The confirmations of ``adoption`` that count: of a kind the model names; a foreign reviewer's only from a trusted hub."""
    return [c for c in adoption.confirmations if c.kind in kinds and (c.origin is None or c.kind != "reviewer" or c.origin.hub in trusted)]


def confirmed_for(adoption: Adoption, statuses: list[str], kinds: list[str], trusted: frozenset[str] = frozenset()) -> bool:
    """The adoption stands in one of ``statuses`` and a counting confirmation confirmed one of them."""
    return adoption.status in statuses and any(c.status in statuses for c in counting_confirmations(adoption, kinds, trusted))


def current_confirmation(adoption: Adoption, trusted: frozenset[str] = frozenset()) -> Confirmation | None:
    """The newest counting confirmation of the adoption's current status (None: the current status is only claimed)."""
    found = [c for c in counting_confirmations(adoption, ["publisher", "reviewer", "provenance"], trusted) if c.status == adoption.status]
    return found[-1] if found else None


def counting_review(entries: list[ReviewEntry], trusted: frozenset[str] = frozenset()) -> ReviewEntry | None:
    """The review that sets the level: the newest one made here or at a hub trusted for reviews."""
    counting = [e for e in entries if e.origin is None or e.origin.hub in trusted]
    return sorted(counting, key=lambda e: e.date)[-1] if counting else None  # stable: the later entry of one day wins


Rule = Callable[[Subject, dict[str, Any]], tuple[bool, str]]
RULES: dict[str, Rule] = {}


def rule(fn: Rule) -> Rule:
    RULES[fn.__name__] = fn
    return fn


def number(value: float) -> str:
    """German thousands separator: 12400 -> 12.400."""
    return (
        f"{value:,.0f}".replace(",", ".")
        if float(value).is_integer()
        else f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")
    )


def months_between(since: str, today: date) -> int:
    year, month = int(since[:4]), int(since[5:7])
    day = int(since[8:10]) if len(since) >= 10 else 1
    months = (today.year - year) * 12 + (today.month - month)
    return months - (1 if today.day < day else 0)


@rule
def manifest_valid(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    # only versions that passed validation enter the catalogue
    return True, f"Manifest von Version {s.manifest.version} bei der Veröffentlichung geprüft"


@rule
def has_file(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    path = p["path"]
    return (True, f"{path} vorhanden") if path in s.files else (False, f"{path} fehlt")


@rule
def license_declared(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    return True, f"Lizenz {s.manifest.license}"


@rule
def contact(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    if not s.manifest.contacts:
        return False, "keine Ansprechperson genannt"
    first = s.manifest.contacts[0]
    more = f" und {len(s.manifest.contacts) - 1} weitere" if len(s.manifest.contacts) > 1 else ""
    return True, f"{first.name} ({first.email}){more}"


@rule
def in_production(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    status = s.manifest.status
    production = status.production
    if production is None:
        return False, f"kein Nachweis des Produktivbetriebs (Entwicklungsstand „{status.development}“)"
    if status.development not in p["statuses"]:
        return False, f"Entwicklungsstand „{status.development}“, nicht im Betrieb"
    where = f" ({', '.join(production.where)})" if production.where else ""
    return True, f"in Produktion seit {production.since}{where}"


@rule
def cases_per_year(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    production = s.manifest.status.production
    if production is None or production.cases_per_year is None:
        return False, "keine Fallzahl angegeben"
    return True, f"{number(production.cases_per_year)} Fälle/Jahr"


@rule
def production_months(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    production = s.manifest.status.production
    if production is None:
        return False, "nicht in Produktion"
    months = months_between(production.since, s.today)
    text = f"in Produktion seit {production.since}, {max(months, 0)} Monate"
    return months >= p["months"], text


@rule
def outcomes(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    items = s.manifest.status.outcomes
    if not items:
        return False, "keine Wirkungskennzahlen angegeben"
    first = items[0]
    value = number(first.value) if isinstance(first.value, (int, float)) else first.value
    before = (
        f" (vorher {number(first.before) if isinstance(first.before, (int, float)) else first.before})" if first.before is not None else ""
    )
    unit = f" {first.unit}" if first.unit else ""
    return True, f"{len(items)} Kennzahl(en), z. B. {first.indicator}: {value}{unit}{before}"


@rule
def artefact_kinds(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    found = [a for a in s.manifest.artefacts if a.kind in p["kinds"]]
    wanted = " oder ".join(KIND_LABELS[k] for k in p["kinds"])
    if not found:
        return False, f"kein {wanted}"
    return True, ", ".join(f"{KIND_LABELS[a.kind]} {a.path}" for a in found)


READS_HINTS = frozenset({"artefacts_valid"})  # the rules that read ``Subject.hints`` (hub.maturity.computed_level asks for them last)


@rule
def artefacts_valid(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    # validation refuses any invalid artefact, so only quality hints (Hinweise) can fail this criterion
    if s.hints:
        codes = ", ".join(dict.fromkeys(h.code for h in s.hints))
        return False, f"{len(s.hints)} Hinweis{'e' if len(s.hints) != 1 else ''} zur Qualität: {codes}"
    return True, f"{len(s.manifest.artefacts)} Artefakt(e) gültig und ohne Hinweis"


@rule
def adoption_guide(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    guide = s.manifest.adoption
    missing = []
    requirements = guide.requirements if guide else None
    if requirements is None or not (requirements.software or requirements.platforms or requirements.roles):
        missing.append("Voraussetzungen")
    effort = guide.effort if guide else None
    if effort is None or (effort.person_days is None and effort.duration_weeks is None):
        missing.append("Aufwand")
    if guide is None or not guide.steps:
        missing.append("Schritte")
    if missing:
        return False, f"es fehlen: {', '.join(missing)}"
    assert guide is not None and effort is not None
    effort_text = (
        f"{number(effort.person_days)} Personentage" if effort.person_days is not None else f"{number(effort.duration_weeks or 0)} Wochen"
    )
    return True, f"Voraussetzungen, Aufwand ({effort_text}) und {len(guide.steps)} Schritte"


@rule
def changelog(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    path = s.manifest.changelog
    if path is None:
        return False, "keine Änderungshistorie angegeben"
    return (True, f"{path}") if path in s.files else (False, f"{path} fehlt")


@rule
def open_license(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    licence = s.manifest.license
    allowed = {name.lower() for name in p["licenses"]}
    return (licence.lower() in allowed), (
        f"{licence} ist eine offene Lizenz" if licence.lower() in allowed else f"{licence} steht nicht auf der Liste offener Lizenzen"
    )


@rule
def adoptions(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    # adoptions by the publisher itself don't count: reuse means someone else took it over;
    # and only confirmed ones count: a self-declared claim is shown, never counted
    kinds = p.get("confirmations", ["publisher", "reviewer", "provenance"])
    others = [a for a in s.adoptions if a.adopter != s.manifest.publisher_id and a.status in p["statuses"]]
    confirmed = [a for a in others if confirmed_for(a, p["statuses"], kinds, s.trusted)]
    claimed = len(others) - len(confirmed)
    wanted = " oder ".join(STATUS_LABELS[x] for x in p["statuses"])
    names = ", ".join(a.adopter_name or a.adopter for a in confirmed)
    count = f"{len(confirmed)} bestätigte nachnutzende Organisation{'en' if len(confirmed) != 1 else ''} in {wanted}"
    rest = f"; {claimed} weitere nur angegeben, nicht bestätigt" if claimed else ""
    return len(confirmed) >= p["min"], count + (f": {names}" if names else "") + rest + f" (nötig: {p['min']})"


@rule
def review_level(s: Subject, p: dict[str, Any]) -> tuple[bool, str]:
    if s.review is None:
        return False, "keine Begutachtung dieser Version"
    met = s.review.level >= p["min_level"]
    return met, f"Begutachtung vom {s.review.date} durch {s.review.reviewer_name or s.review.reviewer}: Reifegrad {s.review.level}"
