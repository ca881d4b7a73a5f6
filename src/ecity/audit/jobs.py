"""Periodic audit jobs: seal the entries an after-commit sealer missed (``sealing``), anchor the
chain head every hour (see ``services.audit_anchor_create``) and append a signed checkpoint of it
to the checkpoint file (``checkpoints.checkpoint_write``)."""

from __future__ import annotations

from django.conf import settings

from ecity.audit import checkpoints, sealing, services
from ecity.core.jobs import register_job


def seal_entries() -> str:
    return f"sealed {sealing.audit_entries_seal()} entries"


def anchor_chain_head() -> str:
    anchor = services.audit_anchor_create()
    return f"anchored #{anchor.sequence}" if anchor else "nothing new to anchor"


def checkpoint_chain_head() -> str:
    checkpoint = checkpoints.checkpoint_write()
    return f"checkpoint #{checkpoint.sequence}" if checkpoint else "nothing new to checkpoint"


register_job("audit.seal", seal_entries, every_seconds=sealing.SEAL_EVERY_SECONDS)
register_job("audit.anchor", anchor_chain_head, every_seconds=3600)
register_job(
    "audit.checkpoint",
    checkpoint_chain_head,
    every_seconds=settings.ECITY_AUDIT_CHECKPOINT_EVERY_SECONDS,
)
