"""The message log: every message and call, signed and hash-chained per partition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogPartition(models.Model):
    """The head of one chain of the message log (one per partition, e.g. per sender).

    Appending locks only this row, so messages of different partitions never wait for each
    other, while the records of one partition form one unbroken chain.
    """

    name = models.CharField(_("partition"), max_length=255, unique=True)
    last_seq = models.BigIntegerField(_("last sequence number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, blank=True)
    # Retention anchor: records up to ``anchor_seq`` were deleted; ``anchor_hash`` is the hash of
    # record ``anchor_seq``, so the chain resumes from it. The node key signs the statement
    # (``message_log.anchor_statement``) so that nobody can cut the log and call it retention.
    anchor_seq = models.BigIntegerField(_("truncated up to sequence number"), default=0)
    anchor_hash = models.CharField(_("hash at the truncation"), max_length=64, blank=True)
    anchor_kid = models.CharField(
        _("key ID of the truncation signature"), max_length=100, blank=True
    )
    anchor_signature = models.TextField(_("truncation signature"), blank=True)
    anchored_at = models.DateTimeField(_("truncated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message log partition")
        verbose_name_plural = _("message log partitions")

    def __str__(self) -> str:
        return f"{self.name} #{self.last_seq}"


class MessageLogRecord(models.Model):
    """One logged message or call (消息日志): the envelope with its signature and chained hash.

    ``record_hash`` = SHA-256 over the previous record's hash and this record's canonical
    content (see ``ecity.exchange.message_log``); the payload itself is kept only at the
    ``full`` log level, its hash always, so an auditor can verify either level offline.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Publication")
        DELIVERED = "delivered", _("Delivery")
        ACKNOWLEDGED = "acknowledged", _("Acknowledgement")
        DEAD = "dead", _("Dead letter")
        REQUEST = "request", _("Request")
        RESPONSE = "response", _("Response")
        REFUSED = "refused", _("Refused")

    partition = models.CharField(_("partition"), max_length=255)
    seq = models.BigIntegerField(_("sequence number"))
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    record_hash = models.CharField(_("record hash"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    message_id = models.CharField(_("message ID"), max_length=64, db_index=True)
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    target = models.CharField(
        _("receiver, topic or service"), max_length=512, blank=True, db_index=True
    )
    envelope = models.JSONField(_("envelope"), default=dict)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    payload_hash = models.CharField(_("payload hash"), max_length=80, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    logged_at = models.DateTimeField(_("logged at"), db_index=True)

    class Meta:
        verbose_name = _("message log record")
        verbose_name_plural = _("message log")
        ordering = ["partition", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["partition", "seq"], name="exchange_log_partition_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.partition} #{self.seq} {self.kind} {self.message_id}"


class SeenMessage(models.Model):
    """A message ID already accepted from a sender: a second arrival is a replay and is refused.

    Rows older than the accepted clock skew can be purged: such a message is refused as stale.
    """

    sender = models.CharField(_("sender"), max_length=255)
    message_id = models.CharField(_("message ID"), max_length=64)
    seen_at = models.DateTimeField(_("seen at"), db_index=True)

    class Meta:
        verbose_name = _("seen message")
        verbose_name_plural = _("seen messages")
        constraints = [
            models.UniqueConstraint(fields=["sender", "message_id"], name="exchange_seen_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.message_id}"


class Refusal(MessageLogRecord):
    """A refused envelope: the records of the ``refusals`` chain (admin view only)."""

    class Meta:
        proxy = True
        verbose_name = _("refused message")
        verbose_name_plural = _("refused messages")
