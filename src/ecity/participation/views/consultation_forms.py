"""The forms of the consultation pages: one per action, each re-displayed with field errors.

The limits mirror ``services.consultations`` (which checks them again and has the last word).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.participation.models import ConsultationComment
from ecity.participation.services import consultations as services

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_INPUT)


class ConsultationForm(forms.Form):
    """Create or edit a draft consultation."""

    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the draft is put to the public, and what feedback is wanted."),
    )
    draft_text = forms.CharField(
        label=_("Text of the draft"),
        max_length=services.DRAFT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    opens_at = forms.DateTimeField(
        label=_("Comments open at"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=DateTimeLocalInput(),
    )
    closes_at = forms.DateTimeField(
        label=_("Comments close at"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=DateTimeLocalInput(),
    )
    attachment = forms.FileField(
        label=_("Draft as PDF"),
        required=False,
        help_text=_("Optional: one PDF file of at most 20 MB."),
    )
    remove_attachment = forms.BooleanField(label=_("Remove the current PDF"), required=False)

    def __init__(self, *args: object, has_pdf: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not has_pdf:
            del self.fields["remove_attachment"]

    def to_input(self) -> services.ConsultationInput:
        data = self.cleaned_data
        return services.ConsultationInput(
            title=data["title"],
            introduction=data["introduction"],
            draft_text=data["draft_text"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
        )


class CommentForm(forms.Form):
    """A citizen's comment on the whole draft or one of its sections."""

    section = forms.CharField(
        label=_("Section of the draft"),
        max_length=services.SECTION_MAX,
        required=False,
        help_text=_("Optional, for example “第三条”. Leave empty to comment on the whole draft."),
    )
    body = forms.CharField(
        label=_("Your comment"),
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ModerationForm(forms.Form):
    """Publish a pending comment, or reject it with a reason."""

    DECISIONS = (
        ("publish", pgettext_lazy("comment moderation", "Publish")),
        ("reject", pgettext_lazy("comment moderation", "Reject")),
    )

    decision = forms.ChoiceField(
        label=pgettext_lazy("comment moderation", "Decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the comment is rejected."),
    )


class AdoptionForm(forms.Form):
    """Whether a published comment is adopted, and why."""

    adoption = forms.ChoiceField(
        label=_("Adoption"),
        choices=ConsultationComment.Adoption.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=pgettext_lazy("comment adoption", "Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the public with the comment."),
    )


class SummaryForm(forms.Form):
    """The overall summary published after closing."""

    summary = forms.CharField(
        label=_("Summary of the comments"), widget=forms.Textarea(attrs={"rows": 8})
    )
