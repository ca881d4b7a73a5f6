"""Helpers for the workbench tests: make cases without going through submission."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from ecity.cases.models import Case
from ecity.cases.selectors import process_owner_ref
from ecity.cases.tests.factories import CaseFactory
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.tests.factories import ProcessDefinitionFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on ``day`` in Shanghai local time."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_case(joint, **fields) -> Case:
    """A submitted case of the joint service, led by the market regulation bureau."""
    # The personal data tests assert the masking of exactly this identifier.
    fields.setdefault("applicant_identifier", "110105199001011234")
    fields.setdefault(
        "form_data", {"applicant_name": "王小明", "shop_name": "小明面馆", "area": 30}
    )
    return CaseFactory(service_version=joint.version, applicant=joint.citizen, **fields)


def parallel_process(joint, *, reject_ends_case: bool = True) -> ProcessDefinition:
    """Activate a built process: SCJ accepts; SCJ, WJW and XFJ review in parallel; SCJ decides."""
    return ProcessDefinitionFactory(
        owner_ref=process_owner_ref(joint.version),
        name="食品经营许可并联审批",
        lead_department="SCJ",
        review_departments=("SCJ", "WJW", "XFJ"),
        reject_ends_case=reject_ends_case,
    )
