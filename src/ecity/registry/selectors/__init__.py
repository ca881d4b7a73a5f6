"""Reads of the information resource centre (``metadata``: data elements, code lists)."""
