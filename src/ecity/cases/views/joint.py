"""The applicant's joint application pages (一件事一次办): apply once, follow, get the results.

Thin callers of ``cases.services.joint`` and ``cases.selectors.joint``; works without
JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.cases.models import Case, JointApplication
from ecity.cases.selectors import joint as selectors
from ecity.cases.selectors import public as public_selectors
from ecity.cases.selectors.drafts import (
    joint_draft_attachments,
    joint_draft_for,
    prefill_values,
)
from ecity.cases.services import drafts as draft_services
from ecity.cases.services import joint as services
from ecity.cases.services.access import decision_read_record
from ecity.cases.views.applicant_forms import TOKEN_FIELD, walk_in_renames, walk_in_values
from ecity.cases.views.joint_forms import (
    JointLookupForm,
    joint_files,
    joint_form,
    joint_initial,
    joint_sections,
    joint_values,
)
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.joint.selectors import joint_service_get_published
from ecity.certificates.access import certificate_read_record
from ecity.core.errors import ApplicationError, NotFound, ValidationFailed
from ecity.core.forms import add_application_error
from ecity.core.ratelimit import client_ip
from ecity.identity.selectors import acting_identity

PAGE_SIZE = 20


def _identity(request: HttpRequest) -> Any:
    return acting_identity(user=request.user, session=request.session)


def _token(request: HttpRequest) -> str:
    posted = request.POST.get(TOKEN_FIELD, "")
    return posted if posted.isalnum() and 16 <= len(posted) <= 64 else ""


def _own(request: HttpRequest, number: str) -> JointApplication:
    try:
        return selectors.joint_application_get_for_applicant(
            user=request.user, identity=_identity(request), number=number
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def joint_apply(request: HttpRequest, code: str) -> HttpResponse:
    """Fill in the combined form once (prefilled from the profile) and submit every service.

    "Save draft" keeps the answers and every acceptable file on the applicant's draft to resume
    later (the form then shows them); "Remove" takes a kept file off it; submitting uses the
    kept files and removes the draft. Works without JavaScript.
    """
    try:
        service = joint_service_get_published(code=code)
        version = service.current_version
        services.joint_version_check(version, channel=Case.Channel.ONLINE)
    except ApplicationError as error:
        raise Http404(error.message) from error
    identity = _identity(request)
    layout = joint_layout(version)
    draft = joint_draft_for(actor=request.user, identity=identity, joint_version=version)
    status = 200
    if request.method == "POST":
        form = joint_form(layout, data=request.POST, files=request.FILES, token=_token(request))
        values = joint_values(layout, request.POST)
        files = joint_files(layout, request.FILES)
        removed = request.POST.get("remove_file")  # a kept file's public id
        try:
            if removed is not None or request.POST.get("action") == "save":
                _draft, rejected = draft_services.joint_draft_save(
                    actor=request.user,
                    identity=identity,
                    joint_version=version,
                    form_data=values,
                    files=files,
                )
                if removed is not None:
                    draft_services.draft_attachment_remove(actor=request.user, public_id=removed)
                if rejected:
                    raise ValidationFailed(fields=rejected)
                messages.success(
                    request,
                    _("The file has been removed.")
                    if removed is not None
                    else _("Your draft has been saved. You can continue later."),
                )
                return redirect("cases:joint_apply", code=service.code)
            application = services.joint_application_submit(
                actor=request.user,
                session_identity=identity,
                joint_version=version,
                form_data=values,
                attachments=files,
                idempotency_key=f"joint-{_token(request)}" if _token(request) else None,
                draft=draft,
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
            status = 400
            draft = joint_draft_for(actor=request.user, identity=identity, joint_version=version)
        else:
            return redirect("cases:joint_submitted", number=application.number)
    else:
        initial = joint_initial(
            layout,
            lambda schema: prefill_values(schema, user=request.user, identity=identity),
            saved=draft.form_data if draft is not None else None,
        )
        form = joint_form(layout, initial=initial)
    context = {
        "service": service,
        "version": version,
        "layout": layout,
        "identity": identity,
        "draft": draft,
    }
    context.update(joint_sections(layout, form, kept=joint_draft_attachments(draft, layout)))
    return render(request, "cases/joint/apply.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def joint_counter_apply(request: HttpRequest, code: str) -> HttpResponse:
    """A counter clerk submits a joint application for a walk-in applicant (no account needed).

    Only a counter clerk of every member service's department (403 otherwise). The clerk
    enters the applicant's name, ID number and phone with the combined form; on success the
    printable receipt shows the joint number and query code (also sent to the phone by SMS).
    """
    try:
        service = joint_service_get_published(code=code)
        version = service.current_version
        services.joint_version_check(version, channel=Case.Channel.COUNTER)
    except ApplicationError as error:
        raise Http404(error.message) from error
    if not selectors.joint_counter_allowed(user=request.user, joint_version=version):
        raise DjangoPermissionDenied
    layout = joint_layout(version)
    status = 200
    if request.method == "POST":
        form = joint_form(
            layout, data=request.POST, files=request.FILES, token=_token(request), walk_in=True
        )
        try:
            application = services.joint_application_submit(
                actor=request.user,
                session_identity=None,
                joint_version=version,
                form_data=joint_values(layout, request.POST),
                attachments=joint_files(layout, request.FILES),
                idempotency_key=f"joint-counter-{_token(request)}" if _token(request) else None,
                on_behalf_of=walk_in_values(request.POST),
            )
        except ApplicationError as error:
            add_application_error(form, error, rename=walk_in_renames(), skip_reported=True)
            status = 400
        else:
            return redirect("cases:joint_receipt", number=application.number)
    else:
        form = joint_form(layout, walk_in=True)
    context = {"service": service, "version": version, "layout": layout, "walk_in": True}
    context.update(joint_sections(layout, form))
    return render(request, "cases/joint/apply.html", context, status=status)


@login_required
@require_GET
def joint_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """A printable receipt (回执): the joint number, the query code and each member case.

    For the applicant and for the counter clerk who submitted it for a walk-in applicant.
    """
    try:
        application = selectors.joint_application_get_for_receipt(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "cases/joint/receipt.html",
        {"application": application, "cases": [link.case for link in application.links.all()]},
    )


@login_required
@require_GET
def joint_submitted(request: HttpRequest, number: str) -> HttpResponse:
    """Confirmation: the joint number and query code, and each service's case number."""
    application = _own(request, number)
    return render(
        request,
        "cases/joint/submitted.html",
        {"application": application, "cases": [link.case for link in application.links.all()]},
    )


