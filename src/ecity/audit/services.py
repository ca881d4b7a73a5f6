"""Writes to the audit trail: append an entry to the hash chain, record anchors.

``audit_record`` is the one way every app records an audited event. It joins the caller's
transaction: the entry commits or rolls back together with the change it describes. Recording
costs one INSERT and takes no lock shared with other writers: the entry is written unsealed and
chained after the commit, in commit order, by ``ecity.audit.sealing`` (in its own short
transaction under the chain head lock), so audited transactions across the platform no longer
wait for each other.

Action names are dotted strings: ``<area>.<event>``, lower case, e.g. ``auth.login``,
``role.granted``, ``personal_data.read``, declared with a label by the app that records them
(``audit_actions.py``, see ``ecity.audit.registry``). ``data`` holds a few small values that
explain the event (role codes, counts, filter *names*), never personal data values such as ID
numbers.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ecity.audit import sealing
from ecity.audit.chain import normalise_ip
from ecity.audit.models import AuditAnchor, AuditEntry
from ecity.audit.registry import ACTION_PATTERN, action_check
from ecity.core.accounts import Account
from ecity.org import selectors as org_selectors

logger = logging.getLogger("ecity.audit")

#: An account (``settings.AUTH_USER_MODEL``): audit knows accounts only through Django's auth.
User = Account


class ActingFor(Protocol):
    """The enterprise an actor acts for: its unified social credit code and name."""

    uscc: str
    name: str


_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MAX_DATA_BYTES = 4096
MAX_FIELDS = 100


def _text(value: object, limit: int) -> str:
    """Text as stored: NUL characters removed (PostgreSQL refuses them), cut to ``limit``."""
    return str(value or "").replace("\x00", "")[:limit]


def _plain_json(value: Any) -> Any:
    """JSON values that survive a database round trip unchanged (floats become strings)."""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    return value


def _normalise_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not data:
        return {}
    text = json.dumps(dict(data), cls=DjangoJSONEncoder, allow_nan=False)
    if len(text.encode("utf-8")) > MAX_DATA_BYTES:
        raise ValueError(f"audit data must stay under {MAX_DATA_BYTES} bytes")
    return _plain_json(json.loads(text))


def _normalise_fields(fields: Sequence[str]) -> list[str]:
    if isinstance(fields, str):
        raise ValueError("fields is a sequence of field names, not one string")
    names = [_text(name, 100) for name in fields]
    if len(names) > MAX_FIELDS:
        raise ValueError(f"at most {MAX_FIELDS} field names")
    return names


def request_id_for(request: HttpRequest) -> str:
    """The request's ID: the proxy's ``X-Request-ID`` when well-formed, else a fresh one.

    The same ID is returned for every entry recorded while handling one request.
    """
    raw = getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest
    existing = getattr(raw, "request_id", None) or getattr(raw, "_audit_request_id", None)
    if existing:
        return _text(existing, 64)
    header = raw.META.get("HTTP_X_REQUEST_ID", "")
    value = header if _REQUEST_ID_PATTERN.fullmatch(header) else uuid.uuid4().hex
    setattr(raw, "_audit_request_id", value)  # noqa: B010 - HttpRequest has no such attribute
    return value


def _request_values(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    meta = getattr(request, "META", {})
    return {
        "ip_address": normalise_ip(meta.get("REMOTE_ADDR")),
        "user_agent": _text(meta.get("HTTP_USER_AGENT"), 300),
        "request_id": request_id_for(request),
    }


def _object_values(obj: models.Model | None) -> dict[str, str]:
    if obj is None:
        return {}
    # An account is labelled by its username, never by the person's real name.
    label = obj.get_username() if isinstance(obj, AbstractBaseUser) else str(obj)
    public_id = getattr(obj, "public_id", None)
    return {
        "object_type": obj._meta.label_lower,
        "object_id": _text(public_id if public_id is not None else obj.pk, 64),
        "object_repr": _text(label, 200),
    }


def _department_names(actor: User) -> str:
    """Names of the departments where ``actor`` holds an active staff role, for display."""
    names: list[str] = []
    for role in org_selectors.user_roles(user=actor):
        if role.department is not None and role.department.name_zh not in names:
            names.append(role.department.name_zh)
    return "、".join(names)


def _actor_values(actor: User | None, subject: User | None) -> dict[str, Any]:
    if actor is None:
        return {}
    values: dict[str, Any] = {
        "actor": actor,
        "actor_public_id": str(actor.public_id),
        "actor_username": _text(actor.get_username(), 150),
        "actor_display": _text(actor.real_name or actor.get_username(), 200),
    }
    # The department is shown on the "who looked at my data" page; look it up only then.
    if subject is not None and subject.pk != actor.pk:
        values["actor_department"] = _text(_department_names(actor), 300)
    return values


def _system_values(actor: User | None, system: str, department: str) -> dict[str, Any]:
    if actor is not None or not system:
        return {}
    return {"actor_display": _text(system, 200), "actor_department": _text(department, 300)}


def _subject_values(subject: User | None) -> dict[str, Any]:
    if subject is None:
        return {}
    return {
        "subject": subject,
        "subject_public_id": str(subject.public_id),
        "subject_username": _text(subject.get_username(), 150),
    }


def audit_entry_append(**values: Any) -> AuditEntry:
    """Insert one entry with the given (already normalised) values, unsealed.

    Low level: apps call ``audit_record``. One INSERT in the caller's transaction, no lock
    shared with other writers; the entry is chained just after the transaction commits
    (``sealing.seal_after_commit``), and rolls back with it.
    """
    entry = AuditEntry(occurred_at=timezone.now(), **values)
    entry.save()
    sealing.seal_after_commit()
    return entry


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    subject: User | None = None,
    fields: Sequence[str] = (),
    reason: str = "",
    request: HttpRequest | None = None,
    acting_for: ActingFor | None = None,
    data: Mapping[str, Any] | None = None,
    system: str = "",
    system_department: str = "",
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (to ``obj``, touching ``subject``'s personal data).

    ``fields`` names the fields read or written, ``reason`` says why when a reason is required,
    ``request`` supplies the IP address, user agent and request ID, ``acting_for`` the
    enterprise the actor acts for. ``data`` is a small JSON object without personal data values.
    Names are copied into the entry (snapshots), so it stays readable after accounts change.
    Without an ``actor``, ``system`` and ``system_department`` name the machine that acted (a
    department's system calling an API): shown as who acted, as on "who looked at my data".
    Joins the caller's transaction. Raises ``ValueError`` for a malformed action, ``fields`` or
    ``data`` (programming errors); an action no app declared is refused under ``DEBUG`` and
    warned about otherwise (``registry.action_check``).
    """
    if not ACTION_PATTERN.fullmatch(action or "") or len(action) > 64:
        raise ValueError(f"malformed audit action: {action!r}")
    action_check(action)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser
    values: dict[str, Any] = {
        "action": action,
        "fields": _normalise_fields(fields),
        "reason": _text(reason, 1000),
        "data": _normalise_data(data),
        **_actor_values(actor, subject),
        **_system_values(actor, system, system_department),
        **_subject_values(subject),
        **_object_values(obj),
        **_request_values(request),
    }
    if acting_for is not None:
        values["acting_for_uscc"] = _text(acting_for.uscc, 18)
        values["acting_for_name"] = _text(acting_for.name, 200)
    return audit_entry_append(**values)


