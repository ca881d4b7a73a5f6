"""Forms of the second-factor pages. They collect input; ``mfa`` checks and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorForm(forms.Form):
    """The login's second step: a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolmentConfirmForm(forms.Form):
    """Prove the app was set up by entering the code it shows."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("Enter the 6-digit code the app shows for this account."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class PasswordAndCodeForm(forms.Form):
    """Confirm a sensitive change (turn off, new recovery codes) with both factors."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("A current code from your authenticator app, or an unused recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
