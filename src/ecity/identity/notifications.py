"""The notifications identity sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/identity/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
They are sent to explicit addresses, not through the account's preferences: a confirmation goes
only to the new address or number, and the notice of a change goes to the old e-mail address and
phone number (account security messages cannot be switched off).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.notify.registry import EventGroup, NotificationEvent, register_events

register_events(
    NotificationEvent(
        name="email_change_confirm",
        label=_("Confirm a new e-mail address"),
        group=EventGroup.ACTION_REQUIRED,
        templates="identity/notifications/email_change_confirm",
        link_label=_("Confirm the new address"),
    ),
    NotificationEvent(
        name="phone_change_code",
        label=_("Code to confirm a new mobile number"),
        group=EventGroup.ACTION_REQUIRED,
        templates="identity/notifications/phone_change_code",
    ),
    NotificationEvent(
        name="contact_change_requested",
        label=_("Change of contact details requested"),
        group=EventGroup.ACTION_REQUIRED,
        templates="identity/notifications/contact_change_requested",
        link_label=_("My account"),
    ),
    NotificationEvent(
        name="contact_changed",
        label=_("Contact details changed"),
        group=EventGroup.ACTION_REQUIRED,
        templates="identity/notifications/contact_changed",
        link_label=_("My account"),
    ),
    NotificationEvent(
        name="password_changed",
        label=_("Password changed"),
        group=EventGroup.ACTION_REQUIRED,
        templates="identity/notifications/password_changed",
        link_label=_("My account"),
    ),
)
