"""The notifications the registry sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/registry/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
Messages about a sharing request carry the request as their subject, the resource code as their
reference and link to the request's staff page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link

VIEW_REQUEST = _("View the sharing request")
VIEW_DISPUTE = _("View the dispute")

register_events(
    NotificationEvent(
        name="sharing_requested",
        label=_("Data sharing request to answer (staff)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/sharing_requested",
        link_label=VIEW_REQUEST,
    ),
    NotificationEvent(
        name="sharing_request_decided",
        label=_("Data sharing request answered (staff)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/sharing_request_decided",
        link_label=VIEW_REQUEST,
    ),
    # Escalation to the platform's data administrators (and the provider's) when overdue.
    NotificationEvent(
        name="sharing_request_overdue",
        label=_("Data sharing request overdue (data administrators)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/sharing_request_overdue",
        link_label=VIEW_REQUEST,
    ),
    # Disputes (异议): to the authority's data administrators, the outcome to who raised it.
    NotificationEvent(
        name="dispute_raised",
        label=_("Dispute over a registry value to settle (staff)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/dispute_raised",
        link_label=VIEW_DISPUTE,
    ),
    NotificationEvent(
        name="dispute_due_soon",
        label=_("Dispute over a registry value due soon (data administrators)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/dispute_due_soon",
        link_label=VIEW_DISPUTE,
    ),
    NotificationEvent(
        name="dispute_overdue",
        label=_("Dispute over a registry value overdue (data administrators)"),
        group=EventGroup.STAFF,
        templates="registry/notifications/dispute_overdue",
        link_label=VIEW_DISPUTE,
    ),
    NotificationEvent(
        name="dispute_settled",
        label=_("My dispute over a registry value settled"),
        group=EventGroup.RESULT,
        templates="registry/notifications/dispute_settled",
        link_label=VIEW_DISPUTE,
    ),
)


def sharing_request_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The staff page of the sharing request ``object_id`` (its public ID)."""
    if not object_id:
        return ""
    return reverse("registry:sharing_request_detail", kwargs={"public_id": object_id})


register_link("registry.sharingrequest", sharing_request_link)


def dispute_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """A citizen's own record page for their settled dispute, else the dispute's admin page."""
    from ecity.registry.models import Dispute  # models are ready when links are resolved

    dispute = Dispute.objects.filter(public_id=object_id).only("pk", "raised_department").first()
    if dispute is None:
        return ""
    if event.name == "dispute_settled" and dispute.raised_department_id is None:
        return reverse("registry:my_record")
    return reverse("admin:registry_dispute_change", args=[dispute.pk])


register_link("registry.dispute", dispute_link)
