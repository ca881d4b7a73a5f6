"""The case page: everything about one case, and the staff actions run from its forms.

A conflict (someone else handled the task first) re-renders the page with status 409 and a
clear message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecity.cases import selectors
from ecity.cases.actions import ACTIONS, task_in
from ecity.cases.deadlines import is_past_statutory, provisional_deadline_years
from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.materials import materials_of
from ecity.cases.selectors.references import case_material_references
from ecity.cases.services.access import (
    applicant_record_read_record,
    case_read_record,
    material_reference_read_record,
)
from ecity.cases.views.workbench.action_forms import FORMS, action_form
from ecity.cases.views.workbench.staff import conflict_message, staff_required
from ecity.catalogue.form_answers import form_answers
from ecity.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ecity.core.forms import add_application_error
from ecity.core.masking import mask_form_data
from ecity.registry.attributes import (
    LEGAL_ENTITY_ATTRIBUTES,
    LEGAL_ENTITY_KEY,
    PERSON_ATTRIBUTES,
    PERSON_KEY,
)
from ecity.registry.models import LegalEntityRecord, Person


def attachment_url(case: Case, attachment: Any) -> str:
    """Link to the permission-checked download of the submission pages."""
    try:
        return reverse(
            "cases:attachment_download",
            kwargs={"number": case.number, "public_id": attachment.public_id},
        )
    except NoReverseMatch:
        return ""


def _form_rows(case: Case, *, unmasked: bool) -> list[tuple[str, str]]:
    """The answers with labels (as the applicant reads them), personal values masked if need be."""
    schema = case.service_version.form_schema or {}
    data = case.form_data if unmasked else mask_form_data(case.form_data, schema)
    return [(answer.label, answer.text) for answer in form_answers(schema, data)]


def _case_context(request: HttpRequest, view: selectors.workbench.StaffCase) -> dict[str, Any]:
    case = view.case
    attachments = list(case.attachments.select_related("material").order_by("created_at"))
    unmasked = view.shows_personal_data  # only those handling the case see it in full
    referenced = {r.material_id for r in case_material_references(case=case)}
    return {
        "view": view,
        "case": case,
        "show_personal_data": unmasked,  # read by {% personal %} (identity template tags)
        "is_past_statutory": is_past_statutory(case),
        "provisional_years": provisional_deadline_years(case),
        "form_rows": _form_rows(case, unmasked=unmasked),
        "attachments": [(a, attachment_url(case, a)) for a in attachments],
        # 免提交 materials without a file: the department obtains them itself
        "exempt_materials": [
            m
            for m in materials_of(case.service_version)
            if m.is_exempt
            and m.pk not in {a.material_id for a in attachments}
            and m.pk not in referenced
        ],
        "material_references": case_material_references(case=case),
        "applicant_record": _record_summary(case, unmasked=unmasked),
        "timeline": selectors.case_timeline(case=case),
        "opinions": selectors.case_opinions(case=case),
        "copies": selectors.workbench.case_copies(case=case),
        "tasks": case.tasks.select_related("department", "claimed_by", "completed_by"),
        "open_correction": selectors.workbench.case_open_correction(case=case),
    }


def _forms_for(view: selectors.workbench.StaffCase) -> dict[str, Any]:
    case = view.case
    forms_: dict[str, Any] = {}
    if view.can_accept:
        forms_["accept"] = action_form("accept", case)
        forms_["refuse"] = action_form("refuse", case)
        forms_["correction"] = action_form("correction", case)
    task_forms = []
    for task in view.actionable_tasks:
        action = "decide" if task.kind == CaseTask.Kind.DECIDE else "complete"
        initial = {"task": task.public_id, "expected_version": task.lock_version}
        task_forms.append(
            {
                "task": task,
                "action": action,
                "form": action_form(action, case, **initial),
                "correction": action_form("correction", case, task=task.public_id),
            }
        )
    forms_["tasks"] = task_forms
    if view.can_decide_extension:
        forms_["extension"] = action_form("extension", case)
    if view.can_copy:
        forms_["copy"] = action_form("copy", case)
    if view.can_urge:
        forms_["urge"] = action_form("urge", case)
    return forms_


def _staff_case(request: HttpRequest, number: str) -> selectors.workbench.StaffCase:
    try:
        return selectors.case_get_for_staff(actor=request.user, number=number)
    except NotFound as error:
        raise Http404(error.message) from error


def _render_case(
    request: HttpRequest,
    view: selectors.workbench.StaffCase,
    *,
    failed: tuple[str, forms.Form, str | None] | None = None,
    status: int = 200,
    conflict: bool = False,
) -> HttpResponse:
    # Every showing of the case is a read (also a form shown again after a failed action).
    case_read_record(request=request, view=view)
    context = _case_context(request, view)
    page_forms = _forms_for(view)
    if failed is not None:
        action, form, task_id = failed
        if task_id is not None:
            for entry in page_forms["tasks"]:
                if str(entry["task"].public_id) == task_id:
                    entry["correction" if action == "correction" else "form"] = form
        else:
            page_forms[action] = form
    context.update({"forms": page_forms, "conflict": conflict})
    return render(request, "cases/workbench/case.html", context, status=status)


@require_GET
@staff_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one case, with the forms for what the actor may do on it (audited)."""
    view = _staff_case(request, number)
    return _render_case(request, view)


