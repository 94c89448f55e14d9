"""The ``hub`` command. Messages are German; exit codes are documented in docs/cli.md.

Exit codes: 0 success, 1 package invalid, 2 wrong usage, 3 not found,
4 conflict (version exists or is not newer, merge conflict), 5 catalogue or internal error.
"""

from __future__ import annotations

import argparse
import gc
import getpass
import gettext
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hub.adopt.errors import UpstreamUnreachable
from hub.cli import adopt as adopt_commands
from hub.cli import federation
from hub.cli import package as package_commands
from hub.cli.terminal import EXIT_BROKEN_PIPE, safe_output, silence_stdout
from hub.cli.util import data_dir, open_catalog, open_services, print_json, print_problems, split_ref
from hub.config import HubConfig
from hub.errors import BadRequest, HubError, problem_details
from hub.maturity import maturity
from hub.maturity.reports import (
    AdoptionReport,
    HistoryReport,
    MaturityReport,
    adoption_report,
    history_report,
    history_rows,
    maturity_report,
    to_csv,
)
from hub.maturity.spreadsheets import Row
from hub.settings import environment
from hub.store.audit import record_history
from hub.tokens import PERSON_ROLES, ROLES
from hub.usecases import accounts, adoptions, catalogue, organisations, reviews, tokens
from hub.usecases.publish import publish_folder

if TYPE_CHECKING:
    from hub.services import Services

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 5

