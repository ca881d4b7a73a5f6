"""Reads of information disclosure, with permission filtering built in."""
