"""The static site: discovery, package pages, dashboard, clones; built from one catalogue commit."""

from hub.site.build import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]
