"""The forms of the hotline pages: one definition of the intake input for every page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ecity.hotline.models import Category, TicketKind, Urgency
from ecity.hotline.services.intake import CallOutcome, TicketInput
from ecity.org.models import Department, Region


class LocalisedModelChoiceField(forms.ModelChoiceField):
    """A choice of departments or regions labelled in the page's language (``str()`` of both
    is the Chinese name, which an English page showed)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LocalisedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several departments or regions, labelled in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; checked by the intake service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


class TicketForm(forms.Form):
    """What a citizen tells the hotline on the portal."""

    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("— not sure —"),
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    region = LocalisedModelChoiceField(
        label=_("Sub-district or community"),
        queryset=Region.objects.exclude(level=Region.Level.CITY).order_by("code"),
        to_field_name="code",
        required=False,
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6
    )
    attachments = MultipleFileField(label=_("Photos or PDF"), required=False)
    public_consent = forms.BooleanField(
        label=_("The answer may be published (without my personal data)"), required=False
    )
    confidential = forms.BooleanField(
        label=_("Keep my identity confidential from the handling department"), required=False
    )

    def ticket_input(self, **extra: Any) -> TicketInput:
        """The service input from the cleaned data (fields the service checks are passed on)."""
        data = self.cleaned_data
        return TicketInput(
            kind=data.get("kind") or "",
            description=data.get("description") or "",
            category_code=data["category"].code if data.get("category") else "",
            address=data.get("address") or "",
            region_code=data["region"].code if data.get("region") else "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            attachments=data.get("attachments") or [],
            public_consent=bool(data.get("public_consent")),
            confidential=bool(data.get("confidential")),
            **extra,
        )


class CallForm(TicketForm):
    """The agent console: the caller first (the phone field has the focus), then the request."""

    caller_phone = forms.CharField(
        label=_("Caller phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel", "accesskey": "p"}),
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=100, required=False)
    anonymous = forms.BooleanField(label=_("Anonymous caller"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY
    )
    outcome = forms.ChoiceField(
        label=_("What to do"),
        widget=forms.RadioSelect,
        initial=CallOutcome.SAVE,
        choices=[
            (CallOutcome.RESOLVE, _("Answer now (直接办结)")),
            (CallOutcome.DISPATCH, _("Dispatch now (派单)")),
            (CallOutcome.SAVE, _("Save for the dispatcher")),
        ],
    )
    answer = forms.CharField(
        label=_("Answer given to the caller"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    department = LocalisedModelChoiceField(
        label=_("Dispatch to"),
        queryset=Department.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )

    field_order = [
        "caller_phone", "caller_name", "anonymous", "kind", "urgency", "category", "description",
        "address", "region", "latitude", "longitude", "attachments", "confidential",
        "public_consent", "outcome", "answer", "department",
    ]  # fmt: skip

    def call_input(self) -> TicketInput:
        data = self.cleaned_data
        return self.ticket_input(
            caller_phone=data.get("caller_phone") or "",
            caller_name=data.get("caller_name") or "",
            anonymous=bool(data.get("anonymous")),
            urgency=data.get("urgency") or Urgency.ORDINARY,
        )


class DispatchForm(forms.Form):
    department = LocalisedModelChoiceField(
        label=_("Dispatch to"),
        queryset=Department.objects.filter(is_active=True),
        to_field_name="code",
    )
    note = forms.CharField(
        label=_("Note to the department"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueryForm(forms.Form):
    number = forms.CharField(label=_("Ticket number"), max_length=40)
    query_code = forms.CharField(label=_("Query code"), max_length=16)
