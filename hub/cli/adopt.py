"""The commands ``hub adopt`` and ``hub upstream status|diff|merge``.

``hub.cli`` adds them with ``register(sub, command)`` (its sub-parsers and its ``command``
helper); :func:`run` is a small entry point of its own with the same global ``--data`` option,
for tests and for calling the commands without the rest of the CLI. Handlers return an exit
code and raise :class:`~hub.errors.HubError` subclasses, which the caller turns into German
messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub.adopt.adopt import adopt, is_data_dir
from hub.adopt.text import render_adopt, render_diff, render_merge, render_status
from hub.adopt.transport import local_path
from hub.adopt.upstream import upstream_diff, upstream_merge, upstream_status
from hub.cli.util import catalog_path, open_catalog, print_json, split_ref
from hub.errors import BadRequest
from hub.usecases import adoptions

EXIT_OK = 0

Command = Callable[..., argparse.ArgumentParser]


def register(sub: Any, command: Command) -> None:
    """Add ``adopt`` and ``upstream`` through the CLI's ``command(name, handler, text, *, json_flag=True)`` helper."""
    p = command("adopt", cmd_adopt, "Ein Paket als eigenes Git-Repository übernehmen: ganze Versionsgeschichte, Tags und Herkunft.")
    p.add_argument("ref", metavar="ID[@VERSION]", help="Paketkennung, optional mit @Version (Standard: neueste)")
    p.add_argument("dir", metavar="DIR", type=Path, help="Zielordner (neu oder leer)")
    p.add_argument("--as", dest="org", required=True, metavar="ORG", help="Kennung der nachnutzenden Organisation")
    p.add_argument(
        "--from",
        dest="source",
        metavar="QUELLE",
        help="Datenverzeichnis eines Hubs, Adresse (http/https) oder Pfad eines Paket-Repositorys (Standard: das Datenverzeichnis)",
    )
    p.add_argument("--record", action="store_true", help="die Nachnutzung zugleich im Katalog erfassen (Stand planned)")
    p.add_argument(
        "--token",
        metavar="TOKEN",
        help="Token der nachnutzenden Organisation für einen Hub im Netz; wird in .git/config gemerkt, damit „hub upstream merge“ den Nachweis fortschreibt",
    )

    p = command(
        "upstream",
        cmd_upstream,
        "Übernommenes Paket mit dem Hub abgleichen: Stand, Unterschiede, Übernahme neuer Versionen.",
        json_flag=False,
    )
    actions = p.add_subparsers(dest="upstream_command", required=True, metavar="AKTION")
    t = actions.add_parser(
        "status",
        help="neuere Versionen im Hub und lokale Änderungen zeigen",
        description="Holt den Stand des Hubs und zeigt neuere Versionen und lokale Änderungen.",
    )
    t.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR", help="Repository (Standard: aktueller Ordner)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = actions.add_parser(
        "diff",
        help="was sich im Hub seit der übernommenen Version geändert hat",
        description="Dateien, Formularfelder, Prozessschritte und Konfigurationsschlüssel, die sich geändert haben.",
    )
    t.add_argument("version", nargs="?", metavar="VERSION", help="Vergleichsversion (Standard: neueste)")
    t.add_argument("--dir", type=Path, default=Path("."), help="Repository (Standard: aktueller Ordner)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = actions.add_parser(
        "merge",
        help="eine neuere Version übernehmen, lokale Änderungen bleiben",
        description="Führt eine Version aus dem Hub mit main zusammen (Drei-Wege-Merge); bei Konflikten wird nichts verändert.",
    )
    t.add_argument("version", nargs="?", metavar="VERSION", help="zu übernehmende Version (Standard: neueste)")
    t.add_argument("--dir", type=Path, default=Path("."), help="Repository (Standard: aktueller Ordner)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")


# -- handlers -------------------------------------------------------------------------------


def cmd_adopt(args: argparse.Namespace) -> int:
    package_id, version = split_ref(args.ref)
    data_dir = catalog_path(args).parent
    source = args.source if args.source is not None else str(data_dir)
    if args.source is None:
        open_catalog(args)  # like every command reading the catalogue: created and seeded on first use
    catalog = None
    source_path = local_path(source)
    if args.record and args.token is None and not (source_path is not None and is_data_dir(source_path)):
        if not is_data_dir(data_dir):
            raise BadRequest(
                f"Zum Erfassen der Nachnutzung (--record) fehlt ein Katalog: unter „{data_dir}“ liegt keiner (--data angeben)."
            )
        catalog = open_catalog(args)
    result = adopt(
        source,
        package_id,
        version,
        args.dir,
        as_org=args.org,
        record=args.record,
        catalog=catalog,
        recorder=adoptions.record_for_clone,
        token=args.token,
    )
    _out(args, result, render_adopt)
    return EXIT_OK


def cmd_upstream(args: argparse.Namespace) -> int:
    if args.upstream_command == "status":
        _out(args, upstream_status(args.dir), render_status)
    elif args.upstream_command == "diff":
        _out(args, upstream_diff(args.dir, args.version), render_diff)
    else:
        _out(args, upstream_merge(args.dir, args.version, advancer=adoptions.advance_for_clone), render_merge)
    return EXIT_OK


# -- helpers --------------------------------------------------------------------------------


def _out(args: argparse.Namespace, value: Any, render: Callable[[Any], str]) -> None:
    if getattr(args, "json", False):
        print_json(value)
    else:
        sys.stdout.write(render(value))
