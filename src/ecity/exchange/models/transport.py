"""Transport bookkeeping: how far the relay has carried each chain of the message log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RelayCursor(models.Model):
    """The last sequence number of one log partition that the relay handed to the broker.

    Every ``published`` record of the partition up to ``last_seq`` has a broker PubAck. The
    cursor only moves forward and only after the PubAck, so a crash in between republishes
    (the broker drops the copy by its message ID) and nothing is skipped.
    """

    partition = models.CharField(_("partition"), max_length=255, unique=True)
    last_seq = models.BigIntegerField(_("last relayed sequence number"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("relay cursor")
        verbose_name_plural = _("relay cursors")
        ordering = ["partition"]

    def __str__(self) -> str:
        return f"{self.partition} → #{self.last_seq}"
