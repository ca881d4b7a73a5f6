"""The application form pages: apply online (with its draft and "Check your answers"), apply
at the counter for a walk-in applicant, answer a correction request; then the confirmation and
the receipt.

Each form keeps the acceptable files of a refused attempt ("already uploaded", with "Remove").
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecity.cases.models import Case
from ecity.cases.selectors import applicant as selectors
from ecity.cases.selectors.applicant import is_applicant
from ecity.cases.selectors.drafts import (
    draft_attachments_by_material,
    draft_get_or_prefill,
    draft_review,
    kept_files_draft,
)
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.selectors.references import case_material_references, material_sources
from ecity.cases.services import drafts as draft_services
from ecity.cases.services.eligibility import version_check
from ecity.cases.views.applicant.my_cases import correction_items, identity_of, own_case
from ecity.cases.views.applicant_forms import (
    TOKEN_FIELD,
    WALK_IN_FIELDS,
    application_form,
    material_files,
    schema_values,
)
from ecity.catalogue.selectors import item_get_published
from ecity.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from ecity.core.forms import add_application_error
from ecity.identity.selectors import APPLY, identity_level_check
from ecity.identity.verification_views import handles_level_required
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role


def _item(code: str) -> Any:
    try:
        return item_get_published(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form_sections(
    form: Any,
    version: Any,
    on_file: dict[str, Any],
    sources: dict[str, Any] | None = None,
    from_registry: set[str] | None = None,
) -> dict[str, Any]:
    """The form's fields grouped for the template: walk-in, schema, materials, token.

    ``sources`` are the materials satisfied by reference (by material key), ``from_registry``
    the fields prefilled from the applicant's base-registry record (marked on the field).
    """
    properties = (version.form_schema or {}).get("properties") or {}
    for name in from_registry or ():
        if name in form.fields:
            hint = form.fields[name].help_text
            mark = _("From the base registry")
            form.fields[name].help_text = f"{hint} ({mark})" if hint else mark
    return {
        "form": form,
        "token_field": form[TOKEN_FIELD],
        "walkin_fields": [form[f] for f in WALK_IN_FIELDS.values() if f in form.fields],
        "schema_fields": [form[name] for name in form.fields if name in properties],
        "material_rows": [
            {
                "material": m,
                "field": form[material_key(m)],
                "current": on_file.get(material_key(m)),
                "source": (sources or {}).get(material_key(m)),
            }
            for m in materials_of(version)
        ],
    }


def _token(request: HttpRequest) -> str:
    posted = request.POST.get(TOKEN_FIELD, "")
    return posted if posted.isalnum() and 16 <= len(posted) <= 64 else ""


def _apply_page(
    request: HttpRequest, item: Any, form: Any, state: Any, status: int = 200
) -> HttpResponse:
    version = item.current_version
    identity = identity_of(request)
    sources = material_sources(
        user=request.user,
        identity=identity,
        materials={material_key(m): m for m in materials_of(version)},
        on=timezone.localdate(),
    )
    return render(
        request,
        "cases/applicant/apply.html",
        {
            "item": item,
            "version": version,
            "identity": identity,
            "draft": state.draft,
            "walk_in": False,
            **_form_sections(form, version, state.attachments, sources, state.from_registry),
        },
        status=status,
    )


def _draft_state(request: HttpRequest, version: Any) -> Any:
    return draft_get_or_prefill(
        actor=request.user, identity=identity_of(request), service_version=version
    )


@login_required
@require_http_methods(["GET", "POST"])
@handles_level_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Fill in the application form (prefilled from the profile), then "Check your answers".

    "Continue" keeps the answers and every acceptable file on the draft, even when something
    else is wrong (the form then lists those files as already uploaded), and goes on to the
    check page when all is complete; "Save draft" keeps them for later; "Remove" takes a kept
    file off the draft. Works without JavaScript.
    """
    item = _item(code)
    version = item.current_version
    identity = identity_of(request)
    # Before the form: a registered-only account is told how to get verified.
    identity_level_check(user=request.user, purpose=APPLY)
    try:
        state = _draft_state(request, version)
        if request.method == "GET":
            version_check(version, channel=Case.Channel.ONLINE)
    except ApplicationError as error:
        raise Http404(error.message) from error
    form = application_form(version, initial=state.initial)
    if request.method == "POST":
        form = application_form(version, data=request.POST, files=request.FILES)
        values = schema_values(version, request.POST)
        files = material_files(version, request.FILES)
        removed = request.POST.get("remove_file")  # a kept file's public id
        try:
            if removed is not None or request.POST.get("action") == "save":
                _draft, rejected = draft_services.draft_keep(
                    actor=request.user,
                    identity=identity,
                    service_version=version,
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
                return redirect("cases:apply", code=item.code)
            draft_services.draft_continue(
                actor=request.user,
                identity=identity,
                service_version=version,
                form_data=values,
                files=files,
            )
        except ApplicationError as error:
            add_application_error(form, error, skip_reported=True)
            state = _draft_state(request, version)  # the files kept show as already uploaded
        else:
            return redirect("cases:apply_check", code=item.code)
    return _apply_page(request, item, form, state)


@login_required
@require_http_methods(["GET", "POST"])
@handles_level_required
def apply_check(request: HttpRequest, code: str) -> HttpResponse:
    """Check your answers (GOV.UK pattern): every answer and file, each with a "Change" link.

    "Submit" sends exactly the answers and files shown, once: the page's one-time token is the
    submission's idempotency key, so a double click or a resent form gives the same case.
    """
    item = _item(code)
    version = item.current_version
    identity = identity_of(request)
    if request.method == "POST":
        token = _token(request)
        if not token:
            return redirect("cases:apply_check", code=item.code)
        try:
            case = draft_services.draft_submit(
                actor=request.user,
                identity=identity,
                service_version=version,
                revision=request.POST.get("revision", ""),
                idempotency_key=f"check-{token}",
            )
        except NotFound as error:
            messages.info(request, error.message)
            return redirect("cases:apply", code=item.code)
        except Conflict as error:
            messages.warning(request, error.message)
            return redirect("cases:apply_check", code=item.code)
        except ApplicationError as error:
            state = _draft_state(request, version)
            form = application_form(version, data=state.initial)
            add_application_error(form, error, skip_reported=True)
            return _apply_page(request, item, form, state)
        return redirect("cases:submitted", number=case.number)
    review = draft_review(actor=request.user, identity=identity, service_version=version)
    if review is None:
        return redirect("cases:apply", code=item.code)
    return render(
        request,
        "cases/applicant/check.html",
        {
            "item": item,
            "version": version,
            "identity": identity,
            "review": review,
            "token": uuid.uuid4().hex,
        },
    )


def _kept_files(request: HttpRequest, version: Any, **where: Any) -> dict[str, Any]:
    """The files the user's counter form (``form_key``) or correction (``case``) kept."""
    return draft_attachments_by_material(
        kept_files_draft(actor=request.user, version=version, **where)
    )


def _kept_file_remove(request: HttpRequest) -> bool:
    """Take a kept file off when "Remove" was pressed; whether it was (the page is redrawn)."""
    removed = request.POST.get("remove_file")
    if removed is None:
        return False
    try:
        draft_services.draft_attachment_remove(actor=request.user, public_id=removed)
    except NotFound as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("The file has been removed."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def counter_apply(request: HttpRequest, code: str) -> HttpResponse:
    """A counter clerk submits for a walk-in applicant (no account needed).

    A form refused for a mistake keeps its acceptable files for this clerk and form (listed as
    already uploaded; "Remove" takes one off), so the clerk fixes the mistake without
    choosing the files again.
    """
    item = _item(code)
    version = item.current_version
    if not user_has_role(
        user=request.user, role=StaffRole.Role.COUNTER_CLERK, department=item.department
    ):
        raise DjangoPermissionDenied
    form = application_form(version, walk_in=True)
    token = _token(request)
    if request.method == "POST":
        form = application_form(
            version, data=request.POST, files=request.FILES, token=token, walk_in=True
        )
        if not _kept_file_remove(request):
            try:
                case = draft_services.counter_submit(
                    actor=request.user,
                    service_version=version,
                    form_data=schema_values(version, request.POST),
                    files=material_files(version, request.FILES),
                    on_behalf_of={k: request.POST.get(f, "") for k, f in WALK_IN_FIELDS.items()},
                    form_key=token,
                )
            except ApplicationError as error:
                rename = {f"on_behalf_of.{k}": f for k, f in WALK_IN_FIELDS.items()}
                add_application_error(form, error, rename=rename, skip_reported=True)
            else:
                return redirect("cases:receipt", number=case.number)
    return render(
        request,
        "cases/applicant/apply.html",
        {
            "item": item,
            "version": version,
            "walk_in": True,
            **_form_sections(form, version, _kept_files(request, version, form_key=token)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@handles_level_required
def correction(request: HttpRequest, number: str) -> HttpResponse:
    """Answer a correction request: change the answers and upload the missing files.

    A correction refused for a mistake keeps its acceptable files (listed as already uploaded,
    newer than the case's own), so the applicant does not choose them again.
    """
    case = own_case(request, number)
    open_request = selectors.correction_open_get(case=case)
    if case.status != Case.Status.AWAITING_CORRECTION:
        messages.info(request, _("This case is not waiting for a correction."))
        return redirect("cases:detail", number=case.number)
    version = case.service_version
    form = application_form(version, initial=case.form_data)
    if request.method == "POST":
        form = application_form(version, data=request.POST, files=request.FILES)
        if not _kept_file_remove(request):
            try:
                draft_services.correction_send(
                    actor=request.user,
                    case=case,
                    form_data=schema_values(version, request.POST),
                    files=material_files(version, request.FILES),
                )
            except ApplicationError as error:
                add_application_error(form, error, skip_reported=True)
            else:
                messages.success(request, _("Your correction has been sent; the clock runs again."))
                return redirect("cases:detail", number=case.number)
    on_case = {material_key(a.material): a for a in selectors.case_attachments(case=case)}
    on_case.update(_kept_files(request, version, case=case))  # kept from a refused attempt
    referenced = {material_key(r.material): r for r in case_material_references(case=case)}
    return render(
        request,
        "cases/applicant/correction.html",
        {
            "case": case,
            "version": version,
            "correction": open_request,
            "correction_items": correction_items(case, open_request),
            **_form_sections(form, version, on_case, referenced),
        },
    )


def _receipt_case(request: HttpRequest, number: str) -> Case:
    case = Case.objects.select_related("service_version", "department").filter(number=number)
    found = case.first()
    if found is None or not (
        is_applicant(user=request.user, case=found) or found.submitted_by_id == request.user.pk
    ):
        raise Http404(_("No such case among yours."))
    return found


@login_required
@require_GET
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    """Confirmation after submitting: the case number, the query code, what happens next."""
    case = _receipt_case(request, number)
    return render(request, "cases/applicant/submitted.html", {"case": case})


@login_required
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """A printable receipt (回执) with the case number and the query code."""
    case = _receipt_case(request, number)
    return render(request, "cases/applicant/receipt.html", {"case": case})
