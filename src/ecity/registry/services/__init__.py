"""Writes of the information resource centre.

``codes``: loading code lists from CSV/Excel; ``metadata``: data elements (drafts, putting in
force, withdrawing); ``thesaurus``: subject terms; ``records``: the base registries' persons
and legal entities (one data one source); ``resources``: the information resource catalogue
(drafts, review, publication, versions); ``sharing``: sharing requests and grants. Import the
functions from those modules.
"""
