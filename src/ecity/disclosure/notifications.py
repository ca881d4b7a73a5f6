"""The notifications information disclosure sends (found by ``ecity.notify.registry``).

Templates: ``templates/disclosure/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
A message about a request carries its number as reference and links to the applicant's page
(the lookup page for an applicant without an account, who is told the query code).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link
from ecity.notify.topics import TopicKind, register_topic_kind
from ecity.org.models import Department

register_events(
    NotificationEvent(
        name="disclosure_received",
        label=_("Your disclosure request was received"),
        group=EventGroup.PROGRESS,
        templates="disclosure/notifications/disclosure_received",
        link_label=_("View request %(reference)s"),
    ),
    NotificationEvent(
        name="disclosure_extended",
        label=_("The reply to your disclosure request was extended"),
        group=EventGroup.PROGRESS,
        templates="disclosure/notifications/disclosure_extended",
        link_label=_("View request %(reference)s"),
    ),
    NotificationEvent(
        name="disclosure_correction",
        label=_("Your disclosure request needs a correction"),
        group=EventGroup.ACTION_REQUIRED,
        templates="disclosure/notifications/disclosure_correction",
        link_label=_("View request %(reference)s"),
    ),
    NotificationEvent(
        name="disclosure_replied",
        label=_("Reply to your disclosure request"),
        group=EventGroup.RESULT,
        templates="disclosure/notifications/disclosure_replied",
        link_label=_("View request %(reference)s"),
    ),
)


def request_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The applicant's page of the request ``reference`` (its number); for an applicant
    without an account, the lookup page (number and query code)."""
    if not reference:
        return ""
    if recipient is None:
        return reverse("disclosure:lookup")
    return reverse("disclosure:request_detail", kwargs={"number": reference})


register_link("disclosure.disclosurerequest", request_link)


def _department_topic(code: str) -> tuple[str, str] | None:
    """A department's disclosure catalogue as a topic (``disclosure.department:<code>``)."""
    department = Department.objects.filter(is_active=True, code=code).first()
    if department is None:
        return None
    title = _("%(department)s: government information disclosure") % {"department": department}
    return str(title), reverse("disclosure:department", kwargs={"code": department.code})


register_topic_kind(
    TopicKind(
        name="disclosure.department",
        label=_("Disclosure catalogue"),
        resolve=_department_topic,
    )
)
