"""Registering an organisation (publisher or adopter) in the catalogue's registry, and changing its record.

One use case for the shell (``hub organisation add``), the API (``PUT /api/v1/publishers/ID`` with a
hub-wide admin token) and the workspace's forms. In the workspace (``by``, a signed-in person) the
write is a commit authored by the person's organisation naming the person (``Hub-Person``), and:
an operator (role ``operator``) registers new organisations and changes any; an organisation's
admin changes only their own organisation's record (its identifier stays).
"""

from __future__ import annotations

from hub.accounts import Account
from hub.errors import BadRequest, Forbidden
from hub.model import Actor, Publisher
from hub.services import Services
from hub.store.organisations import register_organisation
from hub.store.records import actor_for
from hub.tokens import OPERATOR


def may_change(by: Account, org: str) -> None:
    """``by`` may change the record of the registered organisation ``org``: an operator any, an admin their own."""
    if by.disabled:
        raise Forbidden("Das Konto ist deaktiviert.")
    if OPERATOR in by.roles:
        return
    if "admin" not in by.roles:
        raise Forbidden("Den Eintrag einer Organisation ändert nur, wer die Rolle „Verwalten“ (admin) oder „Betrieb“ (operator) hat.")
    if org != by.org:
        raise Forbidden(
            f"Sie ändern nur den Eintrag Ihrer eigenen Organisation ({by.org}); die Einträge anderer Organisationen ändert "
            "der Betrieb des Hubs (Rolle Betrieb)."
        )


def may_register(by: Account) -> None:
    """``by`` may register a new organisation: only an operator (a hub-wide job)."""
    if OPERATOR not in by.roles or by.disabled:
        raise Forbidden(
            "Eine neue Organisation registriert nur, wer die Rolle „Betrieb“ (operator) hat: das ist eine Aufgabe für den ganzen Hub."
        )


def register(
    services: Services,
    data: bytes,
    *,
    actor: Actor | None = None,
    expected_id: str | None = None,
    by: Account | None = None,
    new: bool = False,
) -> Publisher:
    """Add or change ``publishers/<id>.yaml`` from YAML or JSON ``data``; refused with every problem, nothing written.

    ``new``: only a new organisation (a taken identifier is refused with ``organisation-exists``).
    ``by``: the signed-in person acting in the workspace (the commit's author is their organisation;
    ``actor`` is then not given). Changing an existing record needs ``expected_id``.
    """
    services.writable()
    if by is not None:
        if new:
            may_register(by)
        else:
            if expected_id is None:
                raise BadRequest("Welche Organisation geändert werden soll, fehlt.")
            may_change(by, expected_id)
        actor = actor_for(services.catalog, by.org)
    if not data.strip():
        raise BadRequest("Der Organisationseintrag ist leer.")
    if by is not None and not new and expected_id is not None and services.catalog.publisher(expected_id) is None:
        may_register(by)  # "changing" an unknown organisation registers it: the operator's job only
    record = register_organisation(
        services.catalog, data, actor=actor, expected_id=expected_id, new=new, person=by.email if by is not None else None
    )
    services.catch_up()
    return record
