"""Retention of the message log: delete old prefixes of a partition, leave a signed anchor.

A partition's oldest records are deleted only as a whole prefix, and only after that prefix
verified; the partition then records a statement "truncated through seq N whose hash is H",
signed by this node's exchange key (``vault.key_current(purpose=EXCHANGE, owner="")``), so
that ``log_verify`` and an offline verification of an export start the chain at the anchor and
a cut made by anyone without the node key is still found.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core import vault
from ecity.core.errors import Conflict
from ecity.exchange.message_log import anchor_statement, record_content, record_hash_of
from ecity.exchange.models import LogPartition, MessageLogRecord, SeenMessage


def _prefix_holds(head: LogPartition, through_seq: int) -> bool:
    prev_hash, expected = head.anchor_hash, head.anchor_seq + 1
    records = MessageLogRecord.objects.filter(
        partition=head.name, seq__gt=head.anchor_seq, seq__lte=through_seq
    ).order_by("seq")
    for record in records.iterator(chunk_size=2000):
        if record.seq != expected or record.prev_hash != prev_hash:
            return False
        if record_hash_of(record.prev_hash, record_content(record)) != record.record_hash:
            return False
        prev_hash, expected = record.record_hash, expected + 1
    return expected == through_seq + 1


@transaction.atomic
def log_truncate(*, partition: str, through_seq: int) -> int:
    """Delete the records of ``partition`` up to ``through_seq`` and sign the new anchor.

    Returns the number of records deleted (0 when they are gone already). Rules: only a prefix
    that verifies is deleted (a broken chain is evidence and stays); the head row is locked so
    that two runs never interleave. Audited as ``exchange.log_truncated`` (by the system).
    Raises ``Conflict`` when the prefix does not verify or ``through_seq`` is beyond the head.
    """
    head = LogPartition.objects.select_for_update().get(name=partition)
    if through_seq <= head.anchor_seq:
        return 0
    if through_seq > head.last_seq:
        raise Conflict(_("The log partition has no record with this sequence number yet."))
    if not _prefix_holds(head, through_seq):
        raise Conflict(
            _("The chain of %(partition)s does not verify up to #%(seq)d; nothing was deleted.")
            % {"partition": partition, "seq": through_seq}
        )
    last_hash = (
        MessageLogRecord.objects.filter(partition=partition, seq=through_seq)
        .values_list("record_hash", flat=True)
        .get()
    )
    node_key = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="")
    signature = vault.key_sign(
        key=node_key,
        message=anchor_statement(partition=partition, seq=through_seq, record_hash=last_hash),
    )
    deleted, _by_model = MessageLogRecord.objects.filter(
        partition=partition, seq__lte=through_seq
    ).delete()
    head.anchor_seq = through_seq
    head.anchor_hash = last_hash
    head.anchor_kid = node_key.kid
    head.anchor_signature = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    head.anchored_at = timezone.now()
    head.save(
        update_fields=[
            "anchor_seq",
            "anchor_hash",
            "anchor_kid",
            "anchor_signature",
            "anchored_at",
        ]
    )
    audit_record(
        actor=None,
        action="exchange.log_truncated",
        obj=head,
        data={"partition": partition, "through_seq": through_seq, "deleted": deleted},
    )
    return deleted


def log_retention_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply ``ECITY_EXCHANGE_LOG_RETENTION_DAYS`` to every partition (the periodic job).

    For each partition the kept records start at the oldest record logged on or after the
    cut-off; everything before it goes (``log_truncate``, one transaction per partition). A
    partition whose old prefix does not verify is left whole and reported. Returns the number
    of records deleted per partition (``-1`` for a partition left whole because it is broken).
    """
    days = int(settings.ECITY_EXCHANGE_LOG_RETENTION_DAYS)
    if days <= 0:
        return {}
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    result: dict[str, int] = {}
    for head in LogPartition.objects.order_by("name"):
        kept = MessageLogRecord.objects.filter(partition=head.name, seq__gt=head.anchor_seq)
        if not kept.filter(logged_at__lt=cutoff).exists():
            continue
        first_young = (
            kept.filter(logged_at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        )
        through = first_young - 1 if first_young is not None else head.last_seq
        try:
            result[head.name] = log_truncate(partition=head.name, through_seq=through)
        except Conflict:
            result[head.name] = -1
    return result


def seen_messages_purge(*, now: dt.datetime | None = None) -> int:
    """Forget accepted message IDs older than twice the accepted clock skew (the periodic job).

    Safe: a replay of such a message is refused as stale before its ID is looked up. Returns
    the number of rows deleted.
    """
    skew = dt.timedelta(seconds=2 * int(settings.ECITY_EXCHANGE_MAX_SKEW_SECONDS))
    deleted, _by_model = SeenMessage.objects.filter(
        seen_at__lt=(now or timezone.now()) - skew
    ).delete()
    return deleted