_ARGPARSE_DE = {
    "usage: ": "Aufruf: ",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Wahl: %(value)r (möglich: %(choices)s)",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "positional arguments": "Angaben",
    "options": "Optionen",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "expected one argument": "erwartet einen Wert",
}
# argparse looks its sentences up through gettext at call time; answering in German here
# is simpler than a compiled catalogue for a handful of strings.
argparse._ = lambda message: _ARGPARSE_DE.get(message, gettext.gettext(message))  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="Transferhub: bewährte kommunale Lösungen teilen, finden und nachnutzen.")
    parser.add_argument("--data", metavar="DIR", type=Path, help="Datenverzeichnis (Standard: $HUB_DATA oder ~/.local/share/transferhub)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    def command(name: str, handler: Callable[[argparse.Namespace], int], text: str, *, json_flag: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        p.set_defaults(handler=handler)
        if json_flag:
            p.add_argument("--json", action="store_true", help="Ausgabe als JSON")
        return p

    package_commands.register(sub, command)  # validate and new: the package-folder commands
    command("init", cmd_init, "Datenrepository anlegen und aus dem eingebetteten Katalog befüllen.")
    p = command("publish", cmd_publish, "Eine Paketversion prüfen und veröffentlichen.")
    p.add_argument("path", metavar="PATH", help="Paketordner")
    command("list", cmd_list, "Alle Pakete des Katalogs auflisten.")
    p = command("show", cmd_show, "Ein Paket anzeigen (neueste oder eine bestimmte Version).")
    p.add_argument("ref", metavar="ID[@VERSION]", help="Paketkennung, optional mit @Version")
    p = command("versions", cmd_versions, "Veröffentlichte Versionen eines Pakets auflisten.")
    p.add_argument("id", metavar="ID")
    p = command("history", cmd_history, "Änderungshistorie eines Pakets (Commits im Katalog).")
    p.add_argument("id", metavar="ID")
    p = command("diff", cmd_diff, "Unterschiede zwischen zwei Versionen eines Pakets.")
    p.add_argument("id", metavar="ID")
    p.add_argument("old", metavar="V1")
    p.add_argument("new", metavar="V2")
    p = command("maturity", cmd_maturity, "Reifegrad eines Pakets mit allen Kriterien und Belegen.")
    p.add_argument("ref", metavar="ID[@VERSION]")
    p = command("report", cmd_report, "Berichte fürs Ministerium: Reifegrade, Nachnutzungen, Verlauf.", json_flag=False)
    p.add_argument("kind", choices=["maturity", "adoption", "history"], help="maturity, adoption oder history")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="Ausgabeformat (Standard: table)")
    p = command("adoption", cmd_adoption, "Nachnutzung erfassen oder fortschreiben (als nachnutzende Organisation).")
    p.add_argument(
        "action",
        choices=["create", "advance", "confirm"],
        help="create: neu erfassen; advance: Stand oder Version fortschreiben; confirm: als Herausgeber oder begutachtende Stelle bestätigen",
    )
    p.add_argument("ref", metavar="ID[@VERSION]")
    p.add_argument(
        "--as", dest="org", required=True, metavar="ORG", help="Kennung der handelnden Organisation (nachnutzend; bei confirm: bestätigend)"
    )
    p.add_argument("--adopter", metavar="ORG", help="confirm: Kennung der nachnutzenden Organisation")
    p.add_argument(
        "--kind",
        choices=["publisher", "reviewer"],
        default="publisher",
        help="confirm: als Herausgeber (publisher) oder begutachtende Stelle (reviewer)",
    )
    p.add_argument("--status", choices=["planned", "pilot", "production", "ended"], help="Stand (create: Standard planned)")
    p.add_argument("--date", help="Datum JJJJ-MM-TT (Standard: heute)")
    p.add_argument("--note", help="Anmerkung")
    p = command(
        "organisation", cmd_organisation, "Organisationen registrieren und auflisten (Herausgeber und Nachnutzende).", json_flag=False
    )
    org_sub = p.add_subparsers(dest="organisation_command", required=True, metavar="AKTION")
    t = org_sub.add_parser("add", help="Organisation aus einer YAML-Datei registrieren oder ändern (Schema publisher.schema.json)")
    t.add_argument("file", type=Path, metavar="DATEI")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = org_sub.add_parser("list", help="registrierte Organisationen auflisten")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    p = command(
        "audit", cmd_audit, "Verlauf aller Nachnutzungen und Begutachtungen eines Pakets: wer angab, wer bestätigte, wann (aus Git)."
    )
    p.add_argument("id", metavar="ID")
    p = command("review", cmd_review, "Reifegrad einer Version begutachten (als Ministerium).")
    p.add_argument("ref", metavar="ID@VERSION")
    p.add_argument("--as", dest="org", required=True, metavar="ORG", help="Kennung der begutachtenden Organisation")
    p.add_argument("--level", type=int, required=True, choices=range(5), metavar="0-4", help="Reifegrad 0–4")
    p.add_argument("--rationale", required=True, help="Begründung (mindestens 20 Zeichen)")
    p = command("site", cmd_site, "Statische Website bauen (hub site build).", json_flag=False)
    site_sub = p.add_subparsers(dest="site_command", required=True, metavar="AKTION")
    t = site_sub.add_parser("build", help="Website aus dem Katalog bauen; schreibt nur, was sich geändert hat")
    t.add_argument("--out", type=Path, default=Path("build/site"), help="Zielordner (Standard: build/site)")
    t.add_argument("--clone-base", default="", metavar="URL", help="Adresse, unter der die Website liegt (für die git-clone-Befehle)")
    t.add_argument("--ref", help="Stand des Katalogs (Standard: neuester)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    federation.register(sub, command)
    adopt_commands.register(sub, command)
    p = command(
        "serve",
        cmd_serve,
        "Den Hub starten: Website unter /, API unter /api/v1, Schemas unter /schemas/v1, Klone unter /git.",
        json_flag=False,
    )
    p.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="Port (Standard: 8000)")
    p.add_argument(
        "--workers", type=int, default=None, metavar="N", help="Prozesse über demselben Datenverzeichnis (Standard: einer je Prozessorkern)"
    )
    p.add_argument(
        "--follow",
        metavar="PRIMÄR-URL",
        help="als Nur-Lese-Replikat dem Hub unter dieser Adresse folgen: Lesen, Website, Suche und Klone von hier, Schreiben dort",
    )
    p.add_argument("--promote", action="store_true", help="ein bisheriges Replikat nimmt wieder Schreibzugriffe an (wird Primär-Hub)")
    p = command("token", cmd_token, "API-Tokens verwalten (gespeichert wird nur ein Hash).", json_flag=False)
    token_sub = p.add_subparsers(dest="token_command", required=True, metavar="AKTION")
    t = token_sub.add_parser("create", help="Token anlegen und einmalig anzeigen")
    t.add_argument("--org", required=True, help="Kennung der Organisation, für die das Token handelt")
    t.add_argument("--role", required=True, choices=list(ROLES), help="Rolle: publisher, adopter, reviewer oder admin")
    t.add_argument("--note", help="Notiz, z. B. wofür das Token dient")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = token_sub.add_parser("list", help="Tokens auflisten (ohne Geheimnis)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = token_sub.add_parser("revoke", help="Token widerrufen")
    t.add_argument("token_id", type=int, metavar="ID")
    p = command("user", cmd_user, "Konten für den Arbeitsbereich der Website verwalten (Passwort nur als Argon2-Hash).", json_flag=False)
    user_sub = p.add_subparsers(dest="user_command", required=True, metavar="AKTION")
    t = user_sub.add_parser("create", help="Konto anlegen; das Passwort wird verdeckt abgefragt")
    t.add_argument("email", metavar="EMAIL", help="E-Mail-Adresse der Person (zugleich ihr Anmeldename)")
    t.add_argument("--org", required=True, help="Kennung der registrierten Organisation, für die die Person handelt")
    t.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=list(PERSON_ROLES),
        help="Rolle (mehrfach möglich): " + ", ".join(PERSON_ROLES) + " (operator: Betrieb des ganzen Hubs)",
    )
    t.add_argument("--password-stdin", action="store_true", help="Passwort aus der ersten Zeile der Standardeingabe lesen")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = user_sub.add_parser("list", help="Konten auflisten (ohne Passwort-Hash)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = user_sub.add_parser("disable", help="Konto sperren und seine Sitzungen beenden")
    t.add_argument("email", metavar="EMAIL")
    t = user_sub.add_parser("enable", help="gesperrtes Konto wieder zulassen")
    t.add_argument("email", metavar="EMAIL")
    t = user_sub.add_parser("roles", help="die Rollen eines Kontos neu setzen (ersetzt die bisherigen)")
    t.add_argument("email", metavar="EMAIL")
    t.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        choices=list(PERSON_ROLES),
        help="Rolle (mehrfach möglich): " + ", ".join(PERSON_ROLES) + " (operator: Betrieb des ganzen Hubs)",
    )
    t = user_sub.add_parser(
        "reset-password", help="einmaligen Link zum Setzen eines neuen Passworts ausgeben, oder das Passwort direkt setzen"
    )
    t.add_argument("email", metavar="EMAIL")
    t.add_argument("--password-stdin", action="store_true", help="neues Passwort aus der ersten Zeile der Standardeingabe lesen und setzen")
    t.add_argument("--base-url", default=None, metavar="URL", help="Adresse des Hubs für den Link (Standard: $HUB_BASE_URL)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with safe_output():
        try:
            return _run(argv)
        except BrokenPipeError:  # the reader went away (`hub list | head`): stop quietly, as Unix tools do
            silence_stdout()
            return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        raise
    except HubError as exc:
        if getattr(args, "json", False):
            print_json(problem_details(exc))
        else:
            print(f"Fehler: {exc.detail}", file=sys.stderr)
            print_problems(exc.problems, sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback to the user
        if environment().debug:
            raise
        print(f"Interner Fehler ({type(exc).__name__}): {exc}. Mit HUB_DEBUG=1 erscheinen Einzelheiten.", file=sys.stderr)
        return EXIT_INTERNAL


# -- helpers -------------------------------------------------------------------------------


# -- commands ------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    done = catalogue.initialise(data_dir(args))
    if args.json:
        print_json({"path": done.path, "seeded": done.seeded, "packages": done.packages, "repaired_tags": done.repaired_tags})
    else:
        state = "angelegt und aus dem eingebetteten Katalog befüllt" if done.seeded else "vorhanden"
        print(f"Katalog {state}: {done.path} ({done.packages} Pakete)")
        for tag in done.repaired_tags:
            print(f"  fehlendes Tag wiederhergestellt: {tag}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        result = publish_folder(services, Path(args.path))
    if args.json:
        print_json(result)
    else:
        print(f"Veröffentlicht: {result.id} {result.version} (Commit {result.commit[:12]}, Tag {result.tag})")
        if result.hints:
            count = len(result.hints)
            print(f"{count} Hinweis{'e' if count != 1 else ''} zur Qualität (veröffentlicht, zählen aber gegen den Reifegrad):")
            print_problems(result.hints, sys.stdout)
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    manifests = open_catalog(args).manifests()
    if args.json:
        print_json(
            [
                {
                    "id": m.id,
                    "name": m.name,
                    "version": m.version,
                    "publisher": m.publisher.name,
                    "themenfeld": m.classification.themenfeld,
                    "status": m.status.development,
                }
                for m in manifests
            ]
        )
        return EXIT_OK
    width = max((len(m.id) for m in manifests), default=10)
    for m in manifests:
        print(f"{m.id:<{width}}  {m.version:<10}  {m.name}")
    print(f"{len(manifests)} Paket" if len(manifests) == 1 else f"{len(manifests)} Pakete")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    package_id, version = split_ref(args.ref)
    pkg = open_catalog(args).get(package_id, version)
    if args.json:
        print_json(pkg)
        return EXIT_OK
    m = pkg.manifest
    production = m.status.production
    print(f"{m.name} ({m.id} {m.version})")
    print(f"  {m.summary.de}")
    print(f"  Herausgeber:   {m.publisher.name}")
    print(f"  Lizenz:        {m.license}")
    print(f"  Themenfeld:    {m.classification.themenfeld}")
    if m.classification.leika:
        print(f"  LeiKa:         {', '.join(m.classification.leika)}")
    print(f"  Status:        {m.status.development}")
    if production is not None:
        volume = f", {production.cases_per_year:,} Fälle/Jahr".replace(",", ".") if production.cases_per_year is not None else ""
        print(f"  In Produktion: seit {production.since}{volume}")
    print(f"  Veröffentlicht: {pkg.published_at} von {pkg.published_by} (Commit {pkg.commit[:12]})")
    print("  Artefakte:")
    for a in m.artefacts:
        print(f"    {a.kind:<14} {a.path}" + (f"  – {a.title}" if a.title else ""))
    return EXIT_OK


def cmd_versions(args: argparse.Namespace) -> int:
    package_id, _ = split_ref(args.id)
    versions = open_catalog(args).versions(package_id)
    if args.json:
        print_json(versions)
    else:
        for v in versions:
            print(f"{v.version:<12} {v.published_at[:10]}  {v.published_by}  {v.commit[:12]}")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    package_id, _ = split_ref(args.id)
    entries = open_catalog(args).history(package_id)
    if args.json:
        print_json(entries)
    else:
        for e in entries:
            print(f"{e.commit[:12]} {e.time[:10]}  {e.author}: {e.summary}")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    package_id, _ = split_ref(args.id)
    diff = open_catalog(args).diff(package_id, args.old, args.new)
    if args.json:
        print_json(diff)
        return EXIT_OK
    marks = {"added": "+", "removed": "-", "modified": "~", "renamed": ">"}
    print(f"{diff.id}: {diff.from_version} → {diff.to_version}, {len(diff.files)} Datei(en) geändert")
    for f in diff.files:
        print(f"  {marks[f.status]} {f.path}  (+{f.additions} −{f.deletions})" + (f" (vorher {f.old_path})" if f.old_path else ""))
    print()
    print(diff.patch, end="")
    return EXIT_OK


def cmd_maturity(args: argparse.Namespace) -> int:
    package_id, version = split_ref(args.ref)
    result = maturity(open_catalog(args), package_id, version)
    if args.json:
        print_json(result)
        return EXIT_OK
    review = f", begutachtet am {result.review.date}" if result.review else ", nicht begutachtet"
    print(
        f"{result.package} {result.version}: Reifegrad {result.level} „{result.name}“{review} (berechnet: {result.computed_level} „{result.computed_name}“)"
    )
    for c in result.criteria:
        print(f"  {'✓' if c.met else '✗'} [{c.level}] {c.label}: {c.evidence}")
    if result.review:
        print(f"  Begründung: {result.review.rationale}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    catalog = open_catalog(args)
    report: MaturityReport | AdoptionReport | HistoryReport
    rows: Sequence[Row]
    if args.kind == "maturity":
        report = maturity_report(catalog)
        rows = report.packages
    elif args.kind == "adoption":
        report = adoption_report(catalog)
        rows = report.adoptions
    else:
        report = history_report(catalog)
        rows = history_rows(report)
    if args.format == "json":
        print_json(report)
    elif args.format == "csv":
        sys.stdout.write(to_csv(rows))
    else:
        dicts = [r if isinstance(r, dict) else r.to_dict() for r in rows]
        if dicts:
            widths = {k: max(len(k), *(len(str(d[k])) for d in dicts)) for k in dicts[0]}
            print("  ".join(k.ljust(w) for k, w in widths.items()))
            for d in dicts:
                print("  ".join(str(d[k]).ljust(w) for k, w in widths.items()))
    return EXIT_OK


def cmd_adoption(args: argparse.Namespace) -> int:
    package_id, version = split_ref(args.ref)
    with open_services(args) as services:
        actor = catalogue.actor(services, args.org)
        if args.action == "create":
            record = adoptions.record(services, actor, package_id, version, args.status or "planned", on=args.date, text=args.note)
        elif args.action == "advance":
            record = adoptions.advance(services, actor, package_id, args.status, version=version, on=args.date, text=args.note)
        else:
            record = adoptions.confirm(services, actor, package_id, args.adopter, args.kind, on=args.date, text=args.note)
            if args.json:
                print_json(record)
            else:
                print(
                    f"{actor.name} bestätigt: {record.adopter_name or record.adopter} nutzt {record.package} {record.version} nach ({record.status})."
                )
            return EXIT_OK
    if args.json:
        print_json(record)
    else:
        state = "bestätigt" if record.confirmations else "angegeben, noch nicht bestätigt"
        print(f"{actor.name} nutzt {record.package} {record.version} nach: {record.status} (seit {record.history[-1].date}; {state})")
    return EXIT_OK


def cmd_organisation(args: argparse.Namespace) -> int:
    if args.organisation_command == "add":
        if not args.file.is_file():
            raise BadRequest(f"„{args.file}“ ist keine Datei.")
        with open_services(args) as services:
            record = organisations.register(services, args.file.read_bytes())
        if args.json:
            print_json(record)
        else:
            print(f"Organisation registriert: {record.id} ({record.name})")
        return EXIT_OK
    records = sorted(open_catalog(args).publishers(), key=lambda r: r.id)
    if args.json:
        print_json(records)
    else:
        for r in records:
            print(f"{r.id:<32} {r.type:<16} {r.ags or '':<9} {r.name}")
    return EXIT_OK


def cmd_audit(args: argparse.Namespace) -> int:
    package_id, _ = split_ref(args.id)
    entries = record_history(open_catalog(args), package_id)
    if args.json:
        print_json(entries)
    else:
        for e in entries:
            print(f"{e.time[:10]}  {e.commit[:12]}  {e.author}: {e.summary}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    package_id, version = split_ref(args.ref)
    with open_services(args) as services:
        review = reviews.review(services, catalogue.actor(services, args.org), package_id, version, args.level, args.rationale)
    if args.json:
        print_json(review)
    else:
        computed = review.reviews[-1].computed_level
        print(f"Begutachtung gespeichert: {package_id} {version} Reifegrad {args.level} (berechnet: {computed}).")
    return EXIT_OK


def cmd_site(args: argparse.Namespace) -> int:
    from hub.site import build_site

    if args.out.resolve() == (Path(__file__).resolve().parent.parent / "site").resolve():
        raise BadRequest("Die Website wird nie in den Ordner site/ geschrieben (dort liegen Vorlagen); bitte einen anderen --out wählen.")
    clone_base = args.clone_base if not args.clone_base or args.clone_base.endswith("/") else args.clone_base + "/"
    # one process per core for the packages' pages (a command has no threads that forking could break)
    report = build_site(open_catalog(args), args.out, ref=args.ref, clone_base=clone_base, processes=os.cpu_count() or 1)
    if args.json:
        print_json(
            {
                "out": report.out,
                "commit": report.commit,
                "written": len(report.written),
                "skipped": report.skipped,
                "seconds": round(report.seconds, 3),
            }
        )
    else:
        print(
            f"Website gebaut: {report.out} (Stand {report.commit[:12]}): {len(report.written)} Dateien geschrieben, {report.skipped} unverändert, {report.seconds:.1f} s"
        )
        print(f"Ansehen: python3 -m http.server --directory {report.out} 8080  →  http://127.0.0.1:8080/")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    # granian over uvicorn: twice the requests per second on the same route (docs/benchmarks.md)
    from granian import Granian
    from granian.constants import Interfaces

    from hub.services import Services

    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise BadRequest("--workers muss mindestens 1 sein.")
    data = data_dir(args)
    started = time.perf_counter()
    _replica_role(args, data)
    services = Services.attach(HubConfig(data_dir=data))  # seeds a new catalogue
    if services.index.commit is None:
        # a first start: tags and search index before the first answer. The served site and then the clone exports
        # follow behind it (the follower's first step; a clone asked for meanwhile exports its package on the spot,
        # hub.api.controllers.git).
        # Later starts answer at once, and each worker's follower restores lost tags and catches index and exports up
        # to HEAD in the background
        services.repair()
        services.sync_index(later=True)  # search at once; maturity levels and the API's stored answers in that first step
    os.environ["HUB_DATA"] = str(data)  # the workers build their app from hub.api.served with this
    os.environ["HUB_SERVE_URL"] = f"http://{args.host}:{args.port}/"  # for the git clone commands on the pages
    environment.cache_clear()  # read again with the two above, here and in forked workers
    # the served site is never built before the first answer: each worker's follower brings it to HEAD in the
    # background, serving the pages of an older commit meanwhile, or (no pages for this address yet, a first start)
    # a German 503 with Retry-After until its first build is done; health's site_commit says which
    print(
        f"Transferhub: http://{args.host}:{args.port}/  (API: /api/v1, Doku: /api/v1/docs, Katalog: {services.catalog.path}; "
        f"bereit nach {time.perf_counter() - started:.1f} s, {workers} Prozess(e))"
        + (f"; Nur-Lese-Replikat von {services.primary}" if services.primary else ""),
        flush=True,
    )
    # what this process made so far lives on in the forked workers: their collections need not walk it (and, untouched,
    # its memory stays shared with them)
    gc.freeze()
    Granian(
        "hub.api.served:app",
        address=args.host,
        port=args.port,
        interface=Interfaces.ASGI,
        workers=workers,
        websockets=False,
        log_access=False,
    ).serve()
    return EXIT_OK


def _replica_role(args: argparse.Namespace, data: Path) -> None:
    """``--follow``: make the data folder a read replica and take the primary's catalogue once before serving;
    ``--promote``: a former replica takes writes again. Without either, a replica's folder is not served by mistake as a primary."""
    from hub.services import Services, mark_replica, replica_primary
    from hub.web.replica import Replica, read_state

    following = replica_primary(data)
    if args.follow and args.promote:
        raise BadRequest("--follow und --promote schließen einander aus.")
    if args.follow is None:
        if following is not None and not args.promote:
            raise BadRequest(
                f"Dieses Datenverzeichnis gehört zu einem Nur-Lese-Replikat von {following}. Weiter folgen: hub serve --follow {following}; "
                "zum Primär-Hub machen (nimmt dann Schreibzugriffe an): hub serve --promote."
            )
        if following is not None:
            mark_replica(data, None)
            print(f"Das bisherige Replikat von {following} nimmt ab jetzt Schreibzugriffe an.", flush=True)
        return
    primary = args.follow.strip().rstrip("/")
    if not primary.startswith(("http://", "https://")):
        raise BadRequest(f"--follow {args.follow!r} ist keine http(s)-Adresse eines Hubs.")
    mark_replica(data, primary)
    services = Services.attach(HubConfig(data_dir=data))
    Replica(services, primary, environment().replica_interval).step(force=True)
    state = read_state(data)
    if services.catalog.is_empty():
        raise UpstreamUnreachable(f"Das Replikat hat noch keinen Katalog und konnte ihn nicht vom Primär-Hub holen: {state.error}")
    if state.error:
        print(
            f"Warnung: {state.error} Das Replikat liefert seinen bisherigen Stand aus und versucht es weiter.", file=sys.stderr, flush=True
        )


def cmd_token(args: argparse.Namespace) -> int:
    services = open_services(args)
    if args.token_command == "create":
        token, record = tokens.create(services, args.org, args.role, args.note)
        if args.json:
            print_json({"token": token, **record.to_dict()})
        else:
            print(f"Token für {record.org} ({record.role}), Nummer {record.id}. Es wird nur jetzt angezeigt:")
            print(token)
    elif args.token_command == "list":
        records = tokens.listed(services)
        if args.json:
            print_json(records)
        else:
            for r in records:
                print(f"{r.id:>4}  {r.org:<30} {r.role:<10} {r.created}  {r.note or ''}")
    else:
        tokens.revoke(services, args.token_id)
        print(f"Token {args.token_id} widerrufen.")
    return EXIT_OK


def _new_password(args: argparse.Namespace) -> str:
    """From stdin's first line (``--password-stdin``) or typed twice at a hidden prompt; never a default."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise BadRequest("Kein Terminal für die verdeckte Passwortabfrage: das Passwort mit --password-stdin übergeben.")
    password = getpass.getpass("Passwort (wird nicht angezeigt): ")
    if getpass.getpass("Passwort wiederholen: ") != password:
        raise BadRequest("Die beiden Eingaben des Passworts stimmen nicht überein; es wurde kein Konto angelegt.")
    return password


def cmd_user(args: argparse.Namespace) -> int:
    services = open_services(args)
    if args.user_command == "create":
        account = accounts.create(services, args.email, args.org, args.roles, _new_password(args))
        if args.json:
            print_json(account)
        else:
            print(f"Konto {account.email} für {account.org} angelegt, Rollen: {', '.join(account.roles)}.")
    elif args.user_command == "list":
        people = accounts.listed(services)
        if args.json:
            print_json(people)
        else:
            for a in people:
                print(f"{a.email:<40} {a.org:<30} {','.join(a.roles):<30} {a.created}{'  gesperrt' if a.disabled else ''}")
    elif args.user_command == "disable":
        accounts.disable(services, args.email)
        print(f"Konto {args.email.strip()} gesperrt; seine Sitzungen sind beendet.")
    elif args.user_command == "enable":
        account = accounts.enable(services, args.email)
        print(f"Konto {account.email} wieder zugelassen.")
    elif args.user_command == "roles":
        account = accounts.set_roles(services, args.email, args.roles)
        print(f"Konto {account.email}: Rollen jetzt {', '.join(account.roles)}.")
    else:
        _reset_password(services, args)
    return EXIT_OK


def _reset_password(services: Services, args: argparse.Namespace) -> None:
    """``--password-stdin``: set it now; otherwise print a one-time link the person opens to set it themselves."""
    if args.password_stdin:
        account = accounts.set_password(services, args.email, sys.stdin.readline().rstrip("\r\n"))
        print(f"Neues Passwort für {account.email} gesetzt; alle seine Sitzungen sind beendet.")
        return
    account, token, expires = accounts.reset_link(services, args.email)
    base = (args.base_url or environment().base_url or "").rstrip("/")
    until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expires))
    print(f"{base}{accounts.reset_path(token)}")
    if not base:
        print("(an die Adresse des Hubs anhängen; mit --base-url oder HUB_BASE_URL steht sie davor)", file=sys.stderr)
    print(f"Einmaliger Link für {account.email}, gültig bis {until}; ein früherer Link gilt nicht mehr.", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
