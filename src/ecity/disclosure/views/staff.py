"""Staff pages: the department's worklist (due soon, overdue), a request with its actions
(extend, ask for correction, reply), the guide, and the annual report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ecity.audit.services import audit_record
from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.disclosure.forms import (
    CorrectionAskForm,
    ExtendForm,
    GuideForm,
    ReplyForm,
    ReportForm,
)
from ecity.disclosure.models import AnnualReport
from ecity.disclosure.report_pdf import proactive_rows, request_rows, review_rows
from ecity.disclosure.selectors import catalogue as catalogue_selectors
from ecity.disclosure.selectors import requests as selectors
from ecity.disclosure.services import catalogue as catalogue_services
from ecity.disclosure.services import replies as reply_services
from ecity.disclosure.services import reports as report_services
from ecity.disclosure.services import requests as services
from ecity.org.models import Department
from ecity.workflow.clocks import DeadlineState

PAGE_SIZE = 30


def _handled_department(request: HttpRequest, code: str) -> Department:
    department = selectors.handled_departments(actor=request.user).filter(code=code).first()
    if department is None:
        raise Http404()
    return department


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """The requests of the staff member's departments; ``?state=due_soon|overdue|…``."""
    state = request.GET.get("state", "")
    rows = selectors.request_list(actor=request.user, state=state)
    return render(
        request,
        "disclosure/staff/worklist.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "state": state,
            "states": DeadlineState.choices,
            "departments": selectors.handled_departments(actor=request.user).order_by("code"),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
@require_GET
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    """One request with the forms of the actions the staff member may take."""
    try:
        subject = selectors.request_get_for_staff(actor=request.user, number=number)
    except NotFound:
        raise Http404() from None
    audit_record(
        actor=request.user,
        action="disclosure_request.read",
        obj=subject,
        request=request,
        fields=["name", "id_number", "phone", "email", "address"],
    )
    return _request_page(request, subject)


def _request_page(request: HttpRequest, subject, **forms) -> HttpResponse:
    # The failed action's errors head the page: its form may be gone by now (a second extension
    # sent from a page opened before the first one hides the extension form).
    return render(
        request,
        "disclosure/staff/request.html",
        {
            "subject": subject,
            "reply": subject.reply if hasattr(subject, "reply") else None,
            "can_extend": selectors.can_approve_extension(
                actor=request.user, department=subject.department
            ),
            "extend_form": forms.get("extend_form") or ExtendForm(),
            "correction_form": forms.get("correction_form") or CorrectionAskForm(),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "failed_form": next(iter(forms.values()), None),
        },
        status=400 if forms else 200,
    )


@login_required
@require_POST
def request_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Extend, ask for a correction, or reply (one form each)."""
    try:
        subject = selectors.request_get_for_staff(actor=request.user, number=number)
    except NotFound:
        raise Http404() from None
    form_classes = {"extend": ExtendForm, "correction": CorrectionAskForm, "reply": ReplyForm}
    if action not in form_classes:
        raise Http404()
    form = form_classes[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "extend":
                services.request_extend(
                    actor=request.user, request=subject, days=data["days"], reason=data["reason"]
                )
            elif action == "correction":
                services.correction_ask(actor=request.user, request=subject, what=data["what"])
            else:
                reply_services.request_reply(
                    actor=request.user, request=subject, data=reply_services.ReplyInput(**data)
                )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return HttpResponseRedirect(
                reverse("disclosure:staff_request", kwargs={"number": subject.number})
            )
    return _request_page(request, subject, **{f"{action}_form": form})


@login_required
@require_GET
def reply_download(request: HttpRequest, number: str) -> HttpResponse:
    """The signed reply PDF, for the department's staff."""
    try:
        subject = selectors.request_get_for_staff(actor=request.user, number=number)
    except NotFound:
        raise Http404() from None
    if not hasattr(subject, "reply"):
        raise Http404()
    response = HttpResponse(bytes(subject.reply.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{subject.number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the department's disclosure guide."""
    department = _handled_department(request, code)
    guide = catalogue_selectors.guide_of(department=department)
    form = GuideForm(request.POST or None, initial={"text": guide.text if guide else ""})
    if request.method == "POST" and form.is_valid():
        try:
            catalogue_services.guide_update(
                actor=request.user, department=department, text=form.cleaned_data["text"]
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return HttpResponseRedirect(
                reverse("disclosure:department", kwargs={"code": department.code})
            )
    return render(request, "disclosure/staff/guide.html", {"form": form, "department": department})


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Generate, edit and publish the department's annual report for ``year``."""
    department = _handled_department(request, code)
    report = AnnualReport.objects.filter(department=department, year=year).first()
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = ReportForm(
        request.POST if action == "save" else None,
        initial={
            "summary": report.summary if report else "",
            "problems": report.problems if report else "",
            **(report.reviews if report else {}),
        },
    )
    if action and (action != "save" or form.is_valid()):
        try:
            if action == "generate" or report is None:
                report = report_services.report_generate(
                    actor=request.user, department=department, year=year
                )
            if action == "save":
                data = form.cleaned_data
                report_services.report_update(
                    actor=request.user,
                    report=report,
                    summary=data["summary"],
                    problems=data["problems"],
                    reviews={f: data[f] for f in report_services.REVIEW_FIELDS},
                )
            elif action == "publish":
                report_services.report_publish(actor=request.user, report=report)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return HttpResponseRedirect(request.path)
    return render(
        request,
        "disclosure/staff/report.html",
        {
            "form": form,
            "department": department,
            "year": year,
            "report": report,
            "proactive": proactive_rows(report) if report else [],
            "requests": request_rows(report) if report else [],
            "reviews": review_rows(report) if report else [],
            "this_year": timezone.localdate().year,
        },
    )
