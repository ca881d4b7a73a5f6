"""HTML forms of the certificates app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    q = forms.CharField(
        label=_("Certificate number or QR code content"),
        max_length=600,
        help_text=_(
            "Enter the certificate number (it starts with 1.2.156.3005.2.) or paste the text of "
            "the QR code printed on the certificate."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=1000,
        help_text=_("Shown to everyone who verifies the certificate."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
