"""Transferhub: share, find and adopt proven municipal solution packages."""

__version__ = "0.1.0"
