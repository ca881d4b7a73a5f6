"""The queue page: one tab per queue with its count, and claiming or releasing a task."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ecity.cases import selectors
from ecity.cases.actions import ACTIONS
from ecity.cases.deadlines import is_past_statutory
from ecity.cases.models import Case, CaseTask
from ecity.cases.views.workbench.staff import conflict_message, staff_required
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.masking import mask_id_number
from ecity.core.redirects import safe_redirect_url

QUEUE_LABELS = {
    "to_accept": gettext_lazy("To accept"),
    "to_review": gettext_lazy("To review"),
    "to_decide": gettext_lazy("To decide"),
    "awaiting_correction": gettext_lazy("Awaiting correction"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "done": gettext_lazy("Done"),
}


PAGE_SIZE = 20


class CountedPaginator(Paginator):
    """A paginator told the number of objects, which the caller has already counted."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def row_for(item: Case | CaseTask) -> dict[str, Any]:
    """One line of a queue table, whether the queue lists cases or tasks."""
    if isinstance(item, CaseTask):
        case, tasks = item.case, [item]
    else:
        case, tasks = item, list(getattr(item, "open_tasks", []))
    return {
        "case": case,
        "applicant_id": mask_id_number(case.applicant_identifier),
        "tasks": tasks,
        "is_past_statutory": is_past_statutory(case),
    }


@require_GET
@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The queues of the logged-in member of staff, one tab each, with counts.

    Without a chosen queue the page opens on the one with work for the actor's roles.
    """
    counts = selectors.queue_counts(actor=request.user)
    name = request.GET.get("queue", "")
    if name not in QUEUE_LABELS:
        name = selectors.queue_default(actor=request.user, counts=counts)
    # The tab's count is the queue's length: the paginator need not count it a second time.
    paginator = CountedPaginator(
        selectors.queue(actor=request.user, name=name), PAGE_SIZE, count=counts[name]
    )
    page = paginator.get_page(request.GET.get("page"))
    tabs = [
        {"name": key, "label": label, "count": counts[key], "is_current": key == name}
        for key, label in QUEUE_LABELS.items()
    ]
    return render(
        request,
        "cases/workbench/index.html",
        {
            "tabs": tabs,
            "queue_name": name,
            "queue_label": QUEUE_LABELS[name],
            "page": page,
            "rows": [row_for(item) for item in page.object_list],
            "user_id": request.user.pk,
        },
    )


def _task_or_404(request: HttpRequest, public_id: str) -> CaseTask:
    try:
        return selectors.task_get_for_staff(actor=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _back(request: HttpRequest, fallback: str) -> str:
    return safe_redirect_url(request, request.POST.get("next"), fallback=fallback)


@require_POST
@staff_required
def task_claim(request: HttpRequest, public_id: str) -> HttpResponse:
    """Claim a task (POST)."""
    return _claim_or_release(request, public_id, "claim")


@require_POST
@staff_required
def task_release(request: HttpRequest, public_id: str) -> HttpResponse:
    """Release a claimed task (POST)."""
    return _claim_or_release(request, public_id, "release")


def _claim_or_release(request: HttpRequest, public_id: str, name: str) -> HttpResponse:
    task = _task_or_404(request, public_id)
    version = request.POST.get("expected_version")
    data = {"expected_version": version} if version else {}
    try:
        ACTIONS[name].perform(actor=request.user, task=task, data=data)
    except Conflict:
        messages.error(request, conflict_message())
    except ValidationFailed:
        # The hidden version was tampered with; the page shows the task as it is now.
        messages.error(request, conflict_message())
    except PermissionDenied as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(ACTIONS[name].done))
    return redirect(_back(request, reverse("cases:workbench")))
