"""The information resource centre's models.

``metadata``: code lists and their values, data elements (数据元).
``thesaurus``: the subject thesaurus (主题词表).
"""

from ecity.registry.models.metadata import CodeList, CodeValue, DataElement  # noqa: F401
from ecity.registry.models.thesaurus import SubjectTerm  # noqa: F401
