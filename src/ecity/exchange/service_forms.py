"""Forms of the staff pages of the service registry (the services validate; these parse).

Choices come from the view (the department's systems, the service's endpoints), so that a
form never offers another department's data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.exchange.models import Service, Subscription

#: An uploaded OpenAPI document larger than this is refused (a description, not data).
OPENAPI_MAX_BYTES = 1024 * 1024


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ServiceRegisterForm(forms.Form):
    """Register a service of one of the department's systems (REST or SOAP)."""

    provider = forms.ChoiceField(label=_("Providing system"))
    code = forms.CharField(
        # a context: the catalogue's "Service code" means a service item's (事项编码)
        label=pgettext_lazy("exchange service", "Service code"),
        max_length=64,
        help_text=_("Letters, digits, “-”, “_” and “.”; part of the identifier clients call."),
    )
    version = forms.CharField(label=_("Version"), max_length=32, required=False)
    kind = forms.ChoiceField(
        label=pgettext_lazy("exchange service", "Kind"),
        choices=Service.Kind.choices,
        initial=Service.Kind.REST,
    )
    base_url = forms.CharField(
        label=_("Provider base URL"),
        max_length=500,
        help_text=_("Where the gateway forwards calls, for example https://rk.gaj.example.cn/api"),
    )
    openapi_file = forms.FileField(
        label=_("OpenAPI document (file)"),
        required=False,
        help_text=_("JSON or YAML, at most 1 MB. For a REST service: upload or paste it."),
    )
    openapi = forms.CharField(
        label=_("OpenAPI document (text)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    wsdl = forms.CharField(
        label=_("WSDL URL"),
        max_length=500,
        required=False,
        help_text=_("For a SOAP service."),
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_contact = forms.CharField(
        label=_("Contact"), max_length=200, help_text=_("Who answers questions about it.")
    )
    sla_max_latency_ms = forms.IntegerField(
        label=_("SLA: maximum latency (ms)"), min_value=1, max_value=600_000, initial=1000
    )
    sla_availability = forms.DecimalField(
        label=_("SLA: availability (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("99"),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resources = forms.MultipleChoiceField(
        label=_("Registry resources served"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        providers: list[tuple[str, str]],
        resources: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "provider", providers)
        if resources:
            _choices(self, "resources", resources)
        else:  # a department without published resources: nothing to link
            del self.fields["resources"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("openapi_file")
        if upload:
            if upload.size > OPENAPI_MAX_BYTES:
                self.add_error("openapi_file", _("The document is larger than 1 MB."))
            else:
                try:
                    cleaned["openapi"] = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error("openapi_file", _("The document must be UTF-8 text."))
        return cleaned


class AccessGrantForm(forms.Form):
    """Let a client system call the service, or one endpoint of it."""

    client = forms.ChoiceField(label=_("Client system"))
    endpoint = forms.ChoiceField(
        label=_("Endpoint"),
        required=False,
        help_text=_("Leave empty to allow the whole service."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day the right lets calls through; empty: until revoked."),
    )
    sharing_grant = forms.ChoiceField(
        label=_("Sharing grant"),
        required=False,
        help_text=_("Optional: revoking this sharing grant also ends the right."),
    )

    def __init__(
        self,
        *args: Any,
        clients: list[tuple[str, str]],
        endpoints: list[tuple[str, str]],
        grants: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "client", [("", "—"), *clients])
        _choices(self, "endpoint", [("", _("The whole service")), *endpoints])
        _choices(self, "sharing_grant", [("", "—"), *grants])

    def clean_valid_until(self) -> dt.datetime | None:
        day = self.cleaned_data.get("valid_until")
        if day is None:
            return None
        if day < timezone.localdate():
            raise forms.ValidationError(_("The last day cannot be in the past."))
        # valid through the whole last day, in the configured time zone
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


class AccessRevokeForm(forms.Form):
    """Revoke an access right, with the reason kept in the audit trail."""

    right = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubscriptionRequestForm(forms.Form):
    """Ask a topic's owner for a subscription of one of the department's systems."""

    subscriber = forms.ChoiceField(label=_("Subscribing system"))
    mode = forms.ChoiceField(
        label=_("Delivery mode"),
        choices=Subscription.Mode.choices,
        initial=Subscription.Mode.PULL,
        widget=forms.RadioSelect,
    )
    push_url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        required=False,
        help_text=_("For push delivery: an https address of your system."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why your system needs these messages; shown to the topic's owner."),
    )

    def __init__(self, *args: Any, subscribers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "subscriber", subscribers)
