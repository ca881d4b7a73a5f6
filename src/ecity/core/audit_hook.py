"""How kernel code leaves audit evidence without importing the audit app (core imports no app).

The audit app registers its recorder when Django starts (``AuditConfig.ready``); kernel
services (the signing-key vault, the field keyring commands) call ``audit_hook_record``, which
writes the entry in the caller's transaction through every registered recorder. Without an
audit app installed nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

Recorder = Callable[..., Any]

_recorders: list[Recorder] = []


def audit_hook_register(recorder: Recorder) -> None:
    """Add ``recorder`` (called as ``recorder(actor=…, action=…, obj=…, data=…)``); once only."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def audit_hook_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Record an administrative act of the kernel through every registered recorder."""
    for recorder in _recorders:
        recorder(actor=actor, action=action, obj=obj, data=dict(data or {}))
