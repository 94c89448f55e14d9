"""The text alternative of a process diagram: what a screen reader says instead of the picture."""

from __future__ import annotations

from collections import Counter

from hub.render.bpmn.model import Model, one_line
from hub.validate.bpmn import BPMN_NS


def describe(model: Model) -> str:
    """Participants, lanes, the activities in flow order with their lane, decisions and end results, in German."""
    lanes = model.lane_of()
    parts = []
    lane_names = [n for n in (one_line(s.element.get("name")) for s in model.shapes if s.kind == "lane") if n]
    pools = [n for n in (one_line(s.element.get("name")) for s in model.shapes if s.kind == "participant") if n]
    if pools:
        parts.append(_sentence("Beteiligte: " + ", ".join(dict.fromkeys(pools))))
    if lane_names:
        parts.append(_sentence("Bahnen: " + ", ".join(dict.fromkeys(lane_names))))
    activities = model.activities_in_order()
    if activities:
        steps = []
        for number, element in enumerate(activities, 1):
            name = one_line(element.get("name")) or "(ohne Namen)"
            lane = lanes.get(element.get("id") or "")
            steps.append(f"{number}. {name}" + (f" ({lane})" if lane else ""))
        parts.append(_sentence("Aufgaben in Reihenfolge: " + "; ".join(steps)))
    else:
        parts.append("Das Modell enthält keine Aufgaben.")
    outgoing = Counter(f.get("sourceRef") for f in model.root.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    decisions = [
        one_line(s.element.get("name"))
        for s in model.shapes
        if s.kind in ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")
        and outgoing.get(s.element.get("id"), 0) > 1
    ]
    if decisions := [d for d in decisions if d]:
        parts.append(_sentence("Entscheidungen: " + "; ".join(decisions)))
    ends = [one_line(s.element.get("name")) for s in model.shapes if s.kind == "endEvent"]
    if ends := [e for e in ends if e]:
        parts.append(_sentence("Endergebnisse: " + "; ".join(ends)))
    return " ".join(parts)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."
