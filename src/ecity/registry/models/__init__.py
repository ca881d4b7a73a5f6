"""The information resource centre's models.

``metadata``: code lists and their values, data elements (数据元).
"""

from ecity.registry.models.metadata import CodeList, CodeValue, DataElement  # noqa: F401
