"""CLI commands of federation: ``hub sources``, ``hub harvest``, ``hub feedback``, ``hub export``, ``hub import``.

``register(sub, command)`` adds them to the ``hub`` parser (``command`` is the
helper of ``hub.cli._parser``). Handlers take the argparse Namespace (``.data``,
``.json``), return an exit code and raise :class:`hub.errors.HubError` for errors,
which ``hub.cli.main`` turns into German messages and exit codes.

Exit codes: 0 success; 1 a harvest refused a version or could not reach a source,
or an input is invalid; 2 wrong usage; 3 not found; 4 another harvest runs; 5 catalogue error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from hub.cli.util import open_catalog, open_services, print_json, print_problems, split_ref
from hub.errors import BadRequest, Conflict, NotFound
from hub.federation.atom import atom_feed, feedback_feed
from hub.federation.errors import PubliccodeInvalid
from hub.federation.model import FORMATS, FeedbackItem, HarvestReport, Refused, SourceStatus
from hub.federation.publiccode import DEFAULT_BASE_URL, PUBLICCODE_FILES, export_publiccode, import_publiccode
from hub.federation.reports import publisher_feedback, read_report
from hub.federation.sources import SOURCES_FILE, get_source, load_sources
from hub.settings import environment
from hub.usecases import harvest as harvesting
from hub.usecases import sources as source_list

EXIT_OK, EXIT_INCOMPLETE = 0, 1

Command = Callable[..., argparse.ArgumentParser]


def register(sub: argparse._SubParsersAction, command: Command) -> None:
    """Add the federation commands through ``command(name, handler, text, json_flag=...)``."""
    p = command("sources", cmd_sources, "Quellen verwalten, aus denen der Hub Pakete erntet (sources.yaml im Katalog).", json_flag=False)
    actions = p.add_subparsers(dest="sources_command", required=True, metavar="AKTION")
    t = actions.add_parser("list", help="Eingetragene Quellen mit dem Ergebnis der letzten Ernte")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = actions.add_parser("set", help="Quellenliste aus einer Datei prüfen und in den Katalog schreiben")
    t.add_argument("file", type=Path, metavar="DATEI", help="YAML-Datei nach schemas/sources.schema.json")
    t.add_argument("--as", dest="org", metavar="ORG", help="Kennung der Organisation, die die Änderung verantwortet (Standard: der Hub)")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    t = actions.add_parser("report", help="Bericht der letzten Ernte einer Quelle")
    t.add_argument("name", metavar="QUELLE")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")

    p = command("harvest", cmd_harvest, "Pakete aus den Quellen ernten: prüfen, Neues veröffentlichen, je Quelle einen Bericht schreiben.")
    p.add_argument("source", nargs="?", metavar="QUELLE", help="nur diese Quelle (Standard: alle aktiven)")
    p.add_argument("--timeout", type=float, metavar="SEKUNDEN", help="Höchstdauer des Abholens je Quelle (Standard: 60)")

    p = command(
        "feedback",
        cmd_feedback,
        "Rückmeldungen an einen Herausgeber: abgelehnte Versionen, nicht mehr gültige Pakete, unerreichbare Quellen.",
    )
    p.add_argument("publisher", metavar="HERAUSGEBER")
    p.add_argument("--atom", action="store_true", help="als Atom-Feed ausgeben")
    p.add_argument("--base-url", default=None, metavar="URL", help="Adresse des Hubs für Links (Standard: $HUB_BASE_URL)")

    p = command("export", cmd_export, "Katalog oder Paket in Standardformaten ausgeben: publiccode.yml, DCAT-AP, Atom.", json_flag=False)
    kinds = p.add_subparsers(dest="export_kind", required=True, metavar="FORMAT")
    t = kinds.add_parser("publiccode", help="publiccode.yml eines Pakets")
    t.add_argument("ref", metavar="ID[@VERSION]")
    _output_options(t)
    t = kinds.add_parser("dcat", help="der Katalog als DCAT-AP (Turtle oder JSON-LD)")
    t.add_argument("--format", choices=list(FORMATS), default="turtle", help="turtle (Standard) oder json-ld")
    _output_options(t)
    t = kinds.add_parser("atom", help="Atom-Feed neuer Pakete und Versionen")
    t.add_argument("--publisher", metavar="HERAUSGEBER", help="nur Pakete dieses Herausgebers")
    t.add_argument("--limit", type=int, default=50, help="höchstens so viele Einträge (Standard: 50)")
    _output_options(t)

    p = command("import", cmd_import, "Ein Paketgerüst aus einer publiccode.yml erzeugen und auflisten, was noch fehlt.", json_flag=False)
    kinds = p.add_subparsers(dest="import_kind", required=True, metavar="FORMAT")
    t = kinds.add_parser("publiccode", help="publiccode.yml (Datei oder Ordner, der sie enthält)")
    t.add_argument("path", type=Path, metavar="PFAD")
    t.add_argument("--out", type=Path, required=True, metavar="ORDNER", help="Zielordner des Gerüsts (wird angelegt)")
    t.add_argument("--publisher", metavar="HERAUSGEBER", help="Kennung des Herausgebers (Standard: aus dem Namen der Organisation)")
    t.add_argument("--force", action="store_true", help="vorhandene Dateien im Zielordner überschreiben")
    t.add_argument("--json", action="store_true", help="Ausgabe als JSON")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="Adresse des Hubs für Links und Kennungen (Standard: $HUB_BASE_URL oder https://transferhub.de)",
    )
    parser.add_argument("--out", type=Path, metavar="DATEI", help="in eine Datei schreiben statt auf die Standardausgabe")


# -- helpers ----------------------------------------------------------------------------------


def _base_url(args: argparse.Namespace) -> str:
    return (getattr(args, "base_url", None) or environment().base_url or DEFAULT_BASE_URL).rstrip("/")


def _write(args: argparse.Namespace, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
        print(f"Geschrieben: {args.out} ({len(data)} Bytes)", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))


def _summary(report: HarvestReport) -> str:
    if report.status == "unreachable":
        return f"nicht erreichbar seit {report.since}: {report.reason}"
    return f"{len(report.accepted)} übernommen, {len(report.unchanged)} unverändert, {len(report.refused)} abgelehnt"


# -- commands ---------------------------------------------------------------------------------


def cmd_sources(args: argparse.Namespace) -> int:
    if args.sources_command == "set":
        if not args.file.is_file():
            raise BadRequest(f"„{args.file}“ ist keine Datei.")
        with open_services(args) as services:
            sources = source_list.replace(services, args.file.read_bytes(), actor=source_list.responsible(services, args.org))
        if args.json:
            print_json(sources)
        else:
            print(f"Quellenliste gespeichert ({SOURCES_FILE}): {len(sources)} Quelle(n)")
        return EXIT_OK
    catalog = open_catalog(args)
    if args.sources_command == "report":
        get_source(catalog, args.name)
        report = read_report(catalog, args.name)
        if report is None:
            raise NotFound(f"Die Quelle „{args.name}“ wurde noch nicht geerntet; es gibt keinen Bericht.")
        if args.json:
            print_json(report)
        else:
            _print_report(report)
        return EXIT_OK
    statuses = [SourceStatus(source=s, report=read_report(catalog, s.name)) for s in load_sources(catalog)]
    if args.json:
        print_json(statuses)
        return EXIT_OK
    if not statuses:
        print(f"Keine Quellen eingetragen. Mit „hub sources set DATEI“ eine {SOURCES_FILE} in den Katalog schreiben.")
    for status in statuses:
        s = status.source
        owner = "Hub" + (f" ({', '.join(s.publishers)})" if s.publishers else "") if s.hub else s.publisher
        state = "" if s.enabled else " [deaktiviert]"
        print(f"{s.name}{state}: {s.url} → {owner}")
        print(f"  letzte Ernte: {status.report.time} – {_summary(status.report)}" if status.report else "  noch nicht geerntet")
    return EXIT_OK


def _label(item: Refused | FeedbackItem) -> str:
    name = item.id or item.folder
    return f"{name} {item.version}" if item.version else name


def _print_report(report: HarvestReport) -> None:
    print(f"Quelle „{report.source}“ ({report.url}), Ernte {report.time}: {_summary(report)}")
    if report.commit:
        print(f"  Stand der Quelle: {report.commit}")
    for accepted in report.accepted:
        print(f"  ✓ {accepted.id} {accepted.version} übernommen (Commit {accepted.commit[:12]}, aus {accepted.origin.path})")
    for unchanged in report.unchanged:
        print(f"  = {unchanged.id} {unchanged.version} unverändert")
    for refused in report.refused:
        print(f"  ✗ {_label(refused)} abgelehnt (Ordner {refused.folder}, seit {refused.since}):")
        print_problems(refused.problems, sys.stdout, "      ")
    for stopped in report.stopped:
        print(
            f"  ! {stopped.id}: neueste Version der Quelle ({stopped.refused or 'unbekannt'}) ungültig; im Katalog bleibt {stopped.published}"
        )


def cmd_harvest(args: argparse.Namespace) -> int:
    stream = sys.stderr if args.json else sys.stdout
    with open_services(args) as services:
        reports = harvesting.harvest(
            services, args.source, progress=lambda message: print(message, file=stream, flush=True), timeout=args.timeout
        )
    if args.json:
        print_json(reports)
    complete = all(r.status == "ok" and not r.refused for r in reports)
    return EXIT_OK if complete else EXIT_INCOMPLETE


def cmd_feedback(args: argparse.Namespace) -> int:
    catalog = open_catalog(args)
    if catalog.publisher(args.publisher) is None and not any(s.publisher == args.publisher for s in load_sources(catalog)):
        raise NotFound(f"Den Herausgeber „{args.publisher}“ gibt es im Katalog nicht.")
    feedback = publisher_feedback(catalog, args.publisher)
    if args.atom:
        sys.stdout.write(feedback_feed(catalog, _base_url(args), args.publisher, feedback=feedback).decode("utf-8"))
        return EXIT_OK
    if args.json:
        print_json(feedback)
        return EXIT_OK
    if not (feedback.refused or feedback.stopped or feedback.unreachable):
        print(f"Keine Rückmeldungen für „{args.publisher}“: alle geernteten Versionen wurden übernommen.")
    for source in feedback.unreachable:
        print(f"Quelle „{source.source}“ nicht erreichbar (seit {source.since}): {source.reason}")
    for stopped in feedback.stopped:
        print(
            f"{stopped.id} validiert nicht mehr: Version {stopped.refused or '(unbekannt)'} in „{stopped.source}“ abgelehnt, im Katalog bleibt {stopped.published}"
        )
    for item in feedback.refused:
        print(f"Abgelehnt: {_label(item)} aus „{item.source}“ (Ordner {item.folder}, seit {item.since})")
        print_problems(item.problems, sys.stdout)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    catalog = open_catalog(args)
    base = _base_url(args)
    if args.export_kind == "publiccode":
        package_id, version = split_ref(args.ref)
        _write(args, export_publiccode(catalog, package_id, version=version, base_url=base))
    elif args.export_kind == "dcat":
        from hub.federation.dcat import export_dcat  # rdflib: loaded by this command only, not by every hub command

        _write(args, export_dcat(catalog, base, args.format))
    else:
        if args.limit < 1:
            raise BadRequest("--limit muss mindestens 1 sein.")
        _write(args, atom_feed(catalog, base, args.publisher, limit=args.limit))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.is_dir():
        found = next((path / name for name in PUBLICCODE_FILES if (path / name).is_file()), None)
        if found is None:
            raise NotFound(f"Im Ordner „{path}“ liegt keine publiccode.yml.")
        path = found
    elif not path.is_file():
        raise NotFound(f"„{path}“ gibt es nicht.")
    skeleton, problems = import_publiccode(path.read_bytes(), publisher_id=args.publisher)
    if not skeleton.files:
        raise PubliccodeInvalid(f"„{path}“ lässt sich nicht lesen; es wurde nichts geschrieben.", problems=problems)
    out: Path = args.out
    existing = [name for name in skeleton.files if (out / name).exists()]
    if existing and not args.force:
        raise Conflict(f"Im Zielordner „{out}“ liegen schon {', '.join(existing)}; mit --force überschreiben.")
    for name, data in skeleton.files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    if args.json:
        print_json({"path": str(out), "files": sorted(skeleton.files), "problems": problems})
        return EXIT_OK
    print(f"Paketgerüst geschrieben: {out} ({', '.join(sorted(skeleton.files))})")
    print(f"Noch zu ergänzen, bevor das Paket gültig ist ({len(problems)}):")
    print_problems(problems, sys.stdout)
    return EXIT_OK
