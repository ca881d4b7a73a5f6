"""Idempotent writes: a retried request with the same key gets the first answer, not a second write.

A client names each logical request with a key (the API's ``Idempotency-Key`` header, or the
hidden one-time token of an HTML form). The first request stores an ``IdempotencyRecord(user,
scope, key, request fingerprint)`` as the FIRST statement of the transaction that does the
write, so either both exist or neither does; a failed request leaves no record and a corrected
retry with the same key works. A retry finds the record and gets the first result; a
concurrent duplicate blocks on the unique constraint until the first commits, fails with
IntegrityError, and then finds the record. The same key with another payload (another
fingerprint) is a conflict (HTTP 409, code ``idempotency_conflict``).

The record names its result generically, by type (``cases.case``) and public ID, and may keep
the response (status and JSON body) so that an API can answer a retry without knowing what
it created.

Two ways to use it:

* Any write API opts in with one line, ``@idempotent_api(scope="thing_create")`` on its
  ``post``: the decorator runs the view in a transaction that starts with the record, stores
  the response, and replays it to a retry (status 200 instead of 201, header
  ``Idempotent-Replayed: true``).
* A service that must be idempotent whatever calls it (the case submission, also used by an
  HTML form) calls ``idempotency_find`` before and ``idempotency_begin`` / ``idempotency_complete``
  inside its own transaction.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from rest_framework import status as http_status
from rest_framework.request import Request
from rest_framework.response import Response

from ecity.core.errors import Conflict, ValidationFailed
from ecity.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]{8,100}$")


def idempotency_key_check(key: str) -> str:
    """Return ``key`` if usable (8-100 letters, digits and ``_.:-``); raise ValidationFailed."""
    if not KEY_PATTERN.match(key or ""):
        raise ValidationFailed(
            _("The idempotency key must have 8 to 100 letters, digits or _.:- characters."),
            fields={HEADER: [_("Use 8 to 100 letters, digits or _.:- characters.")]},
        )
    return key


def idempotency_key_of(request: Any) -> str | None:
    """Return the request's ``Idempotency-Key`` header (None when absent or empty)."""
    return request.headers.get(HEADER) or None


def request_fingerprint(payload: Any) -> str:
    """Return a SHA-256 of the request's meaningful content (canonical JSON)."""
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


def result_type_of(instance: models.Model) -> str:
    """The generic type name of a result: its model's ``app_label.model`` (``cases.case``)."""
    return instance._meta.label_lower


def idempotency_find(
    *,
    user: Any,
    scope: str,
    key: str,
    fingerprint: str,
    conflict_message: str | None = None,
) -> IdempotencyRecord | None:
    """Return the record an earlier request with ``key`` left, or None.

    Errors: ``Conflict`` (code ``idempotency_conflict``) when the key was used for another
    payload; ``conflict_message`` lets the caller word it for its users.
    """
    record = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key).first()
    if record is None:
        return None
    if record.request_fingerprint != fingerprint:
        raise Conflict(
            conflict_message or _("This request key was already used for a different request."),
            code="idempotency_conflict",
        )
    return record


