"""Models of government information disclosure (政府信息公开)."""

from ecity.disclosure.models.catalogue import CatalogueEntry, Category, DisclosureGuide
from ecity.disclosure.models.reports import AnnualReport
from ecity.disclosure.models.requests import (
    ApplicantType,
    CorrectionRequest,
    Delivery,
    DisclosureReply,
    DisclosureRequest,
    Medium,
    ReplyType,
)

__all__ = [
    "AnnualReport",
    "ApplicantType",
    "CatalogueEntry",
    "Category",
    "CorrectionRequest",
    "Delivery",
    "DisclosureGuide",
    "DisclosureReply",
    "DisclosureRequest",
    "Medium",
    "ReplyType",
]