def _perform(request: HttpRequest, action: str, view: Any, form: forms.Form) -> str:
    """Perform ``action`` with the form's input; return the success message."""
    data = form.to_input()  # type: ignore[attr-defined]
    task = None
    if action == "complete":
        try:
            task = task_in(view, data.pop("task", None) or form.cleaned_data["task"])
        except ValidationFailed as error:
            raise Conflict() from error  # the task is gone: someone else handled the case
    ACTIONS[action].perform(actor=request.user, view=view, task=task, data=data)
    return str(ACTIONS[action].done)


@require_POST
@staff_required
def case_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Run one staff action on a case from the case page's forms (POST)."""
    if action not in FORMS:
        raise Http404
    view = _staff_case(request, number)
    form = action_form(action, view.case, request.POST)
    task_id = request.POST.get(f"{action}-task") or None
    if not form.is_valid():
        return _render_case(request, view, failed=(action, form, task_id), status=400)
    try:
        done = _perform(request, action, view, form)
    except Conflict:
        view = _staff_case(request, number)
        messages.error(request, conflict_message())
        return _render_case(request, view, status=409, conflict=True)
    except PermissionDenied as error:
        raise DjangoPermissionDenied(error.message) from error
    except ApplicationError as error:
        add_application_error(form, error)
        return _render_case(request, view, failed=(action, form, task_id), status=400)
    messages.success(request, done)
    if action in ("refuse",) or not _still_visible(request, number):
        return redirect("cases:workbench")
    return redirect("cases:workbench_case", number=number)


def _still_visible(request: HttpRequest, number: str) -> bool:
    try:
        selectors.case_get_for_staff(actor=request.user, number=number)
    except NotFound:
        return False
    return True


def _record_summary(case: Case, *, unmasked: bool) -> dict[str, str] | None:
    """The registry record the applicant snapshot references: which registry, key and name.

    Masked as the record's own page masks it (``registry.attributes``) unless ``unmasked``.
    """
    record: Person | LegalEntityRecord | None = case.applicant_person or case.applicant_legal_entity
    if record is None:
        return None
    if isinstance(record, Person):
        key, name, registry = PERSON_KEY, PERSON_ATTRIBUTES["name"], _("Person registry")
    else:
        key, name, registry = (
            LEGAL_ENTITY_KEY,
            LEGAL_ENTITY_ATTRIBUTES["name"],
            _("Legal-entity registry"),
        )

    def text(attribute: Any) -> str:
        value = attribute.to_text(getattr(record, attribute.name, None))
        return value if unmasked else attribute.shown(value)

    return {"registry": str(registry), "key": text(key), "name": text(name)}


def _record_rows(record: Any, *, unmasked: bool) -> list[tuple[str, str]]:
    """A registry record's attributes with labels, personal values masked unless ``unmasked``."""
    if record is None:
        return []
    if isinstance(record, Person):
        attributes = [PERSON_KEY, *PERSON_ATTRIBUTES.values()]
    else:
        attributes = [LEGAL_ENTITY_KEY, *LEGAL_ENTITY_ATTRIBUTES.values()]
    rows = []
    for attribute in attributes:
        text = attribute.to_text(getattr(record, attribute.name, None))
        rows.append((str(attribute.label), text if unmasked else attribute.shown(text)))
    return rows


@require_GET
@staff_required
def applicant_record(request: HttpRequest, number: str) -> HttpResponse:
    """The registry record the case's applicant snapshot references (an audited read).

    For staff who may see the case; personal values masked unless they handle it. The record
    shows today's values: the case keeps the applicant's name and identifier as submitted.
    """
    view = _staff_case(request, number)
    case = view.case
    record = case.applicant_person or case.applicant_legal_entity
    if record is None:
        raise Http404
    applicant_record_read_record(request=request, case=case)
    return render(
        request,
        "cases/workbench/applicant_record.html",
        {
            "case": case,
            "record_rows": _record_rows(record, unmasked=view.shows_personal_data),
            "is_person": case.applicant_person_id is not None,
        },
    )


@require_GET
@staff_required
def material_reference(request: HttpRequest, number: str, public_id: Any) -> HttpResponse:
    """The verified certificate or registry record standing for a material (an audited read).

    For staff who may see the case; the certificate's state is shown as of today and as
    verified when the case was submitted.
    """
    view = _staff_case(request, number)
    reference = next(
        (r for r in case_material_references(case=view.case) if str(r.public_id) == str(public_id)),
        None,
    )
    if reference is None:
        raise Http404
    material_reference_read_record(request=request, reference=reference)
    record = reference.person or reference.legal_entity_record
    return render(
        request,
        "cases/workbench/material_reference.html",
        {
            "case": view.case,
            "reference": reference,
            "certificate": reference.certificate,
            "record_rows": _record_rows(record, unmasked=view.shows_personal_data),
            "is_person": reference.person_id is not None,
        },
    )
