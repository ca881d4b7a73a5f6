"""Applicant pages: the request form, one's own requests, lookup by number and query code, the
correction answer, the reply download and the reply verification page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.core.errors import ApplicationError, NotFound
from ecity.core.forms import add_application_error
from ecity.core.masking import mask_id_number, mask_name, mask_phone
from ecity.core.middleware import response_private
from ecity.disclosure.forms import CorrectionAnswerForm, LookupForm, RequestForm, VerifyForm
from ecity.disclosure.models import ApplicantType, DisclosureRequest
from ecity.disclosure.selectors import requests as selectors
from ecity.disclosure.services import replies as reply_services
from ecity.disclosure.services import requests as services

#: Session key: the request numbers this browser proved it knows the query code of.
LOOKUP_SESSION_KEY = "disclosure_lookups"
PDF_MAX_BYTES = 10 * 1024 * 1024


def _may_see(request: HttpRequest, subject: DisclosureRequest) -> bool:
    if subject.applicant_id is not None and subject.applicant_id == getattr(
        request.user, "pk", None
    ):
        return True
    return subject.number in request.session.get(LOOKUP_SESSION_KEY, [])


def _get_visible(request: HttpRequest, number: str) -> DisclosureRequest:
    subject = (
        DisclosureRequest.objects.select_related("department")
        .prefetch_related("corrections")
        .filter(number=number)
        .first()
    )
    if subject is None or not _may_see(request, subject):
        raise Http404()
    return subject


def _masked(subject: DisclosureRequest) -> dict[str, str]:
    return {
        "name": mask_name(subject.name),
        "id_number": mask_id_number(subject.id_number) if subject.id_number else "",
        "phone": mask_phone(subject.phone),
    }


@require_http_methods(["GET", "POST"])
def _initial(request: HttpRequest) -> dict[str, object]:
    """The form's start: the department asked for, and a verified resident's own identity."""
    initial: dict[str, object] = {"department": request.GET.get("department")}
    user = request.user
    if user.is_authenticated and getattr(user, "is_real_name_verified", False):
        initial.update(
            applicant_type=ApplicantType.PERSON,
            name=user.real_name,
            id_number=user.id_number,
            phone=user.phone,
            email=user.email,
        )
    return initial


def request_form(request: HttpRequest) -> HttpResponse:
    """The request form (依申请公开) for citizens and enterprises, signed in or not."""
    form = RequestForm(request.POST or None, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = request.user if request.user.is_authenticated else None
        try:
            created = services.request_submit(
                applicant=applicant,
                department=data["department"],
                data=services.RequestInput(**{k: v for k, v in data.items() if k != "department"}),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            lookups = request.session.get(LOOKUP_SESSION_KEY, [])
            request.session[LOOKUP_SESSION_KEY] = [*lookups, created.number][-20:]
            return HttpResponseRedirect(
                reverse("disclosure:request_detail", kwargs={"number": created.number}) + "?sent=1"
            )
    return render(request, "disclosure/request_form.html", {"form": form})


@login_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """The signed-in applicant's requests (their personal page of disclosure)."""
    return render(
        request,
        "disclosure/my_requests.html",
        {"requests": selectors.requests_of_applicant(applicant=request.user)},
    )


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Find a request by its number and query code (no account needed)."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = selectors.request_by_query_code(
                number=form.cleaned_data["number"], query_code=form.cleaned_data["query_code"]
            )
        except NotFound:
            form.add_error(None, _("No request has this number and query code."))
        else:
            lookups = request.session.get(LOOKUP_SESSION_KEY, [])
            request.session[LOOKUP_SESSION_KEY] = [*lookups, found.number][-20:]
            return HttpResponseRedirect(
                reverse("disclosure:request_detail", kwargs={"number": found.number})
            )
    return response_private(render(request, "disclosure/lookup.html", {"form": form}))


@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One request as its applicant sees it: status, due date, correction form, reply."""
    subject = _get_visible(request, number)
    form = CorrectionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_answer(
                request=subject,
                answer=form.cleaned_data["answer"],
                applicant=request.user if request.user.is_authenticated else None,
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return HttpResponseRedirect(request.path)
    reply = subject.reply if hasattr(subject, "reply") else None
    return response_private(
        render(
            request,
            "disclosure/request_detail.html",
            {
                "subject": subject,
                "masked": _masked(subject),
                "reply": reply,
                "form": form,
                "sent": request.GET.get("sent") == "1",
            },
        )
    )


@require_GET
def reply_download(request: HttpRequest, number: str) -> HttpResponse:
    """The signed reply PDF, for the applicant."""
    subject = _get_visible(request, number)
    if not hasattr(subject, "reply"):
        raise Http404()
    response = HttpResponse(bytes(subject.reply.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{subject.number}.pdf"'
    return response_private(response)


@require_http_methods(["GET", "POST"])
def reply_verify(request: HttpRequest) -> HttpResponse:
    """Check that a reply PDF is, unchanged, one this platform signed."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > PDF_MAX_BYTES:
            form.add_error("document", _("The file is larger than 10 MB."))
        else:
            result = reply_services.reply_verify(pdf=upload.read())
    return render(request, "disclosure/verify.html", {"form": form, "result": result})
