"""publiccode.yml: export a package for software catalogues (Developers Italia, openCoDE), import a skeleton from one.

Exported as ``publiccodeYmlVersion: "0.4"`` with the keys and limits of 0.4
(shortDescription ≤ 150 characters, longDescription 150–10000, features, maintenance
contacts, localisation). ``organisation`` (name, uri) is the 0.5 way to name the
publishing administration; it is only written when the publisher's address is known,
and ``legal.repoOwner`` says the same for 0.4 readers. The German country section
``de`` lists LeiKa services as its docs define them: ``leika[]`` entries with
``themenfeld``, ``lebenslage`` and the mandatory ``leika-id``.
"""

from __future__ import annotations

import re
from typing import Any

import semver
import yaml

from hub.errors import FileNotFound
from hub.federation.text import cap, markdown_sections, one_line, shorten, slugify
from hub.federation.vocab import (
    ARTEFACT_LABELS_DE,
    ARTEFACT_LABELS_EN,
    CATEGORY_FROM_PUBLICCODE,
    FALLBACK_CATEGORY,
    PROCESS_CATEGORY,
    PUBLICCODE_CATEGORIES,
    PUBLICCODE_SCOPES,
    PUBLICCODE_THEMENFELD,
    THEMENFELD_FROM_PUBLICCODE,
    THEMENFELDER,
)
from hub.model import Manifest, Problem
from hub.store.catalog import Catalog
from hub.store.records import adoptions
from hub.validate import PackageFiles, validate_package
from hub.validate.manifest import MANIFEST, license_known
from hub.validate.yamlsafe import YamlError, load_yaml

PUBLICCODE_VERSION = "0.4"
PUBLICCODE_FILES = ("publiccode.yml", "publiccode.yaml")
SHORT_MAX = 150
LONG_MIN = 150
LONG_MAX = 10000
DEFAULT_BASE_URL = "https://transferhub.de"
_USING = ("pilot", "production")


# -- export -----------------------------------------------------------------------------------


def export_publiccode(catalog: Catalog, package_id: str, *, version: str | None = None, base_url: str | None = None) -> str:
    """The publiccode.yml (YAML text) of a package's latest (or given) version.

    ``base_url`` is where the hub is reachable; it makes the clone URL the ``url`` of
    packages that name no repository of their own, and the package page the landing page.
    """
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    package = catalog.get(package_id, version)
    m = package.manifest
    try:
        readme = catalog.read_file(package_id, "README.md", version=m.version).decode("utf-8", "replace")
    except FileNotFound:
        readme = ""
    record = catalog.publisher(m.publisher.id)
    organisation_url = m.publisher.url or (record.url if record is not None else None)
    users = [a.adopter_name or _publisher_name(catalog, a.adopter) for a in adoptions(catalog, package_id) if a.status in _USING]

    data: dict[str, Any] = {
        "publiccodeYmlVersion": PUBLICCODE_VERSION,
        "name": m.name,
        "url": m.url or f"{base}/git/{package_id}.git",
        "landingURL": f"{base}/pakete/{package_id}/",
        "softwareVersion": m.version,
        "releaseDate": m.release_date or package.published_at[:10],
        "platforms": ["web"],
        "categories": categories(m),
    }
    if users:
        data["usedBy"] = sorted(dict.fromkeys(users))
    data["developmentStatus"] = m.status.development
    data["softwareType"] = "configurationFiles"
    data["intendedAudience"] = {"countries": ["de"], "scope": sorted({"local-authorities", PUBLICCODE_SCOPES[m.classification.themenfeld]})}
    data["description"] = {"de": _description_de(m, readme, base)}
    if m.summary.en and m.description.en:
        data["description"]["en"] = _description_en(m, base)
    data["legal"] = {"license": m.license, "mainCopyrightOwner": m.publisher.name, "repoOwner": m.publisher.name}
    obsolete = m.status.development == "obsolete"
    data["maintenance"] = {"type": "none"} if obsolete else {"type": "internal", "contacts": [_contact(c, m) for c in m.contacts]}
    languages = ["de"] + (["en"] if "en" in data["description"] else [])
    data["localisation"] = {"localisationReady": len(languages) > 1, "availableLanguages": languages}
    if organisation_url:
        data["organisation"] = {"name": m.publisher.name, "uri": organisation_url}
    leika = _leika(m)
    if leika:
        data["de"] = {"countryExtensionVersion": "1.0", "leika": leika}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def _publisher_name(catalog: Catalog, publisher_id: str) -> str:
    record = catalog.publisher(publisher_id)
    return record.name if record is not None else publisher_id