def idempotency_begin(
    *,
    user: Any,
    scope: str,
    key: str,
    fingerprint: str,
    result: models.Model | None = None,
) -> IdempotencyRecord:
    """Insert the record; call it first thing inside the transaction that does the write.

    ``result`` may name the object the write is about to create (unsaved, its ``public_id``
    already set), so that no ``idempotency_complete`` is needed afterwards: the record commits
    or rolls back with the write in any case.

    Side effects: a concurrent request with the same key waits here until the first commits,
    then raises IntegrityError (the caller then calls ``idempotency_find``). Errors:
    ``RuntimeError`` outside a transaction (the record must vanish with a failed write).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("idempotency_begin must run inside transaction.atomic")
    return IdempotencyRecord.objects.create(
        user=user,
        scope=scope,
        key=key,
        request_fingerprint=fingerprint,
        result_type=result_type_of(result) if result is not None else "",
        result_id=getattr(result, "public_id", None),
    )


def idempotency_complete(
    *,
    record: IdempotencyRecord,
    result: models.Model | None = None,
    response_status: int | None = None,
    response_body: Any = None,
) -> IdempotencyRecord:
    """Remember what the write produced: its result (type and public ID) and/or its response.

    Rules: call in the same transaction as ``idempotency_begin``. ``result`` must have a
    ``public_id`` (every ``BaseModel`` has one).
    """
    fields = ["updated_at"]
    if result is not None:
        record.result_type = result_type_of(result)
        record.result_id = result.public_id  # type: ignore[attr-defined]
        fields += ["result_type", "result_id"]
    if response_status is not None:
        record.response_status = response_status
        record.response_body = response_body
        fields += ["response_status", "response_body"]
    record.save(update_fields=fields)
    return record


def idempotency_result(record: IdempotencyRecord, model: type[models.Model]) -> Any:
    """Return the ``model`` instance the record names (None if it is of another type or gone)."""
    if record.result_id is None or record.result_type != model._meta.label_lower:
        return None
    return model._default_manager.filter(public_id=record.result_id).first()


# --- the API opt-in ------------------------------------------------------------------------


def _file_digest(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _request_payload(request: Request, kwargs: dict[str, Any]) -> dict[str, Any]:
    data = request.data
    if hasattr(data, "lists"):  # form or multipart: keep repeated fields, hash the files
        fields = {key: values for key, values in data.lists() if key not in request.FILES}
    else:
        fields = data
    files = {name: _file_digest(upload) for name, upload in request.FILES.items()}
    return {"path": request.path, "kwargs": kwargs, "data": fields, "files": files}


def _replay(record: IdempotencyRecord) -> Response:
    code = record.response_status or http_status.HTTP_200_OK
    response = Response(
        record.response_body,
        status=http_status.HTTP_200_OK if code == http_status.HTTP_201_CREATED else code,
    )
    response[REPLAY_HEADER] = "true"
    return response


class _Failed(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


def idempotent_api(*, scope: str) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Make an API view's write method honour the ``Idempotency-Key`` header.

    Rules: without the header the view runs as usual. With it (8-100 characters, else 400) and
    a signed-in user, the view runs in a transaction that first stores the key; a successful
    answer (2xx) is stored with it and replayed to a retry with the same key and payload (201
    becomes 200, header ``Idempotent-Replayed: true``); an error answer rolls everything back so
    the client can retry. The same key with another payload (path, arguments, fields, file
    contents) is a 409 ``idempotency_conflict``. Keys are per user and per ``scope``.
    """

    def decorator(method: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(method)
        def wrapped(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = idempotency_key_of(request)
            user = getattr(request, "user", None)
            if not key or user is None or not user.is_authenticated:
                return method(view, request, *args, **kwargs)
            idempotency_key_check(key)
            fingerprint = request_fingerprint(_request_payload(request, kwargs))
            earlier = idempotency_find(user=user, scope=scope, key=key, fingerprint=fingerprint)
            if earlier is not None:
                return _replay(earlier)
            try:
                with transaction.atomic():
                    record = idempotency_begin(
                        user=user, scope=scope, key=key, fingerprint=fingerprint
                    )
                    response = method(view, request, *args, **kwargs)
                    if not 200 <= response.status_code < 300:
                        raise _Failed(response)
                    idempotency_complete(
                        record=record,
                        response_status=response.status_code,
                        response_body=json.loads(json.dumps(response.data, default=str)),
                    )
            except _Failed as failed:
                return failed.response
            except IntegrityError:
                earlier = idempotency_find(user=user, scope=scope, key=key, fingerprint=fingerprint)
                if earlier is None:
                    raise
                return _replay(earlier)
            return response

        return wrapped

    return decorator
