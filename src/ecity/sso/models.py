"""Registered department applications (clients), federations (links) and ID-token signing keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings

from ecity.core.models import BaseModel


class DepartmentApplication(Application):
    """A department application registered as an OpenID Connect client (admin face of DOT's model).

    The validation rules for ecity clients live in ``ecity.sso.services``; this proxy only gives the
    admin its own section and names. ID tokens are signed with RS256 by ``ecity.sso.keys``.
    """

    class Meta:
        proxy = True
        verbose_name = _("department application")
        verbose_name_plural = _("department applications")

    def clean(self) -> None:
        # DOT's own clean() insists on the OIDC_RSA_PRIVATE_KEY setting, which ecity replaces by
        # its key store; ecity's rules are checked in services.validate_client_fields().
        return None


class ClientPolicy(BaseModel):
    """What a registered application is: its department, the claims it may receive, a contact."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="ecity_policy",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="sso_clients",
    )
    allowed_claims = models.JSONField(
        _("claims it may receive"),
        default=list,
        blank=True,
        help_text=_("Claim groups (profile, phone, id_number, enterprise) the client may ask for."),
    )
    description = models.TextField(_("description"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("client policy")
        verbose_name_plural = _("client policies")

    def __str__(self) -> str:
        return str(self.application)


class Federation(BaseModel):
    """A person's link (联盟) between their ecity identity and one department application.

    Created when the person first allows the application; ``consented_claims`` grows when the
    application later asks for more and the person agrees. Unlinking sets ``revoked_at``; the
    row stays for the record and a new link starts a new row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="federations",
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="ecity_federations",
    )
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)
    consented_claims = models.JSONField(_("consented claims"), default=list, blank=True)
    acting_for = models.JSONField(
        _("enterprise acted for at the last sign-in"), null=True, blank=True
    )
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("unlinked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["-linked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"],
                condition=Q(revoked_at__isnull=True),
                name="sso_federation_one_active_link",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.application}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RedeemedCode(models.Model):
    """An authorisation code that was exchanged for tokens, kept to recognise a replay.

    DOT deletes a code when it is exchanged; a second exchange of the same code then only fails.
    RFC 6749 §4.1.2 asks more: the tokens issued from a code used twice are revoked, because
    the code leaked. This row remembers, by a digest of the code (never the code itself),
    which token family it produced, until the longest-lived token from it has expired.
    """

    code_digest = models.CharField(_("code digest"), max_length=64, unique=True)
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    access_token_id_issued = models.BigIntegerField(_("access token issued"), null=True)
    token_family = models.UUIDField(_("refresh token family"), null=True)
    redeemed_at = models.DateTimeField(_("redeemed at"), default=timezone.now, db_index=True)
    replayed_at = models.DateTimeField(_("replayed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("redeemed authorisation code")
        verbose_name_plural = _("redeemed authorisation codes")

    def __str__(self) -> str:
        return self.code_digest[:12]
