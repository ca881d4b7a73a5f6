"""Forms of the registry's pages: a citizen's dispute (异议) over a value of their record, the
staff upload of indicator figures."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecity.org.models import Department
from ecity.registry.attributes import PERSON_ATTRIBUTES


class DisputeForm(forms.Form):
    """The same input as ``services.disputes.dispute_raise`` (attribute, value, reason)."""

    attribute = forms.ChoiceField(label=_("Which value is wrong?"))
    proposed_value = forms.CharField(label=_("The correct value"), max_length=300)
    reason = forms.CharField(
        label=_("Why is it wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the document that shows the correct value."),
    )

    def __init__(self, *args: object, attributes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["attribute"].choices = [
            (name, PERSON_ATTRIBUTES[name].label) for name in attributes
        ]


class IndicatorUploadForm(forms.Form):
    """The input of ``services.indicator_loads.indicator_observations_load`` (file, dry run)."""

    department = forms.ModelChoiceField(
        label=_("For the department"), queryset=None, empty_label=None
    )
    file = forms.FileField(
        label=_("File of figures"),
        help_text=_("CSV (UTF-8 or GB 18030) or Excel (.xlsx), one figure a row."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (dry run): write nothing"), required=False, initial=True
    )

    def __init__(self, *args: object, departments: QuerySet[Department], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
