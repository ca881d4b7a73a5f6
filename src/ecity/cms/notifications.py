"""The notifications of the department sub-sites (found by ``ecity.notify.registry``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecity.notify.registry import EventGroup, NotificationEvent, register_events

register_events(
    NotificationEvent(
        name="cms_tampering_detected",
        label=_("Published page altered and restored (staff)"),
        group=EventGroup.STAFF,
        templates="cms/notifications/cms_tampering_detected",
        link_label=_("View page"),
    ),
)
