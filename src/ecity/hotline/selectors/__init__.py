"""Selectors (reads) of the hotline app, one module per concept."""
