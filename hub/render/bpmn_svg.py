"""BPMN 2.0 diagram interchange to a self-contained, accessible SVG, drawn at build time.

The output has no script, no external reference and no ``<foreignObject>``. Colours are
presentation attributes (no ``<style>``, which would leak into a page the SVG is inlined in),
so site CSS can still override them. Names come from untrusted files: the tree is built
with lxml, which escapes every text and attribute. Every drawn model element carries
``data-element-id`` (its BPMN id) and classes by type (``bpmn-task bpmn-userTask``).

The work is done in ``hub/render/bpmn/``: ``model`` reads the document, ``measure`` wraps the
labels, ``draw`` (with ``icons`` and ``describe``) writes the SVG.
"""

from __future__ import annotations

import hashlib

from hub.render.bpmn.draw import Renderer
from hub.render.bpmn.model import Model, load

__all__ = ["render_bpmn_svg"]


def render_bpmn_svg(data: bytes, *, title: str | None = None) -> str:
    """Draw the BPMN model's diagram interchange as a self-contained SVG document (a string).

    ``title`` names the diagram for assistive technology („Prozessdiagramm: …“); by default the
    names of the model's pools or processes. Raises ``ValueError`` (German message) when ``data``
    is not a BPMN 2.0 XML document.
    """
    root = load(data)
    model = Model(root)
    # ids of markers and title are unique per model, so two diagrams on one page do not share them
    prefix = "bpmn-" + hashlib.sha256(bytes(data) if not isinstance(data, str) else data.encode()).hexdigest()[:10]
    return Renderer(model, title, prefix).render()
