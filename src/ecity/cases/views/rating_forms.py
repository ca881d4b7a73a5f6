"""Forms of the rating pages: the rater's confirmation and the staff's follow-up actions.

The rating itself is ``applicant_forms.RatingForm``. The services validate again; these forms
only add labels, widgets and choices.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from ecity.catalogue.form_schema import AccessibleBoundField

TEXT_MAX = 4000


def _text(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConfirmForm(forms.Form):
    """The rater: is the problem resolved?"""

    bound_field_class = AccessibleBoundField
    resolved = forms.TypedChoiceField(
        label=gettext_lazy("Is your problem resolved?"),
        choices=[("yes", gettext_lazy("Yes, it is resolved")), ("no", gettext_lazy("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = _text(gettext_lazy("Comment (optional)"), required=False)


class AnswerForm(forms.Form):
    """The department's answer to the rater (回访)."""

    bound_field_class = AccessibleBoundField
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    answer = _text(
        gettext_lazy("Answer to the rater"),
        help_text=gettext_lazy(
            "What you found and what the department changed. The rater reads it and says "
            "whether the problem is resolved."
        ),
    )


class AppealForm(forms.Form):
    """The department appeals a malicious rating (申诉)."""

    bound_field_class = AccessibleBoundField
    reason = _text(
        gettext_lazy("Why is this rating malicious?"),
        help_text=gettext_lazy("The supervisors decide; an upheld appeal leaves the rating out."),
    )


class AppealDecisionForm(forms.Form):
    """A supervisor decides an appeal (复核)."""

    bound_field_class = AccessibleBoundField
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision on the appeal"),
        choices=[
            ("uphold", gettext_lazy("Uphold: exclude the rating from the statistics")),
            ("reject", gettext_lazy("Reject: the rating counts")),
        ],
        widget=forms.RadioSelect,
    )
    note = _text(gettext_lazy("Reasons"))


class SuperviseForm(forms.Form):
    """A supervisor decides on a rectification the rater did not accept."""

    bound_field_class = AccessibleBoundField
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("reopen", gettext_lazy("Send it back to the department for another rectification")),
            ("close", gettext_lazy("Close it")),
        ],
        widget=forms.RadioSelect,
    )
    note = _text(gettext_lazy("Reasons (the rater reads them)"))
