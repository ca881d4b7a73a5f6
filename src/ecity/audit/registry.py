"""The audit actions apps declare: name, label, and whether it is an access to personal data.

Audit records acts for every app without knowing them. An app declares its actions in its own
``audit_actions.py`` (found at start-up like ``jobs.py``)::

    from ecity.audit.registry import register_actions

    register_actions({"ticket.closed": _("Ticket closed")})
    register_actions({"ticket.read": _("Ticket read")}, is_data_access=True)

``is_data_access`` marks reads and writes of a person's data and files: they are listed on the
person's "who accessed my data" page when the entry names them as its subject.
``audit_record`` checks that an action is declared (see ``action_check``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

ACTION_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class UndeclaredAuditActionWarning(UserWarning):
    """An action was recorded that no app declared (so the audit pages have no label for it)."""


@dataclass(frozen=True)
class AuditAction:
    name: str
    label: str | Promise
    is_data_access: bool = False


_actions: dict[str, AuditAction] = {}
_discovered = False


def register_actions(actions: Mapping[str, str | Promise], *, is_data_access: bool = False) -> None:
    """Declare audit actions with their labels (idempotent for the same declaration).

    Raises ValueError for a malformed name or a name already declared differently
    (programming errors, found at start-up).
    """
    for name, label in actions.items():
        if not ACTION_PATTERN.fullmatch(name) or len(name) > 64:
            raise ValueError(f"malformed audit action: {name!r}")
        action = AuditAction(name=name, label=label, is_data_access=is_data_access)
        existing = _actions.get(name)
        if existing is not None and existing != action:
            raise ValueError(f"audit action {name!r} is already declared differently")
        _actions[name] = action


def unregister_actions(*names: str) -> None:
    """Forget actions (for tests that declare actions of their own)."""
    for name in names:
        _actions.pop(name, None)


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("audit_actions")


def registered_actions() -> dict[str, AuditAction]:
    """Every declared action by name, after importing each app's ``audit_actions`` module."""
    _discover()
    return dict(_actions)


def action_get(name: str) -> AuditAction | None:
    """The declaration of ``name``, or None when no app declares it (any more)."""
    _discover()
    return _actions.get(name)


def action_label(name: str) -> str:
    """The action in words, or the dotted name itself when no app declares it (any more)."""
    action = action_get(name)
    return str(action.label) if action is not None else name


def data_access_actions() -> list[str]:
    """Names of the actions that read or change a person's data, sorted."""
    _discover()
    return sorted(name for name, action in _actions.items() if action.is_data_access)


def action_check(name: str) -> None:
    """Complain about an action no app declared: so that every entry has a label.

    Raises ValueError when ``DEBUG`` is on; otherwise warns (``UndeclaredAuditActionWarning``,
    an error in the test suite, see ``filterwarnings`` in pyproject.toml). The entry is still
    written in production: losing evidence would be worse than a missing label.
    """
    if action_get(name) is not None:
        return
    message = f"audit action {name!r} is not declared: add it to the app's audit_actions.py"
    if settings.DEBUG:
        raise ValueError(message)
    warnings.warn(message, UndeclaredAuditActionWarning, stacklevel=3)