def categories(m: Manifest) -> list[str]:
    """publiccode.yml categories for a package: mapped from the hub's categories, a workflow where there is a process model."""
    found: list[str] = []
    for category in m.classification.categories:
        found.extend(PUBLICCODE_CATEGORIES.get(category, []))
    if any(a.kind == "process-model" for a in m.artefacts):
        found.append(PROCESS_CATEGORY)
    return list(dict.fromkeys(found)) or [FALLBACK_CATEGORY]


def _contact(contact, m: Manifest) -> dict[str, str]:
    out = {"name": contact.name, "email": contact.email}
    if contact.phone:
        out["phone"] = contact.phone
    out["affiliation"] = m.publisher.name
    return out


def _leika(m: Manifest) -> list[dict[str, str]]:
    themenfeld = PUBLICCODE_THEMENFELD.get(m.classification.themenfeld, m.classification.themenfeld)
    lebenslage = m.classification.lebenslagen[0] if len(m.classification.lebenslagen) == 1 else None
    entries = []
    for key in m.classification.leika:
        entry = {"themenfeld": themenfeld}
        if lebenslage:
            entry["lebenslage"] = lebenslage
        entry["leika-id"] = key
        entries.append(entry)
    return entries


def _features_de(m: Manifest) -> list[str]:
    features = [f"{ARTEFACT_LABELS_DE[a.kind]}: {a.title or a.path}" for a in m.artefacts]
    if m.adoption is not None and m.adoption.steps:
        features.append(f"Leitfaden zur Nachnutzung in {len(m.adoption.steps)} Schritten")
    if m.status.production is not None:
        features.append(f"Im Produktivbetrieb seit {m.status.production.since}")
    return features


def _features_en(m: Manifest) -> list[str]:
    features = [f"{ARTEFACT_LABELS_EN[a.kind]}: {a.title or a.path}" for a in m.artefacts]
    if m.adoption is not None and m.adoption.steps:
        features.append(f"Adoption guide in {len(m.adoption.steps)} steps")
    if m.status.production is not None:
        features.append(f"In production since {m.status.production.since}")
    return features


def _long(parts: list[str], fallbacks: list[str]) -> str:
    """Paragraphs up to at least 150 characters (adding fallbacks as needed), at most 10000."""
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    for extra in fallbacks:
        if len(text) >= LONG_MIN:
            break
        text = f"{text}\n\n{extra}".strip()
    return cap(text, LONG_MAX)


