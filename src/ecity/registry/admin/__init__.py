"""Admin pages of the registry, always through its services.

``metadata``: data elements, code lists, subject terms; ``resources``: the information
resource catalogue (drafts, review, versions).
"""

from ecity.registry.admin import metadata, resources  # noqa: F401
