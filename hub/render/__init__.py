"""Rendering for people: Markdown to safe HTML (later: BPMN to SVG, form previews)."""
