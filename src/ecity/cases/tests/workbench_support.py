"""Helpers for the workbench tests: make cases without going through submission."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from django.utils import timezone

from ecity.cases.models import Case

_numbers = itertools.count(1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on ``day`` in Shanghai local time."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def make_case(joint, **fields) -> Case:
    """A submitted case of the joint service, led by the market regulation bureau."""
    number = next(_numbers)
    values = {
        "number": f"2026-WBT-{number:06d}",
        "query_code": f"Q{number:06d}",
        "service_version": joint.version,
        "department": joint.lead,
        "applicant": joint.citizen,
        "applicant_kind": Case.ApplicantKind.CITIZEN,
        "applicant_name": "王小明",
        "applicant_identifier": "110105199001011234",
        "channel": Case.Channel.ONLINE,
        "form_data": {"applicant_name": "王小明", "shop_name": "小明面馆", "area": 30},
        "submitted_at": timezone.now(),
        "status": Case.Status.SUBMITTED,
    }
    values.update(fields)
    return Case.objects.create(**values)


def parallel_process(joint, *, reject_ends_case: bool = True):
    """Activate a built process: SCJ accepts; SCJ, WJW and XFJ review in parallel; SCJ decides."""
    from ecity.cases.selectors import process_owner_ref
    from ecity.workflow.bpmn import ReviewStep, process_build, process_validate
    from ecity.workflow.models import ProcessDefinition

    xml = process_build(
        lead_department="SCJ",
        review_steps=[ReviewStep("SCJ"), ReviewStep("WJW"), ReviewStep("XFJ")],
        name="食品经营许可并联审批",
    )
    spec = process_validate(xml)
    return ProcessDefinition.objects.create(
        owner_ref=process_owner_ref(joint.version),
        name="食品经营许可并联审批",
        source=ProcessDefinition.Source.BUILT,
        bpmn_xml=xml,
        process_id=spec.process_id,
        reject_ends_case=reject_ends_case,
        is_active=True,
    )