def absolute_links(markdown: str, base: str, package_id: str) -> str:
    """Relative Markdown links of a package file made absolute (to the file in the hub's API): they leave the package here."""

    def repl(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^([a-z][a-z0-9+.-]*:|#|/)", target, re.IGNORECASE):
            return match.group(0)
        return f"{match.group(1)}({base}/api/v1/packages/{package_id}/files/{target.removeprefix('./')})"

    return re.sub(r"(!?\[[^\]]*\])\(([^)\s]+)\)", repl, markdown)


def _description_de(m: Manifest, readme: str, base: str) -> dict[str, Any]:
    sections = {name: absolute_links(text, base, m.id) for name, text in markdown_sections(readme).items()}
    parts = [m.description.de]
    if len(m.description.de) < LONG_MIN:
        for name, label in (("problem", "Problem"), ("lösung", "Lösung"), ("loesung", "Lösung")):
            if sections.get(name):
                parts.append(f"**{label}:** {sections[name]}")
    artefacts = ", ".join(ARTEFACT_LABELS_DE[a.kind] + (f" „{a.title}“" if a.title else "") for a in m.artefacts)
    fallbacks = [
        m.summary.de,
        f"„{m.name}“ ist ein Lösungspaket von {m.publisher.name} im OZG-Themenfeld {m.classification.themenfeld}. Es enthält: {artefacts}.",
        f"Paket, Versionen und Nachnutzungen stehen im Transferhub unter {base}/pakete/{m.id}/; das Paket lässt sich mit git clone übernehmen.",
    ]
    return {
        "localisedName": m.name,
        "shortDescription": shorten(m.summary.de, SHORT_MAX),
        "longDescription": _long(parts, fallbacks),
        "documentation": f"{base}/pakete/{m.id}/",
        "features": _features_de(m),
    }


def _description_en(m: Manifest, base: str) -> dict[str, Any]:
    artefacts = ", ".join(ARTEFACT_LABELS_EN[a.kind] + (f" “{a.title}”" if a.title else "") for a in m.artefacts)
    fallbacks = [
        m.summary.en or "",
        f"“{m.name}” is a solution package published by {m.publisher.name}. It contains: {artefacts}.",
        f"Package, versions and adoptions are listed in the Transferhub at {base}/pakete/{m.id}/; it can be adopted with git clone.",
    ]
    return {
        "shortDescription": shorten(m.summary.en or "", SHORT_MAX),
        "longDescription": _long([m.description.en or ""], fallbacks),
        "documentation": f"{base}/pakete/{m.id}/",
        "features": _features_en(m),
    }


# -- import -----------------------------------------------------------------------------------


def _problem(code: str, message: str, pointer: str | None = None, file: str = MANIFEST) -> Problem:
    return Problem(code=code, file=file, pointer=pointer, message=message)


def _text(value: Any) -> str | None:
    return one_line(value) if isinstance(value, str) and value.strip() else None


def _lang_section(description: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The German and English description sections (German falls back to the first language present)."""
    if not isinstance(description, dict):
        return {}, {}
    sections = {str(k): v for k, v in description.items() if isinstance(v, dict)}
    de = next((v for k, v in sections.items() if k.lower().split("-")[0] == "de"), None)
    en = next((v for k, v in sections.items() if k.lower().split("-")[0] == "en"), None)
    if de is None:
        de = next(iter(sections.values()), {})
    return de, (en or {})


def import_publiccode(text: str | bytes, *, publisher_id: str | None = None) -> tuple[PackageFiles, list[Problem]]:
    """A package skeleton (``hub.yaml``, ``README.md``, the original ``publiccode.yml``) and what it still lacks.

    The problems (German, codes ``publiccode-…``) name everything a hub package needs
    beyond publiccode.yml: a process model or other artefact, contacts with e-mail,
    the Themenfeld, evidence of production, the README's sections. Once all are
    dealt with, the package validates. ``publisher_id`` fixes the publisher's id
    (otherwise derived from the organisation's name).
    """
    data_bytes = text.encode("utf-8") if isinstance(text, str) else text
    try:
        doc = load_yaml(data_bytes).data
    except YamlError as exc:
        return PackageFiles(files={}), [
            Problem(code="publiccode-syntax", file="publiccode.yml", line=exc.line, message=f"publiccode.yml ist kein gültiges YAML: {exc}")
        ]
    if not isinstance(doc, dict):
        return PackageFiles(files={}), [
            _problem("publiccode-syntax", "publiccode.yml enthält kein YAML-Objekt mit Schlüsseln.", file="publiccode.yml")
        ]
    problems: list[Problem] = []
    de, en = _lang_section(doc.get("description"))

    name = _text(de.get("localisedName")) or _text(doc.get("name"))
    if not name:
        problems.append(_problem("publiccode-name", "publiccode.yml nennt keinen Namen („name“); bitte im Manifest eintragen.", "/name"))
    repo_url = _text(doc.get("url")) or ""
    slug = slugify(repo_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")) if repo_url else ""
    slug = slug or slugify(name or "") or "paket"

    organisation = _section(doc.get("organisation"))
    legal = _section(doc.get("legal"))
    publisher_name = _text(organisation.get("name")) or _text(legal.get("repoOwner")) or _text(legal.get("mainCopyrightOwner"))
    publisher = publisher_id or (slugify(publisher_name) if publisher_name else "")
    if not publisher:
        problems.append(
            _problem(
                "publiccode-publisher",
                "Der Herausgeber ist nicht bekannt (weder „organisation/name“ noch „legal/repoOwner“); "
                "bitte Kennung und Namen des Herausgebers eintragen.",
                "/publisher",
            )
        )
        publisher = "herausgeber"
    publisher_ref: dict[str, Any] = {"id": publisher, "name": publisher_name or publisher}
    uri = _text(organisation.get("uri"))
    if uri and re.match(r"^https?://", uri):
        publisher_ref["url"] = uri

    version = _text(doc.get("softwareVersion"))
    if version is None or not semver.Version.is_valid(version):
        shown = f"„{version}“ ist keine SemVer-Version" if version else "publiccode.yml nennt keine Version"
        problems.append(
            _problem(
                "publiccode-version",
                f"{shown}; das Gerüst verwendet 0.1.0. Bitte die Version des Pakets (MAJOR.MINOR.PATCH) eintragen.",
                "/version",
            )
        )
        version = "0.1.0"

    short = _text(de.get("shortDescription"))
    long_text = de.get("longDescription") if isinstance(de.get("longDescription"), str) else None
    if not short or len(short) < 10:
        problems.append(
            _problem("publiccode-description", "Es fehlt eine Kurzbeschreibung („shortDescription“, mindestens 10 Zeichen).", "/summary/de")
        )
    if not long_text or len(long_text.strip()) < 20:
        problems.append(
            _problem(
                "publiccode-description",
                "Es fehlt eine ausführliche Beschreibung („longDescription“, mindestens 20 Zeichen).",
                "/description/de",
            )
        )
    summary: dict[str, str] = {"de": shorten(short or name or slug, 200)}
    description: dict[str, str] = {"de": (long_text or short or name or slug).strip()}
    if (
        _text(en.get("shortDescription"))
        and isinstance(en.get("longDescription"), str)
        and len(en["shortDescription"]) >= 10
        and len(en["longDescription"].strip()) >= 20
    ):
        summary["en"] = shorten(en["shortDescription"], 200)
        description["en"] = en["longDescription"].strip()

    contacts, contact_problems = _contacts(doc.get("maintenance"))
    problems.extend(contact_problems)

    licence = _text(legal.get("license"))
    if not licence:
        problems.append(
            _problem(
                "publiccode-license", "publiccode.yml nennt keine Lizenz („legal/license“); bitte eine SPDX-Kennung eintragen.", "/license"
            )
        )
        licence = "NOASSERTION"
    elif not license_known(licence):
        problems.append(
            _problem("publiccode-license", f"„{licence}“ ist keine bekannte SPDX-Lizenz oder -Ausdruck; bitte prüfen.", "/license")
        )

    classification, class_problems = _classification(doc)
    problems.extend(class_problems)

    status = (
        doc.get("developmentStatus") if doc.get("developmentStatus") in ("concept", "development", "beta", "stable", "obsolete") else None
    )
    if status is None:
        problems.append(
            _problem(
                "publiccode-status",
                "publiccode.yml nennt keinen gültigen Entwicklungsstand („developmentStatus“); das Gerüst verwendet „development“.",
                "/status/development",
            )
        )
    if status in ("stable", "obsolete"):
        problems.append(
            _problem(
                "publiccode-production",
                "Ein Nachweis des Produktivbetriebs fehlt: seit wann (status.production.since), wo und mit welcher "
                "Fallzahl die Lösung läuft. publiccode.yml kennt diese Angaben nicht.",
                "/status/production",
            )
        )
    problems.append(
        _problem(
            "publiccode-process-model",
            "Das Paket enthält noch kein Artefakt. Ein Lösungspaket braucht mindestens eines, "
            "in der Regel ein Prozessmodell (BPMN 2.0 mit Diagramm) und ein Formularschema oder eine Konfiguration.",
            "/artefacts",
        )
    )

    manifest: dict[str, Any] = {
        "id": f"{publisher}/{slug}",
        "name": name or slug,
        "version": version,
    }
    release = _text(doc.get("releaseDate"))
    if release and re.match(r"^\d{4}-\d{2}-\d{2}$", release):
        manifest["release_date"] = release
    manifest["summary"] = summary
    manifest["description"] = description
    manifest["publisher"] = publisher_ref
    manifest["contacts"] = contacts
    manifest["license"] = licence
    manifest["classification"] = classification
    manifest["status"] = {"development": status or "development"}
    landing = _text(doc.get("landingURL")) or repo_url
    if landing and re.match(r"^https?://", landing):
        manifest["url"] = landing
    software = _dependencies(doc.get("dependsOn"))
    if software:
        manifest["adoption"] = {"requirements": {"software": software}}
    manifest["artefacts"] = []

    features = (
        [one_line(f) for f in de.get("features", []) if isinstance(f, str) and f.strip()] if isinstance(de.get("features"), list) else []
    )
    readme = _readme(name or slug, short, long_text, features, repo_url)
    problems.append(
        _problem(
            "publiccode-readme",
            "Die README.md ist nur ein Gerüst: bitte „Problem“, „Lösung“, „Nachnutzung“ und „Erfahrungen“ "
            "mit den eigenen Erfahrungen füllen.",
            file="README.md",
        )
    )
    files = {
        MANIFEST: yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=100).encode("utf-8"),
        "README.md": readme.encode("utf-8"),
        "publiccode.yml": data_bytes,
    }
    skeleton = PackageFiles(files=files, folder_name=slug)
    return skeleton, _complete(problems, skeleton)


def _contacts(maintenance: Any) -> tuple[list[dict[str, str]], list[Problem]]:
    raw = maintenance.get("contacts") if isinstance(maintenance, dict) else None
    contacts: list[dict[str, str]] = []
    problems: list[Problem] = []
    for contact in raw if isinstance(raw, list) else []:
        if not isinstance(contact, dict) or not _text(contact.get("name")):
            continue
        email = _text(contact.get("email"))
        if not email or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            problems.append(
                _problem(
                    "publiccode-contact-email",
                    f"Für „{contact['name']}“ fehlt eine E-Mail-Adresse; ein Lösungspaket braucht für jede Ansprechperson eine.",
                    f"/contacts/{len(contacts)}/email",
                )
            )
            continue
        entry = {"name": one_line(contact["name"]), "email": email}
        if _text(contact.get("affiliation")):
            entry["role"] = one_line(contact["affiliation"])
        phone = _text(contact.get("phone"))
        if phone and re.match(r"^\+?[0-9 ()/-]{5,30}$", phone):
            entry["phone"] = phone
        contacts.append(entry)
    if not contacts:
        problems.append(
            _problem(
                "publiccode-contacts",
                "Es gibt keine Ansprechperson mit E-Mail-Adresse („maintenance/contacts“); ein Lösungspaket braucht mindestens eine.",
                "/contacts",
            )
        )
    return contacts, problems


def _section(value: Any) -> dict[str, Any]:
    """A mapping of the document, or an empty one where the document has something else."""
    return value if isinstance(value, dict) else {}


def _classification(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    lower = doc.get("de")
    country = lower if isinstance(lower, dict) else _section(doc.get("DE"))
    entries = [e for e in country.get("leika", []) if isinstance(e, dict)] if isinstance(country.get("leika"), list) else []
    themen = [THEMENFELD_FROM_PUBLICCODE.get(str(e.get("themenfeld", "")).strip(), str(e.get("themenfeld", "")).strip()) for e in entries]
    themen = [t for t in dict.fromkeys(themen) if t]
    classification: dict[str, Any] = {}
    known = [t for t in themen if t in THEMENFELDER]
    if known:
        classification["themenfeld"] = known[0]
        if len(known) > 1:
            problems.append(
                _problem(
                    "publiccode-themenfeld",
                    f"publiccode.yml nennt mehrere Themenfelder ({', '.join(known)}); ein Paket hat genau eines. "
                    f"Das Gerüst verwendet „{known[0]}“.",
                    "/classification/themenfeld",
                )
            )
    else:
        shown = f" („{themen[0]}“ ist keines der 14 OZG-Themenfelder)" if themen else ""
        problems.append(
            _problem(
                "publiccode-themenfeld",
                f"Das OZG-Themenfeld fehlt{shown}; bitte eines der 14 Themenfelder eintragen (publiccode.yml: de/leika/themenfeld).",
                "/classification/themenfeld",
            )
        )
        classification["themenfeld"] = "Querschnittsleistungen"
    lebenslagen = [
        one_line(str(e["lebenslage"])) for e in entries if isinstance(e.get("lebenslage"), str) and len(e["lebenslage"].strip()) >= 3
    ]
    if lebenslagen:
        classification["lebenslagen"] = list(dict.fromkeys(lebenslagen))
    keys = [str(e.get("leika-id", "")).strip() for e in entries]
    valid_keys = [k for k in dict.fromkeys(keys) if re.match(r"^[0-9]{14}$", k)]
    for key in keys:
        if key and not re.match(r"^[0-9]{14}$", key):
            problems.append(
                _problem(
                    "publiccode-leika",
                    f"„{key}“ ist kein LeiKa-Schlüssel (14 Ziffern) und wurde nicht übernommen.",
                    "/classification/leika",
                )
            )
    if valid_keys:
        classification["leika"] = valid_keys
    cats = (
        [CATEGORY_FROM_PUBLICCODE[c] for c in doc.get("categories", []) if isinstance(c, str) and c in CATEGORY_FROM_PUBLICCODE]
        if isinstance(doc.get("categories"), list)
        else []
    )
    if cats:
        classification["categories"] = list(dict.fromkeys(cats))
    return classification, problems


def _dependencies(depends: Any) -> list[str]:
    names = []
    if isinstance(depends, dict):
        for kind in ("open", "proprietary", "hardware"):
            for dependency in depends.get(kind, []) if isinstance(depends.get(kind), list) else []:
                if isinstance(dependency, dict) and _text(dependency.get("name")) and len(dependency["name"].strip()) >= 2:
                    names.append(one_line(dependency["name"]))
    return list(dict.fromkeys(names))


def _readme(name: str, short: str | None, long_text: str | None, features: list[str], url: str) -> str:
    todo = "_Noch zu ergänzen._"
    lines = [f"# {name}", ""]
    if short:
        lines += [short, ""]
    lines += ["## Problem", "", todo, "", "## Lösung", ""]
    if long_text:
        lines += [long_text.strip(), ""]
    if features:
        lines += ["Funktionen:", ""] + [f"- {f}" for f in features] + [""]
    if not long_text and not features:
        lines += [todo, ""]
    lines += ["## Nachnutzung", "", todo, "", "## Erfahrungen", "", todo, ""]
    if url:
        lines += ["---", "", f"Aus der publiccode.yml von <{url}> übernommen.", ""]
    return "\n".join(lines)


def _complete(problems: list[Problem], skeleton: PackageFiles) -> list[Problem]:
    """Add what validation still finds where no publiccode problem covers it, so the list is complete."""
    covered = {p.pointer for p in problems if p.pointer}
    extra = []
    for problem in validate_package(skeleton).problems:
        pointer = problem.pointer or ""
        if problem.is_hint:
            continue
        if any(pointer == c or pointer.startswith(c + "/") for c in covered):
            continue
        extra.append(
            Problem(code="publiccode-incomplete", file=problem.file, pointer=problem.pointer, line=problem.line, message=problem.message)
        )
    return problems + extra
