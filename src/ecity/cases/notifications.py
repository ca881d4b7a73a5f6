"""The notifications cases sends (found by ``ecity.notify.registry`` at start-up).

Templates: ``templates/cases/notifications/<event>.subject.txt``, ``.txt`` and ``.sms.txt``.
Every message carries the case as its subject and the case number as its reference.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecity.notify.registry import EventGroup, NotificationEvent, register_events

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
    _event("case_accepted", _("Application accepted"), EventGroup.PROGRESS),
    _event("case_refused", _("Application not accepted"), EventGroup.RESULT),
    _event("correction_requested", _("Correction requested"), EventGroup.ACTION_REQUIRED),
    _event("case_corrected", _("Corrections received"), EventGroup.PROGRESS),
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