@login_required
@require_GET
def joint_list(request: HttpRequest) -> HttpResponse:
    """The joint applications of the current identity (oneself or the enterprise acted for)."""
    applications = selectors.joint_application_list_for_applicant(
        user=request.user, identity=_identity(request)
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/joint/list.html", {"page": page, "identity": _identity(request)})


@login_required
@require_GET
def joint_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One progress page: each service's department steps and status, then all results."""
    application = _own(request, number)
    progress = selectors.joint_progress(application=application)
    return render(request, "cases/joint/detail.html", {"progress": progress})


@login_required
@require_GET
def joint_results(request: HttpRequest, number: str) -> HttpResponse:
    """Every decision document and e-certificate of the member cases, as one ZIP."""
    application = _own(request, number)
    progress = selectors.joint_progress(application=application)
    if not progress.has_results:
        raise Http404(_("There are no results yet."))
    for member in progress.members:
        if member.decision_document is not None:
            decision_read_record(request=request, document=member.decision_document)
        if member.certificate is not None:
            certificate_read_record(request=request, certificate=member.certificate)
    response = HttpResponse(
        selectors.results_archive(progress=progress), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{application.number}-results.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def joint_lookup(request: HttpRequest) -> HttpResponse:
    """Follow a joint application with its number and query code, without logging in.

    Rate-limited like the case lookup (per client address, and per number after wrong codes);
    POST keeps the code out of URLs and logs.
    """
    form = JointLookupForm(request.POST or None)
    progress = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"].strip()
        if not public_selectors.lookup_ip_allow(
            client_ip(request)
        ) or public_selectors.lookup_number_locked(number):
            return render(request, "cases/public/rate_limited.html", status=429)
        try:
            progress = selectors.joint_lookup(
                number=number, query_code=form.cleaned_data["query_code"]
            )
        except NotFound as error:
            public_selectors.lookup_failure_record(number)
            form.add_error(None, error.message)
    return render(request, "cases/joint/lookup.html", {"form": form, "progress": progress})
