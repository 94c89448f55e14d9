"""The BPMN renderer's parts; ``hub.render.bpmn_svg.render_bpmn_svg`` is the entry point.

- ``kinds``: the BPMN element kinds the drawing distinguishes and their German names.
- ``measure``: text metrics (Arial advance widths) and line wrapping with German word splitting.
- ``model``: reading untrusted BPMN bytes and its diagram interchange into shapes, edges and label boxes.
- ``describe``: the German text alternative of a diagram (participants, lanes, steps, decisions, ends).
- ``svg``: writing SVG elements with numbers formatted once.
- ``icons``: the fixed symbols (task type icons, activity, event and gateway markers, arrow heads).
- ``canvas``: placing text (labels, task names fitted into their box) and the extent everything drawn grows.
- ``draw``: laying the model out as an SVG document (layers, shapes, edges, labels).
"""
