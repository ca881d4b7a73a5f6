"""Helpers for the rating tests: decided cases of the joint service and their ratings."""

from __future__ import annotations

from typing import Any

from ecity.cases.models import Case, Rating
from ecity.cases.services.ratings import rating_submit
from ecity.cases.tests.factories import CaseFactory


def decided_case(joint: Any, status: str = Case.Status.APPROVED, **fields: Any) -> Case:
    """A case of the joint service (led by SCJ) decided for the joint citizen."""
    fields.setdefault("applicant", joint.citizen)
    fields.setdefault(
        "form_data", {"applicant_name": "王小明", "shop_name": "小明面馆", "area": 30}
    )
    return CaseFactory(service_version=joint.version, status=status, **fields)


def rated(joint: Any, level: int, comment: str = "", **fields: Any) -> Rating:
    """A decided case rated ``level`` by its applicant (a 差评 opens a rectification)."""
    case = decided_case(joint, **fields)
    return rating_submit(actor=joint.citizen, case=case, level=level, comment=comment)
