"""Fictional demo data: a Pforzheim delegation meeting French companies."""
