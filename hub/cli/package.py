"""``hub validate`` and ``hub new``: what a publishing municipality runs before anything is published.

Kept apart from the catalogue commands in ``hub.cli`` so that the catalogue commands there and these package-folder
commands change independently.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub.cli.util import print_json, print_problems
from hub.errors import BadRequest
from hub.model import Problem
from hub.validate import PackageFiles, validate_package
from hub.validate.reportformats import gitlab_report, sarif_report
from hub.validate.skeleton import CI_FILE, DEFAULT_LICENSE, PLACEHOLDER_EMAIL, NewPackage, default_publisher_name, skeleton, themenfelder

EXIT_OK, EXIT_INVALID = 0, 1
Command = Callable[..., argparse.ArgumentParser]


def register(sub: Any, command: Command) -> None:
    p = command("validate", cmd_validate, "Pakete prüfen, ohne etwas zu schreiben; meldet alle Probleme.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="Paketordner")
    p.add_argument(
        "--format",
        choices=["text", "json", "gitlab", "sarif"],
        default=None,
        help="Ausgabe: text (Standard), json, gitlab (GitLab Code Quality für Merge Requests) oder sarif (SARIF 2.1.0)",
    )
    p.add_argument(
        "--id",
        dest="expected_id",
        metavar="ID",
        help="Kennung, die das Paket haben muss; ersetzt den Abgleich mit dem Ordnernamen (für CI, wo der Ordner wie das Repository heißt)",
    )

    p = command("new", cmd_new, "Ein neues, gültiges Paketgerüst anlegen: hub.yaml, README, BPMN-Modell, GitLab-CI.", json_flag=False)
    p.add_argument(
        "parent", nargs="?", default=".", metavar="ORDNER", help="Darin entsteht der Paketordner <kurzname>/ (Standard: aktueller Ordner)"
    )
    p.add_argument("--publisher", metavar="ID", help="Kennung des Herausgebers, z. B. stadt-paderborn")
    p.add_argument("--publisher-name", metavar="NAME", help="Name des Herausgebers (Standard: aus der Kennung, z. B. „Stadt Paderborn“)")
    p.add_argument("--slug", metavar="KURZNAME", help="Kurzname des Pakets, z. B. gewerbeanmeldung (zugleich Ordnername)")
    p.add_argument("--name", help="Anzeigename, z. B. „Digitale Gewerbeanmeldung“")
    p.add_argument("--themenfeld", metavar="THEMENFELD", help="OZG-Themenfeld (Name oder Nummer 1–14 aus der Liste)")
    p.add_argument("--license", default=None, metavar="SPDX", help=f"Lizenz als SPDX-Kennung (Standard: {DEFAULT_LICENSE})")
    p.add_argument("--email", metavar="ADRESSE", help="E-Mail der Ansprechperson (später in hub.yaml änderbar)")


# -- hub validate ----------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    output = args.format or ("json" if args.json else "text")
    reports: list[tuple[str, list[Problem]]] = []
    for path in args.paths:
        folder = Path(path)
        if not folder.is_dir():
            problems = [Problem(code="manifest-missing", file=".", message=f"„{folder}“ ist kein Ordner.")]
        else:
            problems = validate_package(PackageFiles.from_folder(folder), expected_id=args.expected_id).problems
        reports.append((str(path), problems))
        if output == "text":
            errors = _errors(problems)
            hints = len(problems) - len(errors)
            if errors:
                print(
                    f"✗ {path}: {_count(len(errors), 'Problem', 'Probleme')}"
                    + (f", {_count(hints, 'Hinweis', 'Hinweise')}" if hints else "")
                )
            else:
                print(f"✓ {path}: gültig" + (f", {_count(hints, 'Hinweis', 'Hinweise')} zur Qualität" if hints else ""))
            print_problems(problems, sys.stdout)
    if output == "json":
        print_json(
            [
                {"path": path, "valid": not _errors(problems), "problems": [{**p.to_dict(), "severity": p.severity} for p in problems]}
                for path, problems in reports
            ]
        )
    elif output == "gitlab":
        sys.stdout.write(json.dumps(gitlab_report(reports), ensure_ascii=False, indent=2) + "\n")
    elif output == "sarif":
        sys.stdout.write(json.dumps(sarif_report(reports), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK if all(not _errors(problems) for _, problems in reports) else EXIT_INVALID


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_hint]  # quality hints never make a package invalid


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


# -- hub new ----------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    ask = _asker()
    publisher = args.publisher or ask("Kennung des Herausgebers (z. B. stadt-paderborn)", "--publisher")
    publisher_name = args.publisher_name or (
        ask("Name des Herausgebers", "--publisher-name", default_publisher_name(publisher)) if sys.stdin.isatty() else None
    )
    slug = args.slug or ask("Kurzname des Pakets (z. B. gewerbeanmeldung)", "--slug")
    name = args.name or ask("Anzeigename (z. B. Digitale Gewerbeanmeldung)", "--name")
    themenfeld = _themenfeld(args.themenfeld) if args.themenfeld else _choose_themenfeld(ask)
    licence = args.license or (ask("Lizenz (SPDX)", "--license", DEFAULT_LICENSE) if sys.stdin.isatty() else DEFAULT_LICENSE)
    email = args.email or (ask("E-Mail der Ansprechperson", "--email", PLACEHOLDER_EMAIL) if sys.stdin.isatty() else PLACEHOLDER_EMAIL)
    answers = NewPackage(
        publisher=publisher.strip(),
        slug=slug.strip(),
        name=name.strip(),
        themenfeld=themenfeld,
        license=licence.strip(),
        publisher_name=publisher_name,
        email=email.strip(),
    )
    if errors := answers.errors():
        raise BadRequest(" ".join(errors))
    target = Path(args.parent) / answers.slug
    if target.exists() and any(target.iterdir()):
        raise BadRequest(f"„{target}“ gibt es schon und ist nicht leer; es wird nichts überschrieben.")
    files = skeleton(answers)
    for path, data in files.items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_bytes(data)
    problems = _errors(validate_package(PackageFiles.from_folder(target)).problems)  # the promise: valid as it stands
    print(f"Paketgerüst angelegt: {target} ({answers.id})")
    for path in sorted(files):
        print(f"  {path}")
    print("Nächste Schritte: README.md und hub.yaml ausfüllen (Ihr Editor prüft hub.yaml beim Tippen), das Prozessmodell ersetzen,")
    print(f"dann „hub validate {target}“. {CI_FILE} prüft jeden Merge Request und zeigt die Probleme dort an.")
    if problems:
        print_problems(problems, sys.stdout)
        return EXIT_INVALID
    return EXIT_OK


def _asker() -> Callable[..., str]:
    interactive = sys.stdin.isatty()

    def ask(question: str, flag: str, default: str | None = None) -> str:
        if not interactive:
            if default is not None:
                return default
            raise BadRequest(f"Es fehlt {flag}: ohne Terminal fragt „hub new“ nicht nach, alle Angaben kommen als Optionen.")
        while True:
            suffix = f" [{default}]" if default else ""
            answer = input(f"{question}{suffix}: ").strip()
            if answer or default is not None:
                return answer or str(default)

    return ask


def _themenfeld(value: str) -> str:
    fields = themenfelder()
    if value.isdigit() and 1 <= int(value) <= len(fields):
        return fields[int(value) - 1]
    folded = value.strip().casefold()
    match = [f for f in fields if f.casefold() == folded] or [f for f in fields if f.casefold().startswith(folded)]
    if len(match) == 1:
        return match[0]
    raise BadRequest(
        f"„{value}“ ist kein OZG-Themenfeld. Möglich (Name oder Nummer): " + ", ".join(f"{i} {f}" for i, f in enumerate(fields, 1)) + "."
    )


def _choose_themenfeld(ask: Callable[..., str]) -> str:
    if sys.stdin.isatty():
        for number, field in enumerate(themenfelder(), 1):
            print(f"  {number:>2}  {field}")
    return _themenfeld(ask("OZG-Themenfeld (Nummer oder Name)", "--themenfeld"))
