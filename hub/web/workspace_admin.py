"""What the admin's and the operator's workspace pages show: API tokens, people and their roles (of the admin's own
organisation), the registered organisations; the hub-wide admin tokens, the operators, the harvest sources and runs.

Read-only: tokens and accounts are written by ``hub.usecases.tokens`` and ``hub.usecases.accounts``
(the same use cases as the CLI). A token's secret is never listed: only its hash is stored, and
the page after creating one is the only place it is ever shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.accounts import Account
from hub.errors import Forbidden
from hub.federation.model import HarvestReport, SourceStatus
from hub.federation.reports import read_report
from hub.federation.runs import HarvestRun, SourceStep
from hub.federation.sources import load_sources
from hub.model import Publisher
from hub.services import Services
from hub.tokens import ROLES, TokenRecord
from hub.usecases import accounts, tokens


@dataclass
class TokenRow:
    record: TokenRecord
    org_name: str
    revoked: bool


def organisations(services: Services) -> list[Publisher]:
    """Every organisation of the registry (publishers and adopters alike), by name."""
    return sorted(services.catalog.publishers(), key=lambda o: (o.name.casefold(), o.id))


def _names(services: Services) -> dict[str, str]:
    return {o.id: o.name for o in services.catalog.publishers()}


def token_rows(services: Services, admin: Account) -> list[TokenRow]:
    """The tokens of the admin's organisation, the active ones first, newest first within each."""
    names = _names(services)
    rows = [TokenRow(record=r, org_name=names.get(r.org, r.org), revoked=revoked) for r, revoked in tokens.history(services, by=admin)]
    return sorted(rows, key=lambda row: (row.revoked, -row.record.id))


def wide_token_rows(services: Services, operator: Account) -> list[TokenRow]:
    """The hub-wide (admin) tokens of every organisation, for an operator: the active ones first, newest first within each."""
    names = _names(services)
    rows = [TokenRow(record=r, org_name=names.get(r.org, r.org), revoked=revoked) for r, revoked in tokens.hub_wide(services, by=operator)]
    return sorted(rows, key=lambda row: (row.revoked, -row.record.id))


@dataclass
class PersonRow:
    account: Account
    org_name: str


def people(services: Services, admin: Account) -> list[PersonRow]:
    """The accounts of the admin's organisation, the enabled ones first, by e-mail address."""
    names = _names(services)
    rows = [PersonRow(account=a, org_name=names.get(a.org, a.org)) for a in accounts.listed(services, by=admin)]
    return sorted(rows, key=lambda row: (row.account.disabled, row.account.email))


def person(services: Services, admin: Account, email: str) -> PersonRow:
    """One account of the admin's organisation (another organisation's is refused like an unknown one)."""
    wanted = email.strip().lower()
    found = next((a for a in accounts.listed(services, by=admin) if a.email == wanted), None)
    if found is None:
        raise Forbidden(
            f"Sie verwalten nur Konten Ihrer eigenen Organisation ({admin.org}); dort gibt es kein Konto {email.strip()[:254]}."
        )
    return PersonRow(account=found, org_name=_names(services).get(found.org, found.org))


def operator_rows(services: Services, operator: Account) -> list[PersonRow]:
    """Every account holding the operator role, of any organisation, the enabled ones first, by e-mail address."""
    names = _names(services)
    rows = [PersonRow(account=a, org_name=names.get(a.org, a.org)) for a in accounts.operators(services, by=operator)]
    return sorted(rows, key=lambda row: (row.account.disabled, row.account.email))


def sources(services: Services) -> list[SourceStatus]:
    """Every configured harvest source with the outcome of its last harvest (what ``GET /api/v1/sources`` answers)."""
    return [SourceStatus(source=s, report=read_report(services.catalog, s.name)) for s in load_sources(services.catalog)]


def report_text(report: HarvestReport) -> str:
    """One source's harvest in a German line (the same words on the sources page, the progress page and its JSON)."""
    if report.status != "ok":
        return f"nicht erreichbar ({report.reason})" if report.reason else "nicht erreichbar"
    return f"{len(report.accepted)} übernommen, {len(report.unchanged)} unverändert, {len(report.refused)} abgelehnt"


STEP_LABELS = {"waiting": "wartet", "running": "wird geerntet …", "done": "fertig"}
RUN_LABELS = {
    "running": "Die Ernte läuft.",
    "done": "Die Ernte ist fertig.",
    "failed": "Die Ernte ist abgebrochen.",
    "aborted": "Die Ernte wurde unterbrochen (der Server wurde währenddessen beendet); was bis dahin übernommen wurde, bleibt.",
}


def step_text(step: SourceStep) -> str:
    if step.error:
        return f"nicht geerntet: {step.error}"
    return report_text(step.report) if step.report is not None else STEP_LABELS[step.state]


def run_summary(run: HarvestRun) -> str:
    total = len(run.sources)
    text = f"{RUN_LABELS[run.state]} {run.done} von {total} Quelle{'n' if total != 1 else ''} fertig."
    if run.current:
        text += f" Gerade: {run.current}."
    return text


def run_status(run: HarvestRun | None) -> dict[str, object]:
    """The small JSON the progress page polls: the run's state and, per source, its state and result in words."""
    if run is None:
        return {"state": "none", "summary": "Im Arbeitsbereich wurde noch keine Ernte gestartet.", "sources": []}
    return {
        "id": run.id,
        "state": run.state,
        "done": run.done,
        "total": len(run.sources),
        "current": run.current,
        "summary": run_summary(run),
        "sources": [{"name": s.name, "state": s.state, "label": STEP_LABELS[s.state], "text": step_text(s)} for s in run.sources],
    }


def roles() -> tuple[str, ...]:
    """The roles an organisation's admin gives its people (the hub-wide operator role is not theirs to give)."""
    return ROLES


def token_roles() -> tuple[str, ...]:
    """The roles an organisation's admin may issue a token for (an admin token is hub-wide: the operator's, see hub.usecases.tokens)."""
    return tuple(r for r in ROLES if r != "admin")


def operator_flash(kind: str | None) -> str | None:
    """The message after a redirect on the operator's pages, chosen by a fixed key."""
    return {
        "widerrufen": "Das Token ist widerrufen; es wird ab sofort abgelehnt.",
        "betrieb-vergeben": "Die Rolle Betrieb ist vergeben; sie gilt ab der nächsten Seite, die die Person aufruft.",
        "betrieb-entzogen": "Die Rolle Betrieb ist entzogen; die übrigen Rollen der Person bleiben.",
        "quellen-gespeichert": "Die Quellenliste ist gespeichert: ein Commit im Katalog, im Namen Ihrer Organisation. Die nächste Ernte nutzt sie.",
    }.get(kind or "")


def flash(kind: str | None) -> str | None:
    """The message after a redirect (post/redirect/get), chosen by a fixed key, never text from the URL."""
    return {
        "widerrufen": "Das Token ist widerrufen; es wird ab sofort abgelehnt.",
        "angelegt": "Das Konto ist angelegt; die Person kann sich mit dem vergebenen Passwort anmelden.",
        "deaktiviert": "Das Konto ist deaktiviert; seine Sitzungen sind beendet.",
        "aktiviert": "Das Konto ist wieder aktiv; die Person kann sich mit ihrem Passwort anmelden (oder ein neues über einen Link setzen).",
        "rollen": "Die Rollen sind gespeichert; sie gelten ab der nächsten Seite, die die Person aufruft.",
    }.get(kind or "")
