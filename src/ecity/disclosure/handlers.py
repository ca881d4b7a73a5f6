"""Event handlers of information disclosure (found by ``ecity.core.events`` at start-up).

``case.decided``: an approved case of an enterprise is an administrative licensing result that
is public (双公示), so it enters the deciding department's catalogue under 行政许可和处罚结果.
Results for citizens are personal data and stay out. Idempotent: the case number is the key.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from ecity.core.events import PublishedEvent, register_handler
from ecity.disclosure.models import Category
from ecity.disclosure.services.catalogue import catalogue_entry_publish
from ecity.org.models import Department

DECISIONS_SOURCE = "cases"


def approval_result_publish(event: PublishedEvent) -> None:
    """Put an enterprise's approval into the department's catalogue (see module docstring)."""
    data = event.data
    case = data.get("case") or {}
    if case.get("outcome") != "approved":
        return
    applicant = data.get("applicant") or {}
    enterprise = data.get("enterprise") or {}
    name = enterprise.get("name") or applicant.get("legal_entity_name") or ""
    if not name:
        return
    department = Department.objects.filter(code=(data.get("department") or {}).get("code")).first()
    if department is None:
        return
    service = data.get("service") or {}
    catalogue_entry_publish(
        source=DECISIONS_SOURCE,
        key=case["number"],
        department=department,
        category=Category.PERMITS_PENALTIES,
        title=f"{service.get('name_zh', '')}：{name}",
        url=reverse("catalogue:item_detail", kwargs={"code": service.get("item_code", "")}),
        published_at=dt.datetime.fromisoformat(case["decided_at"]),
        document_number=case["number"],
    )


register_handler("case.decided", approval_result_publish, name="disclosure.approval_result")
