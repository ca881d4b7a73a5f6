"""The staff action forms of the case page.

What a page needs around each staff action's input (labels, widgets, choices); ``to_input``
turns the cleaned data into the action's input, which ``ecity.cases.actions`` validates and
performs for the HTML pages and the API alike.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, gettext_lazy

from ecity.cases.models import Case
from ecity.catalogue.form_answers import form_field_label
from ecity.org.models import Department


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


def action_form(action: str, case: Case, data: Any = None, **initial: Any) -> forms.Form:
    """The form of staff action ``action`` on ``case`` (bound to ``data`` when given)."""
    cls = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action, "initial": initial or None}
    if action in CASE_BOUND_FORMS:
        kwargs["case"] = case
    return cls(data, **kwargs) if data is not None else cls(**kwargs)
