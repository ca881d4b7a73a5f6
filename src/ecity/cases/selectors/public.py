"""Public reads: tracking a case with its query code, and published results (办理结果公开).

The lookup is rate-limited through the platform's limiter (``ecity.core.ratelimit``, counters
in the shared cache, fixed windows):

* per client address: at most ``ECITY_LOOKUP_RATE_PER_MINUTE`` lookups per ``LOOKUP_IP_WINDOW``
  seconds (default 10 per minute), successful or not;
* per case number: after ``ECITY_LOOKUP_FAILURE_LIMIT`` wrong query codes within
  ``LOOKUP_NUMBER_WINDOW`` seconds (default 5 in 15 minutes) the number is locked for the rest
  of the window, even from other addresses, so a distributed guesser gets at most 20 tries an
  hour per case.

Exceeding either gives HTTP 429. Benchmarks raise both settings to measure the lookup itself.

Nothing here returns personal data: no applicant names, ID numbers, enterprise names, form
data, files, opinions, or names of the staff who acted. Only the service, the department, the
status and dated steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ecity.cases.errors import CasesErrorCode
from ecity.cases.models import Case, CaseEvent
from ecity.cases.numbers import query_code_matches
from ecity.core.errors import NotFound
from ecity.core.ratelimit import check_rate, peek_rate

RESULT_STATUSES = (Case.Status.APPROVED, Case.Status.REJECTED, Case.Status.REFUSED)
LOOKUP_IP_WINDOW = 60
LOOKUP_NUMBER_WINDOW = 15 * 60


def lookup_ip_limit() -> int:
    """Lookups allowed per client address and ``LOOKUP_IP_WINDOW`` (a setting, default 10)."""
    return int(settings.ECITY_LOOKUP_RATE_PER_MINUTE)


def lookup_failure_limit() -> int:
    """Wrong query codes per case number and ``LOOKUP_NUMBER_WINDOW`` (a setting, default 5)."""
    return int(settings.ECITY_LOOKUP_FAILURE_LIMIT)


def _number_key(number: str) -> str:
    # Case numbers are typed by people: "2026-scj-000001 " counts as "2026-SCJ-000001".
    return f"cases:lookup:fail:{number.strip().upper()}"


def lookup_ip_allow(ip: str) -> bool:
    """Count one lookup from ``ip``; False once it made more than the limit in the window."""
    return check_rate(
        f"cases:lookup:ip:{ip or 'unknown'}",
        limit=lookup_ip_limit(),
        window_seconds=LOOKUP_IP_WINDOW,
    ).allowed


def lookup_number_locked(number: str) -> bool:
    """Whether ``number`` had too many wrong query codes in the current window."""
    return (
        peek_rate(_number_key(number), window_seconds=LOOKUP_NUMBER_WINDOW)
        >= lookup_failure_limit()
    )


def lookup_failure_record(number: str) -> None:
    """Count one wrong query code for ``number``."""
    if number:
        check_rate(
            _number_key(number), limit=lookup_failure_limit(), window_seconds=LOOKUP_NUMBER_WINDOW
        )


@dataclass(frozen=True)
class PublicStep:
    """One public step of a case: what happened, when, at which department."""

    action: str
    label: str
    on: dt.date
    department: str


@dataclass(frozen=True)
class CaseLookup:
    """What anyone with the case number and query code may see."""

    number: str
    status: str
    status_label: str
    service: str
    department: str
    submitted_on: dt.date
    acceptance_due_on: dt.date | None
    committed_due_on: dt.date | None
    decided_on: dt.date | None
    steps: list[PublicStep]


@dataclass(frozen=True)
class PublicResult:
    """One published result: a decided case without anything about the applicant."""

    number: str
    result: str
    result_label: str
    service: str
    service_code: str
    department: str
    department_code: str
    decided_on: dt.date | None


def _localised(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") and en else zh


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def case_lookup(*, number: str, query_code: str) -> CaseLookup:
    """Return the public status of case ``number`` if ``query_code`` is its query code.

    Any mismatch (unknown number or wrong code) raises the same NotFound, so the answer does
    not tell whether a number exists. Rate limiting is the caller's job (views, API throttle).
    """
    not_found = NotFound(
        _("No case matches this case number and query code."), code=CasesErrorCode.NO_MATCH
    )
    number = (number or "").strip()
    case = (
        Case.objects.select_related("service_version", "department")
        .filter(number__iexact=number)
        .first()
        if number
        else None
    )
    if case is None:
        query_code_matches("XXXXXXXX", query_code)  # same work as a real comparison
        raise not_found
    if not query_code_matches(case.query_code, query_code):
        raise not_found
    events = (
        CaseEvent.objects.filter(case=case, is_public=True)
        .select_related("department")
        .order_by("created_at", "pk")
    )
    labels = dict(CaseEvent.Action.choices)
    steps = [
        PublicStep(
            action=e.action,
            label=str(labels.get(e.action, e.action)),
            on=timezone.localdate(e.created_at),
            department=_localised(e.department.name_zh, e.department.name_en)
            if e.department
            else "",
        )
        for e in events
    ]
    version, department = case.service_version, case.department
    return CaseLookup(
        number=case.number,
        status=case.status,
        status_label=str(case.get_status_display()),
        service=_localised(version.name_zh, version.name_en),
        department=_localised(department.name_zh, department.name_en),
        submitted_on=timezone.localdate(case.submitted_at),
        acceptance_due_on=case.acceptance_due_on,
        committed_due_on=case.committed_due_on,
        decided_on=_local_date(case.decided_at),
        steps=steps,
    )


def published_results(
    *, department: str | None = None, service: str | None = None, q: str | None = None
) -> QuerySet[Case, Any]:
    """List decided cases (approved, not approved, not accepted) for public disclosure.

    Returns rows of public columns only (number, status, service, department, decision time),
    newest decision first; filter by department code, service item code, or text (case
    number or service name). Turn rows into ``PublicResult`` with ``public_result_rows``.
    """
    cases = Case.objects.filter(status__in=RESULT_STATUSES)
    if department:
        cases = cases.filter(department__code=department)
    if service:
        cases = cases.filter(service_version__item__code=service)
    if q:
        q = q.strip()[:100]
        cases = cases.filter(
            Q(number__icontains=q)
            | Q(service_version__name_zh__icontains=q)
            | Q(service_version__name_en__icontains=q)
        )
    return cases.order_by(F("decided_at").desc(nulls_last=True), "-submitted_at", "-pk").values(
        "number",
        "status",
        "decided_at",
        "service_version__name_zh",
        "service_version__name_en",
        "service_version__item__code",
        "department__name_zh",
        "department__name_en",
        "department__code",
    )


def public_result_rows(rows: Iterable[Mapping[str, Any]]) -> list[PublicResult]:
    """Turn rows of ``published_results`` into ``PublicResult`` in the current language."""
    labels = dict(Case.Status.choices)
    return [
        PublicResult(
            number=row["number"],
            result=row["status"],
            result_label=str(labels.get(row["status"], row["status"])),
            service=_localised(row["service_version__name_zh"], row["service_version__name_en"]),
            service_code=row["service_version__item__code"],
            department=_localised(row["department__name_zh"], row["department__name_en"]),
            department_code=row["department__code"],
            decided_on=_local_date(row["decided_at"]),
        )
        for row in rows
    ]
