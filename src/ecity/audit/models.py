"""The audit trail: append-only entries chained by SHA-256, the chain head and anchors.

Rows are written only by ``ecity.audit.services`` and never changed or deleted afterwards:

* ``save()`` refuses to update an existing row, ``delete()`` raises, and the default manager's
  ``update()``/``delete()`` raise (``AuditLogImmutable``);
* the admin has no add, change or delete permission;
* on PostgreSQL a trigger (migrations 0002 and 0003) refuses UPDATE and DELETE. It lets two
  UPDATEs through: the one Django issues when an account is deleted (``actor_id``/``subject_id``
  set to NULL with every other column unchanged; the snapshots ``actor_username``,
  ``actor_public_id`` … stay, and only they are covered by the hash, see ``ecity.audit.chain``),
  and sealing: an entry written without a chain position (``sequence`` NULL, no hashes) gets its
  ``sequence``, ``prev_hash`` and ``entry_hash`` once, every other column unchanged.

An entry is inserted *unsealed* in the transaction of the act it records and chained (*sealed*)
just after that transaction commits, by ``ecity.audit.sealing`` (see there and docs/audit.md).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

GENESIS_HASH = "0" * 64


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete audit rows through the ORM."""


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable("audit rows cannot be updated")

    def delete(self) -> NoReturn:
        raise AuditLogImmutable("audit rows cannot be deleted")


class _AppendOnlyModel(models.Model):
    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutable(f"{self._meta.label} rows cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogImmutable(f"{self._meta.label} rows cannot be deleted")


class AuditEntry(_AppendOnlyModel):
    """One audited event: who (acting for whom) did what to which object and whose data, when,
    from where and why."""

    # The chain position, given when the entry is sealed (NULL until then).
    sequence = models.BigIntegerField(
        pgettext_lazy("audit chain", "sequence"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    occurred_at = models.DateTimeField(_("occurred at"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_public_id = models.CharField(_("actor public ID"), max_length=36, blank=True)
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True)
    actor_display = models.CharField(_("actor name"), max_length=200, blank=True)
    actor_department = models.CharField(_("actor department"), max_length=300, blank=True)
    acting_for_uscc = models.CharField(_("acting for (USCC)"), max_length=18, blank=True)
    acting_for_name = models.CharField(_("acting for"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("data subject"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_public_id = models.CharField(_("data subject public ID"), max_length=36, blank=True)
    subject_username = models.CharField(_("data subject username"), max_length=150, blank=True)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request ID"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("entry hash"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        # Newest first by insertion: unsealed entries (no sequence yet) are the newest.
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            # The sealer's queue: the few entries not chained yet.
            models.Index(
                fields=["id"],
                condition=models.Q(sequence__isnull=True),
                name="audit_unsealed_idx",
            ),
            models.Index(fields=["subject", "occurred_at"], name="audit_subject_time_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time_idx"),
            models.Index(fields=["occurred_at"], name="audit_time_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}" if self.is_sealed else f"({self.action})"

    @property
    def is_sealed(self) -> bool:
        """Whether the entry has its place in the hash chain yet."""
        return self.sequence is not None


class AuditChainHead(models.Model):
    """The single row (id=1) holding the last sequence and hash; the sealer locks it to chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(_("last sequence"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"


class AuditAnchor(_AppendOnlyModel):
    """The chain head recorded at a point in time (and written to the log), so that rewriting
    the chain from an earlier entry onwards is detected even if every later hash is recomputed."""

    sequence = models.BigIntegerField(pgettext_lazy("audit chain", "sequence"), unique=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        ordering = ["-sequence"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.entry_hash[:12]}"
