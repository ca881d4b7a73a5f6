"""The audit actions of accounts, sign-in security and staff roles (``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "account.registered": _("Account registered"),
        "account.created": _("Staff account created"),
        # Entries from before real-name levels (identity 0008) keep their label.
        "account.real_name_verified": _("Real name verified"),
        "account.identity_verified": _("Identity verified (real-name level raised)"),
        "account.identity_verification_failed": _(
            "Identity verification refused: another person's identity"
        ),
        "legal_entity.registered": _("Enterprise registered"),
        "legal_entity.verified": _("Enterprise verified"),
        "role.granted": _("Staff role granted"),
        "role.revoked": _("Staff role revoked"),
        "agent.granted": _("Enterprise agent authorised"),
        "agent.revoked": _("Enterprise agent authorisation revoked"),
        "auth.locked": _("Account locked"),
        "auth.unlocked": _("Account unlocked"),
        "auth.mfa_enabled": _("Second factor switched on"),
        "auth.mfa_disabled": _("Second factor switched off"),
        "auth.mfa_failed": _("Wrong second-factor code"),
        "auth.mfa_reset": _("Second factor reset by an administrator"),
        "auth.mfa_recovery_codes_regenerated": _("New recovery codes made"),
        "auth.reauthenticated": _("Identity confirmed again for an account change"),
        "auth.reauth_failed": _("Wrong password or code when confirming identity"),
        "account.email_change_requested": _("E-mail address change requested"),
        "account.email_changed": _("E-mail address changed"),
        "account.phone_change_requested": _("Mobile number change requested"),
        "account.phone_changed": _("Mobile number changed"),
        "account.contact_change_cancelled": _("Contact detail change cancelled"),
        "account.password_changed": _("Password changed"),
        "account.password_reset": _("Password reset by e-mail link"),
    }
)