def audit_login_failed(*, login_name: str, request: HttpRequest | None) -> AuditEntry:
    """Record a failed login attempt for ``login_name`` (never the password tried).

    The login name is kept (as the entry's object label and in ``data``) because auditors look
    for attacks on one account; it is what the person typed, not verified to exist.
    """
    name = _text(login_name.strip(), 150)
    return audit_entry_append(
        action="auth.login_failed",
        object_type="identity.user",
        object_repr=name,
        data={"login_name": name},
        **_request_values(request),
    )


def audit_personal_data_read(
    *,
    request: HttpRequest,
    subject: User | None,
    obj: models.Model | None,
    fields: Sequence[str],
    reason: str = "",
) -> AuditEntry | None:
    """Record that the requesting user read ``fields`` of ``subject``'s personal data.

    People reading their own data are not audited (returns None): the trail answers "who else
    looked at my data". Everyone else, staff above all, is recorded as ``personal_data.read``.
    ``subject`` is None when the person has no account (a legal representative known only
    from the enterprise's record): the entry then names ``obj``.
    """
    user = getattr(request, "user", None)
    if (
        subject is not None
        and user is not None
        and getattr(user, "is_authenticated", False)
        and user.pk == subject.pk
    ):
        return None
    return audit_record(
        actor=user,
        action="personal_data.read",
        obj=obj if obj is not None else subject,
        subject=subject,
        fields=fields,
        reason=reason,
        request=request,
    )


def audit_anchor_create() -> AuditAnchor | None:
    """Record the current chain head as an anchor (and in the log); None when nothing is new.

    Run hourly by the ``audit.anchor`` job. Ship the log line ``audit anchor`` to a log store
    outside the database: a rewritten chain cannot match the hashes written there. Seals the
    committed entries first, so the anchor covers them.
    """
    sealing.audit_entries_seal()
    with transaction.atomic():
        head = sealing.head_lock()
        if head is None:  # waiting for the lock always returns the head
            raise RuntimeError("the audit chain head could not be locked")
        latest = AuditAnchor.objects.order_by("-sequence").values_list("sequence", flat=True)
        if head.last_sequence == 0 or latest.first() == head.last_sequence:
            return None
        anchor = AuditAnchor(sequence=head.last_sequence, entry_hash=head.last_hash)
        anchor.save()
    logger.info("audit anchor: sequence=%s hash=%s", anchor.sequence, anchor.entry_hash)
    return anchor
