"""Writes of information disclosure."""
