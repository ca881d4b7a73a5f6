"""HTML forms of information disclosure; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.disclosure.models import ApplicantType, Delivery, Medium, ReplyType
from ecity.disclosure.services.reports import REVIEW_FIELDS
from ecity.org.models import Department


class RequestForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department you ask"),
        queryset=Department.objects.filter(is_active=True).order_by("code"),
    )
    applicant_type = forms.ChoiceField(
        label=_("You apply as"), choices=ApplicantType.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(
        label=pgettext_lazy("disclosure", "Name"),
        max_length=200,
        required=False,
        help_text=_("Your name, or the name of the enterprise or organisation."),
    )
    id_number = forms.CharField(label=_("ID number (citizens)"), max_length=18, required=False)
    uscc = forms.CharField(
        label=_("Unified social credit code (enterprises)"), max_length=18, required=False
    )
    legal_representative = forms.CharField(
        label=_("Legal representative (enterprises)"), max_length=100, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Information you ask for"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Name the document, its number or a description precise enough to find it."),
    )
    purpose = forms.CharField(
        label=_("Purpose (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    medium = forms.ChoiceField(
        label=_("Form of the information"), choices=Medium.choices, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(
        label=_("How you receive it"), choices=Delivery.choices, widget=forms.RadioSelect
    )


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Request number"), max_length=60)
    query_code = forms.CharField(label=_("Query code"), max_length=16)


class CorrectionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your corrected request"), widget=forms.Textarea(attrs={"rows": 5})
    )


class VerifyForm(forms.Form):
    document = forms.FileField(label=_("Reply document (PDF)"))


class _StaffActionForm(forms.Form):
    """One of the forms of the staff request page: they share field names (``reason``), so each
    gets its own element ids, or a label would name another form's field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ExtendForm(_StaffActionForm):
    id_prefix = "extend"

    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=20, initial=20)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class CorrectionAskForm(_StaffActionForm):
    id_prefix = "correction"

    what = forms.CharField(
        label=_("What the applicant must correct"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(_StaffActionForm):
    id_prefix = "reply"

    reply_type = forms.ChoiceField(label=_("Reply type"), choices=ReplyType.choices)
    content = forms.CharField(
        label=_("Reply text"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    withheld = forms.CharField(
        label=_("Information withheld (partial disclosure)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    legal_ground = forms.CharField(
        label=_("Legal ground (partial or no disclosure)"), max_length=300, required=False
    )
    right_body = forms.CharField(
        label=_("Body responsible (not held by this body)"), max_length=200, required=False
    )
    right_body_contact = forms.CharField(
        label=_("Contact of that body"), max_length=200, required=False
    )
    earlier_number = forms.CharField(
        label=_("Earlier request number (repeated request)"), max_length=60, required=False
    )


class GuideForm(forms.Form):
    text = forms.CharField(label=_("Guide"), widget=forms.Textarea(attrs={"rows": 16}))


class ReportForm(forms.Form):
    summary = forms.CharField(
        label=_("Overview"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    problems = forms.CharField(
        label=_("Main problems and improvements"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "review_maintained": _("Administrative review: upheld"),
            "review_corrected": _("Administrative review: corrected"),
            "review_other": _("Administrative review: other result"),
            "review_pending": _("Administrative review: pending"),
            "litigation_maintained": _("Litigation: upheld"),
            "litigation_corrected": _("Litigation: corrected"),
            "litigation_other": _("Litigation: other result"),
            "litigation_pending": _("Litigation: pending"),
        }
        for field in REVIEW_FIELDS:
            self.fields[field] = forms.IntegerField(label=labels[field], min_value=0, initial=0)
