"""The staff workbench: queues, claim and release, the full case view and every staff action.

Thin views: forms parse input, ``ecity.cases.services`` do the work, ``ecity.cases.selectors``
decide what the member of staff may see. A conflict (someone else handled the task first)
re-renders the case page with status 409 and a clear message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecity.cases import selectors
from ecity.cases.actions import ACTIONS, task_in
from ecity.cases.deadlines import is_past_statutory, provisional_deadline_years
from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors.materials import materials_of
from ecity.cases.services.access import case_read_record
from ecity.catalogue.form_answers import form_answers, form_field_label
from ecity.core.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from ecity.core.forms import add_application_error
from ecity.core.masking import mask_form_data, mask_id_number
from ecity.core.redirects import safe_redirect_url
from ecity.org.models import Department
from ecity.org.selectors import is_staff_member

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


def staff_required(view: Any) -> Any:
    """Logged-in staff only; others get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_staff_member(user=request.user):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- forms -----------------------------------------------------------------------------------
# What a page needs around each staff action's input (labels, widgets, choices); ``to_input``
# turns the cleaned data into the action's input, which ``ecity.cases.actions`` validates and
# performs for the HTML pages and the API alike.


class _VersionedTaskForm(forms.Form):
    task = forms.UUIDField(widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReviewForm(_VersionedTaskForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label=gettext_lazy("Opinion"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you reject."),
    )

    def to_input(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("outcome", "opinion", "expected_version")}


class DecideForm(_VersionedTaskForm):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve (grant)")),
            ("reject", gettext_lazy("Reject (do not grant)")),
        ],
        widget=forms.RadioSelect,
    )
    decision_text = forms.CharField(
        label=gettext_lazy("Decision text"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when you reject."),
    )

    def to_input(self) -> dict[str, Any]:
        keys = ("task", "outcome", "decision_text", "expected_version")
        return {k: self.cleaned_data[k] for k in keys}


class AcceptForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=2000)

    def to_input(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for not accepting"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def to_input(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class CorrectionForm(forms.Form):
    task = forms.UUIDField(widget=forms.HiddenInput, required=False)
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Form fields to correct"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    materials = forms.MultipleChoiceField(
        label=gettext_lazy("Materials to provide again"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=gettext_lazy("What the applicant must do"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = case.service_version
        english = (get_language() or "").startswith("en")
        properties = (version.form_schema or {}).get("properties", {})
        self.fields["fields"].choices = [
            (name, form_field_label(name, spec)) for name, spec in properties.items()
        ]
        self.material_names = {
            str(m.public_id): (m.name_en if english and m.name_en else m.name_zh)
            for m in version.materials.order_by("sort_order")
        }
        self.fields["materials"].choices = list(self.material_names.items())

    def items(self) -> list[dict]:
        message = self.cleaned_data.get("message", "").strip()
        labels = dict(self.fields["fields"].choices)
        items = [
            {"field": name, "message": message or str(labels.get(name, name))}
            for name in self.cleaned_data.get("fields", [])
        ]
        items += [
            {"material": key, "message": self.material_names.get(key, key)}
            for key in self.cleaned_data.get("materials", [])
        ]
        if message and not items:
            items.append({"message": message})
        return items

    def to_input(self) -> dict[str, Any]:
        task = self.cleaned_data.get("task")
        return {"task": task, "items": self.items(), "note": self.cleaned_data["message"]}


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(
        label=gettext_lazy("Extra working days"), min_value=1, max_value=60
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the extension"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def to_input(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("working_days", "reason")}


class CopyForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments to copy"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(is_active=True).exclude(
            pk=case.department_id
        )

    def to_input(self) -> dict[str, Any]:
        return {"departments": [d.code for d in self.cleaned_data["departments"]]}


class UrgeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Message to the handlers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def to_input(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


FORMS: dict[str, Any] = {
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "correction": CorrectionForm,
    "complete": ReviewForm,
    "decide": DecideForm,
    "extension": ExtensionForm,
    "copy": CopyForm,
    "urge": UrgeForm,
}
CASE_BOUND_FORMS = ("correction", "copy")


def _form(action: str, case: Case, data: Any = None, **initial: Any) -> forms.Form:
    cls = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action, "initial": initial or None}
    if action in CASE_BOUND_FORMS:
        kwargs["case"] = case
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


# --- pages -----------------------------------------------------------------------------------


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


def conflict_message() -> str:
    return _("Someone else has already handled this task. Please reload the page.")


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
            if m.is_exempt and m.pk not in {a.material_id for a in attachments}
        ],
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
        forms_["accept"] = _form("accept", case)
        forms_["refuse"] = _form("refuse", case)
        forms_["correction"] = _form("correction", case)
    task_forms = []
    for task in view.actionable_tasks:
        action = "decide" if task.kind == CaseTask.Kind.DECIDE else "complete"
        initial = {"task": task.public_id, "expected_version": task.lock_version}
        task_forms.append(
            {
                "task": task,
                "action": action,
                "form": _form(action, case, **initial),
                "correction": _form("correction", case, task=task.public_id),
            }
        )
    forms_["tasks"] = task_forms
    if view.can_decide_extension:
        forms_["extension"] = _form("extension", case)
    if view.can_copy:
        forms_["copy"] = _form("copy", case)
    if view.can_urge:
        forms_["urge"] = _form("urge", case)
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
    form = _form(action, view.case, request.POST)
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
