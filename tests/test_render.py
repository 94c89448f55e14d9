"""Process diagrams (BPMN → SVG) and form previews (JSON Schema → HTML) for the package pages.

The outputs are parsed back (SVG as XML, HTML with lxml.html) and checked against the
models they were drawn from: every seed BPMN and every seed form schema, plus hostile input.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from hub.render.bpmn.measure import HYPHEN, text_width, wrap_text
from hub.render.bpmn.model import Box, Model, load
from hub.render.bpmn_svg import render_bpmn_svg
from hub.render.form_preview import render_form_preview
from hub.resources import catalog_dir
from hub.store.versions import version_key
from hub.validate.bpmn import BPMN_NS, DC_NS, DI_NS, FLOW_NODES, check_bpmn, parse_bpmn
from tests.factory import BPMN, FORM

SVG = "http://www.w3.org/2000/svg"
S = {"s": SVG}
PACKAGES = catalog_dir() / "packages"
BPMN_FILES = sorted(p for folder in PACKAGES.glob("*/*") for p in folder.rglob("*.bpmn"))
FORM_FILES = sorted(PACKAGES.glob("*/*/formulare/*.schema.json"))
TASK_TYPES = {"task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask", "scriptTask"}


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGES))


def _parse_svg(svg: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(svg.encode(), parser)
    assert root.tag == f"{{{SVG}}}svg"
    return root


def _computed(element: etree._Element, name: str) -> str | None:
    """A presentation attribute as the element gets it: its own, or the nearest ancestor's (they are inherited, and the
    drawing says each only where it differs from what the element inherits)."""
    while element is not None:
        value = element.get(name)
        if value is not None:
            return value
        element = element.getparent()
    return None


def _texts(node: etree._Element) -> str:
    """The drawn text of a group or label: its lines joined, without drawn hyphens or tooltips."""
    lines = []
    for text in node.iter(f"{{{SVG}}}text"):
        lines.extend(t.text or "" for t in text.findall("s:tspan", S))
    return " ".join(lines)


def _squash(text: str) -> str:
    return "".join(text.split())


def _model(data: bytes) -> dict[str, Any]:
    root = parse_bpmn(data)
    elements = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).namespace == BPMN_NS]
    nodes = [e for e in elements if etree.QName(e).localname in FLOW_NODES]
    flows = [e for e in elements if etree.QName(e).localname in ("sequenceFlow", "messageFlow")]
    bounds = [b for b in root.iter(f"{{{DC_NS}}}Bounds")]
    waypoints = [(float(p.get("x")), float(p.get("y"))) for p in root.iter(f"{{{DI_NS}}}waypoint")]
    return {"root": root, "nodes": nodes, "flows": flows, "bounds": bounds, "waypoints": waypoints}


def _viewbox(svg: etree._Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in svg.get("viewBox").split())
    return x, y, x + w, y + h


# --------------------------------------------------------------------------- BPMN → SVG


def test_the_seed_catalogue_has_process_models_and_forms():
    assert len(BPMN_FILES) >= 20 and len(FORM_FILES) >= 15


@pytest.mark.parametrize("path", BPMN_FILES, ids=_rel)
def test_every_seed_process_model_is_drawn_completely(path):
    data = path.read_bytes()
    assert check_bpmn(path.name, data) == []
    model = _model(data)
    svg = _parse_svg(render_bpmn_svg(data))

    # accessible: an image with a German title and a description listing the tasks
    assert svg.get("role") == "img"
    title, desc = svg.find("s:title", S), svg.find("s:desc", S)
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    process_names = [p.get("name") for p in model["root"].iter(f"{{{BPMN_NS}}}process") if p.get("name")]
    assert title.text.startswith("Prozessdiagramm: ") and process_names[0] in title.text
    tasks = [n for n in model["nodes"] if etree.QName(n).localname in TASK_TYPES and n.get("name")]
    positions = [desc.text.find(" ".join(t.get("name").split())) for t in tasks]
    assert all(p >= 0 for p in positions), desc.text
    assert svg.get("width") == "100%" and svg.get("viewBox")

    # exactly one drawn element per flow node and per flow, classed by type
    drawn = Counter(e.get("data-element-id") for e in svg.iter() if e.get("data-element-id") is not None)
    for element in model["nodes"] + model["flows"]:
        assert drawn[element.get("id")] == 1, element.get("id")
    by_id = {e.get("data-element-id"): e for e in svg.iter() if e.get("data-element-id") is not None}
    for element in model["nodes"] + model["flows"]:
        kind = etree.QName(element).localname
        assert f"bpmn-{kind}" in by_id[element.get("id")].get("class").split()

    # every name is drawn as text: tasks inside their box, the others as labels
    labels: dict[str, str] = {}
    for label in svg.iterfind(".//s:text[@data-label-for]", S):
        labels[label.get("data-label-for")] = labels.get(label.get("data-label-for"), "") + " " + _texts(label)
    for element in model["nodes"] + model["flows"]:
        name = element.get("name")
        if not name:
            continue
        kind = etree.QName(element).localname
        group = by_id[element.get("id")]
        drawn_text = _texts(group) if kind in TASK_TYPES or kind in ("callActivity", "subProcess") else labels.get(element.get("id"), "")
        assert _squash(drawn_text) == _squash(name), (element.get("id"), drawn_text)
    for task in tasks:  # a task's text is inside its box (centred on it)
        rect = by_id[task.get("id")].find("s:rect", S)
        x, w = float(rect.get("x")), float(rect.get("width"))
        for tspan in by_id[task.get("id")].iterfind(".//s:text/s:tspan", S):
            assert float(tspan.get("x")) == pytest.approx(x + w / 2)

    # the viewBox holds every shape and every waypoint
    x1, y1, x2, y2 = _viewbox(svg)
    for b in model["bounds"]:
        bx, by, bw, bh = (float(b.get(a)) for a in ("x", "y", "width", "height"))
        assert x1 <= bx and y1 <= by and bx + bw <= x2 and by + bh <= y2
    for px, py in model["waypoints"]:
        assert x1 <= px <= x2 and y1 <= py <= y2

    # edges: polylines through the waypoints, with arrowheads that exist in the document
    ids = {e.get("id") for e in svg.iter() if e.get("id")}
    for flow in model["flows"]:
        line = by_id[flow.get("id")].find("s:polyline", S)
        marker = _computed(line, "marker-end")
        assert marker and marker.startswith("url(#") and marker[5:-1] in ids
        if etree.QName(flow).localname == "messageFlow":
            assert _computed(line, "stroke-dasharray")
    _assert_self_contained(svg)


def _assert_self_contained(svg: etree._Element) -> None:
    ids = {e.get("id") for e in svg.iter() if e.get("id")}
    for element in svg.iter():
        if not isinstance(element.tag, str):
            continue
        assert etree.QName(element).namespace == SVG
        assert etree.QName(element).localname not in ("script", "foreignObject", "image", "use", "a", "style")
        for name, value in element.attrib.items():
            assert not etree.QName(name).localname.lower().startswith("on"), name
            assert etree.QName(name).localname != "href"
            for ref in re.findall(r"url\(([^)]*)\)", value):
                assert ref.startswith("#") and ref[1:] in ids, ref


def test_gewerbeanmeldung_is_drawn_like_bpmn_io():
    path = PACKAGES / "stadt-paderborn" / "gewerbeanmeldung@2.0.0" / "prozess" / "gewerbeanmeldung.bpmn"
    data = path.read_bytes()
    svg = _parse_svg(render_bpmn_svg(data))
    by_id = {e.get("data-element-id"): e for e in svg.iter() if e.get("data-element-id") is not None}

    pool = by_id["Participant_Gewerbeanmeldung"]
    assert "Stadt Paderborn – Gewerbeamt" in _texts(pool)
    assert "rotate(-90" in pool.find(".//s:text", S).get("transform")  # the vertical name band
    assert "rotate(-90" in by_id["Lane_Amt"].find(".//s:text", S).get("transform")
    for black_box in (by_id["Empfaenger"], by_id["Gewerbetreibende"]):  # pools without process: the name in the middle
        assert black_box.find(".//s:text", S).get("transform") is None

    assert "bpmn-userTask" in by_id["Pruefen"].get("class")
    assert by_id["Pruefen"].find("s:rect", S).get("rx") == "10"
    for task_id in ("Pruefen", "Plausibilitaet", "Versand", "Uebernehmen"):
        assert by_id[task_id].find("s:g[@class='bpmn-icon']", S) is not None

    start, end = by_id["Start"].findall("s:circle", S), by_id["Ende"].findall("s:circle", S)
    assert len(start) == 1 and _computed(start[0], "stroke-width") == "2"
    assert len(end) == 1 and _computed(end[0], "stroke-width") == "4"
    assert "bpmn-message-event" in by_id["Ergaenzt"].get("class")

    assert by_id["GwVollstaendig"].find("s:polygon", S) is not None
    assert by_id["GwVollstaendig"].find("s:g[@class='bpmn-marker']/s:path", S) is not None  # ×
    assert by_id["GwSplit"].find("s:g[@class='bpmn-marker']/s:path", S).get("d").startswith("M0,-13 V13")  # +

    yes_no = {_texts(t) for t in svg.iterfind(".//s:text[@data-label-for]", S) if t.get("data-label-for").startswith("Flow_Gw")}
    assert {"ja", "nein"} <= yes_no
    root = parse_bpmn(data)
    edge = next(
        e
        for e in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge")
        if e.get("bpmnElement") == "Flow_Uebernehmen_Plausibilitaet"
    )
    waypoints = " ".join(f"{float(w.get('x')):g},{float(w.get('y')):g}" for w in edge.iterfind(f"{{{DI_NS}}}waypoint"))
    assert by_id["Flow_Uebernehmen_Plausibilitaet"].find("s:polyline", S).get("points") == waypoints
    message = by_id["Message_Versand_Empfaenger"].find("s:polyline", S)
    assert _computed(message, "marker-start") and _computed(message, "stroke-dasharray")

    # timers: a non-interrupting boundary timer is dashed, an interrupting one is not
    zuwendung = _parse_svg(
        render_bpmn_svg(
            (PACKAGES / "bezirksregierung-detmold" / "zuwendungsverfahren@1.1.0" / "prozess" / "zuwendungsverfahren.bpmn").read_bytes()
        )
    )
    timer = next(e for e in zuwendung.iter() if e.get("data-element-id") == "Frist")
    assert "bpmn-timer-event" in timer.get("class") and len(timer.findall("s:circle", S)) == 2
    assert _computed(timer.find("s:circle", S), "stroke-dasharray")
    payment = _parse_svg(render_bpmn_svg((PACKAGES / "stadt-paderborn" / "e-payment@1.0.0" / "prozess" / "e-payment.bpmn").read_bytes()))
    assert not _computed(next(e for e in payment.iter() if e.get("data-element-id") == "Frist").find("s:circle", S), "stroke-dasharray")

    # layers: pools first, then sequence flows, the shapes on top, message flows over them, labels last
    layers = [g.get("class") for g in svg.find("s:g[@class='bpmn-canvas']", S)]
    assert layers == [
        "bpmn-layer-pools",
        "bpmn-layer-containers",
        "bpmn-layer-flows",
        "bpmn-layer-nodes",
        "bpmn-layer-attached",
        "bpmn-layer-messages",
        "bpmn-layer-labels",
    ]


def test_title_and_description_of_the_minimal_model():
    svg = _parse_svg(render_bpmn_svg(BPMN.encode()))
    assert svg.find("s:title", S).text == "Prozessdiagramm: Testprozess"
    assert "1. Antrag prüfen" in svg.find("s:desc", S).text
    svg = _parse_svg(render_bpmn_svg(BPMN.encode(), title="Gewerbe <anmelden> & mehr"))
    assert svg.find("s:title", S).text == "Prozessdiagramm: Gewerbe <anmelden> & mehr"


HOSTILE = '<script>alert("x")</script> & Co'


def test_names_are_escaped():
    escaped = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    data = BPMN.replace('name="Antrag prüfen"', f'name="{escaped}"').replace('name="Antrag eingegangen"', 'name="a]]&gt;&lt;/text&gt;"')
    data = data.replace('<bpmn:sequenceFlow id="Flow_1"', '<bpmn:sequenceFlow id="Flow_1" name="&lt;b onload=&quot;x()&quot;&gt;"')
    svg_text = render_bpmn_svg(data.encode(), title="</title><script>alert(1)</script>")
    assert "<script" not in svg_text and "&lt;script&gt;" in svg_text
    svg = _parse_svg(svg_text)
    assert not list(svg.iter(f"{{{SVG}}}script")) and not list(svg.iter("script", "b"))
    task = next(e for e in svg.iter() if e.get("data-element-id") == "Task_1")
    assert _squash(_texts(task)) == _squash(HOSTILE)
    assert any(_texts(t) == '<b onload="x()">' for t in svg.iterfind(".//s:text[@data-label-for='Flow_1']", S))
    _assert_self_contained(svg)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"kein XML",
        b'{"bpmn": true}',
        b"<html><body>Prozess</body></html>",
        b'<definitions xmlns="http://example.org/not-bpmn"/>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
        BPMN.encode()[:400],
    ],
    ids=["empty", "text", "json", "html", "other-namespace", "doctype", "truncated"],
)
def test_input_that_is_not_bpmn_is_refused_in_german(data):
    with pytest.raises(ValueError, match=r"BPMN|Prozessmodell"):
        render_bpmn_svg(data)


ODD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:x="urn:x" id="D" targetNamespace="urn:t">
  <bpmn:collaboration id="C">
    <bpmn:participant id="P1" processRef="Proc1" />
    <bpmn:participant id="P2" name="Zweiter Pool" processRef="Proc2" />
  </bpmn:collaboration>
  <bpmn:process id="Proc1">
    <bpmn:startEvent id="S1"><bpmn:timerEventDefinition /></bpmn:startEvent>
    <bpmn:scriptTask id="T1" />
    <bpmn:subProcess id="Sub1" name="Teilprozess">
      <bpmn:startEvent id="S2" />
      <bpmn:multiInstanceLoopCharacteristics isSequential="true" />
    </bpmn:subProcess>
    <bpmn:callActivity id="Call1" name="Aufruf"><bpmn:standardLoopCharacteristics /></bpmn:callActivity>
    <bpmn:eventBasedGateway id="G1" />
    <bpmn:inclusiveGateway id="G2" name="Inklusiv" default="F2" />
    <bpmn:complexGateway id="G3" />
    <bpmn:intermediateThrowEvent id="E1" name="Signal"><bpmn:signalEventDefinition /></bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="End1"><bpmn:terminateEventDefinition /><bpmn:errorEventDefinition /></bpmn:endEvent>
    <bpmn:dataObjectReference id="DO1" name="Akte" dataObjectRef="DObj" />
    <bpmn:dataObject id="DObj" isCollection="true" />
    <bpmn:dataStoreReference id="DS1" name="Register" />
    <bpmn:textAnnotation id="A1"><bpmn:text>Hinweis &lt;wichtig&gt;</bpmn:text></bpmn:textAnnotation>
    <bpmn:association id="As1" sourceRef="T1" targetRef="A1" />
    <bpmn:sequenceFlow id="F1" sourceRef="S1" targetRef="T1" />
    <bpmn:sequenceFlow id="F2" name="sonst" sourceRef="G2" targetRef="End1" />
    <bpmn:sequenceFlow id="F3" sourceRef="T1" targetRef="G2"><bpmn:conditionExpression>x</bpmn:conditionExpression></bpmn:sequenceFlow>
    <x:fancyThing id="X1" />
  </bpmn:process>
  <bpmn:process id="Proc2"><bpmn:task id="Other" name="Aufgabe im anderen Prozess" /></bpmn:process>
  <bpmndi:BPMNDiagram id="Dia">
    <bpmndi:BPMNPlane id="Plane" bpmnElement="Proc1">
      <bpmndi:BPMNShape id="P1_di" bpmnElement="P1" isHorizontal="false"><dc:Bounds x="0" y="0" width="900" height="500" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="S1_di" bpmnElement="S1"><dc:Bounds x="50" y="82" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="T1_di" bpmnElement="T1"><dc:Bounds x="120" y="60" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Sub1_di" bpmnElement="Sub1" isExpanded="true"><dc:Bounds x="260" y="40" width="300" height="160" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="S2_di" bpmnElement="S2"><dc:Bounds x="300" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Call1_di" bpmnElement="Call1"><dc:Bounds x="600" y="60" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="G1_di" bpmnElement="G1"><dc:Bounds x="50" y="250" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="G2_di" bpmnElement="G2"><dc:Bounds x="150" y="250" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="G3_di" bpmnElement="G3"><dc:Bounds x="250" y="250" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="E1_di" bpmnElement="E1"><dc:Bounds x="350" y="257" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End1_di" bpmnElement="End1"><dc:Bounds x="450" y="257" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="DO1_di" bpmnElement="DO1"><dc:Bounds x="550" y="250" width="36" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="DS1_di" bpmnElement="DS1"><dc:Bounds x="650" y="250" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="A1_di" bpmnElement="A1"><dc:Bounds x="750" y="250" width="100" height="40" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Other_di" bpmnElement="Other"><dc:Bounds x="50" y="380" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="X1_di" bpmnElement="X1"><dc:Bounds x="0" y="0" width="10" height="10" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Ghost_di" bpmnElement="Ghost"><dc:Bounds x="5000" y="5000" width="10" height="10" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Proc_di" bpmnElement="Proc1"><dc:Bounds x="-900" y="0" width="10" height="10" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="NaN_di" bpmnElement="P2"><dc:Bounds x="NaN" y="0" width="inf" height="10" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="86" y="100" /><di:waypoint x="120" y="100" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="200" y="275" /><di:waypoint x="450" y="275" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3"><di:waypoint x="170" y="140" /><di:waypoint x="175" y="250" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="As1_di" bpmnElement="As1"><di:waypoint x="220" y="100" /><di:waypoint x="750" y="270" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Short_di" bpmnElement="S1"><di:waypoint x="1" y="1" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_unusual_models_render_without_crashing():
    svg = _parse_svg(render_bpmn_svg(ODD.encode()))
    by_id = {e.get("data-element-id"): e for e in svg.iter() if e.get("data-element-id") is not None}
    assert set(by_id) == {
        "P1",
        "S1",
        "T1",
        "Sub1",
        "S2",
        "Call1",
        "G1",
        "G2",
        "G3",
        "E1",
        "End1",
        "DO1",
        "DS1",
        "A1",
        "Other",
        "F1",
        "F2",
        "F3",
        "As1",
    }
    assert "Aufgabe im anderen Prozess" in _texts(by_id["Other"])  # an element of another process is still drawn
    assert x_less(svg, 4000)  # the dangling shape at 5000,5000 is not drawn, the viewBox ignores it
    assert _computed(by_id["Call1"].find("s:rect", S), "stroke-width") == "4"
    assert _computed(by_id["Sub1"].find("s:rect", S), "fill") == "none"  # expanded: its content shows through
    assert "bpmn-timer-event" in by_id["S1"].get("class") and "bpmn-signal-event" in by_id["E1"].get("class")
    assert by_id["G2"].find(".//s:circle", S) is not None and by_id["G1"].findall(".//s:circle", S)
    assert "bpmn-default-flow" in by_id["F2"].get("class")
    assert _computed(by_id["F2"].find("s:polyline", S), "marker-end").startswith("url(#")
    assert _computed(by_id["F2"].find("s:path[@class='bpmn-default-marker']", S), "marker-end") == "none"  # no arrow on the slash
    assert _computed(by_id["F3"].find("s:polyline", S), "marker-start")
    assert "Hinweis <wichtig>" in _texts(by_id["A1"])
    assert _computed(by_id["As1"].find("s:polyline", S), "stroke-dasharray")
    assert by_id["P1"].find(".//s:text", S) is None  # no name, no text
    assert {m.get("class").split()[1] for m in svg.iterfind(".//s:g[@class]", S) if m.get("class").startswith("bpmn-marker ")} >= {
        "bpmn-marker-sequential",
        "bpmn-marker-loop",
        "bpmn-marker-collapsed",
        "bpmn-marker-signal",
        "bpmn-marker-multiple",
    }
    _assert_self_contained(svg)


def x_less(svg: etree._Element, limit: float) -> bool:
    x1, _y1, x2, y2 = _viewbox(svg)
    return x2 < limit and y2 < limit and x1 > -800


def test_a_model_without_diagram_or_names_still_renders():
    bare = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", BPMN, flags=re.S)
    svg = _parse_svg(render_bpmn_svg(bare.encode()))
    assert "kein Diagramm" in _texts(svg)
    nameless = re.sub(r' name="[^"]*"', "", BPMN)
    svg = _parse_svg(render_bpmn_svg(nameless.encode()))
    assert svg.find("s:title", S).text == "Prozessdiagramm"
    assert "(ohne Namen)" in svg.find("s:desc", S).text
    assert _texts(svg) == ""


def test_long_names_wrap_inside_the_task_and_long_words_are_hyphenated():
    name = "Vollständigkeit und Plausibilität der Gewerbeanmeldung einschließlich Anlagen prüfen"
    svg = _parse_svg(render_bpmn_svg(BPMN.replace("Antrag prüfen", name).encode()))
    task = next(e for e in svg.iter() if e.get("data-element-id") == "Task_1")
    text = task.find("s:text", S)
    lines = text.findall("s:tspan", S)
    assert len(lines) >= 4 and float(_computed(text, "font-size")) <= 12
    ys = [float(t.get("y")) for t in lines]
    assert min(ys) > 80 and max(ys) < 160  # within the box (y 80 … 160)
    assert _squash(_texts(task)) == _squash(name)
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    svg = _parse_svg(render_bpmn_svg(BPMN.replace("Antrag prüfen", word).encode()))
    task = next(e for e in svg.iter() if e.get("data-element-id") == "Task_1")
    assert task.findall(".//s:tspan[@class='bpmn-hyphen']", S)
    assert "".join(t.text for t in task.find("s:text", S).findall("s:tspan", S)) == word


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("abcäöüßABC- /–\n\u0301日MW"), max_size=120),
    st.floats(min_value=1, max_value=300),
    st.sampled_from([9.0, 11.0, 12.0]),
)
def test_wrapping_keeps_every_character_and_each_line_fits(text, max_width, size):
    lines = wrap_text(text, max_width, size)
    # nothing is lost or added: per paragraph, the lines without drawn hyphens are the words
    words = "".join("".join(paragraph.split()) for paragraph in text.splitlines())
    assert "".join(_squash(line.removesuffix(HYPHEN)) for line in lines) == words
    # every line fits, unless it is a single character (with its hyphen), which cannot be split further
    limit = max(max_width, 2 * size)
    for line in lines:
        assert text_width(line, size) <= limit or len(line.removesuffix(HYPHEN)) == 1, (line, limit)
    assert all(line.strip() for line in lines)


def test_text_width_follows_arial_metrics():
    assert text_width("W", 1000) == pytest.approx(944 * 1.06)
    assert text_width("i", 1000) == pytest.approx(222 * 1.06)
    assert text_width("ä", 1000) == text_width("a", 1000)  # an accented letter is as wide as its base
    assert text_width("e\u0301", 1000) == text_width("e", 1000)  # a combining accent takes no room
    assert text_width("日", 10) == pytest.approx(10.6)  # wide East Asian characters: one em


@pytest.mark.parametrize("path", BPMN_FILES, ids=_rel)
def test_the_model_reads_every_shape_and_edge_of_the_diagram_interchange(path):
    data = path.read_bytes()
    model = Model(load(data))
    root = parse_bpmn(data)
    ns = {"di": "http://www.omg.org/spec/BPMN/20100524/DI"}
    expected_shapes = {}
    for di in root.iterfind(".//di:BPMNShape", ns):
        b = di.find(f"{{{DC_NS}}}Bounds")
        expected_shapes[di.get("bpmnElement")] = Box(*(float(b.get(a)) for a in ("x", "y", "width", "height")))
    assert {s.element.get("id"): s.box for s in model.shapes} == expected_shapes
    expected_edges = {
        di.get("bpmnElement"): [(float(w.get("x")), float(w.get("y"))) for w in di.iterfind(f"{{{DI_NS}}}waypoint")]
        for di in root.iterfind(".//di:BPMNEdge", ns)
    }
    assert {e.element.get("id"): e.points for e in model.edges} == expected_edges
    _assert_text_inside(_parse_svg(render_bpmn_svg(data)))


@pytest.mark.parametrize("path", BPMN_FILES[:6], ids=_rel)
def test_the_drawing_says_each_presentation_attribute_only_where_it_differs_from_the_inherited(path):
    """Fill, stroke, widths, fonts and arrow heads are inherited: set once on the canvas or a layer, never repeated below
    (a seed diagram was a quarter presentation attributes, most of them the canvas's own values again)."""
    svg = _parse_svg(render_bpmn_svg(path.read_bytes()))
    canvas = svg.find("s:g[@class='bpmn-canvas']", S)
    assert canvas.get("font-size") == "12" and canvas.get("fill") == "none" and canvas.get("stroke-width") == "1.5"
    repeated = [
        (element.tag, name)
        for element in canvas.iter()
        if isinstance(element.tag, str) and element is not canvas
        for name in ("fill", "stroke", "stroke-width", "font-size", "text-anchor", "marker-end", "stroke-linejoin", "paint-order")
        if element.get(name) is not None and element.get(name) == _computed(element.getparent(), name)
    ]
    assert repeated == []


def _assert_text_inside(svg: etree._Element) -> None:
    """Every text the diagram draws (not the rotated name bands) lies inside the viewBox."""
    x1, y1, x2, y2 = _viewbox(svg)
    for text in svg.iter(f"{{{SVG}}}text"):
        if text.get("transform"):
            continue
        size = float(_computed(text, "font-size"))
        for tspan in text.findall("s:tspan", S):
            width = text_width((tspan.text or "") + ("-" if len(tspan) else ""), size)
            x, y = float(tspan.get("x")), float(tspan.get("y"))
            left = x if _computed(text, "text-anchor") == "start" else x - width / 2
            assert x1 <= left and left + width <= x2 + 0.5 and y1 <= y - size and y <= y2, (tspan.text, x1, x2)


def test_labels_reaching_beyond_the_shapes_widen_the_diagram():
    long = "Bescheid versandt, Gebühr erhoben, Akte an das Archiv übergeben und die Antragstellerin informiert"
    svg = _parse_svg(render_bpmn_svg(BPMN.replace("Bescheid versandt", long).encode()))
    label = svg.find(".//s:text[@data-label-for='End_1']", S)
    assert len(label.findall("s:tspan", S)) >= 5  # wrapped at 90 px: far below the end event
    _assert_text_inside(svg)


GEWERBE_BPMN = PACKAGES / "stadt-paderborn" / "gewerbeanmeldung@2.0.0" / "prozess" / "gewerbeanmeldung.bpmn"
JUNK = ["", "-1", "1e308", "NaN", "x", "true", "false", "Task_AnzeigePruefen", "Lane_amt", "0", "<&>"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutilated_models_are_drawn_or_refused_never_crash(data):
    root = etree.fromstring(GEWERBE_BPMN.read_bytes())
    elements = [e for e in root.iter() if isinstance(e.tag, str)][1:]
    for _ in range(data.draw(st.integers(1, 12))):
        element = data.draw(st.sampled_from(elements))
        operation = data.draw(st.sampled_from(["remove", "drop-attribute", "junk-attribute", "rename"]))
        if operation == "remove" and element.getparent() is not None:
            element.getparent().remove(element)
        elif operation == "drop-attribute" and element.attrib:
            del element.attrib[data.draw(st.sampled_from(sorted(element.attrib)))]
        elif operation == "junk-attribute" and element.attrib:
            element.set(data.draw(st.sampled_from(sorted(element.attrib))), data.draw(st.sampled_from(JUNK)))
        elif operation == "rename":
            element.tag = "{urn:x}unbekannt"
    try:
        svg = _parse_svg(render_bpmn_svg(etree.tostring(root)))
    except ValueError:
        return
    _assert_self_contained(svg)


# --------------------------------------------------------------------------- form schema → HTML


def _resolve(root: dict[str, Any], schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
        node: Any = root
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema if isinstance(schema, dict) else {}


def _is_object(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


def _walk(root: dict[str, Any]) -> tuple[dict[str, tuple[dict, bool, str]], dict[str, tuple[dict, bool, str]]]:
    """Leaves and groups of a form schema: pointer -> (schema, required, property name)."""
    leaves: dict[str, tuple[dict, bool, str]] = {}
    groups: dict[str, tuple[dict, bool, str]] = {}

    def visit(schema: dict[str, Any], pointer: str) -> None:
        required = set(schema.get("required", []))
        for name, declared in schema.get("properties", {}).items():
            sub = _resolve(root, declared)
            here = f"{pointer}/{name.replace('~', '~0').replace('/', '~1')}"
            items = _resolve(root, sub.get("items", {}))
            if _is_object(sub):
                groups[here] = (sub, name in required, name)
                visit(sub, here)
            elif sub.get("type") == "array" and _is_object(items) and "enum" not in items:
                groups[here] = (sub, name in required, name)
                visit(items, f"{here}/0")
            else:
                leaves[here] = (sub, name in required, name)

    visit(_resolve(root, root), "")
    return leaves, groups


def _values(enum: list[Any]) -> list[str]:
    return [v if isinstance(v, str) else json.dumps(v) for v in enum]


def _form(html: str) -> lxml.html.HtmlElement:
    form = lxml.html.fragment_fromstring(html)
    assert form.tag == "form"
    return form


def _star(node: lxml.html.HtmlElement) -> bool:
    caption = node.find("legend") if node.tag == "fieldset" else node.find(".//label")
    return caption is not None and caption.find("span[@class='form-required']") is not None


def _caption_text(node: lxml.html.HtmlElement) -> str:
    caption = node.find("legend") if node.tag == "fieldset" else node.find(".//label")
    return " ".join(caption.text_content().replace("*", "").split())


@pytest.mark.parametrize("path", FORM_FILES, ids=_rel)
def test_every_seed_form_is_previewed_completely(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    html = render_form_preview(schema, form_id="vorschau")
    form = _form(html)
    leaves, groups = _walk(schema)

    assert form.find("h3").text_content() == schema["title"]
    assert "Vorschau – keine Eingabe möglich" in form.text_content()
    assert " ".join(form.find_class("form-required-legend")[0].text_content().split()) == "* Pflichtfeld"

    # ids unique, every reference points at one
    ids = Counter(e.get("id") for e in form.iter() if e.get("id"))
    assert all(n == 1 for n in ids.values()), [i for i, n in ids.items() if n > 1]
    assert all(i.startswith("vorschau") and re.fullmatch(r"[a-z0-9_-]+", i) for i in ids)
    for element in form.iter():
        for ref in (element.get("aria-describedby") or "").split() + (element.get("aria-labelledby") or "").split():
            assert ref in ids
    labels_for = Counter(label.get("for") for label in form.iter("label"))
    assert all(target in ids for target in labels_for)

    wrappers = {e.get("data-pointer"): e for e in form.iter() if e.get("data-pointer") is not None}
    field_pointers = {p for p, e in wrappers.items() if "form-field" in e.get("class").split()}
    assert field_pointers == set(leaves)
    group_pointers = {p for p, e in wrappers.items() if "form-group" in e.get("class").split()}
    templates = {f"{p}/0" for p, (sub, _, _) in groups.items() if sub.get("type") == "array"}  # „Eintrag 1“
    assert group_pointers == set(groups) | templates

    for pointer, (sub, required, name) in leaves.items():
        wrapper = wrappers[pointer]
        assert _caption_text(wrapper) == (sub.get("title") or name)
        assert _star(wrapper) is required, pointer
        controls = wrapper.xpath(".//input|.//select|.//textarea")
        assert controls, pointer
        for control in controls:  # every control has exactly one label
            assert labels_for[control.get("id")] == 1, control.get("id")
        if wrapper.tag != "fieldset":  # a single control: required as attribute too
            (control,) = controls
            assert (control.get("required") is not None) is required
            assert (control.get("aria-required") == "true") is required
        if help_text := sub.get("description"):
            described = wrapper if wrapper.tag == "fieldset" else controls[0]
            help_ids = described.get("aria-describedby").split()
            assert any(help_text in form.get_element_by_id(i).text_content() for i in help_ids)
        widget = (sub.get("x-ui") or {}).get("widget")
        items = _resolve(schema, sub.get("items", {}))
        if "enum" in sub and widget == "radio":
            assert [c.get("value") for c in controls] == _values(sub["enum"]) and {c.get("type") for c in controls} == {"radio"}
        elif "enum" in sub:
            (select,) = controls
            assert select.tag == "select"
            values = [o.get("value") for o in select.iter("option")]
            assert values == ["", *_values(sub["enum"])]
        elif sub.get("type") == "array" and "enum" in items:
            assert [c.get("value") for c in controls] == _values(items["enum"]) and {c.get("type") for c in controls} == {"checkbox"}
        elif sub.get("type") == "boolean":
            assert {c.get("type") for c in controls} == ({"radio"} if widget == "radio" else {"checkbox"})
        elif sub.get("type") in ("integer", "number"):
            assert controls[0].get("type") == "number"
            if "minimum" in sub:
                assert float(controls[0].get("min")) == sub["minimum"]
        elif sub.get("type") == "string":
            expected = {"date": "date", "email": "email", "uri": "url"}.get(sub.get("format"), "text")
            if widget == "textarea":
                assert controls[0].tag == "textarea"
            else:
                assert (controls[0].tag, controls[0].get("type")) == ("input", expected)

    for pointer, (sub, required, name) in groups.items():
        group = wrappers[pointer]
        assert group.tag == "fieldset" and _caption_text(group) == (sub.get("title") or name)
        assert _star(group) is required
        if sub.get("type") == "array":
            (entry,) = group.xpath("./fieldset")
            assert entry.get("data-pointer") == f"{pointer}/0" and entry.find("legend").text_content() == "Eintrag 1"

    # all controls disabled, text-like ones read-only; names do not collide across fields
    controls = form.xpath(".//input|.//select|.//textarea|.//button")
    assert controls and all(c.get("disabled") is not None for c in controls)
    for control in controls:
        if control.tag == "textarea" or control.get("type") in ("text", "date", "email", "url", "number"):
            assert control.get("readonly") is not None
    owners: dict[str, Any] = {}
    for control in controls:
        wrapper = next(a for a in control.iterancestors() if a.get("data-pointer") is not None)
        assert owners.setdefault(control.get("name"), wrapper) is wrapper, control.get("name")


HOSTILE_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "<script>alert('titel')</script>",
    "description": '<b>fett</b> & "zitiert"',
    "type": "object",
    "required": ['a"><img src=x onerror=alert(1)>'],
    "properties": {
        'a"><img src=x onerror=alert(1)>': {"title": "</label><script>alert(2)</script>", "type": "string", "description": "<i onclick=x>"},
        "wahl": {
            "title": "Wahl",
            "type": "string",
            "enum": ['"><svg onload=alert(3)>', "</option><script>"],
            "default": "</option><script>",
        },
        "<b>": {"type": "object", "title": "<legend>", "properties": {"x": {"type": "integer", "title": "'", "default": 3}}},
    },
}


def test_hostile_titles_and_names_are_escaped():
    html = render_form_preview(HOSTILE_FORM, form_id='x" onload="alert(4)')
    form = _form(html)
    assert not form.xpath("//script|//img|//svg|//b|//i")
    for element in form.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
    assert form.find("h3").text_content() == "<script>alert('titel')</script>"
    assert '<b>fett</b> & "zitiert"' in form.text_content()
    labels = [" ".join(label.text_content().replace("*", "").split()) for label in form.iter("label")]
    assert "</label><script>alert(2)</script>" in labels
    assert [o.get("value") for o in form.iter("option")] == ["", '"><svg onload=alert(3)>', "</option><script>"]
    assert [o.get("value") for o in form.iter("option") if o.get("selected") is not None] == ["</option><script>"]
    assert all(re.fullmatch(r"[a-z0-9_-]+", e.get("id")) for e in form.iter() if e.get("id"))
    assert form.xpath("//fieldset/legend")[0].text_content().strip() == "<legend>"


FEATURES = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Alles",
    "type": "object",
    "$defs": {
        "anschrift": {
            "title": "Anschrift",
            "type": "object",
            "required": ["ort"],
            "properties": {"ort": {"title": "Ort", "type": "string"}},
        },
        "person": {
            "title": "Person",
            "type": "object",
            "properties": {
                "name": {"title": "Name", "type": "string"},
                "kinder": {"title": "Kinder", "type": "array", "items": {"$ref": "#/$defs/person"}},
            },
        },
    },
    "required": ["wohnort", "art", "zustimmung"],
    "properties": {
        "wohnort": {"$ref": "#/$defs/anschrift", "title": "Wohnort"},
        "person": {"$ref": "#/$defs/person"},
        "art": {"title": "Art", "oneOf": [{"const": "a", "title": "Erste Art"}, {"const": "b", "title": "Zweite Art"}]},
        "optional_enum": {"title": "Optional", "type": "string", "enum": ["x", "y"]},
        "zustimmung": {"title": "Zustimmung", "type": "boolean", "const": True},
        "newsletter": {"title": "Newsletter", "type": "boolean", "default": True},
        "termin": {"title": "Termin", "type": "string", "format": "date-time"},
        "web": {"title": "Web", "type": "string", "format": "uri"},
        "text": {"title": "Langtext", "type": "string", "maxLength": 2000},
        "anzahl": {"title": "Anzahl", "type": "integer", "exclusiveMinimum": 0, "maximum": 9},
        "betrag": {"title": "Betrag", "type": ["number", "null"], "multipleOf": 0.01},
        "tief": {
            "title": "E1",
            "type": "object",
            "properties": {
                "e2": {
                    "title": "E2",
                    "type": "object",
                    "properties": {
                        "e3": {
                            "title": "E3",
                            "type": "object",
                            "properties": {
                                "e4": {"title": "E4", "type": "object", "properties": {"blatt": {"title": "Blatt", "type": "string"}}}
                            },
                        }
                    },
                }
            },
        },
        "name": {"title": "Gleicher Slug 1", "type": "string"},
        "Name": {"title": "Gleicher Slug 2", "type": "string"},
    },
}


def test_refs_recursion_choices_and_types():
    form = _form(render_form_preview(FEATURES, form_id="Mein Formular!"))
    assert form.get("id") == "mein-formular"
    wohnort = form.xpath("//fieldset[@data-pointer='/wohnort']")[0]
    assert _caption_text(wohnort) == "Wohnort" and _star(wohnort)
    assert form.xpath("//*[@data-pointer='/wohnort/ort']//input[@required]")
    person = form.xpath("//fieldset[@data-pointer='/person']")[0]
    assert "wird hier nicht weiter aufgefächert" in person.text_content()
    assert person.xpath(".//fieldset[@data-pointer='/person/kinder']")
    art = form.xpath("//*[@data-pointer='/art']//select")[0]
    assert [(o.get("value"), o.text) for o in art.iter("option")][1:] == [("a", "Erste Art"), ("b", "Zweite Art")]
    assert art.find("option").get("disabled") is not None  # required: a placeholder, not a preselected answer
    optional = form.xpath("//*[@data-pointer='/optional_enum']//select")[0]
    assert optional.find("option").get("value") == "" and optional.get("required") is None
    assert form.xpath("//*[@data-pointer='/zustimmung']//input[@type='checkbox'][@required]")
    assert form.xpath("//*[@data-pointer='/newsletter']//input[@type='checkbox'][@checked]")
    assert form.xpath("//*[@data-pointer='/termin']//input")[0].get("type") == "datetime-local"
    assert form.xpath("//*[@data-pointer='/web']//input")[0].get("type") == "url"
    assert form.xpath("//*[@data-pointer='/text']//textarea[@maxlength='2000']")
    anzahl = form.xpath("//*[@data-pointer='/anzahl']//input")[0]
    assert (anzahl.get("min"), anzahl.get("max"), anzahl.get("step")) == ("1", "9", "1")
    assert form.xpath("//*[@data-pointer='/betrag']//input")[0].get("step") == "0.01"
    legends = [_caption_text(f) for f in form.xpath("//fieldset[@data-pointer='/tief']//fieldset")]
    assert legends == ["E2", "E3", "E4"]
    assert form.xpath("//*[@data-pointer='/tief/e2/e3/e4/blatt']//input")
    ids = [e.get("id") for e in form.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    names = [c.get("name") for c in form.xpath("//input|//select|//textarea")]
    assert len(names) == len(set(names))


def test_two_previews_on_one_page_do_not_share_ids():
    first = _form(render_form_preview(FORM, form_id="antrag-a"))
    second = _form(render_form_preview(FORM, form_id="antrag-b"))
    ids_a = {e.get("id") for e in first.iter() if e.get("id")}
    ids_b = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_a and not ids_a & ids_b
    assert first.xpath("//*[@data-pointer='/anschrift/ort']//input")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["", "x", "<b>", "#/$defs/a", "#", "date", "radio"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "title",
                    "properties",
                    "items",
                    "enum",
                    "required",
                    "$ref",
                    "oneOf",
                    "allOf",
                    "const",
                    "default",
                    "format",
                    "x-ui",
                    "widget",
                    "$defs",
                    "a",
                    "<x>",
                    "minimum",
                    "maxLength",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["type", "title", "properties", "required", "$defs", "allOf"]), _json, max_size=5))
def test_arbitrary_schemas_never_crash_and_stay_disabled(schema):
    form = _form(render_form_preview(schema))
    assert all(c.get("disabled") is not None for c in form.xpath(".//input|.//select|.//textarea"))
    ids = [e.get("id") for e in form.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_a_schema_that_is_not_an_object_is_refused():
    with pytest.raises(ValueError, match="JSON-Objekt"):
        render_form_preview(["kein", "Schema"])  # type: ignore[arg-type]


def test_the_input_schema_is_not_changed():
    schema = copy.deepcopy(FEATURES)
    render_form_preview(schema)
    assert schema == FEATURES


# --------------------------------------------------------------------------- artefacts to look at


def test_the_seed_gewerbeanmeldung_renders_every_task_and_field():
    """The newest seed version: every named flow node of every diagram is drawn, every field of every form is shown."""
    folder = max(PACKAGES.glob("stadt-paderborn/gewerbeanmeldung@*"), key=lambda p: version_key(p.name.split("@")[1]))
    diagrams = sorted(folder.rglob("*.bpmn"))
    forms = sorted(folder.glob("formulare/*.schema.json"))
    assert diagrams and forms
    for path in diagrams:
        svg = _parse_svg(render_bpmn_svg(path.read_bytes()))
        drawn = " ".join(" ".join(t.itertext()) for t in svg.iter("{*}text"))
        names = [
            el.get("name")
            for el in etree.parse(str(path)).iter()
            if el.get("name") and etree.QName(el).localname.endswith(("Task", "task", "Event"))
        ]
        assert names and all(all(word in drawn for word in name.split()) for name in names), path.name
    for path in forms:
        schema = json.loads(path.read_text(encoding="utf-8"))
        page = lxml.html.fragment_fromstring(render_form_preview(schema, form_id=path.stem), create_parent="div")
        shown = " ".join(page.itertext())
        titles = [prop["title"] for prop in schema.get("properties", {}).values() if isinstance(prop, dict) and "title" in prop]
        assert titles and all(title in shown for title in titles), path.name


def test_referenced_schema_with_non_object_properties_does_not_crash():
    # found by the Hypothesis test above: an allOf part whose "properties" is not an object
    schema = {
        "$defs": {"a": {"properties": None}},
        "allOf": [{"$ref": "#/$defs/a"}],
        "properties": {"x": {"title": "Feld X", "type": "string"}},
    }
    html = render_form_preview(schema)
    assert "Feld X" in html
