"""The forms of the handling, supervision and callback pages (one per action; the services
re-check every rule)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecity.hotline.models import Callback
from ecity.hotline.views.forms import LocalisedModelChoiceField
from ecity.org.models import Department

TEXTAREA = forms.Textarea(attrs={"rows": 4})
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _departments() -> forms.ModelChoiceField:
    return LocalisedModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("code"),
        error_messages={"required": _("Choose a department.")},
    )


class EmptyForm(forms.Form):
    """An action without input (sign for)."""


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=TEXTAREA,
        max_length=4000,
        error_messages={"required": _("Give the reason.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Write the answer to the citizen.")},
    )


class ExtensionForm(forms.Form):
    new_due_at = forms.DateTimeField(
        label=_("New due time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Enter the new due time."),
            "invalid": _("Enter a date and time such as 2026-12-31 17:00."),
        },
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=TEXTAREA,
        max_length=4000,
        error_messages={"required": _("Say why more time is needed.")},
    )


class AssistForm(forms.Form):
    department = _departments()
    reason = forms.CharField(
        label=_("What is asked"),
        widget=TEXTAREA,
        max_length=4000,
        error_messages={"required": _("Say what the other department should do.")},
    )


class ContributionForm(forms.Form):
    contribution = forms.CharField(
        label=_("Contribution"),
        widget=TEXTAREA,
        max_length=4000,
        error_messages={"required": _("Write what your department found or did.")},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        widget=TEXTAREA,
        max_length=4000,
        error_messages={"required": _("Write a note.")},
    )


class TransferForm(NoteForm):
    department = _departments()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and close")), ("send_back", _("Send back"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    reason = forms.CharField(
        label=_("Reason (to send back)"), widget=TEXTAREA, max_length=4000, required=False
    )


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    note = forms.CharField(
        label=_("Note (to refuse)"), widget=TEXTAREA, max_length=4000, required=False
    )


class RatingForm(forms.Form):
    """The citizen's online rating (and, with ``method``, the agent's callback)."""

    is_solved = forms.ChoiceField(
        label=_("Was your request solved?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the request was solved.")},
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Callback.Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(label=_("Comment"), widget=TEXTAREA, max_length=2000, required=False)


class CallbackForm(RatingForm):
    method = forms.ChoiceField(
        label=_("Reached by"),
        choices=[
            (Callback.Method.PHONE, Callback.Method.PHONE.label),
            (Callback.Method.SMS, Callback.Method.SMS.label),
        ],
        error_messages={"required": _("Choose how the citizen was reached.")},
    )


class QueryCodeForm(forms.Form):
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=16,
        error_messages={"required": _("Enter the query code from your SMS.")},
    )
