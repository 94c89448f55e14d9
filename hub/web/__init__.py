"""The served site: the pages of ``hub site build`` at ``/`` of a running hub, kept at the catalogue's HEAD."""
