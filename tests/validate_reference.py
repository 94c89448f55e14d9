"""The validation parts as they were before they were made fast, kept as the oracle the fast ones must match.

tests/test_validate_equivalence.py runs each fast part (hub/validate/) and its reference here on every
seed and fixture package and on generated variants, and requires the same problems: same codes,
places and German sentences. The code is the hub's own from commit 78ae601, unchanged but for names.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml
from lxml import etree
from markdown_it import MarkdownIt

from hub.formschema import Field, FormSchema
from hub.model import Problem, unsafe_character
from hub.patterns import UnsupportedPattern, compile_pattern
from hub.validate.bpmn import _DOCTYPE, BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, FLOW_NODES, MAX_BPMN_BYTES, _q, parse_bpmn
from hub.validate.hints import (
    EVENTS,
    EXTERNAL_PARTIES,
    SUBPROCESSES,
    _bpmn,
    _container_hints,
    _has_definition,
    _label,
    _local,
    _name,
    _working_days,
    hint,
)
from hub.validate.jsondoc import SyntaxProblem, _pointer_to
from hub.validate.messages import pointer
from hub.validate.parsererrors import json_message, xml_message, yaml_message
from hub.validate.schemalimits import _REF_KEYS, MAX_EXPANDED, _resolve, _walk
from hub.validate.text import GIT_TRIMMED, ONE_LINE, SIGNATURE
from hub.validate.yamlsafe import MAX_DEPTH, MAX_NODES, YamlError, _Loader, check_node_limits

# -- hub/validate/text.py: the record walked string by string, a path built for each ------------


def unsafe_text(data: Any) -> Iterator[tuple[list[str | int], str]]:
    stack: list[tuple[list[str | int], Any, str | None]] = [([], data, None)]
    while stack:
        path, value, key = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and (bad := unsafe_character(k, one_line=True)) is not None:
                    yield [*path, k], f"Der Feldname enthält das unzulässige Zeichen U+{ord(bad):04X}."
                stack.append(([*path, k], v, k if isinstance(k, str) else None))
        elif isinstance(value, list):
            stack.extend(([*path, i], v, key) for i, v in enumerate(value))
        elif isinstance(value, str):
            one_line = key in ONE_LINE
            bad = unsafe_character(value, one_line=one_line, signature=key in SIGNATURE)
            if bad is not None:
                what = "spitze Klammern" if bad in "<>" else f"das Steuer- oder Sonderzeichen U+{ord(bad):04X}"
                yield path, f"Der Text enthält {what}; das ist hier nicht erlaubt (Git, XML, Feeds und Terminals verweigern es)."
            elif key in SIGNATURE and not value.strip():
                yield path, "Der Text besteht nur aus Leerzeichen."
            elif key in SIGNATURE and value != value.strip(GIT_TRIMMED):  # the rule added with 776a742, string by string
                yield (
                    path,
                    "Der Text beginnt oder endet mit einem Leerzeichen, Komma, Doppelpunkt, Semikolon, Anführungszeichen, Apostroph oder "
                    "Backslash – Git entfernt diese Zeichen am Anfang und Ende eines Autorennamens; bitte weglassen.",
                )


# -- hub/validate/jsondoc.py: the limits of a JSON document, node by node ---------------------


def check_value_limits(value: Any, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    count = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise SyntaxProblem(f"Das Dokument ist zu groß (mehr als {max_nodes} Knoten).", None, "document-too-large")
        if depth > max_depth:
            raise SyntaxProblem(f"Das Dokument ist zu tief verschachtelt (mehr als {max_depth} Ebenen).", None, "document-too-deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise SyntaxProblem(
                f"An der Stelle {_pointer_to(value, item) or '/'} steht eine Zahl, die JSON nicht kennt "
                "(NaN, Infinity oder eine Zahl über 1e308); eine endliche Zahl angeben.",
                None,
            )


# -- hub/validate/forms.py: the title check always through the field model --------------------


def missing_titles(path: str, schema: dict[str, Any]) -> Iterator[Problem]:
    def titled(found: Field) -> bool:
        return isinstance(found.title, str) and bool(found.title.strip())

    form = FormSchema(schema)
    if not titled(form.root):
        yield Problem(
            code="form-title-missing", file=path, pointer="/title", message="Das Formular braucht einen Titel („title“) auf oberster Ebene."
        )
    reported: set[tuple[str | int, ...]] = set()
    for found in form.fields():
        if titled(found) or found.source in reported:
            continue
        reported.add(found.source)
        yield Problem(
            code="form-title-missing",
            file=path,
            pointer=pointer(found.source),
            message=f"Das Feld „{found.name}“ hat keinen Titel; jedes Feld braucht eine deutsche Beschriftung („title“).",
        )


# -- hub/validate/markdown.py: one full markdown-it-py parse ------------------------------------


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def links(text: str) -> Iterator[tuple[str, int | None]]:
    """Every link and image target in ``text`` with the line of its block."""
    if "[" not in text and "<" not in text:
        return  # every link, image and reference needs "[", an autolink "<": no parse needed (most changelogs)
    for token in _parser().parse(text):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        for child in token.children:
            if child.type == "link_open":
                yield str(child.attrs.get("href", "")), line
            elif child.type == "image":
                yield str(child.attrs.get("src", "")), line


# -- hub/validate/bpmn.py: every element walked in Python ----------------------------------------


def check_bpmn(path: str, data: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> list[Problem]:
    def problem(code: str, message: str, line: int | None = None) -> Problem:
        return Problem(code=code, file=path, line=line, message=message)

    if len(data) > max_bytes:
        return [problem("bpmn-too-large", f"Das Prozessmodell ist {len(data) // 1024} KB groß; erlaubt sind {max_bytes // 1024} KB.")]
    if match := _DOCTYPE.search(data):
        line = data.count(b"\n", 0, match.start()) + 1
        return [problem("bpmn-dtd-forbidden", "DOCTYPE- und ENTITY-Deklarationen sind in Prozessmodellen nicht erlaubt.", line)]
    try:
        root = parse_bpmn(data)
    except etree.XMLSyntaxError as exc:
        return [problem("bpmn-syntax", xml_message(exc), exc.lineno)]
    # the byte search above sees only ASCII-compatible encodings; the parser decoded whatever the
    # declaration or BOM says (UTF-16, UTF-32, EBCDIC …), so ask it whether there was a DOCTYPE at all
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return [
            problem(
                "bpmn-dtd-forbidden",
                "DOCTYPE- und ENTITY-Deklarationen sind in Prozessmodellen nicht erlaubt (gleich in welcher Zeichenkodierung).",
            )
        ]
    if root.tag != _q(BPMN_NS, "definitions"):
        return [
            problem(
                "bpmn-namespace",
                f"Das Wurzelelement muss „definitions“ im Namensraum {BPMN_NS} sein, gefunden: „{etree.QName(root).localname}“ ({etree.QName(root).namespace or 'ohne Namensraum'}).",
                root.sourceline,
            )
        ]

    problems: list[Problem] = []
    ids: dict[str, etree._Element] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element_id = element.get("id")
        if element_id is None:
            continue
        if element_id in ids:
            problems.append(
                problem(
                    "bpmn-duplicate-id",
                    f"Die ID „{element_id}“ kommt mehrfach vor (zuerst in Zeile {ids[element_id].sourceline}).",
                    element.sourceline,
                )
            )
        else:
            ids[element_id] = element

    processes = root.findall(_q(BPMN_NS, "process"))
    if not processes:
        problems.append(problem("bpmn-no-process", "Das Modell enthält kein Element „process“.", root.sourceline))

    drawn: list[etree._Element] = []  # elements that need a shape
    flows: list[etree._Element] = []  # elements that need an edge
    for process in processes:
        label = process.get("name") or process.get("id") or "?"
        nodes = {
            el.get("id"): el
            for el in process.iter()
            if isinstance(el.tag, str) and etree.QName(el).namespace == BPMN_NS and etree.QName(el).localname in FLOW_NODES
        }
        drawn.extend(nodes.values())
        top_level = {etree.QName(el).localname for el in process}
        if nodes and "startEvent" not in top_level:
            problems.append(
                problem("bpmn-no-start-event", f"Der Prozess „{label}“ hat kein Startereignis (startEvent).", process.sourceline)
            )
        if nodes and "endEvent" not in top_level:
            problems.append(problem("bpmn-no-end-event", f"Der Prozess „{label}“ hat kein Endereignis (endEvent).", process.sourceline))
        for flow in process.iter(_q(BPMN_NS, "sequenceFlow")):
            flows.append(flow)
            for attr, role in (("sourceRef", "Quelle"), ("targetRef", "Ziel")):
                ref = flow.get(attr)
                if ref not in nodes:
                    problems.append(
                        problem(
                            "bpmn-flow-ref",
                            f"Der Sequenzfluss „{flow.get('id')}“ nennt als {role} „{ref or ''}“; ein solches Element gibt es in diesem Prozess nicht.",
                            flow.sourceline,
                        )
                    )
    for flow in root.iter(_q(BPMN_NS, "messageFlow")):
        flows.append(flow)
        for attr, role in (("sourceRef", "Quelle"), ("targetRef", "Ziel")):
            ref = flow.get(attr)
            if ref not in ids:
                problems.append(
                    problem(
                        "bpmn-flow-ref",
                        f"Der Nachrichtenfluss „{flow.get('id')}“ nennt als {role} „{ref or ''}“; ein solches Element gibt es nicht.",
                        flow.sourceline,
                    )
                )

    diagrams = root.findall(_q(BPMNDI_NS, "BPMNDiagram"))
    if not diagrams:
        if drawn or flows:
            problems.append(
                problem(
                    "bpmn-no-diagram",
                    "Das Modell enthält kein Diagramm (bpmndi:BPMNDiagram); ohne Diagrammdaten kann es nicht gezeichnet werden.",
                    root.sourceline,
                )
            )
        return problems

    shapes: set[str] = set()
    edges: set[str] = set()
    for shape in root.iter(_q(BPMNDI_NS, "BPMNShape")):
        shapes.add(shape.get("bpmnElement", ""))
        bounds = shape.find(_q(DC_NS, "Bounds"))
        if bounds is None or not all(_is_number(bounds.get(a)) for a in ("x", "y", "width", "height")):
            problems.append(
                problem(
                    "bpmn-shape-bounds",
                    f"Die Form für „{shape.get('bpmnElement')}“ hat kein vollständiges dc:Bounds (x, y, width, height).",
                    shape.sourceline,
                )
            )
    for edge in root.iter(_q(BPMNDI_NS, "BPMNEdge")):
        edges.add(edge.get("bpmnElement", ""))
        points = [p for p in edge.findall(_q(DI_NS, "waypoint")) if _is_number(p.get("x")) and _is_number(p.get("y"))]
        if len(points) < 2:
            found = "keinen gültigen Wegpunkt" if not points else "nur einen gültigen Wegpunkt"
            problems.append(
                problem(
                    "bpmn-edge-waypoints",
                    f"Die Kante für „{edge.get('bpmnElement')}“ hat {found}; nötig sind mindestens zwei.",
                    edge.sourceline,
                )
            )
    for node in drawn:
        if node.get("id") not in shapes:
            problems.append(
                problem(
                    "bpmn-missing-shape",
                    f"„{_bpmn_label(node)}“ ({etree.QName(node).localname}) hat keine Form im Diagramm (bpmndi:BPMNShape).",
                    node.sourceline,
                )
            )
    for flow in flows:
        if flow.get("id") not in edges:
            problems.append(
                problem(
                    "bpmn-missing-edge", f"Der Fluss „{flow.get('id')}“ hat keine Kante im Diagramm (bpmndi:BPMNEdge).", flow.sourceline
                )
            )
    return problems


def _bpmn_label(element: etree._Element) -> str:
    return element.get("name") or element.get("id") or "?"


def _is_number(value: str | None) -> bool:
    if value is None:
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


# -- hub/validate/hints.py: the model parsed again, every element walked -------------------------


def bpmn_hints(path: str, data: bytes) -> list[Problem]:
    """The modelling rules on one BPMN file; a file that does not parse has errors already, no hints."""
    if len(data) > MAX_BPMN_BYTES or b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return []
    try:
        root = parse_bpmn(data)
    except etree.XMLSyntaxError:
        return []
    hints: list[Problem] = []
    message_ends: set[str] = set()
    for flow in root.iter(f"{{{BPMN_NS}}}messageFlow"):
        message_ends.update(filter(None, (flow.get("sourceRef"), flow.get("targetRef"))))
    for container in [*root.iter(f"{{{BPMN_NS}}}process"), *(el for el in root.iter() if _local(el) in SUBPROCESSES and _bpmn(el))]:
        hints.extend(_container_hints(path, container))
    for element in root.iter():
        if not _bpmn(element):
            continue
        kind = _local(element)
        if kind in EVENTS and not _name(element):
            hints.append(
                hint(
                    "bpmn-event-unlabelled",
                    path,
                    f"Das Ereignis „{element.get('id')}“ ({kind}) hat keinen Namen; Ereignisse beschreiben einen Zustand, z. B. „Antrag eingegangen“.",
                    line=element.sourceline,
                )
            )
        sends = kind == "sendTask" or (
            kind in {"intermediateThrowEvent", "endEvent"} and _has_definition(element, "messageEventDefinition")
        )
        receives = kind == "receiveTask" or (
            kind in {"intermediateCatchEvent", "startEvent"} and _has_definition(element, "messageEventDefinition")
        )
        if (sends or receives) and element.get("id") not in message_ends:
            what = "sendet" if sends else "empfängt"
            hints.append(
                hint(
                    "bpmn-message-flow-missing",
                    path,
                    f"„{_label(element)}“ ({kind}) {what} eine Nachricht, hat aber keinen Nachrichtenfluss; die Gegenseite gehört als eigener Pool ins Modell.",
                    line=element.sourceline,
                )
            )
        if kind == "lane" and EXTERNAL_PARTIES.search(_name(element)):
            hints.append(
                hint(
                    "bpmn-external-lane",
                    path,
                    f"Die Lane „{_name(element)}“ steht für eine externe Partei; sie gehört als eigener (zugeklappter) Pool mit Nachrichtenflüssen ins Modell, nicht in den Pool der Behörde.",
                    line=element.sourceline,
                )
            )
        if kind == "timerEventDefinition":
            hints.extend(_working_days(path, element))
    return hints


# -- hub/validate/schemalimits.py: patterns, references and expanded size, walk by walk ----------


def schema_limit_problems(schema: Any, file: str) -> list[Problem]:
    problems = _pattern_problems(schema, file)
    refs = _ref_problems(schema, file)
    return problems + refs


def _objects(node: Any) -> list[dict[str, Any]]:
    """Every object in ``node``, without their places: the cheap pass that finds nothing in a sound schema."""
    found: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _patterns_compile(schema: Any) -> bool:
    for node in _objects(schema):
        pattern = node.get("pattern")
        properties = node.get("patternProperties")
        try:
            if isinstance(pattern, str):
                compile_pattern(pattern)
            if isinstance(properties, dict):
                for key in properties:
                    compile_pattern(key)
        except UnsupportedPattern:
            return False
    return True


def _pattern_problems(schema: Any, file: str) -> list[Problem]:
    if _patterns_compile(schema):
        return []  # the places are only worked out for a schema that has a problem
    problems = []
    for node, where in _walk(schema, []):
        candidates = []
        if isinstance(node.get("pattern"), str):
            candidates.append((node["pattern"], [*where, "pattern"]))
        if isinstance(node.get("patternProperties"), dict):
            candidates += [(key, [*where, "patternProperties", key]) for key in node["patternProperties"]]
        for pattern, place in candidates:
            try:
                compile_pattern(pattern)
            except UnsupportedPattern as exc:
                problems.append(
                    Problem(
                        code="schema-pattern-unsupported",
                        file=file,
                        pointer=pointer(place),
                        message=f"Der reguläre Ausdruck ist nicht erlaubt ({exc}); erlaubt ist, was RE2 in linearer Zeit prüft (keine Rückverweise, kein Lookaround).",
                    )
                )
    return problems


def _ref_problems(schema: Any, file: str) -> list[Problem]:
    """Unknown references, reference cycles and the expanded size, in one pass with memoised sizes."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    problems: list[Problem] = []

    def children(node: Any) -> list[Any]:
        found = list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
        if isinstance(node, dict):
            for key in _REF_KEYS:
                if isinstance(node.get(key), str):
                    known, target = _resolve(schema, node[key])
                    if known and target is not None:
                        found.append(target)
        return found

    unknown = any(isinstance(node.get(key), str) and not _resolve(schema, node[key])[0] for node in _objects(schema) for key in _REF_KEYS)
    for node, where in _walk(schema, []) if unknown else ():
        for key in _REF_KEYS:
            if isinstance(node.get(key), str) and not _resolve(schema, node[key])[0]:
                problems.append(
                    Problem(
                        code="schema-too-complex",
                        file=file,
                        pointer=pointer([*where, key]),
                        message=f"Der Verweis „{node[key]}“ zeigt auf nichts im Schema und auf kein Schema des Hubs.",
                    )
                )
    if problems:
        return problems

    known_children: dict[int, list[Any]] = {}  # each node's children are worked out once, not on the way in and out
    stack: list[tuple[Any, bool]] = [(schema, False)]
    while stack:
        node, finished = stack.pop()
        node_id = id(node)
        if finished:
            active.discard(node_id)
            sizes[node_id] = 1 + sum(sizes.get(id(c), 1) for c in known_children[node_id])
            if sizes[node_id] > MAX_EXPANDED:
                return [
                    Problem(
                        code="schema-too-complex",
                        file=file,
                        message=f"Das Schema ist mit allen Verweisen aufgelöst zu groß (mehr als {MAX_EXPANDED} Teilschemata).",
                    )
                ]
            continue
        if node_id in sizes or not isinstance(node, (dict, list)):
            continue
        if node_id in active:
            return [
                Problem(
                    code="schema-too-complex",
                    file=file,
                    message="Das Schema verweist über „$ref“ auf sich selbst; rekursive Schemata sind in Paketen nicht erlaubt.",
                )
            ]
        active.add(node_id)
        stack.append((node, True))
        known_children[node_id] = found = children(node)
        stack.extend((child, False) for child in found if id(child) not in sizes)
    return []


# -- hub/validate/yamlsafe.py: PyYAML's own resolver and constructor --------------------------------


class _ReferenceLoader(_Loader):
    resolve = yaml.resolver.BaseResolver.resolve


def load_yaml(data: bytes) -> tuple[Any, yaml.Node | None]:
    """PyYAML's generic resolve and construct_document on the same loader, limits and errors as load_yaml."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    loader = _ReferenceLoader(text)
    try:
        node = loader.get_single_node()
        check_node_limits(node)
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise YamlError(*yaml_message(exc)) from None
    finally:
        loader.dispose()
    return value, node


# -- hub/validate/jsondoc.py: JSON read by json alone (before msgspec read it first) -----------------


def load_json(data: bytes) -> Any:
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SyntaxProblem(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(json_message(exc.msg, exc.lineno, exc.colno), exc.lineno) from None
    except RecursionError:
        raise SyntaxProblem(f"Das Dokument ist zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen).", None, "document-too-deep") from None
    check_value_limits(value)
    return value
