"""Writes of the information resource centre.

``codes``: loading code lists from CSV/Excel; ``metadata``: data elements (drafts, putting in
force, withdrawing); ``thesaurus``: subject terms; ``records``: the base registries' persons
and legal entities (one data one source). Import the functions from those modules.
"""
