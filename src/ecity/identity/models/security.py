"""Second-factor devices, recovery codes, login failures and account locks.

Imported by ``ecity.identity.models`` so that they belong to the identity app (app label
"identity") and its migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel


class MfaDevice(BaseModel):
    """A TOTP authenticator (RFC 6238: 30-second steps, 6 digits, SHA-1) bound to one account.

    The base32 secret is encrypted at rest (AES-GCM under the managed field keys, see
    ``ecity.core.crypto``). A device is active once ``confirmed_at`` is set: the user proved they
    scanned it by entering a code. ``last_used_step`` is the newest accepted time step: a code of
    that step or an earlier one is refused (no replay).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="mfa_device",
    )
    secret = EncryptedTextField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last accepted time step"), default=0)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator (lost phone). Only a hash is kept:
    ``sha256$<salt>$<hex digest of salt ‖ code>``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="recovery_codes",
    )
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class LoginFailure(models.Model):
    """One failed login step (wrong password, unknown login name or wrong second factor).

    Counted per address for the address block; the per-account count lives in
    ``AccountLockout``. Rows older than a day are pruned by the ``identity.prune_login_failures``
    job. Successful logins are in the audit log, not here.
    """

    class Step(models.TextChoices):
        PASSWORD = "password", _("Password")
        SECOND_FACTOR = "second_factor", _("Second factor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"))
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["ip_address", "occurred_at"], name="identity_failure_ip_time"),
            models.Index(fields=["occurred_at"], name="identity_failure_time"),
        ]

    def __str__(self) -> str:
        return f"{self.ip_address} · {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class AccountLockout(models.Model):
    """An account's consecutive failures and, once they reach the threshold, its lock."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="lockout",
    )
    failed_count = models.PositiveIntegerField(_("consecutive failures"), default=0)
    lock_count = models.PositiveIntegerField(_("locks since the last successful login"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account lock-out")
        verbose_name_plural = _("account lock-outs")
        ordering = ["-locked_until"]

    def __str__(self) -> str:
        return str(self.user)

    def is_locked(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.locked_until is not None and self.locked_until > moment  # type: ignore[operator]
