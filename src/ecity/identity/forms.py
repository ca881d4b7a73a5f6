"""HTML forms for accounts and enterprises. They collect input; services validate and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ecity.core.ratelimit import client_ip
from ecity.identity.models import AgentAuthorisation, User
from ecity.identity.security import lockout

LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


class LoginForm(AuthenticationForm):
    """Username, phone or e-mail plus password, with one generic error for any mismatch."""

    username = forms.CharField(
        label=_("Username, mobile phone or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The login name or password is incorrect. Check both and try again."),
        "inactive": _("This account is disabled."),
    }

    def clean(self) -> dict:
        """Refuse blocked addresses and locked accounts before checking the password; count
        each failure (``security.lockout``) and say so when it locks the account."""
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password or self.request is None:
            return super().clean()
        gate = lockout.login_gate(login_name=username, ip=client_ip(self.request))
        if gate.refused_until is not None:
            raise ValidationError(gate.message, code=gate.reason)
        try:
            return super().clean()
        except ValidationError:
            locked_until = lockout.login_failure_record(
                user=gate.user, ip=gate.ip, request=self.request, login_name=username
            )
            if locked_until is not None:
                raise ValidationError(
                    lockout.locked_message(locked_until), code="account_locked"
                ) from None
            raise


class RegisterForm(forms.Form):
    """Citizen registration. Field rules (ID number, phone, uniqueness…) live in the service."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . + - _ only; not all digits."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    real_name = forms.CharField(
        label=_("Real name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        help_text=_("18 characters, as on your resident identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_(
            "At least 10 characters with at least three of: lower-case letters, capital "
            "letters, digits, other characters; not a common password."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return data


class ProfileForm(forms.Form):
    """The contact details a user may change at once (e-mail and phone have their own pages)."""

    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGE_CHOICES)

    @classmethod
    def for_user(cls, user: User) -> ProfileForm:
        return cls(initial={"address": user.address, "preferred_language": user.preferred_language})


class ReauthForm(forms.Form):
    """A form for a sensitive change that asks for the current password (or an app code).

    ``needs_reauth=False`` (the session confirmed the password a moment ago) drops the fields;
    the code field is offered only to accounts with an authenticator app (``has_mfa``).
    """

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        required=False,
        help_text=_("To make sure it is you, not someone using your open session."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Or a code from your authenticator app"),
        max_length=10,
        required=False,
        help_text=_("Instead of the password: the 6-digit code your app shows now."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, needs_reauth: bool = True, has_mfa: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not needs_reauth:
            del self.fields["current_password"]
            del self.fields["code"]
        elif not has_mfa:
            del self.fields["code"]
        # The new value comes first, then the proof.
        self.order_fields(
            [name for name in self.fields if name not in {"current_password", "code"}]
        )


class EmailChangeForm(ReauthForm):
    email = forms.EmailField(
        label=_("New e-mail address"),
        help_text=_("We send a link to it; the new address counts once you open the link."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PhoneChangeForm(ReauthForm):
    phone = forms.CharField(
        label=_("New mobile number"),
        max_length=20,
        help_text=_("We send a code to it by text message; the number counts once you enter it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )


class PhoneConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class ChangePasswordForm(forms.Form):
    """Current password, then the new one twice. The service checks both (and counts failures)."""

    current_password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_(
            "At least 10 characters with at least three of: lower-case letters, capital "
            "letters, digits, other characters; not a common password."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return data


class LegalEntityRegisterForm(forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        help_text=_("18 characters, as on the business licence."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    legal_representative_name = forms.CharField(
        label=_("Legal representative's name"), max_length=100
    )
    legal_representative_id_number = forms.CharField(
        label=_("Legal representative's ID number"),
        max_length=18,
        help_text=_(
            "If it is your own ID number you become the legal representative on the platform; "
            "otherwise you become the enterprise's account administrator. The enterprise is "
            "verified against the legal representative's verified identity."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Registered address"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )


class AgentGrantForm(forms.Form):
    """Authorise a registered citizen, identified by ID number and real name together."""

    real_name = forms.CharField(label=_("Agent's real name"), max_length=100)
    id_number = forms.CharField(
        label=_("Agent's ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (AgentAuthorisation.Role.AGENT, AgentAuthorisation.Role.AGENT.label),
            (AgentAuthorisation.Role.ADMINISTRATOR, AgentAuthorisation.Role.ADMINISTRATOR.label),
        ],
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for no end date."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "grant")
        super().__init__(*args, **kwargs)


class CounterPersonLookupForm(forms.Form):
    """A clerk finds an account by the ID number on the card in front of them."""

    id_number = forms.CharField(
        label=_("ID number on the ID card"),
        max_length=18,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class CounterPersonVerifyForm(forms.Form):
    """What the clerk reads on the ID card, and that they compared the person with its photo.

    The ID number is the one the account was found by (carried in the form, not the address).
    """

    id_number = forms.CharField(max_length=18, widget=forms.HiddenInput)
    real_name = forms.CharField(label=_("Name on the ID card"), max_length=100)
    person_seen = forms.BooleanField(
        label=_("I have seen the original ID card and the person in front of me matches its photo.")
    )


class CounterEnterpriseLookupForm(forms.Form):
    """A clerk finds an enterprise by the USCC on the business licence in front of them."""

    uscc = forms.CharField(
        label=_("Unified social credit code on the licence"),
        max_length=18,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class CounterEnterpriseVerifyForm(forms.Form):
    """What the clerk reads on the business licence, and that it is the original."""

    name_on_licence = forms.CharField(label=_("Name on the licence"), max_length=200)
    representative_on_licence = forms.CharField(
        label=_("Legal representative on the licence"), max_length=100
    )
    licence_seen = forms.BooleanField(
        label=_("I have seen the original business licence (or its electronic licence).")
    )


class IdentitySwitchForm(forms.Form):
    """Choose who to act as: "" for oneself, else an enterprise's public ID."""

    acting_as = forms.CharField(required=False)


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(SetPasswordForm):
    pass
