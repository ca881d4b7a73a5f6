"""E-mail channel through Django's mail framework (SMTP in production, see ECITY_EMAIL_URL)."""

from __future__ import annotations

import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from ecity.notify.channels.base import DeliveryFailed

if TYPE_CHECKING:
    from ecity.notify.models import Notification

SMTP_TIMEOUT_SECONDS = 30


class EmailChannel:
    """Send the row's subject and body as a plain-text e-mail from DEFAULT_FROM_EMAIL.

    The Message-ID is derived from the notification, so a message sent twice (at-least-once
    delivery after a crash) carries the same id and mail clients can tell the copies apart.
    """

    def send(self, notification: Notification) -> None:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "ecity.invalid"
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_address],
            headers={
                "Message-ID": f"<{notification.public_id}@{domain}>",
                "X-Ecity-Notification": str(notification.public_id),
            },
            connection=get_connection(timeout=SMTP_TIMEOUT_SECONDS),
        )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise DeliveryFailed(f"address refused: {exc}", retryable=False) from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx replies are permanent by the SMTP rules; 4xx are temporary.
            raise DeliveryFailed(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", retryable=exc.smtp_code < 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"mail server unavailable: {exc}", retryable=True) from exc
