"""SMS gateway backends, chosen by ``ECITY_SMS_URL``.

* ``console://`` (default): write one log line per message (development, demos).
* ``file:///path/to/dir``: append one JSON line per message to ``<dir>/sms.jsonl``.
* ``http://host/path?token=…`` or ``https://…``: POST ``{"to", "text", "id"}`` as JSON to the
  gateway. The token (if any) is taken out of the address and sent as ``Authorization: Bearer``;
  ``id`` and the ``Idempotency-Key`` header carry the notification's id, the same on every retry,
  so a gateway that honours it sends a message once even when we post it twice. A 2xx answer is
  success; 5xx, 408, 429, timeouts and connection errors are retried; other 4xx answers are not.
* ``locmem://``: keep messages in ``LOCMEM_OUTBOX`` (tests).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from ecity.core.masking import mask_phone
from ecity.notify.channels.base import ChannelBackend, DeliveryFailed

if TYPE_CHECKING:
    from ecity.notify.models import Notification

logger = logging.getLogger("ecity.notify.sms")

HTTP_TIMEOUT_SECONDS = 10
RETRYABLE_HTTP_STATUSES = {408, 425, 429}

# Messages "sent" through locmem://, for tests: dicts with to, text and id.
LOCMEM_OUTBOX: list[dict[str, str]] = []
_file_lock = threading.Lock()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET: report it as an error instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _payload(notification: Notification) -> dict[str, str]:
    return {
        "to": notification.to_address,
        "text": notification.body,
        "id": str(notification.public_id),
    }


class ConsoleSms:
    """Log the message (masked number) instead of sending it."""

    def send(self, notification: Notification) -> None:
        logger.info("SMS to %s: %s", mask_phone(notification.to_address), notification.body)


class LocmemSms:
    """Append the message to ``LOCMEM_OUTBOX``."""

    def send(self, notification: Notification) -> None:
        LOCMEM_OUTBOX.append(_payload(notification))


class FileSms:
    """Append the message as one JSON line to ``sms.jsonl`` in a directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "sms.jsonl"

    def send(self, notification: Notification) -> None:
        line = json.dumps(_payload(notification), ensure_ascii=False) + "\n"
        try:
            with _file_lock:
                # Phone numbers and messages: owner-only, like every file ecity writes.
                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as handle:
                    handle.write(line)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write {self.path}: {exc}", retryable=True) from exc


class HttpSms:
    """POST each message as JSON to an HTTP(S) gateway (stdlib urllib, no extra dependency)."""

    def __init__(self, url: str, *, timeout: float | None = None) -> None:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        self.token = next((value for key, value in query if key == "token"), "")
        rest = urlencode([(key, value) for key, value in query if key != "token"])
        self.url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", rest, ""))
        # Only scheme and host in messages and logs: the path may be a secret too.
        self.display = f"{parts.scheme}://{parts.hostname}"
        self.timeout = timeout or HTTP_TIMEOUT_SECONDS

    def send(self, notification: Notification) -> None:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": str(notification.public_id),
            "User-Agent": "ecity-notify",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 - scheme checked in sms_backend_for_url
            self.url,
            data=json.dumps(_payload(notification), ensure_ascii=False).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with _opener.open(request, timeout=self.timeout) as response:
                response.read(4096)
        except urllib.error.HTTPError as exc:
            retryable = exc.code >= 500 or exc.code in RETRYABLE_HTTP_STATUSES
            raise DeliveryFailed(
                f"SMS gateway {self.display} answered {exc.code}", retryable=retryable
            ) from exc
        except OSError as exc:  # URLError, timeouts and refused connections
            reason = getattr(exc, "reason", exc)
            raise DeliveryFailed(
                f"SMS gateway {self.display} unreachable: {reason}", retryable=True
            ) from exc


def sms_backend_for_url(url: str) -> ChannelBackend:
    """Build the SMS backend that ``url`` (ECITY_SMS_URL) names; unknown schemes fail fast."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ConsoleSms()
    if parts.scheme == "locmem":
        return LocmemSms()
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("ECITY_SMS_URL file:// needs a directory: file:///var/sms")
        return FileSms(Path(unquote(parts.path)))
    if parts.scheme in {"http", "https"}:
        if not parts.hostname:
            raise ImproperlyConfigured("ECITY_SMS_URL needs a host: https://gateway.example/send")
        return HttpSms(url)
    raise ImproperlyConfigured(f"ECITY_SMS_URL has an unknown scheme: {parts.scheme!r}")
