"""The hub's errors and their RFC 9457 problem-details form.

Every error a user can cause is a :class:`HubError` subclass with a stable ``code``,
an HTTP ``status``, a CLI ``exit_code`` and a German ``title``. The domain raises
them; the API and the CLI only translate them, so neither has to know the cases.
"""

from __future__ import annotations

from typing import Any, ClassVar

from hub.model import Problem

PROBLEM_TYPE_BASE = "https://transferhub.de/problems/"


ERRORS: dict[str, type[HubError]] = {}
"""Every error code the hub can report, mapped to its class: filled as the classes are defined."""


class HubError(Exception):
    """Base class of every error the hub reports to a user.

    Each subclass must declare its own ``code`` and German ``title`` in its class body: inheriting
    them would make two errors indistinguishable to clients, so ``__init_subclass__`` refuses a
    class that forgets them, and refuses a code that another class already has. ``status`` and
    ``exit_code`` may be inherited (a ``NotFound`` subclass is a 404 like its parent).
    """

    code: ClassVar[str] = "internal-error"
    status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 5
    title: ClassVar[str] = "Interner Fehler"
    # seconds after which the same request may succeed (the answer's Retry-After header); None: not a matter of waiting.
    # Not a ClassVar: an error may know it only when raised (SignInThrottled)
    retry_after: int | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in ("code", "title") if name not in cls.__dict__]
        if missing:
            raise TypeError(f"{cls.__qualname__} must declare {' and '.join(missing)} in its class body")
        if cls.code in ERRORS:
            raise TypeError(f"error code {cls.code!r} of {cls.__qualname__} is already used by {ERRORS[cls.code].__qualname__}")
        ERRORS[cls.code] = cls

    def __init__(self, detail: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []

    def members(self) -> dict[str, Any]:
        """Extension members of the problem details (RFC 9457 § 3.2) beyond the standard ones."""
        return {}


ERRORS[HubError.code] = HubError


class BadRequest(HubError):
    """The request or command is malformed."""

    code = "bad-request"
    status = 400
    exit_code = 2
    title = "Ungültige Anfrage"


class InvalidPackage(HubError):
    """A package failed validation; ``problems`` lists every finding."""

    code = "package-invalid"
    status = 422
    exit_code = 1
    title = "Paket ist ungültig"


class NotFound(HubError):
    """Something asked for does not exist."""

    code = "not-found"
    status = 404
    exit_code = 3
    title = "Nicht gefunden"


class PackageNotFound(NotFound):
    """No package with this id exists in the catalogue."""

    code = "package-not-found"
    title = "Paket nicht gefunden"


class VersionNotFound(NotFound):
    """The package exists, the requested version does not."""

    code = "version-not-found"
    title = "Version nicht gefunden"


class RefNotFound(NotFound):
    """A branch, tag or commit that the catalogue does not have."""

    code = "ref-not-found"
    title = "Stand nicht gefunden"


class FileNotFound(NotFound):
    """A file that the package does not have."""

    code = "file-not-found"
    title = "Datei nicht gefunden"


class Conflict(HubError):
    """The request contradicts the catalogue's current state."""

    code = "conflict"
    status = 409
    exit_code = 4
    title = "Konflikt"


class VersionExists(Conflict):
    """This package version is already published; versions are immutable."""

    code = "version-exists"
    title = "Version bereits veröffentlicht"


class VersionNotNewer(Conflict):
    """A new version must be higher than the latest published one."""

    code = "version-not-newer"
    title = "Version ist nicht neuer"


class AdoptionExists(Conflict):
    """The organisation already has an adoption record for this package."""

    code = "adoption-exists"
    title = "Nachnutzung bereits erfasst"


class AdoptionStatusBackward(Conflict):
    """An adoption only moves forward: planned → pilot → production → ended."""

    code = "adoption-status-backward"
    title = "Stand kann nicht zurückgesetzt werden"


class Implausible(HubError):
    """A claim about an adoption or review that cannot be true; ``problems`` says which rule it breaks."""

    code = "record-implausible"
    status = 422
    exit_code = 1
    title = "Angabe nicht plausibel"


class OrganisationExists(Conflict):
    """Registering a new organisation under an identifier the registry already has (changing it is a separate job)."""

    code = "organisation-exists"
    title = "Organisation bereits registriert"


class OrganisationUnknown(Implausible):
    """Adoptions, confirmations, reviews and tokens belong to organisations registered in the catalogue."""

    code = "organisation-unknown"
    title = "Organisation nicht registriert"


class DateInFuture(Implausible):
    """An adoption or review dated after today."""

    code = "date-in-future"
    title = "Datum liegt in der Zukunft"


class DateBeforeRelease(Implausible):
    """An adoption dated before the adopted version was released."""

    code = "date-before-release"
    title = "Datum vor der Veröffentlichung der Version"


class DateOutOfOrder(Implausible):
    """A new step of an adoption dated before its previous step."""

    code = "date-out-of-order"
    title = "Datum vor dem letzten Stand"


class ConfirmationRefused(HubError):
    """Only the package's publisher or a reviewer confirms an adoption, never the adopter itself."""

    code = "confirmation-refused"
    status = 403
    exit_code = 2
    title = "Bestätigung nicht zulässig"


class ConfirmationExists(Conflict):
    """This organisation already confirmed the adoption in its current state."""

    code = "confirmation-exists"
    title = "Nachnutzung bereits bestätigt"


class Unauthorized(HubError):
    """No valid token was sent."""

    code = "unauthorized"
    status = 401
    exit_code = 2
    title = "Anmeldung erforderlich"


class Forbidden(HubError):
    """The token is valid but not allowed to do this."""

    code = "forbidden"
    status = 403
    exit_code = 2
    title = "Keine Berechtigung"


class PayloadTooLarge(HubError):
    """The upload exceeds the configured size limit."""

    code = "payload-too-large"
    status = 413
    exit_code = 1
    title = "Upload zu groß"


class PublishContention(Conflict):
    """The catalogue kept changing under a publish; it was not written."""

    code = "catalog-busy"
    title = "Katalog ausgelastet"


class ReadOnlyReplica(HubError):
    """This hub is a read replica (``hub serve --follow``): writes go to its primary, named in the detail.

    421 Misdirected Request, not 409: nothing about the request or the catalogue's state is wrong,
    it was only sent to a server that does not take writes; the same request to the primary succeeds.
    """

    code = "replica-read-only"
    status = 421
    exit_code = 4
    title = "Nur-Lese-Replikat"

    def __init__(self, primary: str) -> None:
        super().__init__(
            f"Dieser Hub ist ein Nur-Lese-Replikat und nimmt keine Änderungen an. Schreibzugriffe gehen an den Primär-Hub: {primary}"
        )
        self.primary = primary

    def members(self) -> dict[str, Any]:
        return {"primary": self.primary}


class ShuttingDown(HubError):
    """A publish arrived while the server was stopping; the publishes queued before it are still written.

    503, not 500: nothing went wrong, the same request succeeds once the server (or another) runs again."""

    code = "shutting-down"
    status = 503
    exit_code = 5
    title = "Server wird beendet"


class ReportsNotReady(HubError):
    """The ministry's reports are not written yet: a running hub answers them from its served site's files, which the
    site's first build writes, and never evaluates every package for a request.

    503, not 500: nothing went wrong, the same request succeeds once the site is built."""

    code = "reports-not-ready"
    status = 503
    exit_code = 5
    title = "Berichte werden erstellt"
    retry_after = 5


class CatalogError(HubError):
    """The data repository is missing, unreadable or inconsistent."""

    code = "catalog-error"
    status = 500
    exit_code = 5
    title = "Fehler im Datenrepository"


def problem_details(error: HubError, *, instance: str | None = None) -> dict[str, Any]:
    """Render an error as an RFC 9457 problem-details object (German title and detail)."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + error.code,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "code": error.code,
    }
    if instance is not None:
        body["instance"] = instance
    if error.problems:
        body["problems"] = [p.to_dict() for p in error.problems]
    body.update(error.members())
    return body
