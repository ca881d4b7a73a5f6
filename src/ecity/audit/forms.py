"""The auditor's search form (also used for exports)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecity.audit.selectors import AuditFilters


class DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    actor = forms.CharField(
        label=_("Actor"),
        required=False,
        max_length=150,
        help_text=_("Username or name; for failed logins, the login name typed."),
    )
    subject = forms.CharField(
        label=_("Data subject"),
        required=False,
        max_length=150,
        help_text=_("Resident ID number or username of the person whose data was touched."),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_('For example auth.login_failed, or "auth." for every login event.'),
    )
    object_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=100,
        help_text=_("For example identity.user or cases.case."),
    )
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=64)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until (date)"), required=False, widget=DateInput)
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def to_filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor=data.get("actor") or "",
            subject=data.get("subject") or "",
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            ip_address=data.get("ip_address") or "",
        )
