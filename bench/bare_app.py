"""A bare Litestar route returning constant JSON: the ceiling our API is measured against."""

from litestar import Litestar, get

PAYLOAD = {"id": "stadt-paderborn/gewerbeanmeldung", "name": "Digitale Gewerbeanmeldung", "version": "2.0.0"}


@get("/const", sync_to_thread=False)
def const() -> dict[str, str]:
    return PAYLOAD


app = Litestar([const])
