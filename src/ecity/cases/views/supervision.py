"""Efficiency supervision pages: cases near or past their deadline, urging, performance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecity.cases import selectors, services
from ecity.cases.views.workbench import row_for, staff_required
from ecity.core.errors import ApplicationError, NotFound, PermissionDenied


@require_GET
@staff_required
def supervision(request: HttpRequest) -> HttpResponse:
    """Overdue and due-soon cases the supervisor supervises, and each department's performance."""
    since = parse_date(request.GET.get("since", "") or "") if request.GET.get("since") else None
    try:
        overdue = selectors.supervision_cases(actor=request.user, state="overdue")[:100]
        due_soon = selectors.supervision_cases(actor=request.user, state="due_soon")[:100]
        performance = selectors.department_performance(actor=request.user, since=since)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    return render(
        request,
        "cases/supervision/index.html",
        {
            "overdue": [row_for(case) for case in overdue],
            "due_soon": [row_for(case) for case in due_soon],
            "performance": performance,
            "since": since,
        },
    )


@require_POST
@staff_required
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """Urge the handlers of one case (POST) and come back to the supervision page."""
    try:
        view = selectors.case_get_for_staff(actor=request.user, number=number)
        services.case_urge(actor=request.user, case=view.case, note=request.POST.get("note", ""))
    except NotFound as error:
        raise Http404(error.message) from error
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The handlers of case %(number)s have been urged.") % {"number": number}
        )
    return redirect("cases:supervision")
