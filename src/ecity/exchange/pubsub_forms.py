"""Forms of the staff pages of publish/subscribe (the services validate; these parse)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SubscriptionDecisionForm(forms.Form):
    """The topic owner's answer (or either side's suspension) with a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("refuse", _("Refuse")),
            ("suspend", _("Suspend")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse or suspend; shown to the other department."),
    )


class RequeueForm(forms.Form):
    """Dead letters of one subscription to queue again."""

    message_ids = forms.MultipleChoiceField(
        label=_("Messages"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, message_ids: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["message_ids"].choices = [(m, m) for m in message_ids]
