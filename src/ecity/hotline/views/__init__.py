"""Hotline pages, one module per concept."""
