"""The audit actions of single sign-on (see ``ecity.audit.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.audit.registry import register_actions

register_actions(
    {
        "sso.client_created": _("Application registered for single sign-on"),
        "sso.client_changed": _("Single sign-on application changed"),
        "sso.client_secret_reset": _("Single sign-on application secret reset"),
        "sso.federation_linked": _("Application linked"),
        "sso.federation_unlinked": _("Application unlinked"),
        "sso.signed_in": _("Signed in to an application"),
        "sso.code_replayed": _("Sign-in code used twice: the application's tokens revoked"),
    }
)
