"""Forms of the registry's pages: a citizen's dispute (异议) over a value of their record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
