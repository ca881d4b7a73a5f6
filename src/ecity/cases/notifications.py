"""The notifications cases sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/cases/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
Every message carries the case as its subject and the case number as its reference, and links
to the case: staff messages to the workbench page, the applicant's to "my case" (or, for a walk-in
applicant without an account, to the case lookup with the number and query code). A joint
application's message is about the joint application and links to its progress page.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecity.core.accounts import Account
from ecity.notify.registry import EventGroup, NotificationEvent, register_events, register_link

VIEW_CASE = _("View case %(reference)s")
VIEW_RATING = _("Rating of case %(reference)s")


def _event(
    name: str, label: str | Promise, group: str, link_label: str | Promise = VIEW_CASE
) -> NotificationEvent:
    return NotificationEvent(
        name=name,
        label=label,
        group=group,
        templates=f"cases/notifications/{name}",
        link_label=link_label,
    )


register_events(
    _event("case_submitted", _("Application submitted"), EventGroup.PROGRESS),
    # One message for a joint application (一件事) and all its member cases, linking to its page.
    _event(
        "joint_submitted",
        _("Joint application submitted"),
        EventGroup.PROGRESS,
        _("View joint application %(reference)s"),
    ),
    _event("case_accepted", _("Application accepted"), EventGroup.PROGRESS),
    _event("case_refused", _("Application not accepted"), EventGroup.RESULT),
    _event("correction_requested", _("Correction requested"), EventGroup.ACTION_REQUIRED),
    _event("case_corrected", _("Corrections received"), EventGroup.PROGRESS),
    # The licensing law requires telling the applicant of an extension, its reason and deadline.
    _event("case_extended", _("Time limit extended"), EventGroup.PROGRESS),
    _event("case_approved", _("Application approved"), EventGroup.RESULT),
    _event("case_rejected", _("Application not approved"), EventGroup.RESULT),
    # Sent for the certificate of a decided case; the certificate's page is reached from it.
    _event("certificate_issued", _("Certificate issued"), EventGroup.RESULT),
    _event("case_urged", _("Case urged (staff)"), EventGroup.STAFF),
    _event("rating_low", _("Low service rating (supervisors)"), EventGroup.STAFF, VIEW_RATING),
    # Ratings (好差评): the invitation links to the rating page; the answer to the rater too.
    _event(
        "rating_invited",
        _("Invitation to rate the service"),
        EventGroup.RESULT,
        _("Rate case %(reference)s"),
    ),
    _event("rating_answered", _("Answer to your rating"), EventGroup.ACTION_REQUIRED, VIEW_RATING),
    _event(
        "rectification_opened",
        _("Low rating to rectify (staff)"),
        EventGroup.STAFF,
        VIEW_RATING,
    ),
    _event(
        "rectification_unresolved",
        _("Rectification not accepted (supervisors)"),
        EventGroup.STAFF,
        VIEW_RATING,
    ),
)


def case_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The page a message about the case ``reference`` (its number) links to."""
    if not reference:
        return ""
    if event.group == EventGroup.STAFF:
        return reverse("cases:workbench_case", kwargs={"number": reference})
    if recipient is None:
        return reverse("cases:lookup")
    return reverse("cases:detail", kwargs={"number": reference})


register_link("cases.case", case_link)


def joint_application_link(
    *, object_id: str, reference: str, event: NotificationEvent, recipient: Account | None
) -> str:
    """The page a message about the joint application ``reference`` (its number) links to."""
    if not reference:
        return ""
    if recipient is None:
        return reverse("cases:joint_lookup")
    return reverse("cases:joint_detail", kwargs={"number": reference})


register_link("cases.jointapplication", joint_application_link)
