"""The required materials of a service version as forms, APIs and error lists name them."""

from __future__ import annotations

from ecity.catalogue.models import RequiredMaterial, ServiceItemVersion

MATERIAL_PREFIX = "material:"


def material_key(material: RequiredMaterial) -> str:
    """The field name of a material in forms, APIs and error lists: ``material:<public id>``."""
    return f"{MATERIAL_PREFIX}{material.public_id}"


def materials_of(version: ServiceItemVersion) -> list[RequiredMaterial]:
    """The version's materials in display order."""
    return list(version.materials.order_by("sort_order", "id"))
