"""The annual disclosure report (年度报告): generated from the year's data, edited, published.

Tables (the national template of 《政府信息公开工作年度报告格式》, in this platform's terms):

* ``proactive``: per category, entries published in the year and entries in the catalogue at
  the year's end (主动公开政府信息情况);
* ``requests``: rows × applicant type (citizen, enterprise, total): new requests of the year,
  requests carried over from the year before, the results given in the year by reply type,
  replies given after the limit, requests carried over to the next year (收到和处理政府信息
  公开申请情况);
* ``reviews``: administrative review and litigation figures, entered by staff (行政复议和
  行政诉讼情况).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.disclosure.errors import DisclosureErrorCode
from ecity.disclosure.models import (
    AnnualReport,
    ApplicantType,
    CatalogueEntry,
    Category,
    DisclosureRequest,
    ReplyType,
)
from ecity.disclosure.selectors.requests import can_approve_extension, can_handle_requests
from ecity.identity.models import User
from ecity.org.models import Department

#: The review and litigation figures staff enter (复议/诉讼: 维持, 纠正, 其他, 尚未审结).
REVIEW_FIELDS = (
    "review_maintained",
    "review_corrected",
    "review_other",
    "review_pending",
    "litigation_maintained",
    "litigation_corrected",
    "litigation_other",
    "litigation_pending",
)
#: The rows of the requests table, in order.
REQUEST_ROWS = (
    "new",
    "carried_in",
    *ReplyType.values,
    "late",
    "carried_out",
)
TEXT_MAX = 20000


def _count(requests, applicant_type: str | None) -> int:
    if applicant_type is not None:
        requests = requests.filter(applicant_type=applicant_type)
    return requests.count()


def report_tables(*, department: Department, year: int) -> dict:
    """Compute the generated tables of ``department``'s report for ``year`` (module docstring)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    zone = timezone.get_current_timezone()
    end_at = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    start_at = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    entries = CatalogueEntry.objects.filter(department=department)
    proactive = {}
    for category in Category.values:
        of_category = entries.filter(category=category)
        proactive[category] = {
            "new": of_category.filter(published_at__gte=start_at, published_at__lt=end_at).count(),
            "total": of_category.filter(published_at__lt=end_at).count(),
        }
    mine = DisclosureRequest.objects.filter(department=department)
    unanswered_by = lambda day: mine.filter(received_on__lte=day).filter(  # noqa: E731
        Q(reply__isnull=True) | Q(reply__replied_on__gt=day)
    )
    sets = {
        "new": mine.filter(received_on__range=(start, end)),
        "carried_in": unanswered_by(start - dt.timedelta(days=1)),
        "late": mine.filter(reply__replied_on__range=(start, end), reply__is_late=True),
        "carried_out": unanswered_by(end),
    }
    for reply_type in ReplyType.values:
        sets[reply_type] = mine.filter(
            reply__replied_on__range=(start, end), reply__reply_type=reply_type
        )
    requests = {}
    for row in REQUEST_ROWS:
        requests[row] = {
            ApplicantType.PERSON: _count(sets[row], ApplicantType.PERSON),
            ApplicantType.ENTERPRISE: _count(sets[row], ApplicantType.ENTERPRISE),
            "total": _count(sets[row], None),
        }
    return {"proactive": proactive, "requests": requests}


def _require_staff(*, actor: User, department: Department) -> None:
    if not can_handle_requests(actor=actor, department=department):
        raise PermissionDenied(_("Only the disclosure staff of the department may do this."))


def _require_draft(report: AnnualReport) -> None:
    if report.status != AnnualReport.Status.DRAFT:
        raise ApplicationError(
            _("The annual report is published and can no longer be edited."),
            code=DisclosureErrorCode.REPORT_PUBLISHED,
        )


def report_generate(*, actor: User, department: Department, year: int) -> AnnualReport:
    """Create ``department``'s draft report for ``year``, or regenerate its tables.

    Permissions: disclosure staff of the department. Rules: a year that has begun; a
    published report is not regenerated. Staff figures and texts are kept. Side effects:
    audit entry. Errors: ``PermissionDenied``, ``ValidationFailed``, ``ApplicationError``.
    """
    _require_staff(actor=actor, department=department)
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationFailed(fields={"year": _("Choose a year that has begun.")})
    with transaction.atomic():
        report, _created = AnnualReport.objects.select_for_update().get_or_create(
            department=department, year=year
        )
        _require_draft(report)
        report.tables = report_tables(department=department, year=year)
        report.save()
        audit_record(actor=actor, action="disclosure_report.generated", obj=report)
    return report


def report_update(
    *,
    actor: User,
    report: AnnualReport,
    summary: str,
    problems: str,
    reviews: dict[str, object],
) -> AnnualReport:
    """Edit a draft report: overview, problems and improvements, review/litigation figures.

    Permissions: disclosure staff of the department. Rules: the figures are whole numbers
    ≥ 0 (``REVIEW_FIELDS``); texts at most 20,000 characters. Errors: ``PermissionDenied``,
    ``ValidationFailed``, ``ApplicationError`` (report_published).
    """
    _require_staff(actor=actor, department=report.department)
    errors: dict[str, str] = {}
    figures: dict[str, int] = {}
    for field in REVIEW_FIELDS:
        raw = reviews.get(field, 0)
        try:
            value = int(str(raw).strip() or 0)
        except ValueError:
            value = -1
        if value < 0:
            errors[field] = _("Enter a whole number, 0 or more.")
        figures[field] = value
    summary, problems = (summary or "").strip(), (problems or "").strip()
    for name, text in (("summary", summary), ("problems", problems)):
        if len(text) > TEXT_MAX:
            errors[name] = _("At most %(max)s characters.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        _require_draft(report)
        report.summary, report.problems, report.reviews = summary, problems, figures
        report.save()
        audit_record(actor=actor, action="disclosure_report.updated", obj=report)
    return report


def report_publish(*, actor: User, report: AnnualReport) -> AnnualReport:
    """Publish a draft report (public page and PDF); it cannot be edited afterwards.

    Permissions: the head (approver) of the department. Rules: the problems text is
    required (the law asks for it). Side effects: audit entry. Errors: ``PermissionDenied``,
    ``ValidationFailed``, ``ApplicationError`` (report_published).
    """
    if not can_approve_extension(actor=actor, department=report.department):
        raise PermissionDenied(_("Only the head of the department may publish the report."))
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        _require_draft(report)
        if not report.problems.strip():
            raise ValidationFailed(
                fields={"problems": _("Describe the main problems and the improvements.")}
            )
        report.status = AnnualReport.Status.PUBLISHED
        report.published_at = timezone.now()
        report.published_by = actor
        report.save()
        audit_record(actor=actor, action="disclosure_report.published", obj=report)
    return report
